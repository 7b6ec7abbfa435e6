#!/usr/bin/env bash
# Starts what the Elasticsearch/OpenSearch probe's integration tests need:
#   - three real single-node clusters, one of each major line, each from a
#     Maven-built launcher in testdata/, built one after the other and
#     started side by side:
#       OpenSearch 2.19.6      testdata/opensearch      Java 17   http://127.0.0.1:9200  SPILLCHECK_OPENSEARCH_URL
#       Elasticsearch 7.17.28  testdata/elasticsearch7  Java 17   http://127.0.0.1:9210  SPILLCHECK_ELASTICSEARCH7_URL
#       OpenSearch 3.9.0       testdata/opensearch3     Java 21+  http://127.0.0.1:9220  SPILLCHECK_OPENSEARCH3_URL
#     (transport ports 9300, 9310, 9320). OpenSearch 3 runs on the JDK in
#     SPILLCHECK_JAVA21_HOME (default /usr/lib/jvm/temurin-25-jdk-amd64, else
#     the first JDK 21+ under /usr/lib/jvm).
#   - Debian's nginx in front of each (testdata/nginx; one nginx per cluster,
#     in $DIR/nginx, $DIR/nginx-elasticsearch7, $DIR/nginx-opensearch3), with
#     a self-signed certificate: TLS and basic auth on 9243/9253/9263
#     (SPILLCHECK_<NODE>_NGINX_URL), logging to access.log in its directory
#     (SPILLCHECK_<NODE>_NGINX_LOG); only GET / passed on 9244/9254/9264
#     (SPILLCHECK_<NODE>_PARTIAL_URL); TLS without auth on 9245/9255/9265
#     (SPILLCHECK_<NODE>_TLS_URL). <NODE> is OPENSEARCH, ELASTICSEARCH7 or
#     OPENSEARCH3.
# Idempotent: a server that already answers as expected is reused; a port
# that answers as something else is an error. Everything listens on loopback
# only. Prints each node's start-up time.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
DIR=${SPILLCHECK_OPENSEARCH_DIR:-/tmp/spillcheck-opensearch}
WAIT_SECONDS=${SPILLCHECK_OPENSEARCH_WAIT:-180}
mkdir -p "$DIR"

# name | launcher dir | main class | http port | transport port | JDK | what GET / must show
NODES=(
    "opensearch|opensearch|spillcheck.OpenSearchLauncher|9200|9300|17|\"number\" : \"2.19.6\""
    "elasticsearch7|elasticsearch7|spillcheck.Elasticsearch7Launcher|9210|9310|17|\"number\" : \"7.17.28\""
    "opensearch3|opensearch3|spillcheck.OpenSearch3Launcher|9220|9320|21|\"number\" : \"3.9.0\""
)
# name | TLS+auth port | partial port | TLS port | basic-auth realm
FRONTS=(
    "opensearch|9243|9244|9245|OpenSearch"
    "elasticsearch7|9253|9254|9255|Elasticsearch"
    "opensearch3|9263|9264|9265|OpenSearch"
)

say() { echo "setup-opensearch: $*"; }
die() { echo "setup-opensearch: $*" >&2; exit 1; }

if ! command -v nginx >/dev/null; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq nginx >/dev/null
fi
for tool in java mvn curl openssl; do
    command -v "$tool" >/dev/null || die "$tool is not installed"
done

# java21 prints the home of a JDK 21 or newer.
java21() {
    local h=${SPILLCHECK_JAVA21_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
    if [[ -x "$h/bin/java" ]]; then echo "$h"; return; fi
    for h in /usr/lib/jvm/*; do
        local v
        v=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$h/release" 2>/dev/null || true)
        if [[ -n "$v" && "$v" -ge 21 && -x "$h/bin/java" ]]; then echo "$h"; return; fi
    done
    die "OpenSearch 3 needs a JDK 21 or newer: none under /usr/lib/jvm (set SPILLCHECK_JAVA21_HOME)"
}

answers() { curl -fsS --max-time 2 "http://127.0.0.1:$1/" 2>/dev/null || true; }

# start NAME LAUNCHER CLASS HTTP TRANSPORT JDK: builds the launcher and
# starts the node in the background, unless it already answers.
start() {
    local name=$1 launcher=$ROOT/testdata/$2 class=$3 http=$4 transport=$5 jdk=$6 home=""
    if [[ $jdk == 21 ]]; then
        home=$(java21) || return 1
    fi
    if ! (cd "$launcher" && JAVA_HOME=${home:-${JAVA_HOME:-}} mvn -q -B package) >"$DIR/$name-mvn.log" 2>&1; then
        echo "setup-opensearch: building the $name launcher failed:" >&2
        tail -n 40 "$DIR/$name-mvn.log" >&2
        return 1
    fi
    local java=java
    [[ -n $home ]] && java=$home/bin/java
    mkdir -p "$DIR/$name"
    date +%s.%N >"$DIR/$name.launched"
    nohup "$java" -Xms512m -Xmx512m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
        -cp "$launcher/target/classes:$launcher/target/lib/*" \
        "$class" "$DIR/$name/node" "$http" "$transport" \
        >"$DIR/$name.log" 2>&1 </dev/null &
    echo $! >"$DIR/$name.pid"
}

# Which nodes need starting; a port that answers as something else is fatal.
t0=$(date +%s.%N)
declare -A started=()
for n in "${NODES[@]}"; do
    IFS='|' read -r name launcher class http transport jdk mark <<<"$n"
    body=$(answers "$http")
    if grep -qF "$mark" <<<"$body"; then
        say "reusing $name on 127.0.0.1:$http"
    elif [[ -n $body ]]; then
        die "127.0.0.1:$http answers, but not as $name ($mark); stop what listens there"
    else
        started[$name]="$launcher|$class|$http|$transport|$jdk|$mark"
    fi
done
# Build one launcher after the other (two Maven runs must not fill the
# local repository at once), launching each node as soon as it is built, so
# that the JVMs start side by side while the next launcher builds.
for name in "${!started[@]}"; do
    IFS='|' read -r launcher class http transport jdk mark <<<"${started[$name]}"
    start "$name" "$launcher" "$class" "$http" "$transport" "$jdk" || die "the $name launcher did not build or start (see above)"
done
declare -A up=()
for ((i = 0; i < WAIT_SECONDS * 4 && ${#up[@]} < ${#started[@]}; i++)); do
    for name in "${!started[@]}"; do
        [[ -n ${up[$name]:-} ]] && continue
        IFS='|' read -r launcher class http transport jdk mark <<<"${started[$name]}"
        if answers "$http" | grep -qF "$mark"; then
            up[$name]=1
            now=$(date +%s.%N)
            say "$name started on 127.0.0.1:$http: up $(printf '%.1f' "$(echo "$now - $(cat "$DIR/$name.launched")" | bc)") s after its JVM was launched, $(printf '%.1f' "$(echo "$now - $t0" | bc)") s after this script began (the build included)"
        elif ! kill -0 "$(cat "$DIR/$name.pid")" 2>/dev/null; then
            echo "setup-opensearch: $name exited during start-up; last log lines:" >&2
            tail -n 30 "$DIR/$name.log" >&2
            exit 1
        fi
    done
    sleep 0.25
done
for name in "${!started[@]}"; do
    if [[ -z ${up[$name]:-} ]]; then
        IFS='|' read -r launcher class http transport jdk mark <<<"${started[$name]}"
        echo "setup-opensearch: $name did not answer GET / on 127.0.0.1:$http within ${WAIT_SECONDS}s; see $DIR/$name.log" >&2
        tail -n 30 "$DIR/$name.log" >&2
        exit 1
    fi
done

code() { curl -ksS --max-time 2 -o /dev/null -w '%{http_code}' "$1" 2>/dev/null || true; }
nginx_up() {
    [[ $(code "https://127.0.0.1:$1/") == 401 &&
        $(code "http://127.0.0.1:$2/_cat/indices") == 403 &&
        $(code "https://127.0.0.1:$3/") == 200 ]]
}
# One nginx per cluster, each in its own directory, so that one can be
# restarted without the others.
for f in "${FRONTS[@]}"; do
    IFS='|' read -r name port partial tls realm <<<"$f"
    N="$DIR/nginx"
    [[ $name != opensearch ]] && N="$DIR/nginx-$name"
    if nginx_up "$port" "$partial" "$tls"; then
        say "reusing nginx for $name on 127.0.0.1:$port"
        continue
    fi
    upstream=""
    for n in "${NODES[@]}"; do
        IFS='|' read -r nname _ _ http _ <<<"$n"
        [[ $nname == "$name" ]] && upstream=127.0.0.1:$http
    done
    mkdir -p "$N/tmp"
    if [[ ! -s "$N/cert.pem" ]]; then
        openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=search.spillcheck.test" \
            -keyout "$N/key.pem" -out "$N/cert.pem" 2>/dev/null
    fi
    # A random password nobody uses: the probe never sends credentials.
    printf 'operator:%s\n' "$(openssl passwd -apr1 "$(openssl rand -hex 16)")" >"$N/htpasswd"
    sed -e "s#@DIR@#$N#g" -e "s#@PORT@#$port#g" -e "s#@UPSTREAM@#$upstream#g" \
        -e "s#@PARTIAL_PORT@#$partial#g" -e "s#@TLS_PORT@#$tls#g" -e "s#@REALM@#$realm#g" \
        "$ROOT/testdata/nginx/nginx.conf.in" >"$N/nginx.conf"
    if [[ -s "$N/nginx.pid" ]] && kill -0 "$(cat "$N/nginx.pid")" 2>/dev/null; then
        kill "$(cat "$N/nginx.pid")"
        sleep 1
    fi
    nginx -c "$N/nginx.conf" -p "$N" -e "$N/error.log"
    for ((i = 0; i < 20; i++)); do
        nginx_up "$port" "$partial" "$tls" && break
        sleep 0.5
    done
    if ! nginx_up "$port" "$partial" "$tls"; then
        echo "setup-opensearch: nginx for $name did not answer as configured; see $N/error.log" >&2
        tail -n 20 "$N/error.log" >&2
        exit 1
    fi
    say "nginx for $name on 127.0.0.1:$port (TLS + basic auth), :$partial (only GET /), :$tls (TLS)"
done
