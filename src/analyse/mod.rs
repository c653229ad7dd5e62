//! Analyse: a document's text to an [`Analysis`] (the dates it mentions, the entities it
//! names and its keywords), near-duplicate fingerprints ([`neardup`]), and the normaliser and tokenizers ([`text`]) that indexing and querying share.
//!
//! It takes plain strings ([`Text`]), never a read or index type, so the read stage and this one
//! cannot depend on each other. [`Linguistics`] is the one dictionary everything here uses.

pub mod dates;
pub mod dictionary;
pub mod entities;
pub mod keywords;
pub mod linguistics;
pub mod neardup;
pub mod query_dictionary;
pub mod script;
pub mod text;

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

pub use linguistics::Linguistics;

use crate::stages::{self, Stage};
use dates::DateMention;
use entities::Entity;

/// The text of one document as analysis needs it.
#[derive(Debug, Clone, Copy)]
pub struct Text<'a> {
    /// The document's own title; `None` when it was made up from the body or the file name
    /// (analysing that would count the body's mentions twice).
    pub title: Option<&'a str>,
    pub body: &'a str,
    /// Credit lines taken off the end of the body: read for entities only.
    pub credits: &'a str,
    /// The outlet named in the metadata or the header's source line.
    pub source: Option<&'a str>,
    /// The calendar day of publication in the offset the article was written in: relative
    /// dates (`昨日`) resolve against it.
    pub published: Option<NaiveDate>,
}

/// What analysis found in one document.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Analysis {
    /// Dates the title and body mention, resolved against the publication day.
    pub dates: Vec<MentionedDate>,
    /// Named entities of the title and body, most mentioned first.
    pub entities: Vec<Entity>,
    /// The article's top TF-IDF keywords, best first ([`keywords`]).
    pub keywords: Vec<String>,
}

/// Which text a mention's byte offsets refer to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TextField {
    Title,
    Body,
}

/// A date mention and the field it was found in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MentionedDate {
    pub field: TextField,
    #[serde(flatten)]
    pub mention: DateMention,
}

impl Linguistics {
    /// Dates and entities of one document.
    pub fn analyse(&self, text: &Text) -> Analysis {
        let entities = stages::timed(Stage::Entities, || {
            self.entities(text.title.unwrap_or(""), &entity_body(text))
        });
        let dates = stages::timed(Stage::Dates, || {
            dates_of(text.title, text.body, text.published)
        });
        let keywords = stages::timed(Stage::Keywords, || {
            keywords::keywords(&self.analyzer, text.title, text.body)
        });
        Analysis {
            dates,
            entities,
            keywords,
        }
    }
}

/// The dates a title and body mention, resolved against the publication day: what `analyse`
/// finds, without the entity and keyword passes (an article view needs only the dates, which
/// the index keeps as periods, not spans).
pub fn dates_of(
    title: Option<&str>,
    body: &str,
    published: Option<NaiveDate>,
) -> Vec<MentionedDate> {
    let title_dates = title.map(|title| mentioned_dates(TextField::Title, title, published));
    title_dates
        .into_iter()
        .flatten()
        .chain(mentioned_dates(TextField::Body, body, published))
        .collect()
}

/// The body entity extraction reads: the body, then the credit lines taken off its end, then
/// the source line. A page shows its source line (来源：X) in the header, which cleaning leaves
/// out of the body; the outlet it names is still an organisation the article mentions, and the
/// same holds for the credit lines.
pub fn entity_body<'a>(text: &Text<'a>) -> std::borrow::Cow<'a, str> {
    let mut body = std::borrow::Cow::Borrowed(text.body);
    if !text.credits.is_empty() {
        body = std::borrow::Cow::Owned(format!("{}\n{}", text.body, text.credits));
    }
    if let Some(source) = text.source
        && !body.contains(source)
    {
        body = std::borrow::Cow::Owned(format!("{body}\n来源：{source}"));
    }
    body
}

/// Date mentions of one field. The index stores days as instants; years it cannot hold are not
/// dates anyway.
fn mentioned_dates(
    field: TextField,
    text: &str,
    published: Option<NaiveDate>,
) -> impl Iterator<Item = MentionedDate> {
    dates::extract_dates(text, published)
        .into_iter()
        .filter(|m| {
            crate::years::supported_year(m.value.year()).is_ok()
                && crate::years::supported_year(m.end_value.year()).is_ok()
        })
        .map(move |mention| MentionedDate { field, mention })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn title_and_body_dates_resolve_against_the_publication_day() {
        let analysis = Linguistics::shared().analyse(&Text {
            title: Some("昨日发布"),
            body: "新规将于明年3月实施。",
            credits: "",
            source: None,
            published: Some(day(2021, 11, 30)),
        });
        let got: Vec<_> = analysis
            .dates
            .iter()
            .map(|d| (d.field, d.mention.text.as_str(), d.mention.value))
            .collect();
        assert_eq!(
            got,
            vec![
                (TextField::Title, "昨日", day(2021, 11, 29)),
                (TextField::Body, "明年3月", day(2022, 3, 1)),
            ]
        );
    }

    #[test]
    fn a_made_up_title_is_not_analysed_and_the_source_line_names_an_organisation() {
        let analysis = Linguistics::shared().analyse(&Text {
            title: None,
            body: "今日天气晴。",
            credits: "",
            source: Some("新华社"),
            published: Some(day(2021, 11, 30)),
        });
        let names: Vec<_> = analysis.entities.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names, vec!["新华社"]);
        assert_eq!(analysis.dates.len(), 1);
        assert_eq!(analysis.dates[0].field, TextField::Body);
    }

    #[test]
    fn credit_lines_name_people_but_are_not_dated() {
        let analysis = Linguistics::shared().analyse(&Text {
            title: None,
            body: "三号线年底试运行。",
            credits: "责任编辑：林小雨 2021年5月1日",
            source: None,
            published: Some(day(2021, 11, 30)),
        });
        let names: Vec<_> = analysis.entities.iter().map(|e| e.name.as_str()).collect();
        assert!(names.contains(&"林小雨"), "{names:?}");
        assert!(
            analysis
                .dates
                .iter()
                .all(|d| d.mention.text != "2021年5月1日")
        );
    }

    #[test]
    fn dates_the_index_cannot_hold_are_dropped() {
        let analysis = Linguistics::shared().analyse(&Text {
            title: None,
            body: "公元2999年1月1日。",
            credits: "",
            source: None,
            published: None,
        });
        assert_eq!(analysis.dates, Vec::new());
    }
}
