//! Per-article keywords: TF-IDF over jieba words of the normalised title and body.
//!
//! Term frequencies come from the article; inverse document frequencies from the IDF table
//! jieba ships (computed by jieba's authors over a large general Chinese corpus, bundled into
//! the binary by jieba-rs's `tfidf` feature). A static table keeps an article's keywords a
//! function of its own text: they do not drift as the corpus grows, the first file of a new
//! index gets the same keywords as the millionth, and no re-index is ever needed for them.
//! Words missing from the table (new names, user entities) get the table's median IDF.
//! Only nouns, names, places, organisations, other proper nouns, verbal nouns and Latin words
//! qualify (jieba's part-of-speech tags), which keeps bare numbers, function words and verbs
//! such as `表示` out; [`STOP_WORDS`] removes news boilerplate nouns.

use std::sync::LazyLock;

use jieba_rs::{KeywordExtract, KeywordExtractConfig, TfIdf};

use super::text::{Analyzer, normalize};

/// Keywords kept per article.
pub const KEYWORDS: usize = 10;

/// Parts of speech a keyword may have.
const ALLOWED_POS: [&str; 9] = ["n", "nr", "ns", "nt", "nz", "vn", "eng", "nrt", "j"];

/// Nouns every news story uses, which say nothing about what a story is about.
const STOP_WORDS: &[&str] = &[
    "记者",
    "编辑",
    "责任编辑",
    "来源",
    "报道",
    "新闻",
    "消息",
    "日电",
    "本报",
    "通讯员",
    "时间",
    "问题",
    "情况",
    "工作",
    "方面",
    "部分",
    "全国",
    "记者会",
    "原标题",
    "图片",
    "视频",
    "文章",
    "作者",
    "本文",
    "小编",
    "网友",
    "大家",
    "人员",
    "有关",
    "目前",
    "公司",
    "www",
    "com",
    "http",
    "https",
    "html",
    "cn",
];

static EXTRACTOR: LazyLock<TfIdf> = LazyLock::new(|| {
    let mut config = KeywordExtractConfig::builder();
    for word in STOP_WORDS {
        config = config.add_stop_word(*word);
    }
    let mut tfidf = TfIdf::default();
    *tfidf.config_mut() = config.build();
    tfidf
});

/// The article's top keywords, best first (ties in text order of the word), normalised
/// (simplified script, lower-case Latin) so a traditional copy has the same keywords.
pub fn keywords(analyzer: &Analyzer, title: Option<&str>, body: &str) -> Vec<String> {
    let text = match title {
        Some(title) => format!("{title}\n{body}"),
        None => body.to_string(),
    };
    let folded = normalize(&text).text;
    let allowed = ALLOWED_POS.iter().map(|p| p.to_string()).collect();
    EXTRACTOR
        .extract_keywords(analyzer.jieba(), &folded, KEYWORDS, allowed)
        .into_iter()
        .map(|k| k.keyword)
        .filter(|k| !k.chars().all(|c| c.is_ascii_digit() || c == '.'))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyse::Linguistics;

    #[test]
    fn keywords_are_the_distinctive_nouns_not_numbers_or_boilerplate() {
        let analyzer = &Linguistics::shared().analyzer;
        let got = keywords(
            analyzer,
            Some("地铁三号线全线贯通"),
            "记者获悉，地铁三号线今日全线贯通，2021年底开通。三号线连接高铁站与科技园区，地铁公司表示盾构施工顺利。",
        );
        assert_eq!(got.first().map(String::as_str), Some("地铁"), "{got:?}");
        for word in ["全线贯通", "科技园区", "盾构"] {
            assert!(got.iter().any(|k| k == word), "{word} in {got:?}");
        }
        for word in ["记者", "2021", "表示", "今日"] {
            assert!(!got.iter().any(|k| k == word), "{word} in {got:?}");
        }
        assert!(got.len() <= KEYWORDS);
    }

    #[test]
    fn a_traditional_copy_has_the_same_keywords() {
        let analyzer = &Linguistics::shared().analyzer;
        let simplified = keywords(analyzer, None, "地铁线路贯通，车站装修进入收尾阶段。");
        let traditional = keywords(analyzer, None, "地鐵線路貫通，車站裝修進入收尾階段。");
        assert_eq!(simplified, traditional);
        assert!(!simplified.is_empty());
    }
}
