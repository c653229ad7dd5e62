//! The schema. Field names here are part of the on-disk format; changing them means bumping
//! [`FORMAT_VERSION`].

use tantivy::schema::{
    DateOptions, DateTimePrecision, FAST, FacetOptions, Field, INDEXED, IndexRecordOption, STORED,
    STRING, Schema, TextFieldIndexing, TextOptions,
};

use crate::analyse::text::{BIGRAM_TOKENIZER, JIEBA_TOKENIZER};

/// Bumped whenever the schema or the meaning of a field changes; an index written with another
/// version is refused with a clear message rather than misread.
/// 2: traditional/simplified folding in the normaliser, per-character tokens in the bigram
/// fields, and fast `author`/`source`/`categories`/`tags` for facets. 3: `editor`, `site` and
/// the per-file stat fields. 4: all of these together. 5: `open_start`/`open_end`, the days
/// covered by open spans, matched by overlap.
/// 6: `keywords`, and the near-duplicate fields `minhash`, `dup_band`, `cluster`.
/// 7: fast `published_offset`, so `trends` buckets each article by the calendar day of its own
/// offset without reading stored fields.
/// 8: the bigram fields keep a character alone only where its CJK run ends (a single-character
/// query matches it as a prefix of pairs), which halves their postings.
/// 9: 32-bit `dup_band` keys (`analyse::neardup::Signature::bands`), half the band field.
pub const FORMAT_VERSION: u32 = 9;

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
    /// First and last day each open span covers (`2019年以来`: 2019-01-01 to the publication
    /// day). Every such span touches the publication day, so their union is one interval and
    /// the parallel lists can be matched by overlap without pairing values across mentions.
    pub open_start: Field,
    pub open_end: Field,
    /// `/TYPE/name` per entity: counted with a facet collector.
    pub entity: Field,
    /// Canonical names and surface forms, for exact `--entity` filters.
    pub entity_name: Field,
    /// The article's entities as stored JSON (name, type, count, mentions).
    pub entities: Field,
    /// Top TF-IDF keywords, best first (exact strings, stored and indexed for `similar`).
    pub keywords: Field,
    /// The body's MinHash signature (`analyse::neardup`), fast bytes for verifying candidates.
    pub minhash: Field,
    /// One LSH key per band of the signature: an exact lookup finds candidate copies.
    pub dup_band: Field,
    /// The near-duplicate cluster: the key of the first member indexed (`index::clusters`).
    pub cluster: Field,
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
    // Fast too: `trends` puts each article in the period of its own local day.
    b.add_i64_field("published_offset", STORED | FAST);
    // Fast as well: facets and stats count them over whole result sets.
    b.add_text_field("author", STRING | STORED | FAST);
    b.add_text_field("source", STRING | STORED | FAST);
    b.add_text_field("editor", STRING | STORED);
    b.add_text_field("site", STRING | STORED | FAST);
    b.add_text_field("categories", STRING | STORED | FAST);
    b.add_text_field("tags", STRING | STORED | FAST);
    b.add_text_field("url", STORED);
    b.add_text_field("image", STORED);
    b.add_text_field("extra", STORED);
    b.add_u64_field("fingerprint", FAST);
    // The file's stat and parse settings when it was indexed (see `index::state`): a rerun
    // skips a file whose size and mtime still match without reading it.
    b.add_u64_field(super::state::SIZE, FAST);
    b.add_i64_field(super::state::MTIME_NS, FAST);
    b.add_u64_field(super::state::SETTINGS, FAST);
    let day = || DateOptions::from(INDEXED).set_precision(DateTimePrecision::Seconds);
    b.add_date_field("mention_start", day());
    b.add_date_field("mention_end", day());
    b.add_date_field("open_start", day());
    b.add_date_field("open_end", day());
    b.add_facet_field("entity", FacetOptions::default());
    b.add_text_field("entity_name", STRING);
    b.add_text_field("entities", STORED);
    b.add_text_field("keywords", STRING | STORED);
    b.add_bytes_field("minhash", FAST);
    b.add_u64_field("dup_band", INDEXED);
    b.add_u64_field("cluster", INDEXED | FAST | STORED);
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
            open_start: f("open_start")?,
            open_end: f("open_end")?,
            entity: f("entity")?,
            entity_name: f("entity_name")?,
            entities: f("entities")?,
            keywords: f("keywords")?,
            minhash: f("minhash")?,
            dup_band: f("dup_band")?,
            cluster: f("cluster")?,
        })
    }
}
