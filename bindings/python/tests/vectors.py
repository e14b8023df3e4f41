"""The conformance corpus (``tests/vectors/*.json``) run through the Python package.

The same checks as the Rust runner (``tests/src/lib.rs``; format in ``tests/vectors/README.md``):
the vector's shape, validation errors, every case's expectations or errors, and the invariants
on every successful evaluation. Each evaluation case is checked three ways:

- through the Python API (``IndicatorSystem.evaluate`` with the inputs read with
  ``parse_float=Decimal``), on the attributes of ``Evaluation``/``IndicatorResult`` and on
  ``Evaluation.to_dict()``, with every figure a ``decimal.Decimal`` compared as a Decimal;
- through ``Evaluation.to_json()`` and the JSON layer as exposed to Python (``jixiao.evaluate_json``),
  where figures are decimal strings compared exactly, as the Rust runner compares them.

The JSON layer's ``request`` errors are about JSON shapes (``null`` as a value, a level object with
an unknown field). The Python API reports the same problems as an ``InputError`` naming the input;
for such a case the Python path checks that, and the JSON path checks the vector as written.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable

import jixiao

REPO = Path(__file__).resolve().parents[3]
VECTORS = Path(os.environ.get("JIXIAO_VECTORS", REPO / "tests" / "vectors"))
MIN_VECTORS = 40

VECTOR_KEYS = {
    "name",
    "description",
    "features",
    "system",
    "system_file",
    "cases",
    "expect_validation_errors",
    "validation_kind",
    "validation_error_count",
}
CASE_KEYS = {"name", "description", "inputs", "lang", "expect", "expect_error", "analysis", "expect_analysis"}
EXPECT_KEYS = {
    "total",
    "exact_total",
    "grade",
    "grade_en",
    "tree_total",
    "full_points",
    "excluded_points",
    "rescaled_total",
    "bonus_total",
    "scores",
    "exact_scores",
    "values",
    "deductions",
    "status",
    "na_outcome",
    "na_inherited",
    "rules",
    "tiers",
    "cases",
    "options",
    "levels",
    "vetoes",
    "indicator_ids",
    "explanation_contains",
    "summary_contains",
}
ERROR_KEYS = {"kind", "message_contains", "paths", "count", "errors"}
ERROR_ENTRY_KEYS = {"path", "position", "input", "kind", "message_contains"}
VALIDATION_ENTRY_KEYS = {"path", "position", "message_contains"}
TOP_FIGURES = ("total", "exact_total", "tree_total", "full_points", "excluded_points", "bonus_total")


@dataclass
class Vector:
    file: str
    text: str
    value: Any  # parsed plainly (the system is serialised from this, as the README says)
    exact: Any  # parsed with parse_float=Decimal (inputs and expectations keep their digits)


@dataclass
class Failure:
    file: str
    case: str
    field: str
    expected: Any
    actual: Any

    def __str__(self) -> str:
        return f"{self.file} / {self.case} / {self.field}\n    expected: {self.expected!r}\n    actual:   {self.actual!r}"


def vector_files() -> list[Path]:
    return sorted(p for p in VECTORS.glob("*.json") if p.is_file())


def load(path: Path) -> Vector:
    """Reads one vector file; raises ValueError naming the file when it is not a JSON object."""
    text = path.read_text(encoding="utf-8")
    try:
        value = json.loads(text)
        exact = json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as e:
        raise ValueError(f"{path.name}: not valid JSON: {e}") from e
    if not isinstance(value, dict):
        raise ValueError(f"{path.name}: a vector must be a JSON object")
    return Vector(path.name, text, value, exact)


# ---------------------------------------------------------------- format


def _strings_or_string(v: Any) -> bool:
    return isinstance(v, str) or (isinstance(v, list) and all(isinstance(x, str) for x in v))


def _unknown(obj: dict[str, Any], allowed: set[str], what: str, p: list[str]) -> None:
    for k in obj:
        if k not in allowed:
            p.append(f"{what}: unknown key `{k}` (allowed: {', '.join(sorted(allowed))})")


def _entry_format(e: Any, keys: set[str], ctx: str, p: list[str]) -> None:
    if not isinstance(e, dict):
        p.append(f"{ctx}: must be an object")
        return
    _unknown(e, keys, ctx, p)
    if "path" in e and not isinstance(e["path"], str):
        p.append(f"{ctx}: `path` must be a string")
    if "position" in e and not (isinstance(e["position"], int) and e["position"] >= 0):
        p.append(f"{ctx}: `position` must be a whole number")
    for k in ("input", "kind"):
        if k in e and not isinstance(e[k], str):
            p.append(f"{ctx}: `{k}` must be a string")
    if "message_contains" in e and not _strings_or_string(e["message_contains"]):
        p.append(f"{ctx}: `message_contains` must be a string or a list of strings")


def _map_of(v: Any, ok: Callable[[Any], bool]) -> bool:
    return isinstance(v, dict) and all(ok(x) for x in v.values())


def _is_count(x: Any) -> bool:
    return isinstance(x, int) and not isinstance(x, bool) and x >= 0


def _deduction_ok(d: Any) -> bool:
    if isinstance(d, str):
        return True
    return (
        isinstance(d, dict)
        and set(d) <= {"amount", "item"}
        and isinstance(d.get("amount"), str)
        and (d.get("item") is None or isinstance(d.get("item"), str))
    )


def _expect_format(e: dict[str, Any], ctx: str, p: list[str]) -> None:
    _unknown(e, EXPECT_KEYS, f"{ctx} expect", p)
    for k, v in e.items():
        if k in ("total", "exact_total", "grade", "tree_total", "full_points", "excluded_points", "bonus_total"):
            ok = isinstance(v, str)
        elif k in ("grade_en", "rescaled_total"):
            ok = v is None or isinstance(v, str)
        elif k in ("scores", "exact_scores", "status", "na_outcome", "rules", "options", "levels"):
            ok = _map_of(v, lambda x: isinstance(x, str))
        elif k == "values":
            ok = _map_of(v, lambda x: x is None or isinstance(x, str))
        elif k == "na_inherited":
            ok = _map_of(v, lambda x: isinstance(x, bool))
        elif k in ("tiers", "cases"):
            ok = _map_of(v, _is_count)
        elif k == "deductions":
            ok = _map_of(v, lambda x: isinstance(x, list) and all(_deduction_ok(d) for d in x))
        elif k in ("vetoes", "indicator_ids", "summary_contains"):
            ok = isinstance(v, list) and all(isinstance(x, str) for x in v)
        elif k == "explanation_contains":
            ok = _map_of(v, _strings_or_string)
        else:
            ok = True
        if not ok:
            p.append(f"{ctx}: `expect.{k}` has the wrong shape (see tests/vectors/README.md)")


def _case_format(c: Any, i: int, names: set[str], p: list[str]) -> None:
    if not isinstance(c, dict):
        p.append(f"cases[{i}]: must be an object")
        return
    name = c.get("name")
    if isinstance(name, str) and name:
        if name in names:
            p.append(f"cases[{i}]: the case name `{name}` is used twice")
        names.add(name)
        ctx = f"case `{name}`"
    else:
        p.append(f"cases[{i}]: `name` must be a non-empty string")
        ctx = f"cases[{i}]"
    _unknown(c, CASE_KEYS, ctx, p)
    if "analysis" in c:
        if not isinstance(c["analysis"], dict):
            p.append(f"{ctx}: `analysis` must be an object (one of what_if, compare, audit, sensitivity, target)")
        shapes = (c.get("expect_analysis"), c.get("expect_error"), c.get("expect"), c.get("inputs"))
        ok = (isinstance(shapes[0], dict) and shapes[1] is None) or (shapes[0] is None and isinstance(shapes[1], dict))
        if not ok or shapes[2] is not None or shapes[3] is not None:
            p.append(
                f"{ctx}: an analysis case takes `expect_analysis` (an object) or `expect_error`, and no `inputs`/`expect`"
            )
        return
    if "expect_analysis" in c:
        p.append(f"{ctx}: `expect_analysis` needs an `analysis` request")
    if not isinstance(c.get("inputs"), dict):
        p.append(f"{ctx}: `inputs` must be an object")
    if "lang" in c and c["lang"] not in ("zh", "en"):
        p.append(f'{ctx}: `lang` must be "zh" or "en"')
    expect, error = c.get("expect"), c.get("expect_error")
    if isinstance(expect, dict) and error is None:
        _expect_format(expect, ctx, p)
    elif expect is None and isinstance(error, dict):
        _unknown(error, ERROR_KEYS, f"{ctx} expect_error", p)
        if not isinstance(error.get("kind"), str):
            p.append(f"{ctx}: `expect_error.kind` must be a string")
        if "message_contains" in error and not _strings_or_string(error["message_contains"]):
            p.append(f"{ctx}: `expect_error.message_contains` must be strings")
        if "paths" in error and not (
            isinstance(error["paths"], list) and all(isinstance(x, str) for x in error["paths"])
        ):
            p.append(f"{ctx}: `expect_error.paths` must be a list of strings")
        if "count" in error and not _is_count(error["count"]):
            p.append(f"{ctx}: `expect_error.count` must be a whole number")
        if "errors" in error:
            if isinstance(error["errors"], list):
                for k, x in enumerate(error["errors"]):
                    _entry_format(x, ERROR_ENTRY_KEYS, f"{ctx} expect_error.errors[{k}]", p)
            else:
                p.append(f"{ctx}: `expect_error.errors` must be a list")
    elif expect is not None and error is not None:
        p.append(f"{ctx}: give `expect` or `expect_error`, not both")
    elif expect is None and error is None:
        p.append(f"{ctx}: needs `expect` or `expect_error`")
    else:
        p.append(f"{ctx}: `expect`/`expect_error` must be objects")


def check_format(v: Vector) -> list[str]:
    """Every problem with the vector's shape (empty when well-formed)."""
    p: list[str] = []
    obj = v.value
    _unknown(obj, VECTOR_KEYS, "vector", p)
    name = obj.get("name")
    stem = v.file[: -len(".json")] if v.file.endswith(".json") else v.file
    number, _, rest = stem.partition("-")
    if not isinstance(name, str) or not name:
        p.append("`name` must be a non-empty string")
    elif not (len(number) == 3 and number.isdigit() and rest):
        p.append(f"the file name must be NNN-name.json, found `{v.file}`")
    elif name != rest:
        p.append(f"`name` is `{name}` but the file name says `{rest}`")
    if not (isinstance(obj.get("description"), str) and obj["description"]):
        p.append("`description` must be a non-empty string")
    if "features" in obj and not (
        isinstance(obj["features"], list) and all(isinstance(x, str) for x in obj["features"])
    ):
        p.append("`features` must be a list of strings")
    system, system_file = obj.get("system"), obj.get("system_file")
    if system is not None and system_file is not None:
        p.append("give either `system` or `system_file`, not both")
    elif system is not None and not isinstance(system, dict):
        p.append("`system` must be an object")
    elif system_file is not None and not isinstance(system_file, str):
        p.append("`system_file` must be a string")
    elif system is None and system_file is None:
        p.append("a vector needs `system` or `system_file`")
    cases, invalid = obj.get("cases"), obj.get("expect_validation_errors")
    if isinstance(cases, list) and invalid is None:
        if not cases:
            p.append("`cases` must not be empty")
        if "validation_kind" in obj or "validation_error_count" in obj:
            p.append("`validation_kind` and `validation_error_count` go with `expect_validation_errors`")
        names: set[str] = set()
        for i, c in enumerate(cases):
            _case_format(c, i, names, p)
    elif cases is None and isinstance(invalid, list):
        if not invalid:
            p.append("`expect_validation_errors` must not be empty")
        for i, e in enumerate(invalid):
            _entry_format(e, VALIDATION_ENTRY_KEYS, f"expect_validation_errors[{i}]", p)
        if "validation_kind" in obj and obj["validation_kind"] not in ("validation", "syntax"):
            p.append('`validation_kind` must be "validation" or "syntax"')
        if "validation_error_count" in obj and not _is_count(obj["validation_error_count"]):
            p.append("`validation_error_count` must be a whole number")
    elif cases is not None and invalid is not None:
        p.append("a vector has `cases` or `expect_validation_errors`, not both")
    elif cases is None and invalid is None:
        p.append("a vector needs `cases` or `expect_validation_errors`")
    else:
        p.append("`cases` and `expect_validation_errors` must be lists")
    return [f"{v.file}: {m}" for m in p]


def system_text(v: Vector) -> str:
    """The system's text: the inline system serialised as JSON, or the system file as it is."""
    if "system" in v.value:
        return json.dumps(v.value["system"], ensure_ascii=False)
    return (VECTORS / v.value["system_file"]).read_text(encoding="utf-8")


def rule_kinds_in(value: Any) -> set[str]:
    """Every rule `type` used in a system (tree leaves, bonus items, choose_one options)."""
    out: set[str] = set()

    def walk(x: Any) -> None:
        if isinstance(x, dict):
            rule = x.get("rule")
            if isinstance(rule, dict) and isinstance(rule.get("type"), str):
                out.add(rule["type"])
            for y in x.values():
                walk(y)
        elif isinstance(x, list):
            for y in x:
                walk(y)

    walk(value)
    return out


def system_value(v: Vector) -> Any:
    text = system_text(v)
    if text.lstrip().startswith("{"):
        return json.loads(text)
    return json.loads(jixiao.IndicatorSystem.from_text(text).to_json())


def format_rule_kinds() -> set[str]:
    """Every rule kind the format defines, read from the engine's JSON Schema."""
    schema = json.loads(jixiao.schema_json())
    rule = (schema.get("$defs") or schema.get("definitions") or {}).get("Rule")
    out: set[str] = set()

    def walk(x: Any) -> None:
        if isinstance(x, dict):
            t = (x.get("properties") or {}).get("type")
            if isinstance(t, dict):
                if isinstance(t.get("const"), str):
                    out.add(t["const"])
                for e in t.get("enum") or []:
                    if isinstance(e, str):
                        out.add(e)
            for k, y in x.items():
                if k != "properties":
                    walk(y)
        elif isinstance(x, list):
            for y in x:
                walk(y)

    walk(rule)
    return out


# ---------------------------------------------------------------- checks


@dataclass
class Ctx:
    file: str
    case: str
    failures: list[Failure] = field(default_factory=list)
    via: str = ""

    def fail(self, what: str, expected: Any, actual: Any) -> None:
        label = f"{self.via}: {what}" if self.via else what
        self.failures.append(Failure(self.file, self.case, label, expected, actual))

    def same(self, what: str, expected: Any, actual: Any) -> None:
        if not equal(expected, actual):
            self.fail(what, expected, actual)


def equal(expected: Any, actual: Any) -> bool:
    """An expectation (JSON, decimals as strings) against a result. A figure of the Python API is
    a ``decimal.Decimal`` and is compared as one; a figure of the JSON layer is a string and is
    compared exactly, as the Rust runner does."""
    if isinstance(actual, Decimal):
        if not isinstance(expected, str):
            return False
        try:
            return Decimal(expected) == actual
        except ArithmeticError:
            return False
    if isinstance(expected, bool) or isinstance(actual, bool):
        return type(expected) is type(actual) and expected == actual
    if isinstance(expected, list) and isinstance(actual, list):
        return len(expected) == len(actual) and all(equal(e, a) for e, a in zip(expected, actual))
    if isinstance(expected, dict) and isinstance(actual, dict):
        return set(expected) == set(actual) and all(equal(expected[k], actual[k]) for k in expected)
    return bool(expected == actual) and type(expected) is type(actual)


def contains_list(v: Any) -> list[str]:
    if isinstance(v, str):
        return [v]
    if isinstance(v, list):
        return [x for x in v if isinstance(x, str)]
    return []


def entry_matches(want: dict[str, Any], actual: dict[str, Any]) -> bool:
    for k, x in want.items():
        if k == "message_contains":
            message = actual.get("message") or ""
            if not all(s in message for s in contains_list(x)):
                return False
        elif actual.get(k) != x:
            return False
    return True


def find_indicator(actual: dict[str, Any], id: str) -> dict[str, Any] | None:
    for key in ("indicators", "bonus"):
        for r in actual.get(key) or []:
            if r.get("id") == id:
                return r
    return None


PER_INDICATOR = {
    "scores": "score",
    "exact_scores": "exact_score",
    "values": "value",
    "status": "status",
    "na_outcome": "na_outcome",
    "na_inherited": "na_inherited",
    "rules": "rule",
    "tiers": "tier",
    "cases": "case",
    "options": "option",
    "levels": "level",
}


def check_expect(cx: Ctx, expect: dict[str, Any], actual: dict[str, Any]) -> None:
    for key, want in expect.items():
        if key in ("total", "exact_total", "grade", "grade_en", "tree_total", "full_points", "excluded_points",
                   "rescaled_total", "bonus_total"):
            cx.same(key, want, actual.get(key))
        elif key == "vetoes":
            cx.same("vetoes", want, [v.get("id") for v in actual.get("vetoes") or []])
        elif key == "indicator_ids":
            cx.same("indicator_ids", want, [r.get("id") for r in actual.get("indicators") or []])
        elif key == "summary_contains":
            text = actual.get("explanation") or ""
            for s in contains_list(want):
                if s not in text:
                    cx.fail("summary_contains", s, text)
        else:
            for id, w in want.items():
                what = f"{key}[{id}]"
                r = find_indicator(actual, id)
                if r is None:
                    cx.fail(what, w, "no indicator with this id in the result")
                elif key in PER_INDICATOR:
                    cx.same(what, w, r.get(PER_INDICATOR[key]))
                elif key == "deductions":
                    expected = [
                        {"amount": d, "item": None} if isinstance(d, str) else {"amount": d["amount"], "item": d.get("item")}
                        for d in w
                    ]
                    cx.same(what, expected, r.get("deductions"))
                elif key == "explanation_contains":
                    text = r.get("explanation") or ""
                    for s in contains_list(w):
                        if s not in text:
                            cx.fail(what, s, text)
                else:
                    cx.fail(what, "a known expectation", "unknown key")


def _figure(v: Any) -> Decimal | None:
    if isinstance(v, Decimal):
        return v
    if isinstance(v, str):
        try:
            return Decimal(v)
        except ArithmeticError:
            return None
    return None


def check_invariants(cx: Ctx, actual: dict[str, Any], decimals: bool) -> None:
    """Figures are decimals (Decimal objects, or decimal strings from the JSON layer), leaf scores
    lie in [0, points], a scored leaf's deductions add up to points − score (bonus items: none)."""
    kind = Decimal if decimals else str
    for key in TOP_FIGURES:
        if not isinstance(actual.get(key), kind) or _figure(actual.get(key)) is None:
            cx.fail(f"(invariant) {key}", f"a {kind.__name__} figure", actual.get(key))
    for bonus, key in ((False, "indicators"), (True, "bonus")):
        for r in actual.get(key) or []:
            id = r.get("id", "?")
            points, score = _figure(r.get("points")), _figure(r.get("score"))
            if points is None or score is None or not isinstance(r.get("score"), kind):
                cx.fail(f"(invariant) indicators[{id}]", "decimal points and score", r)
                continue
            if score < 0 or score > points:
                cx.fail(f"(invariant) score[{id}]", f"within [0, {points}]", score)
            lost = Decimal(0) if bonus else points - score
            if r.get("leaf") and r.get("na_outcome") != "excluded":
                total = sum((_figure(d.get("amount")) or Decimal(0) for d in r.get("deductions") or []), Decimal(0))
                if total != lost:
                    cx.fail(f"(invariant) deductions[{id}]", f"amounts summing to {lost}", total)


def error_value(e: jixiao.JixiaoError) -> dict[str, Any]:
    """An exception as the JSON layer's error object."""
    return {"kind": e.kind, "message": str(e), "errors": [dict(x) for x in e.errors]}


def check_error(cx: Ctx, want: dict[str, Any], err: dict[str, Any]) -> None:
    if "kind" in want:
        cx.same("error.kind", want["kind"], err.get("kind"))
    message = err.get("message") or ""
    for s in contains_list(want.get("message_contains")):
        if s not in message:
            cx.fail("error.message_contains", s, message)
    entries: list[dict[str, Any]] = err.get("errors") or []
    for p in want.get("paths") or []:
        if not any(e.get("path") == p for e in entries):
            cx.fail("error.paths", p, [e.get("path") for e in entries])
    if "count" in want and len(entries) != want["count"]:
        cx.fail("error.errors (count)", want["count"], entries)
    for i, w in enumerate(want.get("errors") or []):
        if not any(entry_matches(w, a) for a in entries):
            cx.fail(f"error.errors[{i}]", w, entries)


EXCEPTION_FOR_KIND = {
    "syntax": jixiao.ValidationError,
    "validation": jixiao.ValidationError,
    "inputs": jixiao.InputError,
    "missing_input": jixiao.InputError,
    "request": jixiao.JixiaoError,
}


def check_exception_class(cx: Ctx, e: jixiao.JixiaoError) -> None:
    expected = EXCEPTION_FOR_KIND.get(e.kind, jixiao.EvaluationError)
    if not isinstance(e, expected) or not isinstance(e, ValueError):
        cx.fail("exception class", expected.__name__, type(e).__name__)
    if isinstance(e, jixiao.InputError):
        named = {x["input"] for x in e.errors if x["input"]}
        if set(e.inputs) != named:
            cx.fail("InputError.inputs", sorted(named), e.inputs)


def subset(cx: Ctx, path: str, want: Any, actual: Any) -> None:
    if isinstance(want, dict) and isinstance(actual, dict):
        for k, v in want.items():
            if k.endswith("_contains"):
                f = k[: -len("_contains")]
                text = actual.get(f) if isinstance(actual.get(f), str) else ""
                for s in contains_list(v):
                    if s not in text:
                        cx.fail(f"{path}.{f}", f"text containing `{s}`", text)
            elif k in actual:
                subset(cx, f"{path}.{k}", v, actual[k])
            else:
                cx.fail(f"{path}.{k}", v, "(missing)")
    elif isinstance(want, list) and isinstance(actual, list):
        if len(want) != len(actual):
            cx.fail(f"{path} (length)", len(want), actual)
            return
        for i, (x, y) in enumerate(zip(want, actual)):
            subset(cx, f"{path}[{i}]", x, y)
    elif not (want == actual and type(want) is type(actual)):
        cx.fail(path, want, actual)


# ---------------------------------------------------------------- views of an evaluation


def attribute_view(ev: jixiao.Evaluation, lang: str) -> dict[str, Any]:
    """The evaluation read through attributes, shaped like the JSON layer's object."""

    def result(r: jixiao.IndicatorResult) -> dict[str, Any]:
        return {
            "id": r.id,
            "leaf": r.leaf,
            "points": r.points,
            "score": r.score,
            "exact_score": r.exact_score,
            "value": r.value,
            "rule": r.rule,
            "status": r.status,
            "na_outcome": r.na_outcome,
            "na_inherited": r.na_inherited,
            "tier": r.tier,
            "case": r.case,
            "option": r.option,
            "level": r.level,
            "deductions": [{"amount": d.amount, "item": d.item} for d in r.deductions],
            "explanation": r.explain(lang),
        }

    return {
        "total": ev.total,
        "exact_total": ev.exact_total,
        "grade": ev.grade,
        "grade_en": ev.grade_en,
        "tree_total": ev.tree_total,
        "full_points": ev.full_points,
        "excluded_points": ev.excluded_points,
        "rescaled_total": ev.rescaled_total,
        "bonus_total": ev.bonus_total,
        "vetoes": [{"id": v.id} for v in ev.vetoes],
        "indicators": [result(r) for r in ev.indicators],
        "bonus": [result(r) for r in ev.bonus],
        "explanation": ev.explain(lang),
    }


def check_views_agree(cx: Ctx, attributes: dict[str, Any], as_dict: dict[str, Any]) -> None:
    """The attributes say what to_dict() (the JSON layer) says, field by field."""
    for key in ("total", "exact_total", "grade", "grade_en", "tree_total", "full_points", "excluded_points",
                "rescaled_total", "bonus_total", "explanation"):
        if attributes[key] != as_dict.get(key):
            cx.fail(f"attributes vs to_dict: {key}", as_dict.get(key), attributes[key])
    for group in ("indicators", "bonus"):
        a_list, d_list = attributes[group], as_dict.get(group) or []
        if len(a_list) != len(d_list):
            cx.fail(f"attributes vs to_dict: len({group})", len(d_list), len(a_list))
            continue
        for a, d in zip(a_list, d_list):
            for k, v in a.items():
                if k == "deductions":
                    dv = [{"amount": x["amount"], "item": x["item"]} for x in d.get("deductions") or []]
                else:
                    dv = d.get(k)
                if v != dv:
                    cx.fail(f"attributes vs to_dict: {group}[{a['id']}].{k}", dv, v)


# ---------------------------------------------------------------- running


def _lang(case: dict[str, Any]) -> str:
    return "en" if case.get("lang") == "en" else "zh"


def run_case(v: Vector, system: jixiao.IndicatorSystem, text: str, case: dict[str, Any], exact: dict[str, Any]) -> list[Failure]:
    name = case.get("name", "")
    lang = _lang(case)
    failures: list[Failure] = []

    if "analysis" in case:
        cx = Ctx(v.file, name, via="analysis_json")
        try:
            out = json.loads(jixiao.analysis_json(text, json.dumps(case["analysis"], ensure_ascii=False), lang))
        except jixiao.JixiaoError as e:
            check_exception_class(cx, e)
            if "expect_error" in case:
                check_error(cx, case["expect_error"], error_value(e))
            else:
                cx.fail("(result)", "an analysis", error_value(e))
        else:
            if "expect_analysis" in case:
                subset(cx, "analysis", case["expect_analysis"], out)
            else:
                cx.fail("(result)", f"an error of kind {case['expect_error'].get('kind')}", out)
        return cx.failures

    # 1. The JSON layer, as exposed to Python: exactly the Rust runner's comparison.
    cx = Ctx(v.file, name, via="evaluate_json")
    try:
        out = json.loads(jixiao.evaluate_json(text, json.dumps(case["inputs"], ensure_ascii=False), lang))
    except jixiao.JixiaoError as e:
        check_exception_class(cx, e)
        if "expect_error" in case:
            check_error(cx, case["expect_error"], error_value(e))
        else:
            cx.fail("(result)", "an evaluation", error_value(e))
    else:
        if "expect" in case:
            check_expect(cx, case["expect"], out)
            check_invariants(cx, out, decimals=False)
        else:
            cx.fail("(result)", f"an error of kind {case['expect_error'].get('kind')}", out)
    failures += cx.failures

    # 2. The Python API with Decimal inputs.
    cx = Ctx(v.file, name, via="IndicatorSystem.evaluate")
    try:
        ev = system.evaluate(exact["inputs"])
    except jixiao.JixiaoError as e:
        check_exception_class(cx, e)
        want = case.get("expect_error")
        if want is None:
            cx.fail("(result)", "an evaluation", error_value(e))
        elif want.get("kind") == "request":
            # A JSON-shape problem: the Python API names the input in an InputError instead.
            if not isinstance(e, jixiao.InputError):
                cx.fail("exception class", "InputError (the JSON layer's `request`)", type(e).__name__)
            for s in contains_list(want.get("message_contains")):
                if s not in str(e):
                    cx.fail("error.message_contains", s, str(e))
        else:
            check_error(cx, want, error_value(e))
    else:
        if "expect" in case:
            attributes = attribute_view(ev, lang)
            as_dict = ev.to_dict(lang)
            check_expect(cx, case["expect"], attributes)
            check_invariants(cx, attributes, decimals=True)
            check_views_agree(cx, attributes, as_dict)
            cx.via = "Evaluation.to_dict"
            check_expect(cx, case["expect"], as_dict)
            cx.via = "Evaluation.to_json"
            as_json = json.loads(ev.to_json(lang))
            check_expect(cx, case["expect"], as_json)
            check_invariants(cx, as_json, decimals=False)
        else:
            cx.fail("(result)", f"an error of kind {case['expect_error'].get('kind')}", ev.to_dict(lang))
    failures += cx.failures
    return failures


def run_invalid(v: Vector, text: str) -> list[Failure]:
    kind = v.value.get("validation_kind", "validation")
    expected = v.value["expect_validation_errors"]
    count = v.value.get("validation_error_count")
    cx = Ctx(v.file, "(vector)")

    def check_entries(actual: list[dict[str, Any]]) -> None:
        if count is not None and len(actual) != count:
            cx.fail("errors (count)", count, actual)
        for i, want in enumerate(expected):
            if not any(entry_matches(want, a) for a in actual):
                cx.fail(f"expect_validation_errors[{i}]", want, f"no matching error among {actual}")

    cx.via = "validate_json"
    validation = json.loads(jixiao.validate_json(text))
    if validation.get("valid") is not False:
        cx.fail("valid", False, validation)
    else:
        cx.same("kind", kind, validation.get("kind"))
        check_entries(validation.get("errors") or [])
    cx.via = "evaluate_json"
    try:
        jixiao.evaluate_json(text, "{}")
        cx.fail("(result)", f"an error of kind `{kind}`", "an evaluation")
    except jixiao.JixiaoError as e:
        cx.same("error kind", kind, e.kind)

    cx.via = "IndicatorSystem.from_text"
    try:
        jixiao.IndicatorSystem.from_text(text)
        cx.fail("(result)", f"ValidationError of kind `{kind}`", "a loaded system")
    except jixiao.ValidationError as e:
        cx.same("kind", kind, e.kind)
        check_entries([dict(x) for x in e.errors])
    # Loaded without validation, the system is inspectable but refuses to evaluate.
    cx.via = "from_text(validate=False).evaluate"
    try:
        loose = jixiao.IndicatorSystem.from_text(text, validate=False)
    except jixiao.ValidationError as e:
        if kind != "syntax":
            cx.fail("(result)", "a loaded (invalid) system", error_value(e))
        else:
            cx.same("kind", kind, e.kind)
    else:
        if loose.is_valid:
            cx.fail("is_valid", False, True)
        try:
            loose.evaluate({})
            cx.fail("(result)", f"ValidationError of kind `{kind}`", "an evaluation")
        except jixiao.ValidationError as e:
            cx.same("kind", kind, e.kind)
    return cx.failures


def run_vector(v: Vector) -> list[Failure]:
    problems = check_format(v)
    if problems:
        return [Failure(v.file, "(vector)", "(vector format)", "a well-formed vector", p) for p in problems]
    try:
        text = system_text(v)
    except OSError as e:
        return [Failure(v.file, "(vector)", "system", "a readable system", str(e))]
    if "expect_validation_errors" in v.value:
        return run_invalid(v, text)
    validation = json.loads(jixiao.validate_json(text))
    if validation.get("valid") is not True:
        return [Failure(v.file, "(vector)", "validate_json", {"valid": True}, validation)]
    try:
        system = jixiao.IndicatorSystem.from_text(text)
    except jixiao.JixiaoError as e:
        return [Failure(v.file, "(vector)", "IndicatorSystem.from_text", "a valid system", error_value(e))]
    failures: list[Failure] = []
    for case, exact in zip(v.value["cases"], v.exact["cases"]):
        failures += run_case(v, system, text, case, exact)
    return failures
