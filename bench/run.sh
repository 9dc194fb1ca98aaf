#!/usr/bin/env bash
# Run the benchmarks in bench/*.py; each writes its figures to bench/results/<name>.txt.
#   bash bench/run.sh                      every benchmark, with its defaults (what `make bench` does)
#   bash bench/run.sh ingest dispatch      only these, in this order
#   bash bench/run.sh ingest --messages 1000 --small-files 100
#                                          arguments after the names go to each named benchmark
# Helper modules (no `__main__` guard, e.g. bench/stack.py) are not benchmarks and are skipped.
set -eu
cd "$(dirname "$0")/.."
PY="${PY:-.venv/bin/python}"
test -x "$PY" || PY=python3
mkdir -p bench/results bench/tmp
names=()
while [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; do
    [ -f "bench/$1.py" ] || { echo "bench/$1.py: no such benchmark" >&2; exit 2; }
    names+=("$1"); shift
done
if [ ${#names[@]} -eq 0 ]; then
    for script in bench/*.py; do
        [ -e "$script" ] || continue
        grep -q '__main__' "$script" || continue
        names+=("$(basename "$script" .py)")
    done
fi
status=0
# How long each benchmark took, and the whole run (the target: `make bench` under 30 minutes);
# only a run of every benchmark with its defaults writes bench/results/run.txt.
timings="$(mktemp)"
started=$(date +%s)
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
for name in "${names[@]}"; do
    echo "== bench/$name"
    t0=$(date +%s)
    "$PY" "bench/$name.py" "$@" || { echo "bench/$name failed" >&2; status=1; }
    printf '%-18s %5d s\n' "$name" $(( $(date +%s) - t0 )) >>"$timings"
done
total=$(( $(date +%s) - started ))
printf '%-18s %5d s (%d min %02d s)\n' total "$total" $((total / 60)) $((total % 60)) >>"$timings"
cat "$timings"
if [ $# -eq 0 ] && [ "${#names[@]}" -eq "$(grep -l '__main__' bench/*.py | wc -l)" ]; then
    { echo "# bash bench/run.sh (make bench), $(date -u '+%Y-%m-%d %H:%M') UTC, $(nproc) cores, load before $load_before, at the end $(cut -d' ' -f1-3 /proc/loadavg)";
      echo "# seconds per benchmark, in the order run; exit status $status"; cat "$timings"; } >bench/results/run.txt
fi
rm -f "$timings"
exit $status
