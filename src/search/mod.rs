//! Search: query -> plan -> searcher -> snippets. Queries are built here rather than by
//! tantivy's parser so that Chinese behaves as readers expect:
//!
//! * every query word matches as a jieba word (ranked by BM25) *or* as a bigram substring,
//!   so `支付` finds `微信支付` and `农业` finds `中国农业发展银行`;
//! * every word must match; when no document has them all, the best partial matches are shown
//!   and the results say so (`partial`);
//! * `"..."` is a bigram phrase, i.e. an exact substring after normalisation; `-x` excludes;
//!   `OR`, parentheses and field prefixes are understood ([`query`]).

use std::path::Path;
use std::time::Instant;

use chrono::{DateTime, FixedOffset, NaiveDate};
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{AllQuery, BooleanQuery, Query};
use tantivy::{DocAddress, IndexReader, Order, ReloadPolicy, TantivyDocument};

use std::sync::Arc;

pub mod article;
pub mod collapse;
pub mod columns;
pub mod doc_ords;
pub mod duplicates;
pub mod entity_facets;
pub mod facets;
mod live_dictionary;
pub mod ord_counts;
pub mod plan;
pub mod query;
pub mod similar;
pub mod snippet;
pub mod stats;
pub mod synonyms;
pub mod term_table;
pub mod terms;
pub mod trends;

use crate::analyse::Linguistics;
use crate::analyse::entities::EntityType;
use crate::error::Error;
use crate::index::{self, OpenIndex};
use facets::{FacetValue, MetaCounts};
use plan::Plan;
use snippet::Snippet;
use synonyms::Synonyms;

/// Upper bound for `-n`.
pub const MAX_HITS: usize = 10_000;
/// Upper bound for `--offset`.
pub const MAX_OFFSET: usize = 100_000;
/// Decompressed document-store blocks kept per segment (tantivy keeps 100). A result page
/// reads a stored document per hit and per listed duplicate, each from a 32 KB zstd block
/// (`index::settings`); a server cycling through more pages than the cache held decompressed
/// nearly every block again. At most 8 MB per segment, filled only as blocks are read.
pub const DOC_STORE_CACHE_BLOCKS: usize = 256;
/// Values listed per facet.
pub const FACET_TOP: usize = 10;

/// The order of hits.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Sort {
    /// Best match first (newest first when there are no words to rank by).
    #[default]
    Relevance,
    Newest,
    Oldest,
}

/// What to search for.
#[derive(Debug, Clone, Default)]
pub struct SearchRequest {
    pub query: String,
    pub limit: usize,
    /// Hits to skip (paging with `limit`).
    pub offset: usize,
    pub sort: Sort,
    /// Publication date bounds, inclusive, as calendar days in +08:00 (the default offset).
    pub since: Option<NaiveDate>,
    pub until: Option<NaiveDate>,
    /// Any of these categories (exact).
    pub categories: Vec<String>,
    /// Any of these sources (exact).
    pub sources: Vec<String>,
    /// Any of these publishing platforms (exact).
    pub sites: Vec<String>,
    /// Any of these tags (exact).
    pub tags: Vec<String>,
    /// Any of these authors (exact).
    pub authors: Vec<String>,
    /// Keep articles that mention a period lying within these days (inclusive).
    pub mentions: Option<(Option<NaiveDate>, Option<NaiveDate>)>,
    /// Keep articles that mention every one of these entities (names or aliases).
    pub entities: Vec<String>,
    /// Count the whole result set by source, category, tag, month and entity.
    pub facets: bool,
    /// List every article instead of one per near-duplicate cluster.
    pub no_collapse: bool,
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
    /// The article's keywords, best first.
    pub keywords: Vec<String>,
    /// Paths of the other matching articles of its near-duplicate cluster, earliest first
    /// (empty with `no_collapse`).
    pub duplicates: Vec<String>,
}

/// Counts over the whole result set.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Facets {
    pub source: Vec<FacetValue>,
    pub category: Vec<FacetValue>,
    pub tag: Vec<FacetValue>,
    pub month: Vec<FacetValue>,
    /// The top entities of each type, in `EntityType::ALL` order.
    pub entity: Vec<(EntityType, Vec<FacetValue>)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SearchResults {
    pub query: String,
    /// How the query was understood (words after segmentation and folding, synonyms, fields).
    pub parsed: String,
    /// No document had every word; these are the best partial matches.
    pub partial: bool,
    /// Every result, not only this page: one per near-duplicate cluster when collapsed.
    pub total: usize,
    /// Matching articles, counting each member of a cluster.
    pub articles: usize,
    /// Hits skipped before this page.
    pub offset: usize,
    pub took_ms: u64,
    pub hits: Vec<Hit>,
    pub facets: Option<Facets>,
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
    /// The index's dictionary, reloaded when an ingest changes it.
    linguistics: live_dictionary::LiveLinguistics,
    synonyms: Synonyms,
    /// `trends`' articles per day of the last date window asked for, with the generation and
    /// window they were counted for.
    window_days: std::sync::Mutex<Option<(trends::WindowKey, Arc<trends::DayCounts>)>>,
    /// Which cluster labels several documents share, for the generation it was counted for.
    shared_clusters: std::sync::Mutex<Option<(u64, Arc<collapse::Shared>)>>,
}

/// The documents a request selects, as [`Searcher::matching`] resolves it.
pub(crate) struct Matching {
    pub query: Box<dyn Query>,
    /// How the words were understood (empty without words).
    pub parsed: String,
    /// No document had every word; `query` matches those with some.
    pub partial: bool,
    /// Neither words nor filters: every document.
    pub everything: bool,
}

/// What [`Searcher::collapse_pass`] gathers.
struct Pass {
    matches: collapse::Matches,
    facets: Option<Facets>,
    /// No document had every word; the members have some.
    partial: bool,
}

/// The facets of a result set from its metadata counts and its top entities.
fn facets_of(meta: &facets::MetaFruit, counted: Vec<entity_facets::Counted>) -> Facets {
    let mut entity: Vec<(EntityType, Vec<FacetValue>)> =
        EntityType::ALL.iter().map(|&k| (k, Vec::new())).collect();
    for c in counted {
        if let Some((_, values)) = entity.iter_mut().find(|(k, _)| *k == c.kind) {
            values.push(FacetValue {
                value: c.name,
                count: c.documents,
            });
        }
    }
    for (_, values) in &mut entity {
        values.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
    }
    Facets {
        source: facets::top(&meta.source, FACET_TOP),
        category: facets::top(&meta.category, FACET_TOP),
        tag: facets::top(&meta.tag, FACET_TOP),
        month: facets::by_month(&meta.month),
        entity,
    }
}

/// The query a request resolves to: all words, or (partial) some of them.
struct Resolved {
    query: BooleanQuery,
    total: usize,
    partial: bool,
}

/// Where the requested page ends, in groups.
fn page_end(request: &SearchRequest) -> usize {
    request.offset.min(MAX_OFFSET) + request.limit.min(MAX_HITS)
}

/// The order of a collapsed page: scores rank only a relevance sort with words to rank by.
fn page_order(request: &SearchRequest, plan: &Plan) -> collapse::Order {
    collapse::Order::new(
        request.sort,
        request.sort == Sort::Relevance && plan.has_terms(),
    )
}

fn elapsed_ms(started: Instant) -> u64 {
    u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX)
}

impl Searcher {
    /// Opens the index at `path` with the dictionary it was built with, as it is now: for a
    /// command that searches and exits. It does not watch for commits, because tantivy's
    /// watcher reloads every reader once at start (its first look at `meta.json` counts as a
    /// change): a new generation in the middle of a cold search, which then counted the
    /// shared near-duplicate labels twice (55 ms of 190 at a million articles).
    pub fn open(path: &Path) -> Result<Searcher, Error> {
        Searcher::open_with(path, ReloadPolicy::Manual)
    }

    /// Opens the index at `path` like [`Searcher::open`], then follows its commits and the
    /// dictionary a later ingest records (see [`live_dictionary`]): for `serve`.
    pub fn open_following(path: &Path) -> Result<Searcher, Error> {
        Searcher::open_with(path, ReloadPolicy::OnCommitWithDelay)
    }

    fn open_with(path: &Path, policy: ReloadPolicy) -> Result<Searcher, Error> {
        let live = live_dictionary::LiveLinguistics::open(path)?;
        let analyzer = live.loaded().analyzer.clone();
        Searcher::with_dictionary(index::open(path, &analyzer)?, live, policy)
    }

    /// Searches an index opened elsewhere (in memory, for tests and fuzzing).
    pub fn from_index(opened: OpenIndex, linguistics: Arc<Linguistics>) -> Result<Searcher, Error> {
        let live = live_dictionary::LiveLinguistics::fixed(linguistics);
        Searcher::with_dictionary(opened, live, ReloadPolicy::OnCommitWithDelay)
    }

    fn with_dictionary(
        opened: OpenIndex,
        linguistics: live_dictionary::LiveLinguistics,
        policy: ReloadPolicy,
    ) -> Result<Searcher, Error> {
        let reader = opened
            .index
            .reader_builder()
            .reload_policy(policy)
            .doc_store_cache_num_blocks(DOC_STORE_CACHE_BLOCKS)
            .try_into()
            .map_err(|e| Error::index("(index)", e))?;
        Ok(Searcher {
            opened,
            reader,
            linguistics,
            synonyms: Synonyms::default(),
            window_days: std::sync::Mutex::new(None),
            shared_clusters: std::sync::Mutex::new(None),
        })
    }

    /// Expands query words with these synonym groups.
    pub fn with_synonyms(mut self, synonyms: Synonyms) -> Searcher {
        self.synonyms = synonyms;
        self
    }

    /// The open index (for statistics).
    pub fn index(&self) -> &OpenIndex {
        &self.opened
    }

    pub(crate) fn reader(&self) -> &IndexReader {
        &self.reader
    }

    /// The dictionary for a search now: the index's current one.
    pub(crate) fn linguistics(&self) -> Arc<Linguistics> {
        let generation = self.reader.searcher().generation().generation_id();
        self.linguistics.current(generation, &self.opened.index)
    }

    fn plan(&self, request: &SearchRequest) -> Result<Plan, Error> {
        Plan::new(
            request,
            &self.opened.fields,
            &self.linguistics(),
            &self.synonyms,
        )
    }

    /// Every word must match; when nothing has them all, some must (a partial result).
    fn resolve(&self, plan: &Plan) -> Result<Resolved, Error> {
        let searcher = self.reader.searcher();
        let err = |e: tantivy::TantivyError| Error::Query(format!("search failed: {e}"));
        let strict = plan.strict();
        let total = searcher.search(&strict, &Count).map_err(err)?;
        if total == 0
            && let Some(relaxed) = plan.relaxed()
        {
            let total = searcher.search(&relaxed, &Count).map_err(err)?;
            return Ok(Resolved {
                query: relaxed,
                total,
                partial: total > 0,
            });
        }
        Ok(Resolved {
            query: strict,
            total,
            partial: false,
        })
    }

    pub fn search(&self, request: &SearchRequest) -> Result<SearchResults, Error> {
        let started = Instant::now();
        let plan = self.plan(request)?;
        let (hits, total, articles, partial, facets) = if request.no_collapse {
            let resolved = self.resolve(&plan)?;
            let ranked = self.page(request, &plan, &resolved.query)?;
            let searcher = self.reader.searcher();
            let mut hits = Vec::with_capacity(ranked.len());
            for (score, address) in ranked {
                hits.push(self.hit_at(&searcher, address, score, &plan.needles)?);
            }
            let facets = match request.facets {
                true => Some(self.facets(&resolved.query)?),
                false => None,
            };
            (
                hits,
                resolved.total,
                resolved.total,
                resolved.partial,
                facets,
            )
        } else {
            let pass = self.collapse_pass(request, &plan)?;
            let articles = pass.matches.matched;
            let (hits, total) = self.collapsed_page(request, &plan, pass.matches)?;
            (hits, total, articles, pass.partial, pass.facets)
        };
        Ok(SearchResults {
            query: request.query.clone(),
            parsed: plan.parsed.clone(),
            partial,
            total,
            articles,
            offset: request.offset.min(MAX_OFFSET),
            took_ms: elapsed_ms(started),
            hits,
            facets,
        })
    }

    /// Every matching document for collapsing, and the facets when asked, in one pass over
    /// the postings per query: counting first, then collecting members, then counting facets
    /// evaluated a broad query three or four times.
    fn collapse_pass(&self, request: &SearchRequest, plan: &Plan) -> Result<Pass, Error> {
        let keep = collapse::Keep {
            order: page_order(request, plan),
            best: page_end(request),
        };
        let strict = self.collect(&plan.strict(), keep, request.facets)?;
        if strict.matches.matched == 0
            && let Some(relaxed) = plan.relaxed()
        {
            let mut pass = self.collect(&relaxed, keep, request.facets)?;
            pass.partial = pass.matches.matched > 0;
            return Ok(pass);
        }
        Ok(strict)
    }

    /// One pass of `query`: the members a page in `keep`'s order needs and, with `facets`, its
    /// counts.
    fn collect(
        &self,
        query: &BooleanQuery,
        keep: collapse::Keep,
        facets: bool,
    ) -> Result<Pass, Error> {
        let searcher = self.reader.searcher();
        let err = |e: tantivy::TantivyError| Error::Query(format!("search failed: {e}"));
        let counts = facets.then(|| {
            (
                MetaCounts,
                entity_facets::EntityFacets {
                    kinds: EntityType::ALL.to_vec(),
                    top: FACET_TOP,
                },
            )
        });
        let (matches, counted) = searcher
            .search(
                query,
                &(
                    collapse::Members {
                        scored: keep.order.ranked(),
                        shared: Some(self.shared_clusters(&searcher)),
                        keep: Some(keep),
                    },
                    counts,
                ),
            )
            .map_err(err)?;
        Ok(Pass {
            matches,
            facets: counted.map(|(meta, entities)| facets_of(&meta, entities)),
            partial: false,
        })
    }

    /// The shared cluster labels of `searcher`'s generation, counted on its first search.
    fn shared_clusters(&self, searcher: &tantivy::Searcher) -> Arc<collapse::Shared> {
        let generation = searcher.generation().generation_id();
        let mut cached = self
            .shared_clusters
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        match &*cached {
            Some((g, shared)) if *g == generation => Arc::clone(shared),
            _ => {
                let shared = Arc::new(collapse::Shared::of(searcher));
                *cached = Some((generation, Arc::clone(&shared)));
                shared
            }
        }
    }

    /// One page of clusters: each shown as its earliest matching article, with the paths of
    /// the others; and the number of clusters.
    fn collapsed_page(
        &self,
        request: &SearchRequest,
        plan: &Plan,
        matches: collapse::Matches,
    ) -> Result<(Vec<Hit>, usize), Error> {
        let searcher = self.reader.searcher();
        let err = |e: tantivy::TantivyError| Error::Query(format!("search failed: {e}"));
        let order = page_order(request, plan);
        let offset = request.offset.min(MAX_OFFSET);
        let (groups, total) = collapse::page(matches, order, offset, request.limit.min(MAX_HITS));
        let mut hits = Vec::new();
        for group in &groups {
            let Some(first) = group.first() else { continue };
            let score = if order.ranked() { group.score } else { 0.0 };
            let mut hit = self.hit_at(&searcher, first.address, score, &plan.needles)?;
            for other in group.others() {
                let doc: TantivyDocument = searcher.doc(other.address).map_err(err)?;
                let path = index::convert::stored_text(&doc, self.opened.fields.path);
                hit.duplicates.push(path.unwrap_or_default());
            }
            hits.push(hit);
        }
        Ok((hits, total))
    }

    /// The hit for the document at `address`.
    pub(crate) fn hit_at(
        &self,
        searcher: &tantivy::Searcher,
        address: DocAddress,
        score: f32,
        needles: &[String],
    ) -> Result<Hit, Error> {
        let doc: TantivyDocument = searcher
            .doc(address)
            .map_err(|e| Error::Query(format!("search failed: {e}")))?;
        Ok(self.hit(&doc, score, needles))
    }

    /// One page of the result set in the requested order.
    fn page(
        &self,
        request: &SearchRequest,
        plan: &Plan,
        query: &BooleanQuery,
    ) -> Result<Vec<(f32, DocAddress)>, Error> {
        let limit = request.limit.min(MAX_HITS);
        if limit == 0 {
            return Ok(Vec::new());
        }
        let searcher = self.reader.searcher();
        let err = |e: tantivy::TantivyError| Error::Query(format!("search failed: {e}"));
        let top = TopDocs::with_limit(limit).and_offset(request.offset.min(MAX_OFFSET));
        let order = match (request.sort, plan.has_terms()) {
            (Sort::Relevance, true) => {
                return searcher.search(query, &top.order_by_score()).map_err(err);
            }
            (Sort::Oldest, _) => Order::Asc,
            _ => Order::Desc,
        };
        let by_date = top.order_by_fast_field::<tantivy::DateTime>("published", order);
        Ok(searcher
            .search(query, &by_date)
            .map_err(err)?
            .into_iter()
            .map(|(_, addr)| (0.0, addr))
            .collect())
    }

    /// Source, category, tag and month counts and the top entities of each type.
    fn facets(&self, query: &dyn Query) -> Result<Facets, Error> {
        let searcher = self.reader.searcher();
        let err = |e: tantivy::TantivyError| Error::Query(format!("facet count failed: {e}"));
        let entities = entity_facets::EntityFacets {
            kinds: EntityType::ALL.to_vec(),
            top: FACET_TOP,
        };
        let (meta, counted) = searcher
            .search(query, &(MetaCounts, entities))
            .map_err(err)?;
        Ok(facets_of(&meta, counted))
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
        let query = self.matching(request)?.query;
        let kinds: &[EntityType] = match &kind {
            Some(k) => std::slice::from_ref(k),
            None => &EntityType::ALL,
        };
        let (mut entities, total) = self.count_entities(query.as_ref(), kinds, top)?;
        entities.sort_by(|a, b| {
            b.documents
                .cmp(&a.documents)
                .then_with(|| a.name.cmp(&b.name))
        });
        entities.truncate(top);
        Ok(EntityCounts {
            total,
            took_ms: elapsed_ms(started),
            entities,
        })
    }

    /// The documents a request selects, for counting: its words and filters as `search`
    /// resolves them (partial when no document has every word), or every document when it has
    /// neither, which `plan` refuses for searching.
    pub(crate) fn matching(&self, request: &SearchRequest) -> Result<Matching, Error> {
        match self.plan(request) {
            Ok(plan) => {
                let resolved = self.resolve(&plan)?;
                Ok(Matching {
                    query: Box::new(resolved.query),
                    parsed: plan.parsed,
                    partial: resolved.partial,
                    everything: false,
                })
            }
            Err(_) if request.query.trim().is_empty() => Ok(Matching {
                query: Box::new(AllQuery),
                parsed: String::new(),
                partial: false,
                everything: true,
            }),
            Err(e) => Err(e),
        }
    }

    /// The top `top` entities of each of `kinds` among the documents `query` matches, and the
    /// number of those documents.
    fn count_entities(
        &self,
        query: &dyn Query,
        kinds: &[EntityType],
        top: usize,
    ) -> Result<(Vec<EntityCount>, usize), Error> {
        let searcher = self.reader.searcher();
        let err = |e: tantivy::TantivyError| Error::Query(format!("entity count failed: {e}"));
        let collector = entity_facets::EntityFacets {
            kinds: kinds.to_vec(),
            top,
        };
        let (counts, total) = searcher.search(query, &(collector, Count)).map_err(err)?;
        let entities = counts
            .into_iter()
            .map(|c| EntityCount {
                name: c.name,
                kind: c.kind,
                documents: c.documents,
            })
            .collect();
        Ok((entities, total))
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
            keywords: index::convert::stored_texts(doc, f.keywords),
            duplicates: Vec::new(),
        }
    }
}
