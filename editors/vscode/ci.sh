#!/usr/bin/env bash
# CI for the VS Code extension: install (npm ci), type-check, test, build,
# package the .vsix and verify it. Exits non-zero on any failure; the last
# line names the .vsix. Needs Node.js 20+ and the npm registry.
set -euo pipefail
cd "$(dirname "$0")"

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "editors/vscode/ci.sh: node and npm are required (Node.js 20 or later)" >&2
  exit 1
fi
major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$major" -lt 20 ]; then
  echo "editors/vscode/ci.sh: Node.js 20 or later is required, found $(node --version)" >&2
  exit 1
fi

echo "--- npm ci"
npm ci --no-audit --no-fund --loglevel=error

echo "--- typecheck (tsc --noEmit)"
npm run --silent typecheck

echo "--- unit tests (node:test, without VS Code)"
node esbuild.mjs --tests
node --test out/test/

echo "--- build"
rm -rf out
npm run --silent build

echo "--- vsce package"
version=$(node -p 'require("./package.json").version')
vsix="fcgilint-${version}.vsix"
rm -f ./*.vsix
# No prompt can be answered in CI: stdin is closed.
npx --no-install vsce package --no-dependencies --out "$vsix" </dev/null

echo "--- verify $vsix"
node verify-vsix.mjs "$vsix"

echo "vsix: $(pwd)/$vsix ($(wc -c <"$vsix") bytes)"
