//! Input columns: an Arrow array read cell by cell as the engine's input values.
//!
//! Numbers (integers, decimals, floats by [the float policy](crate::float)), booleans, text (trimmed;
//! blank text is not given), dictionary-encoded columns (levels as categoricals) and lists of text
//! (checklists). A null cell means the input is not given: its default applies, or it is missing.

use arrow_array::cast::AsArray;
use arrow_array::types::{
    Decimal32Type, Decimal64Type, Decimal128Type, Float32Type, Float64Type, Int8Type, Int16Type, Int32Type, Int64Type,
    UInt8Type, UInt16Type, UInt32Type, UInt64Type,
};
use arrow_array::{Array, ArrayRef, BooleanArray, GenericListArray, LargeStringArray, StringArray, StringViewArray};
use arrow_buffer::NullBuffer;
use arrow_schema::DataType;
use jixiao::{Decimal, InputValue, InputsBuilder, parse_decimal};

use crate::float::{decimal_from_f32, decimal_from_f64};
use jixiao::inputs::ValueProblem;

/// One cell: `None` when null or blank (the input is then not given), else the value or why it
/// cannot be read.
pub type Cell = Option<Result<InputValue, ValueProblem>>;

fn number_cells<I: Iterator<Item = Option<Decimal>>>(it: I) -> Vec<Cell> {
    it.map(|v| v.map(|d| Ok(InputValue::Number(d)))).collect()
}

pub(crate) fn decimal_with_scale(mantissa: i128, scale: i8) -> Result<Decimal, ValueProblem> {
    let beyond = || ValueProblem::Unreadable {
        message: "a decimal outside the exact decimal range".to_string(),
    };
    if scale < 0 {
        let factor = 10i128.checked_pow(u32::from(scale.unsigned_abs())).ok_or_else(beyond)?;
        let m = mantissa.checked_mul(factor).ok_or_else(beyond)?;
        return Decimal::try_from_i128_with_scale(m, 0).map_err(|_| beyond());
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
    parse_decimal(text.trim_end_matches('0').trim_end_matches('.')).map_err(|_| ValueProblem::Unreadable {
        message: format!("`{text}` is outside the exact decimal range"),
    })
}

fn text_cell(s: &str) -> Cell {
    let t = s.trim();
    if t.is_empty() {
        None
    } else {
        Some(Ok(InputValue::Text(t.to_string())))
    }
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
        return Ok(a
            .iter()
            .map(|v| v.map(|f| decimal_from_f64(f).map(InputValue::Number)))
            .collect());
    }
    if let Some(a) = array.as_primitive_opt::<Float32Type>() {
        return Ok(a
            .iter()
            .map(|v| v.map(|f| decimal_from_f32(f).map(InputValue::Number)))
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
                Some(_) => {
                    return Ok(Some(Err(ValueProblem::Unreadable {
                        message: "checklist items must be text".to_string(),
                    })));
                }
            }
        }
        Ok(Some(Ok(InputValue::Items(out))))
    })
    .collect()
}

/// One input column of a record batch, read cell by cell straight into an [`InputsBuilder`]:
/// numbers become decimals and text is read where it lies, neither through an `InputValue`, and
/// dictionary values are read once per column. The same values, blanks and errors as [`cells`].
#[derive(Debug)]
pub(crate) enum ColumnReader<'a> {
    /// Integers (pandas' and polars' usual width), as decimals. The numeric columns hold their
    /// values and validity bits as slices taken once per batch, so that reading a row's cell reads
    /// those two and not the array's own fields (a row reads every column: the fewer lines of
    /// memory per column, the more of the program's own stay in the first-level cache).
    Int64(&'a [i64], Validity<'a>),
    /// Integers of any other width, as decimals.
    Int(&'a dyn Array, fn(&dyn Array, usize) -> Decimal),
    /// Floats, through their shortest round-trip text (without writing it when the float has few
    /// decimal places).
    Float64(&'a [f64], Validity<'a>),
    Float32(&'a [f32], Validity<'a>),
    /// Decimal128 mantissas with the column's scale.
    Decimal128(&'a [i128], i8, Validity<'a>),
    /// Decimal32/64 mantissas with the column's scale.
    Decimal(&'a dyn Array, fn(&dyn Array, usize) -> i128, i8),
    Bool(&'a BooleanArray),
    /// Text, trimmed, read in place; blank text is not given.
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

/// A column's validity bits (`None`: no nulls), taken once per batch.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Validity<'a>(Option<&'a NullBuffer>);

impl<'a> Validity<'a> {
    fn of(array: &'a dyn Array) -> Self {
        Validity(array.nulls())
    }

    /// Whether row `row` holds a value: Arrow's own reading of the bits (`row` is one of the
    /// array's rows; the readers test it against the values first).
    fn is_valid(self, row: usize) -> bool {
        self.0.is_none_or(|n| n.is_valid(row))
    }
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
    pub(crate) fn new(array: &'a dyn Array) -> Self {
        if let Some(a) = array.as_primitive_opt::<Int64Type>() {
            return ColumnReader::Int64(a.values(), Validity::of(a));
        }
        if let (Some(a), DataType::Decimal128(_, s)) = (array.as_primitive_opt::<Decimal128Type>(), array.data_type()) {
            return ColumnReader::Decimal128(a.values(), *s, Validity::of(a));
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
            return ColumnReader::Float64(a.values(), Validity::of(a));
        }
        if let Some(a) = array.as_primitive_opt::<Float32Type>() {
            return ColumnReader::Float32(a.values(), Validity::of(a));
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
    /// input is then not given), `Err` with the reason for a cell that cannot be read.
    pub(crate) fn set(&self, row: usize, slot: usize, builder: &mut InputsBuilder<'_>) -> Result<(), ValueProblem> {
        match self {
            ColumnReader::Int64(values, validity) => {
                if let Some(v) = values.get(row)
                    && validity.is_valid(row)
                {
                    builder.set_number(slot, Decimal::from(*v));
                }
            }
            ColumnReader::Decimal128(values, scale, validity) => {
                if let Some(m) = values.get(row)
                    && validity.is_valid(row)
                {
                    builder.set_number(slot, decimal_with_scale(*m, *scale)?);
                }
            }
            ColumnReader::Int(a, value) => {
                if a.is_valid(row) {
                    builder.set_number(slot, value(*a, row));
                }
            }
            ColumnReader::Float64(values, validity) => {
                if let Some(f) = values.get(row)
                    && validity.is_valid(row)
                {
                    builder.set_number(slot, decimal_from_f64(*f)?);
                }
            }
            ColumnReader::Float32(values, validity) => {
                if let Some(f) = values.get(row)
                    && validity.is_valid(row)
                {
                    builder.set_number(slot, decimal_from_f32(*f)?);
                }
            }
            ColumnReader::Decimal(a, mantissa, scale) => {
                if a.is_valid(row) {
                    builder.set_number(slot, decimal_with_scale(mantissa(*a, row), *scale)?);
                }
            }
            ColumnReader::Bool(a) => {
                if row < a.len() && a.is_valid(row) {
                    builder.set(slot, &InputValue::Bool(a.value(row)));
                }
            }
            ColumnReader::Utf8(a) => {
                if row < a.len() && a.is_valid(row) {
                    builder.set_text(slot, a.value(row));
                }
            }
            ColumnReader::LargeUtf8(a) => {
                if row < a.len() && a.is_valid(row) {
                    builder.set_text(slot, a.value(row));
                }
            }
            ColumnReader::Utf8View(a) => {
                if row < a.len() && a.is_valid(row) {
                    builder.set_text(slot, a.value(row));
                }
            }
            ColumnReader::Dictionary { array, keys, values } => {
                // A null key; a key to a null value reads as a null cell below.
                if array.is_null(row) {
                    return Ok(());
                }
                match keys.get(row).and_then(|k| values.get(*k)) {
                    // Text as a text column's (the builder remembers what a level's or a
                    // checklist's text reads as).
                    Some(Some(Ok(InputValue::Text(t)))) => builder.set_text(slot, t),
                    Some(Some(Ok(v))) => builder.set(slot, v),
                    Some(Some(Err(message))) => return Err(message.clone()),
                    Some(None) | None => {}
                }
            }
            ColumnReader::List(a) => {
                if row < a.len() && a.is_valid(row) {
                    return set_list(builder, slot, a.value(row).as_ref());
                }
            }
            ColumnReader::LargeList(a) => {
                if row < a.len() && a.is_valid(row) {
                    return set_list(builder, slot, a.value(row).as_ref());
                }
            }
            ColumnReader::Null => {}
            ColumnReader::Cells(cells) => match cells.get(row) {
                Some(Some(Ok(v))) => builder.set(slot, v),
                Some(Some(Err(message))) => return Err(message.clone()),
                Some(None) | None => {}
            },
            ColumnReader::Broken(message) => {
                return Err(ValueProblem::Unreadable {
                    message: message.clone(),
                });
            }
        }
        Ok(())
    }
}

/// A checklist cell (a list of text items), as [`list_cells`] reads it.
fn set_list(builder: &mut InputsBuilder<'_>, slot: usize, items: &dyn Array) -> Result<(), ValueProblem> {
    let mut out = Vec::new();
    for c in cells(items).map_err(|message| ValueProblem::Unreadable { message })? {
        match c {
            Some(Ok(InputValue::Text(t))) => out.push(t),
            None => {}
            Some(_) => {
                return Err(ValueProblem::Unreadable {
                    message: "checklist items must be text".to_string(),
                });
            }
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
        let a = Float64Array::from(vec![Some(0.1), None, Some(f64::NAN), Some(0.06 + 0.84)]);
        let c = cells(&a).unwrap();
        assert_eq!(c[0], Some(Ok(InputValue::Number("0.1".parse().unwrap()))));
        assert_eq!(c[1], None);
        assert!(matches!(&c[2], Some(Err(m)) if m.code() == "not_a_number"));
        assert!(
            matches!(&c[3], Some(Err(m)) if m.to_string().contains("(did you mean 0.9?)")),
            "{:?}",
            c[3]
        );
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
}
