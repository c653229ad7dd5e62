//! `newsidx duplicates`: the near-duplicate clusters among the documents a set of filters
//! matches, largest first, each with its earliest article and the sources that carried it.

use std::collections::BTreeMap;
use std::time::Instant;

use chrono::{DateTime, FixedOffset};
use serde::Serialize;
use tantivy::query::{AllQuery, Query};
use tantivy::{DocAddress, TantivyDocument};

use super::collapse::{self, Group, Members};
use super::{SearchRequest, Searcher, Sort, elapsed_ms};
use crate::error::Error;
use crate::index::convert::{stored_published, stored_text};

/// An article as the duplicate and related lists name it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ArticleRef {
    pub id: String,
    pub path: String,
    pub title: String,
    pub published: Option<DateTime<FixedOffset>>,
    pub source: Option<String>,
}

/// One cluster of near-duplicates.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Cluster {
    /// Members among the matching documents.
    pub size: usize,
    /// The earliest member.
    pub earliest: ArticleRef,
    /// Distinct sources of the members, each with its count, most frequent first.
    pub sources: Vec<SourceCount>,
    /// Every member, earliest first (the earliest included).
    pub articles: Vec<ArticleRef>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SourceCount {
    pub source: String,
    pub count: usize,
}

/// The clusters of a result set.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Clusters {
    /// Clusters (of two or more matching articles) in all, not only those listed.
    pub total: usize,
    /// Articles in those clusters.
    pub articles: usize,
    pub took_ms: u64,
    pub clusters: Vec<Cluster>,
}

impl Searcher {
    /// The clusters with at least two members among the documents `request` matches (every
    /// document when it has neither words nor filters): largest first, then earliest first.
    pub fn duplicates(&self, request: &SearchRequest, limit: usize) -> Result<Clusters, Error> {
        let started = Instant::now();
        let query: Box<dyn Query> = match self.plan(request) {
            Ok(plan) => Box::new(self.resolve(&plan)?.query),
            Err(_) if request.query.trim().is_empty() => Box::new(AllQuery),
            Err(e) => return Err(e),
        };
        let searcher = self.reader().searcher();
        let members = searcher
            .search(query.as_ref(), &Members::every())
            .map_err(|e| Error::Query(format!("duplicate listing failed: {e}")))?
            .members;
        let order = collapse::Order::new(Sort::Oldest, false);
        let mut groups: Vec<Group> = collapse::group(members, order)
            .into_iter()
            .filter(|g| g.members.len() > 1)
            .collect();
        // Stable: equal sizes stay in order of their earliest article.
        groups.sort_by_key(|g| std::cmp::Reverse(g.members.len()));
        let total = groups.len();
        let articles = groups.iter().map(|g| g.members.len()).sum();
        let mut clusters = Vec::new();
        for group in groups.iter().take(limit) {
            let refs = group
                .members
                .iter()
                .map(|m| self.article_ref(&searcher, m.address))
                .collect::<Result<Vec<_>, _>>()?;
            if let Some(earliest) = refs.first().cloned() {
                clusters.push(Cluster {
                    size: refs.len(),
                    earliest,
                    sources: source_counts(&refs),
                    articles: refs,
                });
            }
        }
        Ok(Clusters {
            total,
            articles,
            took_ms: elapsed_ms(started),
            clusters,
        })
    }

    /// The stored id, path, title, date and source of a document.
    pub(crate) fn article_ref(
        &self,
        searcher: &tantivy::Searcher,
        address: DocAddress,
    ) -> Result<ArticleRef, Error> {
        let doc: TantivyDocument = searcher
            .doc(address)
            .map_err(|e| Error::Query(format!("reading a document failed: {e}")))?;
        let f = &self.index().fields;
        let text = |field| stored_text(&doc, field);
        Ok(ArticleRef {
            id: text(f.id).unwrap_or_default(),
            path: text(f.path).unwrap_or_default(),
            title: text(f.title).unwrap_or_default(),
            published: stored_published(&doc, f),
            source: text(f.source),
        })
    }
}

/// Sources with their counts, most frequent first, ties by name; articles without a source
/// are not counted.
fn source_counts(articles: &[ArticleRef]) -> Vec<SourceCount> {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for a in articles {
        if let Some(source) = a.source.as_deref() {
            *counts.entry(source).or_default() += 1;
        }
    }
    let mut out: Vec<SourceCount> = counts
        .into_iter()
        .map(|(source, count)| SourceCount {
            source: source.to_string(),
            count,
        })
        .collect();
    out.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.source.cmp(&b.source)));
    out
}
