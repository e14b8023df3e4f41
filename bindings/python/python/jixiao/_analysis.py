"""Result shapes of the analyses of ``IndicatorSystem`` (``what_if``, ``compare``, ``sensitivity``,
``target``, ``audit``, ``audit_batch``). The engine computes everything (in Rust, through the JSON
layer's ``analysis_value``); this module only turns its answer into ``Decimal`` figures, small
result objects and pandas DataFrames (pandas is imported when a frame is built)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Optional, Union

if TYPE_CHECKING:
    from jixiao._jixiao import IndicatorSystem


def _dec(value: Any) -> Optional[Decimal]:
    """A figure of the engine's answer (decimal text) as an exact ``Decimal``."""
    return None if value is None else Decimal(str(value))


def _frame(rows: list[dict[str, Any]], columns: Sequence[str]) -> Any:
    import pandas as pd

    return pd.DataFrame(rows, columns=list(columns))


@dataclass(frozen=True)
class Comparison:
    """Two evaluations side by side (``what_if``: before/after the changes; ``compare``: a/b).

    ``frame`` has one row per indicator: ``id``, ``name``, ``depth``, ``points``, ``before``,
    ``after``, ``change`` (``Decimal``; None where an indicator has no score)."""

    frame: Any
    total_before: Decimal
    total_after: Decimal
    total_change: Decimal
    grade_before: str
    grade_after: str
    changed: list[str]
    explanation: str

    def explain(self) -> str:
        """What changed, indicator by indicator, and the total and grade."""
        return self.explanation

    def __repr__(self) -> str:
        sign = "+" if self.total_change > 0 else ""
        return (
            f"<Comparison {self.total_before} → {self.total_after} ({sign}{self.total_change}), "
            f"{self.grade_before} → {self.grade_after}, changed: {', '.join(self.changed) or 'none'}>"
        )


COMPARISON_COLUMNS = ("id", "name", "depth", "points", "before", "after", "change")


def comparison(result: dict[str, Any]) -> Comparison:
    rows = [
        {
            "id": r["id"],
            "name": r["name"],
            "depth": r["depth"],
            "points": _dec(r["points"]),
            "before": _dec(r["a"]),
            "after": _dec(r["b"]),
            "change": _dec(r["change"]),
        }
        for r in result["rows"]
    ]
    return Comparison(
        frame=_frame(rows, COMPARISON_COLUMNS),
        total_before=Decimal(str(result["total_a"])),
        total_after=Decimal(str(result["total_b"])),
        total_change=Decimal(str(result["total_change"])),
        grade_before=result["grade_a"],
        grade_after=result["grade_b"],
        changed=list(result["changed"]),
        explanation=result["explanation"],
    )


SENSITIVITY_COLUMNS = (
    "at",
    "id",
    "name",
    "before",
    "after",
    "total_before",
    "total_at",
    "grade_before",
    "grade_at",
    "explanation",
    "error",
)


def sensitivity(result: dict[str, Any]) -> Any:
    """One row per breakpoint and changed indicator (a breakpoint where no indicator changes, e.g.
    where the unit cannot be scored, is one row with ``id`` None and ``error`` set)."""
    rows: list[dict[str, Any]] = []
    for b in result["breakpoints"]:
        common = {
            "at": _dec(b["at"]),
            "total_before": _dec(b["total_before"]),
            "total_at": _dec(b["total_at"]),
            "grade_before": b["grade_before"],
            "grade_at": b["grade_at"],
            "error": b["error"],
        }
        changes = b["indicators"] or [{"id": None, "name": None, "before": None, "at": None, "explanation": None}]
        for c in changes:
            rows.append(
                {
                    **common,
                    "id": c["id"],
                    "name": c["name"],
                    "before": _dec(c["before"]),
                    "after": _dec(c["at"]),
                    "explanation": c["explanation"],
                }
            )
    frame = _frame(rows, SENSITIVITY_COLUMNS)
    frame.attrs["explanation"] = result["explanation"]
    return frame


@dataclass(frozen=True)
class Target:
    """The least change of ``input`` that reaches the goal: ``required`` value (None when
    ``unreachable``, which then says why), ``change`` from ``current``, the ``total`` and ``grade``
    reached there, the indicators ``deciding`` it, and ``message`` saying it in words."""

    input: str
    current: Decimal
    required: Optional[Decimal]
    change: Optional[Decimal]
    total: Optional[Decimal]
    grade: Optional[str]
    deciding: list[str]
    unreachable: Optional[str]
    message: str

    @property
    def reachable(self) -> bool:
        return self.required is not None

    def __repr__(self) -> str:
        if self.required is None:
            return f"<Target {self.input}: unreachable ({self.unreachable})>"
        return f"<Target {self.input} = {self.required} (change {self.change}): total {self.total}, {self.grade}>"


def target(result: dict[str, Any]) -> Target:
    return Target(
        input=result["input"],
        current=Decimal(str(result["current"])),
        required=_dec(result["required"]),
        change=_dec(result["change"]),
        total=_dec(result["total"]),
        grade=result["grade"],
        deciding=list(result["deciding"]),
        unreachable=result["unreachable"],
        message=result["message"],
    )


AUDIT_COLUMNS = ("kind", "id", "name", "claimed", "computed", "difference", "explanation")


@dataclass(frozen=True)
class Audit:
    """A unit recomputed against its claims: the computed ``total`` and ``grade``, and
    ``discrepancies`` (a DataFrame: ``kind``, ``id``, ``name``, ``claimed``, ``computed``,
    ``difference`` as ``Decimal`` or None, ``explanation``); ``ok`` when there is none.
    ``kind`` is ``score``, ``unknown_indicator``, ``total``, ``total_sum``,
    ``grade_of_claimed_total`` or ``grade``; ``claimed``/``computed`` are text (a grade or a figure)."""

    total: Decimal
    grade: str
    discrepancies: Any
    explanation: str

    @property
    def ok(self) -> bool:
        return len(self.discrepancies) == 0

    def explain(self) -> str:
        """The discrepancies in words (or that there is none)."""
        return self.explanation

    def __repr__(self) -> str:
        return f"<Audit total {self.total} {self.grade}: {len(self.discrepancies)} discrepancies>"


def audit(result: dict[str, Any]) -> Audit:
    rows = [
        {
            "kind": d["kind"],
            "id": d["id"],
            "name": d["name"],
            "claimed": d["claimed"],
            "computed": d["computed"],
            "difference": _dec(d["difference"]),
            "explanation": d["explanation"],
        }
        for d in result["discrepancies"]
    ]
    return Audit(
        total=Decimal(str(result["total"])),
        grade=result["grade"],
        discrepancies=_frame(rows, AUDIT_COLUMNS),
        explanation=result["explanation"],
    )


def _missing(value: Any) -> bool:
    """An empty cell: None, NaN, pandas' NA/NaT (a list of checklist items is a value)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return True
    if isinstance(value, (str, bytes, list, tuple, set, frozenset, dict, Decimal)):
        return bool(isinstance(value, Decimal) and value.is_nan())
    try:
        import pandas as pd
    except ImportError:
        return False
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _records(data: Any) -> tuple[list[Mapping[str, Any]], list[Any], list[str]]:
    """Rows as mappings, their labels (the pandas index, else the position) and the columns."""
    if type(data).__module__.split(".")[0] == "pandas":
        return list(data.to_dict("records")), list(data.index), [str(c) for c in data.columns]
    if isinstance(data, (list, tuple)):
        columns: dict[str, None] = {}
        for row in data:
            if not isinstance(row, Mapping):
                raise TypeError(f"audit_batch takes a pandas DataFrame or a list of mappings, found a row of {type(row).__name__}")
            columns.update(dict.fromkeys(str(k) for k in row))
        return list(data), list(range(len(data))), list(columns)
    raise TypeError(f"audit_batch takes a pandas DataFrame or a list of mappings, not {type(data).__name__}")


BATCH_COLUMNS = ("id", "total", "grade", "discrepancies", "details", "error")


def audit_batch(
    system: IndicatorSystem,
    data: Any,
    *,
    id_column: Optional[str] = None,
    score_columns: Union[Mapping[str, str], Sequence[str], None] = None,
    total_column: Optional[str] = None,
    grade_column: Optional[str] = None,
    ignore: Optional[Sequence[str]] = None,
    lang: str = "zh",
) -> Any:
    """``system.audit`` per row; one row per unit (``id``, computed ``total`` and ``grade``, the
    number of ``discrepancies``, ``details`` in words, ``error`` when the unit cannot be scored)."""
    from jixiao._jixiao import JixiaoError

    records, labels, columns = _records(data)
    inputs = set(system.input_names)
    if score_columns is None:
        ids = {i.id for i in system.walk()}
        scores = {c: c for c in columns if c in ids and c not in inputs}
    elif isinstance(score_columns, Mapping):
        scores = {str(k): str(v) for k, v in score_columns.items()}
    else:
        scores = {str(c): str(c) for c in score_columns}
    if total_column is None and "total" in columns and "total" not in inputs:
        total_column = "total"
    if grade_column is None and "grade" in columns and "grade" not in inputs:
        grade_column = "grade"
    claim_columns = set(scores.values()) | {total_column, grade_column, id_column} | set(ignore or ())
    rows: list[dict[str, Any]] = []
    for label, record in zip(labels, records):
        cells = {str(k): v for k, v in record.items() if not _missing(v)}
        unit_id = cells.get(id_column, label) if id_column is not None else label
        row: dict[str, Any] = dict.fromkeys(BATCH_COLUMNS)
        row["id"] = unit_id
        try:
            result = system.audit(
                {k: v for k, v in cells.items() if k not in claim_columns},
                scores={i: cells[c] for i, c in scores.items() if c in cells},
                total=cells.get(total_column) if total_column is not None else None,
                grade=str(cells[grade_column]) if grade_column is not None and grade_column in cells else None,
                lang=lang,  # type: ignore[arg-type]
            )
        except JixiaoError as e:
            row["error"] = str(e)
        else:
            row.update(
                total=result.total,
                grade=result.grade,
                discrepancies=len(result.discrepancies),
                details=None if result.ok else result.explanation,
            )
        rows.append(row)
    return _frame(rows, BATCH_COLUMNS)


__all__ = ["Audit", "Comparison", "Target"]

