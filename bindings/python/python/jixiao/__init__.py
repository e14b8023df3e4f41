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

from jixiao._analysis import Audit as Audit, Comparison as Comparison, Target as Target
from jixiao._jixiao import (
    FORMAT_VERSION as FORMAT_VERSION,
    Deduction as Deduction,
    Evaluation as Evaluation,
    EvaluationError as EvaluationError,
    Grade as Grade,
    Indicator as Indicator,
    IndicatorResult as IndicatorResult,
    IndicatorSystem as IndicatorSystem,
    Input as Input,
    InputError as InputError,
    JixiaoError as JixiaoError,
    Level as Level,
    ValidationError as ValidationError,
    Veto as Veto,
    __version__ as __version__,
    analysis_json as analysis_json,
    builtins as builtins,
    evaluate_batch_json as evaluate_batch_json,
    evaluate_json as evaluate_json,
    schema_json as schema_json,
    validate_json as validate_json,
)
from jixiao._types import (
    BatchOutput as BatchOutput,
    BuiltinInfo as BuiltinInfo,
    ErrorDetail as ErrorDetail,
    InputValue as InputValue,
    Lang as Lang,
    ReportFormat as ReportFormat,
)

__all__ = [
    "Audit",
    "Comparison",
    "Target",
    "FORMAT_VERSION",
    "BatchOutput",
    "BuiltinInfo",
    "ErrorDetail",
    "InputValue",
    "Lang",
    "ReportFormat",
    "Deduction",
    "Evaluation",
    "EvaluationError",
    "Grade",
    "Indicator",
    "IndicatorResult",
    "IndicatorSystem",
    "Input",
    "InputError",
    "JixiaoError",
    "Level",
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
