//! Candidate entities from each source: 《》 titles, the gazetteer and user names, Latin-script
//! names, pattern rules, organisation suffixes and jieba's tags. Candidates may overlap;
//! `resolve` chooses among them.

use std::collections::{HashMap, HashSet};

use jieba_rs::Jieba;

use super::gazetteer::{Entry, Hit, Matcher};
use super::model::{self, Hint, HintKind, Model, Prepared, Word};
use super::rules::{self, Span};
use super::{EntityType, Tok, is_han};

/// Where a candidate came from; higher wins a tie on length.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Source {
    Jieba = 0,
    /// The trained sequence labeller (`model`).
    Model = 1,
    Latin = 2,
    Speaker = 3,
    Suffix = 4,
    Title = 5,
    Gazetteer = 6,
    Rule = 7,
    User = 8,
}

#[derive(Debug, Clone)]
pub(super) struct Cand {
    pub start: usize,
    pub end: usize,
    pub kind: EntityType,
    pub canonical: Option<String>,
    pub source: Source,
    /// For suffix organisations: the end of the name before the suffix.
    pub prefix_end: Option<usize>,
}

impl Cand {
    fn from_span(s: Span, source: Source) -> Cand {
        Cand {
            start: s.start,
            end: s.end,
            kind: s.kind,
            canonical: None,
            source,
            prefix_end: None,
        }
    }
}

/// One article's text and what every candidate source reads from it: jieba's tagged tokens
/// (one `tag` pass), how often each word is tagged as a person's name, the URL ranges no name
/// may overlap, and the gazetteer hits.
pub(super) struct Pass<'a> {
    pub text: &'a str,
    pub jieba: &'a Jieba,
    pub matcher: &'a Matcher,
    pub toks: Vec<Tok<'a>>,
    name_count: HashMap<&'a str, usize>,
    pub skip: Vec<(usize, usize)>,
    hits: Vec<Hit>,
}

impl<'a> Pass<'a> {
    pub fn new(text: &'a str, jieba: &'a Jieba, matcher: &'a Matcher) -> Self {
        let toks: Vec<Tok> = jieba
            .tag(text, true)
            .into_iter()
            .filter(|t| t.byte_end <= text.len() && t.byte_start < t.byte_end)
            .map(|t| Tok {
                word: t.word,
                tag: t.tag,
                bs: t.byte_start,
                be: t.byte_end,
            })
            .collect();
        let mut name_count: HashMap<&str, usize> = HashMap::new();
        for t in &toks {
            if t.tag.starts_with("nr") {
                *name_count.entry(t.word).or_default() += 1;
            }
        }
        Pass {
            text,
            jieba,
            matcher,
            toks,
            name_count,
            skip: rules::url_ranges(text),
            hits: matcher.find(text),
        }
    }

    /// Token boundaries, by binary search (tokens are in text order).
    fn is_tok_start(&self, p: usize) -> bool {
        self.toks.binary_search_by_key(&p, |t| t.bs).is_ok()
    }

    fn is_tok_end(&self, p: usize) -> bool {
        self.toks.binary_search_by_key(&p, |t| t.be).is_ok()
    }

    fn entry(&self, hit: &Hit) -> Option<&'a Entry> {
        self.matcher.entries.get(hit.entry)
    }

    /// Start -> end of the gazetteer hits of one type.
    fn hit_ends(&self, kind: EntityType) -> HashMap<usize, usize> {
        self.hits
            .iter()
            .filter(|h| self.entry(h).is_some_and(|e| e.kind == kind))
            .map(|h| (h.start, h.end))
            .collect()
    }

    fn repeated_name(&self, word: &str) -> bool {
        self.name_count.get(word).is_some_and(|&n| n >= 2)
    }

    /// 《titles》: works.
    pub fn titles(&self) -> Vec<Cand> {
        rules::titles(self.text)
            .into_iter()
            .map(|s| Cand::from_span(s, Source::Title))
            .collect()
    }

    /// Gazetteer and user names, brand + product joins and brand + model products.
    pub fn gazetteer(&self) -> Vec<Cand> {
        let mut cands = self.brand_products();
        for h in &self.hits {
            let Some(entry) = self.entry(h) else {
                continue;
            };
            self.push_hit(&mut cands, h, entry);
        }
        cands
    }

    /// An organisation written together with its product (`华为鸿蒙`) is a mention of the
    /// product; with a space between (`谷歌 Pixel 7`) both stay separate mentions.
    fn brand_products(&self) -> Vec<Cand> {
        let mut cands = Vec::new();
        for w in self.hits.windows(2) {
            let (a, b) = (&w[0], &w[1]);
            let (Some(ea), Some(eb)) = (self.entry(a), self.entry(b)) else {
                continue;
            };
            if ea.kind == EntityType::Org && eb.kind == EntityType::Product && a.end == b.start {
                cands.push(Cand {
                    start: a.start,
                    end: b.end,
                    kind: EntityType::Product,
                    canonical: Some(eb.canonical.clone()),
                    source: Source::Gazetteer,
                    prefix_end: None,
                });
            }
        }
        cands
    }

    fn push_hit(&self, cands: &mut Vec<Cand>, h: &Hit, entry: &Entry) {
        let text = self.text;
        let han_edge = text[h.start..].chars().next().is_some_and(is_han);
        let han_end = text[..h.end].chars().next_back().is_some_and(is_han);
        // a Han name must not cut a jieba word in two (京东 inside 北京东路)
        if !entry.user
            && ((han_edge && !self.is_tok_start(h.start)) || (han_end && !self.is_tok_end(h.end)))
        {
            return;
        }
        // a product line with its generation: `第 14 代酷睿`, `14代酷睿`
        let start = if entry.kind == EntityType::Product && han_edge {
            generation_prefix(text, h.start)
        } else {
            h.start
        };
        cands.push(Cand {
            start,
            end: h.end,
            kind: entry.kind,
            // `第 14 代酷睿` = `14代酷睿`, a product line of its own
            canonical: Some(if start == h.start {
                entry.canonical.clone()
            } else {
                text[start..h.start]
                    .chars()
                    .filter(|c| c.is_ascii_digit() || *c == '代')
                    .chain(entry.canonical.chars())
                    .collect()
            }),
            source: if entry.user {
                Source::User
            } else {
                Source::Gazetteer
            },
            prefix_end: None,
        });
        // brand + model: `小米12`, `华为Mate 30`, `骁龙778`
        if matches!(entry.kind, EntityType::Org | EntityType::Product)
            && let Some(end) = rules::model_after(text, h.end)
        {
            // `小米12`, `华为Mate 40` are products of their own; `谷歌 Pixel 7` is the brand
            // and the product `Pixel 6`, found by the Latin rule
            let model = text[h.end..end].trim();
            let spaced_name = text.as_bytes().get(h.end) == Some(&b' ')
                && model.bytes().any(|b| b.is_ascii_alphabetic());
            if !spaced_name {
                cands.push(Cand {
                    start,
                    end,
                    kind: EntityType::Product,
                    canonical: None,
                    source: Source::Gazetteer,
                    prefix_end: None,
                });
            }
        }
    }

    /// Latin-script names, trimmed where a known company or product starts them.
    pub fn latin_spans(&self) -> Vec<Span> {
        let mut latin = rules::latin(self.text, &self.skip);
        self.split_company_prefix(&mut latin);
        self.trim_product_word(&mut latin);
        // an acronym with a version (`TPM 2.0`) names a standard unless the acronym is known
        for s in latin.iter_mut() {
            if let Some((a, v)) = self.text[s.start..s.end].split_once(' ')
                && rules::is_acronym(a)
                && v.bytes().all(|b| b.is_ascii_digit() || b == b'.')
                && self.matcher.lookup(a).is_none()
            {
                s.end = s.start;
            }
        }
        latin.retain(|s| s.start < s.end);
        latin
    }

    /// `AMD Zen 4` is the company and the product `Zen 4`; full names the gazetteer knows
    /// (`Microsoft Store`) are longer hits and never get here. A company before a plain word
    /// (`Adobe PDF`) leaves only the company.
    fn split_company_prefix(&self, latin: &mut [Span]) {
        let text = self.text;
        let org_hit_end = self.hit_ends(EntityType::Org);
        for s in latin.iter_mut() {
            if let Some(&e) = org_hit_end.get(&s.start)
                && e < s.end
                && text.as_bytes().get(e) == Some(&b' ')
            {
                let rest = &text[e + 1..s.end];
                let keep = rest.contains(' ')
                    || rest.bytes().any(|b| b.is_ascii_digit())
                    || self.matcher.lookup(rest).is_some()
                    || rules::lone_name_shape(rest);
                if keep {
                    s.start = e + 1;
                } else {
                    s.end = s.start;
                }
            }
        }
    }

    /// A known product with one more plain word (`Windows AppX`, `Office VBA`) is the
    /// product; model words (`Pro`, `S22`) and numbers are part of the name.
    fn trim_product_word(&self, latin: &mut [Span]) {
        let text = self.text;
        let product_hit_end = self.hit_ends(EntityType::Product);
        for s in latin.iter_mut() {
            if let Some(&e) = product_hit_end.get(&s.start)
                && e < s.end
                && text.as_bytes().get(e) == Some(&b' ')
            {
                let rest = &text[e + 1..s.end];
                // an acronym after the product names a part of it (`Office VBA`)
                let plain = !rest.contains(' ')
                    && !rest.bytes().any(|b| b.is_ascii_digit())
                    && !rules::is_acronym(rest)
                    && !rules::MODEL_TAILS.contains(&rest)
                    && self.matcher.lookup(rest).is_none();
                if plain {
                    s.end = e;
                }
            }
        }
    }

    /// Latin spans as candidates; product hits by end, so `M3 MacBook Air` is a mention of
    /// `MacBook Air`.
    pub fn latin(&self, latin: &[Span]) -> Vec<Cand> {
        latin
            .iter()
            .map(|s| Cand {
                canonical: self.trailing_product(&self.text[s.start..s.end]),
                ..Cand::from_span(s.clone(), Source::Latin)
            })
            .collect()
    }
    /// The gazetteer product a multi-word Latin name ends with (`M3 MacBook Air` ->
    /// `MacBook Air`), if any.
    fn trailing_product(&self, name: &str) -> Option<String> {
        let mut pos = 0;
        // try each word start after the first
        while let Some(sp) = name[pos..].find(' ') {
            pos += sp + 1;
            let tail = &name[pos..];
            if let Some(h) = self.matcher.find(tail).first()
                && h.start == 0
                && h.end == tail.len()
                && let Some(e) = self.matcher.entries.get(h.entry)
                && e.kind == EntityType::Product
            {
                return Some(e.canonical.clone());
            }
        }
        None
    }

    /// Pattern rules; some read the candidates found so far. Returns the short names that
    /// listed companies' share names give (`远航股份` -> `远航`).
    pub fn rules(&self, cands: &mut Vec<Cand>) -> HashSet<&'a str> {
        let short_names = self.anchored_rules(cands);
        let speakers = rules::speakers(self.text, &self.toks);
        cands.extend(
            speakers
                .into_iter()
                .map(|s| Cand::from_span(s, Source::Speaker)),
        );
        short_names
    }

    /// The rules anchored on something other than jieba's name tags, which the model does not
    /// replace: `·` names, bylines, stock codes, `App` names, `…股份` share names, news-brief
    /// companies, and zones and facilities named after a place (`…自贸区`, `…邮轮母港`), a kind
    /// of name the training corpora barely have. Returns the short names the share names give.
    pub fn anchored_rules(&self, cands: &mut Vec<Cand>) -> HashSet<&'a str> {
        let (text, toks) = (self.text, &self.toks);
        let push = |cands: &mut Vec<Cand>, spans: Vec<Span>, source| {
            cands.extend(spans.into_iter().map(|s| Cand::from_span(s, source)));
        };
        push(cands, rules::dotted_names(text), Source::Rule);
        push(cands, rules::bylines(text), Source::Rule);
        let known_ends: HashSet<usize> = cands.iter().map(|c| c.end).collect();
        push(
            cands,
            rules::stock_names(text, toks, &known_ends),
            Source::Rule,
        );
        let apps = rules::app_names(text, toks, |t| self.jieba.has_word(t.word));
        push(cands, apps, Source::Rule);
        // `远航股份` names the company `远航`: its other occurrences may start an organisation
        // name (`远航集团`)
        let shares = rules::share_names(toks);
        let short_names = shares
            .iter()
            .filter_map(|s| text.get(s.start..s.end)?.strip_suffix("股份"))
            .collect();
        push(cands, shares, Source::Rule);
        push(cands, rules::brief_companies(text, toks), Source::Rule);
        let composite = rules::composite_places(toks, &place_edges(cands, true));
        push(cands, composite, Source::Rule);
        let facilities = rules::facility_places(toks, &place_edges(cands, false));
        push(cands, facilities, Source::Rule);
        short_names
    }

    /// A name may start with a proper noun the tag filters accept, or any nt/nz/eng/j word or
    /// an out-of-vocabulary word (`当升科技`).
    fn good_start(&self, t: &Tok) -> bool {
        matches!(t.tag, "nt" | "nz" | "eng" | "j")
            || jieba_candidate(self.jieba, t, self.repeated_name(t.word)).is_some()
            || (t.word.chars().count() >= 2
                && t.word.chars().all(is_han)
                && !self.jieba.has_word(t.word))
    }

    /// `<name><organisation suffix>`; `known` are the spans already found, which a name may
    /// start with.
    pub fn suffix_orgs(&self, known: &[(usize, usize)]) -> Vec<Cand> {
        let text = self.text;
        let found = rules::suffix_orgs(text, &self.toks, known, |t| self.good_start(t));
        let mut cands = Vec::new();
        for (s, prefix_end) in found {
            let prefix = text[s.start..prefix_end].trim();
            // the gazetteer entry the whole prefix is, if any
            let whole = self.whole_entry(prefix);
            // a place before an industry word describes a trade (`欧美汽车`, `中国医药`), it
            // does not name a company
            let place_only = whole.is_some_and(|e| e.kind == EntityType::Loc);
            if place_only && rules::industry_word(text[prefix_end..s.end].trim()) {
                continue;
            }
            let canonical = whole
                .filter(|e| e.kind == EntityType::Org)
                .map(|e| e.canonical.clone());
            cands.push(Cand {
                start: s.start,
                end: s.end,
                kind: EntityType::Org,
                canonical,
                source: Source::Suffix,
                prefix_end: Some(prefix_end),
            });
        }
        cands
    }

    /// The gazetteer entry that `name` is as a whole, if any.
    pub fn whole_entry(&self, name: &str) -> Option<&'a Entry> {
        self.matcher
            .find(name)
            .first()
            .filter(|h| h.start == 0 && h.end == name.len())
            .and_then(|h| self.matcher.entries.get(h.entry))
    }

    /// jieba's name, place and organisation tags, after the false-positive filters; they only
    /// fill gaps the other sources leave.
    pub fn jieba_tags(&self) -> Vec<Cand> {
        self.toks
            .iter()
            .filter_map(|t| {
                let kind = jieba_candidate(self.jieba, t, self.repeated_name(t.word))?;
                Some(Cand {
                    start: t.bs,
                    end: t.be,
                    kind,
                    canonical: None,
                    source: Source::Jieba,
                    prefix_end: None,
                })
            })
            .collect()
    }
}

impl Pass<'_> {
    /// The model's input: the text, jieba's words and the gazetteer's (and user's) hits as
    /// hints, in char offsets.
    pub fn model_input(&self) -> Prepared {
        let char_at = char_offsets(self.text);
        let at = |b: usize| char_at.get(b).copied().unwrap_or(0);
        let words: Vec<Word> = self
            .toks
            .iter()
            .map(|t| Word {
                start: at(t.bs),
                end: at(t.be),
                tag: t.tag,
            })
            .collect();
        let hints: Vec<Hint> = self
            .hits
            .iter()
            .filter_map(|h| {
                let kind = match self.entry(h)?.kind {
                    EntityType::Per => HintKind::Per,
                    EntityType::Loc => HintKind::Loc,
                    EntityType::Org => HintKind::Org,
                    EntityType::Product | EntityType::Work => HintKind::Other,
                };
                Some(Hint {
                    start: at(h.start),
                    end: at(h.end),
                    kind,
                })
            })
            .collect();
        model::prepare(self.text, &words, &hints)
    }

    /// The model's people, places and organisations that pass `model_span_ok`. A span that is
    /// a gazetteer name or alias as a whole takes the gazetteer's type and canonical name.
    pub fn model(&self, m: &Model) -> Vec<Cand> {
        let byte_at: Vec<usize> = self
            .text
            .char_indices()
            .map(|(b, _)| b)
            .chain(std::iter::once(self.text.len()))
            .collect();
        let mut cands = Vec::new();
        for s in m.tag(&self.model_input()) {
            let (Some(&start), Some(&end)) = (byte_at.get(s.start), byte_at.get(s.end)) else {
                continue;
            };
            let end = match s.kind {
                model::Kind::Per => start + name_before_say_verb(&self.text[start..end]).len(),
                _ => end,
            };
            if !self.model_span_ok(start, end) {
                continue;
            }
            let entry = self.whole_entry(&self.text[start..end]);
            let mut kind = match s.kind {
                model::Kind::Per => EntityType::Per,
                model::Kind::Loc => EntityType::Loc,
                model::Kind::Org => EntityType::Org,
            };
            if let Some(e) = entry {
                kind = e.kind;
            }
            cands.push(Cand {
                start,
                end,
                kind,
                canonical: entry.map(|e| e.canonical.clone()),
                source: Source::Model,
                prefix_end: None,
            });
        }
        cands
    }

    /// What the model may name: at least two characters (one is an abbreviation too ambiguous
    /// to index), no Latin letters (Latin names are the Latin rules' job, with their own
    /// typing), no quotes or title marks and only balanced brackets inside, and not an ordinary
    /// dictionary word that jieba tags as something other than a name.
    fn model_span_ok(&self, start: usize, end: usize) -> bool {
        let name = &self.text[start..end];
        if name.chars().count() < 2 || name.bytes().any(|b| b.is_ascii_alphabetic()) {
            return false;
        }
        let (mut open, mut balanced) = (0i32, true);
        for c in name.chars() {
            match c {
                '(' | '（' => open += 1,
                ')' | '）' => {
                    open -= 1;
                    balanced &= open >= 0;
                }
                '《' | '》' | '【' | '】' | '“' | '”' | '"' | '\'' | '「' | '」' | '，' | '。'
                | '、' | '：' | ':' | '；' | '！' | '？' => return false,
                _ => {}
            }
        }
        if !balanced || open != 0 {
            return false;
        }
        let common_word = self
            .toks
            .binary_search_by_key(&start, |t| t.bs)
            .ok()
            .and_then(|i| self.toks.get(i))
            .is_some_and(|t| t.be == end && !name_tag(t.tag) && self.jieba.has_word(t.word));
        !common_word
    }
}

/// A person's name without a verb of saying the tagger glued to its end (`张伟称` -> `张伟`):
/// names are followed by these verbs far more often than they end in them. Names of two
/// characters or fewer are kept as they are.
fn name_before_say_verb(name: &str) -> &str {
    rules::SAY_VERBS
        .iter()
        .filter_map(|v| name.strip_suffix(v))
        .find(|rest| rest.chars().count() >= 2)
        .unwrap_or(name)
}

/// jieba tags of proper nouns, abbreviations and foreign words.
fn name_tag(tag: &str) -> bool {
    tag.starts_with("nr") || tag.starts_with("ns") || matches!(tag, "nt" | "nz" | "j" | "eng" | "x")
}

/// Byte offset -> char index, for every byte offset of `text` and its end (offsets inside a
/// character map to that character).
fn char_offsets(text: &str) -> Vec<usize> {
    let mut out = vec![0usize; text.len() + 1];
    let mut ci = 0;
    for (b, c) in text.char_indices() {
        for slot in &mut out[b..b + c.len_utf8()] {
            *slot = ci;
        }
        ci += 1;
    }
    out[text.len()] = ci;
    out
}

/// The ends (or starts) of the places found so far.
fn place_edges(cands: &[Cand], end: bool) -> HashSet<usize> {
    cands
        .iter()
        .filter(|c| c.kind == EntityType::Loc)
        .map(|c| if end { c.end } else { c.start })
        .collect()
}

/// Start of `第 12 代` / `12代` right before `pos`, or `pos` itself.
fn generation_prefix(text: &str, pos: usize) -> usize {
    let before = &text[..pos];
    let b1 = before.trim_end_matches(' ');
    let Some(b2) = b1.strip_suffix('代') else {
        return pos;
    };
    let b3 = b2.trim_end_matches(' ');
    let digits = b3.len() - b3.trim_end_matches(|c: char| c.is_ascii_digit()).len();
    if digits == 0 || digits > 2 {
        return pos;
    }
    let b4 = &b3[..b3.len() - digits];
    let b5 = b4.trim_end_matches(' ');
    match b5.strip_suffix('第') {
        Some(b6) => b6.len(),
        None => b4.len(),
    }
}

/// Ordinary words that jieba's tagger marks as names (nr/ns/nt), and other frequent
/// false positives of the tag-based candidates.
const JIEBA_STOP: &[&str] = &[
    "耿直",
    "高达",
    "金融",
    "万元",
    "温和",
    "马上",
    "高速",
    "黄金",
    "白银",
    "明星",
    "江湖",
    "文明",
    "安全",
    "方便",
    "史上",
    "常态",
    "于是",
    "成本",
    "高效",
    "高端",
    "向好",
    "任性",
    "周全",
    "全面",
    "连续",
    "时代",
    "华人",
    "金牌",
    "令人",
    "石油",
    "宋体",
    "黑体",
    "楷体",
    "明显",
    "明确",
    "高于",
    "高达",
    "于此",
    "万家",
    "百家",
    "千家",
    "东西",
    "南北",
    "中外",
    "海内外",
    "国内外",
    "海外",
    "全国",
    "全球",
    "世界",
    "国际",
    "中华",
    "内地",
    "本地",
    "当地",
    "外地",
    "各地",
    "两地",
    "异地",
    "原地",
    "基地",
    "大陆",
    "城市",
    "农村",
    "乡村",
    "市场",
    "平台",
    "网络",
    "互联网",
    "金山",
    "关于",
    "包括",
    "司机",
    "管理",
    "常规",
    "温度",
    "高度",
    "方向",
    "方面",
    "文件",
    "程序",
    "钱包",
    "雷达",
    "云端",
    "和平",
    "康复",
    "龙头",
    "强大",
    "顾问",
    "沙发",
    "齐全",
    "华丽",
    "苗头",
    "管家",
    "曲线",
    "施工",
    "于今",
    "江山",
    "司法",
    "祝福",
    "甘心",
    "左右",
    "上下",
    "前后",
    "东方",
    "西方",
    "南方",
    "北方",
    "中部",
    "东部",
    "西部",
    "北部",
    "南部",
    "亚太",
    "中东",
    "西南",
    "西北",
    "东北",
    "东南",
    "今天下午",
    "今天上午",
    "明天下午",
    "周一",
    "周二",
    "周三",
    "周四",
    "周五",
    "周六",
    "周日",
    "周末",
    "易用",
    "易于",
    "易懂",
    "简便",
    "常见",
    "常用",
    "宁可",
    "焦点",
    "毛利",
    "毛利率",
    "牛市",
    "熊市",
    "付款",
    "付费",
    "余额",
    "成交",
    "成交额",
    "成本价",
    "金额",
    "文中",
    "文章",
    "万物",
    "凌晨",
    "傍晚",
    "黎明",
    "晨曦",
    "安心",
    "安装",
    "安卓",
    "苹果",
    "谷歌",
    "小米",
    "程度",
    "路径",
    "路由",
    "路线",
    "高层",
    "高管",
    "高校",
    "高考",
    "白天",
    "夏季",
    "秋季",
    "春季",
    "冬季",
    "房价",
    "房贷",
    "房东",
    "房企",
    "车主",
    "车企",
    "车型",
    "车辆",
    "车展",
    "包装",
    "包容",
    "韩流",
    "金价",
    "汤圆",
    "杨柳",
    "梅花",
    "兰花",
    "菊花",
    "荷花",
    "云计算",
    "大数据",
    "物联网",
    "区块链",
    "元宇宙",
    "新基建",
    "双十一",
    "双11",
    "电商",
    "微商",
    "网商",
    "外卖",
    "快递",
    "支付",
    "移动支付",
    "扫码",
    "红包",
    "理财",
    "信贷",
    "借贷",
    "贷款",
    "信用卡",
    "储蓄卡",
    "银行卡",
];

/// Characters that never occur in the tag-based names (time words, function words, numerals).
const BAD_NAME_CHARS: &str = "的了在是和与及或也都就而但我你他她它们这那其此该每各某上下今明昨年月日天时分秒号点周个些多少第二三四五六七八九十百千万亿零两几";

/// Place-name endings accepted for jieba `ns` words.
const PLACE_ENDINGS: &str = "省市县区镇乡村州岛湖山江河港湾路街道峡谷盟旗";
/// Organisation endings accepted for jieba `nt` words.
const ORG_ENDINGS: &[&str] = &[
    "公司",
    "集团",
    "银行",
    "大学",
    "学院",
    "学校",
    "中学",
    "小学",
    "医院",
    "法院",
    "检察院",
    "研究院",
    "研究所",
    "科学院",
    "协会",
    "学会",
    "商会",
    "委员会",
    "基金会",
    "交易所",
    "部",
    "局",
    "署",
    "厅",
    "委",
    "办",
    "院",
    "所",
    "会",
    "社",
    "台",
    "馆",
    "队",
    "党",
    "军",
    "团",
    "中心",
    "组织",
    "联盟",
    "报",
    "网",
    "政府",
    "机构",
];

/// Type of a tag-based candidate, after the false-positive filters. jieba's dictionary tags
/// many ordinary two-character words as names or places (耿直/nr, 上市/ns), so a dictionary word
/// needs a name shape the tag alone does not give: three characters with a surname for people,
/// a place ending for places, an organisation ending for organisations. Out-of-vocabulary words
/// tagged by the HMM are trusted more.
pub(super) fn jieba_candidate(jieba: &Jieba, t: &Tok, repeated: bool) -> Option<EntityType> {
    let kind = match t.tag {
        "nr" | "nrfg" | "nrt" => EntityType::Per,
        "ns" => EntityType::Loc,
        "nt" => EntityType::Org,
        _ => return None,
    };
    let w = t.word;
    let n = w.chars().count();
    static STOP: std::sync::OnceLock<std::collections::HashSet<&'static str>> =
        std::sync::OnceLock::new();
    let stop = STOP.get_or_init(|| JIEBA_STOP.iter().copied().collect());
    if n < 2 || !w.chars().all(is_han) || stop.contains(w) {
        return None;
    }
    let in_dict = jieba.has_word(w);
    match kind {
        EntityType::Per => {
            // a "name" ending like a place, without a given name, is a place the tagger did not
            // know (`某某岛`)
            if (!in_dict || !rules::given_name_plausible(w))
                && n >= 3
                && w.chars()
                    .next_back()
                    .is_some_and(|c| "省市县区镇乡村州岛湾港路街".contains(c))
            {
                return Some(EntityType::Loc);
            }
            // `明`/`天` are surnames too (明年, 天下) but common in given names (李明华)
            let bad = w.chars().enumerate().any(|(i, c)| {
                BAD_NAME_CHARS.contains(c) && !(n == 3 && i > 0 && matches!(c, '明' | '天'))
            });
            if bad {
                return None;
            }
            // Transliterated names (nrt) are as often companies or places (杜邦, 卢旺达): they
            // need the context of the speaker/title rules. jieba tags many dictionary words as
            // names (许可证/nr): a name needs a surname and given-name characters.
            if t.tag == "nrt" || !rules::has_surname(w) || n > 3 {
                return None;
            }
            // a dictionary word needs three characters
            if in_dict && n < 3 && t.tag != "nrfg" {
                return None;
            }
            // the given name must look like one; a three-character name the tagger found
            // outside its dictionary (or tagged as a name twice) may use rarer characters, if it
            // does not read as a transliteration (such names more often belong to a company)
            let rare_ok = n == 3
                && (!in_dict || repeated)
                && !w.chars().all(rules::translit_char)
                && !rules::given_name_translit(w);
            if !(rules::given_name_plausible(w) || rare_ok) {
                return None;
            }
            Some(kind)
        }
        EntityType::Loc => {
            let ends = w
                .chars()
                .next_back()
                .is_some_and(|c| PLACE_ENDINGS.contains(c));
            let foreign = !in_dict && n >= 3 && w.chars().all(rules::translit_char);
            ((ends && (3..=8).contains(&n)) || foreign).then_some(kind)
        }
        _ => (n >= 3 && ORG_ENDINGS.iter().any(|e| w.ends_with(e))).then_some(kind),
    }
}
