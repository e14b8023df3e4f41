#!/usr/bin/env bash
# Runs every benchmark of the performance issue on this machine and prints the table of ratios
# (benches/report.py). `make bench` calls it. Results go to target/criterion (criterion) and
# target/bench (the rest). Stages whose tools are missing are skipped and shown as not run:
#   - Python: needs the venv of `make test-python` (target/python-ci);
#   - Node:   needs the package of `make test-wasm` (bindings/wasm/out/pkg) and node.
# Set JIXIAO_BENCH_QUICK=1 for short measurement times (a smoke run, not figures to quote).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
OUT="$ROOT/target/bench"
mkdir -p "$OUT"
# One run, one table: whatever an earlier run left (criterion's estimates, the binding benches'
# JSON) is removed first, and the run is tagged, so that report.py never mixes in a stale figure and
# judges a target only from a complete, full-length run. (Criterion's comparison with the previous
# run is lost; the table compares within the run.)
rm -rf "$ROOT/target/criterion" "$ROOT/benches/peer-zen/target/criterion"
rm -f "$OUT"/*.json "$OUT/table.txt"
printf '{"id": "%s", "started": %s, "quick": %s}\n' "$(date -u +%Y%m%dT%H%M%SZ)" "$(date +%s)" \
  "$([ "${JIXIAO_BENCH_QUICK:-0}" = 1 ] && echo true || echo false)" > "$OUT/run.json"
CRITERION_ARGS=()
if [ "${JIXIAO_BENCH_QUICK:-0}" = 1 ]; then
  CRITERION_ARGS=(--warm-up-time 1 --measurement-time 2)
fi

echo "== criterion: evaluate, handwritten, batch, load (benches/)"
cargo bench -p jixiao-benches -- "${CRITERION_ARGS[@]}"

echo "== criterion: the ZEN peer (benches/peer-zen, its own workspace)"
(cd benches/peer-zen && cargo bench --bench peer -- "${CRITERION_ARGS[@]}")

echo "== CLI: streamed CSV batch, time and peak memory by size"
# Two builds: with `--example`, cargo would build only that example, not the CLI's binary.
cargo build --release -p jixiao-cli
cargo build --release -p jixiao-benches --example hunan_csv
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
first=1
printf '[' > "$OUT/cli.json"
for rows in 10000 100000 1000000; do
  "$ROOT/target/release/examples/hunan_csv" "$rows" > "$tmp/units.csv"
  /usr/bin/time -f '%e %M' -o "$tmp/time" "$ROOT/target/release/jixiao" batch --system hunan-dept \
    --input "$tmp/units.csv" --out "$tmp/out.csv" > /dev/null
  read -r seconds peak < "$tmp/time"
  echo "  $rows rows: $seconds s, peak $peak KiB"
  [ $first = 1 ] || printf ',' >> "$OUT/cli.json"
  first=0
  printf '{"rows": %d, "seconds": %s, "peak_kib": %d}' "$rows" "$seconds" "$peak" >> "$OUT/cli.json"
done
printf ']\n' >> "$OUT/cli.json"

if [ -x target/python-ci/bin/python ]; then
  echo "== Python (bindings/python/bench.py)"
  # Workload W's generator and seed (benches/src/hunan.rs, seed 2024), 100 000 rows.
  "$ROOT/target/release/examples/hunan_csv" 100000 2024 > "$tmp/w.csv"
  target/python-ci/bin/python bindings/python/bench.py --json --units-csv "$tmp/w.csv" | tee "$tmp/python.log"
  tail -n 1 "$tmp/python.log" > "$OUT/python.json"
else
  echo "== Python: skipped (no target/python-ci: run make test-python first)"
fi

if [ -f bindings/wasm/out/pkg/jixiao_wasm_bg.wasm ] && command -v node > /dev/null; then
  echo "== Node (bindings/wasm/bench.mjs)"
  JIXIAO_BENCH_JSON="$OUT/node.json" node bindings/wasm/bench.mjs
else
  echo "== Node: skipped (no bindings/wasm/out/pkg: run make test-wasm first)"
fi

echo
python3 benches/report.py | tee "$OUT/table.txt"
