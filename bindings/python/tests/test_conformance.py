"""The conformance corpus through the Python API.

``tests/vectors/expected/*.snap`` hold the JSON layer's exact output for every case of every vector
(``tests/src/lib.rs::wire_outputs``). Each case is reproduced here with the typed API: the system
from its text, inputs and requests read with ``parse_float=Decimal`` so that digits stay exact,
evaluations through ``Evaluation.to_dict`` and analyses through their result objects, both rendered
back to the wire form (``jixiao._results.wire``, ``Decimal`` as its exact text), errors through the
exception's ``kind``/``errors``. The rendering must equal the snapshot.
"""

from __future__ import annotations

import json
import os
import re
from decimal import Decimal
from pathlib import Path

import pytest

import jixiao
from jixiao._results import wire

VECTORS = Path(os.environ.get("JIXIAO_VECTORS", Path(__file__).resolve().parents[3] / "tests" / "vectors"))
FILES = sorted(VECTORS.glob("*.json"))
WS = re.compile(r"\s*")


def spans(text: str, i: int = 0) -> list[tuple[object, int, int]]:
    """The members of the JSON object (or items of the array) at ``i`` as written: ``(key or
    index, start, end)``. The engine reads text as written (a line and column refer to it)."""
    decoder, skip = json.JSONDecoder(), lambda j: WS.match(text, j).end()  # type: ignore[union-attr]
    i, out, array = skip(i), [], text[skip(i)] == "["
    i = skip(i + 1)
    while text[i] not in "]}":
        key: object = len(out)
        if not array:
            key, i = decoder.raw_decode(text, i)
            i = skip(i) + 1  # the colon
        start = skip(i)
        _, end = decoder.raw_decode(text, start)
        out.append((key, start, end))
        i = skip(end)
        i = skip(i + 1) if text[i] == "," else i
    return out


def raw(text: str, *path: object) -> str:
    """The text of the member at ``path`` (keys and indices) as written."""
    start, end = 0, len(text)
    for step in path:
        start, end = next((s, e) for k, s, e in spans(text[:end], start) if k == step)
    return text[start:end]


def error(e: jixiao.JixiaoError) -> dict[str, object]:
    details = [{k: v for k, v in d.items() if v is not None} for d in e.errors]
    return {
        "error": {
            "kind": e.kind,
            "code": e.code,
            "message": e.message_en,
            "message_zh": e.message_zh,
            "errors": details,
        }
    }


def analysis(system: jixiao.IndicatorSystem, request: dict[str, dict[str, object]], lang: jixiao.Lang) -> object:
    ((kind, r),) = request.items()
    inputs, claims, goal = r.get("inputs"), r.get("claims") or {}, r.get("goal") or {}
    bounds = {"start": r.get("from"), "stop": r.get("to"), "resolution": r.get("resolution")}
    if kind == "what_if":
        return system.what_if(inputs, r["changes"], lang=lang)  # type: ignore[arg-type]
    if kind == "compare":
        return system.compare(r["a"], r["b"], lang=lang)  # type: ignore[arg-type]
    if kind == "audit":
        return system.audit(inputs, lang=lang, **claims)  # type: ignore[arg-type]
    if kind == "sensitivity":
        return system.sensitivity(inputs, r["input"], r["from"], r["to"], r.get("resolution"), lang=lang)  # type: ignore[arg-type]
    assert kind == "target", kind
    return system.target(inputs, r["input"], **goal, **bounds, lang=lang)  # type: ignore[arg-type]


def outputs(path: Path) -> dict[str, object]:
    """What the Python API gives for every case of a vector, in the form of the snapshot."""
    text = path.read_text(encoding="utf-8")
    vector = json.loads(text, parse_float=Decimal)
    if "system" in vector:
        system_text = raw(text, "system")
    else:
        system_text = (VECTORS / vector["system_file"]).read_text(encoding="utf-8")
    if "expect_validation_errors" in vector:
        try:
            jixiao.IndicatorSystem.from_text(system_text)
            return {"validation": {"valid": True, "errors": []}}
        except jixiao.LoadError as e:
            return {"validation": {"valid": False, "kind": e.kind, "errors": error(e)["error"]["errors"]}}  # type: ignore[index]
    cases = []
    snapshot = expected(path)["cases"]
    for n, case in enumerate(vector["cases"]):
        lang = case.get("lang", "zh")
        try:
            system = jixiao.IndicatorSystem.from_text(system_text)
            if "analysis" in case:
                output = wire(analysis(system, case["analysis"], lang))
            elif snapshot[n]["output"].get("error", {}).get("kind") == "request":  # type: ignore[index]
                # A JSON text that cannot be read as inputs (a null, an unknown key): only the
                # JSON layer sees that text, so it answers. The typed API reports the same value
                # as an InputError naming the input (tests/test_api.py).
                output = json.loads(jixiao.evaluate_json(system_text, raw(text, "cases", n, "inputs"), lang))
            else:
                output = wire(system.evaluate(case.get("inputs", {})).to_dict(lang))
        except jixiao.JixiaoError as e:
            output = error(e)
        cases.append({"name": case["name"], "lang": lang, "output": output})
    return {"cases": cases}


def expected(path: Path) -> dict[str, object]:
    snapshot = (VECTORS / "expected" / f"{path.stem}.snap").read_text(encoding="utf-8")
    value: dict[str, object] = json.loads(snapshot.split("---", 2)[2])
    return value


def first_difference(a: object, b: object, at: str = "") -> str | None:
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b), key=str):
            found = first_difference(a.get(k, "<absent>"), b.get(k, "<absent>"), f"{at}.{k}")
            if found:
                return found
        return None
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return next((d for i, (x, y) in enumerate(zip(a, b)) if (d := first_difference(x, y, f"{at}[{i}]"))), None)
    return None if a == b else f"{at}: expected {a!r}, Python gives {b!r}"


def test_the_corpus_is_there() -> None:
    assert len(FILES) >= 40, f"only {len(FILES)} vector files in {VECTORS}"
    missing = [p.name for p in FILES if not (VECTORS / "expected" / f"{p.stem}.snap").is_file()]
    assert not missing, f"vectors without a snapshot: {missing}"


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_vector(path: Path) -> None:
    want, got = expected(path), outputs(path)
    assert got == want, first_difference(want, got)


def test_a_changed_figure_fails() -> None:
    """The comparison is not vacuous: one figure changed in the expectation is caught."""
    path = VECTORS / "105-builtin-xiangxi-commerce-2019-seed.json"
    want = expected(path)
    output = want["cases"][0]["output"]  # type: ignore[index]
    assert output["total"] == "91.73"
    output["total"] = "91.74"
    got = outputs(path)
    assert got != want and first_difference(want, got) == ".cases[0].output.total: expected '91.74', Python gives '91.73'"
