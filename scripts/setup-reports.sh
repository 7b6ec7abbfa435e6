#!/usr/bin/env bash
# setup-reports.sh installs what the report tests need: Debian's chromium,
# which renders the HTML report headless (scanner/report). Idempotent and
# quiet: it does nothing when /usr/bin/chromium is already there.
set -euo pipefail

if [ -x /usr/bin/chromium ]; then
	exit 0
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
