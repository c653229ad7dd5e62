//! One file through both stages: read it into a [`Document`], then analyse its text. This is
//! the per-file half of the orchestrator; `ingest::run` adds discovery, fingerprints and the
//! index, and `inspect` and the tools call it directly.

use std::path::Path;
use std::sync::Arc;

use serde::Serialize;

use crate::analyse::{Analysis, Linguistics, Text};
use crate::error::Rejection;
use crate::read::{self, Document, Kind, ReadOptions};

/// A document exactly as it is indexed: what reading found and what analysis added. Serialised
/// flat, as `inspect` shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Article {
    #[serde(flatten)]
    pub document: Document,
    #[serde(flatten)]
    pub analysis: Analysis,
}

/// An article plus the things a person should know about it that did not stop it.
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed {
    pub article: Article,
    pub warnings: Vec<String>,
}

/// Settings that change what a file turns into (so they are part of its fingerprint).
#[derive(Clone)]
pub struct ParseOptions {
    pub read: ReadOptions,
    /// Dictionary and entity extractor; ingest and search must share one.
    pub linguistics: Arc<Linguistics>,
}

impl Default for ParseOptions {
    fn default() -> Self {
        ParseOptions {
            read: ReadOptions::default(),
            linguistics: Linguistics::shared(),
        }
    }
}

/// Reads and analyses one file's bytes. `Ok(None)`: not an article at all (skipped).
pub fn parse(
    id: &str,
    path: &str,
    kind: Kind,
    bytes: &[u8],
    options: &ParseOptions,
) -> Result<Option<Parsed>, Rejection> {
    let read = read::read(id, path, kind, bytes, &options.read)?;
    Ok(read.map(|read| analysed(read, &options.linguistics)))
}

/// Reads and analyses a file named on its own (`inspect`, tools).
pub fn parse_file(path: &Path, options: &ParseOptions) -> Result<Option<Parsed>, Rejection> {
    let read = read::read_file(path, &options.read)?;
    Ok(read.map(|read| analysed(read, &options.linguistics)))
}

/// The text analysis reads from a document: its own title only (one made up from the body or
/// the file name would count the body's mentions twice), body, credits, source and day.
pub fn text_of(document: &Document) -> Text<'_> {
    Text {
        title: document.own_title.then_some(document.title.as_str()),
        body: &document.body,
        credits: &document.credits,
        source: document.source.as_deref(),
        published: document.published.map(|d| d.date_naive()),
    }
}

fn analysed(read: read::Read, linguistics: &Linguistics) -> Parsed {
    let document = read.document;
    let analysis = linguistics.analyse(&text_of(&document));
    Parsed {
        article: Article { document, analysis },
        warnings: read.warnings,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inspect_json_is_the_document_and_its_analysis_side_by_side() {
        let parsed = parse(
            "a.md",
            "a.md",
            Kind::Markdown,
            "---\ntitle: 新华社报道\ndate: 2021-11-30 10:00\n---\n昨日央行发布新规。".as_bytes(),
            &ParseOptions::default(),
        )
        .unwrap()
        .unwrap();
        let text = serde_json::to_string(&parsed.article).unwrap();
        let key_at = |key: &str| text.find(&format!("\"{key}\":")).unwrap();
        let keys = [
            "id",
            "path",
            "title",
            "published",
            "author",
            "source",
            "categories",
            "tags",
            "url",
            "image",
            "extra",
            "body",
            "dates",
            "entities",
        ];
        assert!(
            keys.windows(2).all(|w| key_at(w[0]) < key_at(w[1])),
            "{text}"
        );
        assert!(!text.contains("own_title"), "{text}");
        let json: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(json["dates"][0]["value"], "2021-11-29");
        assert_eq!(json["entities"][0]["name"], "中国人民银行");
    }
}
