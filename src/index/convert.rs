//! A read document plus its analysis to a Tantivy document, and stored values back.

use chrono::{DateTime, FixedOffset};
use tantivy::TantivyDocument;
use tantivy::schema::{Facet, Field, Value};

use super::schema::Fields;
use crate::analyse::Analysis;
use crate::analyse::entities::EntityType;
use crate::read::Document;

/// The Tantivy document for a read document and its analysis; `fingerprint` lets the next ingest skip it when unchanged.
pub fn to_document(
    article: &Document,
    analysis: &Analysis,
    fingerprint: u64,
    f: &Fields,
) -> TantivyDocument {
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
    for entity in &analysis.entities {
        doc.add_facet(f.entity, entity_facet(entity.kind, &entity.name));
        doc.add_text(f.entity_name, &entity.name);
        for mention in entity.mentions.iter().filter(|m| **m != entity.name) {
            doc.add_text(f.entity_name, mention);
        }
    }
    if !analysis.entities.is_empty()
        && let Ok(json) = serde_json::to_string(&analysis.entities)
    {
        doc.add_text(f.entities, json);
    }
    for keyword in &analysis.keywords {
        doc.add_text(f.keywords, keyword);
    }
    let published_day = article.published.map(|d| d.date_naive());
    for date in &analysis.dates {
        let m = &date.mention;
        doc.add_date(f.mention_start, day_instant(m.value));
        doc.add_date(f.mention_end, day_instant(m.end_value));
        // An open span (`2019年以来`) also mentions every day it covers.
        let (first, last) = m.indexed_span(published_day);
        if (first, last) != (m.value, m.end_value) {
            doc.add_date(f.open_start, day_instant(first));
            doc.add_date(f.open_end, day_instant(last));
        }
    }
    doc
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

/// The read document as stored: the inverse of [`to_document`] for what the index keeps
/// (credit lines are not kept, and a stored title counts as the document's own).
pub fn stored_document(doc: &TantivyDocument, f: &Fields) -> Document {
    let text = |field| stored_text(doc, field);
    let extra = text(f.extra)
        .and_then(|s| serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(&s).ok())
        .unwrap_or_default();
    let title = text(f.title).unwrap_or_default();
    Document {
        id: text(f.id).unwrap_or_default(),
        path: text(f.path).unwrap_or_default(),
        own_title: !title.is_empty(),
        title,
        published: stored_published(doc, f),
        author: text(f.author),
        source: text(f.source),
        editor: text(f.editor),
        site: text(f.site),
        categories: stored_texts(doc, f.categories),
        tags: stored_texts(doc, f.tags),
        url: text(f.url),
        image: text(f.image),
        extra,
        body: text(f.body).unwrap_or_default(),
        credits: String::new(),
    }
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
    fn a_stored_document_reads_back_as_it_was_written() {
        let fields = Fields::resolve(&super::super::schema::schema()).unwrap();
        let published = DateTime::parse_from_rfc3339("2022-01-27T12:15:04+08:00").unwrap();
        let mut extra = serde_json::Map::new();
        extra.insert("layout".into(), "post".into());
        let written = Document {
            id: "a/1.md".into(),
            path: "corpus/a/1.md".into(),
            title: "支付新规".into(),
            published: Some(published),
            author: Some("张三".into()),
            source: Some("新华社".into()),
            editor: None,
            site: Some("网易".into()),
            categories: vec!["财经".into()],
            tags: vec!["支付".into(), "监管".into()],
            url: Some("https://example.com/1".into()),
            image: None,
            extra,
            body: "第一段。\n第二段。".into(),
            own_title: true,
            credits: String::new(),
        };
        let doc = to_document(&written, &Analysis::default(), 7, &fields);
        assert_eq!(stored_document(&doc, &fields), written);
    }
}
