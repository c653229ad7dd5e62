//! `newsidx terms`: the words that most distinguish the articles a query matches from the rest
//! of the corpus, ranked by Dunning's log-likelihood ratio (G²) over document counts.
//!
//! * Words come from the stored body through the project's one analyser (`analyse::text`:
//!   the normaliser, then jieba's default cut, as for query words). Search mode, which built
//!   the index, emits every such whole word too, so a word's count in the result set and
//!   its document frequency in the term dictionary agree.
//! * Corpus counts are the `body` field's document frequencies (`Searcher::doc_freq`; they
//!   include documents deleted since the last merge, which only ever adds a few).
//! * Result-set counts come from reading the matching bodies. Above [`SAMPLE_DOCS`] matches an
//!   evenly spaced, deterministic sample of that many is read and its counts are scaled to the
//!   result set; the output says so (`sampled`).
//! * With neither words nor filters (or when they match every document) there is nothing to
//!   contrast: the corpus's own top words are listed by document frequency. Candidate words
//!   come from the same evenly spaced sample, here of the whole corpus; their counts from
//!   the term dictionary.
//! * Stop words, words of one character (as jieba's own keyword extractor does), and bare
//!   numbers are left out ([`stop::keep`]).

use std::collections::{HashMap, HashSet};
use std::time::Instant;

use serde::Serialize;
use tantivy::collector::DocSetCollector;
use tantivy::schema::Value;
use tantivy::{DocAddress, TantivyDocument, Term};

use super::{SearchRequest, Searcher, elapsed_ms};
use crate::error::Error;

pub mod stop;

/// Most matching documents whose bodies are read; larger result sets are sampled.
pub const SAMPLE_DOCS: usize = 2_000;
/// Terms listed unless `--top` says otherwise.
pub const DEFAULT_TOP: usize = 20;
/// Upper bound for `--top`.
pub const MAX_TOP: usize = 1_000;
/// Result sets at least this large need a word in two of their documents: a word seen once
/// in a large set says nothing about it, however rare it is in the corpus.
const MIN_DOCS_FROM: u64 = 10;

/// How terms were ranked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Method {
    /// Log-likelihood ratio of the result set against the rest of the corpus.
    Llr,
    /// Document frequency in the whole corpus (no query: nothing to contrast).
    Df,
}

/// What to rank.
#[derive(Debug, Clone, Default)]
pub struct TermsRequest {
    /// Words and filters, as for `search` (limit, offset and sort are ignored).
    pub search: SearchRequest,
    pub top: usize,
}

/// One characteristic word.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TermCount {
    pub term: String,
    /// Matching documents that contain it (scaled from the sample when `sampled`).
    pub count: u64,
    /// Documents of the whole corpus that contain it.
    pub corpus: u64,
    /// G² with `llr`, the document frequency with `df`.
    pub score: f64,
}

/// What `terms` found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Terms {
    pub query: String,
    pub parsed: String,
    pub partial: bool,
    pub method: Method,
    /// Matching documents.
    pub documents: u64,
    /// Documents in the index.
    pub corpus: u64,
    /// Documents read when the result set was sampled (`null`: every one was read).
    pub sampled: Option<u64>,
    pub took_ms: u64,
    pub terms: Vec<TermCount>,
}

impl Searcher {
    /// The words that most distinguish what `request` matches from the rest of the corpus.
    pub fn terms(&self, request: &TermsRequest) -> Result<Terms, Error> {
        let started = Instant::now();
        let matching = self.matching(&request.search)?;
        let searcher = self.reader.searcher();
        let corpus = searcher.num_docs();
        let err = |e: tantivy::TantivyError| Error::Query(format!("terms failed: {e}"));
        let mut docs: Vec<DocAddress> = searcher
            .search(matching.query.as_ref(), &DocSetCollector)
            .map_err(err)?
            .into_iter()
            .collect();
        docs.sort_unstable();
        let read = sample(&docs, SAMPLE_DOCS);
        let counts = self.count_words(&read)?;
        let documents = docs.len() as u64;
        let sample = Sample {
            read: read.len() as u64,
            documents,
            corpus,
        };
        let method = if matching.everything || documents >= corpus {
            Method::Df
        } else {
            Method::Llr
        };
        let mut terms = self.score(counts, &sample, method)?;
        rank(&mut terms, request.top.min(MAX_TOP));
        Ok(Terms {
            query: request.search.query.clone(),
            parsed: matching.parsed,
            partial: matching.partial,
            method,
            documents,
            corpus,
            sampled: (method == Method::Llr && sample.read < documents).then_some(sample.read),
            took_ms: elapsed_ms(started),
            terms,
        })
    }

    /// Each counted word with its corpus document frequency and score: G² against the rest
    /// of the corpus (`Llr`), or the document frequency itself (`Df`).
    fn score(
        &self,
        counts: HashMap<String, u64>,
        sample: &Sample,
        method: Method,
    ) -> Result<Vec<TermCount>, Error> {
        let searcher = self.reader.searcher();
        let body = self.opened.fields.body;
        let (n1, corpus) = (sample.documents, sample.corpus);
        let min_docs = if n1 >= MIN_DOCS_FROM { 2 } else { 1 };
        let mut terms = Vec::new();
        for (word, seen) in counts {
            if method == Method::Llr && seen < min_docs.min(sample.read) {
                continue;
            }
            let df = searcher
                .doc_freq(&Term::from_field_text(body, &word))
                .map_err(|e| Error::Query(format!("terms failed: {e}")))?;
            let k1 = scale(seen, sample.read, n1);
            let k_all = df.max(k1).min(corpus);
            let (count, score) = match method {
                Method::Df => (k_all, k_all as f64),
                Method::Llr => (k1, llr(k1, n1, k_all - k1, corpus - n1)),
            };
            let distinct = method == Method::Df
                || (score > 0.0 && over_represented(k1, n1, k_all - k1, corpus - n1));
            if distinct {
                terms.push(TermCount {
                    term: word,
                    count,
                    corpus: k_all,
                    score,
                });
            }
        }
        Ok(terms)
    }

    /// Per word: how many of `docs` contain it. Words are jieba's default cut of the body
    /// (whole words, as a reader names them: 负责人, not also 负责 and 责人); search mode
    /// indexes every whole word as well, so each has a document frequency in the index.
    fn count_words(&self, docs: &[DocAddress]) -> Result<HashMap<String, u64>, Error> {
        let searcher = self.reader.searcher();
        let body = self.opened.fields.body;
        let linguistics = self.linguistics();
        let analyzer = &linguistics.analyzer;
        let mut counts: HashMap<String, u64> = HashMap::new();
        let mut seen: HashSet<String> = HashSet::new();
        for &address in docs {
            let doc: TantivyDocument = searcher
                .doc(address)
                .map_err(|e| Error::Query(format!("terms failed: {e}")))?;
            seen.clear();
            for value in doc.get_all(body) {
                let Some(text) = value.as_str() else { continue };
                seen.extend(
                    analyzer
                        .query_words(text)
                        .into_iter()
                        .filter(|w| stop::keep(w)),
                );
            }
            for word in seen.drain() {
                *counts.entry(word).or_default() += 1;
            }
        }
        Ok(counts)
    }
}

/// How many documents were read, of how many matching, of how many in the index.
struct Sample {
    read: u64,
    documents: u64,
    corpus: u64,
}

/// Highest score first, ties by the word; the first `top`.
fn rank(terms: &mut Vec<TermCount>, top: usize) {
    terms.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| a.term.cmp(&b.term))
    });
    terms.truncate(top);
}

/// At most `limit` of `docs`, evenly spaced, always the same ones for the same index.
pub fn sample(docs: &[DocAddress], limit: usize) -> Vec<DocAddress> {
    if docs.len() <= limit {
        return docs.to_vec();
    }
    (0..limit)
        .filter_map(|i| docs.get(i * docs.len() / limit).copied())
        .collect()
}

/// A count in a sample of `read` documents scaled to `total` documents (rounded).
pub fn scale(count: u64, read: u64, total: u64) -> u64 {
    if read == 0 || read >= total {
        return count;
    }
    let scaled = (count as f64 * total as f64 / read as f64).round() as u64;
    scaled.clamp(count, total)
}

/// Whether a word in `k1` of `n1` result documents is more frequent there than in the
/// `k2` of `n2` other documents (G² is high for words the result set avoids, too).
fn over_represented(k1: u64, n1: u64, k2: u64, n2: u64) -> bool {
    n2 == 0 || (k1 as f64) * (n2 as f64) > (k2 as f64) * (n1 as f64)
}

/// Dunning's log-likelihood ratio G² for a word found in `k1` of `n1` documents of one set
/// and `k2` of `n2` of another: `2 Σ O ln(O/E)` over the 2×2 table of (set, has word).
pub fn llr(k1: u64, n1: u64, k2: u64, n2: u64) -> f64 {
    let cells = [
        (k1, n1, k1 + k2),
        (n1.saturating_sub(k1), n1, (n1 + n2).saturating_sub(k1 + k2)),
        (k2, n2, k1 + k2),
        (n2.saturating_sub(k2), n2, (n1 + n2).saturating_sub(k1 + k2)),
    ];
    let total = (n1 + n2) as f64;
    if total == 0.0 {
        return 0.0;
    }
    let g2: f64 = cells
        .iter()
        .filter(|(observed, _, _)| *observed > 0)
        .map(|&(observed, column, row)| {
            let expected = row as f64 * column as f64 / total;
            observed as f64 * (observed as f64 / expected).ln()
        })
        .sum();
    (2.0 * g2).max(0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn llr_is_zero_when_the_word_is_as_frequent_in_both_sets() {
        assert_eq!(llr(1, 10, 10, 100), 0.0);
        assert_eq!(llr(0, 10, 0, 100), 0.0);
        assert_eq!(llr(0, 0, 0, 0), 0.0);
    }

    #[test]
    fn llr_matches_the_2x2_formula() {
        // k1=4 of 5, k2=1 of 15: 2 Σ O ln(O/E) with E from the margins (5 has word, 15 not).
        let expected = 2.0
            * (4.0 * (4.0f64 / (5.0 * 5.0 / 20.0)).ln()
                + 1.0 * (1.0f64 / (5.0 * 15.0 / 20.0)).ln()
                + 1.0 * (1.0f64 / (15.0 * 5.0 / 20.0)).ln()
                + 14.0 * (14.0f64 / (15.0 * 15.0 / 20.0)).ln());
        assert!((llr(4, 5, 1, 15) - expected).abs() < 1e-9);
        // More evidence, higher score; a word the set avoids scores too, hence the direction check.
        assert!(llr(8, 10, 2, 30) > llr(4, 5, 1, 15));
        assert!(llr(0, 10, 20, 30) > 0.0);
        assert!(!over_represented(0, 10, 20, 30));
        assert!(over_represented(4, 5, 1, 15));
    }

    #[test]
    fn samples_are_evenly_spaced_and_counts_scaled() {
        let docs: Vec<DocAddress> = (0..10).map(|i| DocAddress::new(0, i)).collect();
        let picked: Vec<u32> = sample(&docs, 4).iter().map(|a| a.doc_id).collect();
        assert_eq!(picked, vec![0, 2, 5, 7]);
        assert_eq!(sample(&docs, 20).len(), 10);
        assert_eq!(scale(3, 4, 10), 8);
        assert_eq!(scale(3, 10, 10), 3);
        assert_eq!(scale(4, 4, 10), 10);
    }
}
