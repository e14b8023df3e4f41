//! Arrow in and out through the Arrow C stream interface (the PyCapsule protocol that pyarrow,
//! polars and pandas speak): tables are read column by column in Rust, never one Python object per
//! cell, and results go back as Arrow arrays of `decimal128`, which pandas, polars and pyarrow take
//! over without copying.

use std::sync::Arc;

use arrow_array::builder::NullBufferBuilder;
use arrow_array::cast::AsArray;
use arrow_array::ffi_stream::{FFI_ArrowArrayStream, RecordBatchStreamReader};
use arrow_array::types::{
    Decimal32Type, Decimal64Type, Decimal128Type, Float32Type, Float64Type, Int8Type, Int16Type, Int32Type, Int64Type,
    UInt8Type, UInt16Type, UInt32Type, UInt64Type,
};
use arrow_array::{
    Array, ArrayRef, BooleanArray, GenericListArray, LargeStringArray, PrimitiveArray, RecordBatch,
    RecordBatchIterator, StringArray, StringViewArray,
};
use arrow_schema::{ArrowError, DataType, Field, Schema, SchemaRef};
use jixiao::{Decimal, InputValue, InputsBuilder, parse_decimal};
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

/// A finite float's shortest round-trip text, written on the stack (no allocation per cell).
struct FloatText {
    buf: [u8; 80],
    len: usize,
}

impl FloatText {
    fn new() -> Self {
        FloatText { buf: [0; 80], len: 0 }
    }

    fn as_str(&self) -> &str {
        self.buf
            .get(..self.len)
            .and_then(|b| std::str::from_utf8(b).ok())
            .unwrap_or("")
    }
}

impl std::fmt::Write for FloatText {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        let end = self.len.checked_add(s.len()).ok_or(std::fmt::Error)?;
        let target = self.buf.get_mut(self.len..end).ok_or(std::fmt::Error)?;
        target.copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

/// 10^0 ..= 10^17 as floats (all exact).
const F64_POW10: [f64; 18] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17,
];

/// The decimal that a float's shortest round-trip text (`Display`) writes, found without
/// formatting for floats with few decimal places (amounts in cents, ratios): the fewest places `k`
/// at which the nearest multiple of 10^-k reads back as the float. `None` when unsure (then the
/// text is written and read).
///
/// Why it is the same decimal: with `x = |f|·10^k` computed below 2^50 (checked), ulp(x) ≤ 1/8, and
/// `m` and `10^k` are exact floats, so `m / 10^k` (one correctly rounded division) is what reading
/// the text `m·10^-k` gives. A multiple `m'` of 10^-k that reads back as `f` is within half the
/// float's spacing of it, so `m'` is within ulp(|f|·10^k) ≤ 1/8 of the exact product, and `x` errs
/// by at most 1/16: `m'` is within 3/16 of `x`, and `x + 1/2` rounded (by at most 1/8) and cut to a
/// whole number is `m'`. There is at most one such `m'` (10^-k is wider than the float's spacing,
/// which is under a quarter of it). The fewest places is the fewest significant digits, which is
/// what `Display` writes; `m` then has no trailing zero, so the decimal has the text's scale.
fn shortest_decimal(f: f64) -> Option<Decimal> {
    if f == 0.0 {
        // `Display` writes -0.0 as `-0`: the slow path keeps its sign.
        return f.is_sign_positive().then_some(Decimal::ZERO);
    }
    let a = f.abs();
    for (k, p) in F64_POW10.iter().enumerate() {
        let x = a * p;
        if x.is_nan() || x >= 1_125_899_906_842_624.0 {
            return None;
        }
        // Below 2^50, the casts are exact.
        let m = (x + 0.5) as i64;
        if m as f64 / p == a {
            let k = u32::try_from(k).ok()?;
            return Some(Decimal::new(if f < 0.0 { -m } else { m }, k));
        }
    }
    None
}

/// [`decimal_from_f64`] without allocating for the common case: the same value or the same error.
fn decimal_from_float(f: f64) -> Result<Decimal, String> {
    if let Some(d) = shortest_decimal(f) {
        return Ok(d);
    }
    if f.is_finite() {
        let mut text = FloatText::new();
        if std::fmt::Write::write_fmt(&mut text, format_args!("{f}")).is_ok() {
            return decimal_from_display(text.as_str());
        }
    }
    decimal_from_f64(f)
}

/// [`decimal_from_float_text`] of a float's `Display` text (digits, a point, a sign: nothing
/// `parse_decimal` would clean up), straight through `from_str_exact` when that succeeds.
fn decimal_from_display(text: &str) -> Result<Decimal, String> {
    if text.len() <= 64
        && let Ok(d) = Decimal::from_str_exact(text)
    {
        return Ok(d);
    }
    decimal_from_float_text(text)
}

/// A float32 through its own shortest text (0.1f32 → 0.1), not that of its widening to f64.
fn decimal_from_float32(f: f32) -> Result<Decimal, String> {
    if f.is_finite() {
        let mut text = FloatText::new();
        if std::fmt::Write::write_fmt(&mut text, format_args!("{f}")).is_ok() {
            return decimal_from_display(text.as_str());
        }
        return decimal_from_float_text(&f.to_string());
    }
    decimal_from_f64(f64::from(f))
}

/// Sets a text cell through `scratch` (an `InputValue::Text` whose buffer is reused); a blank cell
/// is not given.
fn set_text(builder: &mut InputsBuilder<'_>, slot: usize, text: &str, scratch: &mut InputValue) {
    let t = text.trim();
    if t.is_empty() {
        return;
    }
    if let InputValue::Text(buf) = &mut *scratch {
        buf.clear();
        buf.push_str(t);
    } else {
        *scratch = InputValue::Text(t.to_string());
    }
    builder.set(slot, scratch);
}

/// One input column of a record batch, read cell by cell straight into an [`InputsBuilder`]:
/// numbers become decimals without an `InputValue`, text goes through one reused buffer, and
/// dictionary values are read once per column. The same values, blanks and errors as [`cells`].
#[derive(Debug)]
pub enum ColumnReader<'a> {
    /// Integers (pandas' and polars' usual width), as decimals.
    Int64(&'a PrimitiveArray<Int64Type>),
    /// Integers of any other width, as decimals.
    Int(&'a dyn Array, fn(&dyn Array, usize) -> Decimal),
    /// Floats, through their shortest round-trip text (without writing it when the float has few
    /// decimal places).
    Float64(&'a PrimitiveArray<Float64Type>),
    Float32(&'a PrimitiveArray<Float32Type>),
    /// Decimal128 mantissas with the column's scale.
    Decimal128(&'a PrimitiveArray<Decimal128Type>, i8),
    /// Decimal32/64 mantissas with the column's scale.
    Decimal(&'a dyn Array, fn(&dyn Array, usize) -> i128, i8),
    Bool(&'a BooleanArray),
    /// Text, trimmed, through a reused buffer; blank text is not given.
    Utf8(&'a StringArray),
    LargeUtf8(&'a LargeStringArray),
    Utf8View(&'a StringViewArray),
    /// A dictionary: its values read once, each row's key.
    Dictionary {
        array: &'a dyn Array,
        keys: Vec<usize>,
        values: Vec<Cell>,
    },
    /// Checklists as lists of text.
    List(&'a GenericListArray<i32>),
    LargeList(&'a GenericListArray<i64>),
    /// Every cell null (an Arrow `null` column).
    Null,
    /// Cells read up front.
    Cells(Vec<Cell>),
    /// A column that cannot be read: every cell is this error.
    Broken(String),
}

fn int_value<T: arrow_array::types::ArrowPrimitiveType>(array: &dyn Array, row: usize) -> Decimal
where
    T::Native: Into<Decimal>,
{
    array
        .as_primitive_opt::<T>()
        .and_then(|a| a.values().get(row).copied())
        .map_or(Decimal::ZERO, Into::into)
}

fn mantissa<T: arrow_array::types::ArrowPrimitiveType>(array: &dyn Array, row: usize) -> i128
where
    T::Native: Into<i128>,
{
    array
        .as_primitive_opt::<T>()
        .and_then(|a| a.values().get(row).copied())
        .map_or(0, Into::into)
}

impl<'a> ColumnReader<'a> {
    /// A reader of `array` (a whole column of a record batch).
    pub fn new(array: &'a dyn Array) -> Self {
        if let Some(a) = array.as_primitive_opt::<Int64Type>() {
            return ColumnReader::Int64(a);
        }
        if let (Some(a), DataType::Decimal128(_, s)) = (array.as_primitive_opt::<Decimal128Type>(), array.data_type()) {
            return ColumnReader::Decimal128(a, *s);
        }
        macro_rules! ints {
            ($($t:ty),*) => {
                $(if array.as_primitive_opt::<$t>().is_some() {
                    return ColumnReader::Int(array, int_value::<$t>);
                })*
            };
        }
        ints!(
            Int8Type, Int16Type, Int32Type, UInt8Type, UInt16Type, UInt32Type, UInt64Type
        );
        if let Some(a) = array.as_primitive_opt::<Float64Type>() {
            return ColumnReader::Float64(a);
        }
        if let Some(a) = array.as_primitive_opt::<Float32Type>() {
            return ColumnReader::Float32(a);
        }
        match array.data_type() {
            DataType::Decimal32(_, s) => return ColumnReader::Decimal(array, mantissa::<Decimal32Type>, *s),
            DataType::Decimal64(_, s) => return ColumnReader::Decimal(array, mantissa::<Decimal64Type>, *s),
            _ => {}
        }
        if let Some(a) = array.as_boolean_opt() {
            return ColumnReader::Bool(a);
        }
        if let Some(a) = array.as_string_opt::<i32>() {
            return ColumnReader::Utf8(a);
        }
        if let Some(a) = array.as_string_opt::<i64>() {
            return ColumnReader::LargeUtf8(a);
        }
        if let Some(a) = array.as_string_view_opt() {
            return ColumnReader::Utf8View(a);
        }
        if let Some(d) = array.as_any_dictionary_opt() {
            return match cells(d.values().as_ref()) {
                Ok(values) => ColumnReader::Dictionary {
                    array,
                    keys: d.normalized_keys(),
                    values,
                },
                Err(message) => ColumnReader::Broken(message),
            };
        }
        if let Some(a) = array.as_list_opt::<i32>() {
            return ColumnReader::List(a);
        }
        if let Some(a) = array.as_list_opt::<i64>() {
            return ColumnReader::LargeList(a);
        }
        if array.data_type() == &DataType::Null {
            return ColumnReader::Null;
        }
        match cells(array) {
            // Not reached: every type `cells` reads has a reader above.
            Ok(cells) => ColumnReader::Cells(cells),
            Err(message) => ColumnReader::Broken(message),
        }
    }

    /// Sets the cell of row `row` into `slot` of `builder`: nothing for a null or blank cell (the
    /// input is then not given), `Err` with the reason for a cell that cannot be read. `scratch`
    /// is a reused buffer for text.
    pub fn set(
        &self,
        row: usize,
        slot: usize,
        builder: &mut InputsBuilder<'_>,
        scratch: &mut InputValue,
    ) -> Result<(), String> {
        match self {
            ColumnReader::Int64(a) => {
                if a.is_valid(row)
                    && let Some(v) = a.values().get(row)
                {
                    builder.set_number(slot, Decimal::from(*v));
                }
            }
            ColumnReader::Decimal128(a, scale) => {
                if a.is_valid(row)
                    && let Some(m) = a.values().get(row)
                {
                    builder.set_number(slot, decimal_with_scale(*m, *scale)?);
                }
            }
            ColumnReader::Int(a, value) => {
                if a.is_valid(row) {
                    builder.set_number(slot, value(*a, row));
                }
            }
            ColumnReader::Float64(a) => {
                if a.is_valid(row)
                    && let Some(f) = a.values().get(row)
                {
                    builder.set_number(slot, decimal_from_float(*f)?);
                }
            }
            ColumnReader::Float32(a) => {
                if a.is_valid(row)
                    && let Some(f) = a.values().get(row)
                {
                    builder.set_number(slot, decimal_from_float32(*f)?);
                }
            }
            ColumnReader::Decimal(a, mantissa, scale) => {
                if a.is_valid(row) {
                    builder.set_number(slot, decimal_with_scale(mantissa(*a, row), *scale)?);
                }
            }
            ColumnReader::Bool(a) => {
                if a.is_valid(row) && row < a.len() {
                    builder.set(slot, &InputValue::Bool(a.value(row)));
                }
            }
            ColumnReader::Utf8(a) => {
                if a.is_valid(row) && row < a.len() {
                    set_text(builder, slot, a.value(row), scratch);
                }
            }
            ColumnReader::LargeUtf8(a) => {
                if a.is_valid(row) && row < a.len() {
                    set_text(builder, slot, a.value(row), scratch);
                }
            }
            ColumnReader::Utf8View(a) => {
                if a.is_valid(row) && row < a.len() {
                    set_text(builder, slot, a.value(row), scratch);
                }
            }
            ColumnReader::Dictionary { array, keys, values } => {
                // A null key; a key to a null value reads as a null cell below.
                if array.is_null(row) {
                    return Ok(());
                }
                match keys.get(row).and_then(|k| values.get(*k)) {
                    Some(Some(Ok(v))) => builder.set(slot, v),
                    Some(Some(Err(message))) => return Err(message.clone()),
                    Some(None) | None => {}
                }
            }
            ColumnReader::List(a) => {
                if a.is_valid(row) && row < a.len() {
                    return set_list(builder, slot, a.value(row).as_ref());
                }
            }
            ColumnReader::LargeList(a) => {
                if a.is_valid(row) && row < a.len() {
                    return set_list(builder, slot, a.value(row).as_ref());
                }
            }
            ColumnReader::Null => {}
            ColumnReader::Cells(cells) => match cells.get(row) {
                Some(Some(Ok(v))) => builder.set(slot, v),
                Some(Some(Err(message))) => return Err(message.clone()),
                Some(None) | None => {}
            },
            ColumnReader::Broken(message) => return Err(message.clone()),
        }
        Ok(())
    }
}

/// A checklist cell (a list of text items), as [`list_cells`] reads it.
fn set_list(builder: &mut InputsBuilder<'_>, slot: usize, items: &dyn Array) -> Result<(), String> {
    let mut out = Vec::new();
    for c in cells(items)? {
        match c {
            Some(Ok(InputValue::Text(t))) => out.push(t),
            None => {}
            Some(_) => return Err("checklist items must be text".to_string()),
        }
    }
    builder.set(slot, &InputValue::Items(out));
    Ok(())
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
/// Worked out value by value ([`add`](Self::add)), where the values are made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DecimalColumn {
    /// The largest scale of the values, without trailing zeros.
    scale: u32,
    /// The most digits before the point.
    digits: u32,
}

impl Default for DecimalColumn {
    fn default() -> Self {
        DecimalColumn { scale: 0, digits: 1 }
    }
}

/// `d.normalize()`'s mantissa and scale (no trailing zeros after the point; zero at scale 0).
fn normal_parts(d: Decimal) -> (i128, u32) {
    let (mut m, mut s) = (d.mantissa(), d.scale());
    if m == 0 {
        return (0, 0);
    }
    if let Ok(mut small) = i64::try_from(m) {
        while s > 0 && small % 10 == 0 {
            small /= 10;
            s -= 1;
        }
        return (i128::from(small), s);
    }
    while s > 0 && m % 10 == 0 {
        m /= 10;
        s -= 1;
    }
    (m, s)
}

/// 10^0 ..= 10^38.
const POW10: [i128; 39] = [
    10i128.pow(0),
    10i128.pow(1),
    10i128.pow(2),
    10i128.pow(3),
    10i128.pow(4),
    10i128.pow(5),
    10i128.pow(6),
    10i128.pow(7),
    10i128.pow(8),
    10i128.pow(9),
    10i128.pow(10),
    10i128.pow(11),
    10i128.pow(12),
    10i128.pow(13),
    10i128.pow(14),
    10i128.pow(15),
    10i128.pow(16),
    10i128.pow(17),
    10i128.pow(18),
    10i128.pow(19),
    10i128.pow(20),
    10i128.pow(21),
    10i128.pow(22),
    10i128.pow(23),
    10i128.pow(24),
    10i128.pow(25),
    10i128.pow(26),
    10i128.pow(27),
    10i128.pow(28),
    10i128.pow(29),
    10i128.pow(30),
    10i128.pow(31),
    10i128.pow(32),
    10i128.pow(33),
    10i128.pow(34),
    10i128.pow(35),
    10i128.pow(36),
    10i128.pow(37),
    10i128.pow(38),
];

impl DecimalColumn {
    /// Makes room for `d`.
    #[inline]
    pub fn add(&mut self, d: Decimal) {
        let (m, s) = (d.mantissa().unsigned_abs(), d.scale());
        if s > self.scale {
            // Only then is the normalized scale needed (trailing zeros do not count).
            self.scale = self.scale.max(normal_parts(d).1);
        }
        // Digits before the point: all the mantissa's digits but the scale's (the same with or
        // without trailing zeros), worked out only when more than the most so far.
        let more = POW10
            .get((s + self.digits) as usize)
            .is_none_or(|p| m >= p.unsigned_abs());
        if more {
            let all = m.checked_ilog10().map_or(1, |l| l + 1);
            self.digits = self.digits.max(all.saturating_sub(s));
        }
    }

    /// Makes room for the values of `other`.
    pub fn merge(&mut self, other: DecimalColumn) {
        self.scale = self.scale.max(other.scale);
        self.digits = self.digits.max(other.digits);
    }

    /// The type that holds all the values of these parts exactly.
    #[cfg(test)]
    pub fn for_parts<'v>(parts: impl IntoIterator<Item = &'v [Decimal]>) -> Self {
        let mut column = DecimalColumn::default();
        for d in parts.into_iter().flatten() {
            column.add(*d);
        }
        column
    }

    fn precision(self) -> u8 {
        if self.digits + self.scale <= 29 { 29 } else { 38 }
    }

    fn scale_i8(self) -> i8 {
        i8::try_from(self.scale).unwrap_or(28)
    }

    /// The Arrow type.
    pub fn data_type(self) -> DataType {
        DataType::Decimal128(self.precision(), self.scale_i8())
    }

    /// The mantissa of `d` at the column's scale (which is at least `d`'s normalized scale).
    fn mantissa(self, d: Decimal) -> i128 {
        let (m, s) = (d.mantissa(), d.scale());
        let (m, s) = if s <= self.scale { (m, s) } else { normal_parts(d) };
        let shift = self.scale.saturating_sub(s) as usize;
        m.saturating_mul(POW10.get(shift).copied().unwrap_or(i128::MAX))
    }

    /// The values of these parts, one after the other, as one array; a value is null where its
    /// part says it is not valid.
    pub fn build_parts<'v>(
        self,
        parts: impl IntoIterator<Item = (&'v [Decimal], &'v [bool])> + Clone,
    ) -> Result<ArrayRef, ArrowError> {
        let len: usize = parts.clone().into_iter().map(|(v, _)| v.len()).sum();
        let mut mantissas = Vec::with_capacity(len);
        let mut nulls = NullBufferBuilder::new(len);
        for (values, valid) in parts {
            mantissas.extend(values.iter().map(|d| self.mantissa(*d)));
            if valid.iter().all(|v| *v) {
                nulls.append_n_non_nulls(values.len());
            } else {
                for v in valid {
                    nulls.append(*v);
                }
            }
        }
        let array = PrimitiveArray::<Decimal128Type>::try_new(mantissas.into(), nulls.finish())?;
        Ok(Arc::new(array.with_precision_and_scale(self.precision(), self.scale_i8())?) as ArrayRef)
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
    fn floats_without_formatting_read_as_their_text() {
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let mut values = vec![
            0.0,
            -0.0,
            0.1,
            0.2,
            0.3,
            0.1 + 0.2,
            1e-7,
            123.456,
            1e15,
            2f64.powi(50),
            2f64.powi(50) - 1.0,
            2f64.powi(50) - 0.5,
            2f64.powi(49) + 0.375,
            1_125_899_906_842_623.9,
            1.005,
            2.675,
            0.125,
            5e-324,
            f64::MAX,
            f64::MIN_POSITIVE,
            0.1f32 as f64,
            4_503_599_627_370_497.0,
            1e22,
            1e23,
        ];
        for _ in 0..200_000 {
            let r = next();
            let cents = (r % 10_000_000) as f64 / 100.0;
            let ratio = (r % 100_000) as f64 / 10_000.0;
            let places = (r >> 40) % 18;
            let scaled = (r % 1_000_000_000_000) as f64 / 10f64.powi(places as i32);
            values.extend([cents, -cents, ratio, scaled, f64::from_bits(r), f64::from_bits(r >> 2)]);
            values.push(cents * 1.1);
            let big = (r >> 14) as f64 / 10f64.powi(places as i32);
            values.extend([big, big + 0.5, (r >> 13) as f64 * 0.5 + 0.25]);
        }
        let mut fast = 0;
        for f in values {
            let slow = decimal_from_f64(f);
            assert_eq!(decimal_from_float(f), slow, "{f:e}");
            if let Some(d) = shortest_decimal(f) {
                fast += 1;
                let s = slow.unwrap();
                assert_eq!((d.mantissa(), d.scale()), (s.mantissa(), s.scale()), "{f:e}");
            }
        }
        assert!(fast > 500_000, "{fast}");
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
        let values: Vec<Decimal> = vec!["91.73".parse().unwrap(), Decimal::ZERO, Decimal::from(90)];
        let valid = [true, false, true];
        let column = DecimalColumn::for_parts([&values[..]]);
        assert_eq!(column.data_type(), DataType::Decimal128(29, 2));
        let a = column.build_parts([(&values[..], &valid[..])]).unwrap();
        let a = a.as_primitive::<Decimal128Type>();
        assert_eq!(a.value(0), 9173);
        assert!(a.is_null(1));
        assert_eq!(a.value(2), 9000);
        // Trailing zeros beyond the column's scale; a magnitude beyond 96 bits at that scale.
        let values: Vec<Decimal> = vec![
            "5.000".parse().unwrap(),
            "10000000000000000000000000000".parse().unwrap(),
            "0.5".parse().unwrap(),
        ];
        let column = DecimalColumn::for_parts([&values[..]]);
        assert_eq!(column.data_type(), DataType::Decimal128(38, 1));
        let valid = [true; 3];
        let a = column
            .build_parts([(&values[..1], &valid[..1]), (&values[1..], &valid[1..])])
            .unwrap();
        assert_eq!(a.null_count(), 0);
        let a = a.as_primitive::<Decimal128Type>();
        assert_eq!((a.value(0), a.value(1), a.value(2)), (50, 10i128.pow(29), 5));
    }
}
