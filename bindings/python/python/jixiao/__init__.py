"""jixiao (绩效): exact, explainable scoring of Chinese budget performance evaluations.

Load an indicator system, score a department's figures, read every deduction with its reason::

    import jixiao
    system = jixiao.IndicatorSystem.builtin("xiangxi-commerce-2019")
    result = system.evaluate(system.example_inputs())
    result.total, result.grade          # (Decimal('91.73'), '优秀')

Figures go in and come out as ``decimal.Decimal`` (never through a binary float); tables of
many units are scored with ``system.evaluate_batch(df)`` (pandas, polars, pyarrow or a list of
dicts) in Rust with the GIL released.

Project self-evaluations (项目支出绩效自评表) come as a long table, one row per indicator and a
``项目名称`` column: ``jixiao.score_projects(df)`` gives one row per project (总分, 等次, the
section subtotals, or the located error), ``jixiao.score_project_rows(df)`` one row per indicator
with its reason, ``jixiao.audit_projects(df)`` the reviewer's findings, and
``jixiao.score_project(project)`` one project as an ``Evaluation``.
"""

from jixiao._api import BuiltinSystem as BuiltinSystem, IndicatorSystem as IndicatorSystem
from jixiao._jixiao import (
    FORMAT_VERSION as FORMAT_VERSION,
    EvaluationError as EvaluationError,
    InputError as InputError,
    JixiaoError as JixiaoError,
    LoadError as LoadError,
    RequestError as RequestError,
    __version__ as __version__,
    analysis_json as analysis_json,
    builtins as builtins,
    evaluate_batch_json as evaluate_batch_json,
    evaluate_json as evaluate_json,
    schema_json as schema_json,
    validate_json as validate_json,
)
from jixiao._projects import (
    audit_projects as audit_projects,
    example_project as example_project,
    project_rows as project_rows,
    project_templates as project_templates,
    score_project as score_project,
    score_project_rows as score_project_rows,
    score_projects as score_projects,
)
from jixiao._results import (
    Audit as Audit,
    Breakpoint as Breakpoint,
    BreakpointChange as BreakpointChange,
    Check as Check,
    CompareRow as CompareRow,
    Comparison as Comparison,
    CoreCap as CoreCap,
    Deduction as Deduction,
    Discrepancy as Discrepancy,
    Evaluation as Evaluation,
    EvaluationAnswer as EvaluationAnswer,
    Grade as Grade,
    Indicator as Indicator,
    IndicatorResult as IndicatorResult,
    Input as Input,
    Provenance as Provenance,
    Reading as Reading,
    ReviewRow as ReviewRow,
    Sensitivity as Sensitivity,
    SystemInfo as SystemInfo,
    Target as Target,
    Veto as Veto,
)
from jixiao._types import (
    BatchOutput as BatchOutput,
    BuiltinInfo as BuiltinInfo,
    ErrorDetail as ErrorDetail,
    InputValue as InputValue,
    Lang as Lang,
    Level as Level,
    Number as Number,
    ReportFormat as ReportFormat,
    TextFormat as TextFormat,
)

ValidationError = LoadError
"""The former name of ``LoadError`` (the JavaScript package's name, and the engine's)."""

__all__ = [
    "Audit",
    "BatchOutput",
    "Breakpoint",
    "BreakpointChange",
    "BuiltinInfo",
    "BuiltinSystem",
    "Check",
    "CompareRow",
    "Comparison",
    "CoreCap",
    "Deduction",
    "Discrepancy",
    "ErrorDetail",
    "Evaluation",
    "EvaluationAnswer",
    "EvaluationError",
    "FORMAT_VERSION",
    "Grade",
    "Indicator",
    "IndicatorResult",
    "IndicatorSystem",
    "Input",
    "InputError",
    "InputValue",
    "JixiaoError",
    "Lang",
    "Level",
    "LoadError",
    "Number",
    "Provenance",
    "Reading",
    "ReviewRow",
    "ReportFormat",
    "RequestError",
    "Sensitivity",
    "SystemInfo",
    "Target",
    "TextFormat",
    "ValidationError",
    "Veto",
    "__version__",
    "analysis_json",
    "audit_projects",
    "builtins",
    "evaluate_batch_json",
    "evaluate_json",
    "example_project",
    "project_rows",
    "project_templates",
    "schema_json",
    "score_project",
    "score_project_rows",
    "score_projects",
    "validate_json",
]
