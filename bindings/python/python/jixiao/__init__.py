"""jixiao (绩效): exact, explainable scoring of Chinese budget performance evaluations.

Load an indicator system, score a department's figures, read every deduction with its reason::

    import jixiao
    system = jixiao.IndicatorSystem.builtin("xiangxi-commerce-2019")
    result = system.evaluate(system.example_inputs())
    result.total, result.grade          # (Decimal('91.73'), '优秀')

Figures go in and come out as ``decimal.Decimal`` (never through a binary float); tables of
many units are scored with ``system.evaluate_batch(df)`` (pandas, polars, pyarrow or a list of
dicts) in Rust with the GIL released.
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
    "builtins",
    "evaluate_batch_json",
    "evaluate_json",
    "schema_json",
    "validate_json",
]
