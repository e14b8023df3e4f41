//! The results as Arrow arrays: `decimal128` for the figures, at the largest scale each column's
//! values have (so every value is exact), text for the grade, the error and the explanation.

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
fn decimals<'g>(g: &'g Gathered<'_>, j: usize) -> &'g [Option<Decimal>] {
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

/// Result column `j` (the indicators', then `total`, `grade`, `error`, `explanation`): its type
/// and one array per part.
fn build_column(parts: &[Part<'_>], j: usize, count: usize) -> Result<(DataType, Vec<ArrayRef>), ArrowError> {
    if j < count {
        let mut column = DecimalColumn::default();
        for g in parts.iter().flat_map(|p| &p.pieces) {
            column.merge(g.types.get(j).copied().unwrap_or_default());
        }
        let arrays = parts
            .iter()
            .map(|p| column.build(p.pieces.iter().map(|g| decimals(g, j))))
            .collect::<Result<Vec<_>, _>>()?;
        return Ok((column.data_type(), arrays));
    }
    let arrays = parts
        .iter()
        .map(|p| match j - count {
            0 => texts(&p.pieces, |g| &g.grade),
            1 => texts(&p.pieces, |g| &g.error),
            _ => texts(&p.pieces, |g| &g.explanation),
        })
        .collect();
    Ok((DataType::Utf8, arrays))
}

/// The result batches, one per part, their columns built in parallel.
pub(crate) fn assemble(layout: &Layout<'_>, parts: Vec<Part<'_>>, id: Option<Field>) -> Result<Scored, ArrowError> {
    let decimals = layout.ids.len() + 1;
    let names = layout.ids.iter().copied().chain(["total", "grade", "error"]);
    let names: Vec<&str> = if layout.explains() {
        names.chain(["explanation"]).collect()
    } else {
        names.collect()
    };
    let built = (0..names.len())
        .into_par_iter()
        .map(|j| build_column(&parts, j, decimals))
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

/// A column of decimals as `decimal128`, at the largest scale any of its values has (so every
/// value is exact), precision 29 (any decimal the engine holds) or 38 for absurd magnitudes.
/// Worked out value by value ([`add`](Self::add)), where the values are made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct DecimalColumn {
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
    pub(crate) fn add(&mut self, d: Decimal) {
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
    pub(crate) fn merge(&mut self, other: DecimalColumn) {
        self.scale = self.scale.max(other.scale);
        self.digits = self.digits.max(other.digits);
    }

    fn precision(self) -> u8 {
        if self.digits + self.scale <= 29 { 29 } else { 38 }
    }

    fn scale_i8(self) -> i8 {
        i8::try_from(self.scale).unwrap_or(28)
    }

    /// The Arrow type.
    pub(crate) fn data_type(self) -> DataType {
        DataType::Decimal128(self.precision(), self.scale_i8())
    }

    /// The mantissa of `d` at the column's scale (which is at least `d`'s normalized scale).
    fn mantissa(self, d: Decimal) -> i128 {
        let (m, s) = (d.mantissa(), d.scale());
        let (m, s) = if s <= self.scale { (m, s) } else { normal_parts(d) };
        let shift = self.scale.saturating_sub(s) as usize;
        m.saturating_mul(POW10.get(shift).copied().unwrap_or(i128::MAX))
    }

    /// The values of these parts, one after the other, as one array (null for `None`).
    pub(crate) fn build<'v>(
        self,
        parts: impl IntoIterator<Item = &'v [Option<Decimal>]> + Clone,
    ) -> Result<ArrayRef, ArrowError> {
        let len: usize = parts.clone().into_iter().map(<[_]>::len).sum();
        let mut mantissas = Vec::with_capacity(len);
        let mut nulls = NullBufferBuilder::new(len);
        for values in parts {
            for v in values {
                mantissas.push(v.map_or(0, |d| self.mantissa(d)));
                nulls.append(v.is_some());
            }
        }
        let array = PrimitiveArray::<Decimal128Type>::try_new(mantissas.into(), nulls.finish())?;
        Ok(Arc::new(array.with_precision_and_scale(self.precision(), self.scale_i8())?) as ArrayRef)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow_array::Array;
    use arrow_array::cast::AsArray;

    fn column_for(values: &[Option<Decimal>]) -> DecimalColumn {
        let mut column = DecimalColumn::default();
        for d in values.iter().flatten() {
            column.add(*d);
        }
        column
    }

    #[test]
    fn decimal_columns_are_exact() {
        let values: Vec<Option<Decimal>> = vec![Some("91.73".parse().unwrap()), None, Some(Decimal::from(90))];
        let column = column_for(&values);
        assert_eq!(column.data_type(), DataType::Decimal128(29, 2));
        let a = column.build([&values[..]]).unwrap();
        let a = a.as_primitive::<Decimal128Type>();
        assert_eq!(a.value(0), 9173);
        assert!(a.is_null(1));
        assert_eq!(a.value(2), 9000);
        // Trailing zeros beyond the column's scale; a magnitude beyond 96 bits at that scale.
        let values: Vec<Option<Decimal>> = vec![
            Some("5.000".parse().unwrap()),
            Some("10000000000000000000000000000".parse().unwrap()),
            Some("0.5".parse().unwrap()),
        ];
        let column = column_for(&values);
        assert_eq!(column.data_type(), DataType::Decimal128(38, 1));
        let a = column.build([&values[..1], &values[1..]]).unwrap();
        assert_eq!(a.null_count(), 0);
        let a = a.as_primitive::<Decimal128Type>();
        assert_eq!((a.value(0), a.value(1), a.value(2)), (50, 10i128.pow(29), 5));
    }
}
