"""The whole conformance corpus, one test per vector file, through the Python package."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import jixiao
import vectors

FILES = vectors.vector_files()


def test_the_corpus_is_there() -> None:
    assert vectors.VECTORS.is_dir(), f"no vectors at {vectors.VECTORS}"
    assert len(FILES) >= vectors.MIN_VECTORS, f"only {len(FILES)} vector files in {vectors.VECTORS}"


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_vector(path: Path) -> None:
    vector = vectors.load(path)
    failures = vectors.run_vector(vector)
    if failures:
        pytest.fail(f"{len(failures)} failure(s):\n" + "\n".join(f"- {f}" for f in failures), pytrace=False)


def test_every_rule_kind_appears_in_some_vector() -> None:
    kinds = vectors.format_rule_kinds()
    assert len(kinds) >= 11, f"could not read the rule kinds from the schema: {kinds}"
    used: set[str] = set()
    for path in FILES:
        used |= vectors.rule_kinds_in(vectors.system_value(vectors.load(path)))
    assert kinds - used == set(), "rule kinds no vector uses"
    assert used - kinds == set(), "rule kinds the format does not define"


def test_a_malformed_vector_is_reported_with_its_file_name(tmp_path: Path) -> None:
    broken = tmp_path / "001-broken.json"
    broken.write_text('{"name": "broken",', encoding="utf-8")
    with pytest.raises(ValueError, match="001-broken.json"):
        vectors.load(broken)
    broken.write_text(
        json.dumps(
            {
                "name": "broken",
                "description": "x",
                "system_file": "none.json",
                "cases": [{"name": "c", "inputs": {}, "expect": {"scroes": {}}}],
            }
        ),
        encoding="utf-8",
    )
    failures = vectors.run_vector(vectors.load(broken))
    assert any(f.file == "001-broken.json" and "scroes" in str(f.actual) for f in failures), failures


def test_a_wrong_expectation_fails() -> None:
    """The runner is not vacuous: a changed figure is caught on every path."""
    vector = vectors.load(vectors.VECTORS / "105-builtin-xiangxi-commerce-2019-seed.json")
    vector.value["cases"][0]["expect"]["total"] = "91.74"
    vector.exact["cases"][0]["expect"]["total"] = "91.74"
    failures = vectors.run_vector(vector)
    fields = {f.field for f in failures}
    assert {"evaluate_json: total", "IndicatorSystem.evaluate: total", "Evaluation.to_dict: total",
            "Evaluation.to_json: total"} <= fields, fields
    assert jixiao.__version__
