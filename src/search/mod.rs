//! Search: query -> plan -> searcher -> snippets. Queries are built here rather than by tantivy's parser so that
//! Chinese behaves as readers expect:
//!
//! * every query word matches as a jieba word (ranked by BM25) *or* as a bigram substring,
//!   so `支付` finds `微信支付` and `农业` finds `中国农业发展银行`;
//! * documents containing all the query words rank above those containing only some (two
//!   tiers: the conjunction first, then the rest of the disjunction);
//! * `"..."` is a bigram phrase, i.e. an exact substring after normalisation; `-x` excludes.

use std::collections::HashSet;
use std::path::Path;
use std::time::Instant;

use chrono::{DateTime, FixedOffset, NaiveDate};
use tantivy::collector::{Count, FacetCollector, TopDocs};
use tantivy::query::{AllQuery, Occur, Query};
use tantivy::schema::Facet;
use tantivy::{DocAddress, IndexReader, Order, TantivyDocument};

use std::sync::Arc;

pub mod plan;
pub mod query;
pub mod snippet;

use crate::analyse::Linguistics;
use crate::analyse::entities::EntityType;
use crate::error::Error;
use crate::index::{self, OpenIndex, state};
use plan::Plan;
use snippet::Snippet;

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

impl Searcher {
    /// Opens the index at `path` with the dictionary it was built with.
    pub fn open(path: &Path) -> Result<Searcher, Error> {
        let linguistics = state::linguistics_for(path)?;
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
        let plan = Plan::new(request, &self.opened.fields, &self.linguistics)?;
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
        let query: Box<dyn Query> = match Plan::new(request, &self.opened.fields, &self.linguistics)
        {
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

    fn hit(&self, doc: &TantivyDocument, score: f32, needles: &[String]) -> Hit {
        let f = &self.opened.fields;
        let text = |field| index::convert::stored_text(doc, field);
        let body = text(f.body).unwrap_or_default();
        Hit {
            id: text(f.id).unwrap_or_default(),
            path: text(f.path).unwrap_or_default(),
            title: text(f.title).unwrap_or_default(),
            published: index::convert::stored_published(doc, f),
            score,
            snippet: snippet::build(&body, needles, snippet::SNIPPET_CHARS),
            author: text(f.author),
            source: text(f.source),
            editor: text(f.editor),
            site: text(f.site),
            categories: index::convert::stored_texts(doc, f.categories),
            tags: index::convert::stored_texts(doc, f.tags),
            entities: text(f.entities)
                .and_then(|json| serde_json::from_str(&json).ok())
                .unwrap_or_else(|| serde_json::Value::Array(Vec::new())),
        }
    }
}
