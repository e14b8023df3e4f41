"""The example notebook runs from top to bottom (nbclient) and shows the seed case's 91.73 / 优秀
and the bundled example project's 93.37 / 优."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")
pytest.importorskip("matplotlib")
pytest.importorskip("pandas")

NOTEBOOK = Path(__file__).resolve().parents[1] / "examples" / "evaluate-departments.ipynb"


def test_the_example_notebook(tmp_path: Path) -> None:
    nb = nbformat.read(NOTEBOOK, as_version=4)
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code"), "commit the notebook without outputs"
    os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    client = nbclient.NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}})
    client.execute()
    out = os.environ.get("JIXIAO_NOTEBOOK_OUT")
    if out:
        nbformat.write(nb, out)

    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    streams = "".join(o.get("text", "") for o in outputs if o.output_type == "stream" and o.name == "stdout")
    # The seed department: the published result, printed as Decimal and grade.
    assert "91.73 优秀\n" in streams
    assert "500 departments; 0 could not be scored" in streams
    # The project section: the bundled example project, one that met a missed target, one reviewed.
    assert "农村公路养护工程 93.37 优\n" in streams and "乡村道路提质工程 94.97 优\n" in streams
    assert "18 findings; 总分不符, 总分与分项合计不符, 未说明偏差原因, 未达标满分, 达标扣分\n" in streams
    html = [o.data["text/html"] for o in outputs if "text/html" in o.get("data", {})]
    report = [h for h in html if 'class="jixiao-report"' in h and "91.73" in h]
    assert report, "the 自评表 of the seed department is shown"
    assert "预算完成率" in report[0] and "82.39%" in report[0]
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(images) >= 2, "the grade distribution and the mean deduction per 一级指标 are drawn"
