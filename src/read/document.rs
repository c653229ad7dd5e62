//! The assembler: one file's bytes to one [`Document`] (decode, front matter or page, clean to
//! text, publication date, fallbacks). No analysis happens here; `ingest` hands the document's
//! text to `analyse`. Everything is a pure function of the bytes and the options, which is what
//! lets `ingest` skip unchanged files by fingerprint.

use std::path::Path;

use chrono::{DateTime, FixedOffset};
use serde::Serialize;
use serde_json::{Map, Value};

use super::discover::{self, Kind};
use super::frontmatter::{self, FrontMatter};
use super::{clean, decode, markdown, nesting, page, pubdate, trailer};
use crate::error::Rejection;
use crate::stages::{self, Stage};

/// A file's metadata and clean text, before analysis.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Document {
    /// Stable identity: the path relative to the corpus root, `/`-separated.
    pub id: String,
    pub path: String,
    pub title: String,
    #[serde(serialize_with = "serialize_rfc3339")]
    pub published: Option<DateTime<FixedOffset>>,
    pub author: Option<String>,
    /// The outlet that wrote the article (`来源：X`, a source credit).
    pub source: Option<String>,
    /// The editor named by an editor credit (`责任编辑：X`, `责编：X`).
    pub editor: Option<String>,
    /// The platform that published it (网易, 新浪, 微信公众号), apart from `source`.
    pub site: Option<String>,
    pub categories: Vec<String>,
    pub tags: Vec<String>,
    pub url: Option<String>,
    pub image: Option<String>,
    pub extra: Map<String, Value>,
    pub body: String,
    /// The title is the document's own, not made up from the body or the file name (a made-up
    /// title is not text of its own: analysing it would count the body's mentions twice).
    #[serde(skip)]
    pub own_title: bool,
    /// Credit lines taken off the end of the body (`责任编辑：X`, `记者 X`): not article text,
    /// but they still name people and outlets, so analysis reads them.
    #[serde(skip)]
    pub credits: String,
}

fn serialize_rfc3339<S: serde::Serializer>(
    value: &Option<DateTime<FixedOffset>>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match value {
        Some(dt) => serializer.serialize_str(&dt.to_rfc3339()),
        None => serializer.serialize_none(),
    }
}

/// A document plus the things a person should know about it that did not stop it.
#[derive(Debug, Clone, PartialEq)]
pub struct Read {
    pub document: Document,
    pub warnings: Vec<String>,
}

/// Settings that change what a file reads to (so they are part of its fingerprint).
#[derive(Debug, Clone, Copy)]
pub struct ReadOptions {
    pub default_offset: FixedOffset,
    /// "Now", for flagging dates after next year as suspicious.
    pub now: DateTime<FixedOffset>,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            default_offset: pubdate::default_offset(),
            now: chrono::Utc::now().fixed_offset(),
        }
    }
}

/// Reads a file unless it is over the limit; the size is checked before reading so a huge file
/// costs nothing.
pub fn read_limited(path: &Path, limit: u64) -> Result<Vec<u8>, Rejection> {
    let unreadable = |e: std::io::Error| Rejection::Unreadable(e.to_string());
    let size = std::fs::metadata(path).map_err(unreadable)?.len();
    if size > limit {
        return Err(Rejection::TooLarge { size, limit });
    }
    std::fs::read(path).map_err(unreadable)
}

/// Reads a file named on its own (`inspect`, tools): its id and path are the path as given and
/// its kind comes from its name.
pub fn read_file(path: &Path, options: &ReadOptions) -> Result<Option<Read>, Rejection> {
    let shown = discover::display(path);
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let kind = Kind::from_file_name(&name).unwrap_or(Kind::Sniff);
    let bytes = read_limited(path, u64::MAX)?;
    read(&shown, &shown, kind, &bytes, options)
}

/// Reads one file's bytes. `Ok(None)` means the file is not an article at all (a `.txt` of
/// notes) and is skipped rather than rejected.
pub fn read(
    id: &str,
    path: &str,
    kind: Kind,
    bytes: &[u8],
    options: &ReadOptions,
) -> Result<Option<Read>, Rejection> {
    let decoded = stages::timed(Stage::ReadDecode, || decode::decode(bytes))?;
    stages::timed(Stage::ParseClean, || {
        read_text(id, path, kind, decoded.as_str(), options)
    })
}

/// [`read`] once the bytes are text.
fn read_text(
    id: &str,
    path: &str,
    kind: Kind,
    text: &str,
    options: &ReadOptions,
) -> Result<Option<Read>, Rejection> {
    if text.trim().is_empty() {
        return Err(Rejection::Empty);
    }
    let kind = match kind {
        Kind::Sniff if frontmatter::starts_with_front_matter(text) => Kind::Markdown,
        Kind::Sniff if looks_like_html_document(text) => Kind::Html,
        Kind::Sniff => return Ok(None),
        Kind::Markdown if looks_like_html_document(text) => Kind::Html,
        other => other,
    };
    // Markdown bodies carry HTML too, and pass through the same parser.
    if nesting::block_depth(text, nesting::MAX_BLOCK_DEPTH) > nesting::MAX_BLOCK_DEPTH {
        return Err(Rejection::TooDeep {
            limit: nesting::MAX_BLOCK_DEPTH,
        });
    }
    let mut builder = Builder::new(id, path, options);
    match kind {
        Kind::Html => builder.read_page(page::extract_page(text)),
        _ => builder.read_markdown(text)?,
    }
    builder.finish().map(Some)
}

fn looks_like_html_document(text: &str) -> bool {
    let head = text.trim_start_matches('\u{FEFF}').trim_start();
    let head = head
        .get(..head.len().min(64))
        .unwrap_or(head)
        .to_ascii_lowercase();
    head.starts_with("<!doctype html") || head.starts_with("<html") || head.starts_with("<?xml")
}

/// Collects fields from whichever source format, then applies the shared fallbacks.
struct Builder<'a> {
    path: &'a str,
    options: &'a ReadOptions,
    document: Document,
    /// The title came from the body or the file name rather than from the document's metadata.
    title_missing: bool,
    date_text: Option<String>,
    warnings: Vec<String>,
}

impl<'a> Builder<'a> {
    fn new(id: &'a str, path: &'a str, options: &'a ReadOptions) -> Self {
        Builder {
            path,
            options,
            document: Document {
                id: id.to_string(),
                path: path.to_string(),
                title: String::new(),
                published: None,
                author: None,
                source: None,
                editor: None,
                site: None,
                categories: Vec::new(),
                tags: Vec::new(),
                url: None,
                image: None,
                extra: Map::new(),
                body: String::new(),
                own_title: false,
                credits: String::new(),
            },
            title_missing: false,
            date_text: None,
            warnings: Vec::new(),
        }
    }

    fn read_markdown(&mut self, text: &str) -> Result<(), Rejection> {
        let (front, body_md) = match frontmatter::split(text)? {
            Some(split) => (
                Some(FrontMatter::parse(split.yaml, split.yaml_line)?),
                split.body,
            ),
            None => (None, text),
        };
        let had_front_matter = front.is_some();
        let mut fm = front.unwrap_or_default();
        self.warnings.append(&mut fm.warnings);
        let a = &mut self.document;
        a.body = clean::html_to_text(&markdown::to_html(body_md));
        a.title = fm.title.unwrap_or_default();
        if a.title.is_empty() && !had_front_matter {
            a.title = markdown::first_heading(body_md).unwrap_or_default();
        }
        self.title_missing = had_front_matter && a.title.is_empty();
        self.date_text = fm.date;
        a.categories = fm.categories;
        a.tags = fm.tags;
        a.author = fm.author;
        a.source = fm.source;
        a.site = fm.url.as_deref().and_then(page::site_for_url);
        a.url = fm.url;
        a.image = fm.image;
        a.extra = fm.extra;
        Ok(())
    }

    fn read_page(&mut self, page: page::Page) {
        let a = &mut self.document;
        a.title = page.title.unwrap_or_default();
        self.title_missing = a.title.is_empty();
        self.date_text = page.published;
        a.author = page.author;
        a.source = page.source;
        a.editor = page.editor;
        a.site = page.site;
        a.url = page.url;
        a.image = page.image;
        a.body = page.body;
    }

    fn finish(mut self) -> Result<Read, Rejection> {
        let a = &mut self.document;
        if a.body.trim().is_empty() {
            return Err(Rejection::NoContent(if a.title.trim().is_empty() {
                "neither a title nor any body text after cleaning".into()
            } else {
                "a title but no body text after cleaning".into()
            }));
        }
        a.own_title = !a.title.trim().is_empty();
        if !a.own_title {
            a.title = title_from_body(&a.body).unwrap_or_else(|| file_stem(self.path));
            if self.title_missing {
                self.warnings
                    .push(format!("title: empty; using '{}' instead", a.title));
            }
        }
        // Credit lines closing the body fill fields that the metadata left empty.
        // A body made of nothing but such lines is kept as it is.
        let (body, mut credits) = trailer::split(&a.body);
        if !body.trim().is_empty() {
            a.body = body;
            a.credits = std::mem::take(&mut credits.lines).join("\n");
            a.source = a.source.take().or(credits.source);
            a.editor = a.editor.take().or(credits.editor);
            a.author = a.author.take().or(credits.author);
        }
        if a.source.is_none() {
            a.source = source_from_body(&a.body);
        }
        self.settle_published();
        Ok(Read {
            document: self.document,
            warnings: self.warnings,
        })
    }

    /// The publication date from the document's own date text, else from the file name, with a
    /// warning for whatever could not be used.
    fn settle_published(&mut self) {
        let options = self.options;
        let mut date_problem = None;
        if let Some(text) = self.date_text.as_deref() {
            match pubdate::parse(text, options.default_offset) {
                Ok(date) => {
                    if let Some(doubt) = pubdate::suspicious(&date, options.now) {
                        self.warnings
                            .push(format!("date: suspicious date '{}': {doubt}", text.trim()));
                    }
                    self.document.published = Some(date);
                }
                Err(reason) => date_problem = Some(reason),
            }
        }
        if self.document.published.is_some() {
            return;
        }
        // Jekyll dates posts by their file name, and scrapers often prefix names with the
        // day; that beats having no anchor for "昨日" at all.
        let stem = file_stem(self.path);
        let from_name = pubdate::from_file_name(&stem, options.default_offset, options.now);
        match (date_problem, from_name) {
            (Some(reason), Some(date)) => self.warnings.push(format!(
                "date: {reason}; using {} from the file name",
                date.format("%Y-%m-%d")
            )),
            (Some(reason), None) => self.warnings.push(format!(
                "date: {reason}; indexed without a publication date"
            )),
            (None, _) => {}
        }
        self.document.published = from_name;
    }
}

/// The body's first line, cut at its first sentence end and kept short enough for a title.
fn title_from_body(body: &str) -> Option<String> {
    const MAX_CHARS: usize = 60;
    let line = body.lines().map(str::trim).find(|l| !l.is_empty())?;
    let sentence = match line.find(['。', '！', '？', '!', '?']) {
        Some(end) => &line[..end],
        None => line,
    };
    let title: String = sentence.chars().take(MAX_CHARS).collect();
    let title = title.trim().to_string();
    (!title.is_empty()).then_some(title)
}

fn file_stem(path: &str) -> String {
    let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
    match name.rsplit_once('.') {
        Some((stem, _)) if !stem.is_empty() => stem.to_string(),
        _ => name.to_string(),
    }
}

/// `（文章来源：红星新闻）`, `来源：新华社` and the like, at the start of a body line.
fn source_from_body(body: &str) -> Option<String> {
    const LABELS: &[&str] = &["文章来源", "来源", "稿件来源", "新闻来源", "Source"];
    body.lines().find_map(|line| {
        let line = line
            .trim()
            .trim_start_matches(['（', '(', '【', '['])
            .trim_start();
        let rest = LABELS.iter().find_map(|label| line.strip_prefix(label))?;
        let rest = rest.trim_start().strip_prefix(['：', ':'])?.trim_start();
        let end = rest
            .find(['）', ')', '】', ']', '|', '｜', '，', ',', ' ', '\u{3000}'])
            .unwrap_or(rest.len());
        let name = rest[..end].trim();
        (!name.is_empty() && name.chars().count() <= 30).then(|| name.to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options() -> ReadOptions {
        ReadOptions {
            now: DateTime::parse_from_rfc3339("2026-11-22T00:00:00+08:00").unwrap(),
            ..ReadOptions::default()
        }
    }

    fn parse_md(text: &str) -> Read {
        read(
            "a/b.md",
            "a/b.md",
            Kind::Markdown,
            text.as_bytes(),
            &options(),
        )
        .unwrap()
        .unwrap()
    }

    #[test]
    fn read_limited_rejects_large_files_unread() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.md");
        std::fs::write(&path, vec![b'x'; 100]).unwrap();
        assert_eq!(
            read_limited(&path, 99),
            Err(Rejection::TooLarge {
                size: 100,
                limit: 99
            })
        );
        assert_eq!(read_limited(&path, 100).unwrap().len(), 100);
        assert!(matches!(
            read_limited(&dir.path().join("missing.md"), 100),
            Err(Rejection::Unreadable(_))
        ));
    }

    #[test]
    fn front_matter_article() {
        let p = parse_md(
            "---\ntitle: 央行发布支付新规\ndate: 2021-12-08 10:18:31\ncategories: [监管, 支付]\n\
             source: 财经日报\n---\n\n<p>央行今日发布新规。</p><p>新规明年实施。</p>\n",
        );
        let a = &p.document;
        assert_eq!(a.title, "央行发布支付新规");
        assert_eq!(
            a.published.unwrap().to_rfc3339(),
            "2021-12-08T10:18:31+08:00"
        );
        assert_eq!(a.categories, vec!["监管", "支付"]);
        assert_eq!(a.source.as_deref(), Some("财经日报"));
        assert_eq!(a.body, "央行今日发布新规。\n新规明年实施。");
        assert!(p.warnings.is_empty());
    }

    #[test]
    fn trailer_credits_of_a_markdown_body_fill_empty_fields() {
        let p = parse_md(
            "---\ntitle: 滨江地铁三号线年底试运行\nsource: 滨江日报\nurl: https://news.163.com/21/a.html\n---\n\n\
             三号线全长二十二公里，设站十六座。\n\n本文来源：城市晨报 责任编辑：林小雨\n\n滨江晚报记者 郑九\n\n\
             转载请注明出处\n",
        );
        let a = &p.document;
        assert_eq!(a.body, "三号线全长二十二公里，设站十六座。");
        // The front matter's source stands; the credits fill what it left empty.
        assert_eq!(a.source.as_deref(), Some("滨江日报"));
        assert_eq!(a.editor.as_deref(), Some("林小雨"));
        assert_eq!(a.author.as_deref(), Some("郑九"));
        assert_eq!(a.site.as_deref(), Some("网易"));
        // Credit lines leave the body but are kept for analysis: they still name people.
        assert_eq!(
            a.credits,
            "本文来源：城市晨报 责任编辑：林小雨\n滨江晚报记者 郑九"
        );
        assert!(!a.body.contains("转载"));
    }

    #[test]
    fn a_body_of_credits_only_is_kept() {
        let p = parse_md("---\ntitle: 启事\n---\n\n责任编辑：林小雨\n");
        assert_eq!(p.document.body, "责任编辑：林小雨");
        assert_eq!(p.document.editor, None);
    }

    #[test]
    fn empty_title_and_offset_only_date_warn_but_index() {
        let p = parse_md("---\ntitle: \"\"\ndate:  +0800\n---\n第一句话。第二句。\n");
        assert_eq!(p.document.title, "第一句话");
        assert_eq!(p.document.published, None);
        assert_eq!(
            p.warnings,
            vec![
                "title: empty; using '第一句话' instead".to_string(),
                "date: expected a date such as 2021-11-30 17:24, RFC 2822 or RFC 3339, found '+0800'; indexed without a publication date".to_string(),
            ]
        );
    }

    #[test]
    fn markdown_without_front_matter_takes_its_heading() {
        let p = parse_md("# 移动支付观察\n\n正文。");
        assert_eq!(p.document.title, "移动支付观察");
        assert!(p.warnings.is_empty());
    }

    #[test]
    fn a_body_is_required_and_file_stems_keep_inner_dots() {
        let p = read(
            "x/notes.md",
            "x/notes.md",
            Kind::Markdown,
            b"---\ntitle: ''\n---\n",
            &options(),
        );
        assert_eq!(
            p.unwrap_err(),
            Rejection::NoContent("neither a title nor any body text after cleaning".into())
        );
        let p = read(
            "x/n.md",
            "x/n.md",
            Kind::Markdown,
            b"---\ntitle: t\n---\n",
            &options(),
        );
        assert_eq!(
            p.unwrap_err(),
            Rejection::NoContent("a title but no body text after cleaning".into())
        );
        assert_eq!(file_stem("x/notes.v2.md"), "notes.v2");
        assert_eq!(file_stem("x/README"), "README");
    }

    #[test]
    fn source_from_body_lines() {
        assert_eq!(
            source_from_body("正文\n（文章来源：红星新闻）").as_deref(),
            Some("红星新闻")
        );
        assert_eq!(
            source_from_body("来源: 新华社 记者").as_deref(),
            Some("新华社")
        );
        assert_eq!(source_from_body("图片来源：官网"), None);
    }

    #[test]
    fn txt_files_are_sniffed() {
        let o = options();
        assert_eq!(
            read(
                "n.txt",
                "n.txt",
                Kind::Sniff,
                "shopping list".as_bytes(),
                &o
            ),
            Ok(None)
        );
        let p = read(
            "n.txt",
            "n.txt",
            Kind::Sniff,
            b"\n---\ntitle: t\n---\nbody",
            &o,
        );
        assert_eq!(p.unwrap().unwrap().document.title, "t");
    }

    #[test]
    fn suspicious_dates_are_kept_with_a_warning() {
        let p = parse_md("---\ntitle: t\ndate: 1888-01-01\n---\nbody");
        assert!(p.document.published.is_some());
        assert_eq!(
            p.warnings,
            vec!["date: suspicious date '1888-01-01': year 1888 is before 1900"]
        );
    }

    #[test]
    fn rejections_carry_reasons() {
        let o = options();
        assert_eq!(
            read("a.md", "a.md", Kind::Markdown, b"---\ntitle: t\nbody", &o),
            Err(Rejection::UnterminatedFrontMatter { line: 1 })
        );
        assert_eq!(
            read("a.md", "a.md", Kind::Markdown, b"  \n\n", &o),
            Err(Rejection::Empty)
        );
    }
}
