//! Output. Article text is untrusted: anything printed to a terminal goes through
//! [`terminal_safe`] so a title cannot carry escape sequences that rewrite the user's screen;
//! JSON output relies on JSON's own escaping.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;
use serde_json::{Value, json};

use crate::analyse::TextField;
use crate::ingest::{Event, IngestReport};
use crate::search::article::{Mark, Segment, StoredArticle, segments};
use crate::search::duplicates::{ArticleRef, Clusters};
use crate::search::facets::FacetValue;
use crate::search::similar::SimilarResults;
use crate::search::snippet::Snippet;
use crate::search::stats::Stats;
use crate::search::{EntityCounts, Facets, Hit, SearchResults};

mod trends;
pub use trends::{bar, terms_json, terms_text, trends_csv, trends_json, trends_text};

/// Replaces control characters (C0, DEL, C1) and bidirectional overrides with U+FFFD, and line
/// breaks with spaces.
pub fn terminal_safe(text: &str) -> String {
    text.chars().map(safe_char).collect()
}

fn safe_char(c: char) -> char {
    match c {
        '\n' | '\r' | '\t' => ' ',
        c if c.is_control() => '\u{FFFD}',
        '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' => '\u{FFFD}',
        c => c,
    }
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

/// How human output may decorate text: colour, OSC 8 hyperlinks, and the line width.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Style {
    pub color: bool,
    pub hyperlinks: bool,
    /// Terminal columns; CJK characters take two.
    pub width: usize,
}

impl Default for Style {
    fn default() -> Self {
        Style {
            color: false,
            hyperlinks: false,
            width: 100,
        }
    }
}

/// Display width in terminal columns (East Asian wide characters count two).
pub fn display_width(text: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(text)
}

/// `text` cut to at most `width` columns, with `…` when cut.
pub fn fit(text: &str, width: usize) -> String {
    if display_width(text) <= width {
        return text.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out
}

/// `text` padded with spaces to `width` columns (cut first when longer).
pub fn pad(text: &str, width: usize) -> String {
    let fitted = fit(text, width);
    let fill = width.saturating_sub(display_width(&fitted));
    format!("{fitted}{}", " ".repeat(fill))
}

/// A terminal hyperlink (OSC 8) to a file; plain text when links are off.
fn file_link(path: &str, shown: &str, style: &Style) -> String {
    if !style.hyperlinks {
        return shown.to_string();
    }
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.into());
    let mut url = String::from("file://");
    for b in absolute.to_string_lossy().bytes() {
        if b.is_ascii_alphanumeric() || b"/-_.~".contains(&b) {
            url.push(char::from(b));
        } else {
            url.push_str(&format!("%{b:02X}"));
        }
    }
    format!("\x1b]8;;{url}\x1b\\{shown}\x1b]8;;\x1b\\")
}

/// The snippet wrapped to `width` columns in at most `lines` lines, each after `indent`,
/// highlights painted when colour is on.
fn snippet_lines(snippet: &Snippet, style: &Style, indent: &str, lines: usize) -> String {
    let width = style.width.saturating_sub(display_width(indent)).max(20);
    let mut out = String::from(indent);
    let (mut column, mut line) = (0, 1);
    let mut lit = false;
    for (at, c) in snippet.text.char_indices() {
        let c = safe_char(c);
        let inside = snippet.highlights.iter().any(|h| h.contains(&at));
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if column + w > width {
            if line == lines {
                out.push('…');
                break;
            }
            if lit {
                out.push_str(RESET);
            }
            out.push('\n');
            out.push_str(indent);
            lit = false;
            column = 0;
            line += 1;
            if c == ' ' {
                continue;
            }
        }
        if style.color && inside != lit {
            out.push_str(if inside { MATCH } else { RESET });
            lit = inside;
        }
        out.push(c);
        column += w;
    }
    if lit {
        out.push_str(RESET);
    }
    out
}

/// Human-readable results: the partial-match notice, then per hit a line of rank, date, source
/// and title (aligned columns), the path (a hyperlink on terminals) and the best snippet; then
/// the facet table, if asked for, and a footer with the page, the total and the time.
pub fn search_text(results: &SearchResults, style: &Style) -> String {
    let mut out = String::new();
    if results.partial {
        let _ = writeln!(out, "{PARTIAL_NOTICE}");
    }
    let paint = |code: &str, text: &str| {
        if style.color {
            format!("{code}{text}{RESET}")
        } else {
            text.to_string()
        }
    };
    let last_rank = results.offset + results.hits.len();
    let rank_width = last_rank.to_string().len().max(2);
    let source_width = results
        .hits
        .iter()
        .filter_map(|h| h.source.as_deref())
        .map(|s| display_width(&terminal_safe(s)))
        .max()
        .map(|w| w.min(MAX_SOURCE_COLUMNS));
    let indent = " ".repeat(rank_width + 2);
    for (i, hit) in results.hits.iter().enumerate() {
        let date = hit.published.map_or_else(
            || "----------".to_string(),
            |d| d.format("%Y-%m-%d").to_string(),
        );
        let mut head = format!("{:>rank_width$}. {date}  ", results.offset + i + 1);
        if let Some(w) = source_width {
            head.push_str(&pad(&terminal_safe(hit.source.as_deref().unwrap_or("")), w));
            head.push_str("  ");
        }
        let similar = match hit.duplicates.len() {
            0 => String::new(),
            n => format!("  +{n} similar"),
        };
        let room = style
            .width
            .saturating_sub(display_width(&head) + similar.len())
            .max(10);
        let title = fit(&terminal_safe(&hit.title), room);
        let _ = writeln!(out, "{head}{}{similar}", paint(BOLD, &title));
        let path = terminal_safe(&hit.path);
        let _ = writeln!(
            out,
            "{indent}{}",
            paint(DIM, &file_link(&hit.path, &path, style))
        );
        if !hit.keywords.is_empty() {
            let line = format!("keywords: {}", terminal_safe(&hit.keywords.join(", ")));
            let room = style.width.saturating_sub(indent.len()).max(10);
            let _ = writeln!(out, "{indent}{}", paint(DIM, &fit(&line, room)));
        }
        let _ = writeln!(out, "{}", snippet_lines(&hit.snippet, style, &indent, 2));
    }
    if let Some(facets) = &results.facets {
        out.push_str(&facets_text(facets, style));
    }
    let _ = writeln!(out, "{}", footer(results));
    out
}

/// Said when no document has every word and the hits are the best partial matches.
pub const PARTIAL_NOTICE: &str = "no article has all the words; showing articles with some";

/// Sources wider than this are cut in the aligned column.
const MAX_SOURCE_COLUMNS: usize = 12;

/// `11–20 of 137 articles (3 ms)`.
fn footer(results: &SearchResults) -> String {
    let noun = if results.total == 1 {
        "article"
    } else {
        "articles"
    };
    if results.hits.is_empty() {
        if results.total == 0 {
            return format!("no articles found ({} ms)", results.took_ms);
        }
        return format!(
            "nothing on this page: {} {noun} in all ({} ms)",
            results.total, results.took_ms
        );
    }
    let folded = match results.articles.saturating_sub(results.total) {
        0 => String::new(),
        1 => ", 1 near-duplicate folded in".to_string(),
        n => format!(", {n} near-duplicates folded in"),
    };
    format!(
        "{}–{} of {} {noun}{folded} ({} ms)",
        results.offset + 1,
        results.offset + results.hits.len(),
        results.total,
        results.took_ms
    )
}

/// The facet table: one line per facet (and per entity type), values with their counts.
pub fn facets_text(facets: &Facets, style: &Style) -> String {
    let mut rows: Vec<(String, &[FacetValue])> = vec![
        ("source".into(), &facets.source),
        ("category".into(), &facets.category),
        ("tag".into(), &facets.tag),
        ("month".into(), &facets.month),
    ];
    for (kind, values) in &facets.entity {
        rows.push((kind.as_str().to_string(), values));
    }
    let label_width = 10;
    let mut out = String::from("\n");
    for (label, values) in rows {
        if values.is_empty() {
            continue;
        }
        let mut line = pad(&label, label_width);
        let mut column = label_width;
        for (i, v) in values.iter().enumerate() {
            let item = format!("{} {}", terminal_safe(&v.value), v.count);
            let w = display_width(&item) + 2;
            if i > 0 && column + w > style.width {
                line.push('\n');
                line.push_str(&" ".repeat(label_width));
                column = label_width;
            } else if i > 0 {
                line.push_str("  ");
            }
            line.push_str(&item);
            column += w;
        }
        let _ = writeln!(out, "{line}");
    }
    out.push('\n');
    out
}

/// The `--json` object of `search` and `/api/search`: `{"query", "parsed", "partial",
/// "total", "articles", "offset", "took_ms", "hits", ["facets"]}`, serialised straight from
/// the results, not through a `Value` tree, which cost a served search with facets about a
/// tenth of its CPU. Fields are in alphabetical order, as a `Value` object prints them, so
/// the output is the same.
#[derive(Serialize)]
pub struct SearchJson<'a> {
    articles: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    facets: Option<FacetsJson<'a>>,
    hits: Vec<HitJson<'a>>,
    offset: usize,
    parsed: &'a str,
    partial: bool,
    query: &'a str,
    took_ms: u64,
    total: usize,
}

/// `{"source": [{"value", "count"}], "category", "tag", "month", "entity": {"PER": [...], ...}}`.
#[derive(Serialize)]
struct FacetsJson<'a> {
    category: Vec<ValueJson<'a>>,
    entity: BTreeMap<&'static str, Vec<ValueJson<'a>>>,
    month: Vec<ValueJson<'a>>,
    source: Vec<ValueJson<'a>>,
    tag: Vec<ValueJson<'a>>,
}

#[derive(Serialize)]
struct ValueJson<'a> {
    count: u64,
    value: &'a str,
}

#[derive(Serialize)]
struct HitJson<'a> {
    author: &'a Option<String>,
    categories: &'a [String],
    duplicates: &'a [String],
    editor: &'a Option<String>,
    entities: &'a Value,
    id: &'a str,
    keywords: &'a [String],
    path: &'a str,
    published: Option<String>,
    /// As `f64`, the way a `Value` holds an `f32`, so the digits printed stay the same.
    score: f64,
    site: &'a Option<String>,
    snippet: String,
    source: &'a Option<String>,
    tags: &'a [String],
    title: &'a str,
}

pub fn search_json(results: &SearchResults) -> SearchJson<'_> {
    SearchJson {
        articles: results.articles,
        facets: results.facets.as_ref().map(facets_json),
        hits: results.hits.iter().map(hit_json).collect(),
        offset: results.offset,
        parsed: &results.parsed,
        partial: results.partial,
        query: &results.query,
        took_ms: results.took_ms,
        total: results.total,
    }
}

fn values_json(values: &[FacetValue]) -> Vec<ValueJson<'_>> {
    values
        .iter()
        .map(|v| ValueJson {
            count: v.count,
            value: &v.value,
        })
        .collect()
}

fn facets_json(facets: &Facets) -> FacetsJson<'_> {
    FacetsJson {
        category: values_json(&facets.category),
        entity: facets
            .entity
            .iter()
            .map(|(kind, values)| (kind.as_str(), values_json(values)))
            .collect(),
        month: values_json(&facets.month),
        source: values_json(&facets.source),
        tag: values_json(&facets.tag),
    }
}

fn hit_json(hit: &Hit) -> HitJson<'_> {
    HitJson {
        author: &hit.author,
        categories: &hit.categories,
        duplicates: &hit.duplicates,
        editor: &hit.editor,
        entities: &hit.entities,
        id: &hit.id,
        keywords: &hit.keywords,
        path: &hit.path,
        published: hit.published.map(|d| d.to_rfc3339()),
        score: f64::from(hit.score),
        site: &hit.site,
        snippet: snippet_html(&hit.snippet),
        source: &hit.source,
        tags: &hit.tags,
        title: &hit.title,
    }
}

/// `/api/doc/{id}`: the `inspect` object of a stored article (`id`, `path`, `title`, …, `body`,
/// `dates`, `entities`) plus `title_segments` and `body_segments`, the texts cut into runs
/// `{"text"}`, `{"text", "entity": {"name", "type"}}` or `{"text", "date": {mention}}`.
pub fn article_json(article: &StoredArticle) -> Value {
    let cut = |text: &str, field| {
        segments(text, field, &article.dates, &article.entities)
            .iter()
            .map(segment_json)
            .collect::<Vec<_>>()
    };
    let mut value = serde_json::to_value(article).unwrap_or_else(|_| json!({}));
    if let Value::Object(map) = &mut value {
        let document = &article.document;
        map.insert(
            "title_segments".into(),
            cut(&document.title, TextField::Title).into(),
        );
        map.insert(
            "body_segments".into(),
            cut(&document.body, TextField::Body).into(),
        );
    }
    value
}

fn segment_json(segment: &Segment) -> Value {
    match &segment.mark {
        None => json!({"text": segment.text}),
        Some(Mark::Entity { name, kind }) => {
            json!({"text": segment.text, "entity": {"name": name, "type": kind}})
        }
        Some(Mark::Date(mention)) => json!({"text": segment.text, "date": mention}),
    }
}

/// A byte count as `12.3 MB`.
pub fn human_size(bytes: u64) -> String {
    let units = ["bytes", "KB", "MB", "GB", "TB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < units.len() {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} bytes")
    } else {
        format!("{value:.1} {}", units[unit])
    }
}

/// `newsidx stats` as text.
pub fn stats_text(stats: &Stats) -> String {
    let mut out = String::new();
    let day = |d: &chrono::DateTime<chrono::FixedOffset>| d.format("%Y-%m-%d").to_string();
    let _ = writeln!(out, "{}{}", pad("documents", 13), stats.documents);
    let range = stats.published.map_or_else(
        || "none".to_string(),
        |(a, b)| format!("{} – {}", day(&a), day(&b)),
    );
    let _ = writeln!(out, "{}{range}", pad("published", 13));
    let _ = writeln!(
        out,
        "{}{}",
        pad("index size", 13),
        human_size(stats.size_bytes)
    );
    let last = stats.last_ingest.as_ref().map_or_else(
        || "not recorded".to_string(),
        |l| {
            format!(
                "{}\n{}{}",
                l.finished,
                " ".repeat(13),
                terminal_safe(&l.line)
            )
        },
    );
    let _ = writeln!(out, "{}{last}", pad("last ingest", 13));
    let sections: [(String, &[FacetValue]); 3] = [
        (
            format!(
                "sources ({}, top {})",
                stats.source_count,
                stats.sources.len()
            ),
            &stats.sources,
        ),
        ("months".to_string(), &stats.months),
        ("categories".to_string(), &stats.categories),
    ];
    for (title, values) in sections {
        let _ = writeln!(out, "\n{title}");
        let width = values
            .iter()
            .map(|v| display_width(&terminal_safe(&v.value)))
            .max()
            .unwrap_or(0)
            .min(24);
        for v in values {
            let _ = writeln!(
                out,
                "  {}  {:>5}",
                pad(&terminal_safe(&v.value), width),
                v.count
            );
        }
    }
    out
}

/// `newsidx stats --json`.
pub fn stats_json(stats: &Stats) -> Value {
    json!({
        "documents": stats.documents,
        "published": stats.published.map(|(a, b)| json!({"first": a.to_rfc3339(), "last": b.to_rfc3339()})),
        "source_count": stats.source_count,
        "sources": values_json(&stats.sources),
        "months": values_json(&stats.months),
        "categories": values_json(&stats.categories),
        "size_bytes": stats.size_bytes,
        "last_ingest": stats.last_ingest.as_ref().map(|l| json!({
            "finished": l.finished,
            "summary": l.summary,
        })),
    })
}

/// `2021-11-30  source  title  (path)` for one article in a list.
fn article_line(a: &ArticleRef) -> String {
    let date = a.published.map_or_else(
        || "----------".to_string(),
        |d| d.format("%Y-%m-%d").to_string(),
    );
    let source = a.source.as_deref().unwrap_or("-");
    terminal_safe(&format!("{date}  {source}  {}  ({})", a.title, a.path))
}

/// The `duplicates` command as text: per cluster its size, sources and earliest article, then
/// the other members indented.
pub fn duplicates_text(clusters: &Clusters) -> String {
    let mut out = String::new();
    for (rank, c) in clusters.clusters.iter().enumerate() {
        let sources: Vec<String> = c
            .sources
            .iter()
            .map(|s| format!("{} {}", s.source, s.count))
            .collect();
        let _ = writeln!(
            out,
            "{:>2}. {} articles; sources: {}",
            rank + 1,
            c.size,
            terminal_safe(&sources.join(", "))
        );
        for (i, a) in c.articles.iter().enumerate() {
            let mark = if i == 0 { "first" } else { "     " };
            let _ = writeln!(out, "    {mark} {}", article_line(a));
        }
    }
    let _ = writeln!(
        out,
        "{} of {} clusters, {} articles in clusters ({} ms)",
        clusters.clusters.len(),
        clusters.total,
        clusters.articles,
        clusters.took_ms
    );
    out
}

/// The `duplicates --json` object: `{"total", "articles", "took_ms", "clusters": [{"size",
/// "earliest", "sources": [{"source", "count"}], "articles"}]}`.
pub fn duplicates_json(clusters: &Clusters) -> Value {
    serde_json::to_value(clusters).unwrap_or(Value::Null)
}

/// The `similar` command as text: the article and its keywords, its near-duplicates, then
/// the related articles with their scores and shared keywords.
pub fn similar_text(results: &SimilarResults) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", article_line(&results.article));
    let _ = writeln!(
        out,
        "keywords: {}",
        terminal_safe(&results.keywords.join(", "))
    );
    let _ = writeln!(out, "\nnear-duplicates ({}):", results.duplicates.len());
    for a in &results.duplicates {
        let _ = writeln!(out, "    {}", article_line(a));
    }
    let _ = writeln!(out, "\nsimilar ({}):", results.similar.len());
    for (rank, r) in results.similar.iter().enumerate() {
        let _ = writeln!(
            out,
            "{:>3}. {:.2}  {}",
            rank + 1,
            r.score,
            article_line(&r.article)
        );
        if !r.shared_keywords.is_empty() {
            let shared = terminal_safe(&r.shared_keywords.join(", "));
            let _ = writeln!(out, "     shared: {shared}");
        }
    }
    let _ = writeln!(out, "({} ms)", results.took_ms);
    out
}

/// The `similar --json` object: `{"article", "keywords", "duplicates", "similar": [{"id",
/// "path", "title", "published", "source", "score", "shared_keywords"}], "took_ms"}`.
pub fn similar_json(results: &SimilarResults) -> Value {
    serde_json::to_value(results).unwrap_or(Value::Null)
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
        let color = Style {
            color: true,
            ..Style::default()
        };
        assert_eq!(
            snippet_lines(&s, &color, "", 1),
            "x\x1b[1;31m\u{FFFD}\x1b[0my"
        );
        assert_eq!(snippet_lines(&s, &Style::default(), "", 1), "x\u{FFFD}y");
    }

    #[test]
    fn widths_count_cjk_twice_and_fit_cuts_with_an_ellipsis() {
        assert_eq!(display_width("微信ab"), 6);
        assert_eq!(fit("微信支付淘宝", 7), "微信支…");
        assert_eq!(pad("新华社", 8), "新华社  ");
        assert_eq!(pad("ab", 3), "ab ");
    }

    #[test]
    fn snippets_wrap_at_the_width_and_stop_after_the_last_line() {
        let s = Snippet {
            text: "一二三四五六七八九十".repeat(3),
            highlights: vec![],
        };
        let narrow = Style {
            width: 24,
            ..Style::default()
        };
        assert_eq!(
            snippet_lines(&s, &narrow, "  ", 2),
            "  一二三四五六七八九十一\n  二三四五六七八九十一二…"
        );
    }

    #[test]
    fn hyperlinks_only_when_asked() {
        let on = Style {
            hyperlinks: true,
            ..Style::default()
        };
        assert_eq!(file_link("/a b/c.md", "c", &Style::default()), "c");
        assert_eq!(
            file_link("/a b/c.md", "c", &on),
            "\x1b]8;;file:///a%20b/c.md\x1b\\c\x1b]8;;\x1b\\"
        );
    }
}
