//! Resolution: overlapping candidates to one reading of the text. Rules and the gazetteer win
//! by length, jieba's tags fill the gaps, and a place that only qualifies the next name is
//! dropped unless the article also names it alone.

use std::collections::{HashMap, HashSet};

use jieba_rs::Jieba;

use super::candidates::{Cand, Source};
use super::group::name_key;
use super::{EntityType, Tok, is_han};

/// Drops generic nouns and candidates that are malformed or inside a URL, then chooses
/// non-overlapping candidates: rules and gazetteer by length, then tag-based fill. The result
/// is in text order.
pub(super) fn choose(text: &str, mut cands: Vec<Cand>, skip: &[(usize, usize)]) -> Vec<Cand> {
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
    chosen
}

/// A place written right before another name (`美国艾科`, `杭州余杭区`, `中国A50`) qualifies
/// that name and is part of it. Such a place is dropped unless the article also names it
/// alone (guidelines: nested names count only when the inner one occurs alone).
pub(super) fn drop_qualifier_places(
    jieba: &Jieba,
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
    let alone: HashSet<String> = chosen
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
