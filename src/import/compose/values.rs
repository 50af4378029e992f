//! What a docker-compose sizing field holds: `${VAR:-default}`
//! interpolation, CPU counts (`'0.50'`, `0.5`, `2`), memory sizes
//! (`512M`, `1gb`, `2048m`, bytes) and replica counts; and where a key
//! or value is in the text, for located errors.

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_yaml_ng::Value;
use std::fmt;

/// Docker refuses memory limits below 6 MB (`Minimum memory limit
/// allowed is 6MB`): a smaller figure is a unit left off.
const DOCKER_MIN_MEMORY_MB: f64 = 6.0;

/// A sizing value's text once Compose's interpolation is applied the way
/// it would be with the variables unset: `${VAR:-default}` and
/// `${VAR-default}` give the default (named in `defaults`), `$$` is a
/// dollar. `Err` holds the first placeholder that has no default
/// (`${VAR}`, `$VAR`, `${VAR:?message}`, `${VAR:+other}`).
pub fn interpolate(text: &str) -> Result<(String, Vec<String>), String> {
    let mut out = String::new();
    let mut defaults = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find('$') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        if let Some(tail) = after.strip_prefix('$') {
            out.push('$');
            rest = tail;
        } else if let Some(inner) = after.strip_prefix('{') {
            let Some(end) = inner.find('}') else {
                return Err(format!("${{{inner}"));
            };
            let body = &inner[..end];
            let name_len =
                body.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(body.len());
            let (name, op) = body.split_at(name_len);
            let default = op.strip_prefix(":-").or_else(|| op.strip_prefix('-'));
            match default {
                Some(d) if !name.is_empty() && !d.contains('$') => {
                    out.push_str(d);
                    defaults.push(format!("${{{body}}}"));
                }
                _ => return Err(format!("${{{body}}}")),
            }
            rest = &inner[end + 1..];
        } else if after.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
            let len = after
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(after.len());
            return Err(format!("${}", &after[..len]));
        } else {
            out.push('$');
            rest = after;
        }
    }
    out.push_str(rest);
    Ok((out, defaults))
}

/// A figure for a message: at most three decimals, no trailing zeros.
pub fn num(x: f64) -> String {
    format!("{}", (x * 1000.0).round() / 1000.0)
}

/// How a value reads in a message: strings quoted, numbers as written.
pub fn shown(value: &Value) -> String {
    match value {
        Value::String(s) => format!("'{s}'"),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Null => "nothing".into(),
        Value::Sequence(_) => "a list".into(),
        Value::Mapping(_) => "a mapping".into(),
        Value::Tagged(t) => format!("a value tagged {}", t.tag),
    }
}

/// `'0.50'`, `0.5`, `2` → CPUs.
pub fn cpus(text: &str) -> Option<f64> {
    text.trim().parse::<f64>().ok().filter(|c| c.is_finite() && *c >= 0.0)
}

/// `512M`, `1G`, `1gb`, `2048m`, `1.5g`, `268435456` (bytes) → MB (MiB:
/// Docker's units are binary, as the catalog's memory_mb is). `Err`: what
/// is wrong, said after what was found.
pub fn memory_mb(text: &str) -> Result<f64, &'static str> {
    let t = text.trim().to_ascii_lowercase();
    let split = t.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(t.len());
    let (number, unit) = t.split_at(split);
    let number: f64 = number.parse().ok().filter(|n: &f64| n.is_finite()).ok_or("not a number")?;
    let unit = unit.trim();
    let unit = unit.strip_suffix('b').unwrap_or(unit);
    let unit = unit.strip_suffix('i').unwrap_or(unit);
    let bytes_per = match unit {
        "" => 1.0,
        "k" => 1024.0,
        "m" => 1024.0 * 1024.0,
        "g" => 1024.0 * 1024.0 * 1024.0,
        "t" => 1024.0_f64.powi(4),
        _ => return Err("the units are b, k, m and g"),
    };
    let mb = number * bytes_per / (1024.0 * 1024.0);
    if mb < DOCKER_MIN_MEMORY_MB {
        return Err(if bytes_per == 1.0 {
            "a number without a unit is bytes, below Docker's 6M minimum"
        } else {
            "below Docker's 6M minimum"
        });
    }
    Ok(mb)
}

/// Marks the place a walk stops at; a real error never holds it.
const HERE: &str = "\u{0}capplan-locate";

/// Line and column (1-based) of the value at `path` (mapping keys from the
/// root), or of its last key when `key` is set; `None` when it is not in
/// the text. serde_yaml_ng keeps no spans, but it locates an error raised
/// while reading a value: the text is read again by a seed that walks the
/// path and raises one there. Aliases point at their anchor, and merge
/// keys (`<<: *defaults`) are followed when the key is not written out.
pub fn locate(text: &str, path: &[&str], key: bool) -> Option<(usize, usize)> {
    for merges in [false, true] {
        let walk = Walk { path, key, merges };
        if let Err(e) = walk.deserialize(serde_yaml_ng::Deserializer::from_str(text))
            && e.to_string().contains(HERE)
        {
            return e.location().map(|l| (l.line(), l.column()));
        }
    }
    None
}

#[derive(Clone, Copy)]
struct Walk<'p> {
    path: &'p [&'p str],
    key: bool,
    merges: bool,
}

impl<'de> DeserializeSeed<'de> for Walk<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        if self.path.is_empty() { d.deserialize_any(Stop) } else { d.deserialize_any(self) }
    }
}

impl<'de> Visitor<'de> for Walk<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let want = Key { want: self.path[0], stop: self.key && self.path.len() == 1 };
        while let Some(found) = map.next_key_seed(want)? {
            match found {
                Found::Want => map.next_value_seed(Walk { path: &self.path[1..], ..self })?,
                Found::Merge if self.merges => map.next_value_seed(Merged(self))?,
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(())
    }
    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
}

/// The value of a merge key: a mapping, or a list of them, walked with
/// the same path.
struct Merged<'p>(Walk<'p>);

impl<'de> DeserializeSeed<'de> for Merged<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Merged<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a mapping or a list of mappings")
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        self.0.visit_map(map)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element_seed(self.0)?.is_some() {}
        Ok(())
    }
}

#[derive(Clone, Copy)]
struct Key<'p> {
    want: &'p str,
    /// Raise at the key itself (the walk locates a key, not its value).
    stop: bool,
}

enum Found {
    Want,
    Merge,
    Other,
}

impl<'de> DeserializeSeed<'de> for Key<'_> {
    type Value = Found;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Found, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Key<'_> {
    type Value = Found;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a key")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Found, E> {
        if v == self.want {
            if self.stop {
                return Err(E::custom(HERE));
            }
            return Ok(Found::Want);
        }
        Ok(if v == "<<" { Found::Merge } else { Found::Other })
    }
    fn visit_bool<E>(self, _: bool) -> Result<Found, E> {
        Ok(Found::Other)
    }
    fn visit_i64<E>(self, _: i64) -> Result<Found, E> {
        Ok(Found::Other)
    }
    fn visit_u64<E>(self, _: u64) -> Result<Found, E> {
        Ok(Found::Other)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Found, E> {
        Ok(Found::Other)
    }
    fn visit_unit<E>(self) -> Result<Found, E> {
        Ok(Found::Other)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Found, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Found::Other)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Found, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Found::Other)
    }
}

/// Raises at the value it is asked to read.
struct Stop;

impl<'de> Visitor<'de> for Stop {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML")
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        Err(E::custom(HERE))
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        Err(E::custom(HERE))
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        Err(E::custom(HERE))
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        Err(E::custom(HERE))
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        Err(E::custom(HERE))
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Err(E::custom(HERE))
    }
    fn visit_map<A: MapAccess<'de>>(self, _: A) -> Result<(), A::Error> {
        Err(de::Error::custom(HERE))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<(), A::Error> {
        Err(de::Error::custom(HERE))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interpolation_takes_defaults_and_refuses_bare_variables() {
        assert_eq!(interpolate("0.5"), Ok(("0.5".into(), vec![])));
        assert_eq!(interpolate("${MEM:-512}M"), Ok(("512M".into(), vec!["${MEM:-512}".into()])));
        assert_eq!(interpolate("${N-2}").map(|r| r.0), Ok("2".into()));
        assert_eq!(interpolate("$$5").map(|r| r.0), Ok("$5".into()));
        for bare in ["${DOCKER_REPLICAS}", "$CPUS", "${X:?set X}", "${X:+1}", "${X", "${A:-${B}}"] {
            assert!(interpolate(bare).is_err(), "{bare}");
        }
        assert_eq!(interpolate("$CPUS"), Err("$CPUS".into()));
    }

    #[test]
    fn memory_reads_docker_units() {
        let mb = |t: &str| memory_mb(t).unwrap();
        assert_eq!(mb("512M"), 512.0);
        assert_eq!(mb("1G"), 1024.0);
        assert_eq!(mb("1gb"), 1024.0);
        assert_eq!(mb("2048m"), 2048.0);
        assert_eq!(mb("1.5g"), 1536.0);
        assert_eq!(mb("512MiB"), 512.0);
        assert_eq!(mb("268435456"), 256.0);
        assert_eq!(mb("65536k"), 64.0);
        assert!(memory_mb("512").unwrap_err().contains("bytes"));
        assert!(memory_mb("1k").unwrap_err().contains("minimum"));
        assert!(memory_mb("lots").is_err());
        assert!(memory_mb("1q").is_err());
        assert!(memory_mb("").is_err());
    }

    #[test]
    fn locate_finds_values_keys_and_merged_keys() {
        let text = "x-d: &d\n  deploy:\n    replicas: 3\nservices:\n  a:\n    deploy:\n      replicas: ${N}\n  b:\n    <<: *d\n";
        assert_eq!(locate(text, &["services", "a", "deploy", "replicas"], false), Some((7, 17)));
        assert_eq!(locate(text, &["services", "b"], true), Some((8, 3)));
        // b's deploy comes from the anchor: located where it is written.
        assert_eq!(locate(text, &["services", "b", "deploy", "replicas"], false), Some((3, 15)));
        assert_eq!(locate(text, &["services", "c"], true), None);
        // Broken YAML: no place, and no panic.
        assert_eq!(locate("a: [", &["b"], false), None);
    }
}
