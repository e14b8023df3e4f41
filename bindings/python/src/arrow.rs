//! Arrow in and out through the Arrow C stream interface (the PyCapsule protocol that pyarrow,
//! polars and pandas speak): tables are read column by column in Rust, never one Python object per
//! cell, and results go back as Arrow arrays of `decimal128`, which pandas, polars and pyarrow take
//! over without copying.

use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::ffi_stream::{FFI_ArrowArrayStream, RecordBatchStreamReader};
use arrow_array::types::{
    Decimal32Type, Decimal64Type, Decimal128Type, Float32Type, Float64Type, Int8Type, Int16Type, Int32Type, Int64Type,
    UInt8Type, UInt16Type, UInt32Type, UInt64Type,
};
use arrow_array::{Array, ArrayRef, Decimal128Array, RecordBatch, RecordBatchIterator, StringArray};
use arrow_schema::{ArrowError, DataType, Field, Schema, SchemaRef};
use jixiao::{Decimal, InputValue, parse_decimal};
use pyo3::prelude::*;
use pyo3::types::{PyCapsule, PyDict, PyList};

use crate::convert::{decimal_from_f64, decimal_from_float_text, py_decimal};

const STREAM: &std::ffi::CStr = c"arrow_array_stream";

/// An Arrow error as a Python exception (an input table we cannot read is the caller's problem).
pub fn arrow_error(py: Python<'_>, e: ArrowError) -> PyErr {
    crate::errors::request_error(py, format!("reading the Arrow table: {e}"))
}

/// Reads every record batch of an object with `__arrow_c_stream__` (pyarrow Table/RecordBatch,
/// polars DataFrame, pandas DataFrame ...). The batches keep the producer's buffers; nothing is copied.
pub fn import_stream(obj: &Bound<'_, PyAny>) -> PyResult<(SchemaRef, Vec<RecordBatch>)> {
    let py = obj.py();
    let capsule = obj.call_method0("__arrow_c_stream__")?;
    let capsule = capsule.cast_into::<PyCapsule>()?;
    let ptr = capsule.pointer_checked(Some(STREAM))?;
    // SAFETY: a capsule named `arrow_array_stream` holds a valid `ArrowArrayStream` (the PyCapsule
    // protocol of the Arrow C stream interface; the name was checked above). `from_raw` moves the
    // struct out and marks the original released, so the capsule's destructor does nothing and
    // the stream is released exactly once, when `reader` drops. The capsule outlives this call.
    #[expect(
        unsafe_code,
        reason = "the Arrow C stream interface is a C ABI; see the SAFETY comment"
    )]
    let stream = unsafe { FFI_ArrowArrayStream::from_raw(ptr.as_ptr().cast()) };
    let reader = RecordBatchStreamReader::try_new(stream).map_err(|e| arrow_error(py, e))?;
    let schema = arrow_array::RecordBatchReader::schema(&reader);
    let batches = reader.collect::<Result<Vec<_>, _>>().map_err(|e| arrow_error(py, e))?;
    Ok((schema, batches))
}

/// Results as an Arrow C stream: `pyarrow.table(stream)`, `polars.DataFrame(stream)` read it
/// without copying. Each call of `__arrow_c_stream__` gives a new stream over the same batches.
#[pyclass(module = "jixiao", name = "_ArrowStream", frozen)]
#[derive(Debug)]
pub struct ArrowStream {
    pub schema: SchemaRef,
    pub batches: Vec<RecordBatch>,
}

#[pymethods]
impl ArrowStream {
    #[pyo3(signature = (requested_schema = None))]
    fn __arrow_c_stream__<'py>(
        &self,
        py: Python<'py>,
        requested_schema: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyCapsule>> {
        // The protocol allows a producer to ignore the requested schema.
        let _ = requested_schema;
        let reader = RecordBatchIterator::new(self.batches.clone().into_iter().map(Ok), self.schema.clone());
        PyCapsule::new_with_value(py, FFI_ArrowArrayStream::new(Box::new(reader)), STREAM)
    }

    /// The results as a dict of column name → list (decimal.Decimal, str or None), for when
    /// neither pyarrow nor polars is installed.
    fn to_pydict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let out = PyDict::new(py);
        for (c, field) in self.schema.fields().iter().enumerate() {
            let list = PyList::empty(py);
            for batch in &self.batches {
                let Some(array) = batch.columns().get(c) else { continue };
                append_python(py, array.as_ref(), &list)?;
            }
            out.set_item(field.name(), list)?;
        }
        Ok(out)
    }

    #[getter]
    fn num_rows(&self) -> usize {
        self.batches.iter().map(RecordBatch::num_rows).sum()
    }
}

fn append_python(py: Python<'_>, array: &dyn Array, list: &Bound<'_, PyList>) -> PyResult<()> {
    if let Some(a) = array.as_primitive_opt::<Decimal128Type>() {
        let scale = u32::try_from(a.scale()).unwrap_or(0);
        for v in a.iter() {
            match v.and_then(|m| Decimal::try_from_i128_with_scale(m, scale).ok()) {
                Some(d) => list.append(py_decimal(py, d)?)?,
                None => list.append(py.None())?,
            }
        }
    } else if let Some(a) = array.as_string_opt::<i32>() {
        for v in a.iter() {
            list.append(v)?;
        }
    } else {
        // Id columns keep their type; without pyarrow they come back as text.
        let values = cells(array).map_err(|m| crate::errors::request_error(py, m))?;
        for v in values {
            match v {
                Some(Ok(InputValue::Text(t))) => list.append(t)?,
                Some(Ok(InputValue::Number(d))) => list.append(py_decimal(py, d)?)?,
                Some(Ok(InputValue::Bool(b))) => list.append(b)?,
                _ => list.append(py.None())?,
            }
        }
    }
    Ok(())
}

/// One cell: `None` when null or blank (the input is then not given), else the value or why it
/// cannot be read.
pub type Cell = Option<Result<InputValue, String>>;

fn number_cells<I: Iterator<Item = Option<Decimal>>>(it: I) -> Vec<Cell> {
    it.map(|v| v.map(|d| Ok(InputValue::Number(d)))).collect()
}

fn decimal_with_scale(mantissa: i128, scale: i8) -> Result<Decimal, String> {
    if scale < 0 {
        let factor = 10i128
            .checked_pow(u32::from(scale.unsigned_abs()))
            .ok_or_else(|| "a decimal outside the exact decimal range".to_string())?;
        let m = mantissa
            .checked_mul(factor)
            .ok_or_else(|| "a decimal outside the exact decimal range".to_string())?;
        return Decimal::try_from_i128_with_scale(m, 0).map_err(|_| "a decimal outside the exact decimal range".into());
    }
    let scale = u32::from(scale.unsigned_abs());
    if scale <= 28
        && let Ok(d) = Decimal::try_from_i128_with_scale(mantissa, scale)
    {
        return Ok(d);
    }
    // Beyond 28 places or 96 bits: exact only if the text says so.
    let digits = mantissa.unsigned_abs().to_string();
    let width = usize::try_from(scale).unwrap_or(usize::MAX);
    let padded = format!("{digits:0>width$}", width = width.saturating_add(1));
    let (int, frac) = padded.split_at(padded.len().saturating_sub(width));
    let text = format!("{}{int}.{frac}", if mantissa < 0 { "-" } else { "" });
    parse_decimal(text.trim_end_matches('0').trim_end_matches('.'))
        .map_err(|_| format!("`{text}` is outside the exact decimal range"))
}

fn text_cell(s: &str) -> Cell {
    let t = s.trim();
    if t.is_empty() {
        None
    } else {
        Some(Ok(InputValue::Text(t.to_string())))
    }
}

fn float_cell(f: f64) -> Cell {
    Some(decimal_from_f64(f).map(InputValue::Number))
}

/// Every cell of a column as an input value.
pub fn cells(array: &dyn Array) -> Result<Vec<Cell>, String> {
    macro_rules! ints {
        ($t:ty) => {
            if let Some(a) = array.as_primitive_opt::<$t>() {
                return Ok(number_cells(a.iter().map(|v| v.map(Decimal::from))));
            }
        };
    }
    ints!(Int8Type);
    ints!(Int16Type);
    ints!(Int32Type);
    ints!(Int64Type);
    ints!(UInt8Type);
    ints!(UInt16Type);
    ints!(UInt32Type);
    ints!(UInt64Type);
    if let Some(a) = array.as_primitive_opt::<Float64Type>() {
        return Ok(a.iter().map(|v| v.and_then(float_cell)).collect());
    }
    if let Some(a) = array.as_primitive_opt::<Float32Type>() {
        // A float32 through its own shortest text (0.1f32 → 0.1), not that of its widening to f64.
        return Ok(a
            .iter()
            .map(|v| {
                v.and_then(|f| {
                    if f.is_finite() {
                        Some(decimal_from_float_text(&f.to_string()).map(InputValue::Number))
                    } else {
                        float_cell(f64::from(f))
                    }
                })
            })
            .collect());
    }
    macro_rules! decimals {
        ($t:ty, $scale:expr) => {
            if let Some(a) = array.as_primitive_opt::<$t>() {
                let scale = $scale(a.data_type());
                return Ok(a
                    .iter()
                    .map(|v| v.map(|m| decimal_with_scale(i128::from(m), scale).map(InputValue::Number)))
                    .collect());
            }
        };
    }
    let scale_of = |t: &DataType| match t {
        DataType::Decimal32(_, s) | DataType::Decimal64(_, s) | DataType::Decimal128(_, s) => *s,
        _ => 0,
    };
    decimals!(Decimal32Type, scale_of);
    decimals!(Decimal64Type, scale_of);
    decimals!(Decimal128Type, scale_of);
    if let Some(a) = array.as_boolean_opt() {
        return Ok(a.iter().map(|v| v.map(|b| Ok(InputValue::Bool(b)))).collect());
    }
    if let Some(a) = array.as_string_opt::<i32>() {
        return Ok(a.iter().map(|v| v.and_then(text_cell)).collect());
    }
    if let Some(a) = array.as_string_opt::<i64>() {
        return Ok(a.iter().map(|v| v.and_then(text_cell)).collect());
    }
    if let Some(a) = array.as_string_view_opt() {
        return Ok(a.iter().map(|v| v.and_then(text_cell)).collect());
    }
    if let Some(d) = array.as_any_dictionary_opt() {
        let values = cells(d.values().as_ref())?;
        let nulls = array.logical_nulls();
        return Ok(d
            .normalized_keys()
            .into_iter()
            .enumerate()
            .map(|(i, k)| {
                if nulls.as_ref().is_some_and(|n| n.is_null(i)) {
                    None
                } else {
                    values.get(k).cloned().flatten()
                }
            })
            .collect());
    }
    if let Some(list) = array.as_list_opt::<i32>() {
        return list_cells(list.iter());
    }
    if let Some(list) = array.as_list_opt::<i64>() {
        return list_cells(list.iter());
    }
    if array.data_type() == &DataType::Null {
        return Ok(vec![None; array.len()]);
    }
    Err(format!(
        "has the Arrow type {}, which is not an input value (numbers, decimals, text, booleans, or lists of text for checklists)",
        array.data_type()
    ))
}

fn list_cells<I: Iterator<Item = Option<ArrayRef>>>(it: I) -> Result<Vec<Cell>, String> {
    it.map(|v| {
        let Some(items) = v else { return Ok(None) };
        let mut out = Vec::new();
        for c in cells(items.as_ref())? {
            match c {
                Some(Ok(InputValue::Text(t))) => out.push(t),
                None => {}
                Some(_) => return Ok(Some(Err("checklist items must be text".to_string()))),
            }
        }
        Ok(Some(Ok(InputValue::Items(out))))
    })
    .collect()
}

/// Whether a column of this type can be read as input values (checked before any work starts).
pub fn readable(t: &DataType) -> bool {
    match t {
        DataType::Null
        | DataType::Boolean
        | DataType::Int8
        | DataType::Int16
        | DataType::Int32
        | DataType::Int64
        | DataType::UInt8
        | DataType::UInt16
        | DataType::UInt32
        | DataType::UInt64
        | DataType::Float32
        | DataType::Float64
        | DataType::Decimal32(..)
        | DataType::Decimal64(..)
        | DataType::Decimal128(..)
        | DataType::Utf8
        | DataType::LargeUtf8
        | DataType::Utf8View => true,
        DataType::Dictionary(_, v) => readable(v),
        DataType::List(f) | DataType::LargeList(f) => matches!(
            f.data_type(),
            DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View | DataType::Null
        ),
        _ => false,
    }
}

/// A column of decimals as `decimal128`, at the largest scale any of its values has (so every
/// value is exact), precision 29 (any decimal the engine holds) or 38 for absurd magnitudes.
#[derive(Debug, Clone, Copy)]
pub struct DecimalColumn {
    precision: u8,
    scale: u32,
}

impl DecimalColumn {
    /// The type that holds all these values exactly.
    pub fn for_values(values: &[Option<Decimal>]) -> Self {
        let mut scale = 0u32;
        let mut digits = 1u32;
        for d in values.iter().flatten() {
            let n = d.normalize();
            scale = scale.max(n.scale());
            // Digits before the point: all the mantissa's digits but the scale's.
            let all = n.mantissa().unsigned_abs().checked_ilog10().map_or(1, |l| l + 1);
            digits = digits.max(all.saturating_sub(n.scale()));
        }
        DecimalColumn {
            precision: if digits + scale <= 29 { 29 } else { 38 },
            scale,
        }
    }

    fn scale_i8(self) -> i8 {
        i8::try_from(self.scale).unwrap_or(28)
    }

    /// The Arrow type.
    pub fn data_type(self) -> DataType {
        DataType::Decimal128(self.precision, self.scale_i8())
    }

    /// Some of the values as an array.
    pub fn build(self, part: &[Option<Decimal>]) -> Result<ArrayRef, ArrowError> {
        let mantissas: Vec<Option<i128>> = part
            .iter()
            .map(|v| {
                v.map(|d| {
                    let mut x = d.normalize();
                    x.rescale(self.scale);
                    x.mantissa()
                })
            })
            .collect();
        Ok(
            Arc::new(Decimal128Array::from(mantissas).with_precision_and_scale(self.precision, self.scale_i8())?)
                as ArrayRef,
        )
    }
}

/// A text column.
pub fn text_column(values: &[Option<&str>]) -> ArrayRef {
    Arc::new(StringArray::from(values.to_vec()))
}

/// A field of the results' schema.
pub fn field(name: &str, t: DataType) -> Field {
    Field::new(name, t, true)
}

/// The results' schema.
pub fn schema(fields: Vec<Field>) -> SchemaRef {
    Arc::new(Schema::new(fields))
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow_array::{Float64Array, Int64Array, StringViewArray};

    #[test]
    fn decimal128_cells_keep_their_scale() {
        assert_eq!(decimal_with_scale(8239, 4).unwrap().to_string(), "0.8239");
        assert_eq!(decimal_with_scale(12, -2).unwrap().to_string(), "1200");
        assert_eq!(
            decimal_with_scale(1_000_000_000_000_000_000_000_000_000_000, 30)
                .unwrap()
                .normalize()
                .to_string(),
            "1"
        );
        assert!(decimal_with_scale(1, 30).is_err());
    }

    #[test]
    fn float_cells_read_their_shortest_text() {
        let a = Float64Array::from(vec![Some(0.1), None, Some(f64::NAN)]);
        let c = cells(&a).unwrap();
        assert_eq!(c[0], Some(Ok(InputValue::Number("0.1".parse().unwrap()))));
        assert_eq!(c[1], None);
        assert!(matches!(&c[2], Some(Err(m)) if m.contains("NaN")));
    }

    #[test]
    fn blank_text_is_not_given() {
        let a = StringViewArray::from(vec![Some("  "), Some(" 达成 "), None]);
        let c = cells(&a).unwrap();
        assert_eq!(c, vec![None, Some(Ok(InputValue::Text("达成".into()))), None]);
        let i = Int64Array::from(vec![Some(76)]);
        assert_eq!(
            cells(&i).unwrap(),
            vec![Some(Ok(InputValue::Number(Decimal::from(76))))]
        );
    }

    #[test]
    fn decimal_columns_are_exact() {
        let values = vec![Some("91.73".parse().unwrap()), None, Some(Decimal::from(90))];
        let column = DecimalColumn::for_values(&values);
        assert_eq!(column.data_type(), DataType::Decimal128(29, 2));
        let a = column.build(&values).unwrap();
        let a = a.as_primitive::<Decimal128Type>();
        assert_eq!(a.value(0), 9173);
        assert!(a.is_null(1));
        assert_eq!(a.value(2), 9000);
    }
}
