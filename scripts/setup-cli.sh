#!/usr/bin/env bash
# setup-cli.sh installs the shells whose completion scripts the CLI tests
# run (cmd/spillcheck: spillcheck completion zsh|fish; bash is already
# there) and groff, which checks the generated man page. Idempotent and
# quiet.
set -euo pipefail
need=()
command -v zsh >/dev/null 2>&1 || need+=(zsh)
command -v fish >/dev/null 2>&1 || need+=(fish)
command -v groff >/dev/null 2>&1 || need+=(groff-base)
if [ ${#need[@]} -gt 0 ]; then
	export DEBIAN_FRONTEND=noninteractive
	apt-get -o DPkg::Lock::Timeout=600 update -qq >/dev/null
	apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
exit 0
