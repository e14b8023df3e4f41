"""Types for annotations: what ``evaluate`` takes, what errors carry, what ``builtins()`` lists."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal, Optional, TypedDict, Union

if TYPE_CHECKING:
    from typing_extensions import TypeAlias

    from jixiao._jixiao import Level

Lang: TypeAlias = Union[Literal["zh"], Literal["en"]]
"""Language of explanations and reports (written as a Union of one-value Literals so that
``mypy.stubtest`` can compare it with the runtime alias)."""

ReportFormat: TypeAlias = Union[Literal["text"], Literal["markdown"], Literal["html"], Literal["csv"]]
"""Format of ``IndicatorSystem.table`` and ``Evaluation.report``."""

BatchOutput: TypeAlias = Union[Literal["auto"], Literal["pandas"], Literal["polars"], Literal["arrow"], Literal["dict"]]
"""What ``IndicatorSystem.evaluate_batch`` hands back."""

InputValue: TypeAlias = Union[
    Decimal,
    int,
    float,
    str,
    bool,
    "Level",
    Mapping[str, Any],
    Sequence[str],
    "set[str]",
    "frozenset[str]",
]
"""One input value: a number (``Decimal``, ``int``, ``float`` read through its shortest text, or
decimal text such as ``"82.39%"``), ``True``/``False``, a level name or ``Level``, a list of
satisfied checklist items. An input without a value is left out of the mapping (``None`` and NaN
are errors); in a table given to ``evaluate_batch`` an empty cell means "not given"."""


class ErrorDetail(TypedDict):
    """One problem: where it is (``path``, ``position`` in an expression, the ``input``) and what
    was expected; ``kind`` is ``missing``/``unknown``/``invalid`` for input problems."""

    path: str
    message: str
    position: Optional[int]
    input: Optional[str]
    kind: Optional[str]


class BuiltinInfo(TypedDict):
    """A built-in indicator system as ``jixiao.builtins()`` lists it."""

    id: str
    name: str
    name_en: Optional[str]
    issuer: Optional[str]
    region: Optional[str]
    year: Optional[int]
