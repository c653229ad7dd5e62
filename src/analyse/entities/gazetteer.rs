//! The shipped gazetteer (data files compiled in) and the Aho-Corasick matcher built from it
//! together with the user's entities.

use super::user::{UserEntity, parse_user_entities};
use super::{EntityType, is_han};
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use std::collections::HashMap;

/// Gazetteer files, `name<TAB>type<TAB>alias,alias`, written from general knowledge. The
/// `*_more` files are systematic lists (every UN capital, every Japanese prefecture, China's
/// county-level cities, well-known media, large companies, major product lines), each with its
/// criterion in its header, compiled without reference to any evaluation data.
const FILES: &[(&str, &str)] = &[
    (
        "loc_china.tsv",
        include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/data/gazetteer/loc_china.tsv"
        )),
    ),
    (
        "loc_world.tsv",
        include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/data/gazetteer/loc_world.tsv"
        )),
    ),
    (
        "org_gov.tsv",
        include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/data/gazetteer/org_gov.tsv"
        )),
    ),
    (
        "org_company.tsv",
        include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/data/gazetteer/org_company.tsv"
        )),
    ),
    (
        "org_media.tsv",
        include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/data/gazetteer/org_media.tsv"
        )),
    ),
    (
        "product.tsv",
        include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/data/gazetteer/product.tsv"
        )),
    ),
    (
        "loc_china_more.tsv",
        include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/data/gazetteer/loc_china_more.tsv"
        )),
    ),
    (
        "loc_world_capitals.tsv",
        include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/data/gazetteer/loc_world_capitals.tsv"
        )),
    ),
    (
        "loc_world_subdivisions.tsv",
        include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/data/gazetteer/loc_world_subdivisions.tsv"
        )),
    ),
    (
        "org_company_more.tsv",
        include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/data/gazetteer/org_company_more.tsv"
        )),
    ),
    (
        "org_media_more.tsv",
        include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/data/gazetteer/org_media_more.tsv"
        )),
    ),
    (
        "product_more.tsv",
        include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/data/gazetteer/product_more.tsv"
        )),
    ),
];

/// All gazetteer entries. A malformed shipped file is a build-time bug caught by the tests;
/// at run time its bad lines are skipped rather than panicking.
pub fn builtin() -> Vec<UserEntity> {
    let mut out = Vec::new();
    for (_, text) in FILES {
        match parse_user_entities(text) {
            Ok(v) => out.extend(v),
            Err(_) => {
                // Fall back to line-by-line parsing so one bad line does not lose a file.
                for line in text.lines() {
                    if let Ok(v) = parse_user_entities(line) {
                        out.extend(v);
                    }
                }
            }
        }
    }
    out
}

/// The shipped files as (name, text).
pub fn files() -> &'static [(&'static str, &'static str)] {
    FILES
}

/// What a pattern stands for.
#[derive(Debug, Clone)]
pub struct Entry {
    pub canonical: String,
    pub kind: EntityType,
    /// Came from the user's file (wins over the gazetteer).
    pub user: bool,
}

/// A gazetteer hit in the text (byte offsets).
#[derive(Debug, Clone)]
pub struct Hit {
    pub start: usize,
    pub end: usize,
    pub entry: usize,
}

pub struct Matcher {
    ac: Option<AhoCorasick>,
    /// pattern index -> entry index
    pat_entry: Vec<usize>,
    /// pattern strings, by pattern index
    pats: Vec<String>,
    pub entries: Vec<Entry>,
    /// canonical name -> entry index (for looking up the type of a known name)
    by_name: HashMap<String, usize>,
}

/// Spelling variants of a name that mixes Latin and Han script: with and without a space at
/// each script boundary (`36氪` / `36 氪`).
fn variants(name: &str) -> Vec<String> {
    let mut out = vec![name.to_string()];
    let has_latin = name.chars().any(|c| c.is_ascii_alphanumeric());
    let has_han = name.chars().any(is_han);
    if has_latin && has_han {
        let compact: String = {
            let cs: Vec<char> = name.chars().collect();
            let mut s = String::new();
            for (i, &c) in cs.iter().enumerate() {
                if c == ' ' {
                    let prev = i.checked_sub(1).and_then(|j| cs.get(j)).copied();
                    let next = cs.get(i + 1).copied();
                    if let (Some(p), Some(n)) = (prev, next)
                        && (is_han(p) != is_han(n))
                    {
                        continue;
                    }
                }
                s.push(c);
            }
            s
        };
        let mut spaced = String::new();
        let mut prev: Option<char> = None;
        for c in compact.chars() {
            if let Some(p) = prev
                && ((p.is_ascii_alphanumeric() && is_han(c))
                    || (is_han(p) && c.is_ascii_alphanumeric()))
            {
                spaced.push(' ');
            }
            spaced.push(c);
            prev = Some(c);
        }
        for v in [compact, spaced] {
            if !out.contains(&v) {
                out.push(v);
            }
        }
    }
    out
}

impl Matcher {
    pub fn new(gaz: &[UserEntity], user: &[UserEntity]) -> Self {
        let mut entries: Vec<Entry> = Vec::new();
        let mut pat_of: HashMap<String, usize> = HashMap::new(); // surface -> entry
        let mut by_name: HashMap<String, usize> = HashMap::new();
        // User entries first so they take every surface form they name.
        for (is_user, list) in [(true, user), (false, gaz)] {
            for e in list {
                let idx = match by_name.get(&e.name) {
                    Some(&i) if !is_user && entries[i].user => i,
                    _ => {
                        entries.push(Entry {
                            canonical: e.name.clone(),
                            kind: e.kind,
                            user: is_user,
                        });
                        let i = entries.len() - 1;
                        by_name.entry(e.name.clone()).or_insert(i);
                        i
                    }
                };
                for surface in std::iter::once(&e.name).chain(e.aliases.iter()) {
                    for v in variants(surface) {
                        if v.trim().is_empty() {
                            continue;
                        }
                        pat_of.entry(v).or_insert(idx);
                    }
                }
            }
        }
        let mut pats: Vec<(String, usize)> = pat_of.into_iter().collect();
        pats.sort();
        let pat_entry: Vec<usize> = pats.iter().map(|(_, e)| *e).collect();
        let ac = AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostLongest)
            .kind(Some(AhoCorasickKind::ContiguousNFA))
            // A contiguous NFA rather than a DFA: the DFA's table is megabytes, a cache miss
            // for nearly every byte of Chinese text. And no prefilter: Chinese text is mostly
            // the few lead bytes every pattern starts with, so it would stop at nearly every
            // character and restart the automaton there.
            .prefilter(false)
            .ascii_case_insensitive(true)
            .build(pats.iter().map(|(p, _)| p.as_str()))
            .ok();
        let pats: Vec<String> = pats.into_iter().map(|(p, _)| p).collect();
        Matcher {
            ac,
            pat_entry,
            pats,
            entries,
            by_name,
        }
    }

    /// Entry for a canonical name or surface, if the gazetteer knows it.
    pub fn lookup(&self, name: &str) -> Option<&Entry> {
        self.by_name.get(name).and_then(|&i| self.entries.get(i))
    }

    /// Boundary and case checks of one automaton match.
    fn check(&self, text: &str, s: usize, e: usize, pi: usize) -> Option<Hit> {
        let bytes = text.as_bytes();
        let entry = *self.pat_entry.get(pi)?;
        let first = bytes.get(s).copied().unwrap_or(0);
        let last = bytes.get(e.wrapping_sub(1)).copied().unwrap_or(0);
        if first.is_ascii_alphanumeric() && s > 0 && bytes[s - 1].is_ascii_alphanumeric() {
            return None;
        }
        if last.is_ascii_alphanumeric() && bytes.get(e).is_some_and(|b| b.is_ascii_alphanumeric()) {
            return None;
        }
        let surface = text.get(s..e)?;
        let exact = self.pats.get(pi).is_some_and(|p| p == surface);
        if !exact && !surface.bytes().any(|b| b.is_ascii_uppercase()) {
            // all-lower-case spelling of a name written with capitals: likely a plain word
            return None;
        }
        Some(Hit {
            start: s,
            end: e,
            entry,
        })
    }

    /// Non-overlapping leftmost-longest hits. Latin-script hits must sit on ASCII word
    /// boundaries; a hit whose case differs from the pattern must contain an upper-case letter.
    pub fn find(&self, text: &str) -> Vec<Hit> {
        let Some(ac) = &self.ac else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for m in ac.find_iter(text) {
            if let Some(h) = self.check(text, m.start(), m.end(), m.pattern().as_usize()) {
                out.push(h);
            }
        }
        out
    }
}
