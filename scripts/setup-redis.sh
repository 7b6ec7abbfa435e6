#!/usr/bin/env bash
# setup-redis.sh installs Debian's redis-server for the Redis probe tests
# (probes/redis). The tests start their own redis-server instances on free
# loopback ports and in network namespaces they create, so this script only
# installs the binary and makes sure no system service holds port 6379.
# Idempotent and quiet.
set -euo pipefail

if ! command -v redis-server >/dev/null 2>&1; then
	export DEBIAN_FRONTEND=noninteractive
	apt-get -o DPkg::Lock::Timeout=600 update -qq >/dev/null
	apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends redis-server iproute2 >/dev/null
fi

# The package may start a system service; stop it so port 6379 stays free
# and no stray server outlives the setup.
if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet redis-server 2>/dev/null; then
	systemctl stop redis-server >/dev/null 2>&1 || true
fi
if command -v service >/dev/null 2>&1; then
	service redis-server stop >/dev/null 2>&1 || true
fi
if [ -f /var/run/redis/redis-server.pid ]; then
	pid=$(cat /var/run/redis/redis-server.pid 2>/dev/null || true)
	if [ -n "${pid}" ] && kill -0 "${pid}" 2>/dev/null; then
		kill "${pid}" 2>/dev/null || true
	fi
fi
exit 0
