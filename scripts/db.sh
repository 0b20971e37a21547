#!/usr/bin/env bash
# db.sh — the local PostgreSQL that `make run` and `make test` use.
#
#   scripts/db.sh [start]   make sure it runs (idempotent); the last line of stdout is DATABASE_URL=…
#   scripts/db.sh status    running (exit 0), stopped (exit 3), port held by another server (exit 4)
#   scripts/db.sh stop      stop it (fast shutdown); the data stays
#
# With DATABASE_URL set, `start` prints it back and starts nothing.
#
# A private throwaway cluster: 127.0.0.1:${PGPORT_LOCAL:-54329}, superuser postgres, trust auth,
# fsync off, database `boothlead`. Its files are in <checkout>/.data/pg/{data,sock,server.log}.
# Run as root, initdb and postgres (which refuse root) run as the postgres OS user, which may not be
# allowed into the checkout (CI clones into a folder of its own); then the files live in
# /tmp/boothlead-pg-<12 hex of sha256(checkout path)>/, owned by postgres, and .data/pg links to it.
# Progress goes to stderr, so stdout holds the DATABASE_URL line only.
set -euo pipefail

ROOT=$(cd -P "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
HOST=127.0.0.1
PORT=${PGPORT_LOCAL:-54329}
DBNAME=boothlead
LOCKFILE=$ROOT/.data/db.lock

say() { echo "db.sh: $*" >&2; }
die() { say "$*"; exit 1; }
usage() { sed -n 's/^#   \(scripts\/db.sh\)/\1/p' "${BASH_SOURCE[0]}"; }

if ! [[ $PORT =~ ^[0-9]{1,5}$ ]] || ((PORT < 1 || PORT > 65535)); then
  die "PGPORT_LOCAL must be a port number, not '$PORT'"
fi

cmd=${1:-start}
case $cmd in
  start | stop | status) ;;
  -h | --help | help) usage; exit 0 ;;
  *) usage >&2; exit 2 ;;
esac

url() { echo "postgres://postgres@$HOST:$PORT/$DBNAME?sslmode=disable"; }

if [[ $cmd == start && -n ${DATABASE_URL:-} ]]; then
  echo "DATABASE_URL=$DATABASE_URL"
  exit 0
fi

# --- layout -----------------------------------------------------------------------------------------

hash=$(printf '%s' "$ROOT" | sha256sum | cut -c1-12)
if ((EUID == 0)); then
  BASE=/tmp/boothlead-pg-$hash
  # fd 9 (the lock) is closed for every child, or a server started here would hold it forever;
  # cd / first: the postgres user may not be allowed into the current directory
  as_pg() { (cd / && runuser -u postgres -- "$@") 9>&-; }
else
  BASE=$ROOT/.data/pg
  as_pg() { "$@" 9>&-; }
fi
DATA=$BASE/data
SOCK=$BASE/sock
LOG=$BASE/server.log
# a Unix socket path holds at most 107 bytes: a deep checkout puts its socket under /tmp instead
if ((${#SOCK} > 80)); then
  SOCK=/tmp/boothlead-pg-$hash-sock
fi

# --- PostgreSQL binaries ------------------------------------------------------------------------------

PGBIN=
find_pgbin() {
  local dir major best=0
  PGBIN=
  for dir in /usr/lib/postgresql/*/bin; do
    major=${dir#/usr/lib/postgresql/}
    major=${major%/bin}
    if [[ $major =~ ^[0-9]+$ && -x $dir/pg_ctl && -x $dir/initdb ]] && ((major > best)); then
      best=$major
      PGBIN=$dir
    fi
  done
  if [[ -z $PGBIN ]] && command -v pg_ctl >/dev/null && command -v initdb >/dev/null; then
    PGBIN=$(dirname "$(readlink -f "$(command -v pg_ctl)")") # not Debian: whatever PATH offers
  fi
  [[ -n $PGBIN ]]
}

install_postgresql() {
  local log
  log=$(mktemp)
  say "PostgreSQL server binaries not found: installing them (apt-get update && apt-get install -y postgresql)…"
  if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
    -o DPkg::Lock::Timeout=120 postgresql; } >"$log" 2>&1; then
    tail -n 15 "$log" >&2
    die "apt-get could not install postgresql (full log: $log)"
  fi
  rm -f "$log"
}

# "15.18" from "pg_ctl (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)"
pg_version() { "$PGBIN/pg_ctl" --version | sed -E 's/^[^0-9]*([0-9][0-9.]*).*/\1/'; }

need_pgbin() {
  if ! find_pgbin; then
    ((EUID == 0)) || die "PostgreSQL server binaries not found: install postgresql (apt-get install postgresql) or set DATABASE_URL"
    install_postgresql
    find_pgbin || die "postgresql is installed, but no pg_ctl in /usr/lib/postgresql/*/bin"
  fi
  local tool version
  for tool in postgres psql pg_isready; do
    [[ -x $PGBIN/$tool ]] || die "$PGBIN has no $tool: install the full postgresql package"
  done
  version=$(pg_version)
  ((${version%%.*} >= 15)) || die "PostgreSQL $version in $PGBIN is too old: 15 or later is needed"
  if ((EUID == 0)); then
    getent passwd postgres >/dev/null || die "no postgres OS user to run the server as (apt-get install postgresql creates it)"
  fi
}

# --- talking to the server ----------------------------------------------------------------------------

psql_() {
  PGCONNECT_TIMEOUT=5 PGSSLMODE=disable PGOPTIONS="-c client_min_messages=warning" \
    "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$HOST" -p "$PORT" -U postgres -d postgres "$@" 9>&-
}

# pg_isready's status: 0 accepting, 1 rejecting (starting up or shutting down), 2 no answer
probe() {
  local rc=0
  "$PGBIN/pg_isready" -q -h "$HOST" -p "$PORT" -U postgres -d postgres -t 2 9>&- || rc=$?
  return "$rc"
}

wait_ready() { # seconds
  local i
  for ((i = 0; i < $1 * 4; i++)); do
    probe && return 0
    sleep 0.25
  done
  return 1
}

# who answers on the port: prints the data directory of the cluster there, or fails
answering_data_dir() { psql_ -A -t -c 'SHOW data_directory' 2>/dev/null; }

port_in_use() { (exec 3<>"/dev/tcp/$HOST/$PORT") 2>/dev/null; }

# fails, saying what to do, unless the server answering on the port is this checkout's cluster
must_be_ours() {
  local dir
  dir=$(answering_data_dir) ||
    die "$HOST:$PORT answers, but not as a trust-auth cluster with superuser postgres: stop that server or pick another port (PGPORT_LOCAL=54330 make …)"
  [[ $dir == "$DATA" ]] ||
    die "$HOST:$PORT is held by another cluster (data directory $dir), not this checkout's ($DATA): stop it (scripts/db.sh stop in its checkout) or pick another port (PGPORT_LOCAL=54330 make …)"
}

# --- the cluster's files ------------------------------------------------------------------------------

lock() {
  mkdir -p "$ROOT/.data"
  exec 9>>"$LOCKFILE"
  flock -w 180 9 || die "another db.sh has held $LOCKFILE for 3 minutes"
}

prepare_dirs() {
  if ((EUID == 0)); then
    # a name in /tmp anyone could have taken first: use it only if postgres owns it
    if [[ ! -e $BASE && ! -L $BASE ]]; then
      mkdir -m 755 "$BASE"
      chown postgres: "$BASE"
    fi
    [[ -d $BASE && ! -L $BASE && $(stat -c %U "$BASE") == postgres ]] ||
      die "$BASE must be a directory owned by postgres: remove it and retry"
    if [[ -L $ROOT/.data/pg || ! -e $ROOT/.data/pg ]]; then
      ln -sfn "$BASE" "$ROOT/.data/pg"
    fi
  else
    # a link left by a run as root points at files of the postgres user: this user gets its own
    if [[ -L $BASE ]]; then rm -f "$BASE"; fi
    mkdir -p "$BASE"
  fi
  if [[ ! -d $SOCK ]]; then
    as_pg mkdir -m 755 -p "$SOCK"
  fi
}

initdb_if_needed() {
  if [[ -s $DATA/PG_VERSION ]]; then
    # a data directory made before db.sh took over its settings through boothlead.conf
    grep -q "^include = 'boothlead.conf'" "$DATA/postgresql.conf" ||
      echo "include = 'boothlead.conf'" | as_pg tee -a "$DATA/postgresql.conf" >/dev/null
    return 0
  fi
  if [[ -e $DATA ]]; then
    say "removing the half-made $DATA (no PG_VERSION: an interrupted initdb)"
    rm -rf -- "$DATA"
  fi
  say "creating a PostgreSQL cluster in $DATA"
  if ! as_pg "$PGBIN/initdb" -D "$DATA" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 --no-sync \
    >"$BASE/initdb.log" 2>&1; then
    tail -n 15 "$BASE/initdb.log" >&2
    die "initdb failed (log: $BASE/initdb.log)"
  fi
  printf '\n# scripts/db.sh rewrites this file at every start\ninclude = %s\n' "'boothlead.conf'" |
    as_pg tee -a "$DATA/postgresql.conf" >/dev/null
}

# the settings, written at every start so a changed port or setting takes effect
write_conf() {
  as_pg tee "$DATA/boothlead.conf" >/dev/null <<EOF
# Written by scripts/db.sh at every start: a private throwaway cluster for development and tests.
listen_addresses = '$HOST'
port = $PORT
unix_socket_directories = '$SOCK'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 300
log_min_messages = warning
EOF
}

# is pid the postmaster of our data directory? (its cwd is the data directory; /proc/PID/cwd is
# readable for our own processes only, so the command line is the fallback)
our_postmaster() {
  local pid=$1 arg cwd
  cwd=$(readlink "/proc/$pid/cwd" 2>/dev/null) || cwd=
  [[ $cwd == "$DATA" ]] && return 0
  local -a argv=()
  mapfile -d '' -t argv 2>/dev/null <"/proc/$pid/cmdline" || return 1
  ((${#argv[@]} > 0)) && [[ ${argv[0]##*/} == postgres ]] || return 1
  for arg in "${argv[@]}"; do
    [[ $arg == "$DATA" ]] && return 0
  done
  return 1
}

# our postmaster's pid if it is alive, else "" (and a stale postmaster.pid is removed)
live_postmaster() {
  local pidfile=$DATA/postmaster.pid pid
  [[ -f $pidfile ]] || return 0
  pid=$(head -n 1 "$pidfile" 2>/dev/null) || pid=
  if [[ $pid =~ ^[0-9]+$ && -d /proc/$pid ]] && our_postmaster "$pid"; then
    echo "$pid"
    return 0
  fi
  say "removing the stale $pidfile (pid ${pid:-?} is not our server: it was killed or the machine restarted)"
  rm -f -- "$pidfile" "$SOCK"/.s.PGSQL.*.lock
}

# --- commands -------------------------------------------------------------------------------------------

start() {
  need_pgbin
  lock
  local rc=0
  probe || rc=$?
  if ((rc == 1)); then # a server is starting up or shutting down there
    wait_ready 30 || true
    rc=0
    probe || rc=$?
  fi
  if ((rc == 0)); then
    must_be_ours
  else
    port_in_use && die "$HOST:$PORT is taken by a program that is not PostgreSQL: stop it or pick another port (PGPORT_LOCAL=54330 make …)"
    prepare_dirs
    initdb_if_needed
    local pid port out='' _
    for _ in 1 2 3 4 5; do
      pid=$(live_postmaster)
      if [[ -n $pid ]]; then
        # our server, but not answering yet: starting up, or still listening on another port
        port=$(sed -n 4p "$DATA/postmaster.pid" 2>/dev/null) || port=
        [[ -z $port || $port == "$PORT" ]] ||
          die "this checkout's server (pid $pid) listens on port $port, not $PORT: stop it first (PGPORT_LOCAL=$port scripts/db.sh stop)"
        wait_ready 10 && break
        continue
      fi
      write_conf
      out=$(as_pg "$PGBIN/pg_ctl" -D "$DATA" -l "$LOG" -w -t 60 start 2>&1) || true
      wait_ready 10 && break
      # e.g. the children of a killed postmaster still hold its shared memory for a moment
      sleep 1
    done
    if ! probe; then
      echo "$out" >&2
      tail -n 15 "$LOG" >&2 2>/dev/null || true
      die "could not start PostgreSQL on $HOST:$PORT (log: $LOG)"
    fi
    must_be_ours
    say "PostgreSQL $(pg_version) runs on $HOST:$PORT (data: $DATA)"
  fi
  if [[ $(psql_ -A -t -c "SELECT 1 FROM pg_database WHERE datname = '$DBNAME'") != 1 ]]; then
    psql_ -c "CREATE DATABASE $DBNAME"
    say "created the database $DBNAME"
  fi
  echo "DATABASE_URL=$(url)"
}

status() {
  if ! find_pgbin; then
    echo "stopped (PostgreSQL is not installed)"
    return 3
  fi
  local dir
  if probe && dir=$(answering_data_dir); then
    if [[ $dir == "$DATA" ]]; then
      echo "running on $HOST:$PORT (data: $DATA): $(url)"
      return 0
    fi
    echo "$HOST:$PORT is held by another cluster (data: $dir)"
    return 4
  fi
  if port_in_use; then
    echo "$HOST:$PORT is held by another server"
    return 4
  fi
  echo "stopped (data: $DATA)"
  return 3
}

stop() {
  if [[ ! -f $DATA/postmaster.pid ]]; then
    say "not running"
    return 0
  fi
  find_pgbin || die "PostgreSQL binaries not found: cannot run pg_ctl stop"
  lock
  if [[ -z $(live_postmaster) ]]; then
    say "not running"
    return 0
  fi
  as_pg "$PGBIN/pg_ctl" -D "$DATA" -m fast -w -t 60 stop >/dev/null
  say "stopped (data kept in $DATA)"
}

"$cmd"
