//! Planning: a request to tantivy queries. Each query word becomes "jieba word in title
//! (boosted) or body, or the same characters as a bigram substring"; phrases are bigram
//! phrases; `OR`, parentheses, exclusions and field prefixes map onto boolean queries; every
//! filter flag is one more required clause. The plan also says, in words, how the query was
//! understood (`parsed`), and which strings to highlight.

use std::ops::Bound;

use chrono::{NaiveDate, NaiveTime};
use tantivy::Term;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, Occur, PhrasePrefixQuery, PhraseQuery, Query, RangeQuery,
    RegexQuery, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};

use super::SearchRequest;
use super::query::{self, Node};
use super::synonyms::Synonyms;
use crate::analyse::Linguistics;
use crate::analyse::{script, text};
use crate::error::Error;
use crate::index::{self, Fields};

/// Title matches count this much more than body matches.
const TITLE_BOOST: f32 = 3.0;
/// Words beyond this many are ignored: a pasted paragraph should not cost seconds.
const MAX_QUERY_WORDS: usize = 32;
/// Longest multi-word synonym looked for among consecutive query words.
const MAX_SYNONYM_WORDS: usize = 4;

/// The query in tantivy terms, plus what to highlight and how it was understood.
pub(super) struct Plan {
    /// Top-level terms: all must match, or (relaxed) some.
    units: Vec<Box<dyn Query>>,
    /// Per unit: may it carry a partial match alone? A lone Chinese character (`鸡` of
    /// `清远鸡`) may not: matching it says nothing about what was asked for.
    relaxable: Vec<bool>,
    excluded: Vec<Box<dyn Query>>,
    filters: Vec<Box<dyn Query>>,
    pub(super) needles: Vec<String>,
    pub(super) parsed: String,
}

/// A built part of the query and how it reads.
struct Part {
    query: Box<dyn Query>,
    shown: String,
}

impl Plan {
    /// Turns a request into tantivy queries. An empty plan is an error that says why.
    pub(super) fn new(
        request: &SearchRequest,
        f: &Fields,
        linguistics: &Linguistics,
        synonyms: &Synonyms,
    ) -> Result<Plan, Error> {
        let mut builder = Builder {
            f,
            linguistics,
            synonyms,
            needles: Vec::new(),
            words: 0,
        };
        let mut plan = Plan {
            units: Vec::new(),
            relaxable: Vec::new(),
            excluded: Vec::new(),
            filters: filters(request, f, linguistics),
            needles: Vec::new(),
            parsed: String::new(),
        };
        let mut shown: Vec<String> = Vec::new();
        let mut not_shown: Vec<String> = Vec::new();
        let top = match query::parse(&request.query) {
            Some(Node::And(children)) => children,
            Some(node) => vec![node],
            None => Vec::new(),
        };
        for child in builder.group_synonyms(top) {
            match child {
                Node::Not(inner) => {
                    if let Some(part) = builder.node(&inner) {
                        plan.excluded.push(part.query);
                        not_shown.push(format!("NOT {}", part.shown));
                    }
                }
                node => {
                    for part in builder.top_level(&node) {
                        plan.relaxable.push(!is_single_ideograph(&part.shown));
                        plan.units.push(part.query);
                        shown.push(part.shown);
                    }
                }
            }
        }
        shown.extend(not_shown);
        plan.parsed = shown.join(" AND ");
        plan.needles = builder.needles;
        if plan.units.is_empty() && plan.filters.is_empty() && plan.excluded.is_empty() {
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

    /// Whether the query has terms to rank by (otherwise only filters and exclusions).
    pub(super) fn has_terms(&self) -> bool {
        !self.units.is_empty()
    }

    /// Every term must match (or everything, when there are only filters), within the filters,
    /// minus the exclusions.
    pub(super) fn strict(&self) -> BooleanQuery {
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        if self.units.is_empty() {
            clauses.push((Occur::Must, Box::new(AllQuery)));
        }
        clauses.extend(self.units.iter().map(|q| (Occur::Must, q.box_clone())));
        self.finish(clauses)
    }

    /// Some of the terms must match: the fallback when no document has them all. `None` when
    /// there is nothing to relax (fewer than two terms, or nothing but lone characters left).
    pub(super) fn relaxed(&self) -> Option<BooleanQuery> {
        if self.units.len() < 2 {
            return None;
        }
        let any: Vec<(Occur, Box<dyn Query>)> = self
            .units
            .iter()
            .zip(&self.relaxable)
            .filter(|(_, relaxable)| **relaxable)
            .map(|(q, _)| (Occur::Should, q.box_clone()))
            .collect();
        if any.is_empty() {
            return None;
        }
        Some(self.finish(vec![(Occur::Must, Box::new(BooleanQuery::new(any)))]))
    }

    fn finish(&self, mut clauses: Vec<(Occur, Box<dyn Query>)>) -> BooleanQuery {
        clauses.extend(self.filters.iter().map(|q| (Occur::Must, q.box_clone())));
        clauses.extend(
            self.excluded
                .iter()
                .map(|q| (Occur::MustNot, q.box_clone())),
        );
        BooleanQuery::new(clauses)
    }
}

/// Builds the parts of one query; collects the highlight needles on the way.
struct Builder<'a> {
    f: &'a Fields,
    linguistics: &'a Linguistics,
    synonyms: &'a Synonyms,
    needles: Vec<String>,
    /// Word queries built so far (bounded by `MAX_QUERY_WORDS`).
    words: usize,
}

/// Where a word or phrase may match: word field, bigram field, boost.
type Target = (Field, Field, f32);

impl Builder<'_> {
    fn everywhere(&self) -> Vec<Target> {
        vec![
            (self.f.title, self.f.title_bigram, TITLE_BOOST),
            (self.f.body, self.f.body_bigram, 1.0),
        ]
    }

    /// Joins consecutive bare words that together spell a multi-word synonym (`WeChat Pay`).
    fn group_synonyms(&self, nodes: Vec<Node>) -> Vec<Node> {
        if self.synonyms.is_empty() {
            return nodes;
        }
        let bare = |n: &Node| match n {
            Node::Term(t) if t.field.is_none() && !t.phrase => Some(t.text.clone()),
            _ => None,
        };
        let mut out = Vec::new();
        let mut i = 0;
        while i < nodes.len() {
            let run: Vec<String> = nodes[i..].iter().map_while(bare).collect();
            let words: Vec<&str> = run.iter().map(String::as_str).collect();
            match self.synonyms.longest_prefix(&words, MAX_SYNONYM_WORDS) {
                Some(n) if n > 1 => {
                    out.push(Node::Term(query::Term {
                        field: None,
                        text: words[..n].join(" "),
                        phrase: false,
                    }));
                    i += n;
                }
                _ => {
                    out.push(nodes[i].clone());
                    i += 1;
                }
            }
        }
        out
    }

    /// A top-level node: a plain word with neither synonyms nor regional variants splits into
    /// its jieba words, each a term of its own (so a relaxed search can drop one of them).
    fn top_level(&mut self, node: &Node) -> Vec<Part> {
        if let Node::Term(t) = node
            && t.field.is_none()
            && !t.phrase
            && self.synonyms.group(&t.text).is_none()
            && self
                .linguistics
                .analyzer
                .regional_variants(&t.text)
                .is_empty()
        {
            let targets = self.everywhere();
            return self
                .linguistics
                .analyzer
                .query_words(&t.text)
                .iter()
                .filter_map(|w| self.word(w, &targets))
                .collect();
        }
        self.node(node).into_iter().collect()
    }

    fn node(&mut self, node: &Node) -> Option<Part> {
        match node {
            Node::Term(t) => self.term(t),
            Node::Not(inner) => {
                let part = self.node(inner)?;
                Some(Part {
                    query: Box::new(BooleanQuery::new(vec![
                        (Occur::Must, Box::new(AllQuery)),
                        (Occur::MustNot, part.query),
                    ])),
                    shown: format!("NOT {}", part.shown),
                })
            }
            Node::And(children) => self.all(children),
            Node::Or(children) => {
                let parts: Vec<Part> = children.iter().filter_map(|c| self.node(c)).collect();
                any(parts)
            }
        }
    }

    fn all(&mut self, children: &[Node]) -> Option<Part> {
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let mut shown = Vec::new();
        for child in children {
            let (occur, node) = match child {
                Node::Not(inner) => (Occur::MustNot, inner.as_ref()),
                other => (Occur::Must, other),
            };
            if let Some(part) = self.node(node) {
                clauses.push((occur, part.query));
                shown.push(if occur == Occur::MustNot {
                    format!("NOT {}", part.shown)
                } else {
                    part.shown
                });
            }
        }
        if clauses.is_empty() {
            return None;
        }
        if clauses.iter().all(|(o, _)| *o == Occur::MustNot) {
            clauses.push((Occur::Must, Box::new(AllQuery)));
        }
        if shown.len() == 1 && clauses.len() == 1 {
            let (_, query) = clauses.pop()?;
            return Some(Part {
                query,
                shown: shown.pop().unwrap_or_default(),
            });
        }
        Some(Part {
            query: Box::new(BooleanQuery::new(clauses)),
            shown: format!("({})", shown.join(" AND ")),
        })
    }

    fn term(&mut self, t: &query::Term) -> Option<Part> {
        use query::Field as Q;
        match t.field {
            None | Some(Q::Title) => {
                let targets = match t.field {
                    Some(Q::Title) => vec![(self.f.title, self.f.title_bigram, 1.0)],
                    _ => self.everywhere(),
                };
                let part = if t.phrase {
                    self.phrase_forms(&t.text, &targets)
                } else {
                    self.word_forms(&t.text, &targets)
                }?;
                Some(match t.field {
                    Some(Q::Title) => Part {
                        shown: format!("title:{}", part.shown),
                        ..part
                    },
                    _ => part,
                })
            }
            Some(Q::Entity) => Some(entity_part(&t.text, self.f, self.linguistics)),
            Some(field) => {
                let target = match field {
                    Q::Author => self.f.author,
                    Q::Source => self.f.source,
                    Q::Category => self.f.categories,
                    _ => self.f.tags,
                };
                meta_part(field.name(), &t.text, target)
            }
        }
    }

    /// A bare word: itself, its synonyms, and its other regional spelling, any of them.
    fn word_forms(&mut self, text: &str, targets: &[Target]) -> Option<Part> {
        let members: Vec<String> = match self.synonyms.group(text) {
            Some(group) => group.to_vec(),
            None => vec![text.to_string()],
        };
        let mut parts = Vec::new();
        for member in &members {
            let mut forms = vec![member.clone()];
            forms.extend(self.linguistics.analyzer.regional_variants(member));
            for form in forms {
                let part = if form.contains(' ') && members.len() > 1 {
                    self.phrase(&form, targets)
                } else {
                    self.words(&form, targets)
                };
                parts.extend(part);
            }
        }
        any(parts)
    }

    /// A phrase or any of its other regional spellings.
    fn phrase_forms(&mut self, text: &str, targets: &[Target]) -> Option<Part> {
        let mut forms = vec![text.to_string()];
        forms.extend(self.linguistics.analyzer.regional_variants(text));
        let parts = forms
            .iter()
            .filter_map(|f| self.phrase(f, targets))
            .collect();
        any(parts)
    }

    /// Every jieba word of `text` must match.
    fn words(&mut self, text: &str, targets: &[Target]) -> Option<Part> {
        let words = self.linguistics.analyzer.query_words(text);
        let parts: Vec<Part> = words.iter().filter_map(|w| self.word(w, targets)).collect();
        joined(parts, Occur::Must, " AND ")
    }

    /// One (normalised) word: a jieba word in a word field or a bigram substring.
    fn word(&mut self, word: &str, targets: &[Target]) -> Option<Part> {
        if self.words >= MAX_QUERY_WORDS {
            return None;
        }
        self.words += 1;
        let mut any: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for &(words, pairs, boost) in targets {
            let term = TermQuery::new(
                Term::from_field_text(words, word),
                IndexRecordOption::WithFreqs,
            );
            any.push((Occur::Should, boosted(Box::new(term), boost)));
            if let Some(substring) = phrase_query(word, pairs) {
                any.push((Occur::Should, boosted(substring, boost)));
            }
        }
        self.needles.push(word.to_string());
        Some(Part {
            query: Box::new(BooleanQuery::new(any)),
            shown: word.to_string(),
        })
    }

    /// An exact (normalised) substring in any target.
    fn phrase(&mut self, text: &str, targets: &[Target]) -> Option<Part> {
        let any: Vec<(Occur, Box<dyn Query>)> = targets
            .iter()
            .filter_map(|&(_, pairs, boost)| {
                phrase_query(text, pairs).map(|q| (Occur::Should, boosted(q, boost)))
            })
            .collect();
        if any.is_empty() {
            return None;
        }
        let norm = text::normalize(text).text;
        self.needles.push(norm.clone());
        Some(Part {
            query: Box::new(BooleanQuery::new(any)),
            shown: format!("\"{norm}\""),
        })
    }
}

fn is_single_ideograph(text: &str) -> bool {
    let mut chars = text.chars();
    chars.next().is_some_and(text::is_cjk) && chars.next().is_none()
}

/// Any of the parts; one part stays as it is.
fn any(parts: Vec<Part>) -> Option<Part> {
    joined(parts, Occur::Should, " OR ")
}

/// The parts joined by `occur` (shown joined by `word`); one part stays as it is.
fn joined(mut parts: Vec<Part>, occur: Occur, word: &str) -> Option<Part> {
    match parts.len() {
        0 => None,
        1 => parts.pop(),
        _ => Some(Part {
            shown: format!(
                "({})",
                parts
                    .iter()
                    .map(|p| p.shown.as_str())
                    .collect::<Vec<_>>()
                    .join(word)
            ),
            query: Box::new(BooleanQuery::new(
                parts.into_iter().map(|p| (occur, p.query)).collect(),
            )),
        }),
    }
}

fn boosted(query: Box<dyn Query>, boost: f32) -> Box<dyn Query> {
    if (boost - 1.0).abs() < f32::EPSILON {
        query
    } else {
        Box::new(BoostQuery::new(query, boost))
    }
}

/// How many distinct pairs a trailing lone ideograph may expand to inside a longer phrase.
const MAX_PAIRS_AFTER_PREFIX: u32 = 4096;

/// An exact (normalised) substring of one bigram field, via consecutive positions. A lone
/// ideograph at the end is matched as a prefix: alone, or as the first half of a pair (the
/// index keeps a character alone only where its run ends).
fn phrase_query(text: &str, field: Field) -> Option<Box<dyn Query>> {
    let tokens = text::phrase_tokens(text);
    let terms = || -> Vec<(usize, Term)> {
        tokens
            .iter()
            .map(|t| (t.position, Term::from_field_text(field, &t.text)))
            .collect()
    };
    if text::ends_with_lone_ideograph(&tokens) {
        let mut query = PhrasePrefixQuery::new_with_offset(terms());
        // Alone, the prefix is a term range with no preallocation; after other tokens tantivy
        // reserves one posting list per possible expansion, so the bound must stay modest. A
        // character starts far fewer distinct pairs than this in practice.
        query.set_max_expansions(if tokens.len() == 1 {
            u32::MAX
        } else {
            MAX_PAIRS_AFTER_PREFIX
        });
        return Some(Box::new(query));
    }
    match tokens.len() {
        0 => None,
        1 => Some(Box::new(TermQuery::new(
            Term::from_field_text(field, &tokens[0].text),
            IndexRecordOption::WithFreqs,
        ))),
        _ => Some(Box::new(PhraseQuery::new_with_offset(terms()))),
    }
}

/// `author:`, `source:`, `category:`, `tag:`: the exact value, or any value containing the
/// text (ignoring case), in the script typed or folded to simplified.
fn meta_part(name: &str, value: &str, field: Field) -> Option<Part> {
    let value = value.trim();
    if value.is_empty() {
        return None;
    }
    let mut spellings = vec![value.to_string()];
    let folded = script::fold(value);
    if folded != value {
        spellings.push(folded);
    }
    let mut any: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for spelling in &spellings {
        any.push((
            Occur::Should,
            Box::new(TermQuery::new(
                Term::from_field_text(field, spelling),
                IndexRecordOption::Basic,
            )),
        ));
        let pattern = format!("(?i).*{}.*", regex_escape(spelling));
        if let Ok(contains) = RegexQuery::from_pattern(&pattern, field) {
            any.push((Occur::Should, Box::new(contains)));
        }
    }
    Some(Part {
        query: Box::new(BooleanQuery::new(any)),
        shown: format!("{name}:{value}"),
    })
}

fn regex_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if "\\.+*?()|[]{}^$#&-~\"@<>".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// `entity:` and `--entity`: the canonical name of what was typed (aliases and the other
/// script understood).
fn entity_part(name: &str, f: &Fields, linguistics: &Linguistics) -> Part {
    let names = entity_names(name, linguistics);
    let any = names
        .iter()
        .map(|n| -> (Occur, Box<dyn Query>) {
            (
                Occur::Should,
                Box::new(TermQuery::new(
                    Term::from_field_text(f.entity_name, n),
                    IndexRecordOption::Basic,
                )),
            )
        })
        .collect();
    Part {
        query: Box::new(BooleanQuery::new(any)),
        shown: format!("entity:{}", names.join("|")),
    }
}

/// The canonical names for what a user typed: `阿里` is filed under `阿里巴巴` when the
/// gazetteer says they are one entity; `騰訊` is also looked up as `腾讯`. Unknown names are
/// used as typed.
fn entity_names(name: &str, linguistics: &Linguistics) -> Vec<String> {
    let name = name.trim();
    let mut out: Vec<String> = Vec::new();
    for spelling in [name.to_string(), hanconv::t2s(name)] {
        // Gazetteer and rules only: a search never parses the entity model.
        let canonical = linguistics.canonical_entity(&spelling);
        for n in [canonical, spelling] {
            if !out.contains(&n) {
                out.push(n);
            }
        }
    }
    out
}

/// A mention lies within `from..=to`, or an open span overlaps it. Mention starts and ends
/// are parallel lists, so a document whose one mention starts inside and another ends inside
/// also passes; such pairs straddle the period's edges and are rare enough to accept. Open
/// spans all touch the publication day, so pairing their ends across mentions is exact.
fn mentions_filter(from: Option<NaiveDate>, to: Option<NaiveDate>, f: &Fields) -> Box<dyn Query> {
    // A missing end is the farthest day, never `Unbounded`: a range needs one bound to know
    // its field, and the overlap test leaves one side open.
    let range = |field: Field, lower: Option<NaiveDate>, upper: Option<NaiveDate>| {
        let term = |day: NaiveDate| {
            Bound::Included(Term::from_field_date_for_search(
                field,
                index::day_instant(day),
            ))
        };
        let lower = term(lower.unwrap_or(NaiveDate::MIN));
        let upper = term(upper.unwrap_or(NaiveDate::MAX));
        Box::new(RangeQuery::new(lower, upper)) as Box<dyn Query>
    };
    let within = BooleanQuery::intersection(vec![
        range(f.mention_start, from, to),
        range(f.mention_end, from, to),
    ]);
    let overlapping = BooleanQuery::intersection(vec![
        range(f.open_start, None, to),
        range(f.open_end, from, None),
    ]);
    Box::new(BooleanQuery::union(vec![
        Box::new(within),
        Box::new(overlapping),
    ]))
}

fn filters(request: &SearchRequest, f: &Fields, linguistics: &Linguistics) -> Vec<Box<dyn Query>> {
    let mut out: Vec<Box<dyn Query>> = Vec::new();
    out.extend(published_range(request, f));
    if let Some((from, to)) = request.mentions {
        out.push(mentions_filter(from, to, f));
    }
    for name in &request.entities {
        out.push(entity_part(name, f, linguistics).query);
    }
    for (values, field) in [
        (&request.categories, f.categories),
        (&request.sources, f.source),
        (&request.sites, f.site),
        (&request.tags, f.tags),
        (&request.authors, f.author),
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

/// `--since`/`--until` as a range over publication instants (days in +08:00).
fn published_range(request: &SearchRequest, f: &Fields) -> Option<Box<dyn Query>> {
    if request.since.is_none() && request.until.is_none() {
        return None;
    }
    let offset = crate::read::pubdate::default_offset();
    let day_start = |day: NaiveDate| {
        let seconds = day.and_time(NaiveTime::MIN).and_utc().timestamp()
            - i64::from(offset.local_minus_utc());
        Term::from_field_date_for_search(f.published, index::instant(seconds))
    };
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
    Some(Box::new(RangeQuery::new(lower, upper)))
}
