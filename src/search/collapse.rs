//! Collapsing near-duplicate clusters in a result set: every matching document's cluster
//! label, score and publication instant are read from fast fields ([`Members`]), grouped by
//! label ([`group`]), and each group is shown as its earliest matching article. `search`,
//! `duplicates` and `similar` share it.

use std::collections::HashMap;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::{DocAddress, DocId, Score, SegmentOrdinal, SegmentReader};

use super::Sort;

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

/// Collects every matching document with its cluster, score and publication instant.
pub struct Members {
    pub scored: bool,
}

pub struct SegmentMembers {
    segment: SegmentOrdinal,
    cluster: Option<Column<u64>>,
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
        let fast = reader.fast_fields();
        Ok(SegmentMembers {
            segment,
            cluster: fast.u64("cluster").ok(),
            published: fast.date("published").ok(),
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
        self.out.push(Member {
            address: DocAddress::new(self.segment, doc),
            score,
            cluster: self.cluster.as_ref().and_then(|c| c.first(doc)),
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

    #[test]
    fn a_cluster_shows_its_earliest_member_and_ranks_by_its_best_score() {
        let members = vec![
            m(0, 1.0, Some(7), Some(300)),
            m(1, 5.0, Some(7), Some(200)),
            m(2, 3.0, Some(9), Some(150)),
            m(3, 2.0, None, None),
            m(4, 4.0, Some(7), Some(100)),
        ];
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
}
