#!/usr/bin/env bash
# PgBouncer in transaction pooling in front of the local PostgreSQL, for the cluster tests.
#
#   test/cluster/pgbouncer.sh start   installs Debian's pgbouncer if missing, writes a config in a fresh temp dir,
#                                     starts it as a daemon and prints PGBOUNCER_URL=postgres://postgres@127.0.0.1:<port>
#   test/cluster/pgbouncer.sh stop    stops the one `start` started and removes its dir
#
# Settings (environment): PGBOUNCER_PORT (default: the first free port from 6432), PGBOUNCER_UPSTREAM_HOST/_PORT/_USER
# (default 127.0.0.1, 5432, postgres), PGBOUNCER_POOL_SIZE (server connections per database, default 4: fewer than
# the clients the tests open, so clients really share server connections), PGBOUNCER_STATE (where `start` records
# its dir for `stop`, default ${TMPDIR:-/tmp}/wellclinic-pgbouncer.state).
set -euo pipefail

STATE_FILE="${PGBOUNCER_STATE:-${TMPDIR:-/tmp}/wellclinic-pgbouncer.state}"
UPSTREAM_HOST="${PGBOUNCER_UPSTREAM_HOST:-127.0.0.1}"
UPSTREAM_PORT="${PGBOUNCER_UPSTREAM_PORT:-5432}"
UPSTREAM_USER="${PGBOUNCER_UPSTREAM_USER:-postgres}"
POOL_SIZE="${PGBOUNCER_POOL_SIZE:-4}"

# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

pgbouncer_binary() {
  command -v pgbouncer 2>/dev/null || { [ -x /usr/sbin/pgbouncer ] && echo /usr/sbin/pgbouncer; } || true
}

start() {
  if [ -f "$STATE_FILE" ]; then
    echo "already started (state in $STATE_FILE): run '$0 stop' first" >&2
    exit 1
  fi
  [ -n "$(pgbouncer_binary)" ] || apt_install pgbouncer
  local binary dir port
  binary="$(pgbouncer_binary)"
  port="$(free_port "${PGBOUNCER_PORT:-}" 6432 6532)"
  dir="$(mktemp -d "${TMPDIR:-/tmp}/wellclinic-pgbouncer.XXXXXX")"
  # `any`: no client authentication, every server login as UPSTREAM_USER (the test machine's trusted local
  # PostgreSQL). `*` forwards every database name; `session_probe` is the postgres database with ONE server
  # connection, which lets a test show that two clients share a session (so session-level locks do not work here);
  # `pair_probe` has two, which lets a test move a client from one server session to the other.
  # statement_timeout is a startup parameter that pg sends and PgBouncer refuses unless told to ignore it, as
  # production deployments do (they set the timeout on the role: ALTER ROLE ... SET statement_timeout).
  cat >"$dir/pgbouncer.ini" <<EOF
[databases]
session_probe = host=$UPSTREAM_HOST port=$UPSTREAM_PORT user=$UPSTREAM_USER dbname=postgres pool_size=1
pair_probe = host=$UPSTREAM_HOST port=$UPSTREAM_PORT user=$UPSTREAM_USER dbname=postgres pool_size=2
* = host=$UPSTREAM_HOST port=$UPSTREAM_PORT user=$UPSTREAM_USER

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $port
unix_socket_dir =
auth_type = any
pool_mode = transaction
default_pool_size = $POOL_SIZE
max_client_conn = 500
ignore_startup_parameters = extra_float_digits,statement_timeout
admin_users = $UPSTREAM_USER
stats_users = $UPSTREAM_USER
logfile = $dir/pgbouncer.log
pidfile = $dir/pgbouncer.pid
EOF
  local as_user=()
  # PgBouncer refuses to run as root.
  if [ "$(id -u)" -eq 0 ]; then
    local user=postgres
    id "$user" >/dev/null 2>&1 || user=nobody
    chown -R "$user" "$dir"
    as_user=(-u "$user")
  fi
  "$binary" -d "${as_user[@]}" "$dir/pgbouncer.ini"
  for _ in $(seq 1 50); do
    port_in_use "$port" && break
    sleep 0.1
  done
  if ! port_in_use "$port"; then
    echo "pgbouncer did not start; its log:" >&2
    cat "$dir/pgbouncer.log" >&2 || true
    rm -rf "$dir"
    exit 1
  fi
  printf '%s\n%s\n' "$dir" "$port" >"$STATE_FILE"
  echo "PGBOUNCER_URL=postgres://$UPSTREAM_USER@127.0.0.1:$port"
}

stop() {
  if [ ! -f "$STATE_FILE" ]; then
    echo "not started (no $STATE_FILE)" >&2
    return 0
  fi
  local dir pid
  dir="$(sed -n 1p "$STATE_FILE")"
  if [ -f "$dir/pgbouncer.pid" ]; then
    pid="$(cat "$dir/pgbouncer.pid")"
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  case "$dir" in
    "${TMPDIR:-/tmp}"/wellclinic-pgbouncer.*) rm -rf "$dir" ;;
  esac
  rm -f "$STATE_FILE"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *)
    echo "usage: $0 start|stop" >&2
    exit 2
    ;;
esac
