#!/usr/bin/env bash
# gofiles.sh — the project's Go files, NUL-separated, for gofmt: in a git checkout the tracked ones
# and the new ones git does not ignore (so work not yet added counts too); elsewhere every *.go
# outside .git, .data, bin and tmp.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  git ls-files -z --deduplicate --cached --others --exclude-standard -- '*.go' |
    while IFS= read -r -d '' f; do
      if [[ -f $f ]]; then printf '%s\0' "$f"; fi # tracked, but deleted in the work tree
    done
else
  find . \( -name .git -o -name .data -o -name bin -o -name tmp -o -name node_modules \) -prune \
    -o -type f -name '*.go' -print0
fi
