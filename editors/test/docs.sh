#!/usr/bin/env bash
# Checks the configuration snippets of editors/helix.md and editors/emacs.md:
#   - Helix: the TOML block parses (python3's tomllib) and declares the
#     fcgilint server and the nginx and php-fpm languages that use it;
#   - Emacs: the Elisp block, run in `emacs --batch` with Eglot and nginx-mode
#     against the stand-in server of editors/nvim/test (skipped when emacs,
#     eglot, nginx-mode or node is missing: apt-get install emacs-nox
#     elpa-eglot elpa-nginx-mode).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
editors=$(dirname "$here")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The first fenced block of a language in a Markdown file.
block() {
  awk -v lang="$2" '$0 == "```" lang {on=1; next} on && $0 == "```" {exit} on {print}' "$1"
}

echo "--- helix.md"
block "$editors/helix.md" toml >"$tmp/languages.toml"
if ! python3 -c 'import tomllib' 2>/dev/null; then
  echo "helix.md: skipped (needs python3 3.11+ for tomllib)"
else
python3 - "$tmp/languages.toml" <<'PY'
import sys, tomllib
with open(sys.argv[1], "rb") as f:
    cfg = tomllib.load(f)
ls = cfg["language-server"]["fcgilint"]
assert ls == {"command": "fcgilint", "args": ["lsp"]}, ls
langs = {l["name"]: l for l in cfg["language"]}
for name in ("nginx", "php-fpm"):
    assert "fcgilint" in langs[name]["language-servers"], name
    for ft in langs[name]["file-types"]:
        assert isinstance(ft, dict) and list(ft) == ["glob"], ft
globs = {n: [ft["glob"] for ft in l["file-types"]] for n, l in langs.items()}
assert "sites-enabled/*" in globs["nginx"] and "pool.d/*.conf" in globs["php-fpm"], globs
assert langs["php-fpm"]["grammar"] == "ini"
print("helix.md: languages.toml parses; fcgilint on nginx and php-fpm")
PY
echo "1 passed, 0 failed"
fi

echo "--- emacs.md"
if command -v emacs >/dev/null 2>&1 && command -v node >/dev/null 2>&1 &&
  emacs --batch --eval '(progn (package-initialize) (require (quote eglot)) (require (quote nginx-mode)))' >/dev/null 2>&1; then
  block "$editors/emacs.md" elisp >"$tmp/snippet.el"
  mkdir -p "$tmp/emacs"
  timeout 120 emacs --batch -l "$here/emacs_eglot_test.el" "$tmp/snippet.el" \
    "$editors/nvim/test/fake_lsp_server.js" "$tmp/emacs" 2>&1 | grep -v '^\[jsonrpc\]'
  exit "${PIPESTATUS[0]}"
else
  echo "emacs.md: skipped (needs emacs with eglot and nginx-mode, and node)"
fi
