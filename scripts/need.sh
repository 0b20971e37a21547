#!/usr/bin/env bash
# need.sh BIN PACKAGE — make sure a Debian package's program is installed; print its path.
# As root it installs the package with apt-get when the program is missing. `make test` uses it for
# chromium (what the browser tests drive through chromedp) and node (the outbox's JS tests).
#   scripts/need.sh /usr/bin/chromium chromium
#   scripts/need.sh node nodejs
set -euo pipefail

(($# == 2)) || { echo "usage: scripts/need.sh BIN PACKAGE" >&2; exit 2; }
want=$1 pkg=$2

say() { echo "need.sh: $*" >&2; }
die() { say "$*"; exit 1; }
found() { if [[ $want == /* ]]; then [[ -x $want ]] && echo "$want"; else command -v "$want"; fi; }

if ! found >/dev/null; then
  ((EUID == 0)) || die "$want not found: install it (apt-get install $pkg)"
  log=$(mktemp)
  apt_get() { DEBIAN_FRONTEND=noninteractive apt-get -qq -o DPkg::Lock::Timeout=120 "$@" >>"$log" 2>&1; }
  say "$want not found: installing it with apt-get install -y $pkg…"
  # refresh the package lists only when they don't know the package, or name files the mirror dropped
  if ! apt-cache show "$pkg" >/dev/null 2>&1; then
    apt_get update || { tail -n 15 "$log" >&2; die "apt-get update failed (log: $log)"; }
  fi
  if ! apt_get install -y "$pkg" && ! { apt_get update && apt_get install -y "$pkg"; }; then
    tail -n 15 "$log" >&2
    die "apt-get could not install $pkg (log: $log)"
  fi
  rm -f "$log"
  found >/dev/null || die "$pkg is installed, but $want is missing"
fi
found
