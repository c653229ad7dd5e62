//! A character-level linear-chain entity tagger (PER, LOC, ORG) with BIOES labels, decoded by
//! Viterbi, trained offline as an averaged perceptron (see `train`). Each character is described
//! by hashed features: character n-grams in a window of two, character classes, the jieba word
//! around it (boundary position, POS tag, the word itself), gazetteer hints per type, and
//! hand-written lists of organisation/place suffixes and of titles and speech verbs that stand
//! next to names, and names learned from the training corpora (`lexicon`), which travel in
//! the model file. The model file is a compact sorted table of pruned, quantised weights,
//! then the learned names.

use super::lexicon::{Codes, Lexicon};
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::OnceLock;

/// Entity type the model predicts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Per = 0,
    Loc = 1,
    Org = 2,
}

impl Kind {
    pub const ALL: [Kind; 3] = [Kind::Per, Kind::Loc, Kind::Org];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Per => "PER",
            Kind::Loc => "LOC",
            Kind::Org => "ORG",
        }
    }
}

/// What an outside list (gazetteer, user entities) says a span of text is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HintKind {
    Per = 0,
    Loc = 1,
    Org = 2,
    Other = 3,
}

/// A jieba word: char offsets `[start, end)` and its POS tag.
#[derive(Debug, Clone)]
pub struct Word<'a> {
    pub start: usize,
    pub end: usize,
    pub tag: &'a str,
}

/// A gazetteer hit: char offsets `[start, end)`.
#[derive(Debug, Clone, Copy)]
pub struct Hint {
    pub start: usize,
    pub end: usize,
    pub kind: HintKind,
}

/// A predicted or gold entity: char offsets `[start, end)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span {
    pub start: usize,
    pub end: usize,
    pub kind: Kind,
}

/// Labels: 0 = O, then B, I, E, S for each kind.
pub const LABELS: usize = 13;
const B: u8 = 0;
const I: u8 = 1;
const E: u8 = 2;
const S: u8 = 3;

fn label(kind: Kind, part: u8) -> u8 {
    1 + kind as u8 * 4 + part
}

fn part_of(label: u8) -> Option<(Kind, u8)> {
    let l = label.checked_sub(1)?;
    let kind = *Kind::ALL.get(usize::from(l / 4))?;
    Some((kind, l % 4))
}

/// BIOES labels of `n` characters carrying `spans` (spans must not overlap).
pub fn spans_to_labels(n: usize, spans: &[Span]) -> Vec<u8> {
    let mut out = vec![0u8; n];
    for s in spans {
        if s.start >= s.end || s.end > n {
            continue;
        }
        if s.end - s.start == 1 {
            out[s.start] = label(s.kind, S);
            continue;
        }
        out[s.start] = label(s.kind, B);
        for l in &mut out[s.start + 1..s.end - 1] {
            *l = label(s.kind, I);
        }
        out[s.end - 1] = label(s.kind, E);
    }
    out
}

/// Entities of a (valid) BIOES label sequence.
pub fn labels_to_spans(labels: &[u8]) -> Vec<Span> {
    let mut out = Vec::new();
    let mut open: Option<(usize, Kind)> = None;
    for (i, &l) in labels.iter().enumerate() {
        match part_of(l) {
            Some((k, S)) => out.push(Span {
                start: i,
                end: i + 1,
                kind: k,
            }),
            Some((k, B)) => open = Some((i, k)),
            Some((k, E)) => {
                if let Some((st, ok)) = open.take()
                    && ok == k
                {
                    out.push(Span {
                        start: st,
                        end: i + 1,
                        kind: k,
                    });
                }
            }
            Some(_) => {}
            None => open = None,
        }
    }
    out
}

/// Whether label `b` may follow label `a` (BIOES grammar).
fn allowed(a: u8, b: u8) -> bool {
    let open = |l: u8| matches!(part_of(l), Some((_, B)) | Some((_, I)));
    match (part_of(a), part_of(b)) {
        (Some((ka, pa)), Some((kb, pb))) if pa == B || pa == I => ka == kb && (pb == I || pb == E),
        (_, Some((_, pb))) => pb == B || pb == S,
        (_, None) => !open(a),
    }
}

fn may_start(l: u8) -> bool {
    !matches!(part_of(l), Some((_, I)) | Some((_, E)))
}

fn may_end(l: u8) -> bool {
    !matches!(part_of(l), Some((_, B)) | Some((_, I)))
}

// ---------------------------------------------------------------------------------------------
// Text normalisation and character classes

/// One character after NFKC, when NFKC keeps it one character (full-width digits and Latin,
/// ideographic space), case kept. Offsets therefore never move.
pub fn norm_char(c: char) -> char {
    match c {
        '\u{ff01}'..='\u{ff5e}' => char::from_u32(c as u32 - 0xfee0).unwrap_or(c),
        '\u{3000}' => ' ',
        c if c.is_ascii() || ('\u{4e00}'..='\u{9fff}').contains(&c) => c,
        c => {
            use unicode_normalization::UnicodeNormalization;
            let mut it = std::iter::once(c).nfkc();
            match (it.next(), it.next()) {
                (Some(n), None) => n,
                _ => c,
            }
        }
    }
}

/// `text` normalised character by character with `norm_char`, case kept: the same number of
/// characters as the input.
pub fn normalize(text: &str) -> String {
    text.chars().map(norm_char).collect()
}

const HAN_NUMERALS: &str = "一二三四五六七八九十百千万亿零〇两";

fn class(c: char) -> u8 {
    match c {
        'A'..='Z' => 1,
        'a'..='z' => 2,
        '0'..='9' => 3,
        '·' | '•' | '・' | '‧' => 8,
        c if c.is_whitespace() => 5,
        c if HAN_NUMERALS.contains(c) => 7,
        '\u{4e00}'..='\u{9fff}' | '\u{3400}'..='\u{4dbf}' | '\u{20000}'..='\u{2ebef}' => 0,
        c if c.is_ascii_punctuation() || ('\u{3000}'..='\u{303f}').contains(&c) => 4,
        '\u{2010}'..='\u{206f}' | '\u{ff00}'..='\u{ffef}' => 4,
        _ => 6,
    }
}

/// Character code for n-gram features: digits folded to `0`, letters lower-cased.
fn gram_char(c: char) -> u64 {
    match c {
        '0'..='9' => u64::from('0'),
        c => u64::from(c.to_ascii_lowercase()),
    }
}

// ---------------------------------------------------------------------------------------------
// Word lists

/// Words that end organisation names.
const ORG_SUFFIXES: &[&str] = &[
    "公司",
    "有限公司",
    "集团",
    "银行",
    "大学",
    "学院",
    "学校",
    "中学",
    "小学",
    "医院",
    "研究所",
    "研究院",
    "研究中心",
    "委员会",
    "协会",
    "学会",
    "基金会",
    "联合会",
    "商会",
    "工会",
    "党",
    "部",
    "局",
    "厅",
    "署",
    "院",
    "所",
    "会",
    "处",
    "办",
    "委",
    "中心",
    "法院",
    "检察院",
    "政府",
    "电视台",
    "电台",
    "报社",
    "日报",
    "晚报",
    "出版社",
    "俱乐部",
    "队",
    "军",
    "组织",
    "联盟",
    "办事处",
    "事务所",
    "工作室",
    "实验室",
    "控股",
    "科技",
    "股份",
    "交易所",
    "航空",
    "基金",
    "证券",
    "保险",
    "实业",
    "电子",
    "汽车",
    "网络",
    "技术",
    "传媒",
    "影业",
    "能源",
    "制药",
    "药业",
    "酒店",
    "新闻社",
    "通讯社",
    "议会",
    "内阁",
    "联合国",
    "分行",
    "支行",
    "店",
    "厂",
    "社",
];

/// Words that end place names.
const LOC_SUFFIXES: &[&str] = &[
    "省",
    "市",
    "县",
    "区",
    "镇",
    "乡",
    "村",
    "州",
    "岛",
    "山",
    "河",
    "江",
    "湖",
    "海",
    "路",
    "街",
    "道",
    "港",
    "湾",
    "峡",
    "洲",
    "半岛",
    "自治区",
    "自治州",
    "特区",
    "地区",
    "新区",
    "开发区",
    "高新区",
    "机场",
    "广场",
    "大桥",
    "公园",
    "车站",
    "站",
    "国",
    "盟",
    "旗",
    "城",
    "庄",
    "府",
];

/// Titles and roles that stand next to a person's name.
const TITLES: &[&str] = &[
    "总理",
    "首相",
    "总统",
    "副总统",
    "部长",
    "外长",
    "国务卿",
    "主席",
    "副主席",
    "书记",
    "总书记",
    "省长",
    "市长",
    "县长",
    "镇长",
    "区长",
    "局长",
    "厅长",
    "处长",
    "主任",
    "委员",
    "代表",
    "议员",
    "议长",
    "大使",
    "领事",
    "发言人",
    "记者",
    "通讯员",
    "编辑",
    "主编",
    "董事长",
    "总裁",
    "总经理",
    "经理",
    "ceo",
    "cfo",
    "cto",
    "coo",
    "创始人",
    "合伙人",
    "董事",
    "行长",
    "院长",
    "校长",
    "教授",
    "研究员",
    "博士",
    "医生",
    "律师",
    "法官",
    "将军",
    "司令",
    "上将",
    "中将",
    "少将",
    "教练",
    "主教练",
    "队长",
    "球员",
    "选手",
    "运动员",
    "演员",
    "导演",
    "歌手",
    "作家",
    "先生",
    "女士",
    "小姐",
    "老师",
    "同志",
    "国王",
    "女王",
    "王子",
    "公主",
    "总督",
    "首席执行官",
    "分析师",
    "经济学家",
    "科学家",
    "专家",
    "负责人",
    "副总裁",
    "总监",
    "主持人",
    "摄影",
    "报道",
];

/// Verbs of saying that follow a speaker's name.
const SAY_VERBS: &[&str] = &[
    "说", "表示", "称", "指出", "认为", "介绍", "强调", "透露", "告诉", "回忆", "坦言", "问", "答",
    "笑", "曾", "等人",
];

#[derive(Clone, Copy, PartialEq, Eq)]
enum ListKind {
    OrgSuffix = 1,
    LocSuffix = 2,
    Title = 3,
    Say = 4,
}

struct WordLists {
    ac: AhoCorasick,
    /// pattern index -> (list, hash of the word, length in chars)
    pats: Vec<(ListKind, u64, usize)>,
}

fn word_lists() -> &'static WordLists {
    static LEX: OnceLock<WordLists> = OnceLock::new();
    LEX.get_or_init(|| {
        let mut words: Vec<&str> = Vec::new();
        let mut pats = Vec::new();
        for (list, kind) in [
            (ORG_SUFFIXES, ListKind::OrgSuffix),
            (LOC_SUFFIXES, ListKind::LocSuffix),
            (TITLES, ListKind::Title),
            (SAY_VERBS, ListKind::Say),
        ] {
            for w in list {
                words.push(w);
                pats.push((kind, str_hash(w), w.chars().count()));
            }
        }
        // Overlapping search needs the standard match kind; built from constants, so it
        // cannot fail, but an empty automaton is the harmless fallback.
        // A DFA: the lists are small, and every character of every text is scanned. No
        // prefilter: in Chinese text it would stop at nearly every character.
        let ac = AhoCorasickBuilder::new()
            .match_kind(MatchKind::Standard)
            .kind(Some(AhoCorasickKind::DFA))
            .prefilter(false)
            .build(&words)
            .or_else(|_| AhoCorasick::new(std::iter::empty::<&str>()))
            .unwrap_or_else(|_| unreachable!("an empty automaton always builds"));
        WordLists { ac, pats }
    })
}

/// Fingerprint of everything the features depend on besides the weights: a model trained with
/// other lists or templates is refused at load time.
fn feature_fingerprint() -> u64 {
    let mut h = mix(0, FEATURE_VERSION);
    for list in [ORG_SUFFIXES, LOC_SUFFIXES, TITLES, SAY_VERBS] {
        for w in list {
            h = mix(h, str_hash(w));
        }
        h = mix(h, 0xff);
    }
    h = mix(h, str_hash(HAN_NUMERALS));
    finish(h)
}

const FEATURE_VERSION: u64 = 6;

// ---------------------------------------------------------------------------------------------
// Hashing

#[inline]
fn mix(h: u64, v: u64) -> u64 {
    (h ^ v).wrapping_mul(0x9e37_79b9_7f4a_7c15).rotate_left(31)
}

#[inline]
fn finish(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

fn str_hash(s: &str) -> u64 {
    let mut h = 0x51_7cc1_b727_220a;
    for c in s.chars() {
        h = mix(h, u64::from(c));
    }
    finish(h)
}

/// Hasher for keys that are already well-mixed hashes.
#[derive(Default, Clone, Copy)]
pub struct PassThrough(u64);

impl Hasher for PassThrough {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = mix(self.0, u64::from(b));
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

pub type FeatureMap<V> = HashMap<u64, V, BuildHasherDefault<PassThrough>>;

// ---------------------------------------------------------------------------------------------
// Prepared input and features

/// Per-character facts of one text, computed once before scoring.
pub struct Prepared {
    chars: Vec<char>,
    classes: Vec<u8>,
    /// word position (0 B, 1 M, 2 E, 3 S, 4 none) and word length (capped)
    wpos: Vec<(u8, u8)>,
    /// hash of the POS tag of the word at, before, after the character
    pos: Vec<[u64; 3]>,
    /// hash of the word itself, of the word before and of the word after (0 for long words)
    word: Vec<[u64; 3]>,
    /// per hint kind: 0 none, 1 B, 2 M, 3 E, 4 S
    hints: Vec<[u8; 4]>,
    /// hash of the list word covering the character together with the position in it
    list_at: Vec<u64>,
    /// hash of a title/say word ending just before / starting just after
    title_before: Vec<u64>,
    title_after: Vec<u64>,
}

impl Prepared {
    pub fn len(&self) -> usize {
        self.chars.len()
    }

    pub fn is_empty(&self) -> bool {
        self.chars.is_empty()
    }

    /// The text's characters, normalised (`norm_char`).
    pub fn chars(&self) -> &[char] {
        &self.chars
    }
}

fn bmes(i: usize, start: usize, end: usize) -> u8 {
    match (i == start, i + 1 == end) {
        (true, true) => 3,
        (true, false) => 0,
        (false, true) => 2,
        (false, false) => 1,
    }
}

/// Facts of `text` (any text; it is normalised here), its jieba words and its hints. Words and
/// hints use char offsets into `text`; out-of-range ones are ignored.
pub fn prepare(text: &str, words: &[Word], hints: &[Hint]) -> Prepared {
    let chars: Vec<char> = text.chars().map(norm_char).collect();
    let n = chars.len();
    let classes = chars.iter().map(|&c| class(c)).collect();
    let (wpos, pos, word) = word_facts(&chars, words);
    let mut hint_codes = vec![[0u8; 4]; n];
    for h in hints {
        if h.start >= h.end || h.end > n {
            continue;
        }
        for (i, codes) in hint_codes.iter_mut().enumerate().take(h.end).skip(h.start) {
            let k = h.kind as usize;
            // the longest hint of a kind wins: a later shorter one does not overwrite
            if codes[k] == 0 {
                codes[k] = 1 + bmes(i, h.start, h.end);
            }
        }
    }
    let (list_at, title_before, title_after) = list_facts(&chars);
    Prepared {
        chars,
        classes,
        wpos,
        pos,
        word,
        hints: hint_codes,
        list_at,
        title_before,
        title_after,
    }
}

type WordFacts = (Vec<(u8, u8)>, Vec<[u64; 3]>, Vec<[u64; 3]>);

fn word_facts(chars: &[char], words: &[Word]) -> WordFacts {
    let n = chars.len();
    let mut wpos = vec![(4u8, 0u8); n];
    let mut pos = vec![[0u64; 3]; n];
    let mut word = vec![[0u64; 3]; n];
    let valid: Vec<&Word> = words
        .iter()
        .filter(|w| w.start < w.end && w.end <= n)
        .collect();
    let ident = |w: &Word| -> u64 {
        if w.end - w.start > 4 {
            return 3;
        }
        let mut h = 7;
        for &c in &chars[w.start..w.end] {
            h = mix(h, gram_char(c));
        }
        finish(h)
    };
    let idents: Vec<u64> = valid.iter().map(|w| ident(w)).collect();
    for (wi, w) in valid.iter().enumerate() {
        let tag = str_hash(w.tag);
        let before = wi
            .checked_sub(1)
            .and_then(|j| valid.get(j))
            .map_or(1, |p| str_hash(p.tag));
        let after = valid.get(wi + 1).map_or(2, |p| str_hash(p.tag));
        let len = w.end - w.start;
        let prev = wi.checked_sub(1).map_or(1, |j| idents[j]);
        let next = idents.get(wi + 1).copied().unwrap_or(2);
        for i in w.start..w.end {
            wpos[i] = (bmes(i, w.start, w.end), len.min(5) as u8);
            pos[i] = [tag, before, after];
            word[i] = [idents[wi], prev, next];
        }
    }
    (wpos, pos, word)
}

fn list_facts(chars: &[char]) -> (Vec<u64>, Vec<u64>, Vec<u64>) {
    let n = chars.len();
    let lower: String = chars.iter().map(|c| c.to_ascii_lowercase()).collect();
    // byte offset -> char index
    let mut char_at = vec![0usize; lower.len() + 1];
    for (ci, (bi, _)) in lower.char_indices().enumerate() {
        char_at[bi] = ci;
    }
    char_at[lower.len()] = n;
    let mut list_at = vec![0u64; n];
    let mut list_len = vec![0usize; n];
    let mut title_before = vec![0u64; n];
    let mut title_after = vec![0u64; n];
    let lex = word_lists();
    for m in lex.ac.find_overlapping_iter(&lower) {
        let Some(&(kind, h, len)) = lex.pats.get(m.pattern().as_usize()) else {
            continue;
        };
        let (s, e) = (char_at[m.start()], char_at[m.end()]);
        match kind {
            ListKind::OrgSuffix | ListKind::LocSuffix => {
                for i in s..e {
                    if len > list_len[i] {
                        list_len[i] = len;
                        list_at[i] = mix(mix(h, kind as u64), u64::from(bmes(i, s, e)));
                    }
                }
            }
            ListKind::Title | ListKind::Say => {
                if e < n && title_before[e] == 0 {
                    title_before[e] = mix(h, kind as u64);
                }
                if s > 0 && title_after[s - 1] == 0 {
                    title_after[s - 1] = mix(h, kind as u64);
                }
            }
        }
    }
    (list_at, title_before, title_after)
}

/// Feature hashes of character `i` of `p`, with the lexicon codes `lex` of `p`'s characters,
/// appended to `out`.
pub fn features(p: &Prepared, lex: &[Codes], i: usize, out: &mut Vec<u64>) {
    char_features(p, i, out);
    word_features(p, i, out);
    hint_features(p, i, out);
    list_and_title_features(p, i, out);
    lexicon_features(lex, i, u64::from(p.wpos[i].0), &template, out);
}

/// The hash of template `t` filled with values `v`.
fn template(t: u64, v: &[u64]) -> u64 {
    finish(v.iter().fold(mix(0x1234_5678, t), |h, &x| mix(h, x)))
}

/// The character `k` places from `i`, with 1 and 2 standing for before the start and after
/// the end.
fn char_near(p: &Prepared, i: usize, k: isize) -> u64 {
    match i.checked_add_signed(k) {
        None => 1,
        Some(j) => p.chars.get(j).map_or(2, |&c| gram_char(c)),
    }
}

/// The class of the character `k` places from `i`, 9 outside the text.
fn class_near(p: &Prepared, i: usize, k: isize) -> u64 {
    i.checked_add_signed(k)
        .and_then(|j| p.classes.get(j))
        .map_or(9, |&c| u64::from(c))
}

/// Templates 0–12: the bias, character unigrams, bigrams and a trigram, and class windows.
fn char_features(p: &Prepared, i: usize, out: &mut Vec<u64>) {
    let c = |k| char_near(p, i, k);
    let cls = |k| class_near(p, i, k);
    out.push(template(0, &[]));
    for k in -2..=2 {
        out.push(template(1 + (k + 2) as u64, &[c(k)]));
    }
    for k in -2..=1 {
        out.push(template(6 + (k + 2) as u64, &[c(k), c(k + 1)]));
    }
    out.push(template(10, &[c(-1), c(0), c(1)]));
    out.push(template(11, &[cls(-1), cls(0), cls(1)]));
    out.push(template(12, &[cls(-2), cls(-1), cls(0), cls(1), cls(2)]));
}

/// Templates 13–18, 37 and 38: jieba's word boundaries, tags and words around the character.
fn word_features(p: &Prepared, i: usize, out: &mut Vec<u64>) {
    let (wp, wl) = (u64::from(p.wpos[i].0), u64::from(p.wpos[i].1));
    let [tag, before, after] = p.pos[i];
    out.push(template(13, &[wp, tag]));
    out.push(template(14, &[wp, wl, tag]));
    let [w0, wprev, wnext] = p.word[i];
    if w0 != 0 {
        out.push(template(15, &[wp, w0]));
        out.push(template(37, &[wp, wprev]));
        out.push(template(38, &[wp, wnext]));
    }
    out.push(template(16, &[wp, tag, before]));
    out.push(template(17, &[wp, tag, after]));
    out.push(template(18, &[wp, char_near(p, i, 0)]));
}

/// Templates 20–31: the gazetteer and word-list hints per type at the character, with its
/// word position, and around it.
fn hint_features(p: &Prepared, i: usize, out: &mut Vec<u64>) {
    let hint = |j: Option<usize>| j.and_then(|j| p.hints.get(j)).copied().unwrap_or([0; 4]);
    let (hp, h0, hn) = (hint(i.checked_sub(1)), hint(Some(i)), hint(Some(i + 1)));
    let wp = u64::from(p.wpos[i].0);
    for k in 0..4 {
        if h0[k] != 0 {
            out.push(template(20 + k as u64, &[u64::from(h0[k])]));
            out.push(template(24 + k as u64, &[u64::from(h0[k]), wp]));
        }
        if hp[k] != 0 || hn[k] != 0 {
            let around = [u64::from(hp[k]), u64::from(h0[k]), u64::from(hn[k])];
            out.push(template(28 + k as u64, &around));
        }
    }
}

/// Templates 32–36: suffix-list matches ending here or next, and title words before or after.
fn list_and_title_features(p: &Prepared, i: usize, out: &mut Vec<u64>) {
    if p.list_at[i] != 0 {
        out.push(template(32, &[p.list_at[i]]));
    }
    if p.title_before[i] != 0 {
        out.push(template(33, &[p.title_before[i]]));
        out.push(template(34, &[p.title_before[i], char_near(p, i, 0)]));
    }
    if p.title_after[i] != 0 {
        out.push(template(35, &[p.title_after[i]]));
    }
    if p.list_at.get(i + 1).is_some_and(|&l| l != 0) {
        out.push(template(36, &[p.list_at[i + 1]]));
    }
}

/// Features of the learned names around character `i`: per kind, the code at `i` (position
/// and strength), with the jieba word position, and the positions just before and after; and
/// which kinds claim the character at once.
fn lexicon_features(
    lex: &[Codes],
    i: usize,
    wp: u64,
    f: &impl Fn(u64, &[u64]) -> u64,
    out: &mut Vec<u64>,
) {
    let at = |j: Option<usize>| -> Codes { j.and_then(|j| lex.get(j)).copied().unwrap_or([0; 3]) };
    let (lp, l0, ln) = (at(i.checked_sub(1)), at(Some(i)), at(Some(i + 1)));
    let place = |code: u8| u64::from(if code == 0 { 0 } else { 1 + (code - 1) % 4 });
    for k in 0..3 {
        if l0[k] != 0 {
            out.push(f(40 + k as u64, &[u64::from(l0[k])]));
            out.push(f(43 + k as u64, &[u64::from(l0[k]), wp]));
        }
        if lp[k] != 0 || ln[k] != 0 {
            out.push(f(
                46 + k as u64,
                &[place(lp[k]), place(l0[k]), place(ln[k])],
            ));
        }
    }
    if l0.iter().any(|c| *c != 0) {
        out.push(f(49, &[place(l0[0]), place(l0[1]), place(l0[2])]));
    }
}

// ---------------------------------------------------------------------------------------------
// Decoding

/// A score no path reaches.
const NEG: i64 = i64::MIN / 4;

/// Most labels one label may follow: O, B and S follow O and the E and S of every kind.
const MAX_PREDS: usize = 7;

/// Best label sequence for per-character emission scores, with transition and start scores,
/// under the BIOES grammar.
pub fn viterbi(em: &[[i32; LABELS]], trans: &[[i32; LABELS]; LABELS]) -> Vec<u8> {
    let n = em.len();
    if n == 0 {
        return Vec::new();
    }
    let mut score = [NEG; LABELS];
    for (l, (s, e)) in score.iter_mut().zip(em[0]).enumerate() {
        if may_start(l as u8) {
            *s = i64::from(e);
        }
    }
    let preds = predecessors(trans);
    let mut back = vec![[0u8; LABELS]; n];
    for (e, back) in em.iter().zip(back.iter_mut()).skip(1) {
        let mut next = [NEG; LABELS];
        for (b, (list, from)) in preds.iter().enumerate() {
            let (best, arg) = best_predecessor(&score, list, from);
            if best > NEG / 2 {
                next[b] = best + i64::from(e[b]);
                back[b] = arg;
            }
        }
        score = next;
    }
    let mut last = 0u8;
    let mut best = NEG;
    for (l, &s) in score.iter().enumerate() {
        if may_end(l as u8) && s > best {
            best = s;
            last = l as u8;
        }
    }
    let mut out = vec![0u8; n];
    out[n - 1] = last;
    for i in (1..n).rev() {
        out[i - 1] = back[i][usize::from(out[i])];
    }
    out
}

/// The best of the labels `list` (with the transition scores `from` them) to come from, given
/// the scores so far: the first of the best. One fixed length for every label, so the loop
/// unrolls with no count to test.
#[inline]
fn best_predecessor(
    score: &[i64; LABELS],
    list: &[u8; MAX_PREDS],
    from: &[i64; MAX_PREDS],
) -> (i64, u8) {
    let mut best = (NEG, 0u8);
    for (&a, &t) in list.iter().zip(from) {
        let s = score.get(usize::from(a)).map_or(NEG, |s| s + t);
        if s > best.0 {
            best = (s, a);
        }
    }
    best
}

/// Per label, the labels that may precede it in ascending order, and the transition score
/// from each. Shorter lists repeat their last label up to `MAX_PREDS`: a repeat scores the
/// same and so never replaces the first, so every label's loop has one length.
fn predecessors(trans: &[[i32; LABELS]; LABELS]) -> [([u8; MAX_PREDS], [i64; MAX_PREDS]); LABELS] {
    let mut t = [([0u8; MAX_PREDS], [NEG; MAX_PREDS]); LABELS];
    for (b, (list, from)) in t.iter_mut().enumerate() {
        let mut count = 0;
        for (a, row) in trans.iter().enumerate() {
            if allowed(a as u8, b as u8) && count < MAX_PREDS {
                list[count] = a as u8;
                from[count] = i64::from(row[b]);
                count += 1;
            }
        }
        for k in count.max(1)..MAX_PREDS {
            list[k] = list[k - 1];
            from[k] = from[k - 1];
        }
    }
    t
}

// ---------------------------------------------------------------------------------------------
// The model

/// Why a model file was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ModelError {
    #[error("not an entity model file (bad magic)")]
    BadMagic,
    #[error("entity model file truncated in {0}")]
    Truncated(&'static str),
    #[error(
        "entity model was trained with other features ({file:016x}, this build {code:016x}); retrain it with the train_ner example"
    )]
    FeatureMismatch { file: u64, code: u64 },
}

/// Version 3: 32-bit keys as varint deltas, the lexicon's usable names only.
const MAGIC: &[u8; 8] = b"NXNER\x00\x03\x00";

/// Asks the processor to bring `x`'s cache line in, without waiting for it.
#[inline]
fn prefetch<T>(x: &T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch is only a hint: it cannot fault and changes nothing the program can
    // observe, and `x` is a valid reference besides.
    unsafe {
        use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
        _mm_prefetch::<_MM_HINT_T0>((x as *const T).cast());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = x;
}

/// One wide row of weights, padded to 32 bytes and aligned to them, so that reading it touches
/// exactly one cache line.
#[derive(Clone, Copy)]
#[repr(C, align(32))]
struct Row([i16; 16]);

impl Row {
    const ZERO: Row = Row([0; 16]);

    fn new(w: &[i16; LABELS]) -> Row {
        let mut r = Row::ZERO;
        r.0[..LABELS].copy_from_slice(w);
        r
    }
}

/// Open-addressing table from feature hash to weights (linear probing, load at most 1/2).
///
/// Most lookups are for features the model does not know, and each walks the probe run from
/// its home slot to the next empty one; a hit then needs the feature's weights. Most rows
/// have at most two non-zero weights (a character n-gram says something about a few labels
/// only), so a slot is one word: the key's 32 bits and, inline, those two weights. Eight
/// slots share a cache line, and the whole table stays a few megabytes. Only the other rows
/// live apart, in `wide`.
struct Table {
    slots: Vec<Slot>,
    wide: Vec<Row>,
    len: usize,
}

/// A feature's short key in the high 32 bits (0 = empty), its weights (`Table::pack`) in the
/// low 32.
#[derive(Clone, Copy)]
struct Slot(u64);

impl Slot {
    #[inline]
    fn key(self) -> u32 {
        (self.0 >> 32) as u32
    }

    #[inline]
    fn val(self) -> u32 {
        self.0 as u32
    }
}

/// A feature hash cut to its high 32 bits (never 0, the empty slot): what the table and the
/// model file keep. A few hundred thousand features in 2^32 values: an unknown feature takes
/// a known one's weights about once in 20,000 lookups, and the model file stores each key in
/// about two bytes.
#[inline]
fn short_key(f: u64) -> u32 {
    ((f >> 32) as u32).max(1)
}

/// A packed weight: label in the low 4 bits, the weight (12 bits, signed) above; two a slot.
const PACKED_BITS: u32 = 16;
/// The label of an unused packed weight.
const NO_LABEL: u32 = 15;
/// The label of the first packed weight that says: the bits above it index `Table::wide`.
const WIDE_LABEL: u32 = 14;
/// The weights a packed field holds.
const PACKED_RANGE: std::ops::RangeInclusive<i16> = -2048..=2047;

impl Table {
    fn with_rows(rows: &[(u64, [i16; LABELS])]) -> Self {
        let cap = (rows.len() * 2).max(16);
        let mut t = Table {
            slots: vec![Slot(0); cap],
            wide: Vec::new(),
            len: 0,
        };
        for (k, w) in rows {
            t.insert(short_key(*k), w);
        }
        t
    }

    /// Up to two non-zero weights that fit 12 bits packed in 32 bits, or the index of a new
    /// `wide` row.
    fn pack(&mut self, w: &[i16; LABELS]) -> u32 {
        let nonzero: Vec<(usize, i16)> = w
            .iter()
            .enumerate()
            .filter(|(_, x)| **x != 0)
            .map(|(l, x)| (l, *x))
            .collect();
        if nonzero.len() > 2 || nonzero.iter().any(|(_, x)| !PACKED_RANGE.contains(x)) {
            self.wide.push(Row::new(w));
            return WIDE_LABEL | ((self.wide.len() - 1) as u32) << 4;
        }
        let mut val = 0u32;
        for k in 0..2 {
            let field = match nonzero.get(k) {
                Some(&(l, x)) => l as u32 | (u32::from(x as u16) << 4) & 0xfff0,
                None => NO_LABEL,
            };
            val |= field << (PACKED_BITS * k as u32);
        }
        val
    }

    /// Adds the weights `val` stands for to `sum` (lanes past `LABELS` take the padding).
    #[inline]
    fn add(&self, val: u32, sum: &mut [i32; 16]) {
        if val & 0xf == WIDE_LABEL {
            if let Some(row) = self.wide.get((val >> 4) as usize) {
                for (s, w) in sum.iter_mut().zip(&row.0) {
                    *s += i32::from(*w);
                }
            }
            return;
        }
        for k in 0..2 {
            let field = (val >> (PACKED_BITS * k)) as u16;
            let label = usize::from(field & 0xf);
            // the weight's 12 bits sign-extended
            sum[label] += i32::from((field as i16) >> 4);
        }
    }

    /// The weights `val` stands for.
    fn unpack(&self, val: u32) -> [i16; LABELS] {
        let mut sum = [0i32; 16];
        self.add(val, &mut sum);
        let mut w = [0i16; LABELS];
        for (w, s) in w.iter_mut().zip(sum) {
            *w = s as i16;
        }
        w
    }

    #[inline]
    fn home(&self, key: u32) -> usize {
        ((u64::from(key) * self.slots.len() as u64) >> 32) as usize
    }

    #[inline]
    fn next(&self, i: usize) -> usize {
        if i + 1 == self.slots.len() { 0 } else { i + 1 }
    }

    /// Adds `w` to the weights of `key` (features whose short keys collide share a row).
    fn insert(&mut self, key: u32, w: &[i16; LABELS]) {
        let mut i = self.home(key);
        while self.slots[i].key() != 0 && self.slots[i].key() != key {
            i = self.next(i);
        }
        let mut sum = *w;
        if self.slots[i].key() == 0 {
            self.len += 1;
        } else {
            for (s, old) in sum.iter_mut().zip(self.unpack(self.slots[i].val())) {
                *s = s.saturating_add(old);
            }
        }
        let val = self.pack(&sum);
        self.slots[i] = Slot(u64::from(key) << 32 | u64::from(val));
    }

    /// The slot a lookup of `key` reads first: what to prefetch ahead of `get`.
    #[inline]
    fn home_slot(&self, key: u64) -> &Slot {
        &self.slots[self.home(short_key(key))]
    }

    /// The packed weights of `key`, if the table has it.
    #[inline]
    fn get(&self, key: u64) -> Option<u32> {
        let key = short_key(key);
        let mut i = self.home(key);
        loop {
            let slot = self.slots[i];
            if slot.key() == key {
                return Some(slot.val());
            }
            if slot.key() == 0 {
                return None;
            }
            i = self.next(i);
        }
    }

    /// The packed weights of those of `keys` the table has, in `out` (cleared first), with
    /// the wide rows they name prefetched for `add`.
    #[inline]
    fn get_all(&self, keys: &[u64], out: &mut Vec<u32>) {
        out.clear();
        for &k in keys {
            if let Some(val) = self.get(k) {
                if val & 0xf == WIDE_LABEL
                    && let Some(row) = self.wide.get((val >> 4) as usize)
                {
                    prefetch(row);
                }
                out.push(val);
            }
        }
    }

    /// Every stored feature (its short key in the high 32 bits) with its weights.
    fn iter(&self) -> impl Iterator<Item = (u64, [i16; LABELS])> + '_ {
        self.slots
            .iter()
            .filter(|s| s.key() != 0)
            .map(|s| (u64::from(s.key()) << 32, self.unpack(s.val())))
    }
}

/// A trained model: quantised weights per feature and label, transition scores, and the names
/// learned from its training data.
pub struct Model {
    table: Table,
    trans: [[i32; LABELS]; LABELS],
    lexicon: Lexicon,
}

impl Model {
    /// A model from quantised rows (`(feature, weights per label)`) and transitions.
    pub fn from_parts(rows: Vec<(u64, [i16; LABELS])>, trans: [[i32; LABELS]; LABELS]) -> Self {
        Model {
            table: Table::with_rows(&rows),
            trans,
            lexicon: Lexicon::default(),
        }
    }

    /// The same model with `lexicon` as its learned names.
    pub fn with_lexicon(mut self, lexicon: Lexicon) -> Self {
        self.lexicon = lexicon;
        self
    }

    /// The names learned from the training data.
    pub fn lexicon(&self) -> &Lexicon {
        &self.lexicon
    }

    pub fn feature_count(&self) -> usize {
        self.table.len
    }

    /// The same model without weights smaller than `min` (quantised units), and without the
    /// features left with none.
    pub fn pruned(&self, min: i16) -> Model {
        let mut rows: Vec<(u64, [i16; LABELS])> = Vec::new();
        for (key, mut w) in self.table.iter() {
            for x in w.iter_mut() {
                if x.unsigned_abs() < min.unsigned_abs() {
                    *x = 0;
                }
            }
            if w.iter().any(|x| *x != 0) {
                rows.push((key, w));
            }
        }
        rows.sort_unstable_by_key(|r| r.0);
        Model::from_parts(rows, self.trans).with_lexicon(self.lexicon.clone())
    }

    /// Emission scores of each character.
    ///
    /// Almost all of the time would go into waiting for table slots, which are spread over
    /// megabytes, and for the wide rows some of them point to. So the work is a pipeline of
    /// three stages `AHEAD` characters apart: the features of one character are hashed and
    /// their home slots prefetched; the slots of the character `AHEAD` before it (in cache by
    /// now) are read and the wide rows they name prefetched; and the weights of the character
    /// `AHEAD` before that are summed.
    pub fn emissions(&self, p: &Prepared, lex: &[Codes]) -> Vec<[i32; LABELS]> {
        const AHEAD: usize = 4;
        let n = p.len();
        let mut em = vec![[0i32; LABELS]; n];
        // features and looked-up weights of a character, at its index modulo AHEAD + 1
        let mut feats: [Vec<u64>; AHEAD + 1] = std::array::from_fn(|_| Vec::with_capacity(64));
        let mut vals: [Vec<u32>; AHEAD + 1] = std::array::from_fn(|_| Vec::with_capacity(64));
        for j in 0..n + 2 * AHEAD {
            if j < n {
                let f = &mut feats[j % (AHEAD + 1)];
                f.clear();
                features(p, lex, j, f);
                for &k in f.iter() {
                    prefetch(self.table.home_slot(k));
                }
            }
            if let Some(i) = j.checked_sub(AHEAD).filter(|&i| i < n) {
                let v = &mut vals[i % (AHEAD + 1)];
                self.table.get_all(&feats[i % (AHEAD + 1)], v);
            }
            if let Some(i) = j.checked_sub(2 * AHEAD) {
                let mut sum = [0i32; 16];
                for &val in &vals[i % (AHEAD + 1)] {
                    self.table.add(val, &mut sum);
                }
                if let Some(e) = em.get_mut(i) {
                    e.copy_from_slice(&sum[..LABELS]);
                }
            }
        }
        em
    }

    /// Entities of a prepared text.
    pub fn tag(&self, p: &Prepared) -> Vec<Span> {
        let lex = self.lexicon.codes(p.chars());
        labels_to_spans(&viterbi(&self.emissions(p, &lex), &self.trans))
    }

    /// The model file: magic, feature fingerprint, transitions (i32, little endian), the row
    /// count (u64), then rows sorted by key, each the key's high 32 bits as a varint delta
    /// from the previous row's and the row's weights (`write_row`), then the lexicon
    /// (`Lexicon::write`). About five bytes a row, where a plain u64 key, label mask and i16
    /// weights took fourteen.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut keys: Vec<(u64, [i16; LABELS])> = self.table.iter().collect();
        keys.sort_unstable_by_key(|k| k.0);
        let mut out = Vec::with_capacity(16 + keys.len() * 8);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&feature_fingerprint().to_le_bytes());
        for row in &self.trans {
            for v in row {
                out.extend_from_slice(&v.to_le_bytes());
            }
        }
        out.extend_from_slice(&(keys.len() as u64).to_le_bytes());
        let mut last = 0u64;
        for (k, row) in keys {
            put_varint(&mut out, (k >> 32) - last);
            last = k >> 32;
            write_row(&mut out, &row);
        }
        self.lexicon.write(&mut out);
        out
    }

    /// Reads a model file written by `to_bytes`.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, ModelError> {
        let mut r = Reader { b: bytes, at: 0 };
        if r.take(8, "header")? != MAGIC {
            return Err(ModelError::BadMagic);
        }
        let file = r.u64("header")?;
        let code = feature_fingerprint();
        if file != code {
            return Err(ModelError::FeatureMismatch { file, code });
        }
        let mut trans = [[0i32; LABELS]; LABELS];
        for row in trans.iter_mut() {
            for v in row.iter_mut() {
                *v = i32::from_le_bytes(r.array("transitions")?);
            }
        }
        let count = r.u64("row count")? as usize;
        let mut rows = Vec::with_capacity(count.min(bytes.len() / 5));
        let mut key = 0u64;
        for _ in 0..count {
            key = key
                .checked_add(r.varint("rows")?)
                .filter(|k| *k <= u64::from(u32::MAX))
                .ok_or(ModelError::Truncated("rows"))?;
            let row = read_row(r.b, &mut r.at).ok_or(ModelError::Truncated("rows"))?;
            rows.push((key << 32, row));
        }
        let rest = r.b.get(r.at..).unwrap_or_default();
        let lexicon = Lexicon::read(rest).ok_or(ModelError::Truncated("lexicon"))?;
        Ok(Model::from_parts(rows, trans).with_lexicon(lexicon))
    }
}

/// Appends the non-zero weights of `row`: one nibble with their count less one, then one
/// nibble per weight with its label, packed two a byte (low nibble first, the last byte padded
/// with 0), then each weight zigzag-coded as a varint.
fn write_row(out: &mut Vec<u8>, row: &[i16; LABELS]) {
    let nonzero: Vec<(usize, i16)> = row
        .iter()
        .enumerate()
        .filter(|(_, w)| **w != 0)
        .map(|(l, w)| (l, *w))
        .collect();
    let mut nibbles = vec![nonzero.len().saturating_sub(1) as u8];
    nibbles.extend(nonzero.iter().map(|(l, _)| *l as u8));
    for pair in nibbles.chunks(2) {
        out.push(pair[0] | pair.get(1).map_or(0, |n| n << 4));
    }
    for (_, w) in nonzero {
        put_varint(out, zigzag(w));
    }
}

/// Reads a `write_row` row from `b` at `*at`; `None` if cut short or malformed.
fn read_row(b: &[u8], at: &mut usize) -> Option<[i16; LABELS]> {
    let first = *b.get(*at)?;
    let count = usize::from(first & 0xf) + 1;
    if count > LABELS {
        return None;
    }
    let packed = b.get(*at..*at + (count + 2) / 2)?;
    *at += packed.len();
    let nibble = |i: usize| (packed[i / 2] >> (4 * (i % 2))) & 0xf;
    let mut row = [0i16; LABELS];
    for i in 1..=count {
        let w = unzigzag(get_varint(b, at)?)?;
        *row.get_mut(usize::from(nibble(i)))? = w;
    }
    Some(row)
}

fn zigzag(w: i16) -> u64 {
    u64::from(((w << 1) ^ (w >> 15)) as u16)
}

fn unzigzag(v: u64) -> Option<i16> {
    let v = u16::try_from(v).ok()?;
    Some(((v >> 1) as i16) ^ -((v & 1) as i16))
}

/// Appends `v` as LEB128: seven bits a byte, low first, the high bit set on all but the last.
pub(crate) fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// Reads a `put_varint` number from `b` at `*at`, moving `*at` past it; `None` if cut short
/// or longer than a u64.
pub(crate) fn get_varint(b: &[u8], at: &mut usize) -> Option<u64> {
    let mut v = 0u64;
    for shift in (0..64).step_by(7) {
        let byte = *b.get(*at)?;
        *at += 1;
        v |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return Some(v);
        }
    }
    None
}

struct Reader<'a> {
    b: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize, what: &'static str) -> Result<&'a [u8], ModelError> {
        let end = self.at.checked_add(n).ok_or(ModelError::Truncated(what))?;
        let s = self
            .b
            .get(self.at..end)
            .ok_or(ModelError::Truncated(what))?;
        self.at = end;
        Ok(s)
    }

    fn array<const N: usize>(&mut self, what: &'static str) -> Result<[u8; N], ModelError> {
        let s = self.take(N, what)?;
        let mut a = [0u8; N];
        a.copy_from_slice(s);
        Ok(a)
    }

    fn u64(&mut self, what: &'static str) -> Result<u64, ModelError> {
        Ok(u64::from_le_bytes(self.array(what)?))
    }

    fn varint(&mut self, what: &'static str) -> Result<u64, ModelError> {
        get_varint(self.b, &mut self.at).ok_or(ModelError::Truncated(what))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(start: usize, end: usize, kind: Kind) -> Span {
        Span { start, end, kind }
    }

    #[test]
    fn labels_round_trip_through_bioes() {
        let spans = vec![
            span(0, 1, Kind::Per),
            span(2, 5, Kind::Org),
            span(5, 7, Kind::Loc),
        ];
        let labels = spans_to_labels(8, &spans);
        assert_eq!(labels, vec![4, 0, 9, 10, 11, 5, 7, 0]);
        assert_eq!(labels_to_spans(&labels), spans);
    }

    #[test]
    fn viterbi_keeps_the_bioes_grammar() {
        // emissions alone would say I-PER, O, E-LOC: not a valid sequence
        let mut em = vec![[0i32; LABELS]; 3];
        em[0][2] = 10;
        em[1][0] = 10;
        em[2][7] = 10;
        let labels = viterbi(&em, &[[0; LABELS]; LABELS]);
        assert!(labels_to_spans(&labels).iter().all(|s| s.end <= 3));
        assert!(may_start(labels[0]) && may_end(labels[2]));
        for w in labels.windows(2) {
            assert!(allowed(w[0], w[1]), "{labels:?}");
        }
    }

    #[test]
    fn bad_model_files_are_errors_not_panics() {
        assert_eq!(
            Model::from_bytes(b"").err(),
            Some(ModelError::Truncated("header"))
        );
        assert_eq!(
            Model::from_bytes(b"NOTAMODEL0000000").err(),
            Some(ModelError::BadMagic)
        );
        let model = Model::from_parts(vec![(42, [1; LABELS])], [[0; LABELS]; LABELS]);
        let bytes = model.to_bytes();
        assert_eq!(Model::from_bytes(&bytes).map(|m| m.feature_count()), Ok(1));
        let cut = &bytes[..bytes.len() - 1];
        assert_eq!(
            Model::from_bytes(cut).err(),
            Some(ModelError::Truncated("lexicon"))
        );
        let cut = &bytes[..bytes.len() - 3];
        assert_eq!(
            Model::from_bytes(cut).err(),
            Some(ModelError::Truncated("rows"))
        );
        let mut other = bytes.clone();
        other[8] ^= 1;
        assert!(matches!(
            Model::from_bytes(&other),
            Err(ModelError::FeatureMismatch { .. })
        ));
    }

    /// A row with weights on the first `width` labels: -3, 5, -7, …
    fn row_of_width(width: usize) -> [i16; LABELS] {
        let mut w = [0i16; LABELS];
        for (l, x) in w.iter_mut().enumerate().take(width) {
            *x = (2 * l as i16 + 3) * if l % 2 == 0 { -1 } else { 1 };
        }
        w
    }

    #[test]
    fn rows_of_every_width_survive_packing_and_the_model_file() {
        // up to two 12-bit weights sit in the slot, the other rows in a wide row; the extremes
        // of both. Keys as the table keeps them (`short_key`), far apart for the delta coding.
        let mut rows: Vec<(u64, [i16; LABELS])> = (0..=LABELS)
            .map(|k| ((100 + 1000 * k as u64) << 32, row_of_width(k)))
            .collect();
        let mut extremes = [0i16; LABELS];
        extremes[0] = i16::MIN;
        extremes[12] = i16::MAX;
        rows.push((u64::from(u32::MAX) << 32, extremes));
        let mut packed_edges = [0i16; LABELS];
        packed_edges[3] = 2047;
        packed_edges[12] = -2048;
        rows.push((5 << 32, packed_edges));
        let mut just_wide = [0i16; LABELS];
        just_wide[0] = 2048;
        rows.push((6 << 32, just_wide));
        rows.retain(|r| r.1.iter().any(|w| *w != 0));
        let model = Model::from_parts(rows.clone(), [[0; LABELS]; LABELS]);
        let mut back: Vec<(u64, [i16; LABELS])> = model.table.iter().collect();
        back.sort_unstable_by_key(|r| r.0);
        rows.sort_unstable_by_key(|r| r.0);
        assert_eq!(back, rows);
        let reread = Model::from_bytes(&model.to_bytes()).map(|m| {
            let mut r: Vec<_> = m.table.iter().collect();
            r.sort_unstable_by_key(|r| r.0);
            r
        });
        assert_eq!(reread, Ok(rows));
    }

    #[test]
    fn emissions_sum_the_weights_of_each_characters_features() {
        let text = "王小明在北京工作了三年";
        let p = prepare(text, &[], &[]);
        let lex = vec![[0u8; 3]; p.len()];
        let feats_of = |i: usize| {
            let mut feats = Vec::new();
            features(&p, &lex, i, &mut feats);
            feats
        };
        // a narrow and a wide row for some features of characters 0, 5 and 10 (the last), so
        // the pipeline's start, middle and end are all checked
        let mut rows: HashMap<u64, [i16; LABELS]> = HashMap::new();
        for (i, narrow, wide) in [(0, 1, 2), (5, 3, 4), (10, 6, 7)] {
            let feats = feats_of(i);
            rows.insert(feats[narrow], row_of_width(2));
            rows.insert(feats[wide], row_of_width(9));
        }
        // the plain sum, feature by feature (a feature may recur at other characters)
        let expected: Vec<[i32; LABELS]> = (0..p.len())
            .map(|i| {
                let mut e = [0i32; LABELS];
                for w in feats_of(i).iter().filter_map(|f| rows.get(f)) {
                    for (e, w) in e.iter_mut().zip(w) {
                        *e += i32::from(*w);
                    }
                }
                e
            })
            .collect();
        let model = Model::from_parts(rows.into_iter().collect(), [[0; LABELS]; LABELS]);
        let em = model.emissions(&p, &lex);
        assert_eq!(em, expected);
        // character 5 alone has its `京` and the `工` after it
        assert_eq!(em[5][8], -19);
        assert_eq!(em[10][1], 10);
    }

    #[test]
    fn features_whose_short_keys_collide_share_one_summed_row() {
        let mut a = [0i16; LABELS];
        a[1] = 5;
        let mut b = [0i16; LABELS];
        b[1] = -2;
        b[4] = 3;
        // the same high 32 bits, other low bits
        let model = Model::from_parts(vec![(0x5_0000_0007, a), (0x5_0000_1234, b)], [[0; 13]; 13]);
        assert_eq!(model.feature_count(), 1);
        let mut sum = [0i32; 16];
        let val = model.table.get(0x5_ffff_ffff);
        assert!(val.is_some());
        model.table.add(val.unwrap_or(0), &mut sum);
        assert_eq!((sum[1], sum[4], sum[0]), (3, 3, 0));
        assert_eq!(model.table.get(0x6_0000_0007), None);
    }

    #[test]
    fn varints_round_trip_and_refuse_cut_or_overlong_input() {
        let values = [0u64, 1, 127, 128, 300, u64::from(u32::MAX), u64::MAX];
        let mut out = Vec::new();
        for v in values {
            put_varint(&mut out, v);
        }
        assert_eq!(out[..5], [0, 1, 127, 0x80, 1]);
        let mut at = 0;
        let back: Vec<Option<u64>> = values.iter().map(|_| get_varint(&out, &mut at)).collect();
        assert_eq!(back, values.map(Some).to_vec());
        assert_eq!(at, out.len());
        assert_eq!(get_varint(&[0x80, 0x80], &mut 0), None);
        assert_eq!(get_varint(&[0xff; 11], &mut 0), None);
    }

    #[test]
    fn normalisation_keeps_offsets() {
        assert_eq!(normalize("１９９７年ＡＢＣ　北京"), "1997年ABC 北京");
        assert_eq!(normalize("㈱x").chars().count(), 2);
    }
}
