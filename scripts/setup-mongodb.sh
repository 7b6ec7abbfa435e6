#!/usr/bin/env bash
# setup-mongodb.sh installs what the MongoDB probe tests (probes/mongodb)
# need besides Go: Debian's PostgreSQL server programs, for the test that
# runs FerretDB's PostgreSQL handler with real password authentication.
# (redis-server, for the test that points the probe at a Redis, comes from
# setup-redis.sh.) The tests start their own servers (embedded FerretDB, a
# throwaway PostgreSQL cluster in a temporary directory) on free loopback
# ports, so this script starts nothing and stops any PostgreSQL service the
# package started. Idempotent and quiet.
set -euo pipefail

need=()
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || need+=(postgresql)
command -v runuser >/dev/null 2>&1 || need+=(util-linux)
if [ ${#need[@]} -gt 0 ]; then
	export DEBIAN_FRONTEND=noninteractive
	apt-get -o DPkg::Lock::Timeout=600 update -qq >/dev/null
	apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${need[@]}" >/dev/null
	# The package may start a cluster on 5432; the tests use their own.
	if command -v service >/dev/null 2>&1; then
		service postgresql stop >/dev/null 2>&1 || true
	fi
fi
id postgres >/dev/null 2>&1 || { echo "setup-mongodb: no postgres user after install" >&2; exit 1; }
exit 0
