//! Collapsing near-duplicate clusters in a result set: every matching document's cluster
//! label, score and publication instant are read from fast fields ([`Members`]), grouped by
//! label ([`group`]), and each group is shown as its earliest matching article. `search`,
//! `duplicates` and `similar` share it.

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

/// Groups members by cluster and orders the groups: by best score (relevance with words to rank
/// by), else by the date of the group's earliest article.
pub fn group(members: Vec<Member>, sort: Sort, ranked: bool) -> Vec<Group> {
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
    let first = |g: &Group| g.first().map(Member::age_key);
    match (sort, ranked) {
        (Sort::Relevance, true) => groups.sort_by(|a, b| {
            b.score
                .total_cmp(&a.score)
                .then_with(|| first(a).cmp(&first(b)))
        }),
        (Sort::Oldest, _) => groups.sort_by_key(first),
        _ => groups.sort_by(|a, b| {
            let date = |g: &Group| g.first().and_then(|m| m.published);
            date(b).cmp(&date(a)).then_with(|| first(a).cmp(&first(b)))
        }),
    }
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

/// The groups `offset..offset + limit` in [`group`]'s order, and the number of groups. Same
/// answer as slicing [`group`]'s, but only the groups of the page are built: a broad query
/// matches tens of thousands of documents, and building a vector for each of their groups
/// cost more than the search itself.
pub fn page(
    mut members: Vec<Member>,
    sort: Sort,
    ranked: bool,
    offset: usize,
    limit: usize,
) -> (Vec<Group>, usize) {
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
    let total = summaries.len();
    let order = |a: &Summary, b: &Summary| match (sort, ranked) {
        (Sort::Relevance, true) => b
            .score
            .total_cmp(&a.score)
            .then_with(|| a.first.age_key().cmp(&b.first.age_key())),
        (Sort::Oldest, _) => a.first.age_key().cmp(&b.first.age_key()),
        _ => b
            .first
            .published
            .cmp(&a.first.published)
            .then_with(|| a.first.age_key().cmp(&b.first.age_key())),
    };
    let end = offset.saturating_add(limit).min(total);
    if end < total && end > 0 {
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

/// Which documents of each segment carry a cluster label that some other document of the
/// index carries too. A label no other document has makes a group of one whatever matches, so
/// [`Members`] leaves it out and [`page`] need not sort those documents to group them. Made
/// once per index generation ([`Shared::of`]).
#[derive(Debug, Default)]
pub struct Shared {
    segments: HashMap<SegmentId, Vec<u64>>,
}

impl Shared {
    /// Counts every label of the index (deleted documents included: a label they share only
    /// costs a sort, never a wrong group).
    pub fn of(searcher: &tantivy::Searcher) -> Shared {
        let readers = searcher.segment_readers();
        let clusters: Vec<Option<Column<u64>>> = readers
            .iter()
            .map(|r| columns::unsigned(r, "cluster"))
            .collect();
        let mut counts: HashMap<u64, u32> = HashMap::new();
        for (reader, column) in readers.iter().zip(&clusters) {
            let Some(column) = column else { continue };
            for doc in 0..reader.max_doc() {
                if let Some(c) = column.first(doc) {
                    *counts.entry(c).or_default() += 1;
                }
            }
        }
        let mut segments = HashMap::new();
        for (reader, column) in readers.iter().zip(&clusters) {
            let mut bits = vec![0u64; (reader.max_doc() as usize).div_ceil(64)];
            if let Some(column) = column {
                for doc in 0..reader.max_doc() {
                    let label = column.first(doc);
                    if label.is_some_and(|c| counts.get(&c).is_some_and(|&n| n > 1)) {
                        bits[doc as usize / 64] |= 1 << (doc % 64);
                    }
                }
            }
            segments.insert(reader.segment_id(), bits);
        }
        Shared { segments }
    }
}

/// Collects every matching document with its cluster, score and publication instant.
pub struct Members {
    pub scored: bool,
    /// Which labels are shared; without it every document's label is read.
    pub shared: Option<Arc<Shared>>,
}

pub struct SegmentMembers {
    segment: SegmentOrdinal,
    cluster: Option<Column<u64>>,
    /// The segment's documents with a shared label (`None`: read every label).
    shared: Option<(Arc<Shared>, SegmentId)>,
    published: Option<Column<tantivy::DateTime>>,
    out: Vec<Member>,
}

impl Collector for Members {
    type Fruit = Vec<Member>;
    type Child = SegmentMembers;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<SegmentMembers> {
        let id = reader.segment_id();
        let shared = self
            .shared
            .as_ref()
            .filter(|s| s.segments.contains_key(&id))
            .map(|s| (Arc::clone(s), id));
        Ok(SegmentMembers {
            segment,
            cluster: columns::unsigned(reader, "cluster"),
            shared,
            published: columns::published(reader),
            out: Vec::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        self.scored
    }

    fn merge_fruits(&self, fruits: Vec<Vec<Member>>) -> tantivy::Result<Vec<Member>> {
        Ok(fruits.into_iter().flatten().collect())
    }
}

impl SegmentCollector for SegmentMembers {
    type Fruit = Vec<Member>;

    fn collect(&mut self, doc: DocId, score: Score) {
        let shared = match &self.shared {
            None => true,
            Some((shared, id)) => shared.segments.get(id).is_some_and(|bits| {
                bits.get(doc as usize / 64)
                    .is_some_and(|word| word & (1 << (doc % 64)) != 0)
            }),
        };
        let cluster = match shared {
            true => self.cluster.as_ref().and_then(|c| c.first(doc)),
            false => None,
        };
        self.out.push(Member {
            address: DocAddress::new(self.segment, doc),
            score,
            cluster,
            published: self
                .published
                .as_ref()
                .and_then(|c| c.first(doc))
                .map(|d| d.into_timestamp_secs()),
        });
    }

    fn harvest(self) -> Vec<Member> {
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
        let groups = group(members.clone(), Sort::Relevance, true);
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

        let oldest: Vec<u32> = group(members.clone(), Sort::Oldest, true)
            .iter()
            .map(|g| g.first().unwrap().address.doc_id)
            .collect();
        assert_eq!(oldest, vec![4, 2, 3]);
        let newest: Vec<u32> = group(members, Sort::Newest, true)
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
            let all = group(members.clone(), sort, true);
            for (offset, limit) in [(0, 10), (0, 2), (1, 2), (3, 5), (9, 1)] {
                let (groups, total) = page(members.clone(), sort, true, offset, limit);
                let expected: Vec<Group> = all.iter().skip(offset).take(limit).cloned().collect();
                assert_eq!((groups, total), (expected, 4), "{sort:?} {offset} {limit}");
            }
        }
    }
}
