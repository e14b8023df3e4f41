//! The results as Arrow arrays: `decimal128` for the figures, all of one type per system
//! ([`DecimalType`]), text for the grade, the error and the explanation.

use std::sync::Arc;

use arrow_array::builder::NullBufferBuilder;
use arrow_array::types::Decimal128Type;
use arrow_array::{ArrayRef, PrimitiveArray, RecordBatch, StringArray};
use arrow_schema::{ArrowError, DataType, Field, Schema, SchemaRef};
use jixiao::Decimal;
use rayon::prelude::*;

use crate::Scored;
use crate::score::{Gathered, Layout};

/// The rows of one input batch, which become one result batch: the id column's array (carried
/// over as it is), if any, and the rows' figures, one piece per task.
#[derive(Debug)]
pub(crate) struct Part<'s> {
    pub rows: usize,
    pub ids: Option<ArrayRef>,
    pub pieces: Vec<Gathered<'s>>,
}

/// Decimal column `j` of a piece: indicator `j`'s scores, or the totals after the last.
fn decimals<'g>(g: &'g Gathered<'_>, j: usize) -> &'g [Option<i128>] {
    g.scores.get(j).unwrap_or(&g.total)
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

/// Result column `j` (the indicators', then `total`, `grade`, `error`, `warning` when the system
/// has checks, `explanation`): its type and one array per part.
fn build_column(
    parts: &[Part<'_>],
    j: usize,
    count: usize,
    warns: bool,
    column: DecimalType,
) -> Result<(DataType, Vec<ArrayRef>), ArrowError> {
    if j < count {
        let arrays = parts
            .iter()
            .map(|p| column.build(p.pieces.iter().map(|g| decimals(g, j))))
            .collect::<Result<Vec<_>, _>>()?;
        return Ok((column.data_type(), arrays));
    }
    let arrays = parts
        .iter()
        .map(|p| match (j - count, warns) {
            (0, _) => texts(&p.pieces, |g| &g.grade),
            (1, _) => texts(&p.pieces, |g| &g.error),
            (2, true) => texts(&p.pieces, |g| &g.warning),
            _ => texts(&p.pieces, |g| &g.explanation),
        })
        .collect();
    Ok((DataType::Utf8, arrays))
}

/// The result batches, one per part, their columns built in parallel.
pub(crate) fn assemble(layout: &Layout<'_>, parts: Vec<Part<'_>>, id: Option<Field>) -> Result<Scored, ArrowError> {
    let decimals = layout.ids.len() + 1;
    let warns = layout.warns();
    let mut names: Vec<&str> = layout.ids.iter().copied().chain(["total", "grade", "error"]).collect();
    if warns {
        names.push("warning");
    }
    if layout.explains() {
        names.push("explanation");
    }
    let built = (0..names.len())
        .into_par_iter()
        .map(|j| build_column(&parts, j, decimals, warns, layout.decimal))
        .collect::<Result<Vec<_>, _>>()?;
    let mut fields = Vec::with_capacity(names.len() + 1);
    fields.extend(id.clone());
    fields.extend(
        names
            .iter()
            .zip(&built)
            .map(|(name, (t, _))| Field::new(*name, t.clone(), true)),
    );
    let schema: SchemaRef = Arc::new(Schema::new(fields));
    let mut batches = Vec::with_capacity(parts.len());
    for (k, part) in parts.iter().enumerate() {
        let mut columns: Vec<ArrayRef> = Vec::with_capacity(schema.fields().len());
        if let Some(f) = &id {
            columns.push(match &part.ids {
                Some(a) => a.clone(),
                None => arrow_array::new_null_array(f.data_type(), part.rows),
            });
        }
        columns.extend(built.iter().filter_map(|(_, arrays)| arrays.get(k).cloned()));
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

    /// The values of these parts (mantissas at the column's scale), one after the other, as one
    /// array (null for `None`).
    pub(crate) fn build<'v>(
        self,
        parts: impl IntoIterator<Item = &'v [Option<i128>]> + Clone,
    ) -> Result<ArrayRef, ArrowError> {
        let len: usize = parts.clone().into_iter().map(<[_]>::len).sum();
        let mut mantissas = Vec::with_capacity(len);
        let mut nulls = NullBufferBuilder::new(len);
        for values in parts {
            for v in values {
                mantissas.push(v.unwrap_or(0));
                nulls.append(v.is_some());
            }
        }
        let array = PrimitiveArray::<Decimal128Type>::try_new(mantissas.into(), nulls.finish())?;
        Ok(Arc::new(array.with_precision_and_scale(PRECISION, self.scale_i8())?) as ArrayRef)
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
        let a = column.build([&values[..2], &[None, values[2]][..]]).unwrap();
        let a = a.as_primitive::<Decimal128Type>();
        assert_eq!((a.len(), a.value(0), a.value(3)), (4, 500, 9173));
        assert!(a.is_null(2));
        assert_eq!(a.value_as_string(3), "91.73");
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
