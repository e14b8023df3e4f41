"""Properties (hypothesis): batch equals single; Decimal in gives the same Decimal out as the Rust
JSON layer; a float is read as its shortest round-trip text; no input reaches a Rust panic."""

from __future__ import annotations

import json
import math
import os
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import jixiao
from jixiao import IndicatorSystem

SYSTEM = IndicatorSystem.builtin("hunan-dept")
TEXT = SYSTEM.to_json()
# JIXIAO_HYPOTHESIS_EXAMPLES=1000 for a longer search.
EXAMPLES = int(os.environ.get("JIXIAO_HYPOTHESIS_EXAMPLES", "60"))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def value_strategy(decl: jixiao.Input) -> st.SearchStrategy[Any]:
    if decl.kind == "boolean":
        return st.booleans()
    if decl.kind == "count":
        return st.integers(min_value=0, max_value=6)
    if decl.kind == "level":
        return st.sampled_from(decl.levels)
    if decl.kind == "checklist":
        return st.lists(st.sampled_from(decl.items), unique=True)
    low = decl.min if decl.min is not None else Decimal(0)
    high = decl.max if decl.max is not None else Decimal(100000)
    fractional = st.decimals(min_value=low, max_value=high, places=4, allow_nan=False, allow_infinity=False)
    whole = st.integers(min_value=int(low), max_value=int(high)).map(Decimal)
    return fractional | whole


UNIT = st.fixed_dictionaries(
    {d.name: value_strategy(d) for d in SYSTEM.inputs if d.required},
    optional={d.name: value_strategy(d) for d in SYSTEM.inputs if not d.required},
)


def as_json(unit: dict[str, Any]) -> str:
    return json.dumps({k: str(v) if isinstance(v, Decimal) else v for k, v in unit.items()}, ensure_ascii=False)


def outcome(unit: dict[str, Any]) -> jixiao.Evaluation | jixiao.JixiaoError:
    try:
        return SYSTEM.evaluate(unit)
    except jixiao.JixiaoError as e:
        return e


@SETTINGS
@given(UNIT)
def test_decimal_in_same_decimal_out_as_the_json_layer(unit: dict[str, Any]) -> None:
    mine = outcome(unit)
    try:
        theirs: Any = json.loads(jixiao.evaluate_json(TEXT, as_json(unit)))
    except jixiao.JixiaoError as e:
        assert isinstance(mine, jixiao.JixiaoError), mine
        assert (mine.kind, str(mine), mine.errors) == (e.kind, str(e), e.errors)
        return
    assert isinstance(mine, jixiao.Evaluation), mine
    assert json.loads(mine.to_json()) == theirs
    assert mine.total == Decimal(theirs["total"]) and isinstance(mine.total, Decimal)
    assert mine.exact_total == Decimal(theirs["exact_total"])
    assert mine.grade == theirs["grade"]
    for r, t in zip(mine.indicators, theirs["indicators"]):
        assert (r.id, r.score, r.exact_score) == (t["id"], Decimal(t["score"]), Decimal(t["exact_score"]))
        assert r.value == (None if t["value"] is None else Decimal(t["value"]))
        assert [d.amount for d in r.deductions] == [Decimal(d["amount"]) for d in t["deductions"]]
    as_dict = mine.to_dict()
    assert as_dict["total"] == Decimal(theirs["total"])
    assert [x["score"] for x in as_dict["indicators"]] == [Decimal(x["score"]) for x in theirs["indicators"]]


def same_outcome(a: jixiao.Evaluation | jixiao.JixiaoError, b: jixiao.Evaluation | jixiao.JixiaoError) -> None:
    if isinstance(a, jixiao.JixiaoError) or isinstance(b, jixiao.JixiaoError):
        assert isinstance(a, jixiao.JixiaoError) and isinstance(b, jixiao.JixiaoError), (a, b)
        # The same problem; the message shows the number as it was given (1e-186 or 1E-186).
        where = [(x["path"], x["input"], x["kind"]) for x in a.errors]
        assert (a.kind, where) == (b.kind, [(x["path"], x["input"], x["kind"]) for x in b.errors])
    else:
        assert a.to_json() == b.to_json()


def significant_digits(f: float) -> int:
    """The significant digits of a float's repr() (0.0090 → 1, 1200.0 → 2)."""
    return len("".join(map(str, Decimal(repr(f)).as_tuple().digits)).strip("0"))


@SETTINGS
@given(st.floats(allow_nan=False, allow_infinity=False, min_value=0, max_value=1e9), st.floats(0, 1))
def test_a_float_is_read_as_its_shortest_text(amount: float, rate: float) -> None:
    """A float is the decimal its repr() writes; one whose repr needs 16 or 17 significant digits
    (binary noise, such as 0.1 + 0.2) is an input error naming it, in a mapping and in an Arrow
    column alike."""
    base = SYSTEM.example_inputs() or {}
    with_floats = {**base, "本年追加": amount, "满意度": rate}
    noisy = [k for k, f in (("本年追加", amount), ("满意度", rate)) if significant_digits(f) > 15]
    if noisy:
        got = outcome(with_floats)
        assert isinstance(got, jixiao.InputError), got
        # (Beyond 28 decimal places, the range error comes first.)
        assert got.code in ("float_noise", "beyond_decimal_range"), got
        assert "looks like binary floating-point noise" in got.message_en or "exact decimal range" in got.message_en, got
        assert "二进制浮点运算误差" in str(got) or "超出精确小数的范围" in str(got), got
        assert set(noisy) <= set(got.inputs), got
    else:
        with_repr = {**base, "本年追加": Decimal(repr(amount)), "满意度": Decimal(repr(rate))}
        same_outcome(outcome(with_floats), outcome(with_repr))
    pa = pytest.importorskip("pyarrow")
    # The same through an Arrow float64 column, read in Rust.
    table = pa.Table.from_pylist([{**base, "本年追加": amount, "满意度": rate, **{
        k: "、".join(v) for k, v in base.items() if isinstance(v, list)}}])
    row = SYSTEM.evaluate_batch(table, output="dict")
    single = outcome(with_floats)
    if isinstance(single, jixiao.Evaluation):
        assert row["total"] == [single.total] and row["error"] == [None]
    else:
        assert row["error"] == [str(single)]


def plain_unit(**figures: Decimal) -> dict[str, Any]:
    """Every input at its plainest (numbers 0, levels 完善/达成, lists empty, no), but `figures`."""
    unit: dict[str, Any] = {}
    for d in SYSTEM.inputs:
        if d.kind == "level":
            unit[d.name] = next(level for level in d.levels if level in ("完善", "达成"))
        elif d.kind == "checklist":
            unit[d.name] = []
        elif d.kind == "boolean":
            unit[d.name] = False
        else:
            unit[d.name] = Decimal(0)
    ones = dict.fromkeys(["编制数", "年初预算", "公用经费预算数", "固定资产总额"], Decimal(1))
    return {**unit, **ones, **figures}


@SETTINGS
@given(st.lists(UNIT, min_size=0, max_size=12))
# Found by hypothesis (before figures were stated): the second unit's scores of 28 places set their
# columns' scale, at which the first unit's 7.9232 (groups `3` and `3.1`) no longer fit a 96-bit
# decimal and came back None. test_batch_types runs the same units through an exact system.
@example(
    [
        plain_unit(计划工作任务数=Decimal("1.0000"), 按时完成工作任务数=Decimal("0.9808")),
        plain_unit(计划工作任务数=Decimal("1.6130"), 按时完成工作任务数=Decimal(1)),
    ]
)
def test_batch_equals_single(batch: list[dict[str, Any]]) -> None:
    pd = pytest.importorskip("pandas")
    pa = pytest.importorskip("pyarrow")
    pl = pytest.importorskip("polars")
    singles = [outcome(u) for u in batch]
    # Checklists as a sheet holds them: one text cell. An empty one would mean "not given" in a
    # table, so tables get the units whose lists are non-empty; lists of dicts get every unit.
    def cell(v: Any) -> Any:
        return "、".join(v) if isinstance(v, list) else v

    tabular = [i for i, u in enumerate(batch) if all(not isinstance(v, list) or v for v in u.values())]
    rows = [{k: cell(v) for k, v in batch[i].items()} for i in tabular]
    names = sorted({k for u in rows for k in u})
    results = {"records": (SYSTEM.evaluate_batch(batch, output="dict"), list(range(len(batch))))}
    if rows and all(set(r) == set(names) for r in rows):
        frame = pd.DataFrame(rows, columns=names)
        results["pandas"] = (SYSTEM.evaluate_batch(frame, output="dict"), tabular)
        table = pa.Table.from_pylist(rows)
        results["arrow"] = (SYSTEM.evaluate_batch(table, output="dict"), tabular)
        polars_frame = pl.from_arrow(table)
        results["polars"] = (SYSTEM.evaluate_batch(polars_frame, output="dict"), tabular)
    for source, (out, index) in results.items():
        assert len(out["total"]) == len(index), source
        for row, i in enumerate(index):
            single = singles[i]
            if isinstance(single, jixiao.Evaluation):
                assert out["error"][row] is None, (source, out["error"][row])
                assert out["total"][row] == single.total, source
                assert out["grade"][row] == single.grade, source
                for r in single.indicators:
                    assert out[r.id][row] == r.score, (source, r.id)
            else:
                assert out["error"][row] == str(single), source
                assert out["total"][row] is None


@SETTINGS
@given(st.text(max_size=300))
def test_any_system_text_loads_or_raises_a_validation_error(text: str) -> None:
    for load in (IndicatorSystem.from_json, IndicatorSystem.from_toml, IndicatorSystem.from_text):
        try:
            load(text)
        except jixiao.ValidationError as e:
            assert e.kind in ("syntax", "validation") and e.errors


VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.decimals(),
    st.text(max_size=20),
    st.lists(st.text(max_size=5), max_size=3),
    st.dictionaries(st.sampled_from(["level", "score", "x"]), st.one_of(st.text(max_size=5), st.decimals())),
    st.builds(object),
)


@SETTINGS
@given(st.dictionaries(st.sampled_from(SYSTEM.input_names + ["未知"]), VALUES, max_size=8))
def test_any_inputs_score_or_raise_a_jixiao_error(partial: dict[str, Any]) -> None:
    unit = {**(SYSTEM.example_inputs() or {}), **partial}
    try:
        result = SYSTEM.evaluate(unit)
    except jixiao.JixiaoError as e:
        assert isinstance(e, (jixiao.InputError, jixiao.EvaluationError)) and e.errors
        return
    assert Decimal(0) <= result.total <= Decimal(100) and not math.isnan(float(result.total))
