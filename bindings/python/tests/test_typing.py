"""The hand-written stubs match the extension (mypy.stubtest), and typed code using them checks."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"

pytest.importorskip("mypy")


def run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=cwd, capture_output=True, text=True, timeout=600)


def test_stubtest(tmp_path: Path) -> None:
    # From an empty folder, so that the installed package (not the source tree) is checked.
    allowlist = Path(__file__).parent / "stubtest-allowlist.txt"
    r = run(["mypy.stubtest", "jixiao", "--mypy-config-file", str(PYPROJECT), "--allowlist", str(allowlist)], tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr


def test_typed_usage_checks_under_mypy_strict(tmp_path: Path) -> None:
    code = textwrap.dedent(
        """
        from decimal import Decimal
        import jixiao

        system: jixiao.IndicatorSystem = jixiao.IndicatorSystem.builtin("hunan-dept")
        inputs: dict[str, jixiao.InputValue] = {"编制数": Decimal("76"), "预算管理制度": ["财务管理制度"]}
        try:
            result = system.evaluate(inputs)
        except jixiao.InputError as e:
            names: list[str] = e.inputs
            details: list[jixiao.ErrorDetail] = e.errors
        else:
            total: Decimal = result.total
            grade: str = result.grade
            lost: list[Decimal] = [d.amount for r in result.indicators for d in r.deductions]
            text: str = result.explain("en")
        for i in system.inputs:
            unit: str | None = i.unit
        tree: list[jixiao.Indicator] = system.indicators[0].children
        ids: list[str] = [b["id"] for b in jixiao.builtins()]
        project: jixiao.Evaluation = jixiao.score_project(jixiao.example_project(), "mof-project")
        templates: list[str] = jixiao.project_templates()
        """
    )
    (tmp_path / "usage.py").write_text(code, encoding="utf-8")
    r = run(["mypy", "--strict", "--config-file", str(PYPROJECT), "usage.py"], tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    bad = code + '\nwrong: int = result.total\n'
    (tmp_path / "usage.py").write_text(bad, encoding="utf-8")
    r = run(["mypy", "--strict", "--config-file", str(PYPROJECT), "usage.py"], tmp_path)
    assert r.returncode != 0 and "Decimal" in r.stdout


README = Path(__file__).resolve().parents[1] / "README.md"


def test_the_readme_python_passes_mypy_strict(tmp_path: Path) -> None:
    """The README's Python blocks, in order, are one module that type-checks under --strict."""
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S)
    assert len(blocks) >= 5, "the README's Python examples"
    (tmp_path / "readme.py").write_text("\n".join(blocks), encoding="utf-8")
    r = run(["mypy", "--strict", "--config-file", str(PYPROJECT), "readme.py"], tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr


def test_results_are_typed(tmp_path: Path) -> None:
    """What the README promises about types: no Any where a result is known."""
    code = textwrap.dedent(
        """
        import jixiao
        from decimal import Decimal
        system = jixiao.IndicatorSystem.builtin("hunan-dept")
        inputs = system.example_inputs()
        reveal_type(inputs)
        reveal_type(system.evaluate(inputs).report("xlsx"))
        reveal_type(system.evaluate(inputs).report("csv"))
        reveal_type(system.evaluate_batch([inputs], output="dict"))
        reveal_type(system.what_if(inputs, {}).rows[0].change)
        reveal_type(system.audit(inputs).discrepancies)
        """
    )
    (tmp_path / "revealed.py").write_text(code, encoding="utf-8")
    r = run(["mypy", "--strict", "--config-file", str(PYPROJECT), "revealed.py"], tmp_path)
    revealed = re.findall(r'Revealed type is "(.*)"', r.stdout)
    assert revealed == [
        "dict[str, decimal.Decimal | int | float | str | bool | jixiao._types.Level | typing.Mapping[str, str"
        " | decimal.Decimal | int | float | None] | typing.Sequence[str] | set[str] | frozenset[str]]",
        "bytes",
        "str",
        "dict[str, list[object]]",
        "decimal.Decimal | None",
        "list[jixiao._results.Discrepancy]",
    ], r.stdout
