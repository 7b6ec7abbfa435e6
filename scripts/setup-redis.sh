#!/usr/bin/env bash
# setup-redis.sh installs Debian's redis-server for the Redis probe tests
# (probes/redis). The tests start their own redis-server instances on free
# loopback ports and in network namespaces they create, so this script only
# installs the binary and makes sure no system service holds port 6379.
# Idempotent and quiet.
set -euo pipefail

# redis-server for the tests; ip (iproute2) for the protected-mode test's
# network namespace.
pkgs=()
command -v redis-server >/dev/null 2>&1 || pkgs+=(redis-server)
command -v ip >/dev/null 2>&1 || pkgs+=(iproute2)
if [ "${#pkgs[@]}" -gt 0 ]; then
	export DEBIAN_FRONTEND=noninteractive
	apt-get -o DPkg::Lock::Timeout=600 update -qq >/dev/null
	apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${pkgs[@]}" >/dev/null
fi

# The package may start a system service; stop it so port 6379 stays free
# and no stray server outlives the setup.
if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet redis-server 2>/dev/null; then
	systemctl stop redis-server >/dev/null 2>&1 || true
fi
if command -v service >/dev/null 2>&1; then
	service redis-server stop >/dev/null 2>&1 || true
fi
# Without an init system, stop the packaged server by its pid file, and only
# if that pid is still a redis-server.
pidfile=/run/redis/redis-server.pid
if [ -f "${pidfile}" ]; then
	pid=$(cat "${pidfile}" 2>/dev/null || true)
	if [ -n "${pid}" ] && [ "$(cat "/proc/${pid}/comm" 2>/dev/null)" = "redis-server" ]; then
		kill "${pid}" 2>/dev/null || true
	fi
fi
exit 0
