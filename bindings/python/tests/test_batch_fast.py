"""evaluate_batch's fast path (cells set by slot, scores without full evaluations) against single
`evaluate` calls: every figure, every error string, and the explanations, for units that score,
units with missing, blank, unreadable and invalid cells, units whose optional inputs fall back to
their defaults, and units that fail while scoring; from pyarrow, pandas and lists of dicts."""

from __future__ import annotations

import math
import random
from decimal import Decimal
from typing import Any

import pytest

import jixiao
from jixiao import IndicatorSystem, Level

pd = pytest.importorskip("pandas")
pa = pytest.importorskip("pyarrow")

SYSTEM = IndicatorSystem.builtin("hunan-dept")
EXAMPLE: dict[str, Any] = SYSTEM.example_inputs() or {}
IDS = [i.id for i in SYSTEM.walk()]
INPUTS = {i.name: i for i in SYSTEM.inputs}
OPTIONAL = sorted(n for n, i in INPUTS.items() if not i.required)
REQUIRED = sorted(n for n, i in INPUTS.items() if i.required)
CHECKLISTS = sorted(n for n, i in INPUTS.items() if i.kind == "checklist")
COUNTS = sorted(n for n, i in INPUTS.items() if i.kind == "count")
#: Numbers held as integers in every source (int64 columns in Arrow).
WHOLE = sorted(n for n in INPUTS if isinstance(EXAMPLE.get(n), int) and not isinstance(EXAMPLE.get(n), bool))
#: Numbers held as decimals (decimal128 columns in Arrow), but for 满意度, a float (float64).
DECIMALS = sorted(
    n for n, i in INPUTS.items() if i.kind == "number" and n not in WHOLE and n != "满意度"
)

#: Table columns in an order other than the inputs' names (the engine reports problems by name).
TABLE_ORDER = [i.name for i in SYSTEM.inputs][::-1]

# Cells the engine rejects (reported by name, in name order, single or batch).
ENGINE_INVALID: list[dict[str, Any]] = [
    {"经济效益": "很好"},
    {"经济效益": "很好", "基础信息完善程度": "好"},
    {"预算管理制度": "不存在的制度"},
    {"违规使用资金事项": -1},
    {"满意度": 1.5},
]
# Text in a number column (only a list of dicts or an object column holds it).
NOT_A_NUMBER = {"年初预算": "abc"}
# Units that fail while scoring.
SCORING_ERRORS: list[dict[str, Any]] = [
    {"编制数": 0},
    {"经济效益": "部分达成:1.9"},
    {"上年结转": Decimal(0), "年初预算": Decimal(0), "本年追加": Decimal(0)},
]


def money(rng: random.Random, low: int, high: int) -> Decimal:
    return Decimal(rng.randrange(low * 100, high * 100)) / 100


def base_unit(rng: random.Random) -> dict[str, Any]:
    """A department that scores, in the types every source can hold: decimals, whole numbers, a
    float ratio, text levels and checklists as text, a bool."""
    u: dict[str, Any] = {}
    for name in DECIMALS:
        if name in EXAMPLE:
            u[name] = Decimal(str(EXAMPLE[name]))
    for name in WHOLE:
        u[name] = int(EXAMPLE[name])
    budget = money(rng, 500, 5000)
    u["年初预算"] = budget
    u["本年追加"] = (budget * rng.choice([Decimal(0), Decimal("0.08"), Decimal("0.25")])).quantize(Decimal("0.01"))
    u["年末结余"] = money(rng, 0, 400)
    u["上年结转"] = money(rng, 0, 1500)
    u["公用经费实际支出数"] = money(rng, 400, 500)
    u["本年三公经费实际支出数"] = money(rng, 30, 70)
    u["在职人员数"] = rng.randrange(60, 90)
    u["违规使用资金事项"] = rng.choice([0, 0, 1, 2])
    u["有新建楼堂馆所项目"] = False
    u["满意度"] = rng.randrange(7000, 10001) / 10000
    u["基础信息完善程度"] = rng.choice(["完善", "基本完善", "不完善"])
    u["经济效益"] = rng.choice(["达成", "部分达成:1.2", "未达成（0.5分）", "达成(1.9分)"])
    u["社会效益"] = rng.choice(["达成", "部分达成：1.5"])
    u["生态效益"] = "达成"
    for name in CHECKLISTS:
        items = [i for i in EXAMPLE[name] if rng.random() < 0.8] or EXAMPLE[name][:1]
        u[name] = "、".join(items)
    return u


def varied_units(n: int, seed: int) -> list[dict[str, Any]]:
    """Units of every kind: plain, with optional inputs left to their defaults, with a required
    input missing, with new buildings (optional inputs given), with cells the engine rejects, and
    with units that fail while scoring."""
    rng = random.Random(seed)
    out = []
    for k in range(n):
        u = base_unit(rng)
        kind = k % 10
        if kind == 1:
            for name in rng.sample(OPTIONAL, 3):
                if name != "有新建楼堂馆所项目":
                    u.pop(name, None)
        elif kind == 2:
            u.pop(rng.choice(REQUIRED))
        elif kind == 3:
            u.pop(rng.choice(REQUIRED))
            u.pop(rng.choice(OPTIONAL), None)
            u.update(rng.choice(ENGINE_INVALID))
        elif kind == 4:
            u["有新建楼堂馆所项目"] = True
            u["楼堂馆所批准面积"] = Decimal(1000)
            u["楼堂馆所实际面积"] = money(rng, 900, 1200)
            u["楼堂馆所批准概算"] = Decimal(500)
            u["楼堂馆所实际投资"] = money(rng, 450, 600)
        elif kind == 5:
            u.update(rng.choice(ENGINE_INVALID))
        elif kind == 6:
            u.update(rng.choice(SCORING_ERRORS))
        elif kind == 7:
            u["资产管理问题数"] = rng.choice([0, 1, 3, 5])
            u["政府采购预算数"] = Decimal(250)
            u["政府采购实际金额"] = money(rng, 80, 250)
        out.append(u)
    return out


def single(unit: dict[str, Any], lang: str | None = None) -> jixiao.Evaluation | str:
    """The unit's evaluation, or its error message in the batch's language (the `error` column
    speaks Chinese unless `lang="en"`)."""
    try:
        return SYSTEM.evaluate(unit)
    except jixiao.JixiaoError as e:
        return e.message_en if lang == "en" else e.message_zh


def check(rows: list[dict[str, Any]], expected: list[dict[str, Any]], lang: str | None, varied: bool = True) -> None:
    """Each row equals `evaluate` of its unit: every indicator's score, total, grade, error and
    explanation."""
    assert len(rows) == len(expected)
    kinds = {"ok": 0, "error": 0}
    for row, unit in zip(rows, expected):
        e = single(unit, lang)
        if isinstance(e, str):
            kinds["error"] += 1
            assert row["error"] == e, (row["error"], e)
            assert row["total"] is None and row["grade"] is None
            assert all(row[i] is None for i in IDS)
            if lang is not None:
                assert row["explanation"] is None
            continue
        kinds["ok"] += 1
        assert row["error"] is None, row["error"]
        assert row["total"] == e.total and isinstance(row["total"], Decimal)
        assert row["grade"] == e.grade
        results = [*e.indicators, *e.bonus]
        assert [r.id for r in results] == IDS
        for r in results:
            assert row[r.id] == r.score, (r.id, row[r.id], r.score)
        if lang is not None:
            assert row["explanation"] == e.explain(lang)  # type: ignore[arg-type]
    if varied:
        # The units are varied enough to exercise both outcomes.
        assert kinds["ok"] > len(rows) // 3 and kinds["error"] > len(rows) // 10, kinds


def columns(lang: str | None) -> list[str]:
    return IDS + ["total", "grade", "error", "warning"] + (["explanation"] if lang is not None else [])


def batch(data: Any, lang: str | None, **options: Any) -> list[dict[str, Any]]:
    out = SYSTEM.evaluate_batch(data, output="arrow", explain=lang is not None, lang=lang or "zh", **options)
    assert isinstance(out, pa.Table)
    names = out.column_names
    assert names[len(names) - len(columns(lang)) :] == columns(lang)
    rows: list[dict[str, Any]] = out.to_pylist()
    return rows


LANGS = [None, "zh", "en"]


@pytest.mark.parametrize("lang", LANGS)
def test_list_of_dicts(lang: str | None) -> None:
    units = varied_units(400, seed=11)
    rng = random.Random(5)
    for k, u in enumerate(units):
        # Python values a table cannot hold: Level objects, lists of items, numbers as text.
        if k % 7 == 0:
            u["社会效益"] = Level("部分达成", Decimal("1.3"))
        if k % 7 == 1 and "预决算公开" in u:
            u["预决算公开"] = u["预决算公开"].split("、")
        if k % 7 == 2 and "固定资产总额" in u:
            u["固定资产总额"] = str(u["固定资产总额"])
        if k % 11 == 3:
            u.update(NOT_A_NUMBER)
        # One value that cannot be read at all (with other problems, reported first).
        if k % 23 == 9:
            u[rng.choice(REQUIRED)] = object()
        if k % 29 == 10:
            u["年初预算"] = None
    rows = batch(units, lang)
    check(rows, units, lang)
    # Input names the system does not declare fail their own unit only (read by name).
    misspelt = [dict(units[0], 编制=3), dict(units[0], 编制=3, 编制数=object()), units[0]]
    check(batch(misspelt, lang), misspelt, lang, varied=False)
    assert "编制" in single(misspelt[0])  # type: ignore[operator]
    # An id column and ignored keys are left out of the inputs.
    named = [dict(u, 部门=f"部门{k}", 备注="x") for k, u in enumerate(units[:50])]
    out = SYSTEM.evaluate_batch(named, id_column="部门", ignore=["备注"], output="arrow")
    assert out.column("id").to_pylist() == [f"部门{k}" for k in range(50)]
    assert out.column("total").to_pylist() == [r["total"] for r in rows[:50]]


def for_pandas(unit: dict[str, Any]) -> dict[str, Any]:
    """What a unit says once in a pandas table: no value (None, NaN, a blank text) is no input."""
    return {
        k: v
        for k, v in unit.items()
        if not (v is None or (isinstance(v, float) and math.isnan(v)) or (isinstance(v, str) and not v.strip()))
    }


@pytest.mark.parametrize("lang", LANGS)
def test_pandas(lang: str | None) -> None:
    units = varied_units(400, seed=12)
    for k, u in enumerate(units):
        if k % 13 == 4:
            u["生态效益"] = "  "  # blank: not given
        if k % 17 == 6:
            u["满意度"] = float("nan")  # pandas' empty cell
        if k % 19 == 8:
            u["出租出借固定资产"] = None  # optional: its default
    frame = pd.DataFrame(units, columns=TABLE_ORDER)
    assert jixiao._frames.prepare(frame)[1] == "arrow"  # typed columns: read through Arrow
    rows = batch(frame, lang)
    check(rows, [for_pandas(u) for u in units], lang)
    # The DataFrame that comes back (the default output) carries the same figures and the index.
    indexed = frame.set_axis([f"u{k}" for k in range(len(frame))])
    out = SYSTEM.evaluate_batch(indexed, explain=lang is not None, lang=lang or "zh")
    assert list(out.index) == list(indexed.index)
    assert list(out.columns) == columns(lang)
    totals = [None if v is pd.NA or v is None else v for v in out["total"].astype(object)]
    assert totals == [r["total"] for r in rows]


@pytest.mark.parametrize("lang", [None, "zh"])
def test_pandas_object_columns_value_by_value(lang: str | None) -> None:
    """Columns mixing Python types (which Arrow cannot type) are read value by value, unreadable
    values included."""
    units = varied_units(200, seed=13)
    for k, u in enumerate(units):
        if k % 3 == 0 and "年初预算" in u:
            u["年初预算"] = str(u["年初预算"])  # text among decimals
        if k % 11 == 3:
            u.update(NOT_A_NUMBER)
        if k % 31 == 5:
            u["固定资产总额"] = object()  # cannot be read
        if k % 5 == 1 and isinstance(u.get("预决算公开"), str):
            u["预决算公开"] = u["预决算公开"].split("、")
    frame = pd.DataFrame(units, columns=TABLE_ORDER)
    assert jixiao._frames.prepare(frame)[1] == "columns"
    check(batch(frame, lang), [for_pandas(u) for u in units], lang)


def arrow_table(units: list[dict[str, Any]], chunk: int) -> Any:
    """The units as a typed Arrow table in several record batches: whole numbers as int64,
    decimals as decimal128, 满意度 as float64 (a NaN is a value there: an error), text, a bool, a
    dictionary-encoded level, one checklist as a list of text; missing values as nulls."""
    data: dict[str, Any] = {}
    for name in TABLE_ORDER:
        values = [u.get(name) for u in units]
        if name in WHOLE or name in COUNTS:
            typed = pa.array(values, pa.int64())
        elif name == "满意度":
            typed = pa.array(values, pa.float64())
        elif name in DECIMALS:
            typed = pa.array([None if v is None else Decimal(v) for v in values], pa.decimal128(20, 2))
        elif name == "有新建楼堂馆所项目":
            typed = pa.array(values, pa.bool_())
        elif name == "基础信息完善程度":
            typed = pa.array(values, pa.string()).dictionary_encode()
        elif name == "预算管理制度":
            typed = pa.array([None if v is None else v.split("、") for v in values], pa.list_(pa.string()))
        else:
            typed = pa.array(values, pa.large_string() if name in CHECKLISTS else pa.string())
        data[name] = typed
    table = pa.table(data)
    return pa.Table.from_batches(table.to_batches(max_chunksize=chunk))


@pytest.mark.parametrize("lang", LANGS)
def test_pyarrow(lang: str | None) -> None:
    units = varied_units(400, seed=14)
    for k, u in enumerate(units):
        if k % 17 == 6:
            u["满意度"] = float("nan")
        if k % 13 == 4:
            u["生态效益"] = "   "  # blank: not given
    table = arrow_table(units, chunk=150)
    assert table.num_rows == 400 and len(table.to_batches()) == 3
    expected = [
        {k: v for k, v in u.items() if v is not None and not (isinstance(v, str) and not v.strip())} for u in units
    ]
    check(batch(table, lang), expected, lang)
    # A RecordBatch and an id column carried over as it is.
    with_ids = table.append_column("code", pa.array(range(400), pa.int64()))
    out = SYSTEM.evaluate_batch(with_ids, id_column="code", output="arrow")
    assert out.column_names[0] == "code" and out.column("code").to_pylist() == list(range(400))
    assert out.column("total").to_pylist() == [r["total"] for r in batch(table, None)]
    rb = table.to_batches()[0]
    assert SYSTEM.evaluate_batch(rb, output="arrow").column("total").to_pylist() == [
        r["total"] for r in batch(table, None)[: rb.num_rows]
    ]


def test_sources_agree() -> None:
    """The same units from the three sources give the same table."""
    units = varied_units(120, seed=15)
    from_list = SYSTEM.evaluate_batch(units, output="arrow")
    from_pandas = SYSTEM.evaluate_batch(pd.DataFrame(units, columns=TABLE_ORDER), output="arrow")
    from_arrow = SYSTEM.evaluate_batch(arrow_table(units, chunk=50), output="arrow")
    for name in columns(None):
        a = from_list.column(name).to_pylist()
        assert a == from_pandas.column(name).to_pylist() == from_arrow.column(name).to_pylist(), name
