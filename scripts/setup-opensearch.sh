#!/usr/bin/env bash
# Starts what the Elasticsearch/OpenSearch probe's integration tests need:
#   - a real single-node OpenSearch 2.19.6 (testdata/opensearch launcher) on
#     http://127.0.0.1:9200 (SPILLCHECK_OPENSEARCH_URL),
#   - Debian's nginx in front of it with a self-signed certificate and basic
#     auth on https://127.0.0.1:9243 (SPILLCHECK_OPENSEARCH_NGINX_URL), logging
#     to $DIR/nginx/access.log (SPILLCHECK_OPENSEARCH_NGINX_LOG); the same nginx
#     passes only GET / on http://127.0.0.1:9244 (partially open) and serves
#     TLS without auth on https://127.0.0.1:9245.
# Idempotent: a server that already answers is reused. Everything listens on
# loopback only.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
DIR=${SPILLCHECK_OPENSEARCH_DIR:-/tmp/spillcheck-opensearch}
HTTP_PORT=9200
TRANSPORT_PORT=9300
NGINX_PORT=9243
PARTIAL_PORT=9244
TLS_PORT=9245
WAIT_SECONDS=${SPILLCHECK_OPENSEARCH_WAIT:-180}
mkdir -p "$DIR/node" "$DIR/nginx/tmp"

opensearch_up() {
    curl -fsS --max-time 2 "http://127.0.0.1:$HTTP_PORT/" 2>/dev/null | grep -q '"distribution" : "opensearch"'
}

if ! command -v nginx >/dev/null; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq nginx >/dev/null
fi
for tool in java mvn curl openssl; do
    command -v "$tool" >/dev/null || { echo "setup-opensearch: $tool is not installed" >&2; exit 1; }
done

if opensearch_up; then
    echo "setup-opensearch: reusing OpenSearch on 127.0.0.1:$HTTP_PORT"
else
    if ! (cd "$ROOT/testdata/opensearch" && mvn -q -B package) >"$DIR/mvn.log" 2>&1; then
        echo "setup-opensearch: building the OpenSearch launcher failed:" >&2
        tail -n 40 "$DIR/mvn.log" >&2
        exit 1
    fi
    nohup java -Xms512m -Xmx512m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
        -cp "$ROOT/testdata/opensearch/target/classes:$ROOT/testdata/opensearch/target/lib/*" \
        spillcheck.OpenSearchLauncher "$DIR/node" "$HTTP_PORT" "$TRANSPORT_PORT" \
        >"$DIR/opensearch.log" 2>&1 </dev/null &
    echo $! >"$DIR/opensearch.pid"
    for ((i = 0; i < WAIT_SECONDS; i++)); do
        opensearch_up && break
        if ! kill -0 "$(cat "$DIR/opensearch.pid")" 2>/dev/null; then
            echo "setup-opensearch: OpenSearch exited during start-up; last log lines:" >&2
            tail -n 30 "$DIR/opensearch.log" >&2
            exit 1
        fi
        sleep 1
    done
    if ! opensearch_up; then
        echo "setup-opensearch: OpenSearch did not answer GET / on 127.0.0.1:$HTTP_PORT within ${WAIT_SECONDS}s; see $DIR/opensearch.log" >&2
        tail -n 30 "$DIR/opensearch.log" >&2
        exit 1
    fi
    echo "setup-opensearch: OpenSearch started on 127.0.0.1:$HTTP_PORT"
fi

N="$DIR/nginx"
code() { curl -ksS --max-time 2 -o /dev/null -w '%{http_code}' "$1" 2>/dev/null || true; }
nginx_up() {
    [[ $(code "https://127.0.0.1:$NGINX_PORT/") == 401 &&
        $(code "http://127.0.0.1:$PARTIAL_PORT/_cat/indices") == 403 &&
        $(code "https://127.0.0.1:$TLS_PORT/") == 200 ]]
}
if nginx_up; then
    echo "setup-opensearch: reusing nginx on 127.0.0.1:$NGINX_PORT"
else
    if [[ ! -s "$N/cert.pem" ]]; then
        openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=search.spillcheck.test" \
            -keyout "$N/key.pem" -out "$N/cert.pem" 2>/dev/null
    fi
    # A random password nobody uses: the probe never sends credentials.
    printf 'operator:%s\n' "$(openssl passwd -apr1 "$(openssl rand -hex 16)")" >"$N/htpasswd"
    sed -e "s#@DIR@#$N#g" -e "s#@PORT@#$NGINX_PORT#g" -e "s#@UPSTREAM@#127.0.0.1:$HTTP_PORT#g" \
        -e "s#@PARTIAL_PORT@#$PARTIAL_PORT#g" -e "s#@TLS_PORT@#$TLS_PORT#g" \
        "$ROOT/testdata/nginx/nginx.conf.in" >"$N/nginx.conf"
    if [[ -s "$N/nginx.pid" ]] && kill -0 "$(cat "$N/nginx.pid")" 2>/dev/null; then
        kill "$(cat "$N/nginx.pid")"
        sleep 1
    fi
    nginx -c "$N/nginx.conf" -p "$N" -e "$N/error.log"
    for ((i = 0; i < 20; i++)); do
        nginx_up && break
        sleep 0.5
    done
    if ! nginx_up; then
        echo "setup-opensearch: nginx did not answer as configured; see $N/error.log" >&2
        tail -n 20 "$N/error.log" >&2
        exit 1
    fi
    echo "setup-opensearch: nginx on 127.0.0.1:$NGINX_PORT (TLS + basic auth), :$PARTIAL_PORT (only GET /), :$TLS_PORT (TLS)"
fi
