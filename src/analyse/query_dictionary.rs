//! The merged dictionary an index was built with (jieba's default words, the gazetteer's and
//! the user's names, the user dictionary), persisted in the index folder, so that a search
//! process cuts its query without building jieba's whole dictionary (a tenth of a second of
//! every cold search).
//!
//! jieba's cut of a string depends only on the dictionary words that occur in it, on their
//! frequencies, on the dictionary's total frequency and on the compiled-in HMM: the DAG holds
//! the words found at each character, the route weighs them by `ln(freq) - ln(total)`, and the
//! HMM runs only over characters no word joined. So [`QueryDictionary::with_jieba_for`] cuts
//! with a jieba holding the words found among a text's substrings (and those of earlier texts,
//! which the cut never looks up), plus one entry no text can contain ([`FILLER`]) whose
//! frequency makes the total equal; it cuts that text exactly as the full dictionary does, in
//! every mode (the tests compare the two on many strings).
//!
//! It also keeps the other regional spellings of every word that has one
//! ([`script::regional_variants`]): a search process would otherwise build the converter's
//! phrase tables (some 40 ms) to expand a query made of dictionary words. Working them out for
//! jieba's 349,000 words cost every new index about 0.6 s of CPU in the test build (every
//! test that ingests paid it), so those of jieba's own words are vendored with its dictionary
//! (`data/jieba/variants.txt.zst`, written by `examples/vendor_variants.rs`); ingest works out
//! only those of the gazetteer's and the user's words.
//!
//! On disk: [`MAGIC`], the key of the inputs it was merged from (see
//! `Linguistics::dictionary_key`), the total frequency, a checksum of the rest, the FST's
//! length, then an FST mapping each word to its frequency, then one line per word with
//! regional variants (`word\tvariant...\n`, in word order); numbers are little-endian u64s.
//! The first layout ([`MAGIC_V1`]: the FST alone) is still read, without variants.

use std::collections::BTreeMap;
use std::sync::Mutex;

use rayon::prelude::*;

use jieba_rs::Jieba;
use tantivy_fst::raw::{Fst, Output};

use super::script;

/// jieba-rs 0.11.0's default dictionary as `word freq` lines (its tags dropped, zstd-compressed;
/// see `data/jieba/README.md`): the words and frequencies `Jieba::new()` loads, which the
/// compiled-in copy keeps private.
static DEFAULT_WORDS: &[u8] = include_bytes!("../../data/jieba/dict.txt.zst");

/// The regional variants of those words, as [`variant_lines`] writes them (zstd-compressed).
static DEFAULT_VARIANTS: &[u8] = include_bytes!("../../data/jieba/variants.txt.zst");

/// First bytes of a persisted dictionary (the last digit is the layout's version).
pub const MAGIC: &[u8; 8] = b"NXWORDS2";
/// The first layout, without regional variants.
pub const MAGIC_V1: &[u8; 8] = b"NXWORDS1";
/// Magic, key, total frequency, checksum.
const HEADER_BYTES: usize = 32;

/// A dictionary word no text can contain: jieba looks words up only inside runs of Han
/// characters, ASCII letters, digits and `+#&._%-`, and this one starts with a NUL. Its
/// frequency is what the words left out of a query's jieba add to the total.
pub const FILLER: &str = "\u{0}newsidx-rest-of-the-dictionary";

/// Every word of a merged dictionary with its final frequency: what ingest persists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MergedWords {
    words: BTreeMap<String, usize>,
    /// The added words jieba's default dictionary lacks, whose variants are not vendored.
    extra: Vec<String>,
}

impl MergedWords {
    /// jieba's default words, then `added` in order, a later frequency replacing an earlier
    /// one as `Jieba::add_word` does.
    pub fn new(added: &[(String, usize)]) -> Result<MergedWords, String> {
        let text = decompress(DEFAULT_WORDS, "jieba's dictionary")?;
        let mut words = BTreeMap::new();
        for line in text.lines() {
            let mut fields = line.split_ascii_whitespace();
            let (Some(word), Some(freq)) = (fields.next(), fields.next()) else {
                continue;
            };
            let freq = freq
                .parse::<usize>()
                .map_err(|e| format!("jieba's dictionary: `{line}`: {e}"))?;
            words.insert(word.to_string(), freq);
        }
        let mut extra = Vec::new();
        for (word, freq) in added {
            if !word.is_empty() && words.insert(word.clone(), *freq).is_none() {
                extra.push(word.clone());
            }
        }
        Ok(MergedWords { words, extra })
    }

    pub fn len(&self) -> usize {
        self.words.len()
    }

    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// The dictionary's total frequency, which jieba keeps as the sum of its words'.
    pub fn total(&self) -> usize {
        self.words.values().sum()
    }

    /// The words in byte order, with their frequencies.
    pub fn iter(&self) -> impl Iterator<Item = (&str, usize)> {
        self.words.iter().map(|(w, f)| (w.as_str(), *f))
    }

    /// The persisted form, stamped with `key`.
    pub fn to_bytes(&self, key: u64) -> Result<Vec<u8>, String> {
        let mut builder = tantivy_fst::MapBuilder::memory();
        for (word, freq) in &self.words {
            builder
                .insert(word, *freq as u64)
                .map_err(|e| e.to_string())?;
        }
        let fst = builder.into_inner().map_err(|e| e.to_string())?;
        let mut out = Vec::with_capacity(HEADER_BYTES + 8 + fst.len());
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&key.to_le_bytes());
        out.extend_from_slice(&(self.total() as u64).to_le_bytes());
        out.extend_from_slice(&[0; 8]);
        out.extend_from_slice(&(fst.len() as u64).to_le_bytes());
        out.extend_from_slice(&fst);
        out.extend_from_slice(lines(self.regional_variants()?).as_bytes());
        let sum = checksum(&out[HEADER_BYTES..]);
        out[24..32].copy_from_slice(&sum.to_le_bytes());
        Ok(out)
    }

    /// Every word with other regional spellings, and those spellings, in word order: jieba's
    /// words' vendored, the added words' worked out.
    fn regional_variants(&self) -> Result<BTreeMap<&str, Vec<String>>, String> {
        let vendored = decompress(DEFAULT_VARIANTS, "jieba's regional variants")?;
        let mut found = BTreeMap::new();
        for (word, variants) in parse_lines(&vendored) {
            if let Some((word, _)) = self.words.get_key_value(word) {
                found.insert(word.as_str(), variants);
            }
        }
        found.extend(words_with_variants(self.extra.iter().map(String::as_str)));
        Ok(found)
    }
}

/// `word\tvariant...\n` for each of `words` that has regional variants, in the order given:
/// the vendored file's contents.
pub fn variant_lines<'a>(words: impl Iterator<Item = &'a str>) -> String {
    lines(words_with_variants(words))
}

/// `word\tvariant...\n` per pair: the vendored file's and the persisted dictionary's lines.
fn lines<'a>(pairs: impl IntoIterator<Item = (&'a str, Vec<String>)>) -> String {
    let mut out = String::new();
    for (word, variants) in pairs {
        out.push_str(word);
        for variant in variants {
            out.push('\t');
            out.push_str(&variant);
        }
        out.push('\n');
    }
    out
}

/// Each of `words` that has regional variants, with them, in the order given. Words with a
/// tab or a line break are left out, which the lines could not hold; none comes from the
/// dictionary's sources, which split their words at white space.
fn words_with_variants<'a>(words: impl Iterator<Item = &'a str>) -> Vec<(&'a str, Vec<String>)> {
    let words: Vec<&str> = words.filter(|w| !w.contains(['\t', '\n'])).collect();
    words
        .par_iter()
        .map(|w| (*w, script::regional_variants(w)))
        .filter(|(_, variants)| !variants.is_empty())
        .collect()
}

/// `word\tvariant...` lines as pairs.
fn parse_lines(text: &str) -> impl Iterator<Item = (&str, Vec<String>)> {
    text.lines().filter_map(|line| {
        let mut fields = line.split('\t');
        let word = fields.next()?;
        Some((word, fields.map(str::to_string).collect()))
    })
}

/// A vendored zstd-compressed UTF-8 file.
fn decompress(bytes: &[u8], what: &str) -> Result<String, String> {
    let text = zstd::decode_all(bytes).map_err(|e| format!("{what} does not decompress: {e}"))?;
    String::from_utf8(text).map_err(|e| format!("{what} is not UTF-8: {e}"))
}

/// The key a persisted dictionary was stamped with, read from its first bytes; `None` when
/// they are not a persisted dictionary's.
fn key_of(header: &[u8]) -> Option<u64> {
    if header.len() < HEADER_BYTES || !(header.starts_with(MAGIC) || header.starts_with(MAGIC_V1)) {
        return None;
    }
    Some(u64::from_le_bytes(header[8..16].try_into().ok()?))
}

/// A multiplicative hash of 8 bytes at a time: a file cut short or damaged would otherwise
/// reach the FST reader, which trusts its input (and may panic on a bad one). A fraction of a
/// millisecond for a 2 MB dictionary.
fn checksum(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325 ^ bytes.len() as u64;
    let mut words = bytes.chunks_exact(8);
    for word in &mut words {
        let mut eight = [0u8; 8];
        eight.copy_from_slice(word);
        hash = (hash ^ u64::from_le_bytes(eight)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        hash ^= hash >> 29;
    }
    for b in words.remainder() {
        hash = (hash ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01B3);
    }
    hash
}

/// The variants of `word` in `lines` (`word\tvariant...\n`, one per word, in word order), by
/// bisection: a search looks up the few words of its query, so the lines are not parsed
/// whole at every open (about 7,000 of them: 3–5 ms of a 30–40 ms cold search).
fn variants_in(lines: &str, word: &str) -> Option<Vec<String>> {
    let bytes = lines.as_bytes();
    let (mut low, mut high) = (0, bytes.len());
    while low < high {
        let mid = low + (high - low) / 2;
        let start = bytes[..mid]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        let end = bytes[start..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(bytes.len(), |i| start + i);
        let (key, variants) = parse_lines(lines.get(start..end)?).next()?;
        match key.cmp(word) {
            std::cmp::Ordering::Equal => return Some(variants),
            std::cmp::Ordering::Less => low = end + 1,
            std::cmp::Ordering::Greater => high = start,
        }
    }
    None
}

/// A persisted dictionary, opened for cutting queries.
pub struct QueryDictionary {
    fst: Fst<Vec<u8>>,
    key: u64,
    total: usize,
    /// Each word's other regional spellings, for the words that have some, as
    /// `word\tvariant...\n` lines in word order; `None` for a dictionary of the first layout.
    variants: Option<String>,
    /// The jieba queries are cut with, grown by the words of each ([`Self::with_jieba_for`]).
    grown: Mutex<Grown>,
}

/// A jieba holding some of the dictionary's words with their frequencies, and the
/// [`FILLER`] that makes up the rest of the total.
struct Grown {
    jieba: Jieba,
    /// Frequencies of the words held, the filler aside.
    sum: usize,
    words: usize,
}

/// Words a grown jieba may hold before it starts over (about 2 MB).
const MAX_GROWN_WORDS: usize = 20_000;

impl Grown {
    fn new() -> Grown {
        Grown {
            jieba: Jieba::empty(),
            sum: 0,
            words: 0,
        }
    }
}

impl QueryDictionary {
    /// Opens the persisted form; `None` when it is not one (truncated, another layout).
    pub fn from_bytes(mut bytes: Vec<u8>) -> Option<QueryDictionary> {
        let key = key_of(&bytes)?;
        let total = u64::from_le_bytes(bytes[16..24].try_into().ok()?);
        let total = usize::try_from(total).ok()?;
        let sum = u64::from_le_bytes(bytes[24..32].try_into().ok()?);
        if checksum(&bytes[HEADER_BYTES..]) != sum {
            return None;
        }
        let variants = if bytes.starts_with(MAGIC) {
            let len = bytes.get(HEADER_BYTES..HEADER_BYTES + 8)?;
            let len = usize::try_from(u64::from_le_bytes(len.try_into().ok()?)).ok()?;
            let end = (HEADER_BYTES + 8).checked_add(len)?;
            let table = String::from_utf8(bytes.get(end..)?.to_vec()).ok()?;
            bytes.truncate(end);
            bytes.drain(..HEADER_BYTES + 8);
            Some(table)
        } else {
            bytes.drain(..HEADER_BYTES);
            None
        };
        let fst = Fst::new(bytes).ok()?;
        Some(QueryDictionary {
            fst,
            key,
            total,
            variants,
            grown: Mutex::new(Grown::new()),
        })
    }

    /// The other regional spellings of `word` as [`script::regional_variants`] gives them,
    /// when `word` is one of the dictionary's words and the variants were recorded with it;
    /// `None` otherwise (the caller works them out).
    pub fn regional_variants(&self, word: &str) -> Option<Vec<String>> {
        let lines = self.variants.as_ref()?;
        self.fst.get(word)?;
        Some(variants_in(lines, word).unwrap_or_default())
    }

    /// The key it was stamped with.
    pub fn key(&self) -> u64 {
        self.key
    }

    /// Whether it has the current layout (with regional variants); ingest rewrites older ones.
    pub fn is_current(&self) -> bool {
        self.variants.is_some()
    }

    /// Runs `cut` with a jieba that cuts `text` (and any text whose every dictionary word
    /// occurs in `text`) exactly as the whole merged dictionary does: it holds every word
    /// among `text`'s substrings, with the [`FILLER`] making up the total. Words of earlier
    /// texts it also holds change nothing, since a cut only looks up the words inside its
    /// text. Kept and grown rather than built per query: an empty jieba alone allocates and
    /// fills a 512 KB table, a few percent of a served search's CPU.
    pub fn with_jieba_for<R>(&self, text: &str, cut: impl FnOnce(&Jieba) -> R) -> R {
        let mut grown = match self.grown.lock() {
            Ok(grown) => grown,
            // A panic mid-update may have left the filler's frequency stale: start over.
            Err(poisoned) => {
                let mut grown = poisoned.into_inner();
                *grown = Grown::new();
                grown
            }
        };
        if grown.words > MAX_GROWN_WORDS {
            *grown = Grown::new();
        }
        let Grown { jieba, sum, words } = &mut *grown;
        for (start, _) in text.char_indices() {
            self.words_at(&text[start..], |word, freq| {
                if !jieba.has_word(word) {
                    jieba.add_word(word, Some(freq), None);
                    *sum = sum.saturating_add(freq);
                    *words += 1;
                }
            });
        }
        jieba.add_word(FILLER, Some(self.total.saturating_sub(*sum)), None);
        cut(jieba)
    }

    /// Every dictionary word that starts `text`, shortest first, with its frequency: one walk
    /// down the FST, which stops where no word continues.
    fn words_at(&self, text: &str, mut found: impl FnMut(&str, usize)) {
        let mut node = self.fst.root();
        let mut output = Output::zero();
        for (i, byte) in text.bytes().enumerate() {
            let Some(at) = node.find_input(byte) else {
                return;
            };
            let transition = node.transition(at);
            output = output.cat(transition.out);
            node = self.fst.node(transition.addr);
            let end = i + 1;
            if node.is_final()
                && let Some(word) = text.get(..end)
            {
                let freq = output.cat(node.final_output()).value();
                found(word, usize::try_from(freq).unwrap_or(usize::MAX));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyse::Linguistics;
    use crate::analyse::dictionary::parse_user_dictionary;
    use crate::analyse::entities::parse_user_entities;
    use crate::analyse::text::normalize;

    /// Invented user entities and words, some overriding default or gazetteer frequencies.
    fn linguistics() -> Linguistics {
        let user = parse_user_entities("蓝河数科\tORG\t蓝河\n石川岳\tPER\n青雾湾\tLOC\n").unwrap();
        let words =
            parse_user_dictionary("云闪付\n淘口令 20\n互联互通 30000 nz\n中国 5 n\n開放平臺\n")
                .unwrap();
        Linguistics::with_dictionary(user, words)
    }

    fn query_dictionary(l: &Linguistics) -> QueryDictionary {
        let bytes = l.merged_words().unwrap().to_bytes(7).unwrap();
        QueryDictionary::from_bytes(bytes).unwrap()
    }

    /// `jieba`'s `Debug`, the only public view of its word count and total frequency.
    fn size_of(words: &MergedWords) -> String {
        format!(
            "Jieba {{ records_len: {}, total_freq: {} }}",
            words.len(),
            words.total()
        )
    }

    type Cut = Vec<(String, usize, usize)>;

    /// Every cut mode a query or a document goes through, as (word, byte start, byte end).
    fn cuts(jieba: &Jieba, text: &str) -> [Cut; 3] {
        let list = |tokens: Vec<jieba_rs::Token>| -> Cut {
            tokens
                .into_iter()
                .map(|t| (t.word.to_string(), t.byte_start, t.byte_end))
                .collect()
        };
        [
            list(jieba.cut(text, true)),
            list(jieba.cut(text, false)),
            list(jieba.cut_for_search(text, true)),
        ]
    }

    /// The normalised `text` cut by the full jieba and by the persisted dictionary agree.
    fn assert_same_cuts(full: &Jieba, query: &QueryDictionary, text: &str) {
        let text = normalize(text).text;
        assert_eq!(
            cuts(full, &text),
            query.with_jieba_for(&text, |jieba| cuts(jieba, &text)),
            "{text:?}"
        );
    }

    #[test]
    fn the_vendored_words_are_jiebas_default_dictionary() {
        let words = MergedWords::new(&[]).unwrap();
        let jieba = Jieba::new();
        assert_eq!(format!("{jieba:?}"), size_of(&words));
        assert!(words.iter().all(|(w, _)| jieba.has_word(w)));
    }

    #[test]
    fn merged_words_have_the_full_dictionarys_size_and_total() {
        let l = linguistics();
        let words = l.merged_words().unwrap();
        assert_eq!(format!("{:?}", l.analyzer.jieba()), size_of(&words));
        let query = query_dictionary(&l);
        assert_eq!(query.key(), 7);
        assert_eq!(query.total, words.total());
    }

    #[test]
    fn invented_sentences_cut_the_same() {
        let l = linguistics();
        let query = query_dictionary(&l);
        let full = l.analyzer.jieba();
        for text in [
            "蓝河数科与石川岳在青雾湾签约，云闪付和淘口令互联互通。",
            "中国农业发展银行发布2021年第3季度报告：净利润同比增长12.5%",
            "ＡＰＰ iPhone 13 Pro 发布会 WES-5.4.5 版本 C++ 与 A股、T恤",
            "臺灣網路開放平臺上線，頭髮護理",
            "他说：“我们明天去北京大学看看。”",
            "结婚的和尚未结婚的",
            "",
            " ",
            "的",
            "乒乓球拍卖完了",
        ] {
            assert_same_cuts(full, &query, text);
        }
    }

    #[test]
    fn a_full_grown_jieba_starts_over_and_still_cuts_the_same() {
        let l = linguistics();
        let query = query_dictionary(&l);
        let full = l.analyzer.jieba();
        assert_same_cuts(full, &query, "中国农业发展银行发布报告");
        let held = query.grown.lock().unwrap().words;
        assert!(held > 5, "{held}");
        query.grown.lock().unwrap().words = MAX_GROWN_WORDS + 1;
        assert_same_cuts(full, &query, "的");
        assert_eq!(query.grown.lock().unwrap().words, 1);
        assert_same_cuts(full, &query, "乒乓球拍卖完了");
    }

    /// A small deterministic generator (64-bit LCG), so failures replay.
    struct Lcg(u64);

    impl Lcg {
        fn below(&mut self, n: usize) -> usize {
            self.0 = self
                .0
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            ((self.0 >> 33) as usize) % n
        }
    }

    #[test]
    fn random_strings_of_dictionary_words_and_characters_cut_the_same() {
        let l = linguistics();
        let merged = l.merged_words().unwrap();
        let words: Vec<&str> = merged.iter().map(|(w, _)| w).collect();
        let chars: Vec<char> = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处理府研质东".chars().chain("abcXYZ019 ，。、-.%+#&_".chars()).collect();
        let query = query_dictionary(&l);
        let full = l.analyzer.jieba();
        let mut rng = Lcg(14);
        for _ in 0..3000 {
            let mut text = String::new();
            for _ in 0..1 + rng.below(10) {
                if rng.below(2) == 0 {
                    text.push_str(words[rng.below(words.len())]);
                } else {
                    text.push(chars[rng.below(chars.len())]);
                }
            }
            assert_same_cuts(full, &query, &text);
        }
    }

    #[test]
    fn every_line_of_the_shared_corpus_cuts_the_same() {
        let root = std::path::Path::new("../shared/corpus");
        if !root.is_dir() {
            eprintln!("SKIPPED: ../shared/corpus is absent");
            return;
        }
        let l = linguistics();
        let query = query_dictionary(&l);
        let full = l.analyzer.jieba();
        let mut lines = 0;
        for entry in walkdir::WalkDir::new(root).into_iter().flatten() {
            let Ok(bytes) = std::fs::read(entry.path()) else {
                continue;
            };
            for line in String::from_utf8_lossy(&bytes).lines() {
                assert_same_cuts(full, &query, line);
                lines += 1;
            }
        }
        assert!(lines > 1000, "{lines} lines");
    }

    #[test]
    fn query_words_with_and_without_the_full_jieba_agree() {
        let l = linguistics();
        let bytes = l.merged_words().unwrap().to_bytes(1).unwrap();
        let lazy = Linguistics::lazy(
            l.user_entities().to_vec(),
            l.user_words().to_vec(),
            QueryDictionary::from_bytes(bytes),
        );
        assert!(lazy.analyzer.has_query_dictionary());
        for text in [
            "微信支付淘宝",
            "蓝河数科 石川岳",
            "互联互通、開放平臺",
            "A股 T恤",
        ] {
            assert_eq!(
                lazy.analyzer.query_words(text),
                l.analyzer.query_words(text)
            );
        }
        assert_eq!(
            lazy.analyzer.query_words("蓝河数科的云闪付"),
            vec!["蓝河数科", "的", "云闪付"]
        );
    }

    #[test]
    fn regional_variants_of_dictionary_words_are_recorded_and_others_left_to_the_caller() {
        let query = query_dictionary(&linguistics());
        // A default word with a Taiwan spelling, the user's traditional word, a default word
        // without variants: all as the converter gives them.
        for word in ["网络", "開放平臺", "淘宝"] {
            assert_eq!(
                query.regional_variants(word),
                Some(script::regional_variants(word)),
                "{word}"
            );
        }
        assert_eq!(
            query.regional_variants("网络"),
            Some(vec!["网路".to_string()])
        );
        assert_eq!(query.regional_variants("淘宝"), Some(Vec::new()));
        // Not a dictionary word: the caller works it out.
        assert_eq!(query.regional_variants("蓝河数科的股价"), None);
    }

    #[test]
    fn the_vendored_variants_are_the_converters_for_every_default_word() {
        let words = MergedWords::new(&[]).unwrap();
        let worked_out = variant_lines(words.iter().map(|(w, _)| w));
        let vendored = decompress(DEFAULT_VARIANTS, "vendored").unwrap();
        // Not assert_eq: a difference would print both files whole.
        assert!(
            vendored == worked_out,
            "data/jieba/variants.txt.zst is stale: cargo run --release --example vendor_variants"
        );
        assert!(vendored.lines().count() > 1000, "{}", vendored.len());
        // Added words the defaults lack are worked out at ingest, the others are not.
        let merged = linguistics().merged_words().unwrap();
        let user = ["蓝河数科", "蓝河", "石川岳", "青雾湾", "淘口令", "開放平臺"];
        assert!(
            merged.extra.ends_with(&user.map(String::from)),
            "{:?}",
            merged.extra
        );
        assert!(!merged.extra.iter().any(|w| w == "中国" || w == "互联互通"));
    }

    #[test]
    fn variants_are_found_by_bisection_in_word_order_lines() {
        let lines = "台湾\t台灣\n网络\t网路\n软件\t软体\t軟件\n";
        let found = |w| variants_in(lines, w);
        assert_eq!(found("台湾"), Some(vec!["台灣".to_string()]));
        assert_eq!(found("网络"), Some(vec!["网路".to_string()]));
        assert_eq!(
            found("软件"),
            Some(vec!["软体".to_string(), "軟件".to_string()])
        );
        for missing in ["", "台", "网络安全", "软", "中国", "龥"] {
            assert_eq!(found(missing), None, "{missing}");
        }
        assert_eq!(variants_in("", "网络"), None);
    }

    #[test]
    fn a_dictionary_of_the_first_layout_is_read_without_variants() {
        let l = linguistics();
        let v2 = l.merged_words().unwrap().to_bytes(5).unwrap();
        let len = u64::from_le_bytes(v2[HEADER_BYTES..HEADER_BYTES + 8].try_into().unwrap());
        let fst = &v2[HEADER_BYTES + 8..HEADER_BYTES + 8 + len as usize];
        let mut v1 = v2[..HEADER_BYTES].to_vec();
        v1[..8].copy_from_slice(MAGIC_V1);
        v1.extend_from_slice(fst);
        let sum = checksum(&v1[HEADER_BYTES..]);
        v1[24..32].copy_from_slice(&sum.to_le_bytes());

        let old = QueryDictionary::from_bytes(v1).unwrap();
        assert_eq!(old.key(), 5);
        assert_eq!(old.regional_variants("网络"), None);
        assert!(!old.is_current());
        assert_same_cuts(l.analyzer.jieba(), &old, "蓝河数科接入云闪付和淘口令");
    }

    #[test]
    fn bytes_that_are_not_a_dictionary_are_refused() {
        let bytes = linguistics().merged_words().unwrap().to_bytes(3).unwrap();
        assert_eq!(key_of(&bytes), Some(3));
        assert!(QueryDictionary::from_bytes(bytes[..bytes.len() / 2].to_vec()).is_none());
        assert!(QueryDictionary::from_bytes(bytes[..10].to_vec()).is_none());
        let mut damaged = bytes.clone();
        let middle = damaged.len() / 2;
        damaged[middle] ^= 0x40;
        assert!(QueryDictionary::from_bytes(damaged).is_none());
        assert!(QueryDictionary::from_bytes(bytes).is_some());
        assert!(QueryDictionary::from_bytes(b"not a dictionary at all, no".to_vec()).is_none());
        assert_eq!(key_of(b"NXWORDS1"), None);
    }
}
