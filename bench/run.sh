#!/usr/bin/env bash
# Run every benchmark in bench/*.py; each writes its figures to bench/results/<name>.txt.
# Extra arguments are passed to each benchmark (e.g. bash bench/run.sh --quick).
set -eu
cd "$(dirname "$0")/.."
PY="${PY:-.venv/bin/python}"
test -x "$PY" || PY=python3
mkdir -p bench/results bench/tmp
status=0
for script in bench/*.py; do
    [ -e "$script" ] || continue
    name="$(basename "$script" .py)"
    echo "== bench/$name"
    "$PY" "$script" "$@" || { echo "bench/$name failed" >&2; status=1; }
done
exit $status
