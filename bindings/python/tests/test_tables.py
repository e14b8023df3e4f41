"""The shared table fixtures (tests/tables/): the CSV read by pandas and scored by evaluate_batch
gives the rows the engine's snapshot records, as `jixiao batch` does on the same file."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pandas as pd

import jixiao

TABLES = Path(__file__).resolve().parents[3] / "tests" / "tables"


def expected(name: str) -> list[dict[str, object]]:
    text = (TABLES / "expected" / f"{name}.snap").read_text(encoding="utf-8")
    rows: list[dict[str, object]] = json.loads(text.split("---\n", 2)[2])
    return rows


def test_the_csv_fixture_through_pandas_gives_the_expected_rows() -> None:
    system = jixiao.IndicatorSystem.builtin("hunan-dept")
    # As an analyst reads a CSV: every cell as text, blank cells as missing.
    df = pd.read_csv(TABLES / "hunan-units.csv", dtype=str, keep_default_na=False)
    out = system.evaluate_batch(df, output="dict")
    want = expected("hunan-units")
    assert out["单位名称"] == [w["unit"] for w in want]
    for i, w in enumerate(want):
        if "error" in w:
            assert out["total"][i] is None and out["grade"][i] is None
            error = out["error"][i]
            assert isinstance(error, str)
            # The error column speaks Chinese (evaluate_batch's default lang) and names the input.
            for name in w["error"]["inputs"]:  # type: ignore[index]
                assert f"“{name}”" in error, error
        else:
            assert out["total"][i] == Decimal(str(w["total"]))
            assert out["grade"][i] == w["grade"]
            assert out["error"][i] is None


def test_the_json_fixture_gives_the_same_rows_unit_by_unit() -> None:
    system = jixiao.IndicatorSystem.builtin("hunan-dept")
    units = json.loads((TABLES / "hunan-units.json").read_text(encoding="utf-8"), parse_float=Decimal)
    for unit, w in zip(units, expected("hunan-units")):
        name = unit.pop("单位名称")
        assert name == w["unit"]
        if "error" in w:
            try:
                system.evaluate(unit)
            except jixiao.JixiaoError as e:
                assert e.kind == w["error"]["kind"]  # type: ignore[index]
            else:
                raise AssertionError(f"{name}: no error")
        else:
            r = system.evaluate(unit)
            assert (r.total, r.grade) == (Decimal(str(w["total"])), w["grade"])
