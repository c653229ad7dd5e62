//! Output. Article text is untrusted: anything printed to a terminal goes through
//! [`terminal_safe`] so a title cannot carry escape sequences that rewrite the user's screen;
//! JSON output relies on JSON's own escaping.

use std::fmt::Write as _;

use serde_json::{Value, json};

use crate::ingest::{Event, IngestReport};
use crate::search::snippet::Snippet;
use crate::search::{EntityCounts, Hit, SearchResults};

/// Replaces control characters (C0, DEL, C1) and bidirectional overrides with U+FFFD, and line
/// breaks with spaces.
pub fn terminal_safe(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\n' | '\r' | '\t' => ' ',
            c if c.is_control() => '\u{FFFD}',
            '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' => '\u{FFFD}',
            c => c,
        })
        .collect()
}

/// The snippet as HTML-escaped text with `<b>` around matches (the `--json` contract).
pub fn snippet_html(snippet: &Snippet) -> String {
    let mut out = String::with_capacity(snippet.text.len() + 16);
    let mut at = 0;
    for h in &snippet.highlights {
        escape_html_into(&mut out, snippet.text.get(at..h.start).unwrap_or(""));
        out.push_str("<b>");
        escape_html_into(&mut out, snippet.text.get(h.clone()).unwrap_or(""));
        out.push_str("</b>");
        at = h.end;
    }
    escape_html_into(&mut out, snippet.text.get(at..).unwrap_or(""));
    out
}

fn escape_html_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

const BOLD: &str = "\x1b[1m";
const MATCH: &str = "\x1b[1;31m";
const DIM: &str = "\x1b[2m";
const RESET: &str = "\x1b[0m";

fn snippet_terminal(snippet: &Snippet, color: bool) -> String {
    if !color {
        return terminal_safe(&snippet.text);
    }
    let mut out = String::new();
    let mut at = 0;
    for h in &snippet.highlights {
        out.push_str(&terminal_safe(snippet.text.get(at..h.start).unwrap_or("")));
        out.push_str(MATCH);
        out.push_str(&terminal_safe(snippet.text.get(h.clone()).unwrap_or("")));
        out.push_str(RESET);
        at = h.end;
    }
    out.push_str(&terminal_safe(snippet.text.get(at..).unwrap_or("")));
    out
}

/// Human-readable results: rank, date, title, path, snippet; a count line at the end.
pub fn search_text(results: &SearchResults, color: bool) -> String {
    let mut out = String::new();
    let paint = |code: &str, text: &str| {
        if color {
            format!("{code}{text}{RESET}")
        } else {
            text.to_string()
        }
    };
    for (rank, hit) in results.hits.iter().enumerate() {
        let date = hit.published.map_or_else(
            || "----------".to_string(),
            |d| d.format("%Y-%m-%d").to_string(),
        );
        let _ = writeln!(
            out,
            "{:>2}. {}  {}",
            rank + 1,
            date,
            paint(BOLD, &terminal_safe(&hit.title))
        );
        let _ = writeln!(out, "    {}", paint(DIM, &terminal_safe(&hit.path)));
        let _ = writeln!(out, "    {}", snippet_terminal(&hit.snippet, color));
    }
    let _ = writeln!(
        out,
        "{} of {} hits ({} ms)",
        results.hits.len(),
        results.total,
        results.took_ms
    );
    out
}

/// The `--json` object: `{"query", "total", "took_ms", "hits": [...]}`.
pub fn search_json(results: &SearchResults) -> Value {
    json!({
        "query": results.query,
        "total": results.total,
        "took_ms": results.took_ms,
        "hits": results.hits.iter().map(hit_json).collect::<Vec<_>>(),
    })
}

fn hit_json(hit: &Hit) -> Value {
    json!({
        "path": hit.path,
        "title": hit.title,
        "published": hit.published.map(|d| d.to_rfc3339()),
        "score": hit.score,
        "snippet": snippet_html(&hit.snippet),
        "author": hit.author,
        "source": hit.source,
        "editor": hit.editor,
        "site": hit.site,
        "categories": hit.categories,
        "tags": hit.tags,
        "entities": hit.entities,
    })
}

/// The `entities` command as text: rank, type, name, document count.
pub fn entities_text(counts: &EntityCounts) -> String {
    let mut out = String::new();
    for (rank, e) in counts.entities.iter().enumerate() {
        let _ = writeln!(
            out,
            "{:>3}. {:<8}{}  {} documents",
            rank + 1,
            e.kind.as_str(),
            terminal_safe(&e.name),
            e.documents
        );
    }
    let _ = writeln!(
        out,
        "{} entities from {} documents ({} ms)",
        counts.entities.len(),
        counts.total,
        counts.took_ms
    );
    out
}

/// The `entities --json` object: `{"total", "took_ms", "entities": [{"name", "type", "documents"}]}`.
pub fn entities_json(counts: &EntityCounts) -> Value {
    json!({
        "total": counts.total,
        "took_ms": counts.took_ms,
        "entities": counts.entities.iter().map(|e| json!({
            "name": e.name,
            "type": e.kind.as_str(),
            "documents": e.documents,
        })).collect::<Vec<_>>(),
    })
}

/// The one summary line of an ingest:
/// `1,234 files: 12 added, 3 updated, 2 deleted, 1,215 unchanged, 1 rejected (4 earlier), 1 skipped; 1,232 documents; 0.41 s`.
pub fn ingest_summary(report: &IngestReport) -> String {
    let n = thousands;
    format!(
        "{} files: {} added, {} updated, {} deleted, {} unchanged, {} rejected ({} earlier), \
         {} skipped; {} documents; {:.2} s",
        n(report.seen as u64),
        n(report.added as u64),
        n(report.updated as u64),
        n(report.deleted as u64),
        n(report.unchanged as u64),
        n(report.rejected as u64),
        n(report.rejected_earlier as u64),
        n(report.skipped as u64),
        n(report.total),
        report.seconds
    )
}

/// `--log-format json`: the summary as an event line.
pub fn ingest_summary_json(report: &IngestReport) -> Value {
    let mut value = serde_json::to_value(report).unwrap_or(Value::Null);
    if let Value::Object(map) = &mut value {
        map.insert("event".into(), json!("summary"));
    }
    value
}

/// An ingest event as a line of text for stderr; `None` for events that are not printed.
pub fn ingest_event_text(event: &Event) -> Option<String> {
    match event {
        Event::Rejected { path, reason } => Some(format!("{path}: {reason}")),
        Event::Warning { path, message } => Some(format!("{path}: warning: {message}")),
        Event::Reparse { reason, files } => Some(format!(
            "{reason}: re-parsing {} files",
            thousands(*files as u64)
        )),
        Event::Checkpoint { files_done, files } => Some(format!(
            "checkpoint: {} of {} files committed",
            thousands(*files_done as u64),
            thousands(*files as u64)
        )),
        Event::Done => None,
    }
}

/// An ingest event as one JSON object (`--log-format json`).
pub fn ingest_event_json(event: &Event) -> Value {
    match event {
        Event::Rejected { path, reason } => {
            json!({"event": "rejected", "path": path, "reason": reason})
        }
        Event::Warning { path, message } => {
            json!({"event": "warning", "path": path, "message": message})
        }
        Event::Reparse { reason, files } => {
            json!({"event": "reparse", "reason": reason, "files": files})
        }
        Event::Checkpoint { files_done, files } => {
            json!({"event": "checkpoint", "files_done": files_done, "files": files})
        }
        Event::Done => json!({"event": "done"}),
    }
}

/// `1234567` as `1,234,567`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ingest_summary_line() {
        let report = IngestReport {
            seen: 1234,
            added: 12,
            updated: 3,
            deleted: 2,
            unchanged: 1215,
            rejected: 1,
            rejected_earlier: 4,
            skipped: 1,
            total: 1232,
            seconds: 0.41,
            ..IngestReport::default()
        };
        assert_eq!(
            ingest_summary(&report),
            "1,234 files: 12 added, 3 updated, 2 deleted, 1,215 unchanged, 1 rejected (4 earlier), \
             1 skipped; 1,232 documents; 0.41 s"
        );
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000), "1,000");
        assert_eq!(thousands(12_345_678), "12,345,678");
    }

    #[test]
    fn terminal_safe_neutralises_escapes_and_bidi() {
        assert_eq!(
            terminal_safe("a\x1b[2Jb\u{9b}c\u{202E}d\ne"),
            "a\u{FFFD}[2Jb\u{FFFD}c\u{FFFD}d e"
        );
    }

    #[test]
    fn snippet_html_escapes_and_marks() {
        let s = Snippet {
            text: "<微信>支付&".into(),
            highlights: std::iter::once(8..14).collect(),
        };
        assert_eq!(snippet_html(&s), "&lt;微信&gt;<b>支付</b>&amp;");
    }

    #[test]
    fn coloured_snippet_sanitises_inside_highlights() {
        let s = Snippet {
            text: "x\x1by".into(),
            highlights: std::iter::once(1..2).collect(),
        };
        assert_eq!(snippet_terminal(&s, true), "x\x1b[1;31m\u{FFFD}\x1b[0my");
        assert_eq!(snippet_terminal(&s, false), "x\u{FFFD}y");
    }
}
