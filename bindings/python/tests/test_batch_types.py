"""evaluate_batch's figure columns have one decimal type per system, whatever the rows: what pandas,
pyarrow and polars do with them (mean, groupby, concat, describe) is checked against figures
computed here, with Python's decimal and fractions, from each unit's own `evaluate`. Failed rows
look failed; audit_batch reads evaluate_batch's own output."""

from __future__ import annotations

import json
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

import pytest

import jixiao
from jixiao import IndicatorSystem

pd = pytest.importorskip("pandas")
pa = pytest.importorskip("pyarrow")
pl = pytest.importorskip("polars")

from test_batch import units  # noqa: E402

SYSTEM = IndicatorSystem.builtin("hunan-dept")
IDS = [i.id for i in SYSTEM.walk()]
FIGURES = [*IDS, "total"]
#: Built-ins state every figure to 0.01.
STATED = pa.decimal128(38, 2)


def exact_system() -> IndicatorSystem:
    """hunan-dept stating nothing: every score and the total exact."""
    model = json.loads(SYSTEM.to_json())
    model["rounding"] = {**model["rounding"], "indicator": "none", "total": "none"}
    return IndicatorSystem.from_json(json.dumps(model, ensure_ascii=False))


def table(n: int, seed: int = 7) -> Any:
    return pd.DataFrame(units(n, seed)).set_index("部门")


def evaluations(frame: Any, system: IndicatorSystem = SYSTEM) -> list[jixiao.Evaluation]:
    return [system.evaluate(dict(r)) for r in frame.to_dict("records")]


def figure(e: jixiao.Evaluation, column: str) -> Decimal:
    return e.total if column == "total" else next(r.score for r in e.indicators if r.id == column)


def mean_at(values: list[Decimal], places: int = 2) -> Decimal:
    """The mean, exact (Fraction), then stated at the column's places half away from zero: what
    Arrow's mean of a decimal128(p, s) column gives."""
    mean = sum((Fraction(v) for v in values), Fraction(0)) / len(values)
    exact = Decimal(mean.numerator) / Decimal(mean.denominator)
    # The exact mean to 40 digits is enough to round 2 places correctly unless it is a tie, and a
    # tie is a fraction with a denominator dividing 10^3.
    assert mean * 1000 != int(mean * 1000) or exact == Decimal(int(mean * 1000)) / 1000
    return exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def test_one_type_per_system_whatever_the_rows() -> None:
    # A 1-row result used to be decimal128(29, 0) (whole scores), 10 000 rows decimal128(29, 27).
    types = set()
    for n in (1, 2, 50, 300):
        frame = table(n)
        out = SYSTEM.evaluate_batch(frame, output="arrow")
        types.add(tuple(out.schema.field(c).type for c in FIGURES))
        polars_out = SYSTEM.evaluate_batch(frame, output="polars")
        assert set(polars_out.select(FIGURES).dtypes) == {pl.Decimal(38, 2)}
        pandas_out = SYSTEM.evaluate_batch(frame)
        assert set(pandas_out[FIGURES].dtypes) == {pd.ArrowDtype(STATED)}
    assert types == {tuple([STATED] * len(FIGURES))}
    # Failed rows only, and no rows: the same type.
    failed = SYSTEM.evaluate_batch([{"编制数": 0}], output="arrow")
    empty = SYSTEM.evaluate_batch(table(1).iloc[:0], output="arrow")
    for out in (failed, empty):
        assert [out.schema.field(c).type for c in FIGURES] == [STATED] * len(FIGURES)
    # A system stating some figure exactly: decimal128(38, 28), for any rows.
    exact = exact_system()
    for n in (1, 50):
        out = exact.evaluate_batch(table(n), output="arrow")
        assert [out.schema.field(c).type for c in FIGURES] == [pa.decimal128(38, 28)] * len(FIGURES)


def test_figures_are_stated_with_their_places() -> None:
    frame = table(20)
    out = SYSTEM.evaluate_batch(frame, output="dict")
    singles = evaluations(frame)
    for row, e in enumerate(singles):
        for c in FIGURES:
            got = out[c][row]
            assert got == figure(e, c) and got.as_tuple().exponent == -2, (c, got)
    # 5.00 is shown as 5.00, not 5.000000000000000000000000000.
    shown = SYSTEM.evaluate_batch(frame)["total"].astype(str).tolist()
    assert all(len(t.split(".")[1]) == 2 for t in shown), shown


def test_pandas_mean_and_groupby_mean() -> None:
    frame = table(50)
    out = SYSTEM.evaluate_batch(frame)
    singles = evaluations(frame)
    for c in ("2.1.1", "total", *IDS[:6]):
        values = [figure(e, c) for e in singles]
        assert out[c].tolist() == values
        # Arrow's mean keeps the column's two places; the exact mean is the sum over the count.
        assert out[c].mean() == mean_at(values), c
        assert out[c].sum() == sum(values)
        assert Fraction(out[c].sum()) / len(out) == sum(map(Fraction, values)) / len(values)
    grouped = out.groupby("grade")[FIGURES].mean()
    assert set(grouped.dtypes) == {pd.ArrowDtype(STATED)}
    grades = sorted({e.grade for e in singles})
    assert len(grades) > 1 and sorted(grouped.index) == grades
    for g in grades:
        members = [e for e in singles if e.grade == g]
        for c in FIGURES:
            assert grouped.loc[g, c] == mean_at([figure(e, c) for e in members]), (g, c)


def test_concat_a_one_row_and_a_fifty_row_result() -> None:
    one, fifty = table(1, seed=3), table(50, seed=4)
    singles = evaluations(one) + evaluations(fifty)
    expected = {c: [figure(e, c) for e in singles] for c in FIGURES}
    # pandas
    both = pd.concat([SYSTEM.evaluate_batch(one), SYSTEM.evaluate_batch(fifty)])
    assert set(both[FIGURES].dtypes) == {pd.ArrowDtype(STATED)}
    assert {c: both[c].tolist() for c in FIGURES} == expected
    assert both["total"].mean() == mean_at(expected["total"])
    # pyarrow (refused the two schemas when the scales differed)
    tables = [SYSTEM.evaluate_batch(t, output="arrow") for t in (one, fifty)]
    assert tables[0].schema == tables[1].schema
    joined = pa.concat_tables(tables)
    assert {c: joined[c].to_pylist() for c in FIGURES} == expected
    # polars (rounded 8.294… to 8 when the first frame's scale was 0)
    frames = [SYSTEM.evaluate_batch(t, output="polars") for t in (one, fifty)]
    stacked = pl.concat(frames)
    assert stacked.schema == frames[0].schema == frames[1].schema
    assert {c: stacked[c].to_list() for c in FIGURES} == expected
    assert stacked["total"].sum() == sum(expected["total"])


def test_describe() -> None:
    frame = table(50)
    out = SYSTEM.evaluate_batch(frame)
    singles = evaluations(frame)
    totals = [e.total for e in singles]
    # The exact summary, column by column (Decimal, never a float).
    summary = out[FIGURES].agg(["count", "sum", "mean", "min", "max"])
    assert summary.loc["count", "total"] == 50
    assert summary.loc["sum", "total"] == sum(totals)
    assert summary.loc["mean", "total"] == mean_at(totals)
    assert (summary.loc["min", "total"], summary.loc["max", "total"]) == (min(totals), max(totals))
    # pandas' describe() itself does not take decimal128 columns (pandas 3.1: it builds its float
    # summary with pyarrow, which refuses the Decimal mean); on the totals as floats it runs.
    try:
        described = out[FIGURES].describe()
    except (pa.ArrowTypeError, pa.ArrowInvalid):
        described = out[FIGURES].astype("float64[pyarrow]").describe()
    assert described.loc["count", "total"] == 50
    assert described.loc["min", "total"] == float(min(totals))
    assert described.loc["max", "total"] == float(max(totals))


def test_failed_rows_look_failed() -> None:
    rows = units(4)
    rows[1] = {**rows[1], "编制数": 0}  # fails while scoring (division by zero)
    rows[2] = {**rows[2], "经济效益": "很好"}  # an input the engine refuses
    frame = pd.DataFrame(rows).set_index("部门")
    errors = []
    for r in frame.to_dict("records"):
        try:
            SYSTEM.evaluate(dict(r))
            errors.append(None)
        except jixiao.JixiaoError as e:
            errors.append(str(e))
    assert [e is None for e in errors] == [True, False, False, True]
    for output in ("pandas", "arrow", "polars", "dict"):
        out = SYSTEM.evaluate_batch(frame, output=output)
        columns = out.to_pydict() if output == "arrow" else out.to_dict(as_series=False) if output == "polars" else out
        for row in (1, 2):
            cells = {c: columns[c][row] if output != "pandas" else columns[c].iloc[row] for c in [*FIGURES, "grade"]}
            assert all(v is None or pd.isna(v) for v in cells.values()), (output, cells)
            error = columns["error"][row] if output != "pandas" else columns["error"].iloc[row]
            assert error == errors[row], output
        ok = columns["total"][0] if output != "pandas" else columns["total"].iloc[0]
        assert isinstance(ok, Decimal), output


@pytest.mark.parametrize("system", ["stated", "exact"])
def test_audit_batch_reads_evaluate_batch_output(system: str) -> None:
    chosen = SYSTEM if system == "stated" else exact_system()
    frame = pd.concat([table(100, seed=11), table(100, seed=12)])
    frame.index = [f"部门{k:03d}" for k in range(200)]
    out = chosen.evaluate_batch(frame)
    assert out["error"].isna().all()
    # The inputs beside evaluate_batch's output as it is: scores, total and grade as claims.
    claims = pd.concat([frame, out], axis=1)
    audited = chosen.audit_batch(claims)
    assert audited["error"].isna().all(), audited["error"].dropna().head().tolist()
    assert audited["discrepancies"].tolist() == [0] * 200
    assert [Decimal(t) for t in audited["total"]] == out["total"].tolist()
    if system == "stated":
        # As published tables show them: to 0.01. Built-ins state 0.01, so nothing changes.
        cents = claims.copy()
        for c in FIGURES:
            cents[c] = [v.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) for v in claims[c]]
        rounded = chosen.audit_batch(cents)
        assert rounded["error"].isna().all()
        assert int((rounded["discrepancies"] > 0).sum()) == 0


def test_exact_figures_round_trip_through_dict_without_loss() -> None:
    # 28 places of 7.9232 do not fit the engine's 96-bit decimal: the dict used to give None.
    exact = exact_system()
    frame = table(30)
    out = exact.evaluate_batch(frame, output="dict")
    for row, e in enumerate(evaluations(frame, exact)):
        for c in FIGURES:
            assert out[c][row] == figure(e, c), (row, c)


def test_the_dropped_figure_case_in_an_exact_system() -> None:
    # test_properties' @example of test_batch_equals_single, stated exactly: the first unit's
    # groups `3` and `3.1` (7.9232) sit beside the second unit's 28-place figures.
    from test_properties import plain_unit

    exact = exact_system()
    batch = [
        plain_unit(计划工作任务数=Decimal("1.0000"), 按时完成工作任务数=Decimal("0.9808")),
        plain_unit(计划工作任务数=Decimal("1.6130"), 按时完成工作任务数=Decimal(1)),
    ]
    singles = [exact.evaluate(u) for u in batch]
    assert figure(singles[0], "3") == Decimal("7.9232") and figure(singles[1], "3").as_tuple().exponent == -28
    for output in ("dict", "arrow", "polars", "pandas"):
        out = exact.evaluate_batch(batch, output=output)
        columns = out.to_pydict() if output == "arrow" else out.to_dict(as_series=False) if output == "polars" else out
        for row, e in enumerate(singles):
            for c in FIGURES:
                got = columns[c][row] if output != "pandas" else columns[c].iloc[row]
                assert got == figure(e, c), (output, row, c, got)
