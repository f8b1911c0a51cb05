#!/usr/bin/env bash
# Runs every fuzz target for DURATION each (default 10m):
#   bench/fuzz.sh [DURATION]
set -euo pipefail
cd "$(dirname "$0")/.."
d=${1:-10m}
for pkg in $(go list ./...); do
  dir=$(go list -f '{{.Dir}}' "$pkg")
  for target in $(grep -ho '^func Fuzz[A-Za-z0-9_]*' "$dir"/*_test.go 2>/dev/null | sed 's/func //'); do
    echo "== $pkg $target ($d)"
    go test -run='^$' -fuzz="^${target}\$" -fuzztime="$d" "$pkg"
  done
done
