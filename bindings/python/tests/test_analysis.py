"""The analyses as Python methods (what-if, compare, sensitivity, target, audit, audit_batch):
the hand-computed figures of vectors 068–071 and of the seed system, exact as ``Decimal``."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import jixiao
from jixiao import IndicatorSystem

pd = pytest.importorskip("pandas")

VECTORS = Path(__file__).resolve().parents[3] / "tests" / "vectors"

BASE: dict[str, Any] = {"年初预算": "1000", "本年追加": "150", "实际支出": "1035", "违规次数": 1}
D = Decimal


@pytest.fixture(scope="module")
def small() -> IndicatorSystem:
    return IndicatorSystem.from_file(VECTORS / "systems" / "analysis-small.json")


@pytest.fixture(scope="module")
def seed() -> IndicatorSystem:
    return IndicatorSystem.builtin("xiangxi-commerce-2019")


def assert_decimals(values: Any) -> None:
    for v in values:
        assert v is None or type(v) is Decimal, repr(v)


# 068: what-if and compare


def test_what_if_without_the_supplement(small: IndicatorSystem) -> None:
    c = small.what_if(BASE, {"本年追加": D("0")})
    assert isinstance(c, jixiao.Comparison)
    assert (c.total_before, c.total_after, c.total_change) == (D("9"), D("13"), D("4"))
    assert all(type(x) is Decimal for x in (c.total_before, c.total_after, c.total_change))
    assert (c.grade_before, c.grade_after) == ("中", "良")
    assert c.changed == ["1", "2"]
    f = c.frame
    assert list(f.columns) == ["id", "name", "depth", "points", "before", "after", "change"]
    assert f["id"].tolist() == ["1", "2", "3"]
    assert f["before"].tolist() == [D("3"), D("3"), D("3")]
    assert f["after"].tolist() == [D("5"), D("5"), D("3")]
    assert f["change"].tolist() == [D("2"), D("2"), D("0")]
    for column in ("points", "before", "after", "change"):
        assert_decimals(f[column])
    assert "综合得分9分→13分（+4分），评价等次由“中”变为“良”" in c.explain()


def test_what_if_without_change_changes_nothing(small: IndicatorSystem) -> None:
    c = small.what_if(BASE, {})
    assert c.total_change == 0 and c.changed == [] and (c.grade_before, c.grade_after) == ("中", "中")
    assert (c.frame["change"] == D("0")).all()


def test_what_if_with_a_bad_change_is_an_input_error(small: IndicatorSystem) -> None:
    with pytest.raises(jixiao.InputError) as e:
        small.what_if(BASE, {"违规次数": "1.5"})
    assert e.value.kind == "inputs" and e.value.inputs == ["违规次数"]
    with pytest.raises(jixiao.InputError) as e:
        small.what_if(BASE, {"违规次数": float("nan")})
    assert e.value.inputs == ["违规次数"]
    with pytest.raises(jixiao.InputError):
        small.what_if({}, {})


def test_compare_two_departments(small: IndicatorSystem) -> None:
    c = small.compare(BASE, {**BASE, "违规次数": 0})
    assert (c.total_before, c.total_after, c.total_change) == (D("9"), D("11"), D("2"))
    assert c.changed == ["3"] and c.grade_after == "中"
    row = c.frame.set_index("id").loc["3"]
    assert (row["before"], row["after"], row["change"]) == (D("3"), D("5"), D("2"))


# 069: audit


def test_audit_of_own_scores_finds_nothing(small: IndicatorSystem) -> None:
    a = small.audit(BASE, scores={"1": "3", "2": D("3"), "3": 3}, total=D("9"), grade="中")
    assert isinstance(a, jixiao.Audit)
    assert a.ok and len(a.discrepancies) == 0 and (a.total, a.grade) == (D("9"), "中")
    assert list(a.frame.columns) == ["kind", "id", "name", "claimed", "computed", "difference", "explanation", "readings"]


def test_audit_an_indicator_claimed_at_full_points(small: IndicatorSystem) -> None:
    a = small.audit(BASE, scores={"1": 3, "2": 5, "3": 3}, total=11, grade="良")
    assert not a.ok
    assert all(isinstance(x, jixiao.Discrepancy) for x in a.discrepancies)
    d = a.frame
    assert d["kind"].tolist() == ["score", "total", "grade_of_claimed_total", "grade"]
    assert d["claimed"].tolist() == ["5", "11", "良", "良"]
    assert d["computed"].tolist() == ["3.00", "9.00", "中", "中"]
    assert d["readings"].tolist()[0] == ""  # no common reading gives 5
    assert d["difference"].tolist()[:2] == [D("-2"), D("-2")]
    assert d["id"].tolist()[0] == "2"
    assert_decimals(d["difference"])
    assert "2 预算执行率：自评5分，按基础数据应得3.00分（差-2分）" in a.explain()


def test_audit_claims_that_do_not_add_up(small: IndicatorSystem) -> None:
    a = small.audit(BASE, scores={"1": "3", "2": "3", "3": "3", "9": "1"}, total="10")
    assert [d.kind for d in a.discrepancies] == ["unknown_indicator", "total", "total_sum"]
    assert a.discrepancies[0].id == "9"


def test_audit_refuses_a_claim_that_is_not_a_number(small: IndicatorSystem) -> None:
    with pytest.raises(jixiao.JixiaoError, match="scores\\[2\\]"):
        small.audit(BASE, scores={"2": "five"})


def test_audit_batch(small: IndicatorSystem) -> None:
    table = pd.DataFrame(
        [
            {"单位": "甲", **BASE, "1": 3, "2": 3, "3": 3, "total": 9, "grade": "中"},
            {"单位": "乙", **BASE, "1": 3, "2": 5, "3": 3, "total": 11, "grade": "良"},
            {"单位": "丙", **{k: v for k, v in BASE.items() if k != "实际支出"}, "1": 3, "2": 3, "3": 3},
        ]
    )
    out = small.audit_batch(table, id_column="单位")
    assert list(out.columns) == ["id", "total", "grade", "discrepancies", "details", "error"]
    assert out["id"].tolist() == ["甲", "乙", "丙"]
    assert out["discrepancies"].tolist()[:2] == [0, 4]
    assert out["total"].tolist()[:2] == [D("9"), D("9")]
    # an empty cell is whatever pandas makes of None in a text column (None or NaN)
    assert pd.isna(out["details"].iloc[0]) and "自评5分" in out["details"].iloc[1]
    assert out["error"].iloc[:2].isna().all() and "实际支出" in out["error"].iloc[2]
    records = small.audit_batch([{**BASE, "1": 3, "2": 5, "3": 3}])
    assert records["id"].tolist() == [0] and records["discrepancies"].tolist() == [1]


# 070: sensitivity


def test_sensitivity_breakpoints(small: IndicatorSystem) -> None:
    s = small.sensitivity(BASE, "本年追加", 0, 500)
    assert isinstance(s, jixiao.Sensitivity) and (s.from_, s.to) == (D("0"), D("500"))
    assert [b.at for b in s.breakpoints][:2] == [D("0.01"), D("89.48")]
    f = s.frame
    assert list(f.columns)[:10] == [
        "at", "id", "name", "before", "after", "total_before", "total_at", "grade_before", "grade_at", "explanation",
    ]
    assert f["at"].tolist() == [D(x) for x in "0.01 89.48 100.01 150 200.01 217.65 293.75 300.01 380 478.58".split()]
    assert f["id"].tolist() == ["1", "2", "1", "2", "1", "2", "2", "1", "2", "2"]
    assert f["total_at"].tolist() == [D(x) for x in "12 11 10 9 8 7 6 4 3 3".split()]
    assert f["before"].tolist()[:2] == [D("5"), D("5")] and f["after"].tolist()[:2] == [D("4"), D("4")]
    first = f.iloc[0]
    assert (first["total_before"], first["grade_before"], first["grade_at"]) == (D("13"), "良", "良")
    assert f.iloc[1]["grade_at"] == "中" and f.iloc[4]["grade_at"] == "差"
    for column in ("at", "before", "after", "total_before", "total_at"):
        assert_decimals(f[column])


def test_sensitivity_of_a_count(small: IndicatorSystem) -> None:
    f = small.sensitivity(BASE, "违规次数", D("0"), D("4")).frame
    assert f["at"].tolist() == [D("1"), D("2"), D("3")]
    assert f["total_at"].tolist() == [D("9"), D("7"), D("6")]
    assert f.iloc[0]["total_before"] == D("11")


def test_sensitivity_of_an_unknown_input(small: IndicatorSystem) -> None:
    with pytest.raises(jixiao.JixiaoError, match="`没有这个` is not a declared input") as e:
        small.sensitivity(BASE, "没有这个", 0, 1)
    assert e.value.kind == "request"


# 071: target


def test_target_grade(small: IndicatorSystem) -> None:
    t = small.target(BASE, "本年追加", grade="良")
    assert isinstance(t, jixiao.Target) and t.reachable
    assert (t.current, t.required, t.change, t.total, t.grade) == (D("150"), D("89.47"), D("-60.53"), D("12"), "良")
    assert all(type(x) is Decimal for x in (t.current, t.required, t.change, t.total))
    assert t.deciding == ["1", "2"] and t.unreachable is None
    assert "本年追加须不超过89.47万元（至少减少60.53万元）" in t.message
    # the target applied reaches 良; one resolution step short does not
    assert small.evaluate({**BASE, "本年追加": t.required}).grade == "良"
    assert small.evaluate({**BASE, "本年追加": t.required + D("0.01")}).grade != "良"


def test_target_indicator_total_and_unreachable(small: IndicatorSystem) -> None:
    t = small.target(BASE, "违规次数", indicator="3", score=5)
    assert (t.current, t.required, t.change, t.total, t.deciding) == (D("1"), D("0"), D("-1"), D("11"), ["3"])
    already = small.target(BASE, "本年追加", total="8")
    assert (already.required, already.change) == (D("150"), D("0"))
    never = small.target(BASE, "本年追加", total=15)
    assert never.required is None and never.change is None and not never.reachable
    assert never.unreachable is not None and "此范围内综合得分最高为13分" in never.unreachable


def test_target_requests_that_make_no_sense(small: IndicatorSystem) -> None:
    with pytest.raises(jixiao.JixiaoError, match="`特优` is not a grade"):
        small.target(BASE, "本年追加", grade="特优")
    with pytest.raises(jixiao.JixiaoError, match="exactly one goal"):
        small.target(BASE, "本年追加")
    with pytest.raises(jixiao.JixiaoError, match="exactly one goal"):
        small.target(BASE, "本年追加", grade="良", total=12)
    with pytest.raises(jixiao.JixiaoError, match="exactly one goal"):
        small.target(BASE, "本年追加", indicator="3")
    with pytest.raises(jixiao.JixiaoError, match="both `start` and `stop`"):
        small.target(BASE, "本年追加", grade="良", start=0)
    with pytest.raises(jixiao.JixiaoError, match="`total`"):
        small.target(BASE, "本年追加", total="twelve")


# the seed system


def test_seed_target_and_what_if(seed: IndicatorSystem) -> None:
    inputs = seed.example_inputs() or {}
    t = seed.target(inputs, "本年追加", indicator="2.1.2", score=2)
    assert t.required == D("600") and type(t.required) is Decimal
    assert "2.1.2" in t.deciding
    c = seed.what_if(inputs, {"本年追加": t.required})
    assert c.total_before == D("91.73")
    row = c.frame.set_index("id").loc["2.1.2"]
    assert row["after"] == D("2")
    nothing = seed.audit(inputs, scores={r.id: r.score for r in seed.evaluate(inputs).indicators}, total=D("91.73"))
    assert nothing.ok


def test_english_explanations(small: IndicatorSystem) -> None:
    c = small.what_if(BASE, {"本年追加": 0}, lang="en")
    assert c.explain() != small.what_if(BASE, {"本年追加": 0}).explain()
    with pytest.raises(jixiao.JixiaoError):
        small.what_if(BASE, {}, lang="fr")  # type: ignore[arg-type]
