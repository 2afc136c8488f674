#!/usr/bin/env bash
# A streaming read replica of the local PostgreSQL, for the replica tests (issue 17, scenario 6).
#
#   test/cluster/replica.sh start       pg_basebackup -R of the primary into a fresh temp dir, started on a free port
#                                       as the postgres OS user; prints REPLICA_DIR=<dir> and
#                                       REPLICA_URL=postgres://postgres@127.0.0.1:<port>
#   test/cluster/replica.sh halt DIR    stops that replica's server (fast shutdown) and keeps its files
#   test/cluster/replica.sh stop DIR    stops it (if running) and removes DIR
#
# Settings (environment): REPLICA_PRIMARY_HOST/_PORT/_USER (default 127.0.0.1, 5432, postgres), REPLICA_PORT (default:
# the first free port from 5442), REPLICA_PG_BIN (default /usr/lib/postgresql/15/bin), REPLICA_PRIMARY_HBA (the
# primary's pg_hba.conf, default /etc/postgresql/15/main/pg_hba.conf).
#
# The primary must accept replication connections from 127.0.0.1: when its pg_hba.conf has no `replication` line,
# `start` appends `host replication all 127.0.0.1/32 trust` (once: it checks first) and reloads the primary. Nothing
# else of the primary's configuration is changed (wal_level=replica and max_wal_senders=10 are PostgreSQL 15's
# defaults).
set -euo pipefail

PRIMARY_HOST="${REPLICA_PRIMARY_HOST:-127.0.0.1}"
PRIMARY_PORT="${REPLICA_PRIMARY_PORT:-5432}"
PRIMARY_USER="${REPLICA_PRIMARY_USER:-postgres}"
PG_BIN="${REPLICA_PG_BIN:-/usr/lib/postgresql/15/bin}"
PRIMARY_HBA="${REPLICA_PRIMARY_HBA:-/etc/postgresql/15/main/pg_hba.conf}"
PREFIX="${TMPDIR:-/tmp}/wellclinic-replica."

# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

# Runs a command as the postgres OS user (PostgreSQL refuses to run as root).
as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

primary_sql() {
  psql -X -q -At -h "$PRIMARY_HOST" -p "$PRIMARY_PORT" -U "$PRIMARY_USER" -d postgres -c "$1"
}

# Idempotent: only when no line of the primary's pg_hba.conf already names the replication pseudo-database.
allow_replication() {
  [ -f "$PRIMARY_HBA" ] || return 0
  if ! grep -Eq '^[[:space:]]*host[a-z]*[[:space:]]+replication[[:space:]]' "$PRIMARY_HBA"; then
    echo "allowing replication connections from 127.0.0.1 in $PRIMARY_HBA" >&2
    printf '%s\n' '# Added by well-clinic-api test/cluster/replica.sh: streaming replicas for the replica tests' \
      'host replication all 127.0.0.1/32 trust' >>"$PRIMARY_HBA"
    primary_sql 'SELECT pg_reload_conf()' >/dev/null
  fi
}

start() {
  allow_replication
  local dir port
  port="$(free_port "${REPLICA_PORT:-}" 5442 5542)"
  dir="$(mktemp -d "${PREFIX}XXXXXX")"
  chmod 0700 "$dir"
  [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$dir"
  # -R writes standby.signal and primary_conninfo; -X stream copies the WAL the backup needs; -c fast: an immediate
  # checkpoint instead of waiting for the next one.
  if ! as_postgres "$PG_BIN/pg_basebackup" -h "$PRIMARY_HOST" -p "$PRIMARY_PORT" -U "$PRIMARY_USER" \
    -D "$dir/data" -R -X stream -c fast --no-sync >"$dir/basebackup.log" 2>&1; then
    echo "pg_basebackup failed:" >&2
    cat "$dir/basebackup.log" >&2
    rm -rf "$dir"
    exit 1
  fi
  # Debian keeps the configuration files outside the data directory: the copy gets minimal ones of its own. A standby
  # refuses to start with fewer of these than its primary has.
  local setting limits=""
  for setting in max_connections max_worker_processes max_wal_senders max_prepared_transactions \
    max_locks_per_transaction; do
    limits+="$setting = $(primary_sql "SHOW $setting")"$'\n'
  done
  as_postgres tee "$dir/data/postgresql.conf" >/dev/null <<EOF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
${limits}shared_buffers = 16MB
hot_standby = on
# Long reads on the replica are not cancelled for the vacuum of rows they still see.
hot_standby_feedback = on
fsync = off
logging_collector = off
EOF
  as_postgres tee "$dir/data/pg_hba.conf" >/dev/null <<EOF
local all all trust
host all all 127.0.0.1/32 trust
EOF
  as_postgres touch "$dir/data/pg_ident.conf"
  if ! as_postgres "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start >/dev/null; then
    echo "the replica did not start; its log:" >&2
    cat "$dir/server.log" >&2 || true
    rm -rf "$dir"
    exit 1
  fi
  echo "REPLICA_DIR=$dir"
  echo "REPLICA_URL=postgres://$PRIMARY_USER@127.0.0.1:$port"
}

checked_dir() {
  local dir="${1:-}"
  case "$dir" in
    "$PREFIX"*) ;;
    *)
      echo "not a replica directory made by '$0 start': '$dir'" >&2
      exit 2
      ;;
  esac
  echo "$dir"
}

halt() {
  local dir
  dir="$(checked_dir "${1:-}")"
  if [ -f "$dir/data/postmaster.pid" ]; then
    as_postgres "$PG_BIN/pg_ctl" -D "$dir/data" -m fast -w -t 60 stop >/dev/null
  fi
}

stop() {
  local dir
  dir="$(checked_dir "${1:-}")"
  [ -d "$dir" ] || return 0
  halt "$dir"
  rm -rf "$dir"
}

case "${1:-}" in
  start) start ;;
  halt) halt "${2:-}" ;;
  stop) stop "${2:-}" ;;
  *)
    echo "usage: $0 start | halt DIR | stop DIR" >&2
    exit 2
    ;;
esac
