//! The one normaliser and the tokenizers, shared by indexing and querying.
//!
//! Every string that reaches the index or a query passes through [`normalize`] first, so
//! full-width letters, compatibility ideographs, case and traditional/simplified script
//! differences can never make the two sides disagree. Two tokenizers sit on top of it:
//!
//! * [`JIEBA_TOKENIZER`]: jieba's search mode, which emits every dictionary sub-word of a long
//!   word as well as the word itself (`中国农业发展银行` also yields `农业`, `银行`), so users
//!   find the words they think in even where jieba would keep them inside a longer one.
//! * [`BIGRAM_TOKENIZER`]: overlapping CJK character pairs (and whole Latin/digit words), with
//!   consecutive positions. It turns any CJK phrase into an exact substring match that does not
//!   depend on how jieba happened to segment a sentence, which is what phrase queries need.
//!
//! Offsets always point into the original, un-normalised text, so highlights land on the
//! characters the user sees.

use std::sync::{Arc, OnceLock};

use jieba_rs::Jieba;
use tantivy::tokenizer::{Token, TokenStream, Tokenizer};
use unicode_normalization::UnicodeNormalization;

use super::query_dictionary::QueryDictionary;
use super::script;
use crate::stages::{self, Stage};

/// Name under which the word tokenizer is registered with tantivy.
pub const JIEBA_TOKENIZER: &str = "newsidx_jieba";
/// Name under which the bigram tokenizer is registered with tantivy.
pub const BIGRAM_TOKENIZER: &str = "newsidx_bigram";

/// Text after width, case and script folding, with a map back to the original bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Normalized {
    pub text: String,
    /// `origin[i]` is the byte offset in the original text of normalised byte `i`;
    /// it has one extra entry for the end of the text.
    origin: Vec<usize>,
}

impl Normalized {
    /// Maps a byte range of the normalised text back to the original text.
    pub fn original_range(&self, start: usize, end: usize) -> (usize, usize) {
        let at = |i: usize| self.origin.get(i).copied().unwrap_or(0);
        (at(start), at(end))
    }
}

/// NFKC width folding, ASCII lowercasing and traditional-to-simplified folding
/// ([`script::fold_char`]), applied character by character so every output byte knows the
/// original character it came from.
pub fn normalize(original: &str) -> Normalized {
    let mut text = String::with_capacity(original.len());
    let mut origin = Vec::with_capacity(original.len() + 1);
    let mut buf = [0u8; 4];
    for (at, c) in original.char_indices() {
        let before = text.len();
        if c.is_ascii() {
            text.push(c.to_ascii_lowercase());
        } else if is_unified_ideograph(c) {
            // NFKC leaves unified ideographs alone; only the script fold applies.
            text.push(script::fold_char(c));
        } else {
            for n in std::iter::once(c).nfkc() {
                let n = script::fold_char(n.to_ascii_lowercase());
                text.push_str(n.encode_utf8(&mut buf));
            }
        }
        origin.extend(std::iter::repeat_n(at, text.len() - before));
    }
    origin.push(original.len());
    Normalized { text, origin }
}

fn is_unified_ideograph(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}')
}

/// Characters that are written without spaces between words, where bigrams stand in for words.
pub fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{4E00}'..='\u{9FFF}'
        | '\u{3400}'..='\u{4DBF}'
        | '\u{20000}'..='\u{2FA1F}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{3040}'..='\u{30FF}'   // kana
        | '\u{AC00}'..='\u{D7AF}'   // hangul syllables
        | '\u{3007}'                // 〇
    )
}

/// A token before it becomes a tantivy token: normalised text, original byte range, position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnalyzedToken {
    pub text: String,
    pub start: usize,
    pub end: usize,
    pub position: usize,
}

/// Owns the shared jieba instance and produces every token stream in the program.
#[derive(Clone)]
pub struct Analyzer {
    inner: Arc<Dictionaries>,
}

/// The full jieba (built on first use when a builder is given) and, for a search process, the
/// dictionary persisted in the index, which cuts queries without building the full one.
struct Dictionaries {
    jieba: OnceLock<Arc<Jieba>>,
    build: Option<JiebaBuilder>,
    query: Option<QueryDictionary>,
}

/// Builds the full jieba of an [`Analyzer::lazy`].
pub type JiebaBuilder = Box<dyn Fn() -> Arc<Jieba> + Send + Sync>;

impl Analyzer {
    pub fn new(jieba: Arc<Jieba>) -> Self {
        Analyzer {
            inner: Arc::new(Dictionaries {
                jieba: OnceLock::from(jieba),
                build: None,
                query: None,
            }),
        }
    }

    /// An analyser whose full jieba is built by `build` on first use. With `query`, query words
    /// never need it: a search process that only cuts its query never pays for the build.
    pub fn lazy(build: JiebaBuilder, query: Option<QueryDictionary>) -> Self {
        Analyzer {
            inner: Arc::new(Dictionaries {
                jieba: OnceLock::new(),
                build: Some(build),
                query,
            }),
        }
    }

    /// The full jieba, built now if it was not yet.
    pub fn jieba(&self) -> &Arc<Jieba> {
        let inner = &self.inner;
        inner.jieba.get_or_init(|| match &inner.build {
            Some(build) => build(),
            None => Arc::new(Jieba::new()),
        })
    }

    /// Whether query words are cut with the dictionary persisted in the index.
    pub fn has_query_dictionary(&self) -> bool {
        self.inner.query.is_some()
    }

    /// The other regional spellings of a query word ([`script::regional_variants`]): read
    /// from the persisted dictionary when the word is one of its words, so a search process
    /// builds the converter's tables only for words the dictionary does not hold.
    pub fn regional_variants(&self, word: &str) -> Vec<String> {
        self.inner
            .query
            .as_ref()
            .and_then(|q| q.regional_variants(word))
            .unwrap_or_else(|| script::regional_variants(word))
    }

    /// Index-side word tokens: jieba search mode over the normalised text, in order of start
    /// offset, dropping white space and punctuation.
    pub fn index_words(&self, text: &str) -> Vec<AnalyzedToken> {
        let norm = normalize(text);
        let jieba = self.jieba();
        let mut tokens = Vec::new();
        for (chunk_start, chunk) in chunks(&norm.text) {
            for t in jieba.cut_for_search(chunk, true) {
                if !is_word(t.word) || t.word.len() > MAX_TOKEN_BYTES {
                    continue;
                }
                let (start, end) =
                    norm.original_range(chunk_start + t.byte_start, chunk_start + t.byte_end);
                tokens.push(AnalyzedToken {
                    text: t.word.to_string(),
                    start,
                    end,
                    position: 0,
                });
            }
        }
        // Search mode emits sub-words before the word that contains them; tantivy expects
        // positions that never go backwards.
        tokens.sort_by_key(|t| (t.start, t.end));
        for (i, t) in tokens.iter_mut().enumerate() {
            t.position = i;
        }
        tokens
    }

    /// Query-side words: jieba's default (non-overlapping) cut, so a query of `微信支付淘宝`
    /// becomes the words a reader would name, each of which must then be found.
    /// Cut with the persisted dictionary while the full jieba is not built: the same words
    /// ([`QueryDictionary::with_jieba_for`]).
    pub fn query_words(&self, text: &str) -> Vec<String> {
        let norm = normalize(text);
        let words = |jieba: &Jieba| -> Vec<String> {
            jieba
                .cut(&norm.text, true)
                .into_iter()
                .filter(|t| is_word(t.word))
                .map(|t| t.word.to_string())
                .collect()
        };
        match (&self.inner.query, self.inner.jieba.get()) {
            (Some(query), None) => query.with_jieba_for(&norm.text, words),
            _ => words(self.jieba()),
        }
    }
}

/// A token worth indexing: it has at least one letter, digit or ideograph.
fn is_word(s: &str) -> bool {
    s.chars().any(char::is_alphanumeric)
}

/// Longer tokens are noise (base64 blobs, runs of one letter) and tantivy refuses them anyway.
pub const MAX_TOKEN_BYTES: usize = 255;

/// jieba builds a graph over each run it is given; this bounds one run, so a 10 MB line with
/// no punctuation costs linear time and bounded memory.
const MAX_CHUNK_BYTES: usize = 16 * 1024;

/// Splits text into pieces of at most about `MAX_CHUNK_BYTES`, preferring to cut after a line
/// break, sentence end or space, always on a character boundary. Yields (offset, piece).
fn chunks(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut start = 0;
    std::iter::from_fn(move || {
        if start >= text.len() {
            return None;
        }
        let mut end = (start + MAX_CHUNK_BYTES).min(text.len());
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        if end < text.len() {
            let window = &text[start..end];
            if let Some(cut) = window.rfind(['\n', '。', '！', '？', '；', ' ', '，']) {
                let cut_len = window[cut..].chars().next().map_or(1, char::len_utf8);
                if cut > 0 {
                    end = start + cut + cut_len;
                }
            }
        }
        let piece = (start, &text[start..end]);
        start = end;
        Some(piece)
    })
}

/// Index-side bigram tokens of `text`: CJK runs (white space inside a run is ignored) become
/// overlapping pairs, and only the last character of a run is also emitted alone (at the last
/// pair's position), as is a run of one character. Every other character starts a pair, so a
/// single character is found as itself or as the prefix of a pair (see
/// [`ends_with_lone_ideograph`]); emitting each character alone as well would double the phrase
/// fields' postings. Latin/digit runs become whole words. A phrase is a run of consecutive
/// positions.
pub fn bigrams(text: &str) -> Vec<AnalyzedToken> {
    pair_tokens(text, true)
}

/// Query-side bigram tokens: as [`bigrams`] without the run-final characters, so a phrase is
/// the pairs of its runs (a lone character stays a unigram).
pub fn phrase_tokens(text: &str) -> Vec<AnalyzedToken> {
    pair_tokens(text, false)
}

fn pair_tokens(text: &str, unigrams: bool) -> Vec<AnalyzedToken> {
    let norm = normalize(text);
    let mut out = Pairs {
        norm: &norm,
        tokens: Vec::new(),
        position: 0,
        unigrams,
    };
    let mut run: Vec<(usize, char)> = Vec::new(); // CJK run: (normalised byte offset, char)
    let mut word_start: Option<usize> = None;
    let chars: Vec<(usize, char)> = norm.text.char_indices().collect();
    let mut i = 0;
    while i <= chars.len() {
        let current = chars.get(i).copied();
        let class = current.map(|(_, c)| classify(c));
        // Close a Latin/digit word when it ends.
        if let Some(start) = word_start
            && class != Some(CharClass::Alnum)
        {
            let end = current.map_or(norm.text.len(), |(at, _)| at);
            if end - start <= MAX_TOKEN_BYTES {
                out.push_word(start, end);
            }
            word_start = None;
        }
        match (current, class) {
            (Some((at, c)), Some(CharClass::Cjk)) => run.push((at, c)),
            (Some(_), Some(CharClass::Space)) if !run.is_empty() => {
                // A space between ideographs does not break the run.
                let next_is_cjk = chars[i + 1..]
                    .iter()
                    .find(|(_, c)| classify(*c) != CharClass::Space)
                    .is_some_and(|(_, c)| classify(*c) == CharClass::Cjk);
                if !next_is_cjk {
                    out.flush_run(&mut run);
                }
            }
            (Some((at, _)), Some(CharClass::Alnum)) => {
                out.flush_run(&mut run);
                if word_start.is_none() {
                    word_start = Some(at);
                }
            }
            _ => out.flush_run(&mut run),
        }
        i += 1;
    }
    out.tokens
}

/// Tokens being collected by [`pair_tokens`], with the next free position.
struct Pairs<'a> {
    norm: &'a Normalized,
    tokens: Vec<AnalyzedToken>,
    position: usize,
    unigrams: bool,
}

impl Pairs<'_> {
    fn push(&mut self, text: String, start: usize, end: usize, position: usize) {
        self.tokens.push(AnalyzedToken {
            text,
            start,
            end,
            position,
        });
    }

    /// A Latin/digit word (normalised byte range).
    fn push_word(&mut self, start: usize, end: usize) {
        let (ostart, oend) = self.norm.original_range(start, end);
        let text = self.norm.text[start..end].to_string();
        self.push(text, ostart, oend, self.position);
        self.position += 1;
    }

    /// A character alone, at `position`.
    fn push_char(&mut self, (at, c): (usize, char), position: usize) {
        let (start, end) = self.norm.original_range(at, at + c.len_utf8());
        self.push(c.to_string(), start, end, position);
    }

    fn flush_run(&mut self, run: &mut Vec<(usize, char)>) {
        match run.len() {
            0 => {}
            1 => {
                let position = self.position;
                self.push_char(run[0], position);
                self.position += 1;
            }
            _ => {
                for (i, pair) in run.windows(2).enumerate() {
                    let (a, ca) = pair[0];
                    let (b, cb) = pair[1];
                    let (start, _) = self.norm.original_range(a, a + ca.len_utf8());
                    let (_, end) = self.norm.original_range(b, b + cb.len_utf8());
                    let position = self.position;
                    self.push(format!("{ca}{cb}"), start, end, position);
                    if self.unigrams && i + 2 == run.len() {
                        self.push_char(pair[1], position);
                    }
                    self.position += 1;
                }
            }
        }
        run.clear();
    }
}

/// Whether the last query-side token is one ideograph alone: the index holds such a character
/// alone only where it ends a run, so elsewhere it must be matched as the first half of a pair
/// (a prefix of the pair's term).
pub fn ends_with_lone_ideograph(tokens: &[AnalyzedToken]) -> bool {
    tokens.last().is_some_and(|t| {
        let mut chars = t.text.chars();
        chars.next().is_some_and(is_cjk) && chars.next().is_none()
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CharClass {
    Cjk,
    Alnum,
    Space,
    Other,
}

fn classify(c: char) -> CharClass {
    if is_cjk(c) {
        CharClass::Cjk
    } else if c.is_alphanumeric() {
        CharClass::Alnum
    } else if c.is_whitespace() {
        CharClass::Space
    } else {
        CharClass::Other
    }
}

/// tantivy adapter for [`Analyzer::index_words`].
#[derive(Clone)]
pub struct JiebaTokenizer {
    analyzer: Analyzer,
}

/// tantivy adapter for [`bigrams`].
#[derive(Clone, Default)]
pub struct BigramTokenizer;

/// A token stream over tokens computed up front; both analysers need the whole text anyway.
pub struct VecTokenStream {
    tokens: Vec<Token>,
    /// Index of the current token plus one; zero before the first `advance`.
    next: usize,
    /// Returned by `token()` before the first `advance`, so misuse cannot panic.
    none: Token,
}

impl VecTokenStream {
    fn new(tokens: Vec<AnalyzedToken>) -> Self {
        let tokens = tokens
            .into_iter()
            .map(|t| Token {
                offset_from: t.start,
                offset_to: t.end,
                position: t.position,
                text: t.text,
                position_length: 1,
            })
            .collect();
        VecTokenStream {
            tokens,
            next: 0,
            none: Token::default(),
        }
    }
}

impl TokenStream for VecTokenStream {
    fn advance(&mut self) -> bool {
        if self.next < self.tokens.len() {
            self.next += 1;
            true
        } else {
            false
        }
    }

    fn token(&self) -> &Token {
        match self.next.checked_sub(1) {
            Some(i) => self.tokens.get(i).unwrap_or(&self.none),
            None => &self.none,
        }
    }

    fn token_mut(&mut self) -> &mut Token {
        match self.next.checked_sub(1) {
            Some(i) if i < self.tokens.len() => &mut self.tokens[i],
            _ => &mut self.none,
        }
    }
}

impl Tokenizer for JiebaTokenizer {
    type TokenStream<'a> = VecTokenStream;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> VecTokenStream {
        VecTokenStream::new(stages::timed(Stage::Segment, || {
            self.analyzer.index_words(text)
        }))
    }
}

impl Tokenizer for BigramTokenizer {
    type TokenStream<'a> = VecTokenStream;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> VecTokenStream {
        VecTokenStream::new(stages::timed(Stage::Bigrams, || bigrams(text)))
    }
}

/// Registers both tokenizers on an index, under the names the schema refers to.
pub fn register(index: &tantivy::Index, analyzer: &Analyzer) {
    index.tokenizers().register(
        JIEBA_TOKENIZER,
        JiebaTokenizer {
            analyzer: analyzer.clone(),
        },
    );
    index
        .tokenizers()
        .register(BIGRAM_TOKENIZER, BigramTokenizer);
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn analyzer() -> Analyzer {
        crate::analyse::Linguistics::shared().analyzer.clone()
    }

    fn texts(tokens: &[AnalyzedToken]) -> Vec<&str> {
        tokens.iter().map(|t| t.text.as_str()).collect()
    }

    #[test]
    fn normalize_folds_width_and_ascii_case_and_maps_offsets() {
        let n = normalize("ＩＰｈｏｎｅ　13 微信");
        assert_eq!(n.text, "iphone 13 微信");
        // "微信" starts after 6 full-width letters (3 bytes each), U+3000 (3 bytes), "13 ".
        let start = n.text.find("微信").unwrap();
        assert_eq!(n.original_range(start, start + 6), (24, 30));
    }

    #[test]
    fn index_words_include_sub_words_of_long_words() {
        let words = analyzer().index_words("中国农业发展银行");
        let texts = texts(&words);
        assert!(texts.contains(&"农业"), "{texts:?}");
        assert!(texts.contains(&"银行"), "{texts:?}");
        // Sorted by start offset, positions ascending.
        assert!(words.windows(2).all(|w| w[0].start <= w[1].start));
        assert!(words.windows(2).all(|w| w[0].position < w[1].position));
    }

    #[test]
    fn index_word_offsets_point_into_the_original_mixed_text() {
        let text = "ＡＰＰ iPhone 13 Pro 发布会";
        let words = analyzer().index_words(text);
        let iphone = words.iter().find(|t| t.text == "iphone").unwrap();
        assert_eq!(&text[iphone.start..iphone.end], "iPhone");
        let app = words.iter().find(|t| t.text == "app").unwrap();
        assert_eq!(&text[app.start..app.end], "ＡＰＰ");
        let launch = words.iter().find(|t| t.text == "发布会").unwrap();
        assert_eq!(&text[launch.start..launch.end], "发布会");
    }

    #[test]
    fn query_words_are_the_plain_cut_without_punctuation() {
        // 微信支付 is a known product, so the shared dictionary keeps it whole.
        assert_eq!(
            analyzer().query_words("微信支付，淘宝！"),
            vec!["微信支付", "淘宝"]
        );
        assert_eq!(analyzer().query_words("支付，购物！"), vec!["支付", "购物"]);
        assert_eq!(analyzer().query_words("  ，。 "), Vec::<String>::new());
    }

    #[test]
    fn index_bigrams_carry_only_the_run_final_character_alone() {
        let tokens = bigrams("A股市场，好");
        let got: Vec<_> = tokens
            .iter()
            .map(|t| (t.text.as_str(), t.position))
            .collect();
        assert_eq!(
            got,
            vec![("a", 0), ("股市", 1), ("市场", 2), ("场", 2), ("好", 3)]
        );
        let query = phrase_tokens("A股");
        assert_eq!(texts(&query), vec!["a", "股"]);
        assert!(ends_with_lone_ideograph(&query));
        assert!(!ends_with_lone_ideograph(&phrase_tokens("股市")));
        assert!(!ends_with_lone_ideograph(&phrase_tokens("股a")));
    }

    #[test]
    fn traditional_text_folds_and_offsets_stay_on_the_original() {
        let text = "臺灣網路";
        let tokens = phrase_tokens(text);
        assert_eq!(texts(&tokens), vec!["台湾", "湾网", "网路"]);
        assert_eq!(&text[tokens[0].start..tokens[0].end], "臺灣");
        let n = normalize("頭髮ＡＢ");
        assert_eq!(n.text, "头发ab");
        assert_eq!(n.original_range(0, 6), (0, 6));
    }

    #[test]
    fn bigrams_pair_ideographs_and_keep_latin_words_whole() {
        let tokens = phrase_tokens("用iPhone 13付款，好。");
        assert_eq!(texts(&tokens), vec!["用", "iphone", "13", "付款", "好"]);
        assert_eq!(
            tokens.iter().map(|t| t.position).collect::<Vec<_>>(),
            vec![0, 1, 2, 3, 4]
        );
        let tokens = phrase_tokens("微信支付");
        assert_eq!(texts(&tokens), vec!["微信", "信支", "支付"]);
    }

    #[test]
    fn bigram_runs_span_spaces_between_ideographs_but_not_punctuation() {
        assert_eq!(
            texts(&phrase_tokens("安全 为底线")),
            vec!["安全", "全为", "为底", "底线"]
        );
        assert_eq!(texts(&phrase_tokens("微信，支付")), vec!["微信", "支付"]);
    }

    #[test]
    fn bigram_offsets_cover_both_characters() {
        let text = "ａ微信";
        let tokens = phrase_tokens(text);
        assert_eq!(texts(&tokens), vec!["a", "微信"]);
        assert_eq!(&text[tokens[1].start..tokens[1].end], "微信");
    }

    #[test]
    fn long_unbroken_text_is_chunked_with_exact_offsets() {
        let text = "央行发布支付新规".repeat(3000); // 72 KB, no punctuation
        let words = analyzer().index_words(&text);
        assert!(words.iter().all(|t| text[t.start..t.end] == *t.text));
        let count = words.iter().filter(|t| t.text == "支付").count();
        assert!(count >= 2990, "{count}");
        let pieces: Vec<_> = chunks(&text).collect();
        assert!(pieces.len() >= 4);
        assert_eq!(
            pieces.iter().map(|(_, p)| p.len()).sum::<usize>(),
            text.len()
        );
        assert!(pieces.iter().all(|(at, p)| &text[*at..*at + p.len()] == *p));
    }

    #[test]
    fn overlong_tokens_are_dropped() {
        let blob = "a".repeat(300);
        assert!(bigrams(&blob).is_empty());
        assert!(analyzer().index_words(&blob).is_empty());
        assert_eq!(texts(&phrase_tokens(&format!("{blob} 支付"))), vec!["支付"]);
    }

    #[test]
    fn empty_text_has_no_tokens() {
        assert!(bigrams("").is_empty());
        assert!(analyzer().index_words("").is_empty());
    }
}
