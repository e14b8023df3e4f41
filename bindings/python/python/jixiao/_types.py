"""Types for annotations: what ``evaluate`` takes, what errors carry, what ``builtins()`` lists."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Literal, Optional, TypedDict, Union

if TYPE_CHECKING:
    from typing_extensions import TypeAlias


@dataclass(frozen=True)
class Level:
    """A qualitative level with an optional score inside its band, as an input value:
    ``Level("部分达成", Decimal("7"))``. A dict ``{"level": ..., "score": ...}`` or the text
    ``"部分达成:7"`` say the same. The score is read by the engine when the unit is scored (a
    ``float`` through its shortest text, as everywhere)."""

    level: str
    score: Union[Decimal, int, float, str, None] = None

Lang: TypeAlias = Union[Literal["zh"], Literal["en"]]
"""Language of explanations and reports (written as a Union of one-value Literals so that
``mypy.stubtest`` can compare it with the runtime alias)."""

TextFormat: TypeAlias = Union[Literal["text"], Literal["markdown"], Literal["md"], Literal["html"], Literal["csv"]]
"""A text format of ``IndicatorSystem.table`` and ``Evaluation.report``."""

ReportFormat: TypeAlias = Union[TextFormat, Literal["xlsx"]]
"""Format of ``Evaluation.report``: a text format, or ``xlsx`` (the bytes of a workbook)."""

Number: TypeAlias = Union[Decimal, int, float, str]
"""A figure given to an analysis: ``Decimal``, ``int``, ``float`` (its shortest text) or decimal text."""

BatchOutput: TypeAlias = Union[Literal["auto"], Literal["pandas"], Literal["polars"], Literal["arrow"], Literal["dict"]]
"""What ``IndicatorSystem.evaluate_batch`` hands back."""

InputValue: TypeAlias = Union[
    Decimal,
    int,
    float,
    str,
    bool,
    "Level",
    Mapping[str, Union[str, Decimal, int, float, None]],
    Sequence[str],
    "set[str]",
    "frozenset[str]",
]
"""One input value: a number (``Decimal``, ``int``, ``float`` read through its shortest text, or
decimal text such as ``"82.39%"``), ``True``/``False``, a level name or ``Level``, a list of
satisfied checklist items. An input without a value is left out of the mapping (``None`` and NaN
are errors); in a table given to ``evaluate_batch`` an empty cell means "not given"."""


class ErrorDetail(TypedDict):
    """One problem: where it is (``path``, ``position`` in an expression, the ``input`` or
    ``indicator`` concerned), a stable ``code`` with the ``params`` its message quotes, and the
    message in English (``message``) and Chinese (``message_zh``); ``kind`` is
    ``missing``/``unknown``/``invalid`` for input problems."""

    path: str
    code: str
    params: dict[str, str]
    message: str
    message_zh: str
    position: Optional[int]
    input: Optional[str]
    indicator: Optional[str]
    kind: Optional[str]


class BuiltinInfo(TypedDict):
    """A built-in indicator system as ``jixiao.builtins()`` lists it."""

    id: str
    name: str
    name_en: Optional[str]
    issuer: Optional[str]
    region: Optional[str]
    year: Optional[int]
