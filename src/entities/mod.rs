//! Named-entity extraction for Chinese news: gazetteer (Aho-Corasick), jieba POS tags with
//! false-positive filters, and pattern rules (titles, bylines, organisation suffixes, speakers,
//! transliterated and Latin-script names). One jieba `tag` pass and a few linear scans per article.

mod gazetteer;
mod rules;
mod user;

#[cfg(test)]
mod tests;

pub use user::{UserEntity, UserEntityError, parse_user_entities};

/// The texts of the gazetteer compiled into this build: part of every document's fingerprint,
/// since another gazetteer finds other entities.
pub fn gazetteer_texts() -> impl Iterator<Item = &'static str> {
    gazetteer::files().iter().map(|(_, text)| *text)
}

use gazetteer::Matcher;
use rules::Span;
use std::collections::HashMap;

/// Kind of a named entity.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "UPPERCASE")]
pub enum EntityType {
    Per,
    Org,
    Loc,
    Product,
    Work,
}

impl EntityType {
    pub const ALL: [EntityType; 5] = [Self::Per, Self::Org, Self::Loc, Self::Product, Self::Work];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Per => "PER",
            Self::Org => "ORG",
            Self::Loc => "LOC",
            Self::Product => "PRODUCT",
            Self::Work => "WORK",
        }
    }

    /// jieba POS tag used when adding names of this type to the dictionary.
    fn jieba_tag(self) -> &'static str {
        match self {
            Self::Per => "nr",
            Self::Org => "nt",
            Self::Loc => "ns",
            Self::Product | Self::Work => "nz",
        }
    }
}

impl std::fmt::Display for EntityType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Error for an unknown entity type name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown entity type `{0}`, expected one of PER, ORG, LOC, PRODUCT, WORK")]
pub struct ParseEntityTypeError(pub String);

impl std::str::FromStr for EntityType {
    type Err = ParseEntityTypeError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_uppercase().as_str() {
            "PER" | "PERSON" => Ok(Self::Per),
            "ORG" | "ORGANIZATION" | "ORGANISATION" => Ok(Self::Org),
            "LOC" | "LOCATION" => Ok(Self::Loc),
            "PRODUCT" => Ok(Self::Product),
            "WORK" => Ok(Self::Work),
            _ => Err(ParseEntityTypeError(s.to_string())),
        }
    }
}

/// One entity of an article.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Entity {
    /// Canonical name.
    pub name: String,
    #[serde(rename = "type")]
    pub kind: EntityType,
    /// Mentions in title + body.
    pub count: usize,
    /// Distinct surface forms, first-seen order.
    pub mentions: Vec<String>,
}

pub(crate) fn is_han(c: char) -> bool {
    matches!(c, '\u{4e00}'..='\u{9fff}' | '\u{3400}'..='\u{4dbf}' | '\u{f900}'..='\u{faff}' | '\u{20000}'..='\u{2ebef}')
}

/// A token of the tag pass with byte offsets into the text.
#[derive(Debug, Clone)]
pub(crate) struct Tok<'a> {
    pub word: &'a str,
    pub tag: &'a str,
    pub bs: usize,
    pub be: usize,
}

/// Where a candidate came from; higher wins a tie on length.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Source {
    Jieba = 0,
    Latin = 1,
    Speaker = 2,
    Suffix = 3,
    Title = 4,
    Gazetteer = 5,
    Rule = 6,
    User = 7,
}

#[derive(Debug, Clone)]
struct Cand {
    start: usize,
    end: usize,
    kind: EntityType,
    canonical: Option<String>,
    source: Source,
    /// For suffix organisations: the end of the name before the suffix.
    prefix_end: Option<usize>,
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

/// Generic organisation nouns: a kind of organisation, not a name.
const GENERIC_ORGS: &[&str] = &[
    "上市公司",
    "子公司",
    "母公司",
    "分公司",
    "总公司",
    "本公司",
    "该公司",
    "公司",
    "集团",
    "科技公司",
    "互联网公司",
    "保险公司",
    "证券公司",
    "基金公司",
    "信托公司",
    "支付公司",
    "金融公司",
    "商业银行",
    "大型银行",
    "中小银行",
    "股份制银行",
    "城商行",
    "农商行",
    "外资银行",
    "地方政府",
    "政府",
    "监管部门",
    "有关部门",
    "相关部门",
    "主管部门",
    "职能部门",
    "金融机构",
    "支付机构",
    "董事会",
    "股东大会",
    "监事会",
    "委员会",
    "管理局",
    "研究院",
    "研究所",
    "交易所",
    "中央银行",
    "国有银行",
    "国有企业",
    "民营企业",
    "央企",
    "国企",
    "党委",
    "党工委",
    "居委会",
    "村委会",
    "人民政府",
    "人民法院",
    "人民检察院",
    "公安局",
    "派出所",
    "税务局",
    "市场监管局",
    "办公室",
    "工作室",
    "实验室",
];

/// Characters that never occur in the tag-based names (time words, function words, numerals).
const BAD_NAME_CHARS: &str = "的了在是和与及或也都就而但我你他她它们这那其此该每各某上下今明昨年月日天时分秒号点周个些多少第二三四五六七八九十百千万亿零两几";

/// Builds the matcher once; `extract` is then cheap and shared across threads.
pub struct EntityExtractor {
    matcher: Matcher,
}

impl EntityExtractor {
    /// Adds the gazetteer's and the user's names to jieba's dictionary (so segmentation keeps
    /// them whole) and builds the matcher. The caller then wraps the same Jieba in an Arc and
    /// shares it with the search analyser.
    pub fn new(jieba: &mut jieba_rs::Jieba, user: &[UserEntity]) -> Self {
        let gaz = gazetteer::builtin();
        for (list, is_user) in [(&gaz, false), (&user.to_vec(), true)] {
            for e in list.iter() {
                for w in std::iter::once(&e.name).chain(e.aliases.iter()) {
                    let w = w.trim();
                    // jieba splits on white space and keeps ASCII runs whole by itself; only
                    // names with Han characters need a dictionary entry.
                    if w.chars().any(char::is_whitespace) || !w.chars().any(is_han) {
                        continue;
                    }
                    if !is_user && jieba.has_word(w) {
                        continue;
                    }
                    jieba.add_word(w, None, Some(e.kind.jieba_tag()));
                }
            }
        }
        EntityExtractor {
            matcher: Matcher::new(&gaz, user),
        }
    }

    /// Entities of one article, sorted by count desc then name. `jieba` is the same instance
    /// passed to `new`.
    pub fn extract(&self, jieba: &jieba_rs::Jieba, title: &str, body: &str) -> Vec<Entity> {
        let mut text = String::with_capacity(title.len() + body.len() + 1);
        text.push_str(title.trim());
        if !text.is_empty() {
            text.push('\n');
        }
        text.push_str(body);
        let text = text.as_str();

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
        // how often each word is tagged as a person's name
        let mut name_count: HashMap<&str, usize> = HashMap::new();
        for t in &toks {
            if t.tag.starts_with("nr") {
                *name_count.entry(t.word).or_default() += 1;
            }
        }
        // token boundaries, by binary search (tokens are in text order)
        let is_tok_start = |p: usize| toks.binary_search_by_key(&p, |t| t.bs).is_ok();
        let is_tok_end = |p: usize| toks.binary_search_by_key(&p, |t| t.be).is_ok();

        let skip = rules::url_ranges(text);
        let mut cands: Vec<Cand> = Vec::new();
        let push = |cands: &mut Vec<Cand>, s: Span, source: Source| {
            cands.push(Cand {
                start: s.start,
                end: s.end,
                kind: s.kind,
                canonical: None,
                source,
                prefix_end: None,
            })
        };

        // 《titles》
        for s in rules::titles(text) {
            push(&mut cands, s, Source::Title);
        }
        // gazetteer + user names
        let hits = self.matcher.find(text);
        // start -> end of organisation names, to split `AMD Zen 4` into `AMD` + `Zen 4`
        let org_hit_end: HashMap<usize, usize> = hits
            .iter()
            .filter(|h| {
                self.matcher
                    .entries
                    .get(h.entry)
                    .is_some_and(|e| e.kind == EntityType::Org)
            })
            .map(|h| (h.start, h.end))
            .collect();
        // an organisation written together with its product (`华为鸿蒙`) is a mention of the
        // product; with a space between (`谷歌 Pixel 7`) both stay separate mentions
        for w in hits.windows(2) {
            let (a, b) = (&w[0], &w[1]);
            let (Some(ea), Some(eb)) = (
                self.matcher.entries.get(a.entry),
                self.matcher.entries.get(b.entry),
            ) else {
                continue;
            };
            if ea.kind != EntityType::Org || eb.kind != EntityType::Product {
                continue;
            }
            if a.end == b.start {
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
        for h in &hits {
            let Some(entry) = self.matcher.entries.get(h.entry) else {
                continue;
            };
            let han_edge = text[h.start..].chars().next().is_some_and(is_han);
            let han_end = text[..h.end].chars().next_back().is_some_and(is_han);
            // a Han name must not cut a jieba word in two (京东 inside 北京东路)
            if !entry.user
                && ((han_edge && !is_tok_start(h.start)) || (han_end && !is_tok_end(h.end)))
            {
                continue;
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
        let known: Vec<(usize, usize)> = cands.iter().map(|c| (c.start, c.end)).collect();
        // Latin-script names
        let mut latin = rules::latin(text, &skip);
        for s in latin.iter_mut() {
            // `AMD Zen 4` is the company and the product `Zen 4`; full names the gazetteer
            // knows (`Microsoft Store`) are longer hits and never get here. A company before a
            // plain word (`Adobe PDF`) leaves only the company.
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
        // a known product with one more plain word (`Windows AppX`, `Office VBA`) is the
        // product; model words (`Pro`, `S22`) and numbers are part of the name
        let product_hit_end: HashMap<usize, usize> = hits
            .iter()
            .filter(|h| {
                self.matcher
                    .entries
                    .get(h.entry)
                    .is_some_and(|e| e.kind == EntityType::Product)
            })
            .map(|h| (h.start, h.end))
            .collect();
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
        // an acronym with a version (`TPM 2.0`) names a standard unless the acronym is known
        for s in latin.iter_mut() {
            if let Some((a, v)) = text[s.start..s.end].split_once(' ')
                && rules::is_acronym(a)
                && v.bytes().all(|b| b.is_ascii_digit() || b == b'.')
                && self.matcher.lookup(a).is_none()
            {
                s.end = s.start;
            }
        }
        latin.retain(|s| s.start < s.end);
        // product hits by end, so `M3 MacBook Air` is a mention of `MacBook Air`
        for s in latin.iter().cloned() {
            let canonical = self.trailing_product(&text[s.start..s.end]);
            cands.push(Cand {
                start: s.start,
                end: s.end,
                kind: s.kind,
                canonical,
                source: Source::Latin,
                prefix_end: None,
            });
        }
        // rules
        for s in rules::dotted_names(text) {
            push(&mut cands, s, Source::Rule);
        }
        for s in rules::bylines(text) {
            push(&mut cands, s, Source::Rule);
        }
        let known_ends: std::collections::HashSet<usize> = cands.iter().map(|c| c.end).collect();
        for s in rules::stock_names(text, &toks, &known_ends) {
            push(&mut cands, s, Source::Rule);
        }
        for s in rules::app_names(text, &toks, |t| jieba.has_word(t.word)) {
            push(&mut cands, s, Source::Rule);
        }
        // `远航股份` names the company `远航`: its other occurrences may start an organisation
        // name (`远航集团`)
        let mut short_names: std::collections::HashSet<&str> = std::collections::HashSet::new();
        for s in rules::share_names(&toks) {
            if let Some(p) = text
                .get(s.start..s.end)
                .and_then(|w| w.strip_suffix("股份"))
            {
                short_names.insert(p);
            }
            push(&mut cands, s, Source::Rule);
        }
        let loc_ends: std::collections::HashSet<usize> = cands
            .iter()
            .filter(|c| c.kind == EntityType::Loc)
            .map(|c| c.end)
            .collect();
        for s in rules::composite_places(&toks, &loc_ends) {
            push(&mut cands, s, Source::Rule);
        }
        let loc_starts: std::collections::HashSet<usize> = cands
            .iter()
            .filter(|c| c.kind == EntityType::Loc)
            .map(|c| c.start)
            .collect();
        for s in rules::facility_places(&toks, &loc_starts) {
            push(&mut cands, s, Source::Rule);
        }
        for s in rules::brief_companies(text, &toks) {
            push(&mut cands, s, Source::Rule);
        }
        for s in rules::speakers(text, &toks) {
            push(&mut cands, s, Source::Speaker);
        }
        let mut known_all = known;
        known_all.extend(latin.iter().map(|s| (s.start, s.end)));
        if !short_names.is_empty() {
            known_all.extend(
                toks.iter()
                    .filter(|t| short_names.contains(t.word))
                    .map(|t| (t.bs, t.be)),
            );
        }
        // a name may start with a proper noun the tag filters accept, or any nt/nz/eng/j word
        // or an out-of-vocabulary word (`当升科技`)
        let good_start = |t: &Tok| {
            matches!(t.tag, "nt" | "nz" | "eng" | "j")
                || jieba_candidate(jieba, t, name_count.get(t.word).is_some_and(|&n| n >= 2))
                    .is_some()
                || (t.word.chars().count() >= 2
                    && t.word.chars().all(is_han)
                    && !jieba.has_word(t.word))
        };
        for (s, prefix_end) in rules::suffix_orgs(text, &toks, &known_all, good_start) {
            let prefix = text[s.start..prefix_end].trim();
            // the gazetteer entry the whole prefix is, if any
            let whole = self
                .matcher
                .find(prefix)
                .first()
                .filter(|h| h.start == 0 && h.end == prefix.len())
                .and_then(|h| self.matcher.entries.get(h.entry));
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
        // jieba tags (fill gaps only)
        for t in &toks {
            let repeated = name_count.get(t.word).is_some_and(|&n| n >= 2);
            if let Some(kind) = jieba_candidate(jieba, t, repeated) {
                cands.push(Cand {
                    start: t.bs,
                    end: t.be,
                    kind,
                    canonical: None,
                    source: Source::Jieba,
                    prefix_end: None,
                });
            }
        }

        cands.retain(|c| {
            let generic = c.kind == EntityType::Org
                && !matches!(c.source, Source::Gazetteer | Source::User)
                && text
                    .get(c.start..c.end)
                    .is_some_and(|w| GENERIC_ORGS.contains(&w));
            !generic
                && c.start < c.end
                && text.is_char_boundary(c.start)
                && text.is_char_boundary(c.end)
                && !skip.iter().any(|&(s, e)| c.start < e && s < c.end)
        });

        // choose non-overlapping candidates: rules and gazetteer by length, then tag-based fill
        cands.sort_by(|a, b| {
            let tier = |c: &Cand| c.source == Source::Jieba;
            tier(a)
                .cmp(&tier(b))
                .then((b.end - b.start).cmp(&(a.end - a.start)))
                .then(b.source.cmp(&a.source))
                .then(a.start.cmp(&b.start))
        });
        let mut taken = vec![false; text.len()];
        let mut chosen: Vec<Cand> = Vec::new();
        for c in cands {
            if taken[c.start..c.end].iter().any(|&t| t) {
                continue;
            }
            taken[c.start..c.end].iter_mut().for_each(|t| *t = true);
            chosen.push(c);
        }
        chosen.sort_by_key(|c| c.start);
        drop_qualifier_places(jieba, text, &toks, &mut chosen);

        self.retype(text, &mut chosen);
        let is_place = |p: &str| {
            self.matcher
                .find(p)
                .first()
                .filter(|h| h.start == 0 && h.end == p.len())
                .and_then(|h| self.matcher.entries.get(h.entry))
                .is_some_and(|e| e.kind == EntityType::Loc)
        };
        group(text, chosen, is_place)
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

    /// Context-based types for Latin-script candidates.
    fn retype(&self, text: &str, chosen: &mut [Cand]) {
        for c in chosen.iter_mut() {
            if c.source != Source::Latin {
                continue;
            }
            let surface = &text[c.start..c.end];
            if let Some(e) = self.matcher.lookup(surface) {
                c.kind = e.kind;
                continue;
            }
            // `Riot Games`, `Acme Labs`: an organisation word ends the name
            if surface.contains(' ')
                && surface
                    .rsplit(' ')
                    .next()
                    .is_some_and(|w| LATIN_ORG_WORDS.contains(&w))
            {
                c.kind = EntityType::Org;
                continue;
            }
            let before = text[..c.start].trim_end_matches(' ');
            let after = text[c.end..].trim_start_matches(' ');
            let says = ACTOR_VERBS.iter().any(|v| after.starts_with(v))
                || ["称，", "称：", "称,", "称:", "说，", "说："]
                    .iter()
                    .any(|v| after.starts_with(v));
            let person_cue = rules::TITLES.iter().any(|t| before.ends_with(t));
            // a user name after a community role (`开发者 user2k`) is a person
            if !surface.contains(' ')
                && rules::LATIN_PERSON_ROLES
                    .iter()
                    .any(|t| before.ends_with(t))
            {
                c.kind = EntityType::Per;
                continue;
            }
            let org_cue = ORG_BEFORE_CUES.iter().any(|t| before.ends_with(t))
                || ORG_AFTER_CUES.iter().any(|t| after.starts_with(t));
            // a speaker whose name the text also gives as a social-media handle (`@name`)
            let handle = !surface.contains(' ') && says && text.contains(&format!("@{surface}"));
            if handle
                || (rules::looks_like_western_person(surface)
                    && (person_cue || says || first_name(surface)))
            {
                c.kind = EntityType::Per;
            } else if org_cue || says {
                // products do not speak or report: an actor that is not a person is an organisation
                c.kind = EntityType::Org;
            }
        }
    }
}

/// A place written right before another name (`美国艾科`, `杭州余杭区`, `中国A50`) qualifies
/// that name and is part of it. Such a place is dropped unless the article also names it
/// alone (guidelines: nested names count only when the inner one occurs alone).
fn drop_qualifier_places(
    jieba: &jieba_rs::Jieba,
    text: &str,
    toks: &[Tok],
    chosen: &mut Vec<Cand>,
) {
    let by_start: HashMap<usize, EntityType> = chosen.iter().map(|c| (c.start, c.kind)).collect();
    if !chosen.iter().any(|c| c.kind == EntityType::Loc) {
        return;
    }
    // tokens are in text order: binary search by start
    let tok_at = |pos: usize| {
        toks.binary_search_by_key(&pos, |t| t.bs)
            .ok()
            .and_then(|i| toks.get(i))
    };
    let key = |c: &Cand| name_key(c.canonical.as_deref().unwrap_or(&text[c.start..c.end]));
    let qualifier = |c: &Cand| {
        if c.kind != EntityType::Loc || c.source == Source::User {
            return false;
        }
        let Some(next) = text[c.end..].chars().next() else {
            return false;
        };
        if !(is_han(next) || next.is_ascii_alphabetic()) {
            return false;
        }
        // a place before a place (`卢旺达基加利`) names both
        if next.is_ascii_alphabetic() || by_start.get(&c.end).is_some_and(|&k| k != EntityType::Loc)
        {
            return true;
        }
        tok_at(c.end).is_some_and(|t| {
            let proper = t.tag.starts_with("nr") || matches!(t.tag, "nt" | "nz" | "eng");
            let oov = t.word.chars().count() >= 2
                && t.word.chars().all(is_han)
                && !jieba.has_word(t.word);
            proper || oov
        })
    };
    let flags: Vec<bool> = chosen.iter().map(qualifier).collect();
    let alone: std::collections::HashSet<String> = chosen
        .iter()
        .zip(&flags)
        .filter(|(c, q)| c.kind == EntityType::Loc && !**q)
        .map(|(c, _)| key(c))
        .collect();
    let mut i = 0;
    chosen.retain(|c| {
        let q = flags.get(i).copied().unwrap_or(false);
        i += 1;
        !q || alone.contains(&key(c))
    });
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

/// Last words of Latin-script organisation names.
const LATIN_ORG_WORDS: &[&str] = &[
    "Studios",
    "Studio",
    "Labs",
    "Lab",
    "Group",
    "Foundation",
    "Technologies",
    "Entertainment",
    "Interactive",
    "Software",
    "Capital",
    "Ventures",
    "Partners",
    "Holdings",
    "Motors",
    "Bank",
    "University",
    "Institute",
    "Association",
    "Society",
    "Consortium",
    "Alliance",
    "Agency",
    "Corporation",
    "Company",
    "Systems",
    "Electronics",
    "Semiconductor",
    "Research",
    "News",
    "Times",
    "Post",
    "Journal",
    "Daily",
];

/// Verbs whose subject is an actor (a person or an organisation), never a product.
const ACTOR_VERBS: &[&str] = &[
    "表示",
    "指出",
    "透露",
    "认为",
    "猜测",
    "回应",
    "坦言",
    "强调",
    "声称",
    "宣布",
    "发文",
    "写道",
    "报道",
    "告诉",
    "介绍说",
    "证实",
    "承认",
    "警告",
];

/// Words before a Latin-script name that make it an organisation (`据 X 报道`, `开发商 X`).
const ORG_BEFORE_CUES: &[&str] = &[
    "据",
    "来自",
    "援引",
    "告诉",
    "开发商",
    "厂商",
    "制造商",
    "供应商",
    "运营商",
    "媒体",
    "外媒",
    "网站",
    "机构",
    "公司",
    "男团",
    "女团",
    "乐队",
    "团队",
    "工作室",
    "发行商",
    "初创公司",
    "创业公司",
    "研究机构",
];
/// Words after a Latin-script name that make it an organisation.
const ORG_AFTER_CUES: &[&str] = &[
    "报道",
    "消息",
    "援引",
    "的一份",
    "的报告",
    "发布的报告",
    "猜测",
    "公司",
    "集团",
    "团队",
    "官方",
    "旗下",
    "创始人",
    "首席执行官",
    "发言人",
    "的员工",
    "的工程师",
    "的研究人员",
    "的开发者",
];

/// Common given names that start a Western `Firstname Lastname`.
const FIRST_NAMES: &[&str] = &[
    "John",
    "James",
    "Michael",
    "David",
    "Robert",
    "William",
    "Richard",
    "Thomas",
    "Charles",
    "Daniel",
    "Matthew",
    "Mark",
    "Paul",
    "Steven",
    "Steve",
    "Andrew",
    "Kevin",
    "Brian",
    "George",
    "Edward",
    "Peter",
    "Samuel",
    "Joseph",
    "Jack",
    "Tim",
    "Tom",
    "Bill",
    "Elon",
    "Jeff",
    "Larry",
    "Sergey",
    "Sundar",
    "Satya",
    "Jensen",
    "Lisa",
    "Mary",
    "Jennifer",
    "Linda",
    "Elizabeth",
    "Susan",
    "Sarah",
    "Karen",
    "Nancy",
    "Emma",
    "Anna",
    "Alex",
    "Chris",
    "Christopher",
    "Eric",
    "Frank",
    "Henry",
    "Jason",
    "Justin",
    "Ryan",
    "Scott",
    "Sam",
    "Ben",
    "Benjamin",
    "Adam",
    "Jonathan",
    "Martin",
    "Patrick",
    "Greg",
    "Gary",
    "Anthony",
    "Jim",
    "Joe",
    "Mike",
    "Dave",
    "Nick",
    "Tony",
    "Craig",
    "Phil",
    "Ken",
    "Jay",
    "Ray",
    "Jerome",
    "Janet",
    "Christine",
    "Kamala",
    "Joe",
    "Donald",
    "Barack",
    "Warren",
    "Charlie",
    "Ray",
    "Cathie",
    "Jamie",
    "Masayoshi",
    "Pat",
    "Brad",
    "Evan",
    "Marc",
    "Reed",
    "Travis",
    "Drew",
    "Jack",
    "Sheryl",
    "Susan",
    "Ginni",
    "Arvind",
    "Andy",
    "Bob",
    "Dan",
    "Chuck",
    "Carl",
    "Fred",
    "Gordon",
    "Harry",
    "Ian",
    "Jeremy",
    "Kyle",
    "Luke",
    "Neil",
    "Oliver",
    "Simon",
    "Stephen",
    "Victor",
    "Walter",
    "Jan",
    "Hans",
    "Pierre",
    "Jean",
    "Carlos",
    "Jose",
    "Juan",
    "Luis",
    "Miguel",
    "Antonio",
    "Manuel",
    "Francisco",
    "Pedro",
    "Rafael",
    "Fernando",
    "Diego",
    "Pablo",
    "Javier",
    "Maria",
    "Carmen",
    "Ana",
    "Laura",
    "Sofia",
    "Lucia",
    "Elena",
    "Isabel",
    "Marco",
    "Luca",
    "Giovanni",
    "Giuseppe",
    "Paolo",
    "Francesco",
    "Alessandro",
    "Matteo",
    "Andrea",
    "Stefan",
    "Klaus",
    "Jurgen",
    "Wolfgang",
    "Dieter",
    "Thomas",
    "Markus",
    "Lukas",
    "Felix",
    "Max",
    "Moritz",
    "Sebastian",
    "Tobias",
    "Konstantin",
    "Dmitry",
    "Dmitri",
    "Sergei",
    "Ivan",
    "Alexei",
    "Alexey",
    "Vladimir",
    "Mikhail",
    "Nikolai",
    "Andrei",
    "Igor",
    "Olga",
    "Natalia",
    "Anastasia",
    "Yuri",
    "Boris",
    "Pavel",
    "Oleg",
    "Viktor",
    "Piotr",
    "Tomasz",
    "Jakub",
    "Lars",
    "Erik",
    "Sven",
    "Anders",
    "Nils",
    "Magnus",
    "Henrik",
    "Johan",
    "Mats",
    "Olivier",
    "Nicolas",
    "Philippe",
    "Francois",
    "Laurent",
    "Julien",
    "Antoine",
    "Emmanuel",
    "Marie",
    "Sophie",
    "Claire",
    "Camille",
    "Hiroshi",
    "Takeshi",
    "Kenji",
    "Akira",
    "Yuki",
    "Satoshi",
    "Hideo",
    "Shigeru",
    "Raj",
    "Rahul",
    "Amit",
    "Sanjay",
    "Vijay",
    "Priya",
    "Anil",
    "Sunil",
    "Ravi",
    "Mohammed",
    "Mohamed",
    "Ahmed",
    "Ali",
    "Omar",
    "Hassan",
    "Yusuf",
    "Emily",
    "Jessica",
    "Ashley",
    "Amanda",
    "Melissa",
    "Michelle",
    "Stephanie",
    "Rebecca",
    "Rachel",
    "Katherine",
    "Kate",
    "Catherine",
    "Helen",
    "Alice",
    "Grace",
    "Julia",
    "Hannah",
    "Olivia",
    "Chloe",
    "Charlotte",
    "Amy",
    "Megan",
    "Lucy",
    "Zoe",
    "Ella",
    "Emily",
    "Victoria",
    "Patricia",
    "Barbara",
    "Margaret",
    "Dorothy",
    "Nathan",
    "Aaron",
    "Jacob",
    "Joshua",
    "Tyler",
    "Brandon",
    "Zachary",
    "Noah",
    "Ethan",
    "Logan",
    "Dylan",
    "Connor",
    "Owen",
    "Caleb",
    "Isaac",
    "Gabriel",
    "Vincent",
    "Dennis",
    "Douglas",
    "Keith",
    "Roger",
    "Terry",
    "Lawrence",
    "Jeffrey",
    "Timothy",
    "Ronald",
    "Kenneth",
    "Raymond",
    "Jerry",
    "Gregory",
    "Russell",
    "Howard",
    "Philip",
    "Arthur",
    "Albert",
    "Louis",
    "Ralph",
    "Eugene",
];

fn first_name(s: &str) -> bool {
    s.split(' ')
        .next()
        .is_some_and(|w| FIRST_NAMES.contains(&w))
}

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
fn jieba_candidate(jieba: &jieba_rs::Jieba, t: &Tok, repeated: bool) -> Option<EntityType> {
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

/// Case- and space-insensitive key for Latin-script names (`ThinkPad X1` = `Thinkpad X1`).
fn name_key(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_whitespace() || matches!(c, '·' | '•' | '・') {
            continue;
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

struct Group {
    name: String,
    kind: EntityType,
    count: usize,
    /// (first position, surface)
    mentions: Vec<(usize, String)>,
    gazetteer: bool,
    first: usize,
}

/// Do the characters of `short` appear in `long` in order?
fn is_subsequence(short: &[char], long: &[char]) -> bool {
    let mut it = long.iter();
    short.iter().all(|c| it.any(|x| x == c))
}

/// Groups chosen candidates into entities and merges short forms into their full names.
fn group(text: &str, chosen: Vec<Cand>, is_place: impl Fn(&str) -> bool) -> Vec<Entity> {
    let mut groups: Vec<Group> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut mention_index: HashMap<String, usize> = HashMap::new();
    let mut suffix_links: Vec<(usize, String)> = Vec::new(); // (group, prefix surface)
    for c in chosen {
        let surface = text[c.start..c.end].to_string();
        let canonical = c.canonical.clone().unwrap_or_else(|| surface.clone());
        let key = name_key(&canonical);
        let gi = match index.get(&key) {
            Some(&gi) => gi,
            None => {
                // a surface that is some other group's mention joins that group
                match mention_index.get(&name_key(&surface)).copied() {
                    Some(gi) => gi,
                    None => {
                        groups.push(Group {
                            name: canonical.clone(),
                            kind: c.kind,
                            count: 0,
                            mentions: Vec::new(),
                            gazetteer: matches!(c.source, Source::Gazetteer | Source::User),
                            first: c.start,
                        });
                        index.insert(key, groups.len() - 1);
                        groups.len() - 1
                    }
                }
            }
        };
        let g = &mut groups[gi];
        if c.source == Source::Latin && c.kind != EntityType::Product && !g.gazetteer {
            g.kind = c.kind;
        }
        g.count += 1;
        if !g.mentions.iter().any(|(_, m)| *m == surface) {
            g.mentions.push((c.start, surface.clone()));
        }
        mention_index.entry(name_key(&surface)).or_insert(gi);
        if let Some(pe) = c.prefix_end
            && c.canonical.is_none()
        {
            let p = text[c.start..pe].trim().to_string();
            if !p.is_empty() {
                suffix_links.push((gi, p));
            }
        }
    }

    let mut merged_into: Vec<Option<usize>> = vec![None; groups.len()];
    // `X公司` joins the entity `X` when X is an organisation, or a Latin name not known as a product
    for (gi, prefix) in suffix_links {
        let key = name_key(&prefix);
        if let Some(&pi) = index.get(&key)
            && pi != gi
            && merged_into[gi].is_none()
            && (groups[pi].kind == EntityType::Org || !groups[pi].gazetteer)
        {
            merged_into[gi] = Some(pi);
            groups[pi].kind = EntityType::Org;
        }
    }
    // a person's last name alone joins the full name (`Kowalski` -> `Anna Kowalski`)
    for i in 0..groups.len() {
        if merged_into[i].is_some()
            || groups[i].gazetteer
            || groups[i].name.contains(' ')
            || (groups[i].kind != EntityType::Per && !groups[i].name.is_ascii())
        {
            continue;
        }
        let short = groups[i].name.clone();
        let target = (0..groups.len()).find(|&j| {
            j != i
                && groups[j].kind == EntityType::Per
                && merged_into[j].is_none()
                && groups[j].name.len() > short.len()
                && (groups[j].name.ends_with(&format!(" {short}"))
                    || groups[j].name.ends_with(&format!("·{short}"))
                    || groups[j].name.ends_with(&format!("· {short}")))
        });
        if let Some(j) = target {
            merged_into[i] = Some(j);
            groups[i].kind = EntityType::Per;
        }
    }
    // an organisation written with its place in front (`某市某区某街道办`) is the same as the
    // one without it (`某区某街道办`)
    for i in 0..groups.len() {
        if merged_into[i].is_some() || groups[i].kind != EntityType::Org {
            continue;
        }
        let long = groups[i].name.clone();
        let target = (0..groups.len()).find(|&j| {
            j != i
                && groups[j].kind == EntityType::Org
                && merged_into[j].is_none()
                && long.len() > groups[j].name.len()
                && long
                    .strip_suffix(groups[j].name.as_str())
                    .is_some_and(&is_place)
        });
        if let Some(j) = target {
            merged_into[i] = Some(j);
        }
    }
    // a place name written shorter (`某市某区国际邮轮母港` / `某区邮轮母港`): the short form's
    // characters appear in order in the long one, with the same ending
    for i in 0..groups.len() {
        if merged_into[i].is_some() || groups[i].kind != EntityType::Loc || groups[i].gazetteer {
            continue;
        }
        let short: Vec<char> = groups[i].name.chars().collect();
        if short.len() < 4 {
            continue;
        }
        let target = (0..groups.len()).find(|&j| {
            if j == i || groups[j].kind != EntityType::Loc || merged_into[j].is_some() {
                return false;
            }
            let long: Vec<char> = groups[j].name.chars().collect();
            long.len() > short.len()
                && long.ends_with(&short[short.len() - 2..])
                && is_subsequence(&short, &long)
        });
        if let Some(j) = target {
            merged_into[i] = Some(j);
        }
    }
    // a Latin single word that is a known person's last name but typed otherwise
    let mut out_groups: Vec<Group> = Vec::new();
    let mut remap: Vec<usize> = vec![usize::MAX; groups.len()];
    // resolve chains
    let root = |mut i: usize| {
        let mut steps = 0;
        while let Some(j) = merged_into[i] {
            i = j;
            steps += 1;
            if steps > groups.len() {
                break;
            }
        }
        i
    };
    let roots: Vec<usize> = (0..groups.len()).map(root).collect();
    for (i, g) in groups.iter().enumerate() {
        if roots[i] == i {
            remap[i] = out_groups.len();
            out_groups.push(Group {
                name: g.name.clone(),
                kind: g.kind,
                count: g.count,
                mentions: g.mentions.clone(),
                gazetteer: g.gazetteer,
                first: g.first,
            });
        }
    }
    for (i, g) in groups.iter().enumerate() {
        let r = roots[i];
        if r != i
            && let Some(og) = out_groups.get_mut(remap[r])
        {
            og.count += g.count;
            for (p, m) in &g.mentions {
                if let Some(x) = og.mentions.iter_mut().find(|(_, x)| x == m) {
                    x.0 = x.0.min(*p);
                } else {
                    og.mentions.push((*p, m.clone()));
                }
            }
            og.first = og.first.min(g.first);
        }
    }
    let mut out: Vec<Entity> = out_groups
        .into_iter()
        .map(|g| Entity {
            name: g.name,
            kind: g.kind,
            count: g.count,
            mentions: {
                let mut m = g.mentions;
                m.sort_by_key(|(p, _)| *p);
                m.into_iter().map(|(_, s)| s).collect()
            },
        })
        .collect();
    out.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.name.cmp(&b.name)));
    out
}
