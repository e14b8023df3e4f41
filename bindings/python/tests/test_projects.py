"""Project self-evaluations from a pandas long table: scored, scored row by row, reviewed, and one
project as an Evaluation. The figures are the bundled example's (农村公路养护工程: 93.37 分, 优),
read from the template's example file, and what changes when one cell changes."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import jixiao

pd = pytest.importorskip("pandas")
pa = pytest.importorskip("pyarrow")

ROOT = Path(__file__).resolve().parents[3]
EXAMPLE_FILE = ROOT / "crates" / "jixiao" / "templates" / "mof-project.example.json"
EXAMPLE: dict[str, Any] = json.loads(EXAMPLE_FILE.read_text(encoding="utf-8"))

SCORE_COLUMNS = ["项目名称", "总分", "等次", "预算执行率得分", "产出指标", "效益指标", "满意度指标", "错误"]
ROW_COLUMNS = ["项目名称", "行", "一级指标", "二级指标", "三级指标", "分值", "得分", "扣分", "自评得分", "扣分原因及说明", "错误"]
AUDIT_COLUMNS = ["项目名称", "行", "类别", "指标", "自评", "复核", "问题"]


def long_rows(project: dict[str, Any], name: str | None = None) -> list[dict[str, Any]]:
    """The example as a long table, built here from the JSON file (not by jixiao.project_rows):
    name and funds on the first row only, as an analyst's sheet may have them."""
    name = name or project["info"]["项目名称"]
    rows = []
    for i, row in enumerate(project["rows"]):
        extra = {"项目名称": name}
        if i == 0:
            extra.update({k: project["funds"][k] for k in ("全年预算数", "全年执行数")})
        rows.append({**extra, **row})
    return rows


def frame(*names: str, start: int = 0) -> Any:
    """Several copies of the example under other names, indexed from `start`."""
    rows = [r for name in names for r in long_rows(EXAMPLE, name)]
    return pd.DataFrame(rows, index=range(start, start + len(rows)))


def is_decimal_column(column: Any) -> bool:
    return isinstance(column.dtype, pd.ArrowDtype) and pa.types.is_decimal(column.dtype.pyarrow_dtype)


def test_the_bundled_example_scores_93_37_excellent() -> None:
    out = jixiao.score_projects(frame("农村公路养护工程"))
    assert list(out.columns) == SCORE_COLUMNS
    row = out.iloc[0]
    assert row["项目名称"] == "农村公路养护工程"
    assert row["总分"] == Decimal("93.37") and isinstance(row["总分"], Decimal)
    assert row["等次"] == "优"
    assert row["预算执行率得分"] == Decimal("9.7")
    assert (row["产出指标"], row["效益指标"], row["满意度指标"]) == (Decimal("48.87"), Decimal("24.8"), Decimal(10))
    assert row["错误"] is None
    for c in ["总分", "预算执行率得分", "产出指标", "效益指标", "满意度指标"]:
        assert is_decimal_column(out[c]), (c, out[c].dtype)
    assert out["错误"].dtype == object


def test_many_projects_and_a_changed_actual() -> None:
    df = frame("甲", "乙", "丙")
    # 乙's 带动沿线群众务工人数 reaches its target (≥150人): 8 points instead of 6.4.
    rows_of_b = df.index[df["项目名称"] == "乙"]
    at = next(i for i in rows_of_b if df.loc[i, "三级指标"] == "带动沿线群众务工人数")
    df.loc[at, "实际完成值"] = "150人"
    out = jixiao.score_projects(df).set_index("项目名称")
    assert list(out.index) == ["甲", "乙", "丙"]
    assert out.loc["甲", "总分"] == out.loc["丙", "总分"] == Decimal("93.37")
    assert out.loc["乙", "总分"] == Decimal("94.97")
    assert out.loc["乙", "效益指标"] == Decimal("26.4")
    assert out["错误"].isna().all()


def test_a_float_cell_is_read_by_the_float_policy_and_noise_is_a_located_error() -> None:
    df = frame("甲", "乙", "丙", start=100).astype(object)
    # A clean float is its shortest text (the binding's policy for floats everywhere): 10.0 is 10.
    df.loc[100, "分值"] = 10.0
    # Binary noise is refused, located by the frame's index label and the column.
    label = 100 + len(EXAMPLE["rows"]) + 3
    df.loc[label, "分值"] = 0.1 + 0.2
    out = jixiao.score_projects(df).set_index("项目名称")
    assert out.loc["甲", "总分"] == out.loc["丙", "总分"] == Decimal("93.37")
    error = out.loc["乙", "错误"]
    assert error.startswith(f"第{label}行“分值”：0.30000000000000004"), error
    assert pd.isna(out.loc["乙", "总分"]) and pd.isna(out.loc["乙", "等次"])
    assert f"row {label}, 分值: 0.30000000000000004 looks like binary floating-point noise" in (
        jixiao.score_projects(df, lang="en").set_index("项目名称").loc["乙", "错误"]
    )


def test_cells_none_nan_na_decimal_int_and_bool() -> None:
    df = frame("甲", "乙", "丙").astype(object)
    n = len(EXAMPLE["rows"])
    # Empty cells: None, NaN and pd.NA in an optional column; figures as Decimal and int.
    df["偏差原因分析及改进措施"] = [None, float("nan"), pd.NA] * n
    df.loc[0, "分值"] = Decimal("10.00")
    df.loc[n, "分值"] = 10
    df.loc[2 * n + 1, "实际完成值"] = True
    out = jixiao.score_projects(df).set_index("项目名称")
    assert out.loc["甲", "总分"] == out.loc["乙", "总分"] == Decimal("93.37")
    assert out.loc["丙", "错误"].startswith(f"第{2 * n + 1}行“实际完成值”：单元格不能是bool类型的值")


def test_rows_frame_one_row_per_scored_indicator() -> None:
    df = frame("甲", "乙")
    df.loc[1, "实际完成值"] = "abc座"
    rows = jixiao.score_project_rows(df)
    assert list(rows.columns) == ROW_COLUMNS
    for c in ["分值", "得分", "扣分", "自评得分"]:
        assert is_decimal_column(rows[c]), (c, rows[c].dtype)
    assert rows["行"].dtype == object
    b = rows[rows["项目名称"] == "乙"]
    # The 预算执行率 row, then the 14 scored rows (the placeholder 指标4： is not scored).
    assert len(b) == 15 and b.iloc[0]["一级指标"] == "预算执行率" and b.iloc[0]["行"] is None
    assert sum(b["得分"], Decimal(0)) == Decimal("93.37")
    n = len(EXAMPLE["rows"])
    bridges = b[b["三级指标"] == "危桥改造数量"].iloc[0]
    assert bridges["行"] == n + 1
    assert (bridges["一级指标"], bridges["二级指标"]) == ("产出指标", "数量指标")
    assert (bridges["分值"], bridges["得分"], bridges["扣分"]) == (Decimal(5), Decimal("4.38"), Decimal("0.62"))
    assert bridges["自评得分"] == Decimal("4.38")
    assert "按实际值/目标值=87.5%计" in bridges["扣分原因及说明"]
    # 甲 cannot be read: each of its rows is listed with the project's message.
    a = rows[rows["项目名称"] == "甲"]
    assert list(a["行"]) == list(range(n)) and a["得分"].isna().all()
    assert a["错误"].iloc[0].startswith("第1行“实际完成值”"), a["错误"].iloc[0]


def test_audit_names_rows_by_their_labels() -> None:
    df = frame("甲", "乙", start=1)
    n = len(EXAMPLE["rows"])
    b = df["项目名称"] == "乙"
    # 乙 claims full points for 危桥改造数量 (7座 of ≥8座), states its 资金得分 and a 总分 of 95.
    bridges = df.index[b & (df["三级指标"] == "危桥改造数量")][0]
    df.loc[bridges, "得分"] = "5"
    first = df.index[b][0]
    df.loc[first, "资金得分"] = "9.7"
    df.loc[first, "总分"] = "95"
    out = jixiao.audit_projects(df)
    assert list(out.columns) == AUDIT_COLUMNS
    assert out["行"].dtype == object
    found = out[out["项目名称"] == "乙"]
    full = found[found["类别"] == "未达标满分"]
    assert len(full) == 1
    assert full.iloc[0]["行"] == bridges == n + 2
    assert (full.iloc[0]["指标"], full.iloc[0]["自评"], full.iloc[0]["复核"]) == ("危桥改造数量", "5", "4.38")
    assert full.iloc[0]["问题"].startswith(f"第{bridges}行 危桥改造数量：未达到年度指标值（≥8座，实际7座），自评却得满分5分")
    total = found[found["类别"] == "总分与分项合计不符"]
    assert len(total) == 1 and total.iloc[0]["行"] is None
    # The table's own scores: 93.37 + 0.62 for the bridges.
    assert (total.iloc[0]["自评"], total.iloc[0]["复核"]) == ("95", "93.99")
    # Rows below target without a 偏差原因: 优良中等路率 (78% of ≥80%) among them, by its label.
    reasons = found[found["类别"] == "未说明偏差原因"]
    assert bridges + 3 in set(reasons["行"])
    # 甲 states nothing to check but its rows below target.
    assert set(out[out["项目名称"] == "甲"]["类别"]) == {"未说明偏差原因"}


def test_audit_lists_an_unreadable_project_as_findings() -> None:
    df = frame("甲", "乙", start=10)
    df.loc[11, "分值"] = "五分"
    out = jixiao.audit_projects(df)
    bad = out[out["项目名称"] == "甲"]
    assert list(bad["类别"]) == ["无法复核"] and list(bad["行"]) == [11]
    assert bad.iloc[0]["问题"].startswith("第11行“分值”：")
    assert "无法复核" not in set(out[out["项目名称"] == "乙"]["类别"])
    assert set(jixiao.audit_projects(df, lang="en")["类别"]) >= {"cannot be reviewed", "no reason for a shortfall"}


def test_string_labels_and_a_list_of_rows() -> None:
    df = frame("甲")
    df.index = [f"r{i}" for i in range(len(df))]
    df.loc["r4", "分值"] = "八"
    assert jixiao.score_projects(df)["错误"].iloc[0].startswith("第r4行“分值”：")
    records = long_rows(EXAMPLE) + long_rows(EXAMPLE, "乙")
    out = jixiao.score_projects(records)
    assert list(out["总分"]) == [Decimal("93.37")] * 2


def test_project_codes_tell_projects_of_one_name_apart() -> None:
    df = frame("甲", "甲")
    n = len(EXAMPLE["rows"])
    df["项目编码"] = ["P-1"] * n + ["P-2"] * n
    df.loc[n + 9, "实际完成值"] = "150人"
    out = jixiao.score_projects(df)
    assert list(out.columns) == ["项目名称", "项目编码", *SCORE_COLUMNS[1:]]
    assert list(out["项目编码"]) == ["P-1", "P-2"]
    assert list(out["总分"]) == [Decimal("93.37"), Decimal("94.97")]
    assert "项目编码" in jixiao.score_project_rows(df).columns and "项目编码" in jixiao.audit_projects(df).columns


def test_one_project_as_an_evaluation() -> None:
    for project in (EXAMPLE, json.dumps(EXAMPLE, ensure_ascii=False), EXAMPLE_FILE, long_rows(EXAMPLE), frame("甲")):
        result = jixiao.score_project(project)  # type: ignore[arg-type]
        assert (result.total, result.grade) == (Decimal("93.37"), "优")
    result = jixiao.score_project(jixiao.example_project())
    assert result["1"].score == Decimal("9.7")
    assert "危桥改造数量" in result.to_frame()["name"].tolist()
    assert isinstance(result.report("xlsx"), bytes)


def test_one_project_errors_are_located() -> None:
    broken = json.loads(json.dumps(EXAMPLE))
    broken["rows"][1]["分值"] = "五"
    with pytest.raises(jixiao.InputError) as e:
        jixiao.score_project(broken)
    # A JSON project's rows are named from 1, as the CLI names them.
    assert str(e.value).startswith("第2行“分值”："), str(e.value)
    assert e.value.errors[0]["message"].startswith("row 2, 分值: ")
    with pytest.raises(jixiao.RequestError, match="holds 2 projects"):
        jixiao.score_project(frame("甲", "乙"))
    with pytest.raises(jixiao.InputError, match="三级指标"):
        jixiao.score_projects(frame("甲").drop(columns=["三级指标"]))
    with pytest.raises(jixiao.RequestError, match="unknown project template `nope`"):
        jixiao.score_projects(frame("甲"), system="nope")


def test_the_helpers_agree_with_the_example_file() -> None:
    assert "mof-project" in jixiao.project_templates()
    assert jixiao.example_project() == EXAMPLE
    by_helper = jixiao.score_projects(pd.DataFrame(jixiao.project_rows(EXAMPLE)))
    by_hand = jixiao.score_projects(frame("农村公路养护工程"))
    assert by_helper.equals(by_hand)


def test_a_row_of_no_project_is_reported_in_its_place() -> None:
    a, b = frame("甲").astype(object), frame("乙", start=100).astype(object)
    # A row whose one cell cannot be read is left without a cell to read, so of no project.
    stray = pd.DataFrame([{"分值": float("inf")}], index=["空行"], dtype=object)
    df = pd.concat([a, stray, b])
    out = jixiao.score_projects(df)
    assert list(out["项目名称"].fillna("-")) == ["甲", "-", "乙"]
    assert out["错误"].iloc[1] == "第空行行“分值”：无穷大不是数字"
    found = jixiao.audit_projects(df)
    assert list(found[found["类别"] == "无法复核"]["行"]) == ["空行"]


def test_a_template_file_or_its_text_is_a_system(tmp_path: Path) -> None:
    template = json.loads((ROOT / "crates/jixiao/templates/mof-project.json").read_text(encoding="utf-8"))
    template["id"] = "本市项目模板"
    template["execution"]["points"] = "20"
    template["sections"][0]["points"] = "40"
    # 产出 rows re-weighted to 40: the two cost rows 5 → 1, the third row 5 → 3.
    project = json.loads(EXAMPLE_FILE.read_text(encoding="utf-8"))
    project["rows"][7]["分值"] = project["rows"][8]["分值"] = "1"
    project["rows"][2]["分值"] = "3"
    df = pd.DataFrame(long_rows(project))
    path = tmp_path / "本市模板.json"
    path.write_text(json.dumps(template, ensure_ascii=False), encoding="utf-8")
    by_file = jixiao.score_projects(df, system=str(path))
    by_text = jixiao.score_projects(df, system=json.dumps(template, ensure_ascii=False))
    assert by_file.iloc[0]["预算执行率得分"] == Decimal("19.40")
    assert by_file.iloc[0]["总分"] == by_text.iloc[0]["总分"]
    # A template that cannot be right is refused with what is wrong.
    template["sections"][1]["points"] = "0"
    with pytest.raises(jixiao.RequestError, match="needs points above 0"):
        jixiao.score_projects(df, system=json.dumps(template, ensure_ascii=False))
