//! Planning: a request to tantivy queries. Each query word becomes "jieba word in title
//! (boosted) or body, or the same characters as a bigram substring"; quoted phrases are bigram
//! phrases, `-x` excludes, and every filter flag is one more required clause.

use std::ops::Bound;

use chrono::{NaiveDate, NaiveTime};
use tantivy::Term;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, Occur, PhraseQuery, Query, RangeQuery, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};

use super::{SearchRequest, query};
use crate::analyse::Linguistics;
use crate::analyse::text;
use crate::error::Error;
use crate::index::{self, Fields};

/// Title matches count this much more than body matches.
const TITLE_BOOST: f32 = 3.0;
/// Words beyond this many are ignored: a pasted paragraph should not cost seconds.
const MAX_QUERY_WORDS: usize = 32;

/// The query in tantivy terms, plus what to highlight.
pub(super) struct Plan {
    /// One query per query word or phrase.
    pub(super) positives: Vec<Box<dyn Query>>,
    pub(super) filters: Vec<Box<dyn Query>>,
    pub(super) excluded: Vec<Box<dyn Query>>,
    pub(super) needles: Vec<String>,
}

impl Plan {
    /// Turns a request into tantivy queries. An empty plan is an error that says why.
    pub(super) fn new(
        request: &SearchRequest,
        f: &Fields,
        linguistics: &Linguistics,
    ) -> Result<Plan, Error> {
        let mut plan = Plan {
            positives: Vec::new(),
            filters: filters(request, f, linguistics),
            excluded: Vec::new(),
            needles: Vec::new(),
        };
        for clause in query::parse(&request.query) {
            if clause.excluded {
                plan.excluded.extend(phrase_query(&clause.text, f));
                continue;
            }
            let words = linguistics.analyzer.query_words(&clause.text);
            if clause.phrase {
                if let Some(q) = phrase_query(&clause.text, f) {
                    plan.positives.push(q);
                }
            } else {
                for word in &words {
                    if plan.positives.len() < MAX_QUERY_WORDS {
                        plan.positives.push(word_query(word, f));
                    }
                }
            }
            plan.needles.extend(words);
        }
        if plan.positives.is_empty() && plan.filters.is_empty() && plan.excluded.is_empty() {
            return Err(Error::Query(if request.query.trim().is_empty() {
                "empty query: give words to search for, or a filter such as --since".to_string()
            } else {
                format!(
                    "nothing to search for in '{}': it has no letters, digits or Chinese characters",
                    request.query
                )
            }));
        }
        Ok(plan)
    }

    /// Every document the request matches: any query word (or everything, when there are only
    /// filters), within the filters, minus the exclusions. Counts and entity tallies use it.
    pub(super) fn result_set(&self) -> BooleanQuery {
        if self.positives.is_empty() {
            self.combine(None)
        } else {
            self.combine(Some(Occur::Should))
        }
    }

    /// The whole query with the positives joined by `occur` (None: match everything).
    pub(super) fn combine(&self, occur: Option<Occur>) -> BooleanQuery {
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        match occur {
            None => clauses.push((Occur::Must, Box::new(AllQuery))),
            Some(Occur::Must) => {
                clauses.extend(self.positives.iter().map(|q| (Occur::Must, q.box_clone())));
            }
            Some(_) => {
                let any = self
                    .positives
                    .iter()
                    .map(|q| (Occur::Should, q.box_clone()))
                    .collect();
                clauses.push((Occur::Must, Box::new(BooleanQuery::new(any))));
            }
        }
        clauses.extend(self.filters.iter().map(|q| (Occur::Must, q.box_clone())));
        clauses.extend(
            self.excluded
                .iter()
                .map(|q| (Occur::MustNot, q.box_clone())),
        );
        BooleanQuery::new(clauses)
    }
}

/// A query word: a jieba word in title or body, or the same characters as a bigram substring.
fn word_query(word: &str, f: &Fields) -> Box<dyn Query> {
    let term = |field: Field| -> Box<dyn Query> {
        Box::new(TermQuery::new(
            Term::from_field_text(field, word),
            IndexRecordOption::WithFreqs,
        ))
    };
    let mut any: Vec<(Occur, Box<dyn Query>)> = vec![
        (
            Occur::Should,
            Box::new(BoostQuery::new(term(f.title), TITLE_BOOST)),
        ),
        (Occur::Should, term(f.body)),
    ];
    if let Some(substring) = phrase_query(word, f) {
        any.push((Occur::Should, substring));
    }
    Box::new(BooleanQuery::new(any))
}

/// An exact (normalised) substring in title or body, via consecutive bigram positions.
fn phrase_query(text: &str, f: &Fields) -> Option<Box<dyn Query>> {
    let tokens = text::bigrams(text);
    if tokens.is_empty() {
        return None;
    }
    let on = |field: Field| -> Box<dyn Query> {
        if tokens.len() == 1 {
            Box::new(TermQuery::new(
                Term::from_field_text(field, &tokens[0].text),
                IndexRecordOption::WithFreqs,
            ))
        } else {
            Box::new(PhraseQuery::new_with_offset(
                tokens
                    .iter()
                    .map(|t| (t.position, Term::from_field_text(field, &t.text)))
                    .collect(),
            ))
        }
    };
    Some(Box::new(BooleanQuery::new(vec![
        (
            Occur::Should,
            Box::new(BoostQuery::new(on(f.title_bigram), TITLE_BOOST)),
        ),
        (Occur::Should, on(f.body_bigram)),
    ])))
}

/// The canonical name for what a user typed: `阿里` is filed under `阿里巴巴` when the
/// gazetteer says they are one entity. Unknown names are used as typed.
fn canonical_entity(name: &str, linguistics: &Linguistics) -> String {
    linguistics.canonical_entity(name)
}

fn filters(request: &SearchRequest, f: &Fields, linguistics: &Linguistics) -> Vec<Box<dyn Query>> {
    let mut out: Vec<Box<dyn Query>> = Vec::new();
    let offset = crate::read::pubdate::default_offset();
    let day_start = |day: NaiveDate| {
        let seconds = day.and_time(NaiveTime::MIN).and_utc().timestamp()
            - i64::from(offset.local_minus_utc());
        Term::from_field_date_for_search(f.published, index::instant(seconds))
    };
    if request.since.is_some() || request.until.is_some() {
        let lower = request
            .since
            .map_or(Bound::Unbounded, |d| Bound::Included(day_start(d)));
        // Up to the start of the day after; a day past chrono's range has no "after".
        let upper = request
            .until
            .map_or(Bound::Unbounded, |d| match d.succ_opt() {
                Some(next) => Bound::Excluded(day_start(next)),
                None => Bound::Unbounded,
            });
        out.push(Box::new(RangeQuery::new(lower, upper)));
    }
    if let Some((from, to)) = request.mentions {
        // Start and end both inside the period. The two fields are parallel lists, so a
        // document whose one mention starts inside and another ends inside also passes; such
        // pairs straddle the period's edges and are rare enough to accept.
        for field in [f.mention_start, f.mention_end] {
            let bound = |day: Option<NaiveDate>| {
                day.map_or(Bound::Unbounded, |d| {
                    Bound::Included(Term::from_field_date_for_search(
                        field,
                        index::day_instant(d),
                    ))
                })
            };
            out.push(Box::new(RangeQuery::new(bound(from), bound(to))));
        }
    }
    for name in &request.entities {
        out.push(Box::new(TermQuery::new(
            Term::from_field_text(f.entity_name, &canonical_entity(name, linguistics)),
            IndexRecordOption::Basic,
        )));
    }
    for (values, field) in [
        (&request.categories, f.categories),
        (&request.sources, f.source),
    ] {
        if !values.is_empty() {
            let any = values
                .iter()
                .map(|v| -> (Occur, Box<dyn Query>) {
                    (
                        Occur::Should,
                        Box::new(TermQuery::new(
                            Term::from_field_text(field, v),
                            IndexRecordOption::Basic,
                        )),
                    )
                })
                .collect();
            out.push(Box::new(BooleanQuery::new(any)));
        }
    }
    out
}
