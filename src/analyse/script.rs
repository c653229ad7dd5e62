//! Traditional/simplified folding: one character at a time, so the normaliser keeps its exact
//! byte map back to the original and highlights land on the characters the reader sees.
//!
//! The table comes from OpenCC's character dictionaries as shipped by the `hanconv` crate
//! (`TSCharacters`: every traditional character with its simplified candidates). A character
//! folds to its first candidate, so `頭髮` and `头发` both become `头发`, and `乾燥`, `幹部`
//! become `干燥`, `干部`. Folding is a canonical form for matching, not a conversion for
//! display: where one simplified character stands for several traditional ones (`干` for `幹`,
//! `乾`), both sides collapse onto it, which can only widen a match.
//!
//! Regional vocabulary (`網路` for `网络`, `軟體` for `软件`) is not a per-character matter; the
//! searcher expands query words with [`regional_variants`] instead, so nothing is re-indexed.

use std::collections::HashMap;
use std::sync::OnceLock;

use hanconv::RawDictionary;

/// First code point of the dense table (CJK Extension A).
const DENSE_START: u32 = 0x3400;
/// One past the last code point of the dense table (end of the unified ideographs).
const DENSE_END: u32 = 0xA000;

/// The folding table: dense over the common ideograph blocks, a map for the rest.
struct Table {
    dense: Vec<char>,
    sparse: HashMap<char, char>,
}

fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(build)
}

/// Builds the per-character table from the traditional-to-simplified character dictionary,
/// following chains until every entry maps to a character that no longer folds, so folding
/// twice gives the same text.
fn build() -> Table {
    let mut raw: HashMap<char, char> = HashMap::new();
    for (traditional, simplified) in RawDictionary::TSCharacters.var_iter() {
        let (Some(t), Some(s)) = (
            single_char(traditional),
            simplified.first().and_then(|s| single_char(s)),
        ) else {
            continue;
        };
        if t != s {
            raw.insert(t, s);
        }
    }
    let resolve = |mut c: char| {
        for _ in 0..4 {
            match raw.get(&c) {
                Some(&next) if next != c => c = next,
                _ => break,
            }
        }
        c
    };
    let mut dense: Vec<char> = (DENSE_START..DENSE_END)
        .map(|u| char::from_u32(u).unwrap_or('\u{FFFD}'))
        .collect();
    let mut sparse = HashMap::new();
    for &t in raw.keys() {
        let s = resolve(t);
        match dense_index(t) {
            Some(i) => dense[i] = s,
            None => {
                sparse.insert(t, s);
            }
        }
    }
    Table { dense, sparse }
}

fn single_char(s: &str) -> Option<char> {
    let mut chars = s.chars();
    let c = chars.next()?;
    chars.next().is_none().then_some(c)
}

fn dense_index(c: char) -> Option<usize> {
    let u = c as u32;
    (DENSE_START..DENSE_END)
        .contains(&u)
        .then(|| (u - DENSE_START) as usize)
}

/// The folded form of one character: simplified for a traditional character, itself otherwise.
pub fn fold_char(c: char) -> char {
    let t = table();
    match dense_index(c) {
        Some(i) => t.dense.get(i).copied().unwrap_or(c),
        None if (c as u32) < 0x2E80 => c,
        None => t.sparse.get(&c).copied().unwrap_or(c),
    }
}

/// Folds a whole string character by character (for callers that need no offset map).
pub fn fold(text: &str) -> String {
    text.chars().map(fold_char).collect()
}

/// The other regional spellings of a word, folded: `網路` gives `网络` (the mainland word) and
/// `网络` gives `网路` (the Taiwan word), through OpenCC's phrase tables. Empty when the word
/// has no regional variant.
pub fn regional_variants(word: &str) -> Vec<String> {
    let own = fold(word);
    let mut out: Vec<String> = Vec::new();
    for other in [hanconv::tw2sp(word), hanconv::s2twp(word)] {
        let other = fold(&other);
        if other != own && other.chars().count() == own.chars().count() && !out.contains(&other) {
            out.push(other);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traditional_folds_to_simplified_including_one_to_many_pairs() {
        for (simplified, traditional) in [
            ("头发", "頭髮"),
            ("干部", "幹部"),
            ("干燥", "乾燥"),
            ("后天", "後天"),
            ("台湾", "臺灣"),
            ("网络", "網絡"),
            ("发展", "發展"),
            ("里面", "裡面"),
            ("里面", "裏面"),
        ] {
            assert_eq!(fold(traditional), simplified, "{traditional}");
            assert_eq!(fold(simplified), simplified, "{simplified}");
        }
    }

    #[test]
    fn folding_is_idempotent_and_leaves_other_text_alone() {
        let text = "ＡＢＣ abc 123 「引号」 한국어 かな 乾隆";
        assert_eq!(fold(&fold(text)), fold(text));
        assert_eq!(
            fold("ＡＢＣ abc 123 「引号」 한국어 かな"),
            "ＡＢＣ abc 123 「引号」 한국어 かな"
        );
    }

    #[test]
    fn folding_never_changes_the_character_count() {
        let text = "臺灣網路發展與後天頭髮乾燥";
        assert_eq!(fold(text).chars().count(), text.chars().count());
    }

    #[test]
    fn regional_words_have_variants_both_ways() {
        assert_eq!(regional_variants("網路"), vec!["网络".to_string()]);
        assert_eq!(regional_variants("网络"), vec!["网路".to_string()]);
        assert_eq!(regional_variants("淘宝"), Vec::<String>::new());
    }
}
