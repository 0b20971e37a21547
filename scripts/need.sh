#!/usr/bin/env bash
# need.sh BIN PACKAGE [APT-GET-INSTALL-OPTION…] — make sure a Debian package's program is installed;
# print its path. As root it installs the package with apt-get when the program is missing (extra
# options go to apt-get install). `make test` uses it for chromium (what the browser tests drive
# through chromedp), node (the outbox's JS tests) and LibreOffice Calc (the export tests open the
# CSV and XLSX files with it; without recommends it is about 300 MB instead of a desktop):
#   scripts/need.sh /usr/bin/chromium chromium
#   scripts/need.sh node nodejs
#   scripts/need.sh soffice libreoffice-calc-nogui --no-install-recommends
set -euo pipefail

(($# >= 2)) || { echo "usage: scripts/need.sh BIN PACKAGE [APT-GET-INSTALL-OPTION…]" >&2; exit 2; }
want=$1 pkg=$2
shift 2
opts=("$@")

say() { echo "need.sh: $*" >&2; }
die() { say "$*"; exit 1; }
found() { if [[ $want == /* ]]; then [[ -x $want ]] && echo "$want"; else command -v "$want"; fi; }

if ! found >/dev/null; then
  ((EUID == 0)) || die "$want not found: install it (apt-get install ${opts[*]:+${opts[*]} }$pkg)"
  log=$(mktemp)
  apt_get() { DEBIAN_FRONTEND=noninteractive apt-get -qq -o DPkg::Lock::Timeout=120 "$@" >>"$log" 2>&1; }
  apt_install() { apt_get install -y ${opts[@]+"${opts[@]}"} "$pkg"; }
  say "$want not found: installing it with apt-get install -y ${opts[*]:+${opts[*]} }$pkg…"
  # refresh the package lists only when they don't know the package, or name files the mirror dropped
  if ! apt-cache show "$pkg" >/dev/null 2>&1; then
    apt_get update || { tail -n 15 "$log" >&2; die "apt-get update failed (log: $log)"; }
  fi
  if ! apt_install && ! { apt_get update && apt_install; }; then
    tail -n 15 "$log" >&2
    die "apt-get could not install $pkg (log: $log)"
  fi
  rm -f "$log"
  found >/dev/null || die "$pkg is installed, but $want is missing"
fi
found
