//! The Tantivy side: schema, opening an index with our analysers registered, and turning an
//! [`Article`] into a document. Field names here are part of the on-disk format; changing
//! them means bumping [`FORMAT_VERSION`].

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use chrono::{DateTime, FixedOffset};
use tantivy::schema::{
    DateOptions, DateTimePrecision, FAST, Facet, FacetOptions, Field, INDEXED, IndexRecordOption,
    STORED, STRING, Schema, TextFieldIndexing, TextOptions, Value,
};
use tantivy::{Index, TantivyDocument};

use crate::analysis::Linguistics;
use crate::analysis::{self, Analyzer, BIGRAM_TOKENIZER, JIEBA_TOKENIZER};
use crate::article::Article;
use crate::entities::{EntityType, UserEntity};
use crate::error::Error;

/// Bumped whenever the schema or the meaning of a field changes; an index written with another
/// version is refused with a clear message rather than misread.
pub const FORMAT_VERSION: u32 = 2;

/// Handles to every field, resolved once.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    pub id: Field,
    pub path: Field,
    pub title: Field,
    pub title_bigram: Field,
    pub body: Field,
    pub body_bigram: Field,
    pub published: Field,
    pub published_offset: Field,
    pub author: Field,
    pub source: Field,
    /// Editor credit and publishing platform (exact strings; format 2).
    pub editor: Field,
    pub site: Field,
    pub categories: Field,
    pub tags: Field,
    pub url: Field,
    pub image: Field,
    pub extra: Field,
    pub fingerprint: Field,
    /// First and last day of each mentioned period (parallel multi-valued fields).
    pub mention_start: Field,
    pub mention_end: Field,
    /// `/TYPE/name` per entity: counted with a facet collector.
    pub entity: Field,
    /// Canonical names and surface forms, for exact `--entity` filters.
    pub entity_name: Field,
    /// The article's entities as stored JSON (name, type, count, mentions).
    pub entities: Field,
}

/// The schema: word fields (jieba, frequencies only: phrases go to the bigram fields, which
/// keep positions) plus exact-match metadata and a fast `published` for range filters.
pub fn schema() -> Schema {
    let mut b = Schema::builder();
    let words = |stored: bool| {
        let o = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(JIEBA_TOKENIZER)
                .set_index_option(IndexRecordOption::WithFreqs),
        );
        if stored { o.set_stored() } else { o }
    };
    let pairs = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(BIGRAM_TOKENIZER)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    b.add_text_field("id", STRING | STORED | FAST);
    b.add_text_field("path", STORED);
    b.add_text_field("title", words(true));
    b.add_text_field("title_bigram", pairs.clone());
    b.add_text_field("body", words(true));
    b.add_text_field("body_bigram", pairs);
    b.add_date_field(
        "published",
        DateOptions::from(INDEXED)
            .set_stored()
            .set_fast()
            .set_precision(DateTimePrecision::Seconds),
    );
    b.add_i64_field("published_offset", STORED);
    b.add_text_field("author", STRING | STORED);
    b.add_text_field("source", STRING | STORED);
    b.add_text_field("editor", STRING | STORED);
    b.add_text_field("site", STRING | STORED);
    b.add_text_field("categories", STRING | STORED);
    b.add_text_field("tags", STRING | STORED);
    b.add_text_field("url", STORED);
    b.add_text_field("image", STORED);
    b.add_text_field("extra", STORED);
    b.add_u64_field("fingerprint", FAST);
    let day = || DateOptions::from(INDEXED).set_precision(DateTimePrecision::Seconds);
    b.add_date_field("mention_start", day());
    b.add_date_field("mention_end", day());
    b.add_facet_field("entity", FacetOptions::default());
    b.add_text_field("entity_name", STRING);
    b.add_text_field("entities", STORED);
    b.build()
}

impl Fields {
    pub fn resolve(schema: &Schema) -> Result<Fields, String> {
        let f = |name: &str| {
            schema
                .get_field(name)
                .map_err(|_| format!("field '{name}' is missing from the index schema"))
        };
        Ok(Fields {
            id: f("id")?,
            path: f("path")?,
            title: f("title")?,
            title_bigram: f("title_bigram")?,
            body: f("body")?,
            body_bigram: f("body_bigram")?,
            published: f("published")?,
            published_offset: f("published_offset")?,
            author: f("author")?,
            source: f("source")?,
            editor: f("editor")?,
            site: f("site")?,
            categories: f("categories")?,
            tags: f("tags")?,
            url: f("url")?,
            image: f("image")?,
            extra: f("extra")?,
            fingerprint: f("fingerprint")?,
            mention_start: f("mention_start")?,
            mention_end: f("mention_end")?,
            entity: f("entity")?,
            entity_name: f("entity_name")?,
            entities: f("entities")?,
        })
    }
}

/// An open index with the analysers registered and the fields resolved.
pub struct OpenIndex {
    pub index: Index,
    pub fields: Fields,
}

/// Opens an existing index for reading. A missing index is an error that says how to make one.
pub fn open(path: &Path, analyzer: &Analyzer) -> Result<OpenIndex, Error> {
    if !path.join("meta.json").is_file() {
        return Err(Error::index(
            path,
            "no index here yet; build one with `newsidx ingest DIR --index PATH`",
        ));
    }
    let index = Index::open_in_dir(path).map_err(|e| Error::index(path, e))?;
    finish_open(path, index, analyzer)
}

/// Opens the index at `path`, creating the folder and an empty index when there is none.
pub fn open_or_create(path: &Path, analyzer: &Analyzer) -> Result<OpenIndex, Error> {
    std::fs::create_dir_all(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let index = if path.join("meta.json").is_file() {
        Index::open_in_dir(path)
    } else {
        Index::create_in_dir(path, schema())
    }
    .map_err(|e| Error::index(path, e))?;
    finish_open(path, index, analyzer)
}

/// An index in memory, for tests and fuzzing.
pub fn create_in_ram(analyzer: &Analyzer) -> Result<OpenIndex, Error> {
    finish_open(
        Path::new("(memory)"),
        Index::create_in_ram(schema()),
        analyzer,
    )
}

fn finish_open(path: &Path, index: Index, analyzer: &Analyzer) -> Result<OpenIndex, Error> {
    if index.schema() != schema() {
        return Err(Error::index(
            path,
            format!(
                "written by an incompatible newsidx version (this one writes format {FORMAT_VERSION}); \
                 delete the folder or choose another --index and ingest again"
            ),
        ));
    }
    analysis::register(&index, analyzer);
    let fields = Fields::resolve(&index.schema()).map_err(|e| Error::index(path, e))?;
    Ok(OpenIndex { index, fields })
}

/// The document for an article; `fingerprint` lets the next ingest skip it when unchanged.
pub fn to_document(article: &Article, fingerprint: u64, f: &Fields) -> TantivyDocument {
    let mut doc = TantivyDocument::new();
    doc.add_text(f.id, &article.id);
    doc.add_text(f.path, &article.path);
    doc.add_text(f.title, &article.title);
    doc.add_text(f.title_bigram, &article.title);
    doc.add_text(f.body, &article.body);
    doc.add_text(f.body_bigram, &article.body);
    if let Some(published) = article.published {
        doc.add_date(f.published, instant(published.timestamp()));
        doc.add_i64(
            f.published_offset,
            i64::from(published.offset().local_minus_utc()),
        );
    }
    let optional = [
        (f.author, &article.author),
        (f.source, &article.source),
        (f.editor, &article.editor),
        (f.site, &article.site),
        (f.url, &article.url),
        (f.image, &article.image),
    ];
    for (field, value) in optional {
        if let Some(value) = value {
            doc.add_text(field, value);
        }
    }
    for category in &article.categories {
        doc.add_text(f.categories, category);
    }
    for tag in &article.tags {
        doc.add_text(f.tags, tag);
    }
    if !article.extra.is_empty() {
        doc.add_text(
            f.extra,
            serde_json::Value::Object(article.extra.clone()).to_string(),
        );
    }
    doc.add_u64(f.fingerprint, fingerprint);
    for entity in &article.entities {
        doc.add_facet(f.entity, entity_facet(entity.kind, &entity.name));
        doc.add_text(f.entity_name, &entity.name);
        for mention in entity.mentions.iter().filter(|m| **m != entity.name) {
            doc.add_text(f.entity_name, mention);
        }
    }
    if !article.entities.is_empty()
        && let Ok(json) = serde_json::to_string(&article.entities)
    {
        doc.add_text(f.entities, json);
    }
    for date in &article.dates {
        doc.add_date(f.mention_start, day_instant(date.mention.value));
        doc.add_date(f.mention_end, day_instant(date.mention.end_value));
    }
    doc
}

/// Where an index keeps the user entities it was built with, so searches segment queries with
/// the same dictionary.
pub fn user_entities_path(index: &Path) -> std::path::PathBuf {
    index.join("newsidx-entities.tsv")
}

/// Records the user entities next to the index (atomically: temp file, then rename); removes
/// the record when there are none.
pub fn save_user_entities(index: &Path, user: &[UserEntity]) -> Result<(), Error> {
    let path = user_entities_path(index);
    let io = |source| Error::Io {
        path: path.clone(),
        source,
    };
    if user.is_empty() {
        return match std::fs::remove_file(&path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(io(e)),
            _ => Ok(()),
        };
    }
    let mut text =
        String::from("# user entities this index was built with (written by newsidx ingest)\n");
    for e in user {
        text.push_str(&format!("{}\t{}", e.name, e.kind.as_str()));
        if !e.aliases.is_empty() {
            text.push('\t');
            text.push_str(&e.aliases.join(","));
        }
        text.push('\n');
    }
    let tmp = path.with_extension("tsv.tmp");
    std::fs::write(&tmp, text).map_err(io)?;
    std::fs::rename(&tmp, &path).map_err(io)
}

/// The dictionary and extractor an index was built with.
pub fn linguistics_for(index: &Path) -> Result<Arc<Linguistics>, Error> {
    let path = user_entities_path(index);
    if path.exists() {
        Ok(Arc::new(Linguistics::from_file(&path)?))
    } else {
        Ok(Linguistics::shared())
    }
}

/// The facet under which an entity is counted: `/ORG/腾讯`.
pub fn entity_facet(kind: EntityType, name: &str) -> Facet {
    Facet::from_path([kind.as_str(), name])
}

/// Seconds since the epoch as a tantivy instant. Tantivy counts nanoseconds in an i64 (about
/// years 1677 to 2262) and overflows beyond that, so every conversion goes through here and
/// is clamped: a filter day of 9999-01-01 means "after everything", not a wrapped-around past.
pub fn instant(seconds: i64) -> tantivy::DateTime {
    const LIMIT: i64 = i64::MAX / 1_000_000_000;
    tantivy::DateTime::from_timestamp_secs(seconds.clamp(-LIMIT, LIMIT))
}

/// A calendar day as the instant tantivy stores: midnight UTC of that day. Mentioned dates are
/// days, not instants, so no offset applies.
pub fn day_instant(day: chrono::NaiveDate) -> tantivy::DateTime {
    instant(day.and_time(chrono::NaiveTime::MIN).and_utc().timestamp())
}

/// Reads a stored text field.
pub fn stored_text(doc: &TantivyDocument, field: Field) -> Option<String> {
    doc.get_first(field)
        .and_then(|v| v.as_str().map(str::to_string))
}

/// Reads every value of a stored multi-valued text field.
pub fn stored_texts(doc: &TantivyDocument, field: Field) -> Vec<String> {
    doc.get_all(field)
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect()
}

/// The publication date in the offset it was written in.
pub fn stored_published(doc: &TantivyDocument, f: &Fields) -> Option<DateTime<FixedOffset>> {
    let instant = doc.get_first(f.published)?.as_datetime()?;
    let offset_seconds = doc
        .get_first(f.published_offset)
        .and_then(|v| v.as_i64())
        .unwrap_or(0);
    let offset = FixedOffset::east_opt(i32::try_from(offset_seconds).ok()?)?;
    DateTime::from_timestamp(instant.into_timestamp_secs(), 0).map(|utc| utc.with_timezone(&offset))
}

/// Every live document's id and fingerprint, read from fast fields (no stored-document
/// decompression, so this stays quick at millions of documents).
pub fn fingerprints(index: &Index) -> tantivy::Result<HashMap<String, u64>> {
    let reader = index.reader()?;
    let searcher = reader.searcher();
    let mut out = HashMap::new();
    let mut id = String::new();
    for segment in searcher.segment_readers() {
        let fast = segment.fast_fields();
        let Some(ids) = fast.str("id")? else {
            continue;
        };
        let prints = fast.u64("fingerprint")?;
        for doc in segment.doc_ids_alive() {
            let Some(ord) = ids.term_ords(doc).next() else {
                continue;
            };
            id.clear();
            if ids.ord_to_str(ord, &mut id)? {
                out.insert(id.clone(), prints.first(doc).unwrap_or(0));
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instants_outside_tantivys_range_are_clamped_not_wrapped() {
        let far = chrono::NaiveDate::from_ymd_opt(99_999, 1, 1).unwrap();
        let old = chrono::NaiveDate::from_ymd_opt(-9_999, 1, 1).unwrap();
        assert!(
            day_instant(far) > day_instant(chrono::NaiveDate::from_ymd_opt(2200, 1, 1).unwrap())
        );
        assert!(
            day_instant(old) < day_instant(chrono::NaiveDate::from_ymd_opt(1700, 1, 1).unwrap())
        );
        assert_eq!(instant(0).into_timestamp_secs(), 0);
    }

    #[test]
    fn create_then_reopen_and_refuse_a_foreign_schema() {
        let dir = tempfile::tempdir().unwrap();
        let analyzer = crate::analysis::Linguistics::shared().analyzer.clone();
        let path = dir.path().join("idx");
        assert!(open(&path, &analyzer).is_err());
        open_or_create(&path, &analyzer).unwrap();
        open(&path, &analyzer).unwrap();

        let other = dir.path().join("other");
        std::fs::create_dir(&other).unwrap();
        let mut b = Schema::builder();
        b.add_text_field("x", STRING);
        Index::create_in_dir(&other, b.build()).unwrap();
        let err = open(&other, &analyzer).err().unwrap().to_string();
        assert!(err.contains("incompatible newsidx version"), "{err}");
    }
}
