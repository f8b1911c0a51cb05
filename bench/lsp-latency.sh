#!/usr/bin/env bash
# Latency of the language server on the generated 2,000-site tree: from a
# didChange of one site to the publishDiagnostics for that version, over
# jsonrpc2 (p50/p95/max of the early answer, p50/p95 of the full pass), and
# the resident memory with the tree loaded.
#   bench/lsp-latency.sh [EDITS] [SITES]
set -euo pipefail
cd "$(dirname "$0")/.."
edits=${1:-200} sites=${2:-2000}
FCGILINT_BENCH_SITES=$sites go test -run '^$' -bench 'DidChangeToPublish' -benchtime "${edits}x" ./lsp
