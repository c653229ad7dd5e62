//! One stored article by id, as `inspect` shows it: its metadata, title and clean body, the
//! entities the index holds, and the dates its text mentions (analysed again from the stored
//! text, since the index keeps only their periods). [`segments`] cuts a text into plain runs
//! and marked runs so a page can mark entities and dates without parsing any markup.

use aho_corasick::{AhoCorasick, MatchKind};
use serde::Serialize;
use serde_json::Value;
use tantivy::collector::TopDocs;
use tantivy::query::TermQuery;
use tantivy::schema::IndexRecordOption;
use tantivy::{TantivyDocument, Term};

use super::Searcher;
use crate::analyse::dates::DateMention;
use crate::analyse::{MentionedDate, TextField, dates_of};
use crate::error::Error;
use crate::index::convert::{stored_document, stored_text};
use crate::read::Document;

/// An indexed article with the dates its text mentions and the entities the index holds.
/// Serialises as `inspect` prints an article: the document's fields, then `dates` and
/// `entities`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StoredArticle {
    #[serde(flatten)]
    pub document: Document,
    /// Byte spans into the title or the body.
    pub dates: Vec<MentionedDate>,
    /// As indexed: `[{"name", "type", "count", "mentions"}]`.
    pub entities: Value,
}

/// A run of text, marked or not.
#[derive(Debug, Clone, PartialEq)]
pub struct Segment {
    pub text: String,
    pub mark: Option<Mark>,
}

/// What a marked run is.
#[derive(Debug, Clone, PartialEq)]
pub enum Mark {
    Entity { name: String, kind: String },
    Date(DateMention),
}

impl Searcher {
    /// The article with this id, or `None` when the index has none.
    pub fn article(&self, id: &str) -> Result<Option<StoredArticle>, Error> {
        let f = &self.opened.fields;
        let searcher = self.reader.searcher();
        let err = |e: tantivy::TantivyError| Error::Query(format!("article lookup failed: {e}"));
        let query = TermQuery::new(Term::from_field_text(f.id, id), IndexRecordOption::Basic);
        let top = searcher
            .search(&query, &TopDocs::with_limit(1).order_by_score())
            .map_err(err)?;
        let Some((_, address)) = top.into_iter().next() else {
            return Ok(None);
        };
        let doc: TantivyDocument = searcher.doc(address).map_err(err)?;
        Ok(Some(self.stored_article(&doc)))
    }

    fn stored_article(&self, doc: &TantivyDocument) -> StoredArticle {
        let f = &self.opened.fields;
        let document = stored_document(doc, f);
        let title = Some(document.title.as_str()).filter(|t| !t.is_empty());
        let published = document.published.map(|d| d.date_naive());
        let dates = dates_of(title, &document.body, published);
        let entities = stored_text(doc, f.entities)
            .and_then(|s| serde_json::from_str::<Value>(&s).ok())
            .unwrap_or_else(|| Value::Array(Vec::new()));
        StoredArticle {
            document,
            dates,
            entities,
        }
    }
}

/// `text` (the article's title or body, per `field`) cut into runs: each date mention of that
/// field and each occurrence of an entity's surface form is its own marked run (dates win
/// where they overlap an entity; longer surface forms win over shorter ones).
pub fn segments(
    text: &str,
    field: TextField,
    dates: &[MentionedDate],
    entities: &Value,
) -> Vec<Segment> {
    let mut marks: Vec<(usize, usize, Mark)> = dates
        .iter()
        .filter(|d| d.field == field && text.get(d.mention.start..d.mention.end).is_some())
        .map(|d| {
            (
                d.mention.start,
                d.mention.end,
                Mark::Date(d.mention.clone()),
            )
        })
        .collect();
    for (start, end, mark) in entity_marks(text, entities) {
        if marks.iter().all(|(s, e, _)| end <= *s || start >= *e) {
            marks.push((start, end, mark));
        }
    }
    marks.sort_by_key(|(s, e, _)| (*s, *e));
    let mut out = Vec::new();
    let mut at = 0;
    for (start, end, mark) in marks {
        if start < at {
            continue;
        }
        if start > at {
            out.push(Segment {
                text: text[at..start].to_string(),
                mark: None,
            });
        }
        out.push(Segment {
            text: text[start..end].to_string(),
            mark: Some(mark),
        });
        at = end;
    }
    if at < text.len() {
        out.push(Segment {
            text: text[at..].to_string(),
            mark: None,
        });
    }
    out
}

/// Leftmost-longest occurrences of every entity's surface forms.
fn entity_marks(text: &str, entities: &Value) -> Vec<(usize, usize, Mark)> {
    let mut forms: Vec<(String, Mark)> = Vec::new();
    for e in entities.as_array().map(Vec::as_slice).unwrap_or_default() {
        let name = e.get("name").and_then(Value::as_str).unwrap_or_default();
        let kind = e.get("type").and_then(Value::as_str).unwrap_or_default();
        let mentions = e.get("mentions").and_then(Value::as_array);
        for form in mentions.map(Vec::as_slice).unwrap_or_default() {
            if let Some(form) = form.as_str().filter(|s| !s.is_empty()) {
                let mark = Mark::Entity {
                    name: name.to_string(),
                    kind: kind.to_string(),
                };
                forms.push((form.to_string(), mark));
            }
        }
    }
    let Ok(matcher) = AhoCorasick::builder()
        .match_kind(MatchKind::LeftmostLongest)
        .build(forms.iter().map(|(f, _)| f))
    else {
        return Vec::new();
    };
    matcher
        .find_iter(text)
        .filter_map(|m| {
            let (_, mark) = forms.get(m.pattern().as_usize())?;
            Some((m.start(), m.end(), mark.clone()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyse::dates::Granularity;
    use chrono::NaiveDate;

    #[test]
    fn dates_and_entities_become_marked_runs_and_the_rest_stays_plain() {
        let text = "昨天腾讯和微信支付上线";
        let day = NaiveDate::from_ymd_opt(2022, 3, 1).unwrap();
        let dates = vec![MentionedDate {
            field: TextField::Body,
            mention: DateMention {
                text: "昨天".into(),
                start: 0,
                end: 6,
                value: day,
                end_value: day,
                granularity: Granularity::Day,
                time: None,
                open: None,
            },
        }];
        let entities = serde_json::json!([
            {"name": "腾讯", "type": "ORG", "count": 1, "mentions": ["腾讯"]},
            {"name": "微信", "type": "PRODUCT", "count": 1, "mentions": ["微信"]},
            {"name": "微信支付", "type": "PRODUCT", "count": 1, "mentions": ["微信支付"]}
        ]);
        let got: Vec<(String, String)> = segments(text, TextField::Body, &dates, &entities)
            .into_iter()
            .map(|s| {
                let mark = match s.mark {
                    None => "-".to_string(),
                    Some(Mark::Date(d)) => d.value.to_string(),
                    Some(Mark::Entity { name, kind }) => format!("{kind}:{name}"),
                };
                (s.text, mark)
            })
            .collect();
        let want = [
            ("昨天", "2022-03-01"),
            ("腾讯", "ORG:腾讯"),
            ("和", "-"),
            ("微信支付", "PRODUCT:微信支付"),
            ("上线", "-"),
        ];
        let want: Vec<(String, String)> = want
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        assert_eq!(got, want);
    }

    #[test]
    fn title_dates_do_not_mark_the_body() {
        let day = NaiveDate::from_ymd_opt(2022, 3, 1).unwrap();
        let dates = vec![MentionedDate {
            field: TextField::Title,
            mention: DateMention {
                text: "今天".into(),
                start: 0,
                end: 6,
                value: day,
                end_value: day,
                granularity: Granularity::Day,
                time: None,
                open: None,
            },
        }];
        let segs = segments("今天好", TextField::Body, &dates, &Value::Null);
        assert_eq!(
            segs,
            vec![Segment {
                text: "今天好".into(),
                mark: None
            }]
        );
    }
}
