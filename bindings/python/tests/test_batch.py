"""evaluate_batch over pandas, polars, pyarrow and lists of dicts: batch equals single."""

from __future__ import annotations

import random
from decimal import Decimal
from typing import Any

import pytest

import jixiao
from jixiao import IndicatorSystem

pd = pytest.importorskip("pandas")
pa = pytest.importorskip("pyarrow")
pl = pytest.importorskip("polars")

SYSTEM = IndicatorSystem.builtin("hunan-dept")
EXAMPLE: dict[str, Any] = SYSTEM.example_inputs() or {}
IDS = [i.id for i in SYSTEM.walk()]
CHECKLISTS = {i.name for i in SYSTEM.inputs if i.kind == "checklist"}


def units(n: int, seed: int = 7) -> list[dict[str, Any]]:
    """Departments around the example, with checklists as text cells (`a、b`) as a sheet has them."""
    rng = random.Random(seed)
    out = []
    for k in range(n):
        u = dict(EXAMPLE)
        u["本年追加"] = Decimal(rng.randrange(0, 120000)) / 100
        u["年末结余"] = Decimal(rng.randrange(0, 90000)) / 100
        u["在职人员数"] = rng.randrange(60, 90)
        u["公用经费实际支出数"] = Decimal(rng.randrange(30000, 50000)) / 100
        u["违规使用资金事项"] = rng.randrange(0, 3)
        u["基础信息完善程度"] = rng.choice(["完善", "基本完善", "不完善"])
        u["经济效益"] = rng.choice(["达成", "部分达成:1.2", "未达成:0.5", "达成（1.9分）"])
        u["满意度"] = Decimal(rng.randrange(7000, 10001)) / 10000
        for name in CHECKLISTS:
            # At least one item: an empty cell of a table means "not given" (as in the CLI).
            items = [i for i in EXAMPLE[name] if rng.random() < 0.8] or EXAMPLE[name][:1]
            u[name] = "、".join(items)
        u["部门"] = f"部门{k:03d}"
        out.append(u)
    return out


def singles(batch: list[dict[str, Any]]) -> list[jixiao.Evaluation | str]:
    out: list[jixiao.Evaluation | str] = []
    for u in batch:
        u = {k: v for k, v in u.items() if k != "部门"}
        try:
            out.append(SYSTEM.evaluate(u))
        except jixiao.JixiaoError as e:
            out.append(str(e))
    return out


def check_rows(rows: list[dict[str, Any]], expected: list[jixiao.Evaluation | str]) -> None:
    assert len(rows) == len(expected)
    for row, single in zip(rows, expected):
        if isinstance(single, str):
            assert row["error"] == single and row["total"] is None
            continue
        assert row["error"] is None
        assert row["total"] == single.total and isinstance(row["total"], Decimal)
        assert row["grade"] == single.grade
        for r in single.indicators:
            assert row[r.id] == r.score, (r.id, row[r.id], r.score)


def frame_rows(frame: Any) -> list[dict[str, Any]]:
    def clean(v: Any) -> Any:
        return None if v is None or v is pd.NA or (isinstance(v, float) and v != v) else v

    return [{k: clean(v) for k, v in r.items()} for r in frame.to_dict("records")]


def test_pandas_in_pandas_out() -> None:
    batch = units(300)
    df = pd.DataFrame(batch).set_index("部门")
    out = SYSTEM.evaluate_batch(df)
    assert isinstance(out, pd.DataFrame)
    assert list(out.index) == list(df.index)
    assert list(out.columns) == IDS + ["total", "grade", "error", "warning"]
    assert str(out["total"].dtype).startswith("decimal128")
    assert isinstance(out["total"].iloc[0], Decimal)
    check_rows(frame_rows(out), singles(batch))
    # Exact arithmetic on the columns, ranking.
    lost = out["1"].astype(object).map(lambda s: Decimal(13) - s)
    assert all(isinstance(x, Decimal) for x in lost)
    assert out.sort_values("total", ascending=False)["total"].is_monotonic_decreasing


def test_pyarrow_in_arrow_out() -> None:
    batch = units(200)
    table = pa.Table.from_pylist([{k: (str(v) if isinstance(v, Decimal) else v) for k, v in u.items()} for u in batch])
    out = SYSTEM.evaluate_batch(table, id_column="部门")
    assert isinstance(out, pa.Table)
    assert out.column_names == ["部门"] + IDS + ["total", "grade", "error", "warning"]
    assert out.column("部门").to_pylist() == [u["部门"] for u in batch]
    assert pa.types.is_decimal(out.schema.field("total").type)
    check_rows(out.to_pylist(), singles(batch))
    # A RecordBatch and a reader-like object with __arrow_c_stream__ work too.
    rb = table.to_batches()[0]
    assert SYSTEM.evaluate_batch(rb, id_column="部门").num_rows == rb.num_rows


def test_polars_in_polars_out() -> None:
    batch = units(150)
    df = pl.DataFrame([{k: (str(v) if isinstance(v, Decimal) else v) for k, v in u.items()} for u in batch])
    out = SYSTEM.evaluate_batch(df, id_column="部门")
    assert isinstance(out, pl.DataFrame)
    assert out.columns == ["部门"] + IDS + ["total", "grade", "error", "warning"]
    assert isinstance(out.schema["total"], pl.Decimal)
    check_rows(out.to_dicts(), singles(batch))
    assert SYSTEM.evaluate_batch(df.lazy(), id_column="部门").height == 150


def test_list_of_dicts() -> None:
    batch = units(50)
    out = SYSTEM.evaluate_batch(batch, id_column="部门")
    assert isinstance(out, pd.DataFrame)
    check_rows(frame_rows(out), singles(batch))
    for output, kind in (("arrow", pa.Table), ("polars", pl.DataFrame), ("dict", dict)):
        assert isinstance(SYSTEM.evaluate_batch(batch, id_column="部门", output=output), kind)
    d = SYSTEM.evaluate_batch(batch, id_column="部门", output="dict")
    assert d["id"] == [u["部门"] for u in batch] and all(isinstance(t, Decimal) for t in d["total"])
    assert SYSTEM.evaluate_batch([], output="dict")["total"] == []


def test_typed_columns_of_every_kind() -> None:
    """Numbers as int64, float64, decimal128 and text; levels as categoricals; checklists as lists."""
    batch = units(40)
    base = pd.DataFrame(batch).drop(columns=["部门"])
    typed = base.copy()
    typed["本年追加"] = typed["本年追加"].astype(float)
    typed["编制数"] = typed["编制数"].astype("int64")
    typed["满意度"] = typed["满意度"].map(lambda d: f"{d * 100}%")
    typed["基础信息完善程度"] = typed["基础信息完善程度"].astype("category")
    expected = SYSTEM.evaluate_batch(base, output="arrow")
    got = SYSTEM.evaluate_batch(typed, output="arrow")
    assert got.column("total").to_pylist() == expected.column("total").to_pylist()
    table = pa.Table.from_pandas(base, preserve_index=False)
    lists = table.set_column(
        table.schema.get_field_index("预算管理制度"),
        "预算管理制度",
        pa.array([s.split("、") if s else [] for s in base["预算管理制度"]], pa.list_(pa.string())),
    )
    assert SYSTEM.evaluate_batch(lists).column("total").to_pylist() == expected.column("total").to_pylist()
    # polars: string_view text, Decimal columns.
    pdf = pl.from_arrow(table)
    assert SYSTEM.evaluate_batch(pdf)["total"].to_list() == expected.column("total").to_pylist()


def test_empty_cells_are_not_given_and_bad_cells_fail_their_row_only() -> None:
    batch = units(5)
    df = pd.DataFrame(batch).drop(columns=["部门"])
    df["出租出借固定资产"] = df["出租出借固定资产"].astype(object)
    df.loc[1, "出租出借固定资产"] = None  # optional with a default: scored as 0
    df.loc[2, "编制数"] = None  # required: the row fails
    df.loc[3, "基础信息完善程度"] = "很好"
    out = SYSTEM.evaluate_batch(df)
    rows = frame_rows(out)
    without_default = {k: v for k, v in batch[1].items() if k not in ("部门", "出租出借固定资产")}
    assert rows[1]["total"] == SYSTEM.evaluate(without_default).total
    assert "缺少必填的基础数据“编制数”" in rows[2]["error"] and rows[2]["total"] is None
    assert "“很好”不是可选的等级" in rows[3]["error"]
    assert rows[0]["error"] is None and rows[4]["error"] is None
    # NaN in a float column is pandas' empty cell; in Arrow and polars it is a value: an error.
    floats = pd.DataFrame(batch).drop(columns=["部门"]).astype({"本年追加": float})
    floats.loc[0, "本年追加"] = float("nan")
    assert "缺少必填的基础数据“本年追加”" in SYSTEM.evaluate_batch(floats)["error"].iloc[0]
    assert "`本年追加` is required" in SYSTEM.evaluate_batch(floats, lang="en")["error"].iloc[0]
    arrow = pa.Table.from_pandas(floats, preserve_index=False)
    arrow = arrow.set_column(
        arrow.schema.get_field_index("本年追加"),
        "本年追加",
        pa.array([float("nan")] + list(floats["本年追加"][1:]), pa.float64()),
    )
    assert "NaN 不是数字" in SYSTEM.evaluate_batch(arrow).column("error")[0].as_py()


def test_mixed_object_columns_are_read_value_by_value() -> None:
    batch = units(6)
    df = pd.DataFrame(batch).drop(columns=["部门"])
    df["年初预算"] = pd.Series([Decimal("2000"), "2000", 2000, 2000.0, "2,000", Decimal("2E+3")], dtype=object)
    out = SYSTEM.evaluate_batch(df, output="arrow")
    clean = pd.DataFrame(batch).drop(columns=["部门"])
    assert out.column("total").to_pylist() == SYSTEM.evaluate_batch(clean, output="arrow").column("total").to_pylist()


def test_columns_that_are_not_inputs() -> None:
    df = pd.DataFrame(units(3))
    # 部门 names the units (a usual header, as `jixiao batch` reads a CSV); 备注 is no input.
    with pytest.raises(jixiao.InputError) as e:
        SYSTEM.evaluate_batch(df.assign(备注="x"))
    assert sorted(e.value.inputs) == ["备注"]
    assert SYSTEM.evaluate_batch(df, output="arrow").column_names[0] == "部门"
    with pytest.raises(jixiao.InputError) as e:
        SYSTEM.evaluate_batch(df.rename(columns={"部门": "科室"}).assign(备注="x"))
    assert sorted(e.value.inputs) == ["备注", "科室"]
    assert "ignore=" in str(e.value) and all(x["kind"] == "unknown" for x in e.value.errors)
    out = SYSTEM.evaluate_batch(df.assign(备注="x"), id_column="部门", ignore=["备注"], output="arrow")
    assert out.column_names[0] == "部门"
    with pytest.raises(jixiao.JixiaoError, match="no column `单位`"):
        SYSTEM.evaluate_batch(df, id_column="单位")
    stamps = pa.table({"编制数": pa.array([1], pa.timestamp("s"))})
    with pytest.raises(jixiao.InputError, match="Arrow type"):
        SYSTEM.evaluate_batch(stamps)
    with pytest.raises(TypeError):
        SYSTEM.evaluate_batch(42)
    with pytest.raises(jixiao.JixiaoError):
        SYSTEM.evaluate_batch([], output="excel")  # type: ignore[arg-type]


def test_explanations_in_a_batch() -> None:
    batch = units(3)
    out = SYSTEM.evaluate_batch(batch, id_column="部门", explain=True, lang="en", output="arrow")
    text = out.column("explanation").to_pylist()
    single = SYSTEM.evaluate({k: v for k, v in batch[0].items() if k != "部门"})
    assert text[0] == single.explain("en")


def test_a_large_batch_spans_several_chunks() -> None:
    batch = units(9000, seed=3)
    table = pa.Table.from_pandas(pd.DataFrame(batch).drop(columns=["部门"]), preserve_index=False)
    out = SYSTEM.evaluate_batch(table)
    totals = out.column("total").to_pylist()
    picks = [0, 4095, 4096, 8191, 8192, 8999]
    singles_ = singles([batch[i] for i in picks])
    assert [totals[i] for i in picks] == [s.total if not isinstance(s, str) else None for s in singles_]
