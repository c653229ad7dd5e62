//! The only module that names the YAML crate. serde_yaml is deprecated upstream; a drop-in fork
//! (serde_yml, serde_norway) replaces it by changing the one `use` line below.

use serde_json::{Map, Value};
use serde_yaml as yaml_crate;

/// Why YAML did not parse, with the position (1-based, within the YAML text) when known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    pub message: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
}

/// Parses YAML that must be a mapping, into JSON values so the rest of the crate never sees
/// YAML types. The YAML library refuses alias bombs and deep nesting itself. `first_line` is
/// the line of the enclosing file where the YAML starts; every line number in errors counts
/// from there.
pub fn parse_mapping(text: &str, first_line: usize) -> Result<Map<String, Value>, YamlError> {
    if text.trim().is_empty() {
        return Ok(Map::new());
    }
    let aliases = alias_count(text);
    if aliases > MAX_ALIASES {
        // The YAML library would stop an alias bomb too, but only after expanding it into
        // megabytes of nodes; front matter never needs more than a handful of aliases.
        return Err(YamlError {
            message: format!(
                "{aliases} YAML aliases (*name), more than the {MAX_ALIASES} allowed; aliases can expand exponentially"
            ),
            line: None,
            column: None,
        });
    }
    let value: yaml_crate::Value = yaml_crate::from_str(text).map_err(|e| {
        let location = e.location();
        let mut message = e.to_string();
        if let Some(loc) = &location {
            message = message.replace(
                &format!(" at line {} column {}", loc.line(), loc.column()),
                "",
            );
        }
        YamlError {
            message: shift_line_numbers(&message, first_line.saturating_sub(1)),
            line: location
                .as_ref()
                .map(|l| l.line() + first_line.saturating_sub(1)),
            column: location.as_ref().map(|l| l.column()),
        }
    })?;
    match to_json(value) {
        Value::Object(map) => Ok(map),
        Value::Null => Ok(Map::new()),
        other => Err(YamlError {
            message: format!(
                "expected a mapping of 'key: value' lines, found {}",
                kind(&other)
            ),
            line: None,
            column: None,
        }),
    }
}

/// Aliases a front matter may use. Even nested, this many expand to at most a few thousand
/// nodes.
const MAX_ALIASES: usize = 32;

/// Alias references (`*name`) where a YAML value can start: after white space, `[`, `{`, `,`,
/// `:`, `-` or at a line start. An asterisk inside a plain scalar may be miscounted, which only
/// matters past the limit.
fn alias_count(text: &str) -> usize {
    let bytes = text.as_bytes();
    (0..bytes.len())
        .filter(|&i| {
            bytes[i] == b'*'
                && bytes
                    .get(i + 1)
                    .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'-')
                && (i == 0
                    || matches!(
                        bytes[i - 1],
                        b' ' | b'\t' | b'\n' | b'[' | b'{' | b',' | b':' | b'-'
                    ))
        })
        .count()
}

/// Adds `by` to every `line N` in a message.
fn shift_line_numbers(message: &str, by: usize) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(at) = rest.find("line ") {
        let (before, after) = rest.split_at(at + "line ".len());
        out.push_str(before);
        let digits = after.chars().take_while(char::is_ascii_digit).count();
        match after[..digits].parse::<usize>() {
            Ok(n) => out.push_str(&(n + by).to_string()),
            Err(_) => out.push_str(&after[..digits]),
        }
        rest = &after[digits..];
    }
    out.push_str(rest);
    out
}

/// A short name for a value's type, for messages.
pub fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "nothing",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
    }
}

fn to_json(value: yaml_crate::Value) -> Value {
    use yaml_crate::Value as Y;
    match value {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::from(i)
            } else if let Some(u) = n.as_u64() {
                Value::from(u)
            } else {
                n.as_f64()
                    .and_then(serde_json::Number::from_f64)
                    .map_or_else(|| Value::String(n.to_string()), Value::Number)
            }
        }
        Y::String(s) => Value::String(s),
        Y::Sequence(items) => Value::Array(items.into_iter().map(to_json).collect()),
        Y::Mapping(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| (key_string(k), to_json(v)))
                .collect(),
        ),
        Y::Tagged(tagged) => to_json(tagged.value),
    }
}

fn key_string(key: yaml_crate::Value) -> String {
    match to_json(key) {
        Value::String(s) => s,
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mapping_with_lists_and_scalars() {
        let map = parse_mapping(
            "title: '支付'\ncategories:\n - 新闻\n - 科技\ncomments: false\nn: 3",
            1,
        )
        .unwrap();
        assert_eq!(map["title"], "支付");
        assert_eq!(map["categories"], serde_json::json!(["新闻", "科技"]));
        assert_eq!(map["comments"], false);
        assert_eq!(map["n"], 3);
    }

    #[test]
    fn dates_stay_strings() {
        let map = parse_mapping("date: 2021-12-08 10:18:31\nd2: 2022-01-27", 1).unwrap();
        assert_eq!(map["date"], "2021-12-08 10:18:31");
        assert_eq!(map["d2"], "2022-01-27");
    }

    #[test]
    fn non_mappings_and_bad_yaml_are_errors() {
        assert_eq!(
            parse_mapping("- a\n- b", 1).unwrap_err().message,
            "expected a mapping of 'key: value' lines, found a list"
        );
        let err = parse_mapping("a: 1\nb: [unclosed", 10).unwrap_err();
        assert_eq!((err.line, err.column), (Some(12), Some(1)));
        assert_eq!(
            err.message,
            "did not find expected ',' or ']', while parsing a flow sequence at line 11 column 4"
        );
        let dup = parse_mapping("a: 1\na: 2", 1).unwrap_err();
        assert_eq!(dup.message, "duplicate entry with key \"a\"");
        assert_eq!(dup.line, Some(1), "the mapping that holds the duplicate");
    }

    #[test]
    fn many_aliases_are_refused_before_expansion_and_a_few_are_fine() {
        let few = "base: &b {x: 1}\none: *b\ntwo: [*b, *b]\nnote: 'a *star in text'\n";
        // Three aliases, and the asterisk in the quoted text counts too: harmless below the limit.
        assert_eq!(alias_count(few), 4);
        assert_eq!(parse_mapping(few, 1).unwrap()["two"][1]["x"], 1);
        let mut bomb = String::from("a: &a [x, x]\n");
        for (name, prev) in [("b", "a"), ("c", "b"), ("d", "c"), ("e", "d")] {
            bomb.push_str(&format!(
                "{name}: &{name} [{}]\n",
                vec![format!("*{prev}"); 9].join(",")
            ));
        }
        assert_eq!(
            parse_mapping(&bomb, 1).unwrap_err().message,
            "36 YAML aliases (*name), more than the 32 allowed; aliases can expand exponentially"
        );
    }

    #[test]
    fn empty_is_an_empty_mapping() {
        assert!(parse_mapping("\n", 1).unwrap().is_empty());
    }
}
