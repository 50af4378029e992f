//! A serde `Serializer` that writes a value as the Rust expression that
//! builds it, so the embedded catalogs are compiled code: start-up runs
//! no parser at all, only the allocations of the strings and lists.
//!
//! It relies on what the catalog types are: structs with public fields
//! named as serde names them, enums renamed to snake_case or lowercase
//! (so the variant's Rust name is its serde name in CamelCase), `String`,
//! `Vec`, `BTreeMap`, `Option` and numbers. Anything else makes generated
//! code that does not compile: the build fails, it never guesses.

use serde::ser::{self, Serialize};
use std::fmt::{self, Write as _};

#[derive(Debug)]
pub struct Error(String);

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

impl ser::Error for Error {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Error(msg.to_string())
    }
}

/// The Rust expression that builds `value`.
pub fn to_rust<T: Serialize + ?Sized>(value: &T) -> Result<String, Error> {
    let mut code = RustCode::default();
    value.serialize(&mut code)?;
    Ok(code.out)
}

#[derive(Default)]
pub struct RustCode {
    out: String,
}

/// `reserved_1y` → `Reserved1y`, `low` → `Low`.
fn camel(serde_name: &str) -> String {
    serde_name
        .split('_')
        .map(|part| {
            let mut chars = part.chars();
            chars
                .next()
                .map_or_else(String::new, |c| c.to_ascii_uppercase().to_string() + chars.as_str())
        })
        .collect()
}

impl RustCode {
    fn push(&mut self, text: &str) {
        self.out.push_str(text);
    }

    fn float(&mut self, v: f64, suffix: &str) {
        if v.is_nan() {
            write!(self.out, "{suffix}::NAN").unwrap();
        } else if v.is_infinite() {
            let sign = if v < 0.0 { "-" } else { "" };
            write!(self.out, "{sign}{suffix}::INFINITY").unwrap();
        } else {
            // Debug prints the shortest text that reads back as the same bits.
            write!(self.out, "{v:?}{suffix}").unwrap();
        }
    }
}

macro_rules! integer {
    ($($method:ident: $ty:ty),*) => {$(
        fn $method(self, v: $ty) -> Result<(), Error> {
            write!(self.out, "{v}{}", stringify!($ty)).unwrap();
            Ok(())
        }
    )*};
}

impl<'a> ser::Serializer for &'a mut RustCode {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Seq<'a>;
    type SerializeTuple = Seq<'a>;
    type SerializeTupleStruct = Seq<'a>;
    type SerializeTupleVariant = Seq<'a>;
    type SerializeMap = Map<'a>;
    type SerializeStruct = Struct<'a>;
    type SerializeStructVariant = Struct<'a>;

    integer!(serialize_i8: i8, serialize_i16: i16, serialize_i32: i32, serialize_i64: i64,
        serialize_u8: u8, serialize_u16: u16, serialize_u32: u32, serialize_u64: u64);

    fn serialize_bool(self, v: bool) -> Result<(), Error> {
        self.push(if v { "true" } else { "false" });
        Ok(())
    }
    fn serialize_f32(self, v: f32) -> Result<(), Error> {
        self.float(f64::from(v), "f32");
        Ok(())
    }
    fn serialize_f64(self, v: f64) -> Result<(), Error> {
        self.float(v, "f64");
        Ok(())
    }
    fn serialize_char(self, v: char) -> Result<(), Error> {
        write!(self.out, "{v:?}").unwrap();
        Ok(())
    }
    fn serialize_str(self, v: &str) -> Result<(), Error> {
        // Debug escapes a str as a valid Rust string literal.
        write!(self.out, "String::from({v:?})").unwrap();
        Ok(())
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<(), Error> {
        Err(Error("bytes have no catalog type".into()))
    }
    fn serialize_none(self) -> Result<(), Error> {
        self.push("None");
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Error> {
        self.push("Some(");
        value.serialize(&mut *self)?;
        self.push(")");
        Ok(())
    }
    fn serialize_unit(self) -> Result<(), Error> {
        self.push("()");
        Ok(())
    }
    fn serialize_unit_struct(self, name: &'static str) -> Result<(), Error> {
        self.push(name);
        Ok(())
    }
    fn serialize_unit_variant(
        self,
        name: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<(), Error> {
        write!(self.out, "{name}::{}", camel(variant)).unwrap();
        Ok(())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        write!(self.out, "{name}(").unwrap();
        value.serialize(&mut *self)?;
        self.push(")");
        Ok(())
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        _: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        write!(self.out, "{name}::{}(", camel(variant)).unwrap();
        value.serialize(&mut *self)?;
        self.push(")");
        Ok(())
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Seq<'a>, Error> {
        Ok(Seq::open(self, "vec![", "]"))
    }
    fn serialize_tuple(self, _: usize) -> Result<Seq<'a>, Error> {
        Ok(Seq::open(self, "(", ")"))
    }
    fn serialize_tuple_struct(self, name: &'static str, _: usize) -> Result<Seq<'a>, Error> {
        let open = format!("{name}(");
        Ok(Seq::open(self, &open, ")"))
    }
    fn serialize_tuple_variant(
        self,
        name: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Seq<'a>, Error> {
        let open = format!("{name}::{}(", camel(variant));
        Ok(Seq::open(self, &open, ")"))
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Map<'a>, Error> {
        // Any map type the field has (BTreeMap, HashMap) collects from pairs.
        self.push("[");
        Ok(Map { code: self })
    }
    fn serialize_struct(self, name: &'static str, _: usize) -> Result<Struct<'a>, Error> {
        write!(self.out, "{name} {{").unwrap();
        Ok(Struct { code: self })
    }
    fn serialize_struct_variant(
        self,
        name: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Struct<'a>, Error> {
        write!(self.out, "{name}::{} {{", camel(variant)).unwrap();
        Ok(Struct { code: self })
    }
}

pub struct Seq<'a> {
    code: &'a mut RustCode,
    close: &'static str,
}

impl<'a> Seq<'a> {
    fn open(code: &'a mut RustCode, open: &str, close: &'static str) -> Self {
        code.push(open);
        Seq { code, close }
    }
    fn element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        value.serialize(&mut *self.code)?;
        self.code.push(",");
        Ok(())
    }
    fn close(self) -> Result<(), Error> {
        self.code.push(self.close);
        Ok(())
    }
}

impl ser::SerializeSeq for Seq<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.element(value)
    }
    fn end(self) -> Result<(), Error> {
        self.close()
    }
}

impl ser::SerializeTuple for Seq<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.element(value)
    }
    fn end(self) -> Result<(), Error> {
        self.close()
    }
}

impl ser::SerializeTupleStruct for Seq<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.element(value)
    }
    fn end(self) -> Result<(), Error> {
        self.close()
    }
}

impl ser::SerializeTupleVariant for Seq<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.element(value)
    }
    fn end(self) -> Result<(), Error> {
        self.close()
    }
}

pub struct Map<'a> {
    code: &'a mut RustCode,
}

impl ser::SerializeMap for Map<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Error> {
        self.code.push("(");
        key.serialize(&mut *self.code)
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.code.push(",");
        value.serialize(&mut *self.code)?;
        self.code.push("),");
        Ok(())
    }
    fn end(self) -> Result<(), Error> {
        if self.code.out.ends_with('[') {
            self.code.out.pop();
            self.code.push("Default::default()");
        } else {
            self.code.push("].into_iter().collect()");
        }
        Ok(())
    }
}

pub struct Struct<'a> {
    code: &'a mut RustCode,
}

impl Struct<'_> {
    fn field<T: Serialize + ?Sized>(&mut self, key: &str, value: &T) -> Result<(), Error> {
        write!(self.code.out, "{}:", field_name(key)).unwrap();
        value.serialize(&mut *self.code)?;
        self.code.push(",");
        Ok(())
    }
    /// A field serde leaves out (`skip_serializing_if`) holds its default.
    fn skipped(&mut self, key: &str) {
        write!(self.code.out, "{}:Default::default(),", field_name(key)).unwrap();
    }
}

/// A serde name that is a Rust keyword is written raw (`type` → `r#type`).
fn field_name(key: &str) -> String {
    const KEYWORDS: [&str; 8] = ["type", "match", "fn", "in", "ref", "use", "mod", "loop"];
    if KEYWORDS.contains(&key) { format!("r#{key}") } else { key.to_string() }
}

impl ser::SerializeStruct for Struct<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        self.field(key, value)
    }
    fn skip_field(&mut self, key: &'static str) -> Result<(), Error> {
        self.skipped(key);
        Ok(())
    }
    fn end(self) -> Result<(), Error> {
        self.code.push("}");
        Ok(())
    }
}

impl ser::SerializeStructVariant for Struct<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        self.field(key, value)
    }
    fn skip_field(&mut self, key: &'static str) -> Result<(), Error> {
        self.skipped(key);
        Ok(())
    }
    fn end(self) -> Result<(), Error> {
        self.code.push("}");
        Ok(())
    }
}
