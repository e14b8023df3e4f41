//! The results as Arrow arrays: `decimal128` for the figures, all of one type per system
//! ([`DecimalType`]), text for the grade, the error and the explanation.

use std::sync::Arc;

use arrow_array::types::Decimal128Type;
use arrow_array::{ArrayRef, PrimitiveArray, RecordBatch, StringArray};
use arrow_buffer::{BooleanBufferBuilder, NullBuffer, ScalarBuffer};
use arrow_schema::{ArrowError, DataType, Field, Schema, SchemaRef};
use jixiao::Decimal;
use rayon::prelude::*;

use crate::Scored;
use crate::score::{Gathered, Layout};

/// The rows of one input batch, which become one result batch: the id column's array (carried
/// over as it is), if any, the rows' figures, and their text columns, one piece per task.
#[derive(Debug)]
pub(crate) struct Part<'s> {
    pub rows: usize,
    pub ids: Option<ArrayRef>,
    pub figures: Figures,
    pub pieces: Vec<Gathered<'s>>,
}

/// The figure columns of one part, as the result arrays will hold them: each column's mantissas
/// at the columns' scale (the indicators' in the order of their ids, then the total's), and
/// which rows were scored (the others are null in every figure column). The tasks write into
/// them where their rows lie ([`Figures::split`]), and the arrays take the buffers over as they
/// are: a figure is written once, not gathered and then copied.
#[derive(Debug, Default)]
pub(crate) struct Figures {
    columns: Vec<Vec<i128>>,
    scored: Vec<bool>,
}

/// One task's stretch of a part's [`Figures`]: its rows of every column.
#[derive(Debug)]
pub(crate) struct Slices<'f> {
    pub columns: Vec<&'f mut [i128]>,
    pub scored: &'f mut [bool],
}

impl Figures {
    /// `columns` figure columns of `rows` rows, none scored yet.
    pub(crate) fn new(columns: usize, rows: usize) -> Self {
        Figures {
            columns: (0..columns).map(|_| vec![0; rows]).collect(),
            scored: vec![false; rows],
        }
    }

    /// The rows in stretches of `chunk` (the last one shorter), in order.
    pub(crate) fn split(&mut self, chunk: usize) -> Vec<Slices<'_>> {
        let chunk = chunk.max(1);
        let mut columns: Vec<_> = self.columns.iter_mut().map(|c| c.chunks_mut(chunk)).collect();
        self.scored
            .chunks_mut(chunk)
            .map(|scored| Slices {
                columns: columns.iter_mut().filter_map(Iterator::next).collect(),
                scored,
            })
            .collect()
    }

    /// The figure columns as arrays of type `column`: null where a row was not scored, and in
    /// the `holes` (column, row) of rows that were.
    fn arrays(self, column: DecimalType, holes: &[(usize, usize)]) -> Result<Vec<ArrayRef>, ArrowError> {
        let rows = self.scored.len();
        // One validity buffer for every column without holes (shared, not copied).
        let scored = NullBuffer::from(&self.scored[..]);
        let shared = (scored.null_count() > 0).then(|| scored.clone());
        self.columns
            .into_iter()
            .enumerate()
            .map(|(j, values)| {
                let nulls = if holes.iter().any(|&(c, _)| c == j) {
                    let mut valid = BooleanBufferBuilder::new(rows);
                    valid.append_buffer(scored.inner());
                    for &(_, row) in holes.iter().filter(|&&(c, _)| c == j) {
                        if row < rows {
                            valid.set_bit(row, false);
                        }
                    }
                    Some(NullBuffer::new(valid.finish()))
                } else {
                    shared.clone()
                };
                let array = PrimitiveArray::<Decimal128Type>::try_new(ScalarBuffer::from(values), nulls)?;
                Ok(Arc::new(array.with_precision_and_scale(PRECISION, column.scale_i8())?) as ArrayRef)
            })
            .collect()
    }
}

/// A text column of a part.
fn texts<'g, T: AsRef<str> + 'g>(
    pieces: &'g [Gathered<'_>],
    column: impl Fn(&'g Gathered<'_>) -> &'g [Option<T>],
) -> ArrayRef {
    let array: StringArray = pieces
        .iter()
        .flat_map(|g| column(g).iter().map(|t| t.as_ref().map(AsRef::as_ref)))
        .collect();
    Arc::new(array)
}

/// Text column `k` of the results (`grade`, `error`, `warning` when the system has checks,
/// `explanation`): one array per part.
fn text_column(parts: &[Part<'_>], k: usize, warns: bool) -> Vec<ArrayRef> {
    parts
        .iter()
        .map(|p| match (k, warns) {
            (0, _) => texts(&p.pieces, |g| &g.grade),
            (1, _) => texts(&p.pieces, |g| &g.error),
            (2, true) => texts(&p.pieces, |g| &g.warning),
            _ => texts(&p.pieces, |g| &g.explanation),
        })
        .collect()
}

/// The result batches, one per part, their text columns built in parallel.
pub(crate) fn assemble(layout: &Layout<'_>, mut parts: Vec<Part<'_>>, id: Option<Field>) -> Result<Scored, ArrowError> {
    let warns = layout.warns();
    let mut names: Vec<&str> = layout.ids.iter().copied().chain(["total"]).collect();
    let figure_columns = names.len();
    names.extend(["grade", "error"]);
    if warns {
        names.push("warning");
    }
    if layout.explains() {
        names.push("explanation");
    }
    // Each part's figure arrays take over their buffers; its text columns are gathered.
    let mut figures = Vec::with_capacity(parts.len());
    for part in &mut parts {
        let holes: Vec<(usize, usize)> = part.pieces.iter().flat_map(|g| g.holes.iter().copied()).collect();
        figures.push(std::mem::take(&mut part.figures).arrays(layout.decimal, &holes)?);
    }
    let texts: Vec<Vec<ArrayRef>> = (0..names.len() - figure_columns)
        .into_par_iter()
        .map(|k| text_column(&parts, k, warns))
        .collect();
    let mut fields = Vec::with_capacity(names.len() + 1);
    fields.extend(id.clone());
    fields.extend(names.iter().enumerate().map(|(j, name)| {
        let t = if j < figure_columns {
            layout.decimal.data_type()
        } else {
            DataType::Utf8
        };
        Field::new(*name, t, true)
    }));
    let schema: SchemaRef = Arc::new(Schema::new(fields));
    let mut batches = Vec::with_capacity(parts.len());
    for (k, (part, figures)) in parts.iter().zip(figures).enumerate() {
        let mut columns: Vec<ArrayRef> = Vec::with_capacity(schema.fields().len());
        if let Some(f) = &id {
            columns.push(match &part.ids {
                Some(a) => a.clone(),
                None => arrow_array::new_null_array(f.data_type(), part.rows),
            });
        }
        columns.extend(figures);
        columns.extend(texts.iter().filter_map(|arrays| arrays.get(k).cloned()));
        batches.push(RecordBatch::try_new(schema.clone(), columns)?);
    }
    let errors = parts
        .into_iter()
        .flat_map(|p| p.pieces)
        .flat_map(|g| g.errors)
        .collect();
    Ok(Scored {
        schema,
        batches,
        errors,
    })
}

/// The one `decimal128` type of every figure column of a system (the indicators' scores and the
/// total), the same for every batch whatever its values: the scale at which the system states its
/// figures ([`Scorer::stated_scale`](jixiao::Scorer::stated_scale), e.g. `decimal128(38, 2)` for
/// figures stated to 0.01), or, when some figure is exact (rounding `"none"`),
/// `decimal128(38, 28)`: every place an exact decimal can have, for magnitudes below 10^10. A
/// figure that does not fit its column (more places than the column's scale, or too many digits)
/// fails its row with an error; it is never rounded, cut or dropped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct DecimalType {
    /// Places after the point.
    scale: u32,
}

/// The precision of every figure column.
const PRECISION: u8 = 38;

/// The scale of the figure columns of a system that states some figure exactly: the most places a
/// decimal of the engine has.
pub(crate) const EXACT_SCALE: u32 = 28;

/// `d.normalize()`'s mantissa and scale (no trailing zeros after the point; zero at scale 0).
fn normal_parts(d: Decimal) -> (i128, u32) {
    let (mut m, mut s) = (d.mantissa(), d.scale());
    if m == 0 {
        return (0, 0);
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

impl DecimalType {
    /// The figure columns' type for this system.
    pub(crate) fn of(scorer: &jixiao::Scorer) -> Self {
        DecimalType {
            scale: scorer.stated_scale().map_or(EXACT_SCALE, |s| s.min(EXACT_SCALE)),
        }
    }

    /// The Arrow type.
    pub(crate) fn data_type(self) -> DataType {
        DataType::Decimal128(PRECISION, self.scale_i8())
    }

    fn scale_i8(self) -> i8 {
        i8::try_from(self.scale).unwrap_or(28)
    }

    /// The mantissa of `d` at the column's scale, or `None` when `d` does not fit exactly.
    pub(crate) fn mantissa(self, d: Decimal) -> Option<i128> {
        let (m, s) = (d.mantissa(), d.scale());
        let (m, s) = if s <= self.scale { (m, s) } else { normal_parts(d) };
        let shift = usize::try_from(self.scale.checked_sub(s)?).ok()?;
        // |m|·10^shift < 10^38 exactly when |m| < 10^(38 - shift) (both sides whole numbers): one
        // comparison instead of an overflow-checked 128-bit product and a second bound, and the
        // product then cannot overflow.
        let room = POW10.get(usize::from(PRECISION).checked_sub(shift)?)?;
        let factor = POW10.get(shift)?;
        (m.unsigned_abs() < room.unsigned_abs()).then(|| m.wrapping_mul(*factor))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow_array::Array;
    use arrow_array::cast::AsArray;

    fn d(text: &str) -> Decimal {
        text.parse().unwrap()
    }

    #[test]
    fn a_stated_column_has_the_stated_scale_whatever_the_values() {
        let column = DecimalType { scale: 2 };
        assert_eq!(column.data_type(), DataType::Decimal128(38, 2));
        // 5, 5.00, 91.73, and trailing zeros beyond the scale: all at scale 2.
        let values = [d("5"), d("5.00"), d("91.73"), d("90.0000")].map(|v| column.mantissa(v));
        assert_eq!(values, [Some(500), Some(500), Some(9173), Some(9000)]);
        // More places than the column states: not rounded, refused.
        assert_eq!(column.mantissa(d("1.495")), None);
    }

    /// Tasks write their stretches of rows; the arrays take the buffers over: null in every
    /// column where a row was not scored, and only in its own column for a hole.
    #[test]
    fn figures_written_by_stretch_become_arrays_null_where_not_scored() {
        let column = DecimalType { scale: 2 };
        let mut figures = Figures::new(2, 5);
        let mut tasks = figures.split(2);
        assert_eq!(tasks.iter().map(|t| t.scored.len()).collect::<Vec<_>>(), [2, 2, 1]);
        for (k, task) in tasks.iter_mut().enumerate() {
            for (at, scored) in task.scored.iter_mut().enumerate() {
                let row = 2 * k + at;
                *scored = row != 3;
                for (j, c) in task.columns.iter_mut().enumerate() {
                    c[at] = (100 * row + j) as i128;
                }
            }
        }
        let arrays = figures.arrays(column, &[(1, 0)]).unwrap();
        let (a, b) = (
            arrays[0].as_primitive::<Decimal128Type>(),
            arrays[1].as_primitive::<Decimal128Type>(),
        );
        assert_eq!(a.data_type(), &DataType::Decimal128(38, 2));
        assert_eq!((a.len(), a.value(4), b.value(4)), (5, 400, 401));
        assert_eq!(a.value_as_string(2), "2.00");
        assert!(a.is_null(3) && b.is_null(3));
        assert!(a.is_valid(0) && b.is_null(0), "a hole is null in its own column only");
        assert_eq!((a.null_count(), b.null_count()), (1, 2));
    }

    #[test]
    fn an_exact_column_holds_every_place_below_ten_to_the_ten() {
        let column = DecimalType { scale: EXACT_SCALE };
        assert_eq!(column.data_type(), DataType::Decimal128(38, 28));
        let third = Decimal::from(5) / Decimal::from(3);
        assert_eq!(third.scale(), 28);
        assert_eq!(column.mantissa(third), Some(third.mantissa()));
        // 28 places of 7.9232 do not fit 96 bits, but do fit decimal128.
        assert_eq!(column.mantissa(d("7.9232")), Some(79232 * 10i128.pow(24)));
        assert_eq!(column.mantissa(d("9999999999.5")), Some(99999999995 * 10i128.pow(27)));
        // 10^10 and above do not fit 38 digits at 28 places: refused, not cut.
        assert_eq!(column.mantissa(d("10000000000")), None);
        assert_eq!(column.mantissa(Decimal::MAX), None);
    }
}
