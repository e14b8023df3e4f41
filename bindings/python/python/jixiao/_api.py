"""``IndicatorSystem``: load a system, inspect it, score units and tables, run the analyses.

Every call goes straight to the engine (``jixiao._jixiao.System``, in Rust, the GIL released while
it works); what comes back are the result classes of ``jixiao._results``, every figure a
``decimal.Decimal``. Nothing is scored or analysed here.
"""

from __future__ import annotations

import json
import math
import os
import pathlib
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Literal, Optional, Union, cast, overload

from jixiao import _jixiao
from jixiao._results import Audit, Comparison, Evaluation, Grade, Indicator, Input, Sensitivity, SystemInfo, Target
from jixiao._results import html_fragment
from jixiao._types import BatchOutput, InputValue, Lang, Number, TextFormat

if TYPE_CHECKING:
    import pandas
    import polars
    import pyarrow


def _request_error(message: str) -> _jixiao.RequestError:
    """A ``RequestError`` raised by the Python layer, shaped as the engine's are."""
    error = _jixiao.RequestError(message)
    error.kind = error.code = "request"
    error.message_en = message
    error.message_zh = f"请求有误：{message}"
    error.errors = [
        {
            "path": "",
            "code": "request",
            "params": {},
            "message": message,
            "message_zh": error.message_zh,
            "position": None,
            "input": None,
            "indicator": None,
            "kind": None,
        }
    ]
    return error


class IndicatorSystem:
    """An indicator system (绩效评价指标体系): declared inputs, metrics, the indicator tree with a
    scoring rule on every leaf, grades and rounding. Load one with ``from_json``, ``from_toml``,
    ``from_text``, ``from_file`` or ``builtin``; score units with ``evaluate`` and
    ``evaluate_batch``."""

    __slots__ = ("_native", "_info")

    def __init__(self, native: _jixiao.System) -> None:
        """Use the ``from_*`` and ``builtin`` constructors."""
        self._native = native
        self._info: Optional[SystemInfo] = None

    # --- loading ---------------------------------------------------------------------------

    @classmethod
    def from_json(cls, text: str, *, validate: bool = True) -> IndicatorSystem:
        """Loads a system from JSON text.

        Parameters
        ----------
        text:
            The system in the indicator-system format (JSON).
        validate:
            With ``False`` an invalid system still loads, for inspection; ``validate()`` then lists
            its problems and ``evaluate`` refuses it.

        Returns
        -------
        IndicatorSystem
            The system; ``LoadError`` (kind ``syntax`` or ``validation``) lists every problem.
        """
        return cls(_jixiao.System.load(text, "json", validate))

    @classmethod
    def from_toml(cls, text: str, *, validate: bool = True) -> IndicatorSystem:
        """Loads a system from TOML text (parameters as for ``from_json``)."""
        return cls(_jixiao.System.load(text, "toml", validate))

    @classmethod
    def from_text(cls, text: str, *, validate: bool = True) -> IndicatorSystem:
        """Loads a system from JSON or TOML text (JSON when it starts with ``{``)."""
        return cls(_jixiao.System.load(text, "auto", validate))

    @classmethod
    def from_file(cls, path: Union[str, os.PathLike[str]], *, validate: bool = True) -> IndicatorSystem:
        """Loads a system from a ``.json`` or ``.toml`` file (another extension: by its content).

        Parameters
        ----------
        path:
            The file.
        validate:
            As for ``from_json``.

        Returns
        -------
        IndicatorSystem
            The system. A file that cannot be read raises ``OSError`` naming it; a system that does
            not load raises ``LoadError`` whose message starts with the path.
        """
        file = pathlib.Path(path)
        data = file.read_bytes()
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as e:
            error = _jixiao.LoadError(f"{file}: not UTF-8 text ({e.reason} at byte {e.start})")
            error.kind = error.code = "syntax"
            error.message_en = str(error)
            error.message_zh = f"文件格式错误：{error}"
            error.errors = [
                {
                    "path": str(file),
                    "code": "syntax",
                    "params": {},
                    "message": str(error),
                    "message_zh": error.message_zh,
                    "position": None,
                    "input": None,
                    "indicator": None,
                    "kind": None,
                }
            ]
            raise error from None
        kind = {".json": "json", ".toml": "toml"}.get(file.suffix.lower(), "auto")
        return cls(_jixiao.System.load(text, kind, validate, str(file)))

    @staticmethod
    def builtin(id: str) -> BuiltinSystem:
        """A built-in system by id (see ``jixiao.builtins()``), e.g. ``hunan-dept``.

        Parameters
        ----------
        id:
            The built-in's id.

        Returns
        -------
        BuiltinSystem
            The system, with its bundled ``example_inputs()``; ``RequestError`` for an unknown id.
        """
        return BuiltinSystem(_jixiao.System.builtin(id))

    # --- inspection ------------------------------------------------------------------------

    def validate(self) -> None:
        """Raises ``LoadError`` listing every problem of an invalid system; else returns None."""
        self._native.validate()

    @property
    def is_valid(self) -> bool:
        """Whether the system is valid (one loaded with ``validate=False`` may not be)."""
        return self._native.is_valid

    @property
    def info(self) -> SystemInfo:
        """The engine's summary of the system (identity, inputs, table rows, grades)."""
        if self._info is None:
            self._info = self._native.info("zh")
        return self._info

    @property
    def id(self) -> str:
        """Identifier, e.g. ``hunan-dept``."""
        return self.info.id

    @property
    def name(self) -> str:
        """Name, e.g. ``部门整体支出绩效评价指标表``."""
        return self.info.name

    @property
    def name_en(self) -> Optional[str]:
        """English name."""
        return self.info.name_en

    @property
    def issuer(self) -> Optional[str]:
        """Issuing body."""
        return self.info.issuer

    @property
    def region(self) -> Optional[str]:
        """Region the table applies to."""
        return self.info.region

    @property
    def year(self) -> Optional[int]:
        """Evaluation year."""
        return self.info.year

    @property
    def version(self) -> Optional[str]:
        """Version of the table."""
        return self._native.version

    @property
    def source(self) -> Optional[str]:
        """Source document."""
        return self.info.source

    @property
    def notes(self) -> list[str]:
        """Notes: assumptions and readings of ambiguous wording."""
        return self.info.notes

    @property
    def total_points(self) -> Decimal:
        """Full points of the indicator tree (the sum of the 一级指标, usually 100)."""
        return self.info.total_points

    @property
    def inputs(self) -> list[Input]:
        """The declared inputs (the base-data table to fill in), in declaration order."""
        return self.info.inputs

    @property
    def input_names(self) -> list[str]:
        """Names of the declared inputs, in declaration order."""
        return [i.name for i in self.info.inputs]

    @property
    def indicators(self) -> list[Indicator]:
        """The indicator tree: the 一级指标 with their children."""
        return self._native.tree(False)

    @property
    def bonus(self) -> list[Indicator]:
        """Bonus items (加分项)."""
        return self._native.tree(True)

    @property
    def grades(self) -> list[Grade]:
        """The grade table, highest first; the last grade may have no minimum."""
        return self.info.grades

    def walk(self) -> list[Indicator]:
        """Every indicator (the tree in pre-order, then the bonus items)."""

        def flat(nodes: list[Indicator]) -> list[Indicator]:
            return [m for n in nodes for m in [n, *flat(n.children)]]

        return flat(self.indicators) + flat(self.bonus)

    def indicator(self, id: str) -> Indicator:
        """The indicator (tree node or bonus item) with this id; ``KeyError`` when there is none."""
        for i in self.walk():
            if i.id == id:
                return i
        raise KeyError(id)

    def example_inputs(self) -> Optional[dict[str, InputValue]]:
        """The bundled example inputs of a built-in system (None for other systems)."""
        text = self._native.example()
        return None if text is None else _parse_inputs(text)

    def table(self, format: TextFormat = "text", lang: Lang = "zh") -> str:
        """The indicator table (指标表).

        Parameters
        ----------
        format:
            ``text``, ``markdown``, ``html`` or ``csv``.
        lang:
            ``zh`` or ``en``.

        Returns
        -------
        str
            The table as the ``jixiao show`` command writes it.
        """
        return self._native.table(format, lang)

    def to_json(self) -> str:
        """The system as canonical JSON text (the format's own form)."""
        return self._native.to_json()

    def to_toml(self) -> str:
        """The system as TOML text."""
        return self._native.to_toml()

    # --- scoring ---------------------------------------------------------------------------

    def evaluate(self, inputs: Mapping[str, InputValue]) -> Evaluation:
        """Scores one unit.

        Parameters
        ----------
        inputs:
            Input name → value (``Decimal``, ``int``, ``float`` read through its shortest text,
            decimal text such as ``"82.39%"``, ``bool``, ``Level``, a list of checklist items). An
            input without a value is left out (``None`` is an error).

        Returns
        -------
        Evaluation
            Every indicator's score with its reasons, subtotals, total and grade. Raises
            ``InputError`` naming every input that does not fit, ``EvaluationError`` when the unit
            cannot be scored.
        """
        return Evaluation(self._native.evaluate(inputs), self, dict(inputs))

    @overload
    def evaluate_batch(
        self,
        data: object,
        *,
        id_column: Optional[str] = ...,
        ignore: Optional[Sequence[str]] = ...,
        output: Literal["dict"],
        explain: bool = ...,
        lang: Lang = ...,
    ) -> dict[str, list[object]]: ...
    @overload
    def evaluate_batch(
        self,
        data: object,
        *,
        id_column: Optional[str] = ...,
        ignore: Optional[Sequence[str]] = ...,
        output: Literal["arrow"],
        explain: bool = ...,
        lang: Lang = ...,
    ) -> pyarrow.Table: ...
    @overload
    def evaluate_batch(
        self,
        data: object,
        *,
        id_column: Optional[str] = ...,
        ignore: Optional[Sequence[str]] = ...,
        output: Literal["polars"],
        explain: bool = ...,
        lang: Lang = ...,
    ) -> polars.DataFrame: ...
    @overload
    def evaluate_batch(
        self,
        data: object,
        *,
        id_column: Optional[str] = ...,
        ignore: Optional[Sequence[str]] = ...,
        output: Literal["pandas"],
        explain: bool = ...,
        lang: Lang = ...,
    ) -> pandas.DataFrame: ...
    @overload
    def evaluate_batch(
        self,
        data: Union[polars.DataFrame, polars.LazyFrame],
        *,
        id_column: Optional[str] = ...,
        ignore: Optional[Sequence[str]] = ...,
        output: Literal["auto"] = ...,
        explain: bool = ...,
        lang: Lang = ...,
    ) -> polars.DataFrame: ...
    @overload
    def evaluate_batch(
        self,
        data: object,
        *,
        id_column: Optional[str] = ...,
        ignore: Optional[Sequence[str]] = ...,
        output: Literal["auto"] = ...,
        explain: bool = ...,
        lang: Lang = ...,
    ) -> Union[pandas.DataFrame, pyarrow.Table]: ...
    def evaluate_batch(
        self,
        data: object,
        *,
        id_column: Optional[str] = None,
        ignore: Optional[Sequence[str]] = None,
        output: BatchOutput = "auto",
        explain: bool = False,
        lang: Lang = "zh",
    ) -> object:
        """Scores many units in Rust with the GIL released, across the machine's cores.

        Parameters
        ----------
        data:
            A pandas or polars DataFrame, a pyarrow Table or RecordBatch (anything with
            ``__arrow_c_stream__``), or a list of mappings: one unit per row, columns named after
            the inputs (``编制数``, ``编制数（人）`` or the English name).
        id_column:
            The column naming each unit, carried into the results.
        ignore:
            Columns that are neither inputs nor the id (any other column is an error).
        output:
            ``auto`` (the kind of table that came in; pandas for a list), ``pandas``, ``polars``,
            ``arrow`` or ``dict``.
        explain:
            Add an ``explanation`` column.
        lang:
            Language of the explanations.

        Returns
        -------
        table
            One row per unit: every indicator's score by id (subtotals included, ``decimal128``),
            ``total``, ``grade``, and ``error`` for a unit that cannot be scored; for a system with
            consistency checks (勾稽关系), ``warning`` lists a scored unit's failed checks.
        """
        if output not in ("auto", "pandas", "polars", "arrow", "dict"):
            raise _request_error(f"unknown output `{output}` (expected auto, pandas, polars, arrow or dict)")
        ignored = list(ignore) if ignore is not None else None
        return self._native.evaluate_batch(data, id_column, ignored, output, explain, lang)

    # --- analyses --------------------------------------------------------------------------

    def what_if(self, inputs: Mapping[str, InputValue], changes: Mapping[str, InputValue], *, lang: Lang = "zh") -> Comparison:
        """The unit's scores with some inputs changed.

        Parameters
        ----------
        inputs:
            The unit as it is.
        changes:
            The inputs that change, with their new values.
        lang:
            Language of the explanation.

        Returns
        -------
        Comparison
            Per indicator before/after (``.rows``, ``.frame``), the totals, grades and ``changed``.
        """
        return self._native.what_if(inputs, changes, lang)

    def compare(self, a: Mapping[str, InputValue], b: Mapping[str, InputValue], *, lang: Lang = "zh") -> Comparison:
        """Two units side by side (two years of one department, two departments).

        Parameters
        ----------
        a, b:
            The two units' inputs (``before`` is ``a``, ``after`` is ``b``).
        lang:
            Language of the explanation.

        Returns
        -------
        Comparison
            As for ``what_if``.
        """
        return self._native.compare(a, b, lang)

    def sensitivity(
        self,
        inputs: Mapping[str, InputValue],
        input: str,
        start: Number,
        stop: Number,
        resolution: Optional[Number] = None,
        *,
        lang: Lang = "zh",
    ) -> Sensitivity:
        """Every value of one input in [start, stop] where some score changes (exact breakpoints).

        Parameters
        ----------
        inputs:
            The unit.
        input:
            The input varied.
        start, stop:
            The range.
        resolution:
            The finest step (by default the input's own decimal grid).
        lang:
            Language of the explanations.

        Returns
        -------
        Sensitivity
            ``.breakpoints`` (and ``.frame``: one row per breakpoint and changed indicator).
        """
        return self._native.sensitivity(inputs, input, start, stop, resolution, lang)

    def target(
        self,
        inputs: Mapping[str, InputValue],
        input: str,
        *,
        total: Optional[Number] = None,
        grade: Optional[str] = None,
        indicator: Optional[str] = None,
        score: Optional[Number] = None,
        start: Optional[Number] = None,
        stop: Optional[Number] = None,
        resolution: Optional[Number] = None,
        lang: Lang = "zh",
    ) -> Target:
        """The least change of one input that reaches a goal.

        Parameters
        ----------
        inputs:
            The unit.
        input:
            The input varied.
        total, grade, indicator, score:
            Exactly one goal: a ``total``, a ``grade``, or an ``indicator`` reaching ``score``.
        start, stop:
            Search only this range (both or neither).
        resolution:
            The finest step.
        lang:
            Accepted for symmetry; the engine's message is in Chinese.

        Returns
        -------
        Target
            ``required`` (None when ``unreachable``), ``change``, ``total``, ``grade``, ``deciding``.
        """
        del lang
        goals = sum(x is not None for x in (total, grade, indicator))
        if goals != 1 or (indicator is None) != (score is None):
            raise _request_error("give exactly one goal: `total`, `grade`, or `indicator` with `score`")
        if (start is None) != (stop is None):
            raise _request_error("give both `start` and `stop`, or neither")
        return self._native.target(inputs, input, total, grade, indicator, score, start, stop, resolution)

    def audit(
        self,
        inputs: Mapping[str, InputValue],
        *,
        scores: Optional[Mapping[str, Number]] = None,
        total: Optional[Number] = None,
        grade: Optional[str] = None,
        lang: Lang = "zh",
    ) -> Audit:
        """Recomputes a unit from its inputs and lists where its claims do not follow (复核).

        Parameters
        ----------
        inputs:
            The unit's figures.
        scores:
            Claimed scores by indicator id.
        total, grade:
            The claimed total and grade.
        lang:
            Language of the explanation.

        Returns
        -------
        Audit
            The computed total and grade and every ``Discrepancy`` (``.frame`` as a DataFrame).
        """
        claimed = list(scores.items()) if scores is not None else []
        return self._native.audit(inputs, claimed, total, grade, lang)

    def audit_batch(
        self,
        data: object,
        *,
        id_column: Optional[str] = None,
        score_columns: Union[Mapping[str, str], Sequence[str], None] = None,
        total_column: Optional[str] = None,
        grade_column: Optional[str] = None,
        ignore: Optional[Sequence[str]] = None,
        lang: Lang = "zh",
    ) -> pandas.DataFrame:
        """``audit`` for many self-evaluations, one unit per row, read as the CLI reads an audit
        table: inputs under their names, claimed scores under indicator ids, the claimed total and
        grade under the engine's headers (``总分``, ``综合得分``, ``自评总分`` ... ``total``; ``等次``,
        ``评价等次`` ... ``grade``), the unit's name under ``id_column`` or a usual name (``单位``...).
        ``evaluate_batch``'s output beside the inputs reads as claims as it is (its ``error`` column
        is left out).

        Parameters
        ----------
        data:
            A pandas DataFrame or a list of mappings.
        id_column:
            The column naming each unit (else found by its header; else the row label).
        score_columns:
            Claimed scores under other headers: ``{indicator id: column}`` (or a list of columns
            headed by ids).
        total_column, grade_column:
            The claimed total and grade under other headers.
        ignore:
            Columns that are neither inputs nor claims; any other unknown column is an error.
        lang:
            Language of the details.

        Returns
        -------
        pandas.DataFrame
            One row per unit: id, total, grade, discrepancies (their number), details, error.
        """
        records, labels, columns = _records(data)
        if isinstance(score_columns, Mapping):
            extra = {str(column): str(id) for id, column in score_columns.items()}
        else:
            extra = {str(c): str(c) for c in score_columns or ()}
        named = [c for c in (total_column, grade_column) if c is not None]
        # evaluate_batch's own `error` and `warning` columns: a failed row's claims are null and its
        # audit fails alike; the failed checks it lists are not claims.
        own = [c for c in ("error", "warning") if c in columns and c not in self.input_names and id_column != c]
        skip = [*(ignore or ()), *extra, *named, *own]
        unit, inputs, scores, total, grade = self._native.claim_columns(columns, id_column, skip)
        as_input = {columns[i]: name for i, name in inputs}
        as_score = {**{columns[i]: id for i, id in scores}, **extra}
        total_column = total_column or (columns[total] if total is not None else None)
        grade_column = grade_column or (columns[grade] if grade is not None else None)
        id_cell = columns[unit] if unit is not None else None
        rows: list[dict[str, object]] = []
        for label, record in zip(labels, records):
            # The cells as given: the engine says which of them are not values.
            cells = {str(k): cast(InputValue, v) for k, v in record.items() if not _missing(v)}
            row: dict[str, object] = dict.fromkeys(("total", "grade", "discrepancies", "details", "error"))
            row = {"id": cells.get(id_cell, label) if id_cell is not None else label, **row}
            try:
                result = self.audit(
                    {as_input[c]: v for c, v in cells.items() if c in as_input},
                    scores={as_score[c]: cast(Number, v) for c, v in cells.items() if c in as_score},
                    total=cast(Number, cells.get(total_column)) if total_column else None,
                    grade=str(cells[grade_column]) if grade_column and grade_column in cells else None,
                    lang=lang,
                )
            except _jixiao.JixiaoError as e:
                row["error"] = str(e)
            else:
                details = None if result.ok else result.explanation
                row.update(total=result.total, grade=result.grade, discrepancies=len(result.discrepancies), details=details)
            rows.append(row)
        import pandas as pd

        return pd.DataFrame(rows, columns=["id", "total", "grade", "discrepancies", "details", "error"])

    # --- Python protocols ------------------------------------------------------------------

    def _repr_html_(self) -> str:
        return html_fragment(self.table("html"))

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (IndicatorSystem.from_json, (self.to_json(),))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, IndicatorSystem) and other.to_json() == self.to_json()

    def __hash__(self) -> int:
        return hash(self.to_json())

    def __repr__(self) -> str:
        valid = "" if self.is_valid else ", INVALID"
        return f"<IndicatorSystem {self.id} ({self.name}): {len(self.inputs)} inputs, {len(self.indicators)} 一级指标{valid}>"


class BuiltinSystem(IndicatorSystem):
    """A built-in indicator system: an ``IndicatorSystem`` with its bundled example inputs."""

    __slots__ = ()

    def example_inputs(self) -> dict[str, InputValue]:
        """The bundled example inputs (figures as ``decimal.Decimal``)."""
        text = self._native.example()
        if text is None:  # pragma: no cover - a BuiltinSystem is always made from a built-in
            raise ValueError(f"`{self.id}` has no bundled example")
        return _parse_inputs(text)

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (IndicatorSystem.builtin, (self.id,))


def _parse_inputs(text: str) -> dict[str, InputValue]:
    value: dict[str, InputValue] = json.loads(text, parse_float=Decimal)
    return value


def _missing(value: object) -> bool:
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


def _records(data: object) -> tuple[list[Mapping[str, object]], list[object], list[str]]:
    """Rows as mappings, their labels (the pandas index, else the position) and the columns."""
    if type(data).__module__.split(".")[0] == "pandas":
        frame: pandas.DataFrame = data
        return list(frame.to_dict("records")), list(frame.index), [str(c) for c in frame.columns]
    if isinstance(data, (list, tuple)):
        columns: dict[str, None] = {}
        for row in data:
            if not isinstance(row, Mapping):
                raise TypeError(f"audit_batch takes a pandas DataFrame or a list of mappings, found a row of {type(row).__name__}")
            columns.update(dict.fromkeys(str(k) for k in row))
        return list(data), list(range(len(data))), list(columns)
    raise TypeError(f"audit_batch takes a pandas DataFrame or a list of mappings, not {type(data).__name__}")


__all__ = ["BuiltinSystem", "IndicatorSystem"]
