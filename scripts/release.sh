#!/usr/bin/env bash
# Builds fcgilint's release archives into dist/:
#
#   scripts/release.sh VERSION [GOOS/GOARCH...]
#
# for linux/amd64, linux/arm64, darwin/amd64, darwin/arm64 and windows/amd64
# unless targets are named: static binaries (CGO_ENABLED=0) without local
# paths (-trimpath), with VERSION and the commit stamped in (fcgilint
# --version prints them), packed as fcgilint_VERSION_OS_ARCH.tar.gz (.zip
# for Windows) with README.md, and listed with their SHA-256 in SHA256SUMS.
#
# COMMIT overrides the commit (default: git rev-parse HEAD); DIST the output
# directory; SOURCE_DATE_EPOCH the archives' timestamps (default: the
# commit's date), so that the same commit gives the same archives.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ $# -lt 1 ] || [ -z "$1" ]; then
  echo "usage: $0 VERSION [GOOS/GOARCH...]" >&2
  exit 2
fi
version=$1
shift
if [ $# -gt 0 ]; then
  targets=("$@")
else
  targets=(linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64)
fi
commit=${COMMIT:-$(git rev-parse HEAD 2>/dev/null || echo unknown)}
dist=${DIST:-dist}
epoch=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}
plain=${version#v}

rm -rf "$dist"
mkdir -p "$dist"
dist=$(cd "$dist" && pwd)
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT

for target in "${targets[@]}"; do
  goos=${target%/*}
  goarch=${target#*/}
  if [ -z "$goos" ] || [ -z "$goarch" ] || [ "$goos" = "$target" ]; then
    echo "$0: target $target: want GOOS/GOARCH" >&2
    exit 2
  fi
  name=fcgilint_${plain}_${goos}_${goarch}
  exe=fcgilint
  [ "$goos" = windows ] && exe=fcgilint.exe
  mkdir -p "$stage/$name"
  echo "building $name" >&2
  # -buildvcs=false: the commit comes from -X, and a build from a source
  # archive has no repository to read.
  CGO_ENABLED=0 GOOS=$goos GOARCH=$goarch GOFLAGS= \
    go build -trimpath -buildvcs=false \
      -ldflags "-s -w -X main.version=$version -X main.commit=$commit" \
      -o "$stage/$name/$exe" ./cmd/fcgilint
  cp README.md "$stage/$name/"
  touch -d "@$epoch" "$stage/$name" "$stage/$name"/*
  if [ "$goos" = windows ]; then
    (cd "$stage" && TZ=UTC zip -q -X -r "$dist/$name.zip" "$name")
  else
    tar -C "$stage" --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$epoch" \
      -cf - "$name" | gzip -n -9 > "$dist/$name.tar.gz"
  fi
done

cd "$dist"
shopt -s nullglob
archives=(*.tar.gz *.zip)
if [ ${#archives[@]} -eq 0 ]; then
  echo "$0: no archive written" >&2
  exit 1
fi
if command -v sha256sum >/dev/null 2>&1; then
  sha256sum -- "${archives[@]}" > SHA256SUMS
else
  shasum -a 256 -- "${archives[@]}" > SHA256SUMS
fi
cat SHA256SUMS
