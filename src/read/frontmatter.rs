//! Splitting a file into YAML front matter and body, and typing the fields newsidx knows.
//! Jekyll and Hexo both write `---` fences; scrapers add BOMs, CRLF (handled by `decode`) and
//! blank lines before the opening fence, so those are tolerated here.

use serde_json::{Map, Value};

use crate::error::Rejection;
use crate::read::yaml;

/// A file cut at its front-matter fences.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split<'a> {
    pub yaml: &'a str,
    /// Line number (1-based) in the file of the first YAML line, for error messages.
    pub yaml_line: usize,
    pub body: &'a str,
}

/// True when the text (after a BOM and blank lines) opens with a `---` fence.
pub fn starts_with_front_matter(text: &str) -> bool {
    first_content_line(text).is_some_and(|(_, line)| is_fence(line))
}

/// Cuts the front matter off. `Ok(None)` when there is none; an error when a fence opens and
/// never closes, since guessing where it should have closed would index YAML as body text.
pub fn split(text: &str) -> Result<Option<Split<'_>>, Rejection> {
    let Some((open_at, open_line)) = first_content_line(text) else {
        return Ok(None);
    };
    if !is_fence(open_line) {
        return Ok(None);
    }
    let yaml_start = open_at + open_line.len() + 1;
    let opening_line_number = text[..open_at].matches('\n').count() + 1;
    let mut at = yaml_start.min(text.len());
    while at < text.len() {
        let line_end = text[at..].find('\n').map_or(text.len(), |i| at + i);
        let line = &text[at..line_end];
        if is_fence(line) || line.trim_end() == "..." {
            let body_start = (line_end + 1).min(text.len());
            return Ok(Some(Split {
                yaml: &text[yaml_start.min(at)..at],
                yaml_line: opening_line_number + 1,
                body: &text[body_start..],
            }));
        }
        at = line_end + 1;
    }
    Err(Rejection::UnterminatedFrontMatter {
        line: opening_line_number,
    })
}

fn is_fence(line: &str) -> bool {
    line.trim_end() == "---"
}

/// Byte offset and text of the first line that is not blank, skipping a BOM.
fn first_content_line(text: &str) -> Option<(usize, &str)> {
    let mut at = if text.starts_with('\u{FEFF}') { 3 } else { 0 };
    while at < text.len() {
        let end = text[at..].find('\n').map_or(text.len(), |i| at + i);
        let line = &text[at..end];
        if !line.trim().is_empty() {
            return Some((at, line));
        }
        at = end + 1;
    }
    None
}

/// The fields newsidx understands, typed; everything else is kept in `extra`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FrontMatter {
    pub title: Option<String>,
    /// Raw date text; `pubdate` parses it so that a bad date is a warning, not a rejection.
    pub date: Option<String>,
    pub categories: Vec<String>,
    pub tags: Vec<String>,
    pub author: Option<String>,
    pub source: Option<String>,
    pub url: Option<String>,
    pub image: Option<String>,
    pub extra: Map<String, Value>,
    /// Oddities that did not stop the file (a numeric title, ...).
    pub warnings: Vec<String>,
}

const DATE_KEYS: &[&str] = &["date", "published", "pubdate", "publish_date"];
const URL_KEYS: &[&str] = &["url", "link", "permalink"];
const IMAGE_KEYS: &[&str] = &["headimg", "thumbnail", "cover", "image"];

impl FrontMatter {
    /// Types a front-matter block. Wrong shapes for known fields are rejections naming the
    /// field, what was expected and what was found.
    /// `first_line` is the file line of the YAML's first line, so errors name file lines.
    pub fn parse(yaml_text: &str, first_line: usize) -> Result<FrontMatter, Rejection> {
        let mut map = yaml::parse_mapping(yaml_text, first_line).map_err(|e| {
            Rejection::Yaml(match (e.line, e.column) {
                (Some(line), Some(column)) => format!("line {line} column {column}: {}", e.message),
                _ => e.message,
            })
        })?;
        let mut fm = FrontMatter::default();
        if let Some(found @ (Value::Number(_) | Value::Bool(_))) = map.get("title") {
            fm.warnings.push(format!(
                "title: expected text, found {}; using it as text",
                yaml::kind(found)
            ));
        }
        fm.title = take_scalar(&mut map, "title")?;
        for key in DATE_KEYS {
            if let Some(date) = take_scalar(&mut map, key)? {
                fm.date.get_or_insert(date);
            }
        }
        fm.categories = take_list(&mut map, "categories")?;
        fm.categories.extend(take_list(&mut map, "category")?);
        fm.tags = take_list(&mut map, "tags")?;
        fm.tags.extend(take_list(&mut map, "tag")?);
        let authors = take_list(&mut map, "author")?;
        fm.author = (!authors.is_empty()).then(|| authors.join(", "));
        fm.source = take_scalar(&mut map, "source")?;
        fm.url = take_first(&mut map, URL_KEYS)?;
        fm.image = take_first(&mut map, IMAGE_KEYS)?;
        fm.extra = map;
        Ok(fm)
    }
}

/// A scalar field as trimmed text; numbers and booleans are written as YAML wrote them.
/// Empty strings and nulls count as absent.
fn take_scalar(map: &mut Map<String, Value>, key: &str) -> Result<Option<String>, Rejection> {
    let text = match map.remove(key) {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::String(s)) => s,
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::Bool(b)) => b.to_string(),
        Some(other) => {
            return Err(Rejection::FieldType {
                field: key.to_string(),
                expected: "a single value",
                found: yaml::kind(&other),
            });
        }
    };
    let text = text.trim();
    Ok((!text.is_empty()).then(|| text.to_string()))
}

/// The first of several synonymous keys that has a value; the others stay in `extra`, so a
/// `thumbnail` that differs from `headimg` is not lost.
fn take_first(map: &mut Map<String, Value>, keys: &[&str]) -> Result<Option<String>, Rejection> {
    for key in keys {
        if map.contains_key(*key)
            && let Some(value) = take_scalar(map, key)?
        {
            return Ok(Some(value));
        }
    }
    Ok(None)
}

/// A list field; a scalar is a list of one.
fn take_list(map: &mut Map<String, Value>, key: &str) -> Result<Vec<String>, Rejection> {
    let items = match map.remove(key) {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Array(items)) => items,
        Some(scalar) => vec![scalar],
    };
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        let text = match item {
            Value::Null => continue,
            Value::String(s) => s,
            Value::Number(n) => n.to_string(),
            Value::Bool(b) => b.to_string(),
            other => {
                return Err(Rejection::FieldType {
                    field: key.to_string(),
                    expected: "a list of text values",
                    found: yaml::kind(&other),
                });
            }
        };
        let text = text.trim();
        if !text.is_empty() {
            out.push(text.to_string());
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_tolerates_bom_and_blank_lines_before_the_fence() {
        let text = "\u{FEFF}\n  \n---\ntitle: a\n---\nbody\n";
        let split = split(text).unwrap().unwrap();
        assert_eq!(split.yaml, "title: a\n");
        assert_eq!(split.yaml_line, 4);
        assert_eq!(split.body, "body\n");
    }

    #[test]
    fn split_accepts_trailing_spaces_and_dots_fence() {
        let split = split("--- \ntitle: a\n...\nbody").unwrap().unwrap();
        assert_eq!((split.yaml, split.body), ("title: a\n", "body"));
    }

    #[test]
    fn no_front_matter() {
        assert_eq!(split("# Heading\n\ntext").unwrap(), None);
        assert_eq!(split("").unwrap(), None);
        assert!(!starts_with_front_matter("<html>"));
        assert!(starts_with_front_matter("\n\n---\n"));
    }

    #[test]
    fn unterminated_front_matter_names_the_opening_line() {
        assert_eq!(
            split("\n\n---\ntitle: a\nbody").unwrap_err(),
            Rejection::UnterminatedFrontMatter { line: 3 }
        );
    }

    #[test]
    fn only_front_matter_has_an_empty_body() {
        let split = split("---\ntitle: a\n---").unwrap().unwrap();
        assert_eq!((split.yaml, split.body), ("title: a\n", ""));
    }

    #[test]
    fn typed_fields_and_extra() {
        let fm = FrontMatter::parse(
            "layout: post\ntitle: \"支付\"\ndate: 2022-01-27 12:15:04 +0800\ncategories: hongxing\n\
             tags:\n - a\n - b\nauthor: ZAKER\nheadimg: 'http://img'\nthumbnail: 'http://thumb'\n\
             link: http://x\ncomments: false\n",
            2,
        )
        .unwrap();
        assert_eq!(fm.title.as_deref(), Some("支付"));
        assert_eq!(fm.date.as_deref(), Some("2022-01-27 12:15:04 +0800"));
        assert_eq!(fm.categories, vec!["hongxing"]);
        assert_eq!(fm.tags, vec!["a", "b"]);
        assert_eq!(fm.author.as_deref(), Some("ZAKER"));
        assert_eq!(fm.image.as_deref(), Some("http://img"));
        assert_eq!(fm.url.as_deref(), Some("http://x"));
        assert_eq!(
            serde_json::Value::Object(fm.extra),
            serde_json::json!({"layout": "post", "comments": false, "thumbnail": "http://thumb"})
        );
    }

    #[test]
    fn yaml_errors_name_the_file_line() {
        assert_eq!(
            FrontMatter::parse("title: a\n\tdate: b\n", 5)
                .unwrap_err()
                .to_string(),
            "front matter: line 6 column 1: found a tab character that violates indentation, while scanning a plain scalar at line 5 column 8"
        );
    }

    #[test]
    fn empty_title_and_date_are_absent() {
        let fm = FrontMatter::parse("title: \"\"\ndate:  +0800\n", 2).unwrap();
        assert_eq!(fm.title, None);
        assert_eq!(fm.date.as_deref(), Some("+0800"));
    }

    #[test]
    fn a_numeric_title_is_text_with_a_warning() {
        let fm = FrontMatter::parse("title: 2022\n", 2).unwrap();
        assert_eq!(fm.title.as_deref(), Some("2022"));
        assert_eq!(
            fm.warnings,
            vec!["title: expected text, found a number; using it as text"]
        );
    }

    #[test]
    fn wrong_shapes_name_the_field() {
        assert_eq!(
            FrontMatter::parse("title:\n - a\n - b", 2)
                .unwrap_err()
                .to_string(),
            "front matter: field 'title': expected a single value, found a list"
        );
        assert_eq!(
            FrontMatter::parse("tags:\n - {a: 1}", 2)
                .unwrap_err()
                .to_string(),
            "front matter: field 'tags': expected a list of text values, found a mapping"
        );
    }
}
