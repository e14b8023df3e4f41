"""Stated figures foot in the Python outputs: in ``Evaluation.to_frame()`` and in
``evaluate_batch``'s frame every group's score is the sum of its children's, the total the sum of
the 一级指标, and every score is written with the two places the built-ins state."""

from decimal import Decimal

import jixiao
import pandas as pd
import pytest

from test_batch import units


def children(system: jixiao.IndicatorSystem) -> dict[str, list[str]]:
    return {i.id: [c.id for c in i.children] for i in system.walk() if i.children}


@pytest.mark.parametrize("builtin", [b["id"] for b in jixiao.builtins()])
def test_the_frame_of_every_builtin_example_foots(builtin: str) -> None:
    system = jixiao.IndicatorSystem.builtin(builtin)
    e = system.evaluate(system.example_inputs() or {})
    frame = e.to_frame()
    scores: dict[str, Decimal] = {str(k): v for k, v in frame["score"].items()}
    assert all(v.as_tuple().exponent == -2 for v in scores.values()), scores
    for parent, kids in children(system).items():
        assert scores[parent] == sum(scores[k] for k in kids), parent
    top = [str(k) for k, d in frame["depth"].items() if d == 0 and not frame.loc[k, "bonus"]]
    if e.rescaled_total is None and not e.vetoes:
        assert e.total == sum(scores[k] for k in top) + e.bonus_total


def test_batch_frames_foot_row_by_row() -> None:
    system = jixiao.IndicatorSystem.builtin("hunan-dept")
    out = system.evaluate_batch(pd.DataFrame(units(300, 21)).set_index("部门"))
    scored = out[out["error"].isna()]
    assert len(scored) > 100
    tops = [i.id for i in system.indicators]
    for parent, kids in children(system).items():
        assert (scored[parent] == scored[kids].sum(axis=1)).all(), parent
    assert (scored["total"] == scored[tops].sum(axis=1)).all()
