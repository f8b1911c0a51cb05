#!/usr/bin/env bash
# Compares `fcgilint check` with `nginx -t` on a generated Debian-style tree
# (default 2,000 sites, 50 pools): median wall time of RUNS runs each, the
# ratio, and fcgilint's peak RSS. Needs nginx and GNU time (/usr/bin/time).
#   bench/check-vs-nginx.sh [SITES] [POOLS] [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
sites=${1:-2000} pools=${2:-50} runs=${3:-7}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go run bench/gentree.go -sites "$sites" -pools "$pools" -out "$work/root"
go build -o "$work/fcgilint" ./cmd/fcgilint

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

measure() { # prints "seconds maxrss_kib" per run, the time to the millisecond
  for _ in $(seq "$runs"); do
    start=$(date +%s%N)
    /usr/bin/time -f "%M" -o "$work/t" "$@" >/dev/null 2>&1 || true
    end=$(date +%s%N)
    echo "$(awk -v ns=$((end - start)) 'BEGIN { printf "%.3f", ns / 1e9 }') $(tail -n 1 "$work/t")"
  done
}

nginx_runs=$(measure nginx -t -q -c "$work/root/etc/nginx/nginx.conf")
lint_runs=$(measure "$work/fcgilint" check --root "$work/root" -f json)
low_runs=$(measure "$work/fcgilint" check --low-memory --root "$work/root" -f json)
"$work/fcgilint" check --root "$work/root" >/dev/null 2>"$work/summary" || true

nginx_s=$(echo "$nginx_runs" | awk '{print $1}' | median)
lint_s=$(echo "$lint_runs" | awk '{print $1}' | median)
lint_rss=$(echo "$lint_runs" | awk '{print $2}' | sort -n | tail -1)
low_s=$(echo "$low_runs" | awk '{print $1}' | median)
low_rss=$(echo "$low_runs" | awk '{print $2}' | sort -n | tail -1)
echo "tree: $sites sites, $pools pools; $runs runs each"
echo "nginx -t        median ${nginx_s}s"
echo "fcgilint check  median ${lint_s}s, peak RSS $((lint_rss / 1024)) MiB ($(cat "$work/summary"))"
awk -v a="$lint_s" -v b="$nginx_s" 'BEGIN { if (b > 0) printf "ratio fcgilint/nginx: %.2f (target <= 0.40)\n", a / b }'
echo "--low-memory    median ${low_s}s, peak RSS $((low_rss / 1024)) MiB"
