//! Query -> analyse -> search. Queries are built here rather than by tantivy's parser so that
//! Chinese behaves as readers expect:
//!
//! * every query word matches as a jieba word (ranked by BM25) *or* as a bigram substring,
//!   so `支付` finds `微信支付` and `农业` finds `中国农业发展银行`;
//! * documents containing all the query words rank above those containing only some (two
//!   tiers: the conjunction first, then the rest of the disjunction);
//! * `"..."` is a bigram phrase, i.e. an exact substring after normalisation; `-x` excludes.

use std::collections::HashSet;
use std::ops::Bound;
use std::path::Path;
use std::time::Instant;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime};
use tantivy::collector::{Count, FacetCollector, TopDocs};
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, Occur, PhraseQuery, Query, RangeQuery, TermQuery,
};
use tantivy::schema::Facet;
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocAddress, IndexReader, Order, TantivyDocument, Term};

use std::sync::Arc;

use crate::analysis::{self, Linguistics};
use crate::entities::EntityType;
use crate::error::Error;
use crate::index::{self, Fields, OpenIndex};
use crate::query;
use crate::snippet::{self, Snippet};

/// Title matches count this much more than body matches.
const TITLE_BOOST: f32 = 3.0;
/// Words beyond this many are ignored: a pasted paragraph should not cost seconds.
const MAX_QUERY_WORDS: usize = 32;

/// Upper bound for `-n`.
pub const MAX_HITS: usize = 10_000;

/// What to search for.
#[derive(Debug, Clone, Default)]
pub struct SearchRequest {
    pub query: String,
    pub limit: usize,
    /// Publication date bounds, inclusive, as calendar days in +08:00 (the default offset).
    pub since: Option<NaiveDate>,
    pub until: Option<NaiveDate>,
    /// Any of these categories (exact).
    pub categories: Vec<String>,
    /// Any of these sources (exact).
    pub sources: Vec<String>,
    /// Any of these publishing platforms (exact).
    pub sites: Vec<String>,
    /// Keep articles that mention a period lying within these days (inclusive).
    pub mentions: Option<(Option<NaiveDate>, Option<NaiveDate>)>,
    /// Keep articles that mention every one of these entities (names or aliases).
    pub entities: Vec<String>,
}

/// One ranked result.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub id: String,
    pub path: String,
    pub title: String,
    pub published: Option<DateTime<FixedOffset>>,
    pub score: f32,
    pub snippet: Snippet,
    pub author: Option<String>,
    pub source: Option<String>,
    pub editor: Option<String>,
    pub site: Option<String>,
    pub categories: Vec<String>,
    pub tags: Vec<String>,
    /// The article's entities as indexed: `[{"name", "type", "count", "mentions"}]`.
    pub entities: serde_json::Value,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SearchResults {
    pub query: String,
    pub total: usize,
    pub took_ms: u64,
    pub hits: Vec<Hit>,
}

/// How many matching documents mention an entity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntityCount {
    pub name: String,
    pub kind: EntityType,
    pub documents: u64,
}

/// The most-mentioned entities of a result set.
#[derive(Debug, Clone, PartialEq)]
pub struct EntityCounts {
    /// Documents in the result set.
    pub total: usize,
    pub took_ms: u64,
    pub entities: Vec<EntityCount>,
}

/// An index opened for searching.
pub struct Searcher {
    opened: OpenIndex,
    reader: IndexReader,
    linguistics: Arc<Linguistics>,
}

/// The query in tantivy terms, plus what to highlight.
struct Plan {
    /// One query per query word or phrase.
    positives: Vec<Box<dyn Query>>,
    filters: Vec<Box<dyn Query>>,
    excluded: Vec<Box<dyn Query>>,
    needles: Vec<String>,
}

impl Searcher {
    /// Opens the index at `path` with the dictionary it was built with.
    pub fn open(path: &Path) -> Result<Searcher, Error> {
        let linguistics = index::linguistics_for(path)?;
        Searcher::from_index(index::open(path, &linguistics.analyzer)?, linguistics)
    }

    /// Searches an index opened elsewhere (in memory, for tests and fuzzing).
    pub fn from_index(opened: OpenIndex, linguistics: Arc<Linguistics>) -> Result<Searcher, Error> {
        let reader = opened
            .index
            .reader()
            .map_err(|e| Error::index("(index)", e))?;
        Ok(Searcher {
            opened,
            reader,
            linguistics,
        })
    }

    pub fn search(&self, request: &SearchRequest) -> Result<SearchResults, Error> {
        let started = Instant::now();
        let plan = self.plan(request)?;
        let searcher = self.reader.searcher();
        let limit = request.limit.min(MAX_HITS);
        let err = |e: tantivy::TantivyError| Error::Query(format!("search failed: {e}"));

        let matching = plan.result_set();
        let total = searcher.search(&matching, &Count).map_err(err)?;
        let mut ranked: Vec<(f32, DocAddress)> = Vec::new();
        if plan.positives.is_empty() {
            // Filters only: newest first.
            if limit > 0 {
                let newest = TopDocs::with_limit(limit)
                    .order_by_fast_field::<tantivy::DateTime>("published", Order::Desc);
                ranked = searcher
                    .search(&matching, &newest)
                    .map_err(err)?
                    .into_iter()
                    .map(|(_, addr)| (0.0, addr))
                    .collect();
            }
        } else if limit > 0 {
            let all = plan.combine(Some(Occur::Must));
            ranked = searcher
                .search(&all, &TopDocs::with_limit(limit).order_by_score())
                .map_err(err)?;
            if ranked.len() < limit && plan.positives.len() > 1 {
                let seen: HashSet<DocAddress> = ranked.iter().map(|(_, a)| *a).collect();
                let more = searcher
                    .search(
                        &matching,
                        &TopDocs::with_limit(limit + seen.len()).order_by_score(),
                    )
                    .map_err(err)?;
                ranked.extend(more.into_iter().filter(|(_, a)| !seen.contains(a)));
                ranked.truncate(limit);
            }
        }

        let mut hits = Vec::with_capacity(ranked.len());
        for (score, address) in ranked {
            let doc: TantivyDocument = searcher.doc(address).map_err(err)?;
            hits.push(self.hit(&doc, score, &plan.needles));
        }
        Ok(SearchResults {
            query: request.query.clone(),
            total,
            took_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
            hits,
        })
    }

    /// The entities mentioned by the most documents among those the request matches (all
    /// documents when it has neither words nor filters), optionally of one type.
    pub fn top_entities(
        &self,
        request: &SearchRequest,
        kind: Option<EntityType>,
        top: usize,
    ) -> Result<EntityCounts, Error> {
        let started = Instant::now();
        // Counting over everything needs no words, which `plan` refuses for searching.
        let query: Box<dyn Query> = match self.plan(request) {
            Ok(plan) => Box::new(plan.result_set()),
            Err(_) if request.query.trim().is_empty() => Box::new(AllQuery),
            Err(e) => return Err(e),
        };
        let searcher = self.reader.searcher();
        let err = |e: tantivy::TantivyError| Error::Query(format!("entity count failed: {e}"));
        let kinds: &[EntityType] = match &kind {
            Some(k) => std::slice::from_ref(k),
            None => &EntityType::ALL,
        };
        let mut collector = FacetCollector::for_field("entity");
        for k in kinds {
            collector.add_facet(Facet::from_path([k.as_str()]));
        }
        let (counts, total) = searcher.search(&query, &(collector, Count)).map_err(err)?;
        // The top of each type, merged: the overall top N is among them.
        let mut entities: Vec<EntityCount> = kinds
            .iter()
            .flat_map(|&k| {
                let parent = Facet::from_path([k.as_str()]).to_path_string();
                counts
                    .top_k(&parent, top)
                    .into_iter()
                    .filter_map(move |(facet, documents)| {
                        facet.to_path().get(1).map(|name| EntityCount {
                            name: name.to_string(),
                            kind: k,
                            documents,
                        })
                    })
            })
            .collect();
        entities.sort_by(|a, b| {
            b.documents
                .cmp(&a.documents)
                .then_with(|| a.name.cmp(&b.name))
        });
        entities.truncate(top);
        Ok(EntityCounts {
            total,
            took_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
            entities,
        })
    }

    fn plan(&self, request: &SearchRequest) -> Result<Plan, Error> {
        let f = &self.opened.fields;
        let mut plan = Plan {
            positives: Vec::new(),
            filters: filters(request, f, &self.linguistics),
            excluded: Vec::new(),
            needles: Vec::new(),
        };
        for clause in query::parse(&request.query) {
            if clause.excluded {
                plan.excluded.extend(phrase_query(&clause.text, f));
                continue;
            }
            let words = self.linguistics.analyzer.query_words(&clause.text);
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

    fn hit(&self, doc: &TantivyDocument, score: f32, needles: &[String]) -> Hit {
        let f = &self.opened.fields;
        let text = |field| index::stored_text(doc, field);
        let body = text(f.body).unwrap_or_default();
        Hit {
            id: text(f.id).unwrap_or_default(),
            path: text(f.path).unwrap_or_default(),
            title: text(f.title).unwrap_or_default(),
            published: index::stored_published(doc, f),
            score,
            snippet: snippet::build(&body, needles, snippet::SNIPPET_CHARS),
            author: text(f.author),
            source: text(f.source),
            editor: text(f.editor),
            site: text(f.site),
            categories: index::stored_texts(doc, f.categories),
            tags: index::stored_texts(doc, f.tags),
            entities: text(f.entities)
                .and_then(|json| serde_json::from_str(&json).ok())
                .unwrap_or_else(|| serde_json::Value::Array(Vec::new())),
        }
    }
}

impl Plan {
    /// Every document the request matches: any query word (or everything, when there are only
    /// filters), within the filters, minus the exclusions. Counts and entity tallies use it.
    fn result_set(&self) -> BooleanQuery {
        if self.positives.is_empty() {
            self.combine(None)
        } else {
            self.combine(Some(Occur::Should))
        }
    }

    /// The whole query with the positives joined by `occur` (None: match everything).
    fn combine(&self, occur: Option<Occur>) -> BooleanQuery {
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
    let tokens = analysis::bigrams(text);
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
    let name = name.trim();
    linguistics
        .entities("", name)
        .into_iter()
        .find(|e| e.mentions.iter().any(|m| m == name))
        .map_or_else(|| name.to_string(), |e| e.name)
}

fn filters(request: &SearchRequest, f: &Fields, linguistics: &Linguistics) -> Vec<Box<dyn Query>> {
    let mut out: Vec<Box<dyn Query>> = Vec::new();
    let offset = crate::pubdate::default_offset();
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
        (&request.sites, f.site),
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
