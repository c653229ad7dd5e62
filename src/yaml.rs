//! The only module that names the YAML crate. serde_yaml is deprecated upstream; a drop-in fork
//! (serde_yml, serde_norway) replaces it by changing the one `use` line below.

use serde_json::{Map, Value};
use serde_yaml as yaml_crate;

/// Parses YAML that must be a mapping, into JSON values so the rest of the crate never sees
/// YAML types. Errors are plain sentences with the line and column the parser reports.
pub fn parse_mapping(text: &str) -> Result<Map<String, Value>, String> {
    if text.trim().is_empty() {
        return Ok(Map::new());
    }
    let value: yaml_crate::Value = yaml_crate::from_str(text).map_err(|e| e.to_string())?;
    match to_json(value) {
        Value::Object(map) => Ok(map),
        Value::Null => Ok(Map::new()),
        other => Err(format!(
            "expected a mapping of 'key: value' lines, found {}",
            kind(&other)
        )),
    }
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
        let map =
            parse_mapping("title: '支付'\ncategories:\n - 新闻\n - 科技\ncomments: false\nn: 3")
                .unwrap();
        assert_eq!(map["title"], "支付");
        assert_eq!(map["categories"], serde_json::json!(["新闻", "科技"]));
        assert_eq!(map["comments"], false);
        assert_eq!(map["n"], 3);
    }

    #[test]
    fn dates_stay_strings() {
        let map = parse_mapping("date: 2021-12-08 10:18:31\nd2: 2022-01-27").unwrap();
        assert_eq!(map["date"], "2021-12-08 10:18:31");
        assert_eq!(map["d2"], "2022-01-27");
    }

    #[test]
    fn non_mappings_and_bad_yaml_are_errors() {
        assert_eq!(
            parse_mapping("- a\n- b").unwrap_err(),
            "expected a mapping of 'key: value' lines, found a list"
        );
        assert!(parse_mapping("title: [unclosed").is_err());
        assert!(
            parse_mapping("a: 1\na: 2")
                .unwrap_err()
                .contains("duplicate")
        );
    }

    #[test]
    fn empty_is_an_empty_mapping() {
        assert!(parse_mapping("\n").unwrap().is_empty());
    }
}
