"""The engine's answers as frozen dataclasses, one per answer type of ``jixiao::wire``.

The fields are the wire answer's fields, in the same names (``from`` becomes ``from_``); the native
module builds them from the Rust types' derived ``Serialize`` (every figure a ``decimal.Decimal`` read
from its exact text) by looking the Rust type's name up in :data:`WIRE_TYPES`. What is added here is
for people: properties with the familiar names, pandas frames, reprs and HTML for notebooks.
"""

from __future__ import annotations

import dataclasses
import html
import json
import os
import pathlib
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Callable, Literal, Optional, Union, overload

if TYPE_CHECKING:
    import pandas

    from jixiao._api import IndicatorSystem
    from jixiao._jixiao import Scored
    from jixiao._types import InputValue, Lang, ReportFormat, TextFormat

Figure = Optional[Decimal]


def _frame(rows: list[dict[str, object]], columns: list[str]) -> pandas.DataFrame:
    import pandas as pd

    return pd.DataFrame(rows, columns=columns)


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    return html.escape(str(value))


def _html_table(caption: str, header: list[str], rows: list[list[object]]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{_cell(c)}</td>" for c in row) + "</tr>" for row in rows)
    return (
        f'<div class="jixiao-result"><p><strong>{html.escape(caption)}</strong></p>'
        f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>"
    )


# --- the indicator system ---------------------------------------------------------------------


@dataclass(frozen=True)
class Input:
    """A declared input: one cell of the base-data table (基础数据表) or an evaluator's judgement.

    ``kind`` is ``number``, ``count``, ``boolean``, ``level``, ``checklist`` or ``manual``; a ``%``
    input holds a ratio (``"82.39%"`` or ``Decimal("0.8239")``); ``default`` is what applies when
    the input is not given (a bool, the text of a decimal or level, or a list of items)."""

    name: str
    name_en: Optional[str]
    kind: str
    unit: Optional[str]
    description: Optional[str]
    required: bool
    default: Union[bool, str, list[str], None]
    min: Figure
    max: Figure
    levels: list[str]
    items: list[str]

    def __repr__(self) -> str:
        unit = f" ({self.unit})" if self.unit else ""
        return f"<Input {self.name}{unit}: {self.kind}>"


@dataclass(frozen=True)
class Indicator:
    """A node of the indicator tree: a group with ``children`` or a leaf scored by a ``rule`` (its
    kind: ``step``, ``tiers`` ...); ``rule_text`` is the standard as the engine applies it."""

    id: str
    name: str
    name_en: Optional[str]
    points: Decimal
    standard: Optional[str]
    description: Optional[str]
    assumed: Optional[str]
    rule: Optional[str]
    rule_text: str
    depth: int
    parent: Optional[str]
    leaf: bool
    children: list[Indicator]

    def __repr__(self) -> str:
        rule = f", {self.rule}" if self.rule else ""
        return f"<Indicator {self.id} {self.name} ({format(self.points, 'f')} points{rule})>"


@dataclass(frozen=True)
class Grade:
    """A grade (评价等次) with the lowest total that earns it (None for the last grade)."""

    label: str
    label_en: Optional[str]
    min: Figure

    def __repr__(self) -> str:
        return f"<Grade {self.label}>" if self.min is None else f"<Grade {self.label} ≥ {self.min}>"


@dataclass(frozen=True)
class SystemRow:
    """One row of the indicator table (指标表) as the engine lays it out."""

    id: str
    depth: int
    name: str
    leaf: bool
    points: Decimal
    standard: str
    published: Optional[str]
    assumed: Optional[str]


@dataclass(frozen=True)
class SystemInfo:
    """What a front end needs to show a system: its identity, inputs, rows and grades."""

    format: int
    id: str
    name: str
    name_en: Optional[str]
    issuer: Optional[str]
    region: Optional[str]
    year: Optional[int]
    source: Optional[str]
    notes: list[str]
    total_points: Decimal
    inputs: list[Input]
    indicators: list[SystemRow]
    grades: list[Grade]


# --- an evaluation ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Deduction:
    """One deduction (扣分): the points and, for checklists, the missing item that caused it."""

    amount: Decimal
    item: Optional[str]


@dataclass(frozen=True)
class Veto:
    """A veto (一票否决) that applied: the grade it forces, the total it sets or caps."""

    id: str
    name: str
    grade: Optional[str]
    total: Figure
    max_total: Figure


@dataclass(frozen=True)
class Check:
    """A data consistency check (勾稽关系) as run on the unit: ``passed`` is ``None`` when an input
    it needs was not given (skipped); ``severity`` is ``warning`` or ``error``; a failed
    comparison gives the value of each side in ``left`` and ``right`` (of ``abs(a - b) <= t``: ``a``,
    ``b`` and ``tolerance`` ``t``)."""

    id: str
    name: str
    expr: str
    passed: Optional[bool]
    severity: str
    left: Figure = None
    right: Figure = None
    tolerance: Figure = None


@dataclass(frozen=True)
class CoreCap:
    """A core indicator (核心指标) not met: its score below ``min_share`` of its points caps the
    grade at ``grade``."""

    id: str
    name: str
    score: Decimal
    points: Decimal
    min_share: Decimal
    grade: str


@dataclass(frozen=True)
class Provenance:
    """What produced an evaluation: the system's id, version and year, a content hash of the
    system, and the engine's version."""

    system: str
    version: Optional[str]
    year: Optional[int]
    hash: str
    engine: str


@dataclass(frozen=True)
class IndicatorResult:
    """One indicator's result: points, score (rounded as the system says), the measured ``value``,
    the ``rule`` kind (``group``, ``not_applicable``, ``step`` ...), the deductions and the
    explanation (Chinese; ``explain("en")`` for English)."""

    id: str
    name: str
    depth: int
    parent: Optional[str]
    leaf: bool
    points: Decimal
    score: Decimal
    exact_score: Decimal
    value: Figure
    rule: str
    status: str
    deductions: list[Deduction]
    na_outcome: Optional[str] = None
    na_reason: Optional[str] = None
    na_inherited: Optional[bool] = None
    tier: Optional[int] = None
    option: Optional[str] = None
    case: Optional[int] = None
    level: Optional[str] = None
    explanation: Optional[str] = None
    core: bool = False
    is_bonus: bool = False
    _native: Optional[Scored] = field(default=None, repr=False, compare=False)

    @property
    def lost(self) -> Decimal:
        """Points lost (扣分): points − score; zero for bonus items and excluded indicators, as in
        the report."""
        if self.is_bonus or self.na_outcome == "excluded":
            return Decimal(0)
        return self.points - self.score

    def explain(self, lang: Lang = "zh") -> str:
        """How the score came about, in Chinese (``zh``) or English (``en``).

        Parameters
        ----------
        lang:
            ``"zh"`` or ``"en"``.

        Returns
        -------
        str
            The explanation the engine writes for this indicator.
        """
        if self._native is None:
            raise ValueError("this result is not attached to an evaluation")
        return self._native.explain_indicator(self.id, lang)

    def __repr__(self) -> str:
        return f"<IndicatorResult {self.id} {self.name}: {format(self.score, 'f')} of {format(self.points, 'f')}>"


@dataclass(frozen=True)
class EvaluationAnswer:
    """The evaluation as the JSON layer answers it (``jixiao::wire::EvaluationAnswer``), every
    figure a ``Decimal``; ``Evaluation.answer`` builds it when it is first needed."""

    system: str
    total: Decimal
    exact_total: Decimal
    grade: str
    grade_en: Optional[str]
    full_points: Decimal
    tree_total: Decimal
    excluded_points: Decimal
    rescaled_total: Figure
    bonus_total: Decimal
    vetoes: list[Veto]
    indicators: list[IndicatorResult]
    bonus: list[IndicatorResult]
    explanation: str
    provenance: Provenance
    checks: list[Check] = field(default_factory=list)
    core_caps: list[CoreCap] = field(default_factory=list)

    def __post_init__(self) -> None:
        for r in self.bonus:
            object.__setattr__(r, "is_bonus", True)


class Evaluation:
    """The evaluation of one unit: every indicator (subtotals included, in pre-order), total,
    grade, vetoes, bonus, and the provenance. Scoring a unit costs no more than the engine's work:
    the figures become Python objects (``answer``) when one is first read. Two evaluations are
    equal when their answers are (every figure, text and the provenance); an evaluation pickles as
    its system and inputs (re-scored on loading)."""

    __slots__ = ("_scored", "_source", "_answer")

    def __init__(self, scored: Scored, system: IndicatorSystem, inputs: dict[str, InputValue]) -> None:
        """Made by ``IndicatorSystem.evaluate``."""
        self._scored = scored
        self._source = (system, inputs)
        self._answer: Optional[EvaluationAnswer] = None

    @property
    def answer(self) -> EvaluationAnswer:
        """The whole answer as Python objects (built once, when first needed)."""
        if self._answer is None:
            answer = self._scored.answer()
            for r in answer.indicators + answer.bonus:
                object.__setattr__(r, "_native", self._scored)
            self._answer = answer
        return self._answer

    @property
    def system_id(self) -> str:
        """The system's id."""
        return self.answer.system

    @property
    def total(self) -> Decimal:
        """The total (综合得分), rounded as the system says."""
        return self.answer.total

    @property
    def exact_total(self) -> Decimal:
        """The total before the final rounding."""
        return self.answer.exact_total

    @property
    def grade(self) -> str:
        """The grade (评价等次), e.g. ``优秀``."""
        return self.answer.grade

    @property
    def grade_en(self) -> Optional[str]:
        """The grade's English label, when the system gives one."""
        return self.answer.grade_en

    @property
    def full_points(self) -> Decimal:
        """Full points of the tree."""
        return self.answer.full_points

    @property
    def tree_total(self) -> Decimal:
        """Sum of the top-level scores."""
        return self.answer.tree_total

    @property
    def excluded_points(self) -> Decimal:
        """Points of indicators excluded as not applicable."""
        return self.answer.excluded_points

    @property
    def rescaled_total(self) -> Figure:
        """The tree total scaled to full points when indicators were excluded (按比例折算)."""
        return self.answer.rescaled_total

    @property
    def bonus_total(self) -> Decimal:
        """Bonus added, after its caps."""
        return self.answer.bonus_total

    @property
    def vetoes(self) -> list[Veto]:
        """The vetoes (一票否决) that applied."""
        return self.answer.vetoes

    @property
    def checks(self) -> list[Check]:
        """The system's data consistency checks (勾稽关系) as run on this unit."""
        return self.answer.checks

    @property
    def core_caps(self) -> list[CoreCap]:
        """The core indicators (核心指标) not met, each capping the grade."""
        return self.answer.core_caps

    @property
    def indicators(self) -> list[IndicatorResult]:
        """Every indicator of the tree in pre-order (parents before children)."""
        return self.answer.indicators

    @property
    def bonus(self) -> list[IndicatorResult]:
        """The bonus items' results."""
        return self.answer.bonus

    @property
    def explanation(self) -> str:
        """The whole evaluation in Chinese sentences (``explain(lang)`` for English)."""
        return self.answer.explanation

    @property
    def provenance(self) -> Provenance:
        """What produced the evaluation."""
        return self.answer.provenance

    def indicator(self, id: str) -> IndicatorResult:
        """The result of the indicator (tree node or bonus item) with this id.

        Parameters
        ----------
        id:
            An indicator id, e.g. ``"2.1.1"``.

        Returns
        -------
        IndicatorResult
            Its result; ``KeyError`` when the system has no such indicator.
        """
        for r in self.indicators + self.bonus:
            if r.id == id:
                return r
        raise KeyError(id)

    def __getitem__(self, id: str) -> IndicatorResult:
        return self.indicator(id)

    def explain(self, lang: Lang = "zh") -> str:
        """The whole evaluation in sentences.

        Parameters
        ----------
        lang:
            ``"zh"`` or ``"en"``.

        Returns
        -------
        str
            One line per indicator that lost points, then the total and grade.
        """
        return self._scored.explain(lang)

    def to_dict(self, lang: Lang = "zh") -> dict[str, object]:
        """The evaluation as the JSON layer gives it, every figure a ``decimal.Decimal``.

        Parameters
        ----------
        lang:
            Language of the explanations.

        Returns
        -------
        dict
            The wire answer (``jixiao::wire::EvaluationAnswer``) as plain dicts and lists.
        """
        return self._scored.to_dict(lang)

    def to_json(self, lang: Lang = "zh", indent: Optional[int] = None) -> str:
        """The evaluation as JSON text, exactly the JSON layer's (figures are decimal strings).

        Parameters
        ----------
        lang:
            Language of the explanations.
        indent:
            Pretty-print with this many spaces.

        Returns
        -------
        str
            The same text as ``jixiao.evaluate_json`` gives for the same system and inputs.
        """
        text = self._scored.to_json(lang)
        if indent is None:
            return text
        # Every figure is a string in this text, so parsing it and writing it again is exact.
        return json.dumps(json.loads(text), ensure_ascii=False, indent=indent)

    def to_frame(self, lang: Lang = "zh") -> pandas.DataFrame:
        """One row per indicator (tree, then bonus items) as a pandas DataFrame indexed by id.

        Parameters
        ----------
        lang:
            Language of the ``explanation`` column.

        Returns
        -------
        pandas.DataFrame
            Columns name, depth, parent, leaf, bonus, points, score, lost, value, rule, status,
            explanation; figures are ``decimal.Decimal``.
        """
        rows: list[dict[str, object]] = [
            {
                "id": r.id,
                "name": r.name,
                "depth": r.depth,
                "parent": r.parent,
                "leaf": r.leaf,
                "bonus": r.is_bonus,
                "points": r.points,
                "score": r.score,
                "lost": r.lost,
                "value": r.value,
                "rule": r.rule,
                "status": r.status,
                "explanation": r.explanation if lang == "zh" else r.explain(lang),
            }
            for r in self.indicators + self.bonus
        ]
        columns = ["id", "name", "depth", "parent", "leaf", "bonus", "points", "score", "lost", "value", "rule"]
        frame = _frame(rows, columns + ["status", "explanation"])
        return frame.set_index("id") if rows else frame

    @overload
    def report(self, format: Literal["xlsx"], lang: Lang = ...) -> bytes: ...
    @overload
    def report(self, format: TextFormat = ..., lang: Lang = ...) -> str: ...
    def report(self, format: ReportFormat = "text", lang: Lang = "zh") -> Union[str, bytes]:
        """The filled-in self-evaluation table (自评表), as the ``jixiao score`` command writes it.

        Parameters
        ----------
        format:
            ``text``, ``markdown`` (``md``), ``html``, ``csv`` (text) or ``xlsx`` (the bytes of an
            Excel workbook).
        lang:
            Language of the table.

        Returns
        -------
        str or bytes
            The report; ``bytes`` for ``xlsx``. ``save_report`` writes it to a file.
        """
        return self._scored.report(format, lang)

    def save_report(self, path: Union[str, os.PathLike[str]], format: Optional[ReportFormat] = None, lang: Lang = "zh") -> None:
        """Writes the self-evaluation table to a file, as ``jixiao score --out`` does (a CSV file
        starts with a byte-order mark, so that Excel reads it as UTF-8).

        Parameters
        ----------
        path:
            The file to write.
        format:
            As for ``report``; by default from the file's extension (``.txt`` and others: text).
        lang:
            Language of the table.
        """
        target = pathlib.Path(path)
        if format is None:
            suffixes: dict[str, ReportFormat] = {".md": "markdown", ".htm": "html", ".html": "html", ".csv": "csv", ".xlsx": "xlsx"}
            format = suffixes.get(target.suffix.lower(), "text")
        content = self._scored.report(format, lang)
        if isinstance(content, str):
            # As written (the CSV's CRLF row ends kept), UTF-8; CSV with a byte-order mark.
            content = content.encode("utf-8-sig" if format == "csv" else "utf-8")
        target.write_bytes(content)

    def _repr_html_(self) -> str:
        return html_fragment(self.report("html"))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Evaluation) and other.answer == self.answer

    def __reduce__(self) -> tuple[Callable[[IndicatorSystem, dict[str, InputValue]], Evaluation], tuple[object, ...]]:
        return (_evaluate, self._source)

    def __repr__(self) -> str:
        return f"<Evaluation {self.system_id}: total {format(self.total, 'f')} {self.grade}>"


def _evaluate(system: IndicatorSystem, inputs: dict[str, InputValue]) -> Evaluation:
    return system.evaluate(inputs)


def html_fragment(page: str) -> str:
    """The body of the engine's standalone HTML report, its styles scoped to a ``div``, so that a
    notebook shows it inline without restyling the page around it."""
    body = page.split("<body>", 1)[-1].rsplit("</body>", 1)[0].strip()
    body = body.replace("<h1>", "<p><strong>", 1).replace("</h1>", "</strong></p>", 1)
    style = (
        ".jixiao-report table{border-collapse:collapse;font-size:13px}"
        ".jixiao-report th,.jixiao-report td{border:1px solid #999;padding:3px 6px;vertical-align:top;text-align:left}"
        ".jixiao-report td.n{text-align:right;white-space:nowrap}"
        ".jixiao-report tr.total td{font-weight:bold}"
    )
    return f'<div class="jixiao-report"><style>{style}</style>{body}</div>'


# --- analyses ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CompareRow:
    """One indicator of a comparison: its score in ``a`` and ``b`` and the ``change``."""

    id: str
    name: str
    depth: int
    points: Decimal
    a: Figure
    b: Figure
    change: Figure


@dataclass(frozen=True)
class Comparison:
    """Two evaluations side by side (``what_if``: before/after the changes; ``compare``: a/b)."""

    rows: list[CompareRow]
    total_a: Decimal
    total_b: Decimal
    total_change: Decimal
    grade_a: str
    grade_b: str
    changed: list[str]
    explanation: str

    @property
    def total_before(self) -> Decimal:
        """The total before (of ``a``)."""
        return self.total_a

    @property
    def total_after(self) -> Decimal:
        """The total after (of ``b``)."""
        return self.total_b

    @property
    def grade_before(self) -> str:
        """The grade before (of ``a``)."""
        return self.grade_a

    @property
    def grade_after(self) -> str:
        """The grade after (of ``b``)."""
        return self.grade_b

    @property
    def frame(self) -> pandas.DataFrame:
        """One row per indicator: id, name, depth, points, before, after, change (``Decimal``)."""
        rows: list[dict[str, object]] = [
            {"id": r.id, "name": r.name, "depth": r.depth, "points": r.points, "before": r.a, "after": r.b, "change": r.change}
            for r in self.rows
        ]
        return _frame(rows, ["id", "name", "depth", "points", "before", "after", "change"])

    def explain(self) -> str:
        """What changed, indicator by indicator, and the total and grade."""
        return self.explanation

    def _repr_html_(self) -> str:
        caption = f"{self.total_a} → {self.total_b} ({self.total_change:+}), {self.grade_a} → {self.grade_b}"
        rows: list[list[object]] = [[r.id, r.name, r.points, r.a, r.b, r.change] for r in self.rows if r.change]
        return _html_table(caption, ["id", "name", "points", "before", "after", "change"], rows)

    def __repr__(self) -> str:
        return (
            f"<Comparison {self.total_a} → {self.total_b} ({self.total_change:+}), "
            f"{self.grade_a} → {self.grade_b}, changed: {', '.join(self.changed) or 'none'}>"
        )


@dataclass(frozen=True)
class Reading:
    """A common way of computing a score that gives a claim the figures do not: ``code`` is
    ``unrounded``, ``rounded``, ``counting`` or ``rate_rounded_first``; ``text`` says which (in the
    audit's language); ``score`` is the score it gives."""

    code: str
    score: Decimal
    text: str


@dataclass(frozen=True)
class Discrepancy:
    """One claim that does not follow from the figures. ``kind`` is ``score``,
    ``unknown_indicator``, ``out_of_range``, ``group_sum``, ``total``, ``total_sum``, ``grade`` or
    ``grade_of_claimed_total``; ``claimed``/``computed`` are text (a figure or a grade);
    ``difference`` is computed − claimed for figures; ``readings`` are the common ways of
    computing that would give a claimed score (empty when none does)."""

    kind: str
    id: Optional[str]
    name: Optional[str]
    claimed: str
    computed: str
    difference: Figure
    explanation: Optional[str]
    readings: list[Reading]


@dataclass(frozen=True)
class ReviewRow:
    """One row of the review table (复核表): an indicator's self-evaluated (``claimed``, 自评) and
    reviewed (``reviewed``, 复核) score, ``difference`` = reviewed − claimed, and the ``opinion``
    (复核意见) when they differ."""

    id: str
    name: str
    depth: int
    points: Decimal
    claimed: Figure
    reviewed: Decimal
    difference: Figure
    opinion: Optional[str]


@dataclass(frozen=True)
class Audit:
    """A unit recomputed against its claims (复核): the computed ``total`` and ``grade`` and every
    discrepancy; ``ok`` when there is none."""

    total: Decimal
    grade: str
    discrepancies: list[Discrepancy]
    rows: list[ReviewRow]
    inflated: Figure
    explanation: str

    @property
    def ok(self) -> bool:
        """Whether the claims follow from the figures."""
        return not self.discrepancies

    @property
    def frame(self) -> pandas.DataFrame:
        """The discrepancies: kind, id, name, claimed, computed, difference, explanation and the
        readings that would give each claim (their texts, joined with "；")."""
        columns = [f.name for f in dataclasses.fields(Discrepancy)]
        rows = [{**dataclasses.asdict(d), "readings": "；".join(r.text for r in d.readings)} for d in self.discrepancies]
        return _frame(rows, columns)

    def explain(self) -> str:
        """The discrepancies in words (or that there is none)."""
        return self.explanation

    def _repr_html_(self) -> str:
        caption = f"total {self.total} {self.grade}: {len(self.discrepancies)} discrepancies"
        rows: list[list[object]] = [[d.kind, d.id, d.name, d.claimed, d.computed, d.difference] for d in self.discrepancies]
        return _html_table(caption, ["kind", "id", "name", "claimed", "computed", "difference"], rows)

    def __repr__(self) -> str:
        return f"<Audit total {self.total} {self.grade}: {len(self.discrepancies)} discrepancies>"


@dataclass(frozen=True)
class BreakpointChange:
    """One indicator's score just before a breakpoint and at it."""

    id: str
    name: str
    before: Figure
    at: Figure
    explanation: Optional[str]


@dataclass(frozen=True)
class Breakpoint:
    """A value of the input where some score changes; ``error`` when the unit cannot be scored there."""

    at: Decimal
    total_before: Figure
    total_at: Figure
    grade_before: Optional[str]
    grade_at: Optional[str]
    error: Optional[str]
    indicators: list[BreakpointChange]


@dataclass(frozen=True)
class Sensitivity:
    """The exact breakpoints of ``input`` over [``from_``, ``to``] at its ``resolution``."""

    input: str
    from_: Decimal
    to: Decimal
    resolution: Decimal
    breakpoints: list[Breakpoint]
    explanation: str

    @property
    def frame(self) -> pandas.DataFrame:
        """One row per breakpoint and changed indicator (a breakpoint where none changes is one row
        with ``id`` None): at, id, name, before, after, total_before, total_at, grade_before,
        grade_at, explanation, error."""
        rows: list[dict[str, object]] = []
        for b in self.breakpoints:
            common: dict[str, object] = {"at": b.at, "total_before": b.total_before, "total_at": b.total_at}
            common.update(grade_before=b.grade_before, grade_at=b.grade_at, error=b.error)
            changes = b.indicators or [BreakpointChange(id="", name="", before=None, at=None, explanation=None)]
            for c in changes:
                cells = {"id": c.id or None, "name": c.name or None, "before": c.before, "after": c.at}
                rows.append({**common, **cells, "explanation": c.explanation})
        columns = ["at", "id", "name", "before", "after", "total_before", "total_at", "grade_before", "grade_at"]
        frame = _frame(rows, columns + ["explanation", "error"])
        frame.attrs["explanation"] = self.explanation
        return frame

    def explain(self) -> str:
        """The breakpoints in words."""
        return self.explanation

    def _repr_html_(self) -> str:
        rows: list[list[object]] = [
            [b.at, ", ".join(c.id for c in b.indicators), b.total_before, b.total_at, b.grade_at, b.error]
            for b in self.breakpoints
        ]
        caption = f"{self.input}: {self.from_} – {self.to}, {len(self.breakpoints)} breakpoints"
        return _html_table(caption, ["at", "indicators", "total before", "total at", "grade at", "error"], rows)

    def __repr__(self) -> str:
        return f"<Sensitivity {self.input} {self.from_}–{self.to}: {len(self.breakpoints)} breakpoints>"


@dataclass(frozen=True)
class Target:
    """The least change of ``input`` that reaches the goal: the ``required`` value (None when
    ``unreachable``, which then says why), the ``change`` from ``current``, the ``total`` and
    ``grade`` reached there, the indicators ``deciding`` it, and ``message`` in words."""

    input: str
    current: Decimal
    required: Figure
    change: Figure
    total: Figure
    grade: Optional[str]
    deciding: list[str]
    unreachable: Optional[str]
    message: str

    @property
    def reachable(self) -> bool:
        """Whether the goal can be reached."""
        return self.required is not None

    def _repr_html_(self) -> str:
        rows: list[list[object]] = [
            ["current", self.current],
            ["required", self.required],
            ["change", self.change],
            ["total", self.total],
            ["grade", self.grade],
            ["deciding", ", ".join(self.deciding)],
            ["unreachable", self.unreachable],
        ]
        return _html_table(f"{self.input}: {self.message}", ["", "value"], rows)

    def __repr__(self) -> str:
        if self.required is None:
            return f"<Target {self.input}: unreachable ({self.unreachable})>"
        return f"<Target {self.input} = {self.required} (change {self.change}): total {self.total}, {self.grade}>"


def _sensitivity(**fields: object) -> Sensitivity:
    fields["from_"] = fields.pop("from")
    return Sensitivity(**fields)  # type: ignore[arg-type]


WIRE_TYPES: dict[str, Callable[..., object]] = {
    "InputInfo": Input,
    "IndicatorInfo": Indicator,
    "GradeInfo": Grade,
    "RowInfo": SystemRow,
    "SystemInfo": SystemInfo,
    "DeductionAnswer": Deduction,
    "VetoAnswer": Veto,
    "CheckAnswer": Check,
    "CoreCapAnswer": CoreCap,
    "Provenance": Provenance,
    "IndicatorAnswer": IndicatorResult,
    "EvaluationAnswer": EvaluationAnswer,
    "CompareRowAnswer": CompareRow,
    "ComparisonAnswer": Comparison,
    "DiscrepancyAnswer": Discrepancy,
    "ReadingAnswer": Reading,
    "ReviewRowAnswer": ReviewRow,
    "AuditAnswer": Audit,
    "BreakpointChangeAnswer": BreakpointChange,
    "BreakpointAnswer": Breakpoint,
    "SensitivityAnswer": _sensitivity,
    "TargetAnswer": Target,
}
"""The Rust answer type's name → the class (or factory) the native module builds for it."""


_OMITTED_WHEN_EMPTY = frozenset({"core", "checks", "core_caps", "left", "right", "tolerance"})
"""Fields the JSON layer leaves out when false, empty or absent."""


def _empty(value: object) -> bool:
    """``False``, ``None`` or an empty list (a zero ``Decimal`` is a figure, not empty)."""
    return value is None or value is False or (isinstance(value, list) and not value)


def wire(result: object) -> object:
    """A result object back in its wire form (what the JSON layer writes for it): dataclasses as
    dicts under the wire's field names, ``Decimal`` as its exact text. The conformance runner
    compares this with the JSON layer's expected output."""
    if isinstance(result, Decimal):
        return format(result, "f")
    if isinstance(result, list):
        return [wire(x) for x in result]
    if isinstance(result, dict):
        return {k: wire(v) for k, v in result.items()}
    if dataclasses.is_dataclass(result) and not isinstance(result, type):
        return {
            f.name.rstrip("_"): wire(getattr(result, f.name))
            for f in dataclasses.fields(result)
            if not f.name.startswith("_")
            and f.name != "is_bonus"
            and not (f.name in _OMITTED_WHEN_EMPTY and _empty(getattr(result, f.name)))
        }
    return result


__all__ = [
    "Audit",
    "Breakpoint",
    "BreakpointChange",
    "Check",
    "CompareRow",
    "Comparison",
    "CoreCap",
    "Deduction",
    "Discrepancy",
    "Reading",
    "ReviewRow",
    "Evaluation",
    "EvaluationAnswer",
    "Grade",
    "Indicator",
    "IndicatorResult",
    "Input",
    "Provenance",
    "Sensitivity",
    "SystemInfo",
    "SystemRow",
    "Target",
    "Veto",
    "WIRE_TYPES",
    "html_fragment",
    "wire",
]
