# Hand-written type stubs of the native module; `python -m mypy.stubtest jixiao` checks them
# against the built extension (bindings/python/ci.sh runs it). The public API is jixiao._api and
# jixiao._results; this module converts values and calls the engine.

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any, final

from jixiao._results import Audit, Comparison, EvaluationAnswer, Indicator, Sensitivity, SystemInfo, Target
from jixiao._types import BuiltinInfo, ErrorDetail, InputValue, Lang, Number

__version__: str
FORMAT_VERSION: int

__all__ = [
    "EvaluationError",
    "FORMAT_VERSION",
    "InputError",
    "JixiaoError",
    "LoadError",
    "ProjectTemplate",
    "RequestError",
    "Scored",
    "System",
    "_ArrowStream",
    "__version__",
    "_native_evaluate_seconds",
    "analysis_json",
    "builtins",
    "evaluate_batch_json",
    "evaluate_json",
    "schema_json",
    "validate_json",
]

class JixiaoError(ValueError):
    """Base class of the errors jixiao raises; ``kind`` and ``errors`` say what and where."""

    kind: str
    code: str
    message_zh: str
    message_en: str
    errors: list[ErrorDetail]

class LoadError(JixiaoError):
    """An indicator system that does not load (``kind`` is ``syntax`` or ``validation``)."""

class RequestError(JixiaoError):
    """A call that makes no sense (``kind`` is ``request``): an unknown id, input, grade or option."""

class EvaluationError(JixiaoError):
    """A unit that cannot be scored (``kind``: ``arithmetic``, ``score``, ``metric_out_of_range`` ...)."""

class InputError(EvaluationError):
    """Inputs that do not fit the system (``kind``: ``inputs`` or ``missing_input``)."""

    inputs: list[str]

@final
class Scored:
    """One unit's evaluation as the engine holds it (the native half of ``Evaluation``)."""

    def answer(self) -> EvaluationAnswer: ...
    def to_dict(self, lang: str) -> dict[str, object]: ...
    def to_json(self, lang: str) -> str: ...
    def explain(self, lang: str) -> str: ...
    def explain_indicator(self, id: str, lang: str) -> str: ...
    def report(self, format: str, lang: str) -> str | bytes: ...

@final
class System:
    """A loaded indicator system (the native half of ``IndicatorSystem``)."""

    @staticmethod
    def load(text: str, kind: str, validate: bool, origin: str | None = None) -> System: ...
    @staticmethod
    def builtin(id: str) -> System: ...
    @property
    def is_valid(self) -> bool: ...
    @property
    def version(self) -> str | None: ...
    def validate(self) -> None: ...
    def info(self, lang: Lang) -> SystemInfo: ...
    def tree(self, bonus: bool) -> list[Indicator]: ...
    def example(self) -> str | None: ...
    def to_json(self) -> str: ...
    def to_toml(self) -> str: ...
    def table(self, format: str, lang: str) -> str: ...
    def evaluate(self, inputs: Mapping[str, InputValue]) -> Scored: ...
    def evaluate_batch(
        self, data: object, id_column: str | None, ignore: list[str] | None, output: str, explain: bool, lang: str
    ) -> object: ...
    def what_if(self, inputs: Mapping[str, InputValue], changes: Mapping[str, InputValue], lang: str) -> Comparison: ...
    def compare(self, a: Mapping[str, InputValue], b: Mapping[str, InputValue], lang: str) -> Comparison: ...
    def sensitivity(
        self,
        inputs: Mapping[str, InputValue],
        input: str,
        start: Number,
        stop: Number,
        resolution: Number | None,
        lang: str,
    ) -> Sensitivity: ...
    def target(
        self,
        inputs: Mapping[str, InputValue],
        input: str,
        total: Number | None,
        grade: str | None,
        indicator: str | None,
        score: Number | None,
        start: Number | None,
        stop: Number | None,
        resolution: Number | None,
    ) -> Target: ...
    def audit(
        self,
        inputs: Mapping[str, InputValue],
        scores: Sequence[tuple[str, Number]],
        total: Number | None,
        grade: str | None,
        lang: str,
    ) -> Audit: ...
    def claim_columns(
        self, header: list[str], id_column: str | None, ignore: list[str]
    ) -> tuple[int | None, list[tuple[int, str]], list[tuple[int, str]], int | None, int | None]: ...

@final
class ProjectTemplate:
    """A project self-evaluation template (the native half of ``jixiao.score_projects`` …)."""

    @staticmethod
    def from_json(text: str) -> ProjectTemplate: ...
    @staticmethod
    def builtin(id: str) -> ProjectTemplate: ...
    @staticmethod
    def builtin_ids() -> list[str]: ...
    @property
    def id(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def sections(self) -> list[str]: ...
    def example_json(self) -> str: ...
    def run(
        self,
        header: list[str],
        columns: list[tuple[list[object], list[bool]]],
        labels: list[str],
        audit: bool,
        lang: str,
    ) -> list[dict[str, Any]]: ...
    def evaluate(
        self, header: list[str], columns: list[tuple[list[object], list[bool]]], labels: list[str]
    ) -> tuple[System, Scored, dict[str, InputValue]]: ...

def builtins() -> list[BuiltinInfo]: ...
def evaluate_json(system: str, inputs: str, lang: Lang = "zh") -> str: ...
def evaluate_batch_json(system: str, units: str, lang: Lang = "zh") -> str: ...
def validate_json(system: str) -> str: ...
def analysis_json(system: str, request: str, lang: Lang = "zh") -> str: ...
def schema_json() -> str: ...

@final
class _ArrowStream:
    """Results as an Arrow C stream (the PyCapsule protocol)."""

    def __arrow_c_stream__(self, requested_schema: object | None = None) -> object: ...
    def to_pydict(self) -> dict[str, list[object]]: ...
    @property
    def num_rows(self) -> int: ...

def _native_evaluate_seconds(system: System, inputs: Mapping[str, InputValue], n: int) -> float: ...
