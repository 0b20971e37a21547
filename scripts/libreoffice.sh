#!/usr/bin/env bash
# libreoffice.sh — make sure LibreOffice Calc (headless) is installed, for the tests that have it
# open the exported CSV and XLSX files (export/libreoffice_test.go); print the path of soffice.
# As root it installs Debian's libreoffice-calc-nogui with apt-get when it is missing (about a
# minute, 300 MB); otherwise it only says how and exits 0: those tests then skip, saying so.
set -euo pipefail

PKG=libreoffice-calc-nogui

say() { echo "libreoffice.sh: $*" >&2; }
die() { say "$*"; exit 1; }

if ! BIN=$(command -v soffice); then
  if ((EUID != 0)); then
    say "soffice not found: the spreadsheet round-trip tests will skip (install them with: sudo apt-get install $PKG)"
    exit 0
  fi
  log=$(mktemp)
  apt_get() { DEBIAN_FRONTEND=noninteractive apt-get -qq -o DPkg::Lock::Timeout=120 "$@" >>"$log" 2>&1; }
  say "soffice not found: installing it with apt-get install -y --no-install-recommends $PKG (about a minute)…"
  # refresh the package lists only when they don't know the package, or name files the mirror dropped
  if ! apt-cache show "$PKG" >/dev/null 2>&1; then
    apt_get update || { tail -n 15 "$log" >&2; die "apt-get update failed (log: $log)"; }
  fi
  if ! apt_get install -y --no-install-recommends "$PKG" &&
    ! { apt_get update && apt_get install -y --no-install-recommends "$PKG"; }; then
    tail -n 15 "$log" >&2
    die "apt-get could not install $PKG (log: $log)"
  fi
  rm -f "$log"
  BIN=$(command -v soffice) || die "$PKG is installed, but soffice is not on PATH"
fi
echo "$BIN"
