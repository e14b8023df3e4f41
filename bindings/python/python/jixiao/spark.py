"""Scoring a Spark DataFrame where it lives: ``DataFrame.mapInArrow`` hands each partition's Arrow
record batches to ``IndicatorSystem.evaluate_batch`` on the executors, and its result batches come
back as the rows of a new DataFrame. No scoring code here: the figures are ``evaluate_batch``'s,
``decimal128`` in and out (a Spark ``DecimalType``), never a float.

::

    import jixiao, jixiao.spark
    system = jixiao.IndicatorSystem.builtin("hunan-dept")
    scores = jixiao.spark.score(spark.table("ods.dept_perf_2024"), system, id_column="部门")
    scores.write.saveAsTable("ads.dept_perf_scores_2024")

The executors need the ``jixiao`` package installed (as they need pyarrow for ``mapInArrow``).
``pyspark`` is imported only by ``score`` and ``output_schema``; ``batch_function`` needs neither
Spark nor a driver.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Optional, Sequence

from jixiao._types import Lang

if TYPE_CHECKING:
    import pyarrow

    from jixiao._api import IndicatorSystem

__all__ = ["batch_function", "output_schema", "result_schema", "score"]


def result_schema(
    system: IndicatorSystem,
    input_schema: pyarrow.Schema,
    *,
    id_column: Optional[str] = None,
    ignore: Optional[Sequence[str]] = None,
    explain: bool = False,
) -> pyarrow.Schema:
    """The Arrow schema of ``evaluate_batch``'s results for a table of ``input_schema``: the
    engine's own answer for an empty table of that schema, so that a column that is not an input
    fails here, on the driver, with the message ``evaluate_batch`` gives (``JixiaoError``)."""
    empty = input_schema.empty_table()
    out = system.evaluate_batch(empty, id_column=id_column, ignore=ignore, output="arrow", explain=explain)
    schema: pyarrow.Schema = out.schema
    return schema


def batch_function(
    system: IndicatorSystem,
    *,
    id_column: Optional[str] = None,
    ignore: Optional[Sequence[str]] = None,
    explain: bool = False,
    lang: Lang = "zh",
) -> Callable[[Iterable[pyarrow.RecordBatch]], Iterator[pyarrow.RecordBatch]]:
    """The function to give ``DataFrame.mapInArrow`` (with ``output_schema(...)``): each record
    batch of a partition scored by ``system.evaluate_batch(batch, output="arrow")``, one result row
    per input row, in order. It pickles with the system (``IndicatorSystem`` pickles as its JSON,
    a built-in as its id)."""
    ignored = list(ignore) if ignore is not None else None

    def score_batches(batches: Iterable[pyarrow.RecordBatch]) -> Iterator[pyarrow.RecordBatch]:
        for batch in batches:
            out = system.evaluate_batch(
                batch, id_column=id_column, ignore=ignored, output="arrow", explain=explain, lang=lang
            )
            yield from out.to_batches()

    return score_batches


def output_schema(
    system: IndicatorSystem,
    df: Any,
    *,
    id_column: Optional[str] = None,
    ignore: Optional[Sequence[str]] = None,
    explain: bool = False,
) -> Any:
    """The Spark ``StructType`` of the scored rows of the Spark DataFrame ``df``: the id column
    (as ``df`` has it), one ``DecimalType(38, s)`` per indicator and ``total`` (``s`` the places
    the system states its figures at), ``grade``, ``error`` (and ``warning``, ``explanation``) as
    strings."""
    from pyspark.sql.pandas.types import from_arrow_schema, to_arrow_schema

    arrow = result_schema(system, to_arrow_schema(df.schema), id_column=id_column, ignore=ignore, explain=explain)
    return from_arrow_schema(arrow)


def score(
    df: Any,
    system: IndicatorSystem,
    *,
    id_column: Optional[str] = None,
    ignore: Optional[Sequence[str]] = None,
    explain: bool = False,
    lang: Lang = "zh",
) -> Any:
    """``df.mapInArrow(batch_function(system, ...), output_schema(system, df, ...))``: a lazy
    Spark DataFrame of ``evaluate_batch``'s results, one row per row of ``df`` (an executor's
    rows keep their order within a partition; carry an ``id_column`` to join back). A column that
    is neither an input, the id nor ignored raises here, before any job runs; a row that cannot be
    scored has null figures and its located message in ``error``."""
    schema = output_schema(system, df, id_column=id_column, ignore=ignore, explain=explain)
    function = batch_function(system, id_column=id_column, ignore=ignore, explain=explain, lang=lang)
    return df.mapInArrow(function, schema)
