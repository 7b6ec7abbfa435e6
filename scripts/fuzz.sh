#!/usr/bin/env bash
# Runs every Go fuzz target in the repo for FUZZTIME each (default 20s).
# The seed corpora already run as plain tests in `make test`.
set -euo pipefail
cd "$(dirname "$0")/.."
t=${FUZZTIME:-20s}
grep -rl --include='*_test.go' '^func Fuzz' . | sort | while read -r file; do
    pkg=./$(dirname "${file#./}")
    for fn in $(grep -o '^func Fuzz[A-Za-z0-9_]*' "$file" | sed 's/^func //'); do
        echo "== $pkg $fn ($t)"
        go test -run XXX -fuzz "^${fn}\$" -fuzztime "$t" "$pkg"
    done
done
