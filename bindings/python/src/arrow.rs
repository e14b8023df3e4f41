//! Arrow in and out through the Arrow C stream interface (the PyCapsule protocol that pyarrow,
//! polars and pandas speak): tables are imported as record batches for jixiao-arrow to score
//! column by column, never one Python object per cell, and its results (`decimal128` figures) go
//! back as a stream that pandas, polars and pyarrow take over without copying.

use arrow_array::cast::AsArray;
use arrow_array::ffi_stream::{FFI_ArrowArrayStream, RecordBatchStreamReader};
use arrow_array::types::Decimal128Type;
use arrow_array::{Array, RecordBatch, RecordBatchIterator};
use arrow_schema::{ArrowError, SchemaRef};
use jixiao::InputValue;
use pyo3::prelude::*;
use pyo3::types::{PyCapsule, PyDict, PyList};

use crate::convert::{decimal_type, py_decimal};

/// The scale of the figure columns of a system that states some figure exactly (jixiao-arrow's).
const EXACT_SCALE: i8 = 28;

/// The text of a `decimal128` value: `mantissa` × 10^-`scale`, every digit; without the trailing
/// zeros after the point when `trim`.
fn decimal_text(mantissa: i128, scale: i8, trim: bool) -> String {
    let digits = mantissa.unsigned_abs().to_string();
    let sign = if mantissa < 0 { "-" } else { "" };
    let Ok(places) = usize::try_from(scale) else {
        // A negative scale: whole tens.
        return format!("{sign}{digits}{}", "0".repeat(usize::from(scale.unsigned_abs())));
    };
    if places == 0 {
        return format!("{sign}{digits}");
    }
    let padded = format!("{digits:0>width$}", width = places + 1);
    let (int, frac) = padded.split_at(padded.len() - places);
    let frac = if trim { frac.trim_end_matches('0') } else { frac };
    if frac.is_empty() {
        format!("{sign}{int}")
    } else {
        format!("{sign}{int}.{frac}")
    }
}

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
        // Through the exact text (a mantissa of 38 digits need not fit the engine's decimal): a
        // stated figure with its places (`5.00`), an exact one without trailing zeros.
        let decimal = decimal_type(py)?;
        let trim = a.scale() >= EXACT_SCALE;
        for v in a.iter() {
            match v {
                Some(m) => list.append(decimal.call1((decimal_text(m, a.scale(), trim),))?)?,
                None => list.append(py.None())?,
            }
        }
    } else if let Some(a) = array.as_string_opt::<i32>() {
        for v in a.iter() {
            list.append(v)?;
        }
    } else {
        // Id columns keep their type; without pyarrow they come back as text.
        let values = jixiao_arrow::cells(array).map_err(|m| crate::errors::request_error(py, m))?;
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
