"""Scoring a Polars DataFrame or LazyFrame: ``evaluate_batch`` reads a polars frame through its Arrow
C stream and answers a polars frame (``Decimal`` figures); for a ``LazyFrame`` the scoring is one
``map_batches`` step of the query, so that it streams with the rest of the plan (``collect(engine=
"streaming")`` scores chunk by chunk) and its output schema is known before anything runs. No
scoring code here: the figures are ``evaluate_batch``'s.

::

    import polars as pl
    import jixiao, jixiao.polars
    system = jixiao.IndicatorSystem.builtin("hunan-dept")
    lazy = pl.scan_parquet("dept_perf_2024/*.parquet")
    scores = jixiao.polars.score(lazy, system, id_column="部门").filter(pl.col("grade") == "优秀")
    scores.collect(engine="streaming")
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Optional, Sequence

from jixiao._types import Lang

if TYPE_CHECKING:
    from jixiao._api import IndicatorSystem

__all__ = ["output_schema", "score"]


def output_schema(
    system: IndicatorSystem,
    frame: Any,
    *,
    id_column: Optional[str] = None,
    ignore: Optional[Sequence[str]] = None,
    explain: bool = False,
) -> Any:
    """The ``polars.Schema`` of the scored rows of ``frame`` (a DataFrame or LazyFrame): the
    engine's own answer for an empty frame of the same columns, so that a column that is not an
    input fails here with ``evaluate_batch``'s message (``JixiaoError``)."""
    import polars as pl

    empty = frame.clear()
    if isinstance(empty, pl.LazyFrame):
        empty = empty.collect()
    out = system.evaluate_batch(empty, id_column=id_column, ignore=ignore, output="polars", explain=explain)
    return out.schema


def score(
    frame: Any,
    system: IndicatorSystem,
    *,
    id_column: Optional[str] = None,
    ignore: Optional[Sequence[str]] = None,
    explain: bool = False,
    lang: Lang = "zh",
) -> Any:
    """The scores of a polars ``DataFrame`` (a DataFrame: ``system.evaluate_batch(frame,
    output="polars")``) or ``LazyFrame`` (a LazyFrame: ``frame.map_batches`` of the same call, with
    the output schema given, streamable), one row per row of ``frame``, in order."""
    import polars as pl

    ignored = list(ignore) if ignore is not None else None

    def scored(batch: Any) -> Any:
        return system.evaluate_batch(
            batch, id_column=id_column, ignore=ignored, output="polars", explain=explain, lang=lang
        )

    if isinstance(frame, pl.LazyFrame):
        schema = output_schema(system, frame, id_column=id_column, ignore=ignored, explain=explain)
        return frame.map_batches(scored, schema=schema, streamable=True)
    if isinstance(frame, pl.DataFrame):
        return scored(frame)
    raise TypeError(f"jixiao.polars.score takes a polars DataFrame or LazyFrame, not {type(frame).__name__}")
