"""Scale-out: the same units scored through Spark's ``mapInArrow`` (local mode, several partitions),
through Polars (a DataFrame, and a LazyFrame's ``map_batches`` on the streaming engine) and through
the single-machine Arrow batch give the same table: every indicator's score (subtotals included)
and the total as decimals with the same places, the grade, and the located error of each bad row."""

from __future__ import annotations

import os
import sys
from decimal import Decimal
from typing import Any, Iterator

import pytest

import jixiao
import jixiao.polars
import jixiao.spark

pa = pytest.importorskip("pyarrow")
pl = pytest.importorskip("polars")
pyspark = pytest.importorskip("pyspark")

from test_batch_fast import IDS, SYSTEM, arrow_table, varied_units  # noqa: E402

ID = "部门"


def units_table(n: int, seed: int, chunk: int) -> Any:
    """Varied hunan-dept units (scoring ones, optional inputs left out, required ones missing,
    invalid cells, units failing while scoring) as a typed Arrow table with an id column."""
    table = arrow_table(varied_units(n, seed=seed), chunk=chunk)
    return table.append_column(ID, pa.array([f"单位{k:04d}" for k in range(n)], pa.string()))


def by_id(table: Any) -> dict[str, dict[str, Any]]:
    rows = table.to_pylist()
    out = {r[ID]: r for r in rows}
    assert len(out) == len(rows)
    return out


def same_rows(got: Any, expected: Any, columns: list[str]) -> None:
    """Row by row (by id): every column equal, decimals with the same digits and places."""
    a, b = by_id(got), by_id(expected)
    assert a.keys() == b.keys()
    for key, row in b.items():
        other = a[key]
        for c in columns:
            x, y = other[c], row[c]
            if isinstance(y, Decimal):
                assert isinstance(x, Decimal) and str(x) == str(y), (key, c, x, y)
            else:
                assert x == y, (key, c, x, y)


def assert_varied(reference: Any) -> None:
    """The units exercise both outcomes, and every error says where: the input (by its Chinese
    name) or the indicator (by its name or id) it is about."""
    errors = [e for e in reference.column("error").to_pylist() if e is not None]
    assert reference.num_rows // 10 < len(errors) < reference.num_rows // 2
    names = [i.name for i in SYSTEM.inputs] + [i.name for i in SYSTEM.walk()]
    places = names + [f"指标 {i}" for i in IDS] + [f"indicator `{i}`" for i in IDS]  # zh, en
    assert all(any(p in e for p in places) for e in errors), [e for e in errors if not any(p in e for p in places)]


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    from pyspark.sql import SparkSession

    # The Python workers run this interpreter, where jixiao is installed.
    os.environ["PYSPARK_PYTHON"] = sys.executable
    session = (
        SparkSession.builder.master("local[2]")
        .appName("jixiao-test-scaleout")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.mark.parametrize("lang", [None, "en"])
def test_spark_map_in_arrow_equals_the_arrow_batch(spark: Any, lang: str | None) -> None:
    from pyspark.sql import functions as F
    from pyspark.sql import types as T

    table = units_table(600, seed=21, chunk=128)
    explain = lang is not None
    reference = SYSTEM.evaluate_batch(table, id_column=ID, output="arrow", explain=explain, lang=lang or "zh")
    assert_varied(reference)

    df = spark.createDataFrame(table).repartition(4)
    assert df.rdd.getNumPartitions() == 4
    scores = jixiao.spark.score(df, SYSTEM, id_column=ID, explain=explain, lang=lang or "zh")

    # The schema is known before any job runs: decimals for every figure, never a float.
    fields = {f.name: f.dataType for f in scores.schema.fields}
    assert list(fields) == reference.column_names
    assert all(fields[i] == T.DecimalType(38, 2) for i in [*IDS, "total"])
    assert not any(isinstance(t, (T.DoubleType, T.FloatType)) for t in fields.values())

    # Scored in several partitions (tasks), by the executors' Python workers: one job.
    with_part = scores.withColumn("__partition", F.spark_partition_id()).toArrow()
    assert len(set(with_part.column("__partition").to_pylist())) > 1
    got = with_part.drop_columns(["__partition"])
    assert got.num_rows == table.num_rows
    assert got.schema.field("total").type == pa.decimal128(38, 2)
    same_rows(got, reference, reference.column_names)


def test_spark_sums_exactly(spark: Any) -> None:
    """A warehouse aggregate of the scores stays decimal: Spark's sum of the totals is the exact
    sum of the batch's totals."""
    from pyspark.sql import functions as F

    table = units_table(300, seed=22, chunk=100)
    reference = SYSTEM.evaluate_batch(table, id_column=ID, output="arrow")
    expected = sum((t for t in reference.column("total").to_pylist() if t is not None), Decimal(0))
    scores = jixiao.spark.score(spark.createDataFrame(table).repartition(3), SYSTEM, id_column=ID)
    row = scores.agg(F.sum("total").alias("s"), F.count("error").alias("bad")).collect()[0]
    assert isinstance(row["s"], Decimal) and row["s"] == expected
    assert row["bad"] == sum(e is not None for e in reference.column("error").to_pylist())


def test_spark_unknown_column_fails_on_the_driver(spark: Any) -> None:
    """A column that is not an input, the id, nor ignored fails when the plan is made, with
    evaluate_batch's message; ignore=[...] lets it through."""
    table = units_table(20, seed=23, chunk=20).append_column("备注", pa.array(["x"] * 20))
    df = spark.createDataFrame(table)
    with pytest.raises(jixiao.JixiaoError, match="备注"):
        jixiao.spark.score(df, SYSTEM, id_column=ID)
    scores = jixiao.spark.score(df, SYSTEM, id_column=ID, ignore=["备注"])
    reference = SYSTEM.evaluate_batch(table, id_column=ID, ignore=["备注"], output="arrow")
    same_rows(scores.toArrow(), reference, reference.column_names)


def test_batch_function_without_spark() -> None:
    """The function mapInArrow is given is evaluate_batch per record batch, rows in order."""
    table = units_table(250, seed=24, chunk=60)
    function = jixiao.spark.batch_function(SYSTEM, id_column=ID)
    out = pa.Table.from_batches(list(function(iter(table.to_batches()))))
    reference = SYSTEM.evaluate_batch(table, id_column=ID, output="arrow")
    assert out.schema == jixiao.spark.result_schema(SYSTEM, table.schema, id_column=ID) == reference.schema
    assert out.to_pylist() == reference.to_pylist()


@pytest.mark.parametrize("lazy", [False, True])
def test_polars_equals_the_arrow_batch(lazy: bool) -> None:
    table = units_table(500, seed=25, chunk=120)
    reference = SYSTEM.evaluate_batch(table, id_column=ID, output="arrow", explain=True)
    assert_varied(reference)
    frame = pl.from_arrow(table, rechunk=False)
    assert isinstance(frame, pl.DataFrame) and frame.n_chunks() > 1
    if lazy:
        scored_lazy = jixiao.polars.score(frame.lazy(), SYSTEM, id_column=ID, explain=True)
        assert isinstance(scored_lazy, pl.LazyFrame)
        schema = scored_lazy.collect_schema()
        assert all(schema[i] == pl.Decimal(38, 2) for i in [*IDS, "total"])
        # Downstream steps of the same plan see the scores.
        good = scored_lazy.filter(pl.col("error").is_null()).collect(engine="streaming")
        assert good.height == sum(e is None for e in reference.column("error").to_pylist())
        scored = scored_lazy.collect(engine="streaming")
    else:
        scored = jixiao.polars.score(frame, SYSTEM, id_column=ID, explain=True)
    assert isinstance(scored, pl.DataFrame)
    got = scored.to_arrow()
    assert got.schema.field("total").type == pa.decimal128(38, 2)
    assert got.column(ID).to_pylist() == reference.column(ID).to_pylist()  # in order
    same_rows(got, reference, reference.column_names)


def test_polars_unknown_column() -> None:
    frame = pl.from_arrow(units_table(10, seed=26, chunk=10)).with_columns(pl.lit("x").alias("备注"))
    with pytest.raises(jixiao.JixiaoError, match="备注"):
        jixiao.polars.score(frame.lazy(), SYSTEM, id_column=ID)
    with pytest.raises(TypeError):
        jixiao.polars.score(frame.to_arrow(), SYSTEM)
