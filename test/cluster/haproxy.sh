#!/usr/bin/env bash
# HAProxy in front of N instances of the API, for the cluster tests.
#
#   test/cluster/haproxy.sh start PORT...   installs Debian's haproxy if missing, writes a config in a fresh temp dir
#                                           (one backend server per PORT on HAPROXY_BACKEND_HOST), starts it as a
#                                           daemon and prints HAPROXY_URL=http://127.0.0.1:<port> and
#                                           HAPROXY_SOCKET=<its admin socket> (`show stat`, `show servers state`)
#   test/cluster/haproxy.sh stop            stops the one `start` started and removes its dir
#
# Settings (environment): HAPROXY_PORT (default: the first free port from 18080), HAPROXY_BACKEND_HOST (default
# 127.0.0.1), HAPROXY_CHECK_INTER_MS (health-check interval, default 200), HAPROXY_STATE (where `start` records its
# dir for `stop`, default ${TMPDIR:-/tmp}/wellclinic-haproxy.state).
#
# The config is deploy/haproxy.cfg's, with test timings: a server is out after one failed check of `GET /health`
# (which answers 503 from the moment an instance drains) and back after two good ones; so with the default 200 ms an
# instance stops getting new requests within ~0.4 s of its SIGTERM, well inside the drain the tests give it.
#
# Retries (why each is safe): a request that could not be sent at all (`conn-failure`: refused, reset while
# connecting) is retried on another server whatever its method. A request that reached a server and got nothing back
# (`empty-response`: the server closed or died; `response-timeout`) or got 503 (an instance closing its listener
# answers that on an already-open connection; the database away) may have been processed, so it is retried only
# when repeating it is harmless: GET, HEAD and OPTIONS, and a contact submission that carries `Idempotency-Key`,
# which the API deduplicates (a replay answers the first 201 and stores nothing new). Any other POST (also one with a
# key on a route that ignores keys), and every PUT, PATCH and DELETE, is passed back to the client as is: HAProxy
# cannot know whether it took effect.
set -euo pipefail

STATE_FILE="${HAPROXY_STATE:-${TMPDIR:-/tmp}/wellclinic-haproxy.state}"
BACKEND_HOST="${HAPROXY_BACKEND_HOST:-127.0.0.1}"
CHECK_INTER_MS="${HAPROXY_CHECK_INTER_MS:-200}"

# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

haproxy_binary() {
  command -v haproxy 2>/dev/null || { [ -x /usr/sbin/haproxy ] && echo /usr/sbin/haproxy; } || true
}

start() {
  if [ $# -eq 0 ]; then
    echo "usage: $0 start PORT... (the API instances' ports on $BACKEND_HOST)" >&2
    exit 2
  fi
  local backend_port
  for backend_port in "$@"; do
    [[ "$backend_port" =~ ^[0-9]{1,5}$ ]] || { echo "not a port: $backend_port" >&2; exit 2; }
  done
  if [ -f "$STATE_FILE" ]; then
    echo "already started (state in $STATE_FILE): run '$0 stop' first" >&2
    exit 1
  fi
  [ -n "$(haproxy_binary)" ] || apt_install haproxy
  local binary dir port servers="" i=1
  binary="$(haproxy_binary)"
  port="$(free_port "${HAPROXY_PORT:-}" 18080 18180)"
  dir="$(mktemp -d "${TMPDIR:-/tmp}/wellclinic-haproxy.XXXXXX")"
  for backend_port in "$@"; do
    servers+="  server app$i $BACKEND_HOST:$backend_port"$'\n'
    i=$((i + 1))
  done
  cat >"$dir/haproxy.cfg" <<EOF
global
  daemon
  pidfile $dir/haproxy.pid
  stats socket $dir/admin.sock mode 600 level admin
  maxconn 2000

defaults
  mode http
  timeout connect 1s
  timeout client 30s
  # Longer than the API's own deadlines (DB_QUERY_TIMEOUT_MS + DB_CONNECT_TIMEOUT_MS): a slow request gets the API's
  # 503, not HAProxy's 504.
  timeout server 15s
  timeout http-request 10s
  timeout http-keep-alive 10s
  timeout queue 5s
  timeout check 1s
  # Up to 3 retries, each on another server (option redispatch 1: redispatch on every retry).
  retries 3
  option redispatch 1
  retry-on conn-failure empty-response response-timeout 503

frontend api
  bind 127.0.0.1:$port
  option forwardfor
  default_backend instances

backend instances
  balance roundrobin
  # Which server answered, for the tests' figures (a production config leaves it out).
  http-response set-header X-Served-By %[srv_name]
  # Only conn-failure retries for what may not be repeated (see the top of this script). The routes that honour
  # Idempotency-Key are listed: a key sent to any other route deduplicates nothing.
  acl safe_method method GET HEAD OPTIONS
  acl has_idempotency_key req.hdr(idempotency-key) -m found
  acl deduplicated_route path /api/v1/contact-requests
  http-request disable-l7-retry unless safe_method || has_idempotency_key deduplicated_route
  option httpchk
  http-check send meth GET uri /health ver HTTP/1.1 hdr Host haproxy-check
  http-check expect status 200
  default-server check inter $CHECK_INTER_MS fall 1 rise 2
$servers
EOF
  if ! "$binary" -c -q -f "$dir/haproxy.cfg" >&2; then
    echo "haproxy refused its config:" >&2
    cat "$dir/haproxy.cfg" >&2
    rm -rf "$dir"
    exit 1
  fi
  "$binary" -f "$dir/haproxy.cfg" >&2
  for _ in $(seq 1 50); do
    port_in_use "$port" && break
    sleep 0.1
  done
  if ! port_in_use "$port" || [ ! -f "$dir/haproxy.pid" ]; then
    echo "haproxy did not start" >&2
    [ -f "$dir/haproxy.pid" ] && kill -TERM "$(cat "$dir/haproxy.pid")" 2>/dev/null
    rm -rf "$dir"
    exit 1
  fi
  printf '%s\n%s\n' "$dir" "$port" >"$STATE_FILE"
  echo "HAPROXY_URL=http://127.0.0.1:$port"
  echo "HAPROXY_SOCKET=$dir/admin.sock"
}

stop() {
  if [ ! -f "$STATE_FILE" ]; then
    echo "not started (no $STATE_FILE)" >&2
    return 0
  fi
  local dir pid
  dir="$(sed -n 1p "$STATE_FILE")"
  if [ -f "$dir/haproxy.pid" ]; then
    for pid in $(cat "$dir/haproxy.pid"); do
      kill -TERM "$pid" 2>/dev/null || true
    done
    for pid in $(cat "$dir/haproxy.pid"); do
      for _ in $(seq 1 50); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
      done
      kill -KILL "$pid" 2>/dev/null || true
    done
  fi
  case "$dir" in
    "${TMPDIR:-/tmp}"/wellclinic-haproxy.*) rm -rf "$dir" ;;
  esac
  rm -f "$STATE_FILE"
}

case "${1:-}" in
  start)
    shift
    start "$@"
    ;;
  stop) stop ;;
  *)
    echo "usage: $0 start PORT...|stop" >&2
    exit 2
    ;;
esac
