//! The engine's answer types (`jixiao::wire`) as Python objects, through their derived `Serialize`:
//! one generic conversion instead of a getter per field.
//!
//! - A figure (serialised as a newtype struct named [`jixiao::wire::FIGURE`] around its exact text)
//!   becomes a `decimal.Decimal` read from that text; any other string stays a `str`. A binary
//!   float is refused: no answer carries one, and a decimal must never become one.
//! - A struct becomes the Python class registered under its Rust name (`jixiao._results.WIRE_TYPES`,
//!   a frozen dataclass called with the fields as keywords), else a `dict`.
//!
//! `pythonize` was the candidate library, but it writes newtype structs transparently: a figure
//! would arrive as a `str` indistinguishable from text, and only a list of field names could tell
//! them apart, which is what this module exists to avoid.

use std::fmt;

use jixiao::wire::FIGURE;
use pyo3::IntoPyObjectExt;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyList, PyString};
use serde::ser::{self, Impossible, Serialize};

use crate::convert::decimal_type;

static CLASSES: PyOnceLock<Py<PyDict>> = PyOnceLock::new();

/// `value` as Python objects: structs as the registered result classes.
pub fn to_python<'py, T: Serialize + ?Sized>(py: Python<'py>, value: &T) -> PyResult<Bound<'py, PyAny>> {
    let classes = CLASSES
        .get_or_try_init(py, || -> PyResult<Py<PyDict>> {
            Ok(py
                .import("jixiao._results")?
                .getattr("WIRE_TYPES")?
                .cast_into::<PyDict>()?
                .unbind())
        })?
        .bind(py);
    let ser = Ser {
        py,
        classes: Some(classes),
    };
    value.serialize(ser).map_err(|e| e.0)
}

/// `value` as plain Python data: structs as `dict`s (figures still `decimal.Decimal`).
pub fn to_plain<'py, T: Serialize + ?Sized>(py: Python<'py>, value: &T) -> PyResult<Bound<'py, PyAny>> {
    value.serialize(Ser { py, classes: None }).map_err(|e| e.0)
}

/// A Python exception as a serde error.
#[derive(Debug)]
pub struct Error(PyErr);

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for Error {}

impl ser::Error for Error {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Error(PyValueError::new_err(msg.to_string()))
    }
}

impl From<PyErr> for Error {
    fn from(e: PyErr) -> Self {
        Error(e)
    }
}

type Out<'py> = Result<Bound<'py, PyAny>, Error>;

#[derive(Clone, Copy)]
struct Ser<'a, 'py> {
    py: Python<'py>,
    classes: Option<&'a Bound<'py, PyDict>>,
}

impl<'py> Ser<'_, 'py> {
    fn obj(self, v: impl IntoPyObject<'py>) -> Out<'py> {
        Ok(v.into_bound_py_any(self.py)?)
    }

    /// A struct's fields as the registered class, else as a dict.
    fn finish(self, name: &str, fields: Bound<'py, PyDict>) -> Out<'py> {
        match self.classes.map(|c| c.get_item(name)).transpose()?.flatten() {
            Some(factory) => Ok(factory.call((), Some(&fields))?),
            None => Ok(fields.into_any()),
        }
    }
}

/// The wire layer has no externally tagged enum carrying data (its enums are untagged or
/// internally tagged, which serialise as their content): such a variant is refused, not guessed.
fn tagged(name: &str, variant: &str) -> Error {
    ser::Error::custom(format!(
        "`{name}::{variant}`: externally tagged variants are not part of the wire"
    ))
}

/// Collects a sequence (tuples become lists, as in JSON).
struct Seq<'a, 'py> {
    ser: Ser<'a, 'py>,
    items: Bound<'py, PyList>,
}

/// Collects a map or a struct (`name`: the struct's, to look its class up).
struct Map<'a, 'py> {
    ser: Ser<'a, 'py>,
    dict: Bound<'py, PyDict>,
    key: Option<Bound<'py, PyAny>>,
    name: &'static str,
}

/// Values that convert to Python as they are.
macro_rules! plain {
    ($($method:ident: $ty:ty),*) => {
        $(fn $method(self, v: $ty) -> Out<'py> {
            self.obj(v)
        })*
    };
}

impl<'a, 'py> ser::Serializer for Ser<'a, 'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = Error;
    type SerializeSeq = Seq<'a, 'py>;
    type SerializeTuple = Seq<'a, 'py>;
    type SerializeTupleStruct = Seq<'a, 'py>;
    type SerializeTupleVariant = Impossible<Bound<'py, PyAny>, Error>;
    type SerializeMap = Map<'a, 'py>;
    type SerializeStruct = Map<'a, 'py>;
    type SerializeStructVariant = Impossible<Bound<'py, PyAny>, Error>;

    plain!(serialize_bool: bool, serialize_i8: i8, serialize_i16: i16, serialize_i32: i32, serialize_i64: i64);
    plain!(serialize_u8: u8, serialize_u16: u16, serialize_u32: u32, serialize_u64: u64, serialize_char: char);
    plain!(serialize_str: &str, serialize_bytes: &[u8]);
    fn serialize_f32(self, v: f32) -> Out<'py> {
        self.serialize_f64(f64::from(v))
    }
    fn serialize_f64(self, v: f64) -> Out<'py> {
        Err(ser::Error::custom(format!(
            "a binary float ({v}) in an answer: figures are decimals"
        )))
    }
    fn serialize_none(self) -> Out<'py> {
        Ok(self.py.None().into_bound(self.py))
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Out<'py> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Out<'py> {
        self.serialize_none()
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Out<'py> {
        self.serialize_none()
    }
    fn serialize_unit_variant(self, _name: &'static str, _index: u32, variant: &'static str) -> Out<'py> {
        self.obj(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, name: &'static str, value: &T) -> Out<'py> {
        let inner = value.serialize(self)?;
        if name == FIGURE {
            // INVARIANT: the wire layer wraps only a decimal's exact text under this name.
            return Ok(decimal_type(self.py)?.call1((inner,))?);
        }
        Ok(inner)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        _index: u32,
        variant: &'static str,
        _value: &T,
    ) -> Out<'py> {
        Err(tagged(name, variant))
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Seq<'a, 'py>, Error> {
        Ok(Seq {
            ser: self,
            items: PyList::empty(self.py),
        })
    }
    fn serialize_tuple(self, len: usize) -> Result<Seq<'a, 'py>, Error> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _name: &'static str, len: usize) -> Result<Seq<'a, 'py>, Error> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleVariant, Error> {
        Err(tagged(name, variant))
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Map<'a, 'py>, Error> {
        Ok(Map {
            ser: self,
            dict: PyDict::new(self.py),
            key: None,
            name: "",
        })
    }
    fn serialize_struct(self, name: &'static str, _len: usize) -> Result<Map<'a, 'py>, Error> {
        let mut map = self.serialize_map(None)?;
        map.name = name;
        Ok(map)
    }
    fn serialize_struct_variant(
        self,
        name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStructVariant, Error> {
        Err(tagged(name, variant))
    }
}

impl<'py> Seq<'_, 'py> {
    fn push<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        Ok(self.items.append(value.serialize(self.ser)?)?)
    }

    fn done(self) -> Out<'py> {
        Ok(self.items.into_any())
    }
}

macro_rules! seq_impl {
    ($trait:ident, $method:ident) => {
        impl<'py> ser::$trait for Seq<'_, 'py> {
            type Ok = Bound<'py, PyAny>;
            type Error = Error;
            fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
                self.push(value)
            }
            fn end(self) -> Out<'py> {
                self.done()
            }
        }
    };
}
seq_impl!(SerializeSeq, serialize_element);
seq_impl!(SerializeTuple, serialize_element);
seq_impl!(SerializeTupleStruct, serialize_field);

impl<'py> Map<'_, 'py> {
    fn field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result<(), Error> {
        Ok(self
            .dict
            .set_item(PyString::intern(self.ser.py, key), value.serialize(self.ser)?)?)
    }

    fn done(self) -> Out<'py> {
        self.ser.finish(self.name, self.dict)
    }
}

impl<'py> ser::SerializeMap for Map<'_, 'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = Error;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Error> {
        self.key = Some(key.serialize(self.ser)?);
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        let key = self
            .key
            .take()
            .ok_or_else(|| <Error as ser::Error>::custom("a map value without its key"))?;
        Ok(self.dict.set_item(key, value.serialize(self.ser)?)?)
    }
    fn end(self) -> Out<'py> {
        self.done()
    }
}

impl<'py> ser::SerializeStruct for Map<'_, 'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result<(), Error> {
        self.field(key, value)
    }
    fn end(self) -> Out<'py> {
        self.done()
    }
}
