//! `newsidx similar`: articles about the same thing as a given one (more-like-this over its
//! keywords and entities), with its near-duplicates listed apart.
//!
//! The query is a disjunction of the article's keywords (`keywords` field) and entities
//! (`entity` facet terms), each scored by BM25, so a rare shared name counts more than a
//! common one. Near-duplicates are the other members of its cluster, plus any hit whose
//! signature is within the near-duplicate threshold (a copy that joined another cluster).

use std::path::Path;
use std::time::Instant;

use serde::Serialize;
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query, TermQuery};
use tantivy::schema::{Facet, IndexRecordOption};
use tantivy::{DocAddress, TantivyDocument, Term};

use super::duplicates::ArticleRef;
use super::{Searcher, elapsed_ms};
use crate::analyse::entities::EntityType;
use crate::error::Error;
use crate::index::clusters::SegmentColumns;
use crate::index::convert::stored_texts;

/// Upper bound for `-n`.
pub const MAX_SIMILAR: usize = 1_000;

/// A related article and how strongly it is related.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Related {
    #[serde(flatten)]
    pub article: ArticleRef,
    pub score: f32,
    /// Its keywords that the asked-about article also has.
    pub shared_keywords: Vec<String>,
}

/// What `similar` finds for one article.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SimilarResults {
    pub article: ArticleRef,
    pub keywords: Vec<String>,
    /// Near-duplicates of the article, earliest first.
    pub duplicates: Vec<ArticleRef>,
    /// Related articles that are not near-duplicates, most related first.
    pub similar: Vec<Related>,
    pub took_ms: u64,
}

/// The article's own terms, read from the index.
struct Source {
    address: DocAddress,
    id: String,
    keywords: Vec<String>,
    entities: Vec<(EntityType, String)>,
    cluster: Option<u64>,
}

impl Searcher {
    /// Articles related to the one with id `key` (or whose file is `key`).
    pub fn similar(&self, key: &str, limit: usize) -> Result<SimilarResults, Error> {
        let started = Instant::now();
        let searcher = self.reader().searcher();
        let source = self.source(&searcher, key)?;
        let f = &self.index().fields;
        let columns = |a: DocAddress| SegmentColumns::open(searcher.segment_reader(a.segment_ord));
        let own_signature = columns(source.address).signature(source.address.doc_id);
        let mut duplicates = Vec::new();
        if let Some(cluster) = source.cluster {
            let same = TermQuery::new(
                Term::from_field_u64(f.cluster, cluster),
                IndexRecordOption::Basic,
            );
            let members = searcher
                .search(&same, &super::collapse::Members::every())
                .map_err(query_failed)?
                .members;
            for m in members.iter().filter(|m| m.address != source.address) {
                duplicates.push((m.published, self.article_ref(&searcher, m.address)?));
            }
        }
        let limit = limit.min(MAX_SIMILAR);
        let query = self.more_like(&source);
        let top = TopDocs::with_limit(limit + duplicates.len() + 20).order_by_score();
        let mut similar = Vec::new();
        for (score, address) in searcher.search(&query, &top).map_err(query_failed)? {
            if similar.len() >= limit {
                break;
            }
            let cols = columns(address);
            let same_cluster =
                source.cluster.is_some() && cols.cluster(address.doc_id) == source.cluster;
            if same_cluster {
                continue;
            }
            let near = match (&own_signature, cols.signature(address.doc_id)) {
                (Some(a), Some(b)) => a.is_near(&b),
                _ => false,
            };
            let article = self.article_ref(&searcher, address)?;
            if near {
                duplicates.push((article.published.map(|d| d.timestamp()), article));
                continue;
            }
            let doc: TantivyDocument = searcher.doc(address).map_err(query_failed)?;
            let shared_keywords = stored_texts(&doc, f.keywords)
                .into_iter()
                .filter(|k| source.keywords.contains(k))
                .collect();
            similar.push(Related {
                article,
                score,
                shared_keywords,
            });
        }
        duplicates.sort_by(|a, b| {
            let key = |d: &(Option<i64>, ArticleRef)| (d.0.unwrap_or(i64::MAX), d.1.id.clone());
            key(a).cmp(&key(b))
        });
        Ok(SimilarResults {
            article: self.article_ref(&searcher, source.address)?,
            keywords: source.keywords,
            duplicates: duplicates.into_iter().map(|(_, a)| a).collect(),
            similar,
            took_ms: elapsed_ms(started),
        })
    }

    /// Keywords (earlier ones weigh more) or entities, never the article itself.
    fn more_like(&self, source: &Source) -> BooleanQuery {
        let f = &self.index().fields;
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for (rank, keyword) in source.keywords.iter().enumerate() {
            let term = TermQuery::new(
                Term::from_field_text(f.keywords, keyword),
                IndexRecordOption::WithFreqs,
            );
            let boost = 1.0 - 0.05 * rank as f32;
            clauses.push((
                Occur::Should,
                Box::new(BoostQuery::new(Box::new(term), boost)),
            ));
        }
        for (kind, name) in &source.entities {
            let facet = Facet::from_path([kind.as_str(), name.as_str()]);
            let term = TermQuery::new(Term::from_facet(f.entity, &facet), IndexRecordOption::Basic);
            clauses.push((Occur::Should, Box::new(term)));
        }
        let me = TermQuery::new(
            Term::from_field_text(f.id, &source.id),
            IndexRecordOption::Basic,
        );
        clauses.push((Occur::MustNot, Box::new(me)));
        BooleanQuery::new(clauses)
    }

    /// The article named by `key`: an id, or a file under the indexed root.
    fn source(&self, searcher: &tantivy::Searcher, key: &str) -> Result<Source, Error> {
        let f = &self.index().fields;
        let ids = std::iter::once(key.to_string()).chain(self.id_of_file(Path::new(key)));
        for id in ids {
            let query = TermQuery::new(Term::from_field_text(f.id, &id), IndexRecordOption::Basic);
            let found = searcher
                .search(&query, &TopDocs::with_limit(1).order_by_score())
                .map_err(query_failed)?;
            let Some((_, address)) = found.into_iter().next() else {
                continue;
            };
            let doc: TantivyDocument = searcher.doc(address).map_err(query_failed)?;
            let entities = crate::index::convert::stored_text(&doc, f.entities)
                .and_then(|json| serde_json::from_str::<serde_json::Value>(&json).ok())
                .map(|v| entity_terms(&v))
                .unwrap_or_default();
            let cluster = SegmentColumns::open(searcher.segment_reader(address.segment_ord))
                .cluster(address.doc_id);
            return Ok(Source {
                address,
                id,
                keywords: stored_texts(&doc, f.keywords),
                entities,
                cluster,
            });
        }
        Err(Error::Usage(format!(
            "no indexed article with id or file '{key}' (ids are paths relative to the ingested folder)"
        )))
    }

    /// The id a file under the indexed root has.
    fn id_of_file(&self, file: &Path) -> Option<String> {
        let record = crate::index::state::load_record(&self.index().index).ok()??;
        let canonical = std::fs::canonicalize(file).ok()?;
        let relative = canonical.strip_prefix(&record.root).ok()?;
        Some(crate::read::discover::path_id(relative))
    }
}

/// `(type, name)` of each stored entity (`[{"name", "type", ...}]`).
fn entity_terms(entities: &serde_json::Value) -> Vec<(EntityType, String)> {
    entities
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| {
            let name = e.get("name")?.as_str()?.to_string();
            let kind = e.get("type")?.as_str()?.parse::<EntityType>().ok()?;
            Some((kind, name))
        })
        .collect()
}

fn query_failed(e: tantivy::TantivyError) -> Error {
    Error::Query(format!("similar failed: {e}"))
}
