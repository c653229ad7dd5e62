//! Near-duplicate clusters in the index: which cluster a new article joins, and reading a
//! document's cluster and signature back.
//!
//! A cluster is a label (`cluster`, a u64) shared by near-duplicate articles. An article
//! arriving at ingest looks up candidates by its LSH band keys (`dup_band` terms) among the
//! documents of the last commit and among those this run has already written, verifies each
//! candidate's stored signature (`minhash`), and takes the label of the most similar match;
//! with none it opens a cluster labelled by its own id. Nothing else is rewritten, so an
//! ingest of one new file costs a few term lookups, never a rebuild of the clusters. Which
//! member is the earliest is decided when reading (by `published`), so an older article
//! ingested late simply becomes its cluster's first article. A re-parsed article matches its
//! own previous version and keeps its label. Clusters are never merged: an article that
//! resembles two clusters joins the closer one.

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;

use tantivy::columnar::{BytesColumn, Column};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocId, DocSet, SegmentReader, TERMINATED, TantivyDocument, Term};

use super::schema::Fields;
use crate::analyse::neardup::Signature;

/// Candidates examined per band and segment: a band shared by thousands of documents is
/// template text, not a story, and must not make one ingest slow.
const MAX_POSTINGS: usize = 256;

/// The label of a cluster opened by the article `id`: stable (FNV-1a), so re-ingesting gives
/// the same labels.
pub fn key_of(id: &str) -> u64 {
    const PRIME: u64 = 0x0000_0100_0000_01B3;
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in id.as_bytes() {
        hash ^= u64::from(*b);
        hash = hash.wrapping_mul(PRIME);
    }
    hash
}

/// Adds the signature, its band keys and the cluster label to a document.
pub fn stamp(doc: &mut TantivyDocument, signature: Option<&Signature>, cluster: u64, f: &Fields) {
    if let Some(signature) = signature {
        doc.add_bytes(f.minhash, &signature.to_bytes());
        for band in signature.bands() {
            doc.add_u64(f.dup_band, band);
        }
    }
    doc.add_u64(f.cluster, cluster);
}

/// One segment's near-duplicate columns.
pub struct SegmentColumns {
    pub minhash: Option<BytesColumn>,
    pub cluster: Option<Column<u64>>,
}

impl SegmentColumns {
    pub fn open(segment: &SegmentReader) -> SegmentColumns {
        let fast = segment.fast_fields();
        SegmentColumns {
            minhash: fast.bytes("minhash").ok().flatten(),
            cluster: fast.u64("cluster").ok(),
        }
    }

    pub fn signature(&self, doc: DocId) -> Option<Signature> {
        let column = self.minhash.as_ref()?;
        let ord = column.term_ords(doc).next()?;
        let mut bytes = Vec::new();
        column.ord_to_bytes(ord, &mut bytes).ok()?;
        Signature::from_bytes(&bytes)
    }

    pub fn cluster(&self, doc: DocId) -> Option<u64> {
        self.cluster.as_ref()?.first(doc)
    }
}

/// The best match found so far: similarity and label.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Best {
    similarity: f32,
    cluster: u64,
}

impl Best {
    fn better(self, other: Option<Best>) -> Best {
        match other {
            Some(o)
                if o.similarity > self.similarity
                    || (o.similarity == self.similarity && o.cluster < self.cluster) =>
            {
                o
            }
            _ => self,
        }
    }
}

/// What this run has written so far (not yet searchable). A band's members form a chain
/// through `links` from the band's newest entry in `newest`: two 32-bit words an entry
/// instead of a vector per band key (about half the memory), since a run holds up to 20,000
/// articles of 24 bands each. Indexes are 32-bit: a run past 4 billion band entries (170
/// million articles without a checkpoint) would end chains early and miss near-duplicates
/// rather than fail.
#[derive(Default)]
struct RunTable {
    newest: HashMap<u64, u32>,
    /// Per (article, band): the article's index in `members` and the band's previous entry.
    links: Vec<(u32, u32)>,
    members: Vec<(Signature, u64)>,
}

/// The end of a band's chain.
const NO_LINK: u32 = u32::MAX;

impl RunTable {
    /// Indexes in `members` of the articles that share `band`, newest first.
    fn sharing(&self, band: u64) -> impl Iterator<Item = usize> + '_ {
        let mut at = self.newest.get(&band).copied().unwrap_or(NO_LINK);
        std::iter::from_fn(move || {
            let &(member, previous) = self.links.get(usize::try_from(at).ok()?)?;
            at = previous;
            usize::try_from(member).ok()
        })
    }

    fn add(&mut self, signature: &Signature, bands: Vec<u64>, cluster: u64) {
        let member = u32::try_from(self.members.len()).unwrap_or(NO_LINK);
        self.members.push((signature.clone(), cluster));
        for band in bands {
            let link = u32::try_from(self.links.len()).unwrap_or(NO_LINK);
            let previous = self.newest.insert(band, link).unwrap_or(NO_LINK);
            self.links.push((member, previous));
        }
    }
}

/// Assigns clusters during one ingest.
pub struct Assigner {
    committed: Option<tantivy::Searcher>,
    columns: Vec<SegmentColumns>,
    band_field: tantivy::schema::Field,
    run: Mutex<RunTable>,
}

impl Assigner {
    /// Over the last commit as `reader` sees it (`None` for an empty index).
    pub fn new(committed: Option<tantivy::Searcher>, f: &Fields) -> Assigner {
        let columns = committed
            .as_ref()
            .map(|s| {
                s.segment_readers()
                    .iter()
                    .map(SegmentColumns::open)
                    .collect()
            })
            .unwrap_or_default();
        Assigner {
            committed,
            columns,
            band_field: f.dup_band,
            run: Mutex::new(RunTable::default()),
        }
    }

    /// Articles of this run held in memory (not yet committed when the assigner was made).
    pub fn pending(&self) -> usize {
        self.run.lock().map_or(0, |run| run.members.len())
    }

    /// The cluster the article `id` joins (see the module doc).
    pub fn assign(&self, id: &str, signature: Option<&Signature>) -> u64 {
        let Some(signature) = signature else {
            return key_of(id);
        };
        let bands = signature.bands();
        let committed = self.committed_best(signature, &bands);
        let Ok(mut run) = self.run.lock() else {
            return committed.map_or_else(|| key_of(id), |b| b.cluster);
        };
        let mut seen = HashSet::new();
        let mut best: Option<Best> = committed;
        for &band in &bands {
            for i in run.sharing(band) {
                if !seen.insert(i) {
                    continue;
                }
                if let Some((other, cluster)) = run.members.get(i) {
                    let similarity = signature.similarity(other);
                    if similarity >= crate::analyse::neardup::SIMILAR {
                        let found = Best {
                            similarity,
                            cluster: *cluster,
                        };
                        best = Some(found.better(best));
                    }
                }
            }
        }
        let cluster = best.map_or_else(|| key_of(id), |b| b.cluster);
        run.add(signature, bands, cluster);
        cluster
    }

    /// The closest near-duplicate among committed documents.
    fn committed_best(&self, signature: &Signature, bands: &[u64]) -> Option<Best> {
        let searcher = self.committed.as_ref()?;
        let mut best = None;
        for (segment, columns) in searcher.segment_readers().iter().zip(&self.columns) {
            for doc in candidates(segment, self.band_field, bands) {
                let (Some(other), Some(cluster)) = (columns.signature(doc), columns.cluster(doc))
                else {
                    continue;
                };
                let similarity = signature.similarity(&other);
                if similarity >= crate::analyse::neardup::SIMILAR {
                    best = Some(
                        Best {
                            similarity,
                            cluster,
                        }
                        .better(best),
                    );
                }
            }
        }
        best
    }
}

/// Live documents of a segment sharing at least one band key, each once.
pub fn candidates(
    segment: &SegmentReader,
    field: tantivy::schema::Field,
    bands: &[u64],
) -> Vec<DocId> {
    let Ok(inverted) = segment.inverted_index(field) else {
        return Vec::new();
    };
    let alive = segment.alive_bitset();
    let mut out = HashSet::new();
    for band in bands {
        let term = Term::from_field_u64(field, *band);
        let Ok(Some(mut postings)) = inverted.read_postings(&term, IndexRecordOption::Basic) else {
            continue;
        };
        let mut taken = 0;
        let mut doc = postings.doc();
        while doc != TERMINATED && taken < MAX_POSTINGS {
            if alive.is_none_or(|a| a.is_alive(doc)) {
                out.insert(doc);
            }
            taken += 1;
            doc = postings.advance();
        }
    }
    let mut docs: Vec<DocId> = out.into_iter().collect();
    docs.sort_unstable();
    docs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_stable() {
        assert_eq!(key_of(""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(key_of("a"), 0xaf63_dc4c_8601_ec8c);
    }

    #[test]
    fn a_band_lists_the_run_articles_that_share_it_newest_first() {
        let signature = Signature([7; crate::analyse::neardup::SLOTS]);
        let mut run = RunTable::default();
        run.add(&signature, vec![10, 11], 100);
        run.add(&signature, vec![11, 12], 101);
        run.add(&signature, vec![10, 11, 13], 102);
        let sharing = |band| run.sharing(band).collect::<Vec<_>>();
        assert_eq!(sharing(10), [2, 0]);
        assert_eq!(sharing(11), [2, 1, 0]);
        assert_eq!(sharing(12), [1]);
        assert_eq!(sharing(13), [2]);
        assert_eq!(sharing(14), Vec::<usize>::new());
        assert_eq!(
            run.members.iter().map(|m| m.1).collect::<Vec<_>>(),
            [100, 101, 102]
        );
    }
}
