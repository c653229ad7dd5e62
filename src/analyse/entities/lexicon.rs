//! Entity names learned from the training corpora, for the model's lexicon features: every
//! PER/LOC/ORG name (two characters or more) the training sentences annotate, with how many
//! sentences name it with that type and how many contain its text at all. A name the corpora
//! always annotate is strong evidence; one that is mostly ordinary text is weak, and the model
//! learns how much to trust each strength. The list travels inside the model file, so a model
//! and its lexicon always come from the same data.
//!
//! Training must not see a sentence's own names in the lexicon (the feature would then be
//! right on every training sentence and the model would trust it blindly): `codes_without`
//! leaves the sentence out of the counts, as if the lexicon had been learned from the others.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use std::collections::HashMap;

use super::model::{Kind, Span, get_varint, put_varint};

/// Fewest sentences that must name a name (others than the one trained on) for it to count.
const MIN_NAMED: u16 = 2;

/// Longest name kept, in characters: longer annotated spans are sentences, not names.
const MAX_CHARS: usize = 24;

/// Per kind: (sentences naming it with the kind, sentences containing its text), saturated.
type Counts = [(u16, u16); 3];

/// Lexicon codes of one character, per kind: 0 none, else 1 + position (B/M/E/S) + 4 ×
/// strength. A character covered by several names of a kind takes the longest.
pub type Codes = [u8; 3];

/// The learned names and an automaton over them.
#[derive(Clone)]
pub struct Lexicon {
    names: Vec<String>,
    counts: Vec<Counts>,
    ac: AhoCorasick,
}

impl Default for Lexicon {
    fn default() -> Self {
        Lexicon::from_entries(Vec::new(), Vec::new())
    }
}

fn bump(c: &mut u16) {
    *c = c.saturating_add(1);
}

impl Lexicon {
    /// The names of `samples` (normalised text, gold spans in char offsets), with their counts
    /// over the same samples.
    pub fn learn(samples: &[(&str, &[Span])]) -> Lexicon {
        let mut index: HashMap<String, usize> = HashMap::new();
        let mut names = Vec::new();
        let mut counts: Vec<Counts> = Vec::new();
        for (text, spans) in samples {
            let chars: Vec<char> = text.chars().collect();
            let mut mine: Vec<(usize, Kind)> = Vec::new();
            for s in spans.iter() {
                if s.end > chars.len() || s.end - s.start < 2 || s.end - s.start > MAX_CHARS {
                    continue;
                }
                let name: String = chars[s.start..s.end].iter().collect();
                let next = names.len();
                let at = *index.entry(name.clone()).or_insert(next);
                if at == next {
                    names.push(name);
                    counts.push([(0, 0); 3]);
                }
                if !mine.contains(&(at, s.kind)) {
                    mine.push((at, s.kind));
                    bump(&mut counts[at][s.kind as usize].0);
                }
            }
        }
        let mut lex = Lexicon::from_entries(names, counts);
        lex.count_texts(samples);
        lex
    }

    /// Counts, for each name, the samples whose text contains it.
    fn count_texts(&mut self, samples: &[(&str, &[Span])]) {
        let mut seen: Vec<usize> = Vec::new();
        for (text, _) in samples {
            seen.clear();
            seen.extend(
                self.ac
                    .find_overlapping_iter(*text)
                    .map(|m| m.pattern().as_usize()),
            );
            seen.sort_unstable();
            seen.dedup();
            for &p in &seen {
                for k in self.counts[p].iter_mut() {
                    if k.0 > 0 {
                        bump(&mut k.1);
                    }
                }
            }
        }
    }

    fn from_entries(names: Vec<String>, counts: Vec<Counts>) -> Lexicon {
        // Built from strings only: it cannot fail short of running out of states, and an
        // empty automaton (no lexicon features) is then the harmless fallback.
        // No prefilter: in Chinese text it would stop at nearly every character.
        let ac = AhoCorasickBuilder::new()
            .match_kind(MatchKind::Standard)
            .prefilter(false)
            .build(&names)
            .or_else(|_| AhoCorasick::new(std::iter::empty::<&str>()))
            .unwrap_or_else(|_| unreachable!("an empty automaton always builds"));
        Lexicon { names, counts, ac }
    }

    pub fn len(&self) -> usize {
        self.names.len()
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// Lexicon codes of each of `chars`.
    pub fn codes(&self, chars: &[char]) -> Vec<Codes> {
        self.codes_of(chars, None)
    }

    /// Lexicon codes of each of `chars` as if the training sentence whose gold names are `own`
    /// had not been learned from (for training on that sentence).
    pub fn codes_without(&self, chars: &[char], own: &[Span]) -> Vec<Codes> {
        self.codes_of(chars, Some(own))
    }

    fn codes_of(&self, chars: &[char], own: Option<&[Span]>) -> Vec<Codes> {
        let n = chars.len();
        let mut out = vec![[0u8; 3]; n];
        if self.names.is_empty() || n == 0 {
            return out;
        }
        let text: String = chars.iter().collect();
        let mut char_at = vec![0usize; text.len() + 1];
        for (ci, (bi, _)) in text.char_indices().enumerate() {
            char_at[bi] = ci;
        }
        char_at[text.len()] = n;
        let mut best_len = vec![[0usize; 3]; n];
        for m in self.ac.find_overlapping_iter(&text) {
            let (s, e) = (char_at[m.start()], char_at[m.end()]);
            let Some(counts) = self.counts.get(m.pattern().as_usize()) else {
                continue;
            };
            for kind in Kind::ALL {
                let (mut named, mut seen) = counts[kind as usize];
                if let Some(own) = own {
                    // this sentence contains the text; it named it if a gold span of the kind
                    // has the same text anywhere in it
                    seen = seen.saturating_sub(1);
                    let same = |g: &&Span| {
                        g.kind == kind && g.end <= n && chars[g.start..g.end] == chars[s..e]
                    };
                    if own.iter().any(|g| same(&g)) {
                        named = named.saturating_sub(1);
                    }
                }
                if named < MIN_NAMED {
                    continue;
                }
                let strength = strength(named, seen);
                let k = kind as usize;
                for i in s..e {
                    if e - s > best_len[i][k] {
                        best_len[i][k] = e - s;
                        out[i][k] = 1 + position(i, s, e) + 4 * strength;
                    }
                }
            }
        }
        out
    }

    /// The lexicon section of a model file: count, then per name its UTF-8 length, bytes and
    /// the six counts, all numbers LEB128 varints. Only names some kind names at least
    /// `MIN_NAMED` times are written: the others never give a feature outside training.
    pub fn write(&self, out: &mut Vec<u8>) {
        let usable: Vec<usize> = (0..self.names.len())
            .filter(|&i| self.counts[i].iter().any(|(named, _)| *named >= MIN_NAMED))
            .collect();
        put_varint(out, usable.len() as u64);
        for i in usable {
            put_varint(out, self.names[i].len() as u64);
            out.extend_from_slice(self.names[i].as_bytes());
            for (named, seen) in self.counts[i] {
                put_varint(out, u64::from(named));
                put_varint(out, u64::from(seen));
            }
        }
    }

    /// Reads what `write` wrote from `bytes`; `None` if it is cut short or not UTF-8.
    pub fn read(bytes: &[u8]) -> Option<Lexicon> {
        let mut at = 0usize;
        let count = get_varint(bytes, &mut at)? as usize;
        let mut names = Vec::with_capacity(count.min(bytes.len() / 9));
        let mut counts = Vec::with_capacity(names.capacity());
        let small = |v: u64| u16::try_from(v).ok();
        for _ in 0..count {
            let len = get_varint(bytes, &mut at)? as usize;
            let text = bytes.get(at..at.checked_add(len)?)?;
            at += len;
            let name = std::str::from_utf8(text).ok()?.to_string();
            let mut c: Counts = [(0, 0); 3];
            for (named, seen) in c.iter_mut() {
                *named = small(get_varint(bytes, &mut at)?)?;
                *seen = small(get_varint(bytes, &mut at)?)?;
            }
            names.push(name);
            counts.push(c);
        }
        (at == bytes.len()).then(|| Lexicon::from_entries(names, counts))
    }
}

/// 0 B, 1 M, 2 E, 3 S.
fn position(i: usize, start: usize, end: usize) -> u8 {
    match (i == start, i + 1 == end) {
        (true, true) => 3,
        (true, false) => 0,
        (false, true) => 2,
        (false, false) => 1,
    }
}

/// How much a name's counts say (0..=8): how often it was named (once, a few times, often)
/// by how often its text is that name when it occurs (rarely, sometimes, mostly).
fn strength(named: u16, seen: u16) -> u8 {
    let often = match named {
        1 => 0,
        2..=4 => 1,
        _ => 2,
    };
    let share = f64::from(named) / f64::from(seen.max(named).max(1));
    let mostly = if share >= 0.8 {
        2
    } else if share >= 0.4 {
        1
    } else {
        0
    };
    often * 3 + mostly
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(start: usize, end: usize, kind: Kind) -> Span {
        Span { start, end, kind }
    }

    fn chars(s: &str) -> Vec<char> {
        s.chars().collect()
    }

    #[test]
    fn names_are_learned_with_counts_and_left_out_for_their_own_sentence() {
        let a = [span(0, 3, Kind::Per)];
        let b = [span(2, 5, Kind::Per)];
        let c = [span(0, 2, Kind::Per)];
        let samples: Vec<(&str, &[Span])> = vec![
            ("张小明来了", &a),
            ("昨天张小明走了", &b),
            ("张小明说", &a),
            ("李四在", &c),
            ("白水县", &[]),
        ];
        let lex = Lexicon::learn(&samples);
        assert_eq!(lex.len(), 2);
        // named three times, seen three times: strength 1 * 3 + 2 = 5; B, M, E. 李四 was
        // named once only, too few to count.
        let codes = lex.codes(&chars("见张小明李四"));
        let named = [[0; 3], [21, 0, 0], [22, 0, 0], [23, 0, 0], [0; 3], [0; 3]];
        assert_eq!(codes, named);
        // leaving the first sentence out: named twice, seen twice, the same strength
        let own = lex.codes_without(&chars("张小明来了"), &a);
        assert_eq!(own[0], [21, 0, 0]);
        // a sentence that contains the name without naming it leaves the name count alone
        let own = lex.codes_without(&chars("张小明来了"), &[]);
        assert_eq!(own[0], [21, 0, 0]);
        let mut bytes = Vec::new();
        lex.write(&mut bytes);
        // the file keeps only the name that can give a feature: 张小明
        let back = Lexicon::read(&bytes).map(|l| (l.len(), l.codes(&chars("见张小明李四"))));
        assert_eq!(back, Some((1, named.to_vec())));
        assert!(Lexicon::read(&bytes[..bytes.len() - 1]).is_none());
    }
}
