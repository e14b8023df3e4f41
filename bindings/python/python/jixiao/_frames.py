"""Table glue for ``IndicatorSystem.evaluate_batch``: which kind of table came in, and the table
to hand back. Reading the cells and scoring happen in Rust; nothing here touches a cell.

``prepare`` answers ``(source, kind, payload, index)``:

- ``kind == "arrow"``: ``payload`` has ``__arrow_c_stream__`` (pyarrow, polars, and pandas converted
  by ``pyarrow.Table.from_pandas``, where a missing value, NaN included, becomes null);
- ``kind == "columns"``: ``payload`` is ``{name: (values, missing)}`` of Python values (pandas
  without pyarrow, or with columns of mixed Python objects that Arrow cannot type);
- ``kind == "records"``: ``payload`` is a list of mappings.
"""

from __future__ import annotations

from typing import Any


def _top_module(obj: object) -> str:
    return type(obj).__module__.split(".")[0]


def _pandas_columns(frame: Any) -> dict[str, tuple[list[Any], list[bool]]]:
    columns: dict[str, tuple[list[Any], list[bool]]] = {}
    for position, name in enumerate(frame.columns):
        column = frame.iloc[:, position]
        columns[str(name)] = (column.tolist(), column.isna().tolist())
    return columns


def prepare(data: Any) -> tuple[str, str, Any, Any]:
    source = _top_module(data)
    if source == "pandas":
        import pandas as pd

        if not isinstance(data, pd.DataFrame):
            raise TypeError(f"expected a pandas DataFrame, found {type(data).__name__}")
        if data.columns.duplicated().any():
            names = sorted({str(n) for n in data.columns[data.columns.duplicated()]})
            raise ValueError(f"duplicate column names: {', '.join(names)}")
        try:
            import pyarrow as pa
        except ImportError:
            return ("pandas", "columns", _pandas_columns(data), data.index)
        try:
            table = pa.Table.from_pandas(data, preserve_index=False)
        except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
            # Object columns mixing Decimal, str, float ...: read them value by value.
            return ("pandas", "columns", _pandas_columns(data), data.index)
        return ("pandas", "arrow", table, data.index)
    if source == "polars":
        import polars as pl

        if isinstance(data, pl.LazyFrame):
            data = data.collect()
        if isinstance(data, pl.Series):
            data = data.to_frame()
        return ("polars", "arrow", data, None)
    if hasattr(data, "__arrow_c_stream__"):
        return ("arrow", "arrow", data, None)
    if isinstance(data, (list, tuple)):
        return ("records", "records", list(data), None)
    raise TypeError(
        "evaluate_batch takes a pandas or polars DataFrame, a pyarrow Table or RecordBatch "
        f"(anything with __arrow_c_stream__) or a list of dicts, not {type(data).__name__}"
    )


def _decimal_as_arrow_dtype(arrow_type: Any) -> Any:
    import pandas as pd
    import pyarrow as pa

    return pd.ArrowDtype(arrow_type) if pa.types.is_decimal(arrow_type) else None


def finish(stream: Any, output: str, index: Any) -> Any:
    if output == "records":
        output = "pandas"
        try:
            import pandas  # noqa: F401
        except ImportError:
            output = "arrow"
            try:
                import pyarrow  # noqa: F401
            except ImportError:
                output = "dict"
    if output == "dict":
        return stream.to_pydict()
    if output == "arrow":
        import pyarrow as pa

        return pa.table(stream)
    if output == "polars":
        import polars as pl

        return pl.DataFrame(stream)
    import pandas as pd

    try:
        import pyarrow as pa
    except ImportError:
        frame = pd.DataFrame(stream.to_pydict())
    else:
        # decimal128 columns stay Arrow-backed (exact, no Python object per cell); an element is
        # a decimal.Decimal.
        frame = pa.table(stream).to_pandas(types_mapper=_decimal_as_arrow_dtype)
    if index is not None and len(index) == len(frame):
        frame.index = index
    return frame
