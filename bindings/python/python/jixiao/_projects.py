"""Project self-evaluations (项目支出绩效自评表) from a long table: one row per indicator, a
``项目名称`` column naming each row's project.

A project template (``mof-project``, the Ministry of Finance's 2020 format) fixes the sections and
their weights; each project brings its own indicator rows. Reading the table, scoring and reviewing
are the engine's (``jixiao::project`` in Rust); this module hands it the table's cells and turns
its answers into pandas DataFrames.

The long table's columns are the engine's: ``项目名称`` (and ``项目编码`` when projects share a
name), the per-project ``主管部门``, ``实施单位``, ``年度``, ``年初预算数``, ``全年预算数``,
``全年执行数``, ``资金得分``, ``总分``, ``等次`` (given on any of the project's rows, or repeated on
each), and the indicator columns ``一级指标``, ``二级指标``, ``三级指标``, ``指标性质`` (optional),
``年度指标值``, ``实际完成值``, ``分值``, ``得分`` (optional, the table's own score) and
``偏差原因分析及改进措施`` (optional). A blank ``项目名称``, ``一级指标`` or ``二级指标`` is the
merged cell above it.

Cells: a ``str`` is read as it is; an ``int`` or ``decimal.Decimal`` by its exact digits; a
``float`` as everywhere in this package, by its shortest text (``0.1`` is 0.1; binary noise such as
``0.30000000000000004``, NaN in a list of rows, or infinity is an error of its cell); ``None``,
NaN in a DataFrame and ``pd.NA`` are empty cells. Any other object (a bool, a date) is an error of
its cell: give it as text.

Rows are named by the DataFrame's index labels (a list of rows: by position, from 0): a message
says ``第5行“实际完成值”：…`` for the row whose index label is 5, and the ``行`` columns hold the
labels themselves, so that ``frame.loc[label]`` finds the row.
"""

from __future__ import annotations

import json
import os
import pathlib
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Union

from jixiao import _jixiao
from jixiao._api import IndicatorSystem, _missing
from jixiao._results import Evaluation
from jixiao._types import Lang

if TYPE_CHECKING:
    import pandas

DEFAULT_TEMPLATE = "mof-project"
"""The template used when none is named: the Ministry of Finance's 2020 项目支出绩效自评表."""

_PER_PROJECT_INFO = ("项目编码", "主管部门", "实施单位", "项目负责人", "年度")
_FUNDS = ("年初预算数", "全年预算数", "全年执行数")


def _template(system: str | os.PathLike[str]) -> _jixiao.ProjectTemplate:
    """A built-in template by id, or a template file (``.json``) or its JSON text."""
    text = os.fspath(system)
    if text.lstrip().startswith("{"):
        return _jixiao.ProjectTemplate.from_json(text)
    if text.endswith(".json") and os.path.isfile(text):
        with open(text, encoding="utf-8") as f:
            return _jixiao.ProjectTemplate.from_json(f.read())
    return _jixiao.ProjectTemplate.builtin(text)


def project_templates() -> list[str]:
    """The ids of the built-in project templates (``mof-project``, the national one, among them)."""
    return _jixiao.ProjectTemplate.builtin_ids()


def example_project(system: str = DEFAULT_TEMPLATE) -> dict[str, Any]:
    """The template's bundled example project, in the shape ``score_project`` and the CLI read:
    ``{"info": {...}, "funds": {...}, "rows": [{"一级指标": ..., ...}, ...]}`` (figures as text, as
    the example file writes them).

    Parameters
    ----------
    system:
        The id of a built-in project template (``mof-project``), or a template file (``.json``) or
        its JSON text, as the CLI's ``--system`` takes them.

    Returns
    -------
    dict
        A fresh copy of the example (``mof-project``'s is 农村公路养护工程, 93.37 分, 优).
    """
    example: dict[str, Any] = json.loads(_template(system).example_json(), parse_float=Decimal)
    return example


def project_rows(project: Mapping[str, Any]) -> list[dict[str, Any]]:
    """A project in the JSON shape (``info``, ``funds``, ``rows``, ``总分``, ``等次``) as the rows of
    a long table: one row per indicator row, the project's name, funds, 总分 and 等次 repeated on
    each. ``pandas.DataFrame(project_rows(p))`` is a long frame of one project; concatenate such
    frames for many.

    Parameters
    ----------
    project:
        The project, as ``example_project()`` gives it.

    Returns
    -------
    list of dict
        The long table's rows (``项目名称`` first, ``未命名项目`` when ``info`` has none;
        ``资金得分`` is the funds' ``得分``).
    """
    info: Mapping[str, Any] = project.get("info") or {}
    funds: Mapping[str, Any] = project.get("funds") or {}
    per: dict[str, Any] = {"项目名称": info.get("项目名称", "未命名项目")}
    per.update({k: info[k] for k in _PER_PROJECT_INFO if info.get(k) is not None})
    per.update({k: funds[k] for k in _FUNDS if funds.get(k) is not None})
    if funds.get("得分") is not None:
        per["资金得分"] = funds["得分"]
    for k in ("总分", "等次"):
        if project.get(k) is not None:
            per[k] = project[k]
    rows: Sequence[Mapping[str, Any]] = project.get("rows") or ()
    return [{**per, **row} for row in rows]


def _table(data: object) -> tuple[list[str], list[tuple[list[Any], list[bool]]], list[object]]:
    """The header, the columns as ``(values, missing)`` and the row labels."""
    if type(data).__module__.split(".")[0] == "pandas":
        import pandas as pd

        if not isinstance(data, pd.DataFrame):
            raise TypeError(f"expected a pandas DataFrame, found {type(data).__name__}")
        if data.columns.duplicated().any():
            names = sorted({str(n) for n in data.columns[data.columns.duplicated()]})
            raise ValueError(f"duplicate column names: {', '.join(names)}")
        columns = []
        for position in range(data.shape[1]):
            column = data.iloc[:, position]
            columns.append((column.tolist(), column.isna().tolist()))
        return [str(c) for c in data.columns], columns, list(data.index)
    if isinstance(data, (list, tuple)):
        header: dict[str, None] = {}
        for row in data:
            if not isinstance(row, Mapping):
                raise TypeError(f"expected a pandas DataFrame or a list of row mappings, found a row of {type(row).__name__}")
            header.update(dict.fromkeys(str(k) for k in row))
        rows = [{str(k): v for k, v in row.items()} for row in data]
        columns = [([r.get(h) for r in rows], [h not in r or _missing(r[h]) for r in rows]) for h in header]
        return list(header), columns, list(range(len(rows)))
    raise TypeError(f"expected a pandas DataFrame or a list of row mappings, not {type(data).__name__}")


def _run(data: object, system: str, audit: bool, lang: Lang) -> tuple[list[dict[str, Any]], list[object], bool]:
    """The engine's answer for every project, the row labels, and whether the table has 项目编码."""
    template = _template(system)
    header, columns, labels = _table(data)
    projects: list[dict[str, Any]] = template.run(header, columns, [str(label) for label in labels], audit, lang)
    has_code = any("".join(h.split()).startswith(("项目编码", "项目代码")) for h in header)
    return projects, labels, has_code


def _decimals(values: list[Any]) -> Any:
    """A column of decimals as ``evaluate_batch`` gives them: Arrow ``decimal128(38, 2)`` when
    every figure is stated to 0.01 (the template's scores always are), else ``decimal128(38, 28)``
    (a table's own 得分 written with more places), each element a ``decimal.Decimal``; plain
    ``Decimal`` objects without pyarrow."""
    import pandas as pd

    try:
        import pyarrow as pa
    except ImportError:
        return pd.Series(values, dtype=object)
    places = max([0, *(-int(v.as_tuple().exponent) for v in values if isinstance(v, Decimal))])
    arrow = pa.decimal128(38, 2 if places <= 2 else 28)
    return pd.Series(pa.array(values, type=arrow), dtype=pd.ArrowDtype(arrow))


def _frame(rows: list[dict[str, Any]], columns: list[str], decimals: Sequence[str], objects: Sequence[str] = ()) -> pandas.DataFrame:
    import pandas as pd

    data: dict[str, Any] = {}
    for c in columns:
        values = [r.get(c) for r in rows]
        if c in decimals:
            data[c] = _decimals(values)
        elif c in objects or not values:
            data[c] = pd.Series(values, dtype=object)
        else:
            data[c] = values
    return pd.DataFrame(data, columns=columns)


def _label(labels: list[object], position: Any) -> object:
    return None if position is None else labels[position]


def score_projects(data: object, system: str = DEFAULT_TEMPLATE, *, lang: Lang = "zh") -> pandas.DataFrame:
    """Scores every project of a long table (one row per indicator, a ``项目名称`` column): one
    result row per project, in the order the projects first appear. A project that cannot be read
    or scored has its message in ``错误`` and the others are scored.

    Parameters
    ----------
    data:
        A pandas DataFrame, or a list of row mappings (see the module's documentation for the
        columns and cells).
    system:
        A built-in project template (``project_templates()``); ``mof-project`` by default.
    lang:
        Language of the messages in ``错误``.

    Returns
    -------
    pandas.DataFrame
        Columns ``项目名称``, ``项目编码`` (when the table has one), ``总分`` (the engine's total,
        stated as the template states it), ``等次``, ``预算执行率得分``, one column per section of
        the template (``产出指标``, ``效益指标``, ``满意度指标`` for ``mof-project``), and ``错误``
        (None, or every problem located by the DataFrame's row label: ``第5行“实际完成值”：…``; an
        object column of ``str`` and None).
        Figures are Arrow ``decimal128`` columns whose elements are ``decimal.Decimal``.
    """
    projects, _, has_code = _run(data, system, False, lang)
    sections = list(_template(system).sections)
    for p in projects:
        sections.extend(name for name, _ in p.get("sections", ()) if name not in sections)
    rows = []
    for p in projects:
        row: dict[str, Any] = {"项目名称": p["name"], "项目编码": p["code"], "错误": p.get("error")}
        if "total" in p:
            row.update({"总分": p["total"], "等次": p["grade"], "预算执行率得分": p["execution"]})
            row.update(dict(p["sections"]))
        rows.append(row)
    figures = ["总分", "预算执行率得分", *sections]
    columns = ["项目名称", *(["项目编码"] if has_code else []), "总分", "等次", "预算执行率得分", *sections, "错误"]
    return _frame(rows, columns, figures, ["错误"])


def score_project_rows(data: object, system: str = DEFAULT_TEMPLATE, *, lang: Lang = "zh") -> pandas.DataFrame:
    """Scores every project of a long table and gives one result row per indicator: for each
    project its 预算执行率 row (``行`` None: the funds are not one of the table's rows), then each of
    its scored indicator rows in the table's order (a placeholder row such as ``指标4：`` with
    neither target nor actual is not scored and not listed). A project that cannot be read or scored
    has each of its table rows listed with the project's message in ``错误``.

    Parameters
    ----------
    data, system, lang:
        As for ``score_projects``.

    Returns
    -------
    pandas.DataFrame
        Columns ``项目名称``, ``项目编码`` (when the table has one), ``行`` (the DataFrame's row
        label), ``一级指标``, ``二级指标``, ``三级指标`` (as the template names the sections),
        ``分值``, ``得分`` (the engine's), ``扣分`` (分值 − 得分), ``自评得分`` (the table's own
        ``得分``; for the 预算执行率 row, ``资金得分``), ``扣分原因及说明`` (how the score came about,
        in ``lang``) and ``错误`` (None or the project's message). Summed per
        project, ``得分`` gives ``score_projects``'s ``总分`` (before the total's own rounding).
    """
    projects, labels, has_code = _run(data, system, False, lang)
    rows: list[dict[str, Any]] = []
    for p in projects:
        who = {"项目名称": p["name"], "项目编码": p["code"]}
        if "indicators" not in p:
            rows.extend({**who, "行": _label(labels, r), "错误": p["error"]} for r in p["rows"])
            continue
        for r in p["indicators"]:
            rows.append(
                {
                    **who,
                    "行": _label(labels, r["row"]),
                    "一级指标": r["level1"],
                    "二级指标": r["level2"] or None,
                    "三级指标": r["name"],
                    "分值": r["points"],
                    "得分": r["score"],
                    "扣分": r["lost"],
                    "自评得分": r["claimed"],
                    "扣分原因及说明": r["explanation"],
                }
            )
    columns = [
        "项目名称",
        *(["项目编码"] if has_code else []),
        "行",
        "一级指标",
        "二级指标",
        "三级指标",
        "分值",
        "得分",
        "扣分",
        "自评得分",
        "扣分原因及说明",
        "错误",
    ]
    return _frame(rows, columns, ["分值", "得分", "扣分", "自评得分"], ["行", "错误"])


def audit_projects(data: object, system: str = DEFAULT_TEMPLATE, *, lang: Lang = "zh") -> pandas.DataFrame:
    """Reviews every project of a long table (复核) as a reviewer does: each row's own ``得分``
    against its figures, the ``资金得分``, the ``总分`` against the sum of the table's own scores
    and the engine's total, the ``等次``, and the rows below target without a
    ``偏差原因分析及改进措施``. One row per finding, project by project, each project's in its
    table's order; a project that cannot be read or scored is one finding of kind ``无法复核`` per
    problem. A project without findings does not appear.

    Parameters
    ----------
    data, system:
        As for ``score_projects``.
    lang:
        Language of ``类别`` and ``问题``.

    Returns
    -------
    pandas.DataFrame
        Columns ``项目名称``, ``项目编码`` (when the table has one), ``行`` (the DataFrame's row
        label, None for a finding about the whole project such as its 总分), ``类别`` (达标扣分,
        未达标满分, 得分不符, 资金执行得分不符, 得分超出分值, 总分与分项合计不符, 总分不符, 等次不符,
        等次与自评总分不符, 未说明偏差原因, 无法复核), ``指标`` (the indicator's name), ``自评`` (what
        the table states), ``复核`` (what its figures give) and ``问题`` (the finding, its row named
        by label).
    """
    projects, labels, has_code = _run(data, system, True, lang)
    unreadable = "无法复核" if lang == "zh" else "cannot be reviewed"  # as the CLI heads it
    rows: list[dict[str, Any]] = []
    for p in projects:
        who = {"项目名称": p["name"], "项目编码": p["code"]}
        if "findings" not in p:
            rows.extend({**who, "行": _label(labels, r), "类别": unreadable, "问题": m} for r, m in p["problems"])
            continue
        for f in p["findings"]:
            rows.append(
                {
                    **who,
                    "行": _label(labels, f["row"]),
                    "类别": f["kind"],
                    "指标": f["name"],
                    "自评": f["claimed"],
                    "复核": f["computed"],
                    "问题": f["message"],
                }
            )
    columns = ["项目名称", *(["项目编码"] if has_code else []), "行", "类别", "指标", "自评", "复核", "问题"]
    return _frame(rows, columns, (), ["行"])


def score_project(
    project: Union[Mapping[str, Any], str, pathlib.Path, Sequence[Mapping[str, Any]], pandas.DataFrame],
    system: str = DEFAULT_TEMPLATE,
) -> Evaluation:
    """Scores one project as an ordinary ``jixiao.Evaluation`` of the project's own indicator
    system (预算执行率, then the template's sections with the project's rows): ``total``,
    ``grade``, ``indicators``, ``explain()``, ``to_frame()``, ``report("xlsx")`` … as for a department.

    Parameters
    ----------
    project:
        The project in the JSON shape (``example_project()``: ``info``, ``funds``, ``rows``, ``总分``,
        ``等次``), as a mapping, JSON text or a ``pathlib.Path`` of a JSON file; its rows are named
        from 1 in messages, as the CLI names a JSON project's rows. Or the project's long table (a
        DataFrame or list of row mappings holding one project), its rows named by their labels.
    system:
        A built-in project template.

    Returns
    -------
    Evaluation
        The evaluation. ``InputError`` when the project cannot be read (every problem, located),
        ``EvaluationError`` when a row does not score, ``RequestError`` when a table holds more
        than one project.
    """
    template = _template(system)
    if isinstance(project, pathlib.Path):
        project = project.read_text(encoding="utf-8-sig")
    if isinstance(project, str):
        project = json.loads(project, parse_float=Decimal)
    if isinstance(project, Mapping):
        rows = project_rows(project)
        header, columns, _ = _table(rows)
        labels: list[object] = list(range(1, len(rows) + 1))
    else:
        header, columns, labels = _table(project)
    native, scored, inputs = template.evaluate(header, columns, [str(label) for label in labels])
    return Evaluation(scored, IndicatorSystem(native), inputs)


__all__ = [
    "DEFAULT_TEMPLATE",
    "audit_projects",
    "example_project",
    "project_rows",
    "project_templates",
    "score_project",
    "score_project_rows",
    "score_projects",
]
