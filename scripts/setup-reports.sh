#!/usr/bin/env bash
# setup-reports.sh installs what the report tests need: Debian's chromium,
# which renders the HTML report headless (scanner/report), and a font for
# its text. Idempotent and quiet: it does nothing when /usr/bin/chromium is
# there, and prints apt's output only when the install fails.
set -euo pipefail

if [ -x /usr/bin/chromium ]; then
	exit 0
fi

export DEBIAN_FRONTEND=noninteractive
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core; } >"$log" 2>&1; then
	cat "$log" >&2
	echo "setup-reports: installing chromium failed" >&2
	exit 1
fi
