#!/usr/bin/env python3
"""Prints the performance table of BENCHMARKS.md from the results of one `make bench` run.

Reads criterion's estimates (target/criterion and benches/peer-zen/target/criterion), the Python
and Node bench results and the CLI batch measurements that `make bench` leaves in target/bench/,
and prints every target of the performance issue as a ratio measured in that run, with the
machine it ran on. Reads only; runs nothing. A figure that is missing (a stage that was skipped)
is shown as such, never guessed.
"""

import json
import os
import platform
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CRITERION_DIRS = [ROOT / "target" / "criterion", ROOT / "benches" / "peer-zen" / "target" / "criterion"]
BENCH_DIR = ROOT / "target" / "bench"


def run_info():
    """The run that `benches/run.sh` tagged (target/bench/run.json), or None."""
    try:
        return json.loads((BENCH_DIR / "run.json").read_text())
    except (OSError, ValueError):
        return None


def criterion_medians(started):
    """{(group, function, parameter): median ns per iteration}, from this run only: an estimate
    written before the run started (`started`, seconds since the epoch) is stale and left out."""
    out = {}
    for base in CRITERION_DIRS:
        if not base.is_dir():
            continue
        for meta in base.glob("**/new/benchmark.json"):
            try:
                if started is not None and (meta.parent / "estimates.json").stat().st_mtime < started:
                    continue
                b = json.loads(meta.read_text())
                est = json.loads((meta.parent / "estimates.json").read_text())
            except (OSError, ValueError):
                continue
            key = (b.get("group_id"), b.get("function_id"), b.get("value_str"))
            out[key] = est["median"]["point_estimate"]
    return out


def load_json(name, started=None):
    path = BENCH_DIR / name
    try:
        if started is not None and path.stat().st_mtime < started:
            return None
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


def machine():
    cpu = platform.processor() or "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    rustc = subprocess.run(["rustc", "--version"], capture_output=True, text=True).stdout.strip()
    return f"{cpu}, {os.cpu_count()} cores, {platform.system()} {platform.release()}; {rustc}"


def fmt_ns(ns):
    if ns is None:
        return "—"
    if ns >= 1e6:
        return f"{ns / 1e6:.2f} ms"
    if ns >= 1e3:
        return f"{ns / 1e3:.2f} µs"
    return f"{ns:.0f} ns"


def main():
    run = run_info()
    started = None if run is None else run.get("started")
    m = criterion_medians(started)

    def get(group, function, value=None, per=1):
        ns = m.get((group, function, value))
        return None if ns is None else ns / per

    rows = []

    def row(target, measured, ratio, goal, ok):
        verdict = "—" if ok is None else ("met" if ok else "NOT met")
        rows.append((target, measured, "—" if ratio is None else f"{ratio:.2f}×", goal, verdict))

    def ratio(a, b):
        return None if a is None or b is None or b == 0 else a / b

    # 1. Against hand-written Rust (per unit, 1 000 units per iteration).
    hand = get("handwritten", "hunan-dept/score_by_hand", per=1000)
    score = get("handwritten", "hunan-dept/engine score_into", per=1000)
    evaluate = get("handwritten", "hunan-dept/engine evaluate", per=1000)
    r = ratio(score, hand)
    row("1. engine scores vs hand-written Rust", f"{fmt_ns(score)} vs {fmt_ns(hand)}", r, "≤ 1.5×", None if r is None else r <= 1.5)
    tuned = get("handwritten", "hunan-dept/score_by_hand tuned", per=1000)
    r = ratio(score, tuned)
    row("   engine scores vs tuned hand-written (the limit)", f"{fmt_ns(score)} vs {fmt_ns(tuned)}", r, "(for reference)", None)
    walk = get("handwritten", "hunan-dept/engine tree walk (reference)", per=1000)
    r = ratio(walk, score)
    row("   tree walk (the reference) vs compiled program", f"{fmt_ns(walk)} vs {fmt_ns(score)}", r, "(for reference)", None)
    named = get("handwritten", "hunan-dept/engine prepare + score_into", per=1000)
    r = ratio(named, hand)
    row("   engine from named inputs vs hand-written", f"{fmt_ns(named)} vs {fmt_ns(hand)}", r, "≤ 2×", None if r is None else r <= 2)
    r2 = ratio(evaluate, hand)
    row("   engine full evaluate vs hand-written", f"{fmt_ns(evaluate)} vs {fmt_ns(hand)}", r2, "(for reference)", None)

    # 2. Against the peer engine (ZEN), each charged alike (benches/peer-zen/benches/peer.rs). ZEN
    # computes the scores only: jixiao's like-for-like is its scores-only path.
    pair = lambda name: get("hunan-dept", name, per=1000)
    zen_typed, jx_typed = pair("zen evaluate from the typed unit"), pair("jixiao typed fill + score_into")
    r = ratio(zen_typed, jx_typed)
    row("2. ZEN vs jixiao, each from its natural typed input", f"{fmt_ns(zen_typed)} vs {fmt_ns(jx_typed)}", r, "≥ 20×", None if r is None else r >= 20)
    zen_named, jx_named = pair("zen evaluate from the unit"), pair("jixiao prepare + score_into")
    r = ratio(zen_named, jx_named)
    row("   ZEN vs jixiao, both from name-keyed inputs", f"{fmt_ns(zen_named)} vs {fmt_ns(jx_named)}", r, "≥ 20×", None if r is None else r >= 20)
    zen_bare, jx_prepared = pair("zen without schema, prebuilt request"), pair("jixiao score_into prepared")
    r = ratio(zen_bare, jx_prepared)
    row("   ZEN vs jixiao, both pre-validated", f"{fmt_ns(zen_bare)} vs {fmt_ns(jx_prepared)}", r, "(for reference)", None)
    zen_json, jx_full = pair("zen evaluate from prebuilt JSON"), pair("jixiao evaluate")
    r = ratio(zen_json, jx_full)
    row("   ZEN from JSON vs jixiao full evaluate (+explanation data)", f"{fmt_ns(zen_json)} vs {fmt_ns(jx_full)}", r, "(for reference)", None)
    stage = lambda name: get("hunan-dept stages", name, per=1000)
    parts = [
        ("jixiao typed fill", "jixiao typed fill + finish"),
        ("jixiao prepare", "jixiao prepare"),
        ("ZEN typed→Variable", "zen typed unit to Variable"),
        ("ZEN named→Variable", "zen named inputs to Variable"),
        ("ZEN JSON→Variable", "zen JSON to Variable"),
        ("ZEN deep clone", "zen deep_clone of a request"),
        ("ZEN evaluate", "zen evaluate with schema, prebuilt request"),
    ]
    for label, name in parts:
        row(f"   stage: {label}", fmt_ns(stage(name)), None, "(for reference)", None)

    # 3. Batch scaling.
    small = get("batch", "all cores", "1000", per=1000)
    large = get("batch", "all cores", "1000000", per=1_000_000)
    r = ratio(large, small)
    row("3. batch per unit, 1M vs 1k units", f"{fmt_ns(large)} vs {fmt_ns(small)}", r, "within 1.2×", None if r is None else 1 / 1.2 <= r <= 1.2)
    one = get("batch", "one thread", "1000000", per=1_000_000)
    r = ratio(one, large)
    row("   all cores vs one thread (1M units)", f"{fmt_ns(large)} vs {fmt_ns(one)}", r, f"≥ 1.8× on 2 cores ({os.cpu_count()} here)", None if r is None else r >= 1.8)
    cli = load_json("cli.json", started)
    if cli:
        runs = sorted(cli, key=lambda c: c["rows"])
        lo, hi = runs[0], runs[-1]
        per_lo = lo["seconds"] / lo["rows"] * 1e9
        per_hi = hi["seconds"] / hi["rows"] * 1e9
        row(f"   CLI streamed CSV, time per row {hi['rows']:,} vs {lo['rows']:,}", f"{fmt_ns(per_hi)} vs {fmt_ns(per_lo)}", per_hi / per_lo, "flat", None)
        mem = ", ".join(f"{c['rows']:,}: {c['peak_kib'] / 1024:.1f} MiB" for c in runs)
        row("   CLI streamed CSV, peak memory", mem, hi["peak_kib"] / lo["peak_kib"], "flat (not × rows)", hi["peak_kib"] < 2 * lo["peak_kib"])

    # 4. Python.
    py = load_json("python.json", started)
    if py:
        for key, label, goal, limit, higher in [
            ("arrow_speedup", "4. Python batch from pyarrow vs pure Python", "≥ 30×", 30, True),
            ("pandas_speedup", "   Python batch from pandas vs pure Python", "≥ 20×", 20, True),
            ("arrow_speedup_one_thread", "   pyarrow vs pure Python, one thread each", "(for reference)", None, True),
            ("arrow_speedup_cpu", "   pyarrow vs pure Python, CPU time", "(for reference)", None, True),
            ("single_vs_native", "   Python evaluate() vs native evaluate", "< 3×", 3, False),
        ]:
            v = py.get(key)
            ok = None if v is None or limit is None else (v >= limit if higher else v < limit)
            row(label, "", v, goal, ok)
    else:
        row("4. Python", "not run (build the wheel: make test-python)", None, "", None)

    # 5. WASM in Node.
    node = load_json("node.json", started)
    if node:
        r = ratio(node.get("wasm_score_ns"), node.get("native_score_ns"))
        row("5. Node (wasm) score vs native, same code", f"{fmt_ns(node.get('wasm_score_ns'))} vs {fmt_ns(node.get('native_score_ns'))}", r, "≤ 3×", None if r is None else r <= 3)
        r = ratio(node.get("wasm_json_ns"), node.get("native_json_ns"))
        row("   Node (wasm) evaluate + JSON vs native", f"{fmt_ns(node.get('wasm_json_ns'))} vs {fmt_ns(node.get('native_json_ns'))}", r, "≤ 3×", None if r is None else r <= 3)
    else:
        row("5. Node", "not run (build the package: make test-wasm)", None, "", None)

    # 6. Load and explanations.
    load = get("load", "hunan-dept")
    row("6. load hunan-dept (parse+validate+compile)", fmt_ns(load), None, "< 1 ms", None if load is None else load < 1e6)
    plain = get("explain", "evaluate", per=1000)
    explained = get("explain", "evaluate + explain zh", per=1000)
    r = ratio(explained, plain)
    row("   evaluate + explanation vs evaluate", f"{fmt_ns(explained)} vs {fmt_ns(plain)}", r, "≤ 3×", None if r is None else r <= 3)

    # A verdict needs the whole run: every figure present, full measurement times, one tagged run.
    partial = run is None or run.get("quick") or any(r[1].startswith("not run") for r in rows) or any(
        "—" in r[1] and r[3] not in ("(for reference)", "") for r in rows
    )
    if partial:
        why = (
            "no tagged run (target/bench/run.json: run `make bench`)"
            if run is None
            else "a smoke run (JIXIAO_BENCH_QUICK=1)"
            if run.get("quick")
            else "some stages did not run or left no figure"
        )
        rows = [(t, meas, rat, goal, "(not judged)" if v in ("met", "NOT met") else v) for t, meas, rat, goal, v in rows]

    print(f"jixiao benchmarks — {machine()}")
    if run is not None:
        print(f"run {run.get('id')}{' (quick)' if run.get('quick') else ''}")
    if partial:
        print(f"no verdicts: {why}")
    widths = [max(len(str(x[i])) for x in rows + [("target", "measured", "ratio", "goal", "")]) for i in range(5)]
    header = ("target", "measured", "ratio", "goal", "")
    for line in [header] + rows:
        print("  ".join(str(c).ljust(w) for c, w in zip(line, widths)).rstrip())
    return 0


if __name__ == "__main__":
    sys.exit(main())
