#!/usr/bin/env bash
# Headless tests of the Neovim integration (editors/nvim):
#   1. test/filetype_spec.lua: filetype detection, root directories, setup()
#      and its start paths for Neovim 0.7 and 0.8+ (LSP client stubbed);
#   2. test/lsp_roundtrip.lua against test/fake_lsp_server.js (when node is
#      installed): Neovim's real LSP client starts the server through
#      setup(), receives diagnostics for an nginx site and a php-fpm pool, and
#      the server exits 0 after shutdown.
# Needs Neovim 0.7 or later (apt-get install neovim). Exits non-zero on any
# failure.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

if ! command -v nvim >/dev/null 2>&1; then
  echo "editors/nvim/test.sh: nvim not found (apt-get install neovim)" >&2
  exit 1
fi
nvim --version | head -n 1

run() {
  # -u NONE: no user config; -i NONE: no shada. Output is the test's own
  # (io.stdout); Neovim's carriage returns are dropped.
  timeout 120 nvim --headless -u NONE -i NONE --cmd "set rtp^=$here" -c 'filetype on' -c "luafile $1" </dev/null 2>&1 | tr -d '\r'
  return "${PIPESTATUS[0]}"
}

status=0
echo "--- filetype_spec.lua"
run "$here/test/filetype_spec.lua" || status=1

if command -v node >/dev/null 2>&1; then
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  mkdir -p "$tmp/etc/nginx/sites-enabled" "$tmp/etc/php/8.2/fpm/pool.d"
  printf 'server {\n    listen 80;\n}\n' >"$tmp/etc/nginx/sites-enabled/default"
  printf '[www]\nlisten = /run/php/php8.2-fpm.sock\npm = dynamic\n' >"$tmp/etc/php/8.2/fpm/pool.d/www.conf"
  for spec in "etc/nginx/sites-enabled/default:nginx" "etc/php/8.2/fpm/pool.d/www.conf:dosini"; do
    file=${spec%%:*}
    lang=${spec##*:}
    echo "--- lsp_roundtrip.lua: $file (fake server)"
    FCGILINT_CMD="node $here/test/fake_lsp_server.js lsp" \
    FCGILINT_FILE="$tmp/$file" \
    FCGILINT_EXPECT="args=%[lsp%] languageId=$lang" \
    FCGILINT_TIMEOUT=10000 \
      run "$here/test/lsp_roundtrip.lua" || status=1
  done
else
  echo "--- lsp_roundtrip.lua: skipped (node not installed)"
fi

if [ "$status" -ne 0 ]; then
  echo "editors/nvim/test.sh: FAILED" >&2
fi
exit "$status"
