#!/usr/bin/env bash
# mailpit.sh — the local mail server that `make run` sends to, so a newcomer reads every mail the
# app sends (private links, confirmations, staff invitations) in a browser.
#
#   scripts/mailpit.sh [start]   make sure it runs (idempotent); the last line of stdout is SMTP_URL=…
#   scripts/mailpit.sh stop      stop it (the mail it holds is kept in .data/mailpit.db)
#
# mailpit (github.com/axllent/mailpit, pinned below) is built once with `go install` into bin/.
# SMTP on 127.0.0.1:${MAIL_SMTP_PORT:-1025}, the mail to read on http://localhost:${MAIL_UI_PORT:-8025}.
# With SMTP_URL set, `start` prints it back and starts nothing.
set -euo pipefail

ROOT=$(cd -P "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VERSION=v1.33.1
SMTP_PORT=${MAIL_SMTP_PORT:-1025}
UI_PORT=${MAIL_UI_PORT:-8025}
BIN=$ROOT/bin/mailpit
DATA=$ROOT/.data
PIDFILE=$DATA/mailpit.pid

say() { echo "mailpit.sh: $*" >&2; }
die() { say "$*"; exit 1; }
listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

cmd=${1:-start}
case $cmd in
  start) ;;
  stop)
    if [[ -f $PIDFILE ]] && kill "$(cat "$PIDFILE")" 2>/dev/null; then
      say "stopped"
    else
      say "not running (from this checkout)"
    fi
    rm -f "$PIDFILE"
    exit 0
    ;;
  -h | --help | help) sed -n 's/^#   \(scripts\/mailpit.sh\)/\1/p' "${BASH_SOURCE[0]}"; exit 0 ;;
  *) sed -n 's/^#   \(scripts\/mailpit.sh\)/\1/p' "${BASH_SOURCE[0]}" >&2; exit 2 ;;
esac

if [[ -n ${SMTP_URL:-} ]]; then
  echo "SMTP_URL=$SMTP_URL"
  exit 0
fi

url="smtp://127.0.0.1:$SMTP_PORT"
if listening "$SMTP_PORT"; then
  say "an SMTP server already listens on 127.0.0.1:$SMTP_PORT (mail to read: http://localhost:$UI_PORT)"
  echo "SMTP_URL=$url"
  exit 0
fi

# `mailpit version` would ask GitHub for news; a stamp file says which version bin/ holds
if [[ ! -x $BIN ]] || [[ $(cat "$BIN.version" 2>/dev/null) != "$VERSION" ]]; then
  say "building mailpit $VERSION into bin/ (once, about 30 s)…"
  GOBIN=$ROOT/bin GOFLAGS=-mod=mod go install "github.com/axllent/mailpit@$VERSION" >&2 \
    || die "could not build mailpit; set SMTP_URL to use another mail server"
  echo "$VERSION" >"$BIN.version"
fi

mkdir -p "$DATA"
nohup "$BIN" --smtp "127.0.0.1:$SMTP_PORT" --listen "127.0.0.1:$UI_PORT" --database "$DATA/mailpit.db" \
  --smtp-auth-accept-any --smtp-auth-allow-insecure --max 2000 >"$DATA/mailpit.log" 2>&1 &
echo $! >"$PIDFILE"
for _ in $(seq 1 50); do
  listening "$SMTP_PORT" && break
  kill -0 "$(cat "$PIDFILE")" 2>/dev/null || { tail -n 5 "$DATA/mailpit.log" >&2; die "mailpit did not start"; }
  sleep 0.1
done
listening "$SMTP_PORT" || die "mailpit did not open 127.0.0.1:$SMTP_PORT (log: $DATA/mailpit.log)"
say "mailpit runs: SMTP on 127.0.0.1:$SMTP_PORT, the mail to read on http://localhost:$UI_PORT"
echo "SMTP_URL=$url"
