//! Publication data that pages embed for their own scripts: `var pubtime = '…'`,
//! `"publishTime": 1637812345`, `window.__STATE__ = {"article": {"datePublished": …}}`, and
//! attributes such as `data-ptime="…"` on the article container.
//!
//! Many pages show only `昨天` or a date without a year, or render the date line by script,
//! while the page source still holds the exact time. Such fields are read here, with two
//! cautions: a field inside an array belongs to a list (related articles, comments, a feed),
//! not to the article; and fields named for updates or creation are kept apart, since they are
//! only a fallback.

use scraper::Html;

use super::{in_negative_area, normalise_date_value};
use crate::read::pubdate;

/// The first value of each kind of embedded time field, normalised like a meta value.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(super) struct Embedded {
    pub published: Option<String>,
    pub updated: Option<String>,
    pub created: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Published,
    Updated,
    Created,
}

impl Embedded {
    /// Scripts and `data-*` attributes of the whole page, in document order.
    pub(super) fn collect(doc: &Html) -> Embedded {
        let mut found = Embedded::default();
        for node in doc.tree.nodes() {
            let Some(el) = node.value().as_element() else {
                continue;
            };
            if el.name() == "script" {
                let mut text = String::new();
                for child in node.children() {
                    if let Some(t) = child.value().as_text() {
                        text.push_str(t);
                    }
                }
                scan_script(&text, &mut found);
                continue;
            }
            for (name, value) in el.attrs() {
                let Some(kind) = name.strip_prefix("data-").and_then(kind_of_key) else {
                    continue;
                };
                if !in_negative_area(node, false) {
                    found.offer(kind, value);
                }
            }
        }
        found
    }

    fn offer(&mut self, kind: Kind, raw: &str) {
        let slot = match kind {
            Kind::Published => &mut self.published,
            Kind::Updated => &mut self.updated,
            Kind::Created => &mut self.created,
        };
        if slot.is_none() {
            *slot = date_value(raw);
        }
    }

    /// The update or creation time, for pages that give nothing better.
    pub(super) fn fallback(&self) -> Option<String> {
        self.updated.clone().or_else(|| self.created.clone())
    }
}

/// Which kind of time a field name stands for, judged from its letters only
/// (`publish_time`, `publishTime`, `__$pubtime`, `datePublished`, `data-ptime`).
fn kind_of_key(key: &str) -> Option<Kind> {
    let k: String = key
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_ascii_lowercase();
    if k.contains("update") || k.contains("modif") || k.contains("edittime") {
        return Some(Kind::Updated);
    }
    let published = (k.contains("publish") && !k.contains("publisher"))
        || k.contains("pubtime")
        || k.contains("pubdate")
        || k == "ptime"
        || k.contains("newstime")
        || k.contains("releasetime")
        || k.contains("releasedate");
    if published {
        return Some(Kind::Published);
    }
    (k.contains("createtime") || k.contains("createdat") || k.contains("createdate"))
        .then_some(Kind::Created)
}

/// A date string or a Unix timestamp (seconds or milliseconds).
fn date_value(raw: &str) -> Option<String> {
    let v = raw.trim();
    if v.chars().all(|c| c.is_ascii_digit()) {
        return pubdate::from_unix_timestamp(v);
    }
    normalise_date_value(v)
}

/// Longest value text considered after a key: a date with time and zone, or a timestamp.
const MAX_VALUE: usize = 40;

/// One pass over a script: strings and identifiers that are followed by `:` or `=` are keys;
/// `[`/`]` outside strings track whether the key sits inside an array. Comments are skipped.
/// Unusual syntax (regular expressions with quotes) can only make fields be missed.
fn scan_script(text: &str, found: &mut Embedded) {
    let b = text.as_bytes();
    let mut i = 0;
    let mut array_depth = 0usize;
    while i < b.len() {
        let c = b[i];
        let key_end = match c {
            b'"' | b'\'' | b'`' => {
                let end = string_end(b, i);
                let key = text.get(i + 1..end.saturating_sub(1)).unwrap_or("");
                consider(text, key, end, array_depth, found);
                i = end;
                continue;
            }
            b'[' => {
                array_depth += 1;
                None
            }
            b']' => {
                array_depth = array_depth.saturating_sub(1);
                None
            }
            b'/' if b.get(i + 1) == Some(&b'/') => {
                i = find_from(b, i, b"\n").unwrap_or(b.len());
                continue;
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i = find_from(b, i + 2, b"*/").map_or(b.len(), |e| e + 2);
                continue;
            }
            c if c.is_ascii_alphabetic() || c == b'_' || c == b'$' => {
                let mut j = i + 1;
                while j < b.len() && (b[j].is_ascii_alphanumeric() || matches!(b[j], b'_' | b'$')) {
                    j += 1;
                }
                Some(j)
            }
            _ => None,
        };
        match key_end {
            Some(end) => {
                let key = text.get(i..end).unwrap_or("");
                consider(text, key, end, array_depth, found);
                i = end;
            }
            None => i += 1,
        }
    }
}

/// Index just past the closing quote of the string opening at `start` (or the text's end).
fn string_end(b: &[u8], start: usize) -> usize {
    let quote = b[start];
    let mut j = start + 1;
    while j < b.len() {
        match b[j] {
            b'\\' => j += 2,
            c if c == quote => return j + 1,
            b'\n' if quote != b'`' => return j + 1,
            _ => j += 1,
        }
    }
    b.len()
}

fn find_from(b: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    b.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

/// When `key` (ending at `end`) names a time field outside any array and is assigned a value,
/// offers the value.
fn consider(text: &str, key: &str, end: usize, array_depth: usize, found: &mut Embedded) {
    if array_depth > 0 || key.len() > 40 {
        return;
    }
    let Some(kind) = kind_of_key(key) else {
        return;
    };
    if let Some(value) = assigned_value(text, end) {
        found.offer(kind, value);
    }
}

/// The literal after `: ` or ` = ` (quoted or bare), or `None` when the key is not assigned.
fn assigned_value(text: &str, end: usize) -> Option<&str> {
    let rest = text.get(end..)?;
    let rest = rest.trim_start_matches([' ', '\t']);
    let rest = match rest.strip_prefix(':') {
        Some(r) => r,
        None => {
            let r = rest.strip_prefix('=')?;
            if r.starts_with(['=', '>']) {
                return None;
            }
            r
        }
    };
    let rest = rest.trim_start();
    let (rest, quote) = match rest.chars().next() {
        Some(q @ ('"' | '\'')) => (&rest[1..], Some(q)),
        _ => (rest, None),
    };
    let stop = |c: char| match quote {
        Some(q) => c == q || c == '\n',
        None => matches!(c, ',' | '}' | ';' | ')' | '\n' | ' '),
    };
    let len = rest.find(stop).unwrap_or(rest.len());
    rest.get(..len)
        .filter(|v| !v.is_empty() && v.len() <= MAX_VALUE)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan(script: &str) -> Embedded {
        let mut found = Embedded::default();
        scan_script(script, &mut found);
        found
    }

    #[test]
    fn script_variables_and_json_fields_are_read() {
        assert_eq!(
            scan("var __$pubtime='2021-03-04 09:15:00';")
                .published
                .as_deref(),
            Some("2021-03-04 09:15:00")
        );
        assert_eq!(
            scan(r#"window.DATA = {"title": "x", "publishTime": 1614820500};"#)
                .published
                .as_deref(),
            Some("2021-03-04T09:15:00+08:00")
        );
        assert_eq!(
            scan("config = { publish_time: '2021-03-04 09:15' }")
                .published
                .as_deref(),
            Some("2021-03-04 09:15")
        );
    }

    #[test]
    fn fields_of_list_entries_do_not_count() {
        let found = scan(
            r#"var state = {"related": [{"title": "旧闻", "pubtime": "2020-01-01 08:00"}],
                "article": {"pubtime": "2021-03-04 09:15"}};"#,
        );
        assert_eq!(found.published.as_deref(), Some("2021-03-04 09:15"));
    }

    #[test]
    fn updates_and_creation_are_kept_apart() {
        let found = scan(r#"{"updateTime": "2021-03-05 10:00", "createTime": "2021-03-03 08:00"}"#);
        assert_eq!(found.published, None);
        assert_eq!(found.updated.as_deref(), Some("2021-03-05 10:00"));
        assert_eq!(found.fallback().as_deref(), Some("2021-03-05 10:00"));
    }

    #[test]
    fn comparisons_strings_and_comments_are_not_assignments() {
        let found = scan(
            "if (pubtime == '2020-01-01') {}\n// pubtime = '2020-02-02'\n/* ptime: '2020-03-03' */\
             var s = \"pubtime: 2020-04-04\";",
        );
        assert_eq!(found, Embedded::default());
    }

    #[test]
    fn data_attributes_count_outside_page_chrome() {
        let doc = Html::parse_document(
            "<div class='related'><a data-ptime='2020-01-01 08:00'>旧闻</a></div>\
             <div id='main' data-ptime='2021-03-04 09:15:30'>正文</div>",
        );
        assert_eq!(
            Embedded::collect(&doc).published.as_deref(),
            Some("2021-03-04 09:15:30")
        );
    }
}
