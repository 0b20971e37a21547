#!/usr/bin/env bash
# chromium.sh — make sure Debian's chromium (what the browser tests drive through chromedp) is
# installed; print its path. As root it installs the package with apt-get when it is missing.
set -euo pipefail

BIN=/usr/bin/chromium

say() { echo "chromium.sh: $*" >&2; }
die() { say "$*"; exit 1; }

if [[ ! -x $BIN ]]; then
  ((EUID == 0)) || die "chromium not found at $BIN: install it (apt-get install chromium) for the browser tests"
  log=$(mktemp)
  apt_get() { DEBIAN_FRONTEND=noninteractive apt-get -qq -o DPkg::Lock::Timeout=120 "$@" >>"$log" 2>&1; }
  say "chromium not found: installing it with apt-get install -y chromium (about 20 s)…"
  # refresh the package lists only when they don't know chromium, or name files the mirror dropped
  if ! apt-cache show chromium >/dev/null 2>&1; then
    apt_get update || { tail -n 15 "$log" >&2; die "apt-get update failed (log: $log)"; }
  fi
  if ! apt_get install -y chromium && ! { apt_get update && apt_get install -y chromium; }; then
    tail -n 15 "$log" >&2
    die "apt-get could not install chromium (log: $log)"
  fi
  rm -f "$log"
  [[ -x $BIN ]] || die "chromium is installed, but $BIN is missing"
fi
echo "$BIN"
