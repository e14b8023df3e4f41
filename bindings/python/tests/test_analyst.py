"""What an analyst in a notebook relies on: reports in every format (xlsx as the CLI writes it),
pickling and equality, HTML views of the analyses, errors that name files, the error classes of
the JS package, audit tables read with the engine's headers, and documented public functions."""

from __future__ import annotations

import inspect
import io
import json
import pickle
import re
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest

import jixiao
from jixiao import IndicatorSystem

JS = Path(__file__).resolve().parents[3] / "bindings" / "wasm" / "js" / "index.js"


@pytest.fixture(scope="module")
def seed() -> jixiao.BuiltinSystem:
    return IndicatorSystem.builtin("xiangxi-commerce-2019")


def sheet_cells(workbook: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(workbook)) as z:
        return z.read("xl/sharedStrings.xml").decode() + z.read("xl/worksheets/sheet1.xml").decode()


def test_reports_in_every_format(seed: jixiao.BuiltinSystem, tmp_path: Path) -> None:
    r = seed.evaluate(seed.example_inputs())
    workbook = r.report("xlsx")
    assert isinstance(workbook, bytes) and workbook[:2] == b"PK"
    cells = sheet_cells(workbook)
    assert "预算完成率" in cells and "<v>91.73</v>" in cells  # the total, as a number cell
    assert r.report("md") == r.report("markdown") and "|" in r.report("md")
    assert "<!DOCTYPE html>" in r.report("html") and "91.73" in r.report("text")
    for name in ("自评表.xlsx", "自评表.csv", "自评表.html", "自评表.md", "自评表.txt"):
        r.save_report(tmp_path / name)
    assert sheet_cells((tmp_path / "自评表.xlsx").read_bytes()) == cells
    # CSV as the CLI writes it: a byte-order mark first, so that Excel reads UTF-8.
    assert (tmp_path / "自评表.csv").read_bytes().startswith("\ufeff".encode())
    assert (tmp_path / "自评表.csv").read_bytes().decode("utf-8-sig") == r.report("csv")
    assert (tmp_path / "自评表.txt").read_bytes().decode() == r.report("text")
    with pytest.raises(jixiao.RequestError, match="unknown report format `pdf`"):
        r.report("pdf")  # type: ignore[call-overload]


def test_evaluations_pickle_and_compare(seed: jixiao.BuiltinSystem) -> None:
    inputs = seed.example_inputs()
    a, b = seed.evaluate(inputs), seed.evaluate(dict(inputs))
    assert a == b and a is not b
    other = seed.evaluate({**inputs, "本年追加": Decimal("0")})
    assert a != other
    again = pickle.loads(pickle.dumps(a))
    assert again == a and again.report("text") == a.report("text") and again["2.1.1"].explain("en")
    level = jixiao.Level("部分达成", Decimal("7"))
    assert pickle.loads(pickle.dumps(level)) == level
    assert pickle.loads(pickle.dumps(seed)).example_inputs() == inputs
    plain = pickle.loads(pickle.dumps(IndicatorSystem.from_json(seed.to_json())))
    assert plain == seed and plain.example_inputs() is None


def test_html_views_of_the_analyses(seed: jixiao.BuiltinSystem) -> None:
    inputs = seed.example_inputs()
    c = seed.what_if(inputs, {"本年追加": Decimal("0")})
    t = seed.target(inputs, "本年追加", indicator="2.1.2", score=2)
    a = seed.audit(inputs, scores={"2.1.2": 4}, total=Decimal("93"), grade="优秀")
    s = seed.sensitivity(inputs, "本年追加", 0, 1000)
    for result, marker in ((c, "91.73 → 95.73"), (t, "600"), (a, "2.1.2"), (s, "breakpoints")):
        page = result._repr_html_()
        assert page.startswith('<div class="jixiao-result">') and "<table>" in page and marker in page, page
    assert "<script" not in c._repr_html_()


def test_a_system_file_that_does_not_load_names_the_file(tmp_path: Path) -> None:
    broken = tmp_path / "表.json"
    broken.write_text('{"format": 1, "id": "x", "nmae": "typo"}', encoding="utf-8")
    with pytest.raises(jixiao.LoadError) as e:
        IndicatorSystem.from_file(broken)
    assert str(e.value).startswith(f"{broken}: ") and e.value.kind == "syntax"
    (tmp_path / "latin1.toml").write_bytes("name = 'é'".encode("latin-1"))
    with pytest.raises(jixiao.LoadError, match="latin1.toml: not UTF-8"):
        IndicatorSystem.from_file(tmp_path / "latin1.toml")
    with pytest.raises(FileNotFoundError, match="missing.json"):
        IndicatorSystem.from_file(tmp_path / "missing.json")


def test_error_classes_are_the_js_packages() -> None:
    js = set(re.findall(r"export class (\w+) extends (?:Error|JixiaoError)", JS.read_text(encoding="utf-8")))
    assert js == {"JixiaoError", "LoadError", "InputError", "EvaluationError", "RequestError"}
    for name in js:
        assert issubclass(getattr(jixiao, name), jixiao.JixiaoError)
    assert jixiao.ValidationError is jixiao.LoadError
    with pytest.raises(jixiao.RequestError) as e:
        IndicatorSystem.builtin("nope")
    assert e.value.kind == "request"


def test_audit_batch_reads_the_engines_headers(seed: jixiao.BuiltinSystem) -> None:
    pd = pytest.importorskip("pandas")
    inputs = seed.example_inputs()
    scores = {r.id: r.score for r in seed.evaluate(inputs).indicators}
    row = {"编制数（人）": inputs.pop("编制数"), **inputs, **scores}
    table = pd.DataFrame(
        [
            {"单位名称": "商务局", **row, "自评总分": Decimal("91.73"), "评价等次": "优秀"},
            {"单位名称": "工信局", **row, "综合得分": None, "自评总分": Decimal("95"), "评价等次": "优秀"},
            {"单位名称": "统计局", **row, "自评总分": Decimal("91.73"), "评价等次": "良好"},
        ]
    ).drop(columns=["综合得分"])
    out = seed.audit_batch(table)
    assert out["id"].tolist() == ["商务局", "工信局", "统计局"]
    assert out["discrepancies"].tolist() == [0, 2, 2]
    assert "综合得分" in out["details"].iloc[1] and "评价等次" in out["details"].iloc[2]
    english = [{**inputs, "编制数": row["编制数（人）"], "total": "91.73", "grade": "优秀"}]
    assert seed.audit_batch(english)["discrepancies"].tolist() == [0]
    with pytest.raises(jixiao.RequestError, match="备注"):
        seed.audit_batch(table.assign(备注="x"))
    assert seed.audit_batch(table.assign(备注="x"), ignore=["备注"])["discrepancies"].tolist() == [0, 2, 2]
    renamed = table.rename(columns={"自评总分": "申报分"})
    assert seed.audit_batch(renamed, total_column="申报分")["discrepancies"].tolist() == [0, 2, 2]


PUBLIC = [
    getattr(IndicatorSystem, name)
    for name in ("from_json", "from_file", "builtin", "table", "evaluate", "evaluate_batch", "what_if", "compare",
                 "sensitivity", "target", "audit", "audit_batch")
] + [getattr(jixiao.Evaluation, name) for name in ("indicator", "explain", "to_dict", "to_json", "to_frame", "report",
                                                   "save_report")] + [jixiao.IndicatorResult.explain]


@pytest.mark.parametrize("function", PUBLIC, ids=[f.__qualname__ for f in PUBLIC])
def test_public_functions_say_what_they_take_and_give(function: object) -> None:
    doc = inspect.getdoc(function) or ""
    assert "Parameters\n----------" in doc, doc
    if inspect.signature(function).return_annotation not in (None, "None"):  # type: ignore[arg-type]
        assert "Returns\n-------" in doc, doc


def test_to_json_with_indent_is_the_same_json(seed: jixiao.BuiltinSystem) -> None:
    r = seed.evaluate(seed.example_inputs())
    assert json.loads(r.to_json(indent=2)) == json.loads(r.to_json()) and "\n  " in r.to_json(indent=2)
