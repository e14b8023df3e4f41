"""Benchmarks of the Python package, each a ratio measured in this run on this machine.

    python bindings/python/bench.py [--units 100000] [--wheel PATH] [--json]

- wheel size and import time;
- single evaluation from Python (``system.evaluate(dict)``) against the native ``Scorer::evaluate`` of
  the same inputs, timed inside Rust (``jixiao._jixiao._native_evaluate_seconds``);
- batch throughput for N units (default 100 000) of the ``hunan-dept`` built-in from a pandas
  DataFrame and from a pyarrow Table, against a pure-Python implementation of the same scoring with
  ``decimal`` written as a good analyst would (constants built once, results not copied; below), run
  on the same units, results cross-checked. Both sides are timed best of 3; the ratios are given on
  the machine's cores (wall clock), on one thread (the batch in a child process with
  ``RAYON_NUM_THREADS=1``) and in CPU time (all threads). With ``--units-csv`` the units are workload
  W's own (``make bench`` writes them with ``benches/examples/hunan_csv``), read with
  ``pandas.read_csv`` as an analyst would read the sheet.

Ends with one table of the ratios against their targets (single call < 3× native; batch ≥ 30×
plain Python from a pyarrow Table, ≥ 15× from a pandas DataFrame) and the cross-check; with
``--json``, the same figures as one JSON object on the last line, for scripts.

No assertion on any timing: the script prints, people read.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import time
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pandas as pd
import pyarrow as pa

import jixiao
from jixiao._jixiao import _native_evaluate_seconds

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]

# ----------------------------------------------------------------------------------------------
# hunan-dept in plain Python, with decimal: what a careful analyst would write without the engine.

D = Decimal
ZERO, ONE = D(0), D(1)
CENT = D("0.01")
SPLIT = re.compile(r"[、,，;；\n]")
LEVEL_SCORE = re.compile(r"^(.*?)\s*[:：(（]?\s*([0-9.]+)?\s*分?\s*[)）]?$")


def dec(v: Any) -> Decimal:
    if isinstance(v, Decimal):
        return v
    if isinstance(v, bool):
        raise ValueError("a bool is not a number")
    if isinstance(v, int):
        return D(v)
    if isinstance(v, float):
        if v != v:
            raise ValueError("NaN")
        return D(repr(v))
    s = str(v).strip().replace(",", "")
    if s.endswith("%"):
        return D(s[:-1]) / 100
    return D(s)


NONE = {"无", "-", "—", "／"}


def items(v: Any) -> set[str]:
    if isinstance(v, str):
        if v.strip() in NONE:
            return set()
        return {x.strip() for x in SPLIT.split(v) if x.strip()}
    return set(v)


def step(points: Decimal, value: Decimal, above: bool, threshold: Decimal, size: Decimal, deduct: Decimal,
         whole: bool) -> Decimal:
    gap = value - threshold if above else threshold - value
    if gap < 0:
        gap = ZERO
    steps = gap / size
    if whole:
        steps = steps.to_integral_value(rounding=ROUND_FLOOR)
    return points - min(steps * deduct, points)


def rate(points: Decimal, v: Decimal) -> Decimal:
    return points * min(max(v, ZERO), ONE)


def checklist(points: Decimal, given: Any, allowed: list[str]) -> Decimal:
    chosen = items(given)
    if not chosen <= set(allowed):
        raise ValueError(f"unknown items {chosen - set(allowed)}")
    return min(D(len(chosen)), points)


BANDS = {"达成": (D("0.8"), ONE, True, ONE), "部分达成": (D("0.5"), D("0.8"), False, None),
         "未达成": (ZERO, D("0.5"), False, None)}


def benefit(points: Decimal, v: Any) -> Decimal:
    """达成 [80%, 100%] default 100%; 部分达成 [50%, 80%); 未达成 [0, 50%): a score must be given."""
    m = LEVEL_SCORE.match(str(v).strip())
    name, given = (m.group(1), m.group(2)) if m else (str(v), None)
    low, high, high_inclusive, default = BANDS[name]
    if given is None:
        if default is None:
            raise ValueError(f"level {name} needs a score")
        return points * default
    score = D(given)
    share = score / points
    if share < low or share > high or (share == high and not high_inclusive):
        raise ValueError(f"score {score} outside the band of {name}")
    return score


BUDGET_RULES = ["已制定或具有相关管理制度", "相关管理制度合法合规完整", "相关管理制度得到有效执行"]
DISCLOSURE = ["公开部门预算", "公开部门决算", "公开“三公经费”", "按规定时限公开"]
ASSET_RULES = BUDGET_RULES
QUALITY = {"完善": ONE, "基本完善": D("0.6"), "不完善": ZERO}


# The figures of the table, built once (not for every unit).
P2, P3, P4, P5, P8 = D(2), D(3), D(4), D(5), D(8)
HALF, POINT_8, POINT_1, POINT_2, POINT_3 = D("0.5"), D("0.8"), D("0.1"), D("0.2"), D("0.3")
PCT_5, PCT_90 = D("0.05"), D("0.9")


def score_unit(u: dict[str, Any]) -> dict[str, Any]:
    """One department's scores by indicator id, total and grade (hunan-dept)."""
    g = lambda name, default=None: dec(u[name]) if u.get(name) is not None else dec(default)  # noqa: E731
    s: dict[str, Decimal] = {}
    s["1.1.1"] = step(P5, g("在职人员数") / g("编制数"), True, ONE, CENT, HALF, False)
    this, last = g("本年三公经费预算数"), g("上年三公经费预算数")
    change = (ZERO if this == 0 else ONE) if last == 0 else (this - last) / last
    s["1.1.2"] = step(P8, change, True, ZERO, CENT, POINT_8, False)
    carried, budget, added, left = g("上年结转"), g("年初预算"), g("本年追加"), g("年末结余")
    available = carried + budget + added
    done = (available - left) / available
    if not ZERO <= done <= ONE:
        raise ValueError(f"预算完成率 {done} outside [0, 1]")
    s["2.1.1"] = step(P5, done, False, ONE, PCT_5, P2, True)
    control = added / budget
    s["2.1.2"] = (P5 if control == 0 else P4 if control <= POINT_1 else P3 if control <= POINT_2
                  else P2 if control <= POINT_3 else ZERO)
    if u.get("有新建楼堂馆所项目") in (True, "是", "true"):
        s["2.1.3"] = step(P5, g("楼堂馆所实际面积", 0) / g("楼堂馆所批准面积", 0), True, ONE, PCT_5, P2, True)
        s["2.1.4"] = step(P5, g("楼堂馆所实际投资", 0) / g("楼堂馆所批准概算", 0), True, ONE, PCT_5, P2, True)
    else:
        s["2.1.3"] = s["2.1.4"] = P5
    s["2.2.1"] = step(P5, g("公用经费实际支出数") / g("公用经费预算数"), True, ONE, CENT, HALF, False)
    planned, spent = g("本年三公经费预算数"), g("本年三公经费实际支出数")
    control3 = (ZERO if spent == 0 else P2) if planned == 0 else spent / planned
    s["2.2.2"] = step(P5, control3, True, ONE, CENT, HALF, False)
    procurement = g("政府采购预算数", 0)
    s["2.2.3"] = (P5 if procurement == 0
                  else step(P5, abs(g("政府采购实际金额", 0) / procurement - ONE), True, ZERO, CENT, POINT_1, False))
    s["2.2.4"] = checklist(P3, u["预算管理制度"], BUDGET_RULES)
    s["2.2.5"] = P5 - min(g("违规使用资金事项", 0), P5)
    s["2.2.6"] = checklist(P4, u["预决算公开"], DISCLOSURE)
    s["2.2.7"] = P4 * QUALITY[str(u["基础信息完善程度"]).strip()]
    s["2.3.1"] = checklist(P3, u["资产管理制度"], ASSET_RULES)
    s["2.3.2"] = P3 - min(g("资产管理问题数", 0), P3)
    used = (g("在用固定资产") + g("出租出借固定资产", 0)) / g("固定资产总额")
    s["2.3.3"] = step(P4, used, False, ONE, CENT, POINT_2, False)
    tasks = g("计划工作任务数")
    finished = g("实际完成工作任务数")
    s["3.1.1"] = rate(P4, finished / tasks)
    s["3.1.2"] = rate(P4, g("按时完成工作任务数") / tasks)
    s["3.1.3"] = rate(P4, ZERO if finished == 0 else g("质量达标工作任务数") / finished)
    key = g("重点工作数", 0)
    s["3.1.4"] = P4 if key == 0 else rate(P4, g("重点工作办结数", 0) / key)
    for i, name in (("4.1.1", "经济效益"), ("4.1.2", "社会效益"), ("4.1.3", "生态效益")):
        # 生态效益 does not apply (full points) to a department whose duties have none.
        relevant = name != "生态效益" or u.get("涉及生态效益") not in (False, "否", "false")
        s[i] = benefit(P2, u[name]) if relevant else P2
    s["4.1.4"] = step(P4, g("满意度"), False, PCT_90, CENT, POINT_2, False)
    # Each leaf as the table states it (to 0.01, half up); the parents add the stated leaves (表内合计).
    for k, v in s.items():
        s[k] = v.quantize(CENT, rounding=ROUND_HALF_UP)
    s["1.1"] = s["1.1.1"] + s["1.1.2"]
    s["1"] = s["1.1"]
    s["2.1"] = s["2.1.1"] + s["2.1.2"] + s["2.1.3"] + s["2.1.4"]
    s["2.2"] = sum((s[f"2.2.{k}"] for k in range(1, 8)), ZERO)
    s["2.3"] = s["2.3.1"] + s["2.3.2"] + s["2.3.3"]
    s["2"] = s["2.1"] + s["2.2"] + s["2.3"]
    s["3.1"] = s["3.1.1"] + s["3.1.2"] + s["3.1.3"] + s["3.1.4"]
    s["3"] = s["3.1"]
    s["4.1"] = s["4.1.1"] + s["4.1.2"] + s["4.1.3"] + s["4.1.4"]
    s["4"] = s["4.1"]
    total = (s["1"] + s["2"] + s["3"] + s["4"]).quantize(CENT, rounding=ROUND_HALF_UP)
    grade = "优" if total >= 90 else "良" if total >= 80 else "中" if total >= 60 else "差"
    s["total"], s["grade"] = total, grade  # type: ignore[assignment]
    return s


def score_records(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for r in records:
        try:
            out.append(score_unit(r))
        except (ArithmeticError, ValueError, KeyError) as e:
            out.append({"error": str(e)})
    return out


# ----------------------------------------------------------------------------------------------
# Data: N departments as a spreadsheet holds them (amounts with two decimals, read as float64;
# counts as integers; levels and checklists as text).


def departments(n: int, seed: int = 2024) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    cents = lambda low, high: rng.integers(int(low * 100), int(high * 100), n) / 100  # noqa: E731
    budget = cents(500, 5000)
    staff = rng.integers(20, 120, n)

    def pick(choices: list[str], p: list[float]) -> np.ndarray:
        return rng.choice(np.array(choices, dtype=object), n, p=p)

    def subset(all_items: list[str]) -> list[str]:
        keep = rng.random((n, len(all_items))) < 0.9
        return ["、".join([x for x, k in zip(all_items, row) if k] or all_items[:1]) for row in keep]

    return pd.DataFrame({
        "编制数": staff,
        "在职人员数": staff + rng.choice([0, 0, 0, 1, 2, -1], n),
        "本年三公经费预算数": cents(10, 80),
        "上年三公经费预算数": cents(10, 80),
        "本年三公经费实际支出数": cents(5, 85),
        "上年结转": cents(0, 1500),
        "年初预算": budget,
        "本年追加": np.round(budget * rng.choice([0.0, 0.08, 0.25, 0.5], n), 2),
        "年末结余": cents(0, 400),
        "有新建楼堂馆所项目": rng.random(n) < 0.05,
        "楼堂馆所批准面积": np.full(n, 1000.0),
        "楼堂馆所实际面积": cents(900, 1200),
        "楼堂馆所批准概算": np.full(n, 500.0),
        "楼堂馆所实际投资": cents(450, 600),
        "公用经费预算数": np.round(budget * 0.2, 2),
        "公用经费实际支出数": np.round(budget * 0.2 * rng.uniform(0.85, 1.1, n), 2),
        "政府采购预算数": rng.choice([0.0, 100.0, 250.0], n),
        "政府采购实际金额": cents(80, 250),
        "预算管理制度": subset(BUDGET_RULES),
        "违规使用资金事项": rng.choice([0, 0, 0, 1, 2], n),
        "预决算公开": subset(DISCLOSURE),
        "基础信息完善程度": pick(["完善", "基本完善", "不完善"], [0.7, 0.2, 0.1]),
        "资产管理制度": subset(ASSET_RULES),
        "资产管理问题数": rng.choice([0, 0, 1], n),
        "固定资产总额": np.round(budget * 2, 2),
        "在用固定资产": np.round(budget * 2 * rng.uniform(0.85, 1.0, n), 2),
        "出租出借固定资产": np.zeros(n),
        "计划工作任务数": np.full(n, 10),
        "实际完成工作任务数": rng.integers(7, 11, n),
        "按时完成工作任务数": rng.integers(6, 11, n),
        "质量达标工作任务数": rng.integers(6, 11, n),
        "重点工作数": rng.choice([0, 5], n),
        "重点工作办结数": rng.integers(3, 6, n),
        "经济效益": pick(["达成", "部分达成:1.5", "达成:1.8"], [0.6, 0.3, 0.1]),
        "社会效益": pick(["达成", "部分达成（1.2分）"], [0.8, 0.2]),
        "生态效益": pick(["达成", "未达成:0.5"], [0.9, 0.1]),
        "满意度": np.round(rng.uniform(0.75, 1.0, n), 4),
    })


# ----------------------------------------------------------------------------------------------


def load_units(csv: Path | None, n: int) -> pd.DataFrame:
    """W's units from `csv` (its 单位 column dropped: the engine takes it as the unit's name), or
    `n` generated departments."""
    if csv is None:
        return departments(n)
    return pd.read_csv(csv).drop(columns=["单位"], errors="ignore")


def single_thread_batch(csv: Path | None, n: int) -> tuple[float, float]:
    """The batch's best-of-3 seconds on one thread (pandas, pyarrow), from a child process whose
    rayon pool has one thread."""
    cmd = [sys.executable, __file__, "--one-thread-batch", "--units", str(n)]
    if csv is not None:
        cmd += ["--units-csv", str(csv)]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True,
                         env={**os.environ, "RAYON_NUM_THREADS": "1"})
    pandas_s, arrow_s = json.loads(out.stdout.strip().splitlines()[-1])
    return pandas_s, arrow_s


def best_of(runs: int, f: Callable[[], Any]) -> tuple[float, Any]:
    best, _, result = timed(runs, f)
    return best, result


def timed(runs: int, f: Callable[[], Any]) -> tuple[float, float, Any]:
    """The best wall-clock seconds of `runs` calls, the process CPU seconds (all threads) of that
    call, and the last result. CPU seconds do not depend on other work on the machine as much."""
    best, cpu, result = float("inf"), float("inf"), None
    for _ in range(runs):
        gc.collect()
        c = time.process_time()
        t = time.perf_counter()
        result = f()
        wall = time.perf_counter() - t
        if wall < best:
            best, cpu = wall, time.process_time() - c
    return best, cpu, result


def cross_check(engine: Any, plain: list[dict[str, Any]], ids: list[str]) -> str:
    """Totals and grades must be equal; scores must agree to 20 decimal places (the engine keeps up
    to 28 decimal places, Python's decimal 28 significant digits: a non-terminating quotient may
    differ in its last digit)."""
    rows = engine.to_dict("records") if isinstance(engine, pd.DataFrame) else engine.to_pylist()
    assert len(rows) == len(plain)
    exact = close = 0
    q = D("1e-20")
    missing = lambda v: v is None or v is pd.NA or (isinstance(v, float) and v != v)  # noqa: E731
    for r, p in zip(rows, plain):
        if "error" in p:
            assert not missing(r["error"]) and missing(r["total"]), (r, p)
            continue
        assert missing(r["error"]), r["error"]
        assert r["total"] == p["total"] and r["grade"] == p["grade"], (r["total"], p["total"])
        for i in ids:
            if r[i] == p[i]:
                exact += 1
            else:
                assert r[i].quantize(q) == p[i].quantize(q), (i, r[i], p[i])
                close += 1
    return (f"{len(rows)} units: every total and grade equal; {exact} indicator scores equal exactly, "
            f"{close} equal to 20 decimal places")


# Targets: a single call from Python at most this many times the native call; a batch at least
# this many times faster than plain Python.
TARGET_SINGLE = 3.0
TARGET_ARROW = 30.0
TARGET_PANDAS = 20.0


def summary(rows: list[tuple[str, str, str, bool | None]]) -> None:
    """One table: what was measured, the figure, the target and whether it is met."""
    width = max(len(r[0]) for r in rows)
    print(f"  {'':{width}}  {'measured':>12}  {'target':>8}  met")
    for what, figure, target, met in rows:
        mark = "" if met is None else ("yes" if met else "NO")
        print(f"  {what:{width}}  {figure:>12}  {target:>8}  {mark}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--units", type=int, default=100_000)
    ap.add_argument("--wheel", type=Path, default=None, help="the built wheel (default: newest in target/wheels)")
    ap.add_argument("--json", action="store_true", help="also print the ratios as one JSON object on the last line")
    ap.add_argument("--units-csv", type=Path, default=None,
                    help="read the units from this CSV (workload W, written by benches/examples/hunan_csv)")
    ap.add_argument("--one-thread-batch", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    n = args.units
    if args.one_thread_batch:
        # The child of single_thread_batch: rayon's pool was sized from RAYON_NUM_THREADS.
        system = jixiao.IndicatorSystem.builtin("hunan-dept")
        frame = load_units(args.units_csv, n)
        table = pa.Table.from_pandas(frame, preserve_index=False)
        print(json.dumps([best_of(3, lambda: system.evaluate_batch(frame))[0],
                          best_of(3, lambda: system.evaluate_batch(table))[0]]))
        return

    cores = os.cpu_count() or 1
    machine = f"{platform.machine()}, {cores} cores, {platform.platform()}"
    print(f"machine: {machine}")
    load_start = os.getloadavg()
    print(f"load average at start: {load_start[0]:.2f} {load_start[1]:.2f} {load_start[2]:.2f} "
          "(other work on the machine slows every figure)")
    print(f"python {platform.python_version()}, jixiao {jixiao.__version__}, pandas {pd.__version__}, "
          f"pyarrow {pa.__version__}, numpy {np.__version__}")

    wheel = args.wheel
    if wheel is None:
        found = sorted((REPO / "target" / "wheels").glob("jixiao-*.whl"), key=lambda p: p.stat().st_mtime)
        wheel = found[-1] if found else None
    if wheel is not None and wheel.exists():
        print(f"wheel size: {wheel.stat().st_size / 1024:.0f} KiB ({wheel.name})")
    native = Path(jixiao._jixiao.__file__)  # type: ignore[attr-defined]
    print(f"extension module: {native.stat().st_size / 1024:.0f} KiB")

    imports = []
    for _ in range(7):
        out = subprocess.run(
            [sys.executable, "-c", "import time; t = time.perf_counter(); import jixiao; print(time.perf_counter() - t)"],
            capture_output=True, text=True, check=True,
        )
        imports.append(float(out.stdout))
    import_ms = statistics.median(imports) * 1000
    print(f"import time: {import_ms:.1f} ms (median of 7 fresh interpreters)")

    system = jixiao.IndicatorSystem.builtin("hunan-dept")
    unit = system.example_inputs() or {}
    calls = 20000
    per_call = best_of(5, lambda: [system.evaluate(unit) for _ in range(calls)])[0] / calls
    with_total = best_of(5, lambda: [system.evaluate(unit).total for _ in range(calls)])[0] / calls
    native_call = min(_native_evaluate_seconds(system._native, unit, calls) for _ in range(5))
    plain_call = best_of(3, lambda: [score_unit(unit) for _ in range(2000)])[0] / 2000
    print()
    print("single evaluation of the hunan-dept example unit (Decimal/str/int/list inputs, 37 inputs):")
    print(f"  native Scorer::evaluate (timed in Rust):          {native_call * 1e6:8.2f} µs")
    print(f"  system.evaluate(dict) from Python:                {per_call * 1e6:8.2f} µs  "
          f"= {per_call / native_call:.2f}× native")
    print(f"  system.evaluate(dict).total (Decimal out):        {with_total * 1e6:8.2f} µs  "
          f"= {with_total / native_call:.2f}× native")
    print(f"  plain-Python score_unit(dict):                    {plain_call * 1e6:8.2f} µs  "
          f"= {plain_call / per_call:.1f}× system.evaluate")

    frame = load_units(args.units_csv, n)
    n = len(frame)
    table = pa.Table.from_pandas(frame, preserve_index=False)
    ids = [i.id for i in system.walk()]
    print()
    print(f"batch of {n} units of hunan-dept:")
    t_pandas, cpu_pandas, out_pandas = timed(3, lambda: system.evaluate_batch(frame))
    t_arrow, cpu_arrow, out_arrow = timed(3, lambda: system.evaluate_batch(table))
    t_plain_pandas, cpu_plain_pandas, plain = timed(3, lambda: score_records(frame.to_dict("records")))
    t_plain_arrow, cpu_plain_arrow, plain_arrow = timed(3, lambda: score_records(table.to_pylist()))
    t_one_pandas, t_one_arrow = single_thread_batch(args.units_csv, n)
    print("  (wall-clock seconds, best of 3 on each side; CPU seconds of all threads)")
    print(f"  plain Python from pandas (to_dict('records') + decimal): {t_plain_pandas:8.3f} s "
          f"({n / t_plain_pandas:10,.0f} units/s)  cpu {cpu_plain_pandas:6.3f} s")
    print(f"  jixiao evaluate_batch(pandas DataFrame) → DataFrame:     {t_pandas:8.3f} s "
          f"({n / t_pandas:10,.0f} units/s)  cpu {cpu_pandas:6.3f} s  = {t_plain_pandas / t_pandas:.1f}× faster")
    print(f"  plain Python from pyarrow (to_pylist() + decimal):       {t_plain_arrow:8.3f} s "
          f"({n / t_plain_arrow:10,.0f} units/s)  cpu {cpu_plain_arrow:6.3f} s")
    print(f"  jixiao evaluate_batch(pyarrow Table) → Table:            {t_arrow:8.3f} s "
          f"({n / t_arrow:10,.0f} units/s)  cpu {cpu_arrow:6.3f} s  = {t_plain_arrow / t_arrow:.1f}× faster")
    print(f"  jixiao on one thread (RAYON_NUM_THREADS=1): pandas {t_one_pandas:8.3f} s, pyarrow {t_one_arrow:8.3f} s")
    checked = {"pandas": cross_check(out_pandas, plain, ids), "pyarrow": cross_check(out_arrow, plain_arrow, ids)}
    for source, text in checked.items():
        print(f"  cross-check {source + ':':8} {text}")
    load_end = os.getloadavg()
    print(f"load average at end: {load_end[0]:.2f} {load_end[1]:.2f} {load_end[2]:.2f}")

    single_ratio = per_call / native_call
    arrow_ratio = t_plain_arrow / t_arrow
    pandas_ratio = t_plain_pandas / t_pandas
    arrow_one, pandas_one = t_plain_arrow / t_one_arrow, t_plain_pandas / t_one_pandas
    arrow_cpu, pandas_cpu = cpu_plain_arrow / cpu_arrow, cpu_plain_pandas / cpu_pandas
    print()
    print(f"summary ({n} units of hunan-dept; {platform.machine()}, {cores} cores; "
          f"load average {load_start[0]:.2f} at start, {load_end[0]:.2f} at end):")
    summary([
        ("native Scorer::evaluate, per unit", f"{native_call * 1e6:.2f} µs", "", None),
        ("system.evaluate(dict) from Python vs native", f"{single_ratio:.2f}×", f"< {TARGET_SINGLE:g}×",
         single_ratio < TARGET_SINGLE),
        ("evaluate_batch(pyarrow Table) vs plain Python", f"{arrow_ratio:.1f}×", f"≥ {TARGET_ARROW:g}×",
         arrow_ratio >= TARGET_ARROW),
        ("evaluate_batch(pandas DataFrame) vs plain Python", f"{pandas_ratio:.1f}×", f"≥ {TARGET_PANDAS:g}×",
         pandas_ratio >= TARGET_PANDAS),
        ("  on one thread: pyarrow / pandas", f"{arrow_one:.1f}× / {pandas_one:.1f}×", "", None),
        ("  in CPU time: pyarrow / pandas", f"{arrow_cpu:.1f}× / {pandas_cpu:.1f}×", "", None),
        ("cross-check: every total and grade equal", "yes", "", True),
    ])
    if args.json:
        print(json.dumps({
            "units": n,
            "machine": platform.machine(),
            "cores": cores,
            "load_average": [round(load_start[0], 2), round(load_end[0], 2)],
            "import_ms": round(import_ms, 2),
            "native_evaluate_us": round(native_call * 1e6, 3),
            "python_evaluate_us": round(per_call * 1e6, 3),
            "single_vs_native": round(single_ratio, 3),
            "plain_pandas_s": round(t_plain_pandas, 4),
            "batch_pandas_s": round(t_pandas, 4),
            "pandas_speedup": round(pandas_ratio, 2),
            "plain_arrow_s": round(t_plain_arrow, 4),
            "batch_arrow_s": round(t_arrow, 4),
            "arrow_speedup": round(arrow_ratio, 2),
            "one_thread_s": {"batch_pandas": round(t_one_pandas, 4), "batch_arrow": round(t_one_arrow, 4)},
            "arrow_speedup_one_thread": round(arrow_one, 2),
            "pandas_speedup_one_thread": round(pandas_one, 2),
            "arrow_speedup_cpu": round(arrow_cpu, 2),
            "pandas_speedup_cpu": round(pandas_cpu, 2),
            "units_source": "W (hunan_csv)" if args.units_csv else "bench.py departments()",
            "cpu_s": {"plain_pandas": round(cpu_plain_pandas, 4), "batch_pandas": round(cpu_pandas, 4),
                      "plain_arrow": round(cpu_plain_arrow, 4), "batch_arrow": round(cpu_arrow, 4)},
            "cross_check": True,
            "targets": {"single_vs_native": TARGET_SINGLE, "arrow_speedup": TARGET_ARROW,
                        "pandas_speedup": TARGET_PANDAS},
            "met": {"single_vs_native": single_ratio < TARGET_SINGLE, "arrow_speedup": arrow_ratio >= TARGET_ARROW,
                    "pandas_speedup": pandas_ratio >= TARGET_PANDAS},
        }, ensure_ascii=False))


if __name__ == "__main__":
    main()
