"""The Python API: loading, inspection, Decimal in and out, errors, reports."""

from __future__ import annotations

import json
import math
import pickle
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import jixiao
from jixiao import IndicatorSystem, Level

SEED = "xiangxi-commerce-2019"

# A small system whose tier edge sits exactly at 0.1: a binary float read through its binary
# expansion (0.1000000000000000055...) would fall on the wrong side of it.
EDGE = {
    "format": 1,
    "id": "edge",
    "name": "边界",
    "inputs": [
        {"name": "比率", "unit": "%", "min": "0"},
        {"name": "次数", "kind": "count", "default": "0"},
        {"name": "程度", "kind": "level", "levels": ["达成", "部分达成", "未达成"], "default": "达成"},
        {"name": "制度", "kind": "checklist", "items": ["甲", "乙"], "default": ["甲", "乙"]},
        {"name": "有项目", "kind": "boolean", "default": False},
    ],
    "indicators": [
        {
            "id": "1",
            "name": "比率",
            "points": "5",
            "rule": {"type": "tiers", "value": "比率", "tiers": [{"le": "0.1", "score": "5"}, {"gt": "0.1", "score": "0"}]},
        },
        {"id": "2", "name": "次数", "points": "2", "rule": {"type": "per_occurrence", "value": "次数", "deduct": "1"}},
        {
            "id": "3",
            "name": "程度",
            "points": "10",
            "rule": {
                "type": "level",
                "input": "程度",
                "bands": [
                    {"level": "达成", "min": "80%", "max": "100%", "default": "100%"},
                    {"level": "部分达成", "min": "50%", "max": "80%", "max_inclusive": False},
                    {"level": "未达成", "min": "0", "max": "50%", "max_inclusive": False},
                ],
            },
        },
        {"id": "4", "name": "制度", "points": "2", "rule": {"type": "checklist", "input": "制度", "points_per_item": "1"}},
        {
            "id": "5",
            "name": "项目",
            "points": "1",
            "rule": {"type": "cases", "cases": [{"when": "有项目", "score": "0"}], "otherwise": "1"},
        },
    ],
    "grades": [{"label": "优", "min": "18"}, {"label": "差"}],
}


@pytest.fixture(scope="module")
def seed() -> IndicatorSystem:
    return IndicatorSystem.builtin(SEED)


@pytest.fixture(scope="module")
def edge() -> IndicatorSystem:
    return IndicatorSystem.from_json(json.dumps(EDGE, ensure_ascii=False))


def test_the_seed_department_scores_91_73(seed: IndicatorSystem) -> None:
    inputs = seed.example_inputs()
    assert inputs is not None
    result = seed.evaluate(inputs)
    assert result.total == Decimal("91.73") and isinstance(result.total, Decimal)
    assert result.grade == "优秀"
    row = result["2.1.1"]
    assert (row.points, row.score, row.value) == (Decimal(5), Decimal(2), row.value)
    assert [d.amount for d in row.deductions] == [Decimal(3)]
    assert "82.39%" in row.explanation
    assert "percentage points below" in row.explain("en")
    assert repr(result) == "<Evaluation xiangxi-commerce-2019: total 91.73 优秀>"


def test_builtins_list_and_load() -> None:
    listed = jixiao.builtins()
    ids = [b["id"] for b in listed]
    assert SEED in ids and "hunan-dept" in ids
    for b in listed:
        system = IndicatorSystem.builtin(b["id"])
        assert system.id == b["id"] and system.name == b["name"] and system.is_valid
        example = system.example_inputs()
        assert example is not None
        assert system.evaluate(example).total > 0
    with pytest.raises(jixiao.JixiaoError, match="no built-in system `nope`") as e:
        IndicatorSystem.builtin("nope")
    assert e.value.kind == "request" and isinstance(e.value, ValueError)


def test_inputs_and_the_indicator_tree(seed: IndicatorSystem) -> None:
    inputs = {i.name: i for i in seed.inputs}
    assert seed.input_names == list(inputs)
    assert inputs["编制数"].unit == "人" and inputs["编制数"].kind == "number"
    assert inputs["编制数"].min == Decimal(0) and inputs["编制数"].required
    assert inputs["满意度"].max == Decimal(1)
    assert inputs["基础信息完善程度"].levels == ["完善", "基本完善", "不完善"]
    assert inputs["预算管理制度"].kind == "checklist" and len(inputs["预算管理制度"].items) == 3
    assert inputs["有新建楼堂馆所项目"].default is False and not inputs["有新建楼堂馆所项目"].required

    def check(node: jixiao.Indicator, depth: int) -> int:
        assert node.depth == depth
        if node.leaf:
            assert node.rule is not None and node.rule_text
            return 1
        assert node.rule is None
        assert sum(c.points for c in node.children) == node.points
        assert all(c.parent == node.id for c in node.children)
        return 1 + sum(check(c, depth + 1) for c in node.children)

    count = sum(check(top, 0) for top in seed.indicators)
    assert sum(t.points for t in seed.indicators) == seed.total_points == Decimal(100)
    walked = seed.walk()
    assert len(walked) == count + len(seed.bonus)
    assert [i.id for i in walked] == [r.id for r in seed.evaluate(seed.example_inputs() or {}).indicators]
    assert seed.indicator("2.1.1").name == "预算完成率"
    with pytest.raises(KeyError):
        seed.indicator("9.9")
    top = seed.grades[0]
    assert (top.label, top.label_en, top.min) == ("优秀", "excellent", Decimal(90))
    assert seed.grades[-1].min is None


def test_load_from_json_toml_and_files(tmp_path: Path, seed: IndicatorSystem) -> None:
    text = seed.to_json()
    assert IndicatorSystem.from_json(text).to_json() == text
    toml = seed.to_toml()
    assert IndicatorSystem.from_toml(toml).to_json() == text
    assert IndicatorSystem.from_text(toml).id == SEED
    (tmp_path / "s.json").write_text(text, encoding="utf-8")
    (tmp_path / "s.toml").write_text(toml, encoding="utf-8")
    (tmp_path / "s.txt").write_text(toml, encoding="utf-8")
    for name in ("s.json", "s.toml", "s.txt"):
        assert IndicatorSystem.from_file(tmp_path / name).id == SEED
        assert IndicatorSystem.from_file(str(tmp_path / name)).id == SEED
    with pytest.raises(FileNotFoundError):
        IndicatorSystem.from_file(tmp_path / "missing.json")


def test_an_invalid_system_lists_every_problem() -> None:
    broken = dict(EDGE, indicators=[dict(EDGE["indicators"][0], points="6"), EDGE["indicators"][1]])
    broken["indicators"][1] = dict(broken["indicators"][1], rule={"type": "per_occurrence", "value": "没有", "deduct": "1"})
    text = json.dumps(broken, ensure_ascii=False)
    with pytest.raises(jixiao.ValidationError) as e:
        IndicatorSystem.from_json(text)
    err = e.value
    assert err.kind == "validation" and isinstance(err, jixiao.JixiaoError) and isinstance(err, ValueError)
    paths = [x["path"] for x in err.errors]
    assert any("没有" in x["message"] for x in err.errors), err.errors
    keys = {"path", "code", "params", "message", "message_zh", "position", "input", "indicator", "kind"}
    assert all(set(x) == keys for x in err.errors)
    assert len(paths) >= 1
    loose = IndicatorSystem.from_json(text, validate=False)
    assert not loose.is_valid and loose.id == "edge" and "INVALID" in repr(loose)
    assert [i.id for i in loose.indicators] == ["1", "2"]
    with pytest.raises(jixiao.ValidationError):
        loose.validate()
    with pytest.raises(jixiao.ValidationError):
        loose.evaluate({})


def test_a_syntax_error_names_the_place() -> None:
    with pytest.raises(jixiao.ValidationError) as e:
        IndicatorSystem.from_json('{"format": 1, "id": "x", "nmae": "typo"}')
    assert e.value.kind == "syntax"
    assert "nmae" in str(e.value)
    with pytest.raises(jixiao.ValidationError) as e:
        IndicatorSystem.from_toml("format = 1\nid = [")
    assert e.value.kind == "syntax"


def test_decimal_in_and_out(edge: IndicatorSystem) -> None:
    same = [Decimal("0.1"), "0.1", "10%", 0.1, Decimal("1E-1"), Decimal("0.10000")]
    for v in same:
        r = edge.evaluate({"比率": v})
        assert r["1"].score == Decimal(5), v
        assert r["1"].value == Decimal("0.1") and isinstance(r["1"].value, Decimal)
    # Just above the edge, however it is written.
    for v in [Decimal("0.1000000000000000000000000001"), "0.10000000000000002", "10.0000001%"]:
        assert edge.evaluate({"比率": v})["1"].score == 0, v
    # The float just above 0.1 is binary noise: refused, never scored on either side of the edge.
    with pytest.raises(jixiao.InputError, match=r"应为 0\.1？"):
        edge.evaluate({"比率": 0.10000000000000002})
    r = edge.evaluate({"比率": 0})
    figures = [r.total, r.exact_total, r.full_points, r.tree_total, r.excluded_points, r.bonus_total]
    figures += [x.points for x in r.indicators] + [x.score for x in r.indicators] + [x.exact_score for x in r.indicators]
    assert all(type(f) is Decimal for f in figures)
    assert r.rescaled_total is None


def test_floats_are_read_through_their_shortest_text(edge: IndicatorSystem) -> None:
    assert edge.evaluate({"比率": 0.1})["1"].value == Decimal("0.1")
    # Binary noise (16 or 17 significant digits) is no figure anyone wrote: refused, with the one meant.
    for noisy, meant in ((0.1 + 0.2, "0.3"), (0.06 + 0.84, "0.9")):
        with pytest.raises(jixiao.InputError) as e:
            edge.evaluate({"比率": noisy})
        assert e.value.inputs == ["比率"]
        assert f"{noisy!r} looks like binary floating-point noise (did you mean {meant}?)" in e.value.message_en
        assert "pass the figure as a string or Decimal" in e.value.message_en
        # Shown in Chinese, with its code and the figure meant.
        assert f"{noisy!r} 带有二进制浮点运算误差（应为 {meant}？）" in str(e.value)
        assert e.value.code == "float_noise" and e.value.errors[0]["params"]["meant"] == meant
    assert edge.evaluate({"比率": 1e-7})["1"].value == Decimal("1E-7")
    for bad in (math.nan, math.inf, -math.inf):
        with pytest.raises(jixiao.InputError) as e:
            edge.evaluate({"比率": bad})
        assert e.value.inputs == ["比率"] and e.value.kind == "inputs"
        assert e.value.errors[0]["kind"] == "invalid" and e.value.errors[0]["path"] == "inputs[比率]"
    with pytest.raises(jixiao.InputError, match="NaN"):
        edge.evaluate({"比率": Decimal("NaN")})
    with pytest.raises(jixiao.InputError, match="超出精确小数的范围"):
        edge.evaluate({"比率": 1e300})


def test_every_input_form(edge: IndicatorSystem) -> None:
    base = {"比率": "5%"}
    assert edge.evaluate(base).total == Decimal(20)
    for level in (Level("部分达成", Decimal(7)), {"level": "部分达成", "score": "7"}, "部分达成:7", "部分达成（7分）"):
        assert edge.evaluate({**base, "程度": level})["3"].score == Decimal(7), level
    with pytest.raises(jixiao.EvaluationError, match=r"须填写档内得分（5 至 8 分之间（含 5 分，不含 8 分）") as e:
        edge.evaluate({**base, "程度": Level("部分达成")})
    assert e.value.kind == "score"
    for items in (["甲"], ("甲",), {"甲"}, frozenset({"甲"}), "甲"):
        assert edge.evaluate({**base, "制度": items})["4"].score == Decimal(1), items
    for yes in (True, "是", "true", 1):
        assert edge.evaluate({**base, "有项目": yes})["5"].score == 0, yes
    assert edge.evaluate({**base, "次数": 1})["2"].score == Decimal(1)
    assert edge.evaluate({**base, "次数": Decimal("1.0")})["2"].score == Decimal(1)
    assert Level("达成", 9) == Level("达成", Decimal("9.0")) and hash(Level("达成")) == hash(Level("达成"))
    assert repr(Level("达成", 9)) == "Level('达成', Decimal('9'))" or repr(Level("达成", 9)).startswith("Level(")


def test_numpy_scalars(edge: IndicatorSystem) -> None:
    np = pytest.importorskip("numpy")
    assert edge.evaluate({"比率": np.float64(0.1), "次数": np.int64(1), "有项目": np.bool_(False)}).total == Decimal(19)
    with pytest.raises(jixiao.InputError, match="NaN"):
        edge.evaluate({"比率": np.float64("nan")})


def test_input_errors_name_every_input(edge: IndicatorSystem) -> None:
    with pytest.raises(jixiao.InputError) as e:
        edge.evaluate({"比率": None, "次数": "2.5", "程度": "优", "制度": ["丙"], "有项目": "maybe", "多余": 1, "x": object()})
    err = e.value
    assert isinstance(err, jixiao.EvaluationError) and isinstance(err, ValueError)
    assert sorted(err.inputs) == sorted(["比率", "次数", "程度", "制度", "有项目", "多余", "x"])
    kinds = {x["input"]: x["kind"] for x in err.errors}
    assert kinds["多余"] == "unknown" and kinds["比率"] == "invalid"
    assert "None (null) is not a value" in str(err)
    assert "is not an input value" in str(err)
    # A value that could not be read is not also reported missing.
    assert not any(x["kind"] == "missing" for x in err.errors)
    with pytest.raises(jixiao.InputError) as e:
        edge.evaluate({})
    assert e.value.errors[0]["kind"] == "missing" and e.value.inputs == ["比率"]
    with pytest.raises(TypeError):
        edge.evaluate({1: 2})  # type: ignore[dict-item]
    with pytest.raises(TypeError):
        edge.evaluate([("比率", 1)])  # type: ignore[arg-type]


def test_evaluation_errors_say_where() -> None:
    system = IndicatorSystem.from_json(
        json.dumps(
            {
                "format": 1,
                "id": "div",
                "name": "除法",
                "inputs": [{"name": "a"}, {"name": "b"}],
                "metrics": [{"name": "r", "expr": "a / b"}],
                "indicators": [{"id": "1", "name": "r", "points": "1", "rule": {"type": "rate", "value": "r"}}],
                "grades": [{"label": "优", "min": "1"}, {"label": "差"}],
            }
        )
    )
    with pytest.raises(jixiao.EvaluationError) as e:
        system.evaluate({"a": 1, "b": 0})
    assert e.value.kind == "arithmetic" and not isinstance(e.value, jixiao.InputError)
    assert e.value.errors[0]["position"] == 3 and "division by zero" in e.value.message_en
    assert "除数为 0" in str(e.value) and e.value.code == "division_by_zero"


def test_exception_hierarchy() -> None:
    assert issubclass(jixiao.JixiaoError, ValueError)
    assert issubclass(jixiao.ValidationError, jixiao.JixiaoError)
    assert issubclass(jixiao.EvaluationError, jixiao.JixiaoError)
    assert issubclass(jixiao.InputError, jixiao.EvaluationError)
    assert jixiao.InputError.__module__ == "jixiao"


def test_explanations_dicts_json_frames(seed: IndicatorSystem) -> None:
    inputs = seed.example_inputs() or {}
    r = seed.evaluate(inputs)
    assert "91.73" in r.explain() and "优秀" in r.explain("zh")
    assert "91.73" in r.explain("en")
    with pytest.raises(jixiao.JixiaoError):
        r.explain("fr")  # type: ignore[arg-type]
    d = r.to_dict()
    assert d["total"] == Decimal("91.73") and d["grade"] == "优秀"
    assert all(isinstance(x["score"], Decimal) for x in d["indicators"])
    assert isinstance(d["indicators"][0]["depth"], int)
    # to_json is the JSON layer's text, byte for byte.
    system_text = seed.to_json()
    assert r.to_json() == jixiao.evaluate_json(system_text, json.dumps(inputs, default=str, ensure_ascii=False))
    assert r.to_json("en") == jixiao.evaluate_json(system_text, json.dumps(inputs, default=str, ensure_ascii=False), "en")
    assert json.loads(r.to_json(indent=2)) == json.loads(r.to_json())
    pytest.importorskip("pandas")
    frame = r.to_frame()
    assert frame.loc["2.1.1", "score"] == Decimal(2) and frame.loc["2.1.1", "lost"] == Decimal(3)
    assert list(frame.index) == [x.id for x in r.indicators] + [x.id for x in r.bonus]
    assert frame["score"][frame["depth"] == 0].sum() == r.tree_total


def test_reports_and_notebook_html(seed: IndicatorSystem) -> None:
    r = seed.evaluate(seed.example_inputs() or {})
    html = r._repr_html_()
    assert html.startswith('<div class="jixiao-report">') and "<table>" in html and "91.73" in html
    # Inline in a notebook: no page-level elements or styles that would restyle the notebook.
    assert "<html" not in html and "<body" not in html and "body{" not in html
    assert "预算完成率" in seed._repr_html_()
    assert "91.73" in r.report() and r.report("markdown").startswith("#") or "|" in r.report("markdown")
    assert r.report("csv").count("\r\n") > 10
    assert "<!DOCTYPE html>" in r.report("html")
    assert "预算完成率" in seed.table() and "Indicator" in seed.table(lang="en")
    with pytest.raises(jixiao.JixiaoError):
        r.report("pdf")  # type: ignore[arg-type]


def test_pickling(seed: IndicatorSystem) -> None:
    again = pickle.loads(pickle.dumps(seed))
    assert again.to_json() == seed.to_json()
    inputs = seed.example_inputs() or {}
    assert again.evaluate(inputs).total == seed.evaluate(inputs).total


def test_json_layer_functions(seed: IndicatorSystem) -> None:
    text = seed.to_json()
    inputs = json.dumps(seed.example_inputs(), default=str, ensure_ascii=False)
    out = json.loads(jixiao.evaluate_json(text, inputs))
    assert out["total"] == "91.73"
    batch = json.loads(jixiao.evaluate_batch_json(text, f"[{inputs}, {{}}]"))
    assert batch[0]["total"] == "91.73" and batch[1]["error"]["kind"] == "inputs"
    assert json.loads(jixiao.validate_json(text)) == {"valid": True, "errors": []}
    assert json.loads(jixiao.validate_json("{")) ["valid"] is False
    with pytest.raises(jixiao.InputError):
        jixiao.evaluate_json(text, "{}")
    with pytest.raises(jixiao.JixiaoError) as e:
        jixiao.evaluate_json(text, "[")
    assert e.value.kind == "request"
    request = {"what_if": {"inputs": json.loads(inputs), "changes": {"本年追加": "0"}}}
    what_if = json.loads(jixiao.analysis_json(text, json.dumps(request, ensure_ascii=False)))
    assert what_if["total_a"] == "91.73"
    assert "Rule" in json.dumps(json.loads(jixiao.schema_json()))
    assert jixiao.FORMAT_VERSION == 1


def test_the_gil_is_released_during_a_batch(seed: IndicatorSystem) -> None:
    import threading
    import time

    inputs: dict[str, Any] = dict(seed.example_inputs() or {})
    units = [inputs] * 20000
    stamps: list[float] = []
    running = True

    def tick() -> None:
        while running:
            stamps.append(time.perf_counter())
            time.sleep(0.001)

    t = threading.Thread(target=tick)
    t.start()
    try:
        start = time.perf_counter()
        result = seed.evaluate_batch(units, output="dict")
        end = time.perf_counter()
    finally:
        running = False
        t.join()
    assert len(result["total"]) == 20000
    during = [s for s in stamps if start <= s <= end]
    gaps = [b - a for a, b in zip(during, during[1:])]
    # Reading the list of dicts holds the GIL; scoring does not. The ticker keeps ticking through
    # most of the call, so it never stalls for most of it.
    assert during, "the ticker never ran during the batch"
    assert max(gaps, default=0.0) < 0.8 * (end - start), (max(gaps), end - start)
