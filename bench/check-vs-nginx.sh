#!/usr/bin/env bash
# Compares `fcgilint check` with `nginx -t` on a generated Debian-style tree
# (default 2,000 sites, 50 pools): median wall time of RUNS runs each, the
# ratio, and fcgilint's peak RSS (the largest of the runs' peaks, and their
# median). Needs nginx and GNU time (/usr/bin/time).
#   bench/check-vs-nginx.sh [SITES] [POOLS] [RUNS]
#
# The runs are interleaved (nginx, fcgilint, fcgilint --whole, nginx, …):
# on a shared machine the speed drifts within minutes, and a ratio of two
# medians taken minutes apart would measure the drift. fcgilint is built
# as scripts/release.sh builds it (static, CGO_ENABLED=0): a binary linked
# against libc maps it too, about 2 MiB more RSS.
set -euo pipefail
cd "$(dirname "$0")/.."
sites=${1:-2000} pools=${2:-50} runs=${3:-7}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go run bench/gentree.go -sites "$sites" -pools "$pools" -out "$work/root"
CGO_ENABLED=0 go build -trimpath -o "$work/fcgilint" ./cmd/fcgilint

# measure NAME CMD... appends "seconds maxrss_kib" of one run to $work/NAME.
measure() {
  local name=$1
  shift
  local start end
  start=$(date +%s%N)
  /usr/bin/time -f "%M" -o "$work/t" "$@" >/dev/null 2>&1 || true
  end=$(date +%s%N)
  echo "$(awk -v ns=$((end - start)) 'BEGIN { printf "%.3f", ns / 1e9 }') $(tail -n 1 "$work/t")" >>"$work/$name"
}

for _ in $(seq "$runs"); do
  measure nginx nginx -t -q -c "$work/root/etc/nginx/nginx.conf"
  measure check "$work/fcgilint" check --root "$work/root" -f json
  measure whole "$work/fcgilint" check --whole --root "$work/root" -f json
done
"$work/fcgilint" check --root "$work/root" >/dev/null 2>"$work/summary" || true

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
seconds() { awk '{print $1}' "$work/$1" | median; }
rss_max() { awk '{print $2}' "$work/$1" | sort -n | tail -1; }
rss_median() { awk '{print $2}' "$work/$1" | median; }
mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }

nginx_s=$(seconds nginx)
echo "tree: $sites sites, $pools pools; $runs interleaved runs each"
echo "nginx -t                 median ${nginx_s}s, peak RSS $(mib "$(rss_max nginx)") MiB"
for mode in check whole; do
  s=$(seconds "$mode")
  label="fcgilint check"
  [ "$mode" = whole ] && label="fcgilint check --whole"
  printf '%-24s median %ss (%s × nginx), peak RSS %s MiB (median of the runs %s MiB)\n' "$label" "$s" \
    "$(awk -v a="$s" -v b="$nginx_s" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')" \
    "$(mib "$(rss_max "$mode")")" "$(mib "$(rss_median "$mode")")"
done
echo "($(cat "$work/summary"))"
echo "target: fcgilint check at most 0.40 × nginx, peak RSS under 20 MiB"
