"""Throughput per core of the scale-out paths, on the same units, results cross-checked.

    python bindings/python/bench_scaleout.py [--units 100000] [--runs 3]

The units are ``bench.py``'s ``hunan-dept`` departments (the same generator and seed), their money
columns as ``decimal128(18, 2)`` and 满意度 as ``decimal128(18, 4)`` (as a warehouse table holds them; the cast is checked: the Arrow
batch's results equal those of the float table), scored

- by the single-machine Arrow batch: ``system.evaluate_batch(table, output="arrow")``;
- by Polars: ``jixiao.polars.score(frame)`` (a DataFrame) and ``jixiao.polars.score(frame.lazy())``
  collected on the streaming engine (``map_batches``);
- by Spark in local mode with one core (``local[1]``): ``jixiao.spark.score(df)`` (``mapInArrow``)
  written to Spark's ``noop`` sink, from a DataFrame cached in the JVM beforehand (the timing is the
  scoring, not the transfer of the units from this process).

Scoring runs on one thread everywhere (``RAYON_NUM_THREADS=1``, set here before jixiao starts its
pool; Spark's Python workers inherit it): the figure per core is units per second of wall-clock
time, and units per CPU-second of every thread of every process involved (for Spark: the JVM and
its Python workers, read from /proc). Best of ``--runs`` runs each. For scale, Spark's own cost of
the trip is timed too: ``mapInArrow`` of a function that hands the batches back unscored. No
assertion on any timing.
"""

from __future__ import annotations

import os

os.environ.setdefault("RAYON_NUM_THREADS", "1")

import argparse  # noqa: E402
import gc  # noqa: E402
import platform  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any, Callable  # noqa: E402

import pyarrow as pa  # noqa: E402

import jixiao  # noqa: E402
import jixiao.polars  # noqa: E402
import jixiao.spark  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import departments  # noqa: E402

TICKS = os.sysconf("SC_CLK_TCK")


def tree_cpu_seconds(root: int) -> float:
    """CPU seconds of the live processes under `root` (not `root` itself), with what their exited
    children used."""
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as f:
                stat = f.read()
        except OSError:
            continue
        fields = stat[stat.rfind(")") + 2 :].split()
        pid = int(entry)
        parents[pid] = int(fields[1])
        # utime, stime, cutime, cstime: fields 14-17 of stat, 12-15 after the name.
        times[pid] = sum(int(x) for x in fields[11:15]) / TICKS
    total = 0.0
    for pid in times:
        p = parents.get(pid, 0)
        while p not in (0, 1, root):
            p = parents.get(p, 0)
        if p == root:
            total += times[pid]
    return total


def timed(runs: int, f: Callable[[], Any], children: bool = False) -> tuple[float, float, Any]:
    """Best wall-clock seconds of `runs` calls, the CPU seconds of that call (this process, and
    its child processes when `children`), and the last result."""
    best, cpu, result = float("inf"), float("inf"), None
    me = os.getpid()
    for _ in range(runs):
        gc.collect()
        c0 = time.process_time() + (tree_cpu_seconds(me) if children else 0.0)
        t0 = time.perf_counter()
        result = f()
        wall = time.perf_counter() - t0
        c1 = time.process_time() + (tree_cpu_seconds(me) if children else 0.0)
        if wall < best:
            best, cpu = wall, c1 - c0
    return best, cpu, result


def decimal_money(table: pa.Table) -> pa.Table:
    """The float64 columns as decimals: money (to the cent) as decimal128(18, 2), 满意度 (a ratio
    to 4 places) as decimal128(18, 4)."""
    columns = [
        c.cast(pa.decimal128(18, 4 if name == "满意度" else 2)) if pa.types.is_floating(c.type) else c
        for name, c in zip(table.column_names, table.columns)
    ]
    return pa.table(columns, names=table.column_names)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--units", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    n, runs = args.units, args.runs

    import polars as pl
    import pyspark
    from pyspark.sql import SparkSession

    print(f"machine: {platform.machine()}, {os.cpu_count()} cores; load average {os.getloadavg()[0]:.2f}")
    print(f"python {platform.python_version()}, jixiao {jixiao.__version__}, pyarrow {pa.__version__}, "
          f"polars {pl.__version__}, pyspark {pyspark.__version__}; RAYON_NUM_THREADS={os.environ['RAYON_NUM_THREADS']}")

    system = jixiao.IndicatorSystem.builtin("hunan-dept")
    floats = pa.Table.from_pandas(departments(n), preserve_index=False)
    table = decimal_money(floats)
    table = table.append_column("部门", pa.array([f"单位{k:07d}" for k in range(n)]))
    options: dict[str, Any] = {"id_column": "部门"}

    reference = system.evaluate_batch(table, output="arrow", **options)
    from_floats = system.evaluate_batch(floats.append_column("部门", table.column("部门")), output="arrow", **options)
    assert from_floats.equals(reference), "decimal128 money and float money score alike"
    print(f"\n{n} units of hunan-dept ({sum(e is not None for e in reference.column('error').to_pylist())} "
          "with an error); best of", runs)

    rows: list[tuple[str, float, float]] = []

    t, cpu, out = timed(runs, lambda: system.evaluate_batch(table, output="arrow", **options))
    assert out.equals(reference)
    rows.append(("Arrow batch: evaluate_batch(pyarrow Table)", t, cpu))

    frame = pl.from_arrow(table, rechunk=False)
    t, cpu, out = timed(runs, lambda: jixiao.polars.score(frame, system, **options))
    assert out.to_arrow().to_pylist() == reference.to_pylist()
    rows.append(("Polars: jixiao.polars.score(DataFrame)", t, cpu))
    lazy = frame.lazy()
    t, cpu, out = timed(runs, lambda: jixiao.polars.score(lazy, system, **options).collect(engine="streaming"))
    assert out.to_arrow().to_pylist() == reference.to_pylist()
    rows.append(("Polars: score(LazyFrame) streaming (map_batches)", t, cpu))

    os.environ["PYSPARK_PYTHON"] = sys.executable
    spark = (
        SparkSession.builder.master("local[1]")
        .appName("jixiao-bench-scaleout")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.memory", "2g")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    df = spark.createDataFrame(table).cache()
    df.count()
    scores = jixiao.spark.score(df, system, **options)
    t, cpu, _ = timed(runs, lambda: scores.write.format("noop").mode("overwrite").save(), children=True)
    rows.append(("Spark local[1]: jixiao.spark.score → noop sink", t, cpu))
    # Spark's own cost of the same trip (JVM → Arrow → Python worker → Arrow → JVM), nothing scored.
    passthrough = df.mapInArrow(lambda batches: batches, df.schema)
    t, cpu, _ = timed(runs, lambda: passthrough.write.format("noop").mode("overwrite").save(), children=True)
    rows.append(("Spark local[1]: mapInArrow passthrough, no scoring", t, cpu))
    from_spark = scores.toArrow()
    assert sorted(from_spark.to_pylist(), key=lambda r: r["部门"]) == reference.to_pylist()
    spark.stop()

    print("  cross-check: Polars (both) and Spark give the Arrow batch's table, every cell equal")
    print()
    width = max(len(r[0]) for r in rows)
    print(f"  {'':{width}}  {'wall s':>8}  {'units/s (1 core)':>16}  {'CPU s':>7}  {'units/CPU-s':>11}")
    for what, t, cpu in rows:
        print(f"  {what:{width}}  {t:8.3f}  {n / t:16,.0f}  {cpu:7.3f}  {n / cpu:11,.0f}")


if __name__ == "__main__":
    main()
