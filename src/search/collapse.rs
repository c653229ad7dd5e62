//! Collapsing near-duplicate clusters in a result set: every matching document's cluster
//! label, score and publication instant are read from fast fields ([`Members`]), grouped by
//! label ([`group`]), and each group is shown as its earliest matching article. `search`,
//! `duplicates` and `similar` share it.

use std::cmp::Ordering;
use std::collections::HashMap;
use std::sync::Arc;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::index::SegmentId;
use tantivy::{DocAddress, DocId, Score, SegmentOrdinal, SegmentReader};

use super::{Sort, columns};

/// One matching document as collapsing sees it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Member {
    pub address: DocAddress,
    pub score: Score,
    /// The cluster label; `None` for a document indexed without one (alone in its group).
    pub cluster: Option<u64>,
    /// Publication instant in seconds; `None` sorts after every date.
    pub published: Option<i64>,
}

impl Member {
    /// Earliest first; undated last; then index order, so ties are stable.
    fn age_key(&self) -> (i64, DocAddress) {
        (self.published.unwrap_or(i64::MAX), self.address)
    }
}

/// The matching documents of one cluster, earliest first.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    pub members: Vec<Member>,
    /// The best score of any member: where the group ranks by relevance.
    pub score: Score,
}

impl Group {
    /// The article shown for the group: its earliest member.
    pub fn first(&self) -> Option<&Member> {
        self.members.first()
    }

    /// The other members, earliest first.
    pub fn others(&self) -> &[Member] {
        self.members.get(1..).unwrap_or(&[])
    }
}

/// The order of groups on a page: by best score (relevance with words to rank by), else by
/// the date of the group's earliest article; ties by that article's age and place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Order {
    sort: Sort,
    ranked: bool,
}

impl Order {
    pub fn new(sort: Sort, ranked: bool) -> Order {
        Order { sort, ranked }
    }

    /// Whether scores decide the order (so documents must be scored).
    pub fn ranked(self) -> bool {
        self.ranked
    }

    fn by_score(self) -> bool {
        self.sort == Sort::Relevance && self.ranked
    }

    /// Which of two groups comes first, each given by its best score and earliest member.
    fn groups(self, a: (Score, &Member), b: (Score, &Member)) -> Ordering {
        let age = || a.1.age_key().cmp(&b.1.age_key());
        if self.by_score() {
            b.0.total_cmp(&a.0).then_with(age)
        } else if self.sort == Sort::Oldest {
            age()
        } else {
            b.1.published.cmp(&a.1.published).then_with(age)
        }
    }

    /// The order of two groups of one.
    fn members(self, a: &Member, b: &Member) -> Ordering {
        self.groups((a.score, a), (b.score, b))
    }
}

/// Groups members by cluster and orders the groups in `order`.
pub fn group(members: Vec<Member>, order: Order) -> Vec<Group> {
    let mut by_cluster: HashMap<u64, Vec<Member>> = HashMap::new();
    let mut alone = Vec::new();
    for m in members {
        match m.cluster {
            Some(c) => by_cluster.entry(c).or_default().push(m),
            None => alone.push(vec![m]),
        }
    }
    let mut groups: Vec<Group> = by_cluster
        .into_values()
        .chain(alone)
        .map(|mut members| {
            members.sort_by_key(Member::age_key);
            let score = members.iter().map(|m| m.score).fold(f32::MIN, f32::max);
            Group { members, score }
        })
        .collect();
    groups.sort_by(|a, b| match (a.first(), b.first()) {
        (Some(x), Some(y)) => order.groups((a.score, x), (b.score, y)),
        _ => Ordering::Equal,
    });
    groups
}

/// One group as [`page`] ranks it before building it: where its members lie in the sorted
/// member list, its best score and its earliest member.
struct Summary {
    start: usize,
    len: usize,
    score: Score,
    first: Member,
}

/// What [`Members`] gathers for a page.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Matches {
    /// Every matching document with a shared label, and the groups of one that can still make
    /// the page (all of them without [`Keep`]).
    pub members: Vec<Member>,
    /// Matching documents in all.
    pub matched: usize,
    /// Groups of one left out because enough better ones were kept.
    pub left_out: usize,
}

/// The groups `offset..offset + limit` in [`group`]'s order, and the number of groups. Same
/// answer as slicing [`group`]'s, but only the groups of the page are built: a broad query
/// matches tens of thousands of documents, and building a vector for each of their groups
/// cost more than the search itself.
pub fn page(matches: Matches, order: Order, offset: usize, limit: usize) -> (Vec<Group>, usize) {
    let mut members = matches.members;
    // Only documents sharing a label need grouping; the rest (most of a broad result set,
    // when `Members` knew which labels are shared) are groups of one, left unsorted.
    let mut shared = 0;
    for i in 0..members.len() {
        if members[i].cluster.is_some() {
            members.swap(i, shared);
            shared += 1;
        }
    }
    members[..shared].sort_unstable_by_key(|m| (m.cluster, m.age_key()));
    let mut summaries = summarise(&members);
    let total = summaries.len() + matches.left_out;
    let order = |a: &Summary, b: &Summary| order.groups((a.score, &a.first), (b.score, &b.first));
    let end = offset.saturating_add(limit).min(summaries.len());
    if end < summaries.len() && end > 0 {
        summaries.select_nth_unstable_by(end - 1, order);
    }
    summaries.truncate(end);
    summaries.sort_unstable_by(order);
    let groups = summaries
        .iter()
        .skip(offset)
        .map(|s| Group {
            members: members[s.start..s.start + s.len].to_vec(),
            score: s.score,
        })
        .collect();
    (groups, total)
}

/// One summary per run of equal labels (a labelled run sorted together, unlabelled alone).
fn summarise(members: &[Member]) -> Vec<Summary> {
    let mut summaries: Vec<Summary> = Vec::new();
    let mut start = 0;
    while let Some(first) = members.get(start).copied() {
        let len = match first.cluster {
            Some(c) => members[start..]
                .iter()
                .take_while(|m| m.cluster == Some(c))
                .count(),
            None => 1,
        };
        let score = members[start..start + len]
            .iter()
            .map(|m| m.score)
            .fold(f32::MIN, f32::max);
        summaries.push(Summary {
            start,
            len,
            score,
            first,
        });
        start += len;
    }
    summaries
}

/// Which documents of each segment carry a cluster label that some other document of the
/// index carries too. A label no other document has makes a group of one whatever matches, so
/// [`Members`] leaves it out and [`page`] need not sort those documents to group them. Made
/// once per index generation ([`Shared::of`]).
#[derive(Debug, Default)]
pub struct Shared {
    segments: HashMap<SegmentId, Arc<Vec<u64>>>,
}

impl Shared {
    /// Reads every label of the index once (deleted documents included: a label they share
    /// only costs a sort, never a wrong group), sorts them to find the labels that occur
    /// more than once, and marks their documents. Sorting a flat array rather than counting
    /// in a hash map keeps this near 70 ms at a million documents, where it was most of a
    /// cold search's second.
    pub fn of(searcher: &tantivy::Searcher) -> Shared {
        let readers = searcher.segment_readers();
        let labels: Vec<Vec<Option<u64>>> = readers
            .iter()
            .map(|r| columns::unsigned(r, "cluster").map_or_else(Vec::new, |c| labels_of(&c, r)))
            .collect();
        let shared = LabelSet::new(repeated(
            labels.iter().flatten().flatten().copied().collect(),
        ));
        let segments = readers
            .iter()
            .zip(&labels)
            .map(|(reader, labels)| {
                let mut bits = vec![0u64; (reader.max_doc() as usize).div_ceil(64)];
                for (doc, label) in labels.iter().enumerate() {
                    if label.is_some_and(|c| shared.contains(c)) {
                        bits[doc / 64] |= 1 << (doc % 64);
                    }
                }
                (reader.segment_id(), Arc::new(bits))
            })
            .collect();
        Shared { segments }
    }
}

/// The cluster label of each document of a segment, read in blocks.
fn labels_of(column: &Column<u64>, reader: &SegmentReader) -> Vec<Option<u64>> {
    const BLOCK: u32 = 4096;
    let max_doc = reader.max_doc();
    let mut labels = vec![None; max_doc as usize];
    let mut docs = Vec::with_capacity(BLOCK as usize);
    for (block, out) in labels.chunks_mut(BLOCK as usize).enumerate() {
        let first = block as u32 * BLOCK;
        docs.clear();
        docs.extend(first..first + out.len() as u32);
        column.first_vals(&docs, out);
    }
    labels
}

/// A sorted set of labels with a bitmap in front: most documents' labels are in no other
/// document, and one bit read turns nearly all of them away without a binary search.
struct LabelSet {
    sorted: Vec<u64>,
    filter: Vec<u64>,
    /// `64 - log2(filter bits)`: a label's filter bit is its mixed top bits.
    shift: u32,
}

impl LabelSet {
    fn new(sorted: Vec<u64>) -> LabelSet {
        // About 32 filter bits a label: one label in 32 that is not in the set gets through.
        let bits = (sorted.len() * 32).next_power_of_two().max(64);
        let mut set = LabelSet {
            filter: vec![0; bits / 64],
            shift: 64 - bits.trailing_zeros(),
            sorted,
        };
        for i in 0..set.sorted.len() {
            let bit = set.bit(set.sorted[i]);
            set.filter[bit / 64] |= 1 << (bit % 64);
        }
        set
    }

    fn bit(&self, label: u64) -> usize {
        (label.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> self.shift) as usize
    }

    /// Whether `label` gets past the bitmap: every label of the set does, about one other in 32.
    fn may_contain(&self, label: u64) -> bool {
        let bit = self.bit(label);
        self.filter[bit / 64] & (1 << (bit % 64)) != 0
    }

    fn contains(&self, label: u64) -> bool {
        self.may_contain(label) && self.sorted.binary_search(&label).is_ok()
    }
}

/// The values that occur more than once in `values`, sorted.
fn repeated(mut values: Vec<u64>) -> Vec<u64> {
    values.sort_unstable();
    let mut out: Vec<u64> = values
        .windows(2)
        .filter(|w| w[0] == w[1])
        .map(|w| w[0])
        .collect();
    out.dedup();
    out
}

/// Whether document `doc` is set in a segment's bits of [`Shared`].
fn is_set(bits: &[u64], doc: DocId) -> bool {
    bits.get(doc as usize / 64)
        .is_some_and(|word| word & (1 << (doc % 64)) != 0)
}

/// Keep only the `best` groups of one in `order`: a page needs no more, and a broad query's
/// tens of thousands of them cost more to gather, merge and partly sort than to search.
#[derive(Debug, Clone, Copy)]
pub struct Keep {
    pub order: Order,
    pub best: usize,
}

/// Collects every matching document with its cluster, score and publication instant.
pub struct Members {
    pub scored: bool,
    /// Which labels are shared; without it every document's label is read.
    pub shared: Option<Arc<Shared>>,
    /// Keep only the best groups of one (needs `shared`); `None` keeps every document.
    pub keep: Option<Keep>,
}

impl Members {
    /// Every matching document, unscored, each with its label read.
    pub fn every() -> Members {
        Members {
            scored: false,
            shared: None,
            keep: None,
        }
    }
}

pub struct SegmentMembers {
    segment: SegmentOrdinal,
    cluster: Option<Column<u64>>,
    /// The segment's documents with a shared label, one bit each (`None`: read every label).
    shared: Option<Arc<Vec<u64>>>,
    published: Option<Column<tantivy::DateTime>>,
    keep: Option<Keep>,
    /// Groups of one under `keep`: the best so far and some candidates, pruned when full.
    alone: Vec<Member>,
    /// The worst group of one kept at the last pruning: anything no better is left out.
    worst: Option<Member>,
    out: Matches,
}

impl Collector for Members {
    type Fruit = Matches;
    type Child = SegmentMembers;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<SegmentMembers> {
        let shared = self
            .shared
            .as_ref()
            .and_then(|s| s.segments.get(&reader.segment_id()))
            .map(Arc::clone);
        Ok(SegmentMembers {
            segment,
            cluster: columns::unsigned(reader, "cluster"),
            keep: self.keep.filter(|_| shared.is_some()),
            shared,
            published: columns::published(reader),
            alone: Vec::new(),
            worst: None,
            out: Matches::default(),
        })
    }

    fn requires_scoring(&self) -> bool {
        self.scored
    }

    fn merge_fruits(&self, fruits: Vec<Matches>) -> tantivy::Result<Matches> {
        let mut all = Matches::default();
        for fruit in fruits {
            all.members.extend(fruit.members);
            all.matched += fruit.matched;
            all.left_out += fruit.left_out;
        }
        Ok(all)
    }
}

impl SegmentMembers {
    fn member(&self, doc: DocId, score: Score, cluster: Option<u64>) -> Member {
        Member {
            address: DocAddress::new(self.segment, doc),
            score,
            cluster,
            published: self
                .published
                .as_ref()
                .and_then(|c| c.first(doc))
                .map(|d| d.into_timestamp_secs()),
        }
    }

    /// Offers a group of one to the kept best; false when it cannot make the page.
    fn offer_alone(&mut self, keep: Keep, doc: DocId, score: Score) -> bool {
        if let Some(worst) = &self.worst
            && keep.order.by_score()
            && score < worst.score
        {
            return false;
        }
        let member = self.member(doc, score, None);
        let better = |worst: &Member| keep.order.members(&member, worst) == Ordering::Less;
        if keep.best == 0 || self.worst.as_ref().is_some_and(|w| !better(w)) {
            return false;
        }
        self.alone.push(member);
        if self.alone.len() >= keep.best.saturating_mul(2).max(64) {
            self.prune(keep);
        }
        true
    }

    /// Keeps the `best` groups of one and remembers the worst of them.
    fn prune(&mut self, keep: Keep) {
        let Some(last) = keep.best.checked_sub(1) else {
            self.out.left_out += self.alone.len();
            self.alone.clear();
            return;
        };
        if self.alone.len() <= keep.best {
            return;
        }
        self.alone
            .select_nth_unstable_by(last, |a, b| keep.order.members(a, b));
        self.out.left_out += self.alone.len() - keep.best;
        self.alone.truncate(keep.best);
        self.worst = self.alone.last().copied();
    }
}

impl SegmentCollector for SegmentMembers {
    type Fruit = Matches;

    fn collect(&mut self, doc: DocId, score: Score) {
        self.out.matched += 1;
        let shared = match &self.shared {
            None => true,
            Some(bits) => is_set(bits, doc),
        };
        if !shared && let Some(keep) = self.keep {
            if !self.offer_alone(keep, doc, score) {
                self.out.left_out += 1;
            }
            return;
        }
        let cluster = match shared {
            true => self.cluster.as_ref().and_then(|c| c.first(doc)),
            false => None,
        };
        let member = self.member(doc, score, cluster);
        self.out.members.push(member);
    }

    fn harvest(mut self) -> Matches {
        if let Some(keep) = self.keep {
            self.prune(keep);
        }
        self.out.members.append(&mut self.alone);
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(doc: u32, score: f32, cluster: Option<u64>, published: Option<i64>) -> Member {
        Member {
            address: DocAddress::new(0, doc),
            score,
            cluster,
            published,
        }
    }

    /// Two clusters (7 and 9) and an unclustered, undated article.
    fn five_members() -> Vec<Member> {
        vec![
            m(0, 1.0, Some(7), Some(300)),
            m(1, 5.0, Some(7), Some(200)),
            m(2, 3.0, Some(9), Some(150)),
            m(3, 2.0, None, None),
            m(4, 4.0, Some(7), Some(100)),
        ]
    }

    #[test]
    fn a_cluster_shows_its_earliest_member_and_ranks_by_its_best_score() {
        let members = five_members();
        let groups = group(members.clone(), Order::new(Sort::Relevance, true));
        let shown: Vec<(u32, usize)> = groups
            .iter()
            .map(|g| (g.first().unwrap().address.doc_id, g.others().len()))
            .collect();
        assert_eq!(shown, vec![(4, 2), (2, 0), (3, 0)]);
        assert_eq!(groups[0].score, 5.0);
        let others: Vec<u32> = groups[0]
            .others()
            .iter()
            .map(|o| o.address.doc_id)
            .collect();
        assert_eq!(others, vec![1, 0]);

        let oldest: Vec<u32> = group(members.clone(), Order::new(Sort::Oldest, true))
            .iter()
            .map(|g| g.first().unwrap().address.doc_id)
            .collect();
        assert_eq!(oldest, vec![4, 2, 3]);
        let newest: Vec<u32> = group(members, Order::new(Sort::Newest, true))
            .iter()
            .map(|g| g.first().unwrap().address.doc_id)
            .collect();
        assert_eq!(newest, vec![2, 4, 3]);
    }

    #[test]
    fn a_page_is_the_same_slice_of_groups_in_every_order() {
        let mut members = five_members();
        members.extend([m(5, 3.0, None, Some(150)), m(6, 0.5, Some(9), None)]);
        for sort in [Sort::Relevance, Sort::Oldest, Sort::Newest] {
            let order = Order::new(sort, true);
            let all = group(members.clone(), order);
            for (offset, limit) in [(0, 10), (0, 2), (1, 2), (3, 5), (9, 1)] {
                let matches = Matches {
                    members: members.clone(),
                    ..Matches::default()
                };
                let (groups, total) = page(matches, order, offset, limit);
                let expected: Vec<Group> = all.iter().skip(offset).take(limit).cloned().collect();
                assert_eq!((groups, total), (expected, 4), "{sort:?} {offset} {limit}");
            }
        }
    }

    /// A segment collector over no columns: undated documents, shared as `shared` says.
    fn collector(shared: &[u32], keep: Option<Keep>) -> SegmentMembers {
        let mut bits = vec![0u64; 1];
        for &doc in shared {
            bits[0] |= 1 << doc;
        }
        SegmentMembers {
            segment: 0,
            cluster: None,
            shared: Some(Arc::new(bits)),
            published: None,
            keep,
            alone: Vec::new(),
            worst: None,
            out: Matches::default(),
        }
    }

    #[test]
    fn keeping_the_best_groups_of_one_leaves_the_page_and_total_unchanged() {
        // 200 documents (more than one pruning's worth), scores repeating so that ties fall
        // back to document order.
        let scores: Vec<f32> = (0..200u32).map(|d| ((d * 37) % 23) as f32).collect();
        for sort in [Sort::Relevance, Sort::Oldest, Sort::Newest] {
            let order = Order::new(sort, true);
            for (offset, limit) in [(0, 10), (5, 3), (0, 0), (195, 10), (40, 50)] {
                let keep = Keep {
                    order,
                    best: offset + limit,
                };
                let (mut all, mut kept) =
                    (collector(&[3, 4], None), collector(&[3, 4], Some(keep)));
                for (doc, &score) in scores.iter().enumerate() {
                    all.collect(doc as u32, score);
                    kept.collect(doc as u32, score);
                }
                let (all, kept) = (all.harvest(), kept.harvest());
                assert_eq!((kept.matched, all.matched, all.left_out), (200, 200, 0));
                assert_eq!(kept.members.len() + kept.left_out, 200, "{sort:?} {offset}");
                assert!(
                    kept.members.len() <= 2 + offset + limit,
                    "{sort:?} {offset}"
                );
                assert_eq!(
                    page(kept, order, offset, limit),
                    page(all, order, offset, limit),
                    "{sort:?} {offset} {limit}"
                );
            }
        }
    }

    #[test]
    fn the_best_groups_of_one_by_score_are_kept_ties_earliest_document_first() {
        let order = Order::new(Sort::Relevance, true);
        let mut kept = collector(&[], Some(Keep { order, best: 2 }));
        for (doc, score) in [(0, 1.0), (1, 3.0), (2, 2.0), (3, 3.0), (4, 0.5)] {
            kept.collect(doc, score);
        }
        let matches = kept.harvest();
        let (groups, total) = page(matches, order, 0, 2);
        let shown: Vec<u32> = groups
            .iter()
            .filter_map(|g| g.first())
            .map(|m| m.address.doc_id)
            .collect();
        assert_eq!((shown, total), (vec![1, 3], 5));
    }

    #[test]
    fn labels_shared_within_or_across_segments_are_marked_and_unique_ones_are_not() {
        use tantivy::schema::{FAST, Schema};
        let mut schema = Schema::builder();
        let cluster = schema.add_u64_field("cluster", FAST);
        let index = tantivy::Index::create_in_ram(schema.build());
        let mut writer: tantivy::IndexWriter = index.writer(15_000_000).unwrap();
        // First segment: 7 twice, 8 once, a document without a label; second: 9, 8, 10.
        for labels in [
            &[Some(7), Some(8), Some(7), None][..],
            &[Some(9), Some(8), Some(10)],
        ] {
            for label in labels {
                let mut doc = tantivy::TantivyDocument::default();
                if let Some(label) = label {
                    doc.add_u64(cluster, *label);
                }
                writer.add_document(doc).unwrap();
            }
            writer.commit().unwrap();
        }
        let searcher = index.reader().unwrap().searcher();
        let shared = Shared::of(&searcher);
        let mut marked: Vec<(u32, Vec<DocId>)> = searcher
            .segment_readers()
            .iter()
            .map(|r| {
                let bits = &shared.segments[&r.segment_id()];
                let docs = (0..r.max_doc()).filter(|&d| is_set(bits, d)).collect();
                (r.max_doc(), docs)
            })
            .collect();
        marked.sort();
        assert_eq!(marked, vec![(3, vec![1]), (4, vec![0, 1, 2])]);
    }

    #[test]
    fn a_label_set_holds_exactly_its_labels() {
        let labels: Vec<u64> = (0..1000u64).map(|i| i * 7919 + (i << 40)).collect();
        let set = LabelSet::new(labels.clone());
        assert!(labels.iter().all(|&l| set.contains(l)));
        let others: Vec<u64> = (0..100_000u64)
            .filter(|i| labels.binary_search(i).is_err())
            .collect();
        assert_eq!(others.iter().filter(|&&l| set.contains(l)).count(), 0);
        // The bitmap itself turns most of them away (about one in 32 gets through).
        let through = others.iter().filter(|&&l| set.may_contain(l)).count();
        assert!(through < others.len() / 10, "{through} of {}", others.len());
        assert!(!LabelSet::new(Vec::new()).contains(0));
    }

    #[test]
    fn repeated_values_are_listed_once_in_order() {
        assert_eq!(repeated(vec![5, 3, 9, 3, 5, 5, 1]), vec![3, 5]);
        assert_eq!(repeated(vec![]), Vec::<u64>::new());
    }
}
