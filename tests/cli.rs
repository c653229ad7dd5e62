//! The binary end to end on small corpora written here: search semantics, JSON contract,
//! exit codes, incremental reruns and locking.

mod common;

use common::{Workspace, newsidx};

/// Three articles about payments with known word overlaps.
fn payments() -> Workspace {
    let ws = Workspace::new();
    ws.article(
        "both.md",
        "平台互通观察",
        "2021-11-30 09:00:00",
        "用户在微信里打开淘宝链接后，暂时还不能使用微信支付完成付款。",
    );
    ws.article(
        "taobao.md",
        "电商大促",
        "2021-11-11 20:00:00",
        "淘宝大促期间，淘宝商家销量上涨，淘宝直播带货火热，淘宝物流压力大。",
    );
    ws.article(
        "wechatpay.md",
        "微信支付推出新功能",
        "2021-10-01 08:00:00 +0800",
        "新功能面向小商户开放，降低收款手续费。",
    );
    ws.article(
        "bank.md",
        "政策性银行发放贷款",
        "2021-09-01",
        "中国农业发展银行向多家企业发放专项贷款，推进互联网平台互联互通。",
    );
    ws.article(
        "split.md",
        "互联网与通信",
        "2021-08-01",
        "互联网行业快速发展，各地通信网络互通有无。",
    );
    let run = ws.ingest();
    assert_eq!(run.code, 0, "{}", run.stderr);
    ws
}

#[test]
fn every_word_must_match_and_partial_matches_are_flagged() {
    let ws = payments();
    assert_eq!(ws.search_paths(&["微信支付 淘宝"]), vec!["both.md"]);
    let run = newsidx(
        ws.path(),
        &["search", "--index", "index", "--json", "淘宝 贷款"],
    );
    let json = run.json();
    assert_eq!(json["partial"], true);
    let mut hits: Vec<_> = json["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["path"].as_str().unwrap().to_string())
        .collect();
    hits.sort();
    assert_eq!(
        hits,
        vec!["corpus/bank.md", "corpus/both.md", "corpus/taobao.md"]
    );
    let text = newsidx(ws.path(), &["search", "--index", "index", "淘宝 贷款"]);
    assert!(
        text.stdout
            .starts_with("no article has all the words; showing articles with some\n"),
        "{}",
        text.stdout
    );
}

#[test]
fn an_unspaced_chinese_query_is_words_not_a_strict_phrase() {
    let ws = payments();
    // 淘宝 and 微信支付 are not adjacent in both.md.
    assert_eq!(ws.search_paths(&["淘宝微信支付"]), vec!["both.md"]);
}

#[test]
fn sub_words_are_found_inside_longer_words() {
    let ws = payments();
    assert_eq!(ws.search_paths(&["农业"]), vec!["bank.md"]);
    let mut pay = ws.search_paths(&["支付"]);
    pay.sort();
    assert_eq!(pay, vec!["both.md", "wechatpay.md"]);
}

#[test]
fn quoted_phrases_need_adjacent_words() {
    let ws = payments();
    assert_eq!(ws.search_paths(&["\"互联互通\""]), vec!["bank.md"]);
    // Unquoted, both words anywhere; a title with only one of them (both.md) is left out.
    let mut loose = ws.search_paths(&["互联 互通"]);
    loose.sort();
    assert_eq!(loose, vec!["bank.md", "split.md"]);
}

#[test]
fn minus_excludes() {
    let ws = payments();
    assert_eq!(ws.search_paths(&["淘宝 -微信"]), vec!["taobao.md"]);
}

#[test]
fn date_category_and_source_filters() {
    let ws = payments();
    let mut autumn = ws.search_paths(&["--since", "2021-10-01", "--until", "2021-11-11"]);
    autumn.sort();
    assert_eq!(autumn, vec!["taobao.md", "wechatpay.md"]);
    assert_eq!(
        ws.search_paths(&["淘宝", "--until", "2021-11-10"]),
        Vec::<String>::new()
    );
    assert_eq!(ws.search_paths(&["--since", "2021-11-30"]), vec!["both.md"]);
    assert_eq!(
        ws.search_paths(&["淘宝", "--category", "other"]),
        Vec::<String>::new()
    );
}

#[test]
fn far_filter_days_are_refused_or_clamped_never_wrapped() {
    let ws = payments();
    let run = newsidx(
        ws.path(),
        &["search", "--index", "index", "--since", "9999-01-01"],
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("year 9999 is outside the supported range 1700-2200"),
        "{}",
        run.stderr
    );
    // The library clamps what the CLI would refuse: nothing is after 9999, nothing before 1000.
    let searcher = newsidx::search::Searcher::open(&ws.path().join("index")).unwrap();
    let day = |y| chrono::NaiveDate::from_ymd_opt(y, 1, 1);
    for (since, until) in [(day(9999), None), (None, day(1000))] {
        let request = newsidx::search::SearchRequest {
            since,
            until,
            limit: 10,
            ..Default::default()
        };
        assert_eq!(searcher.search(&request).unwrap().total, 0);
    }
}

#[test]
fn a_searcher_for_one_command_keeps_what_it_opened_and_a_following_one_sees_commits() {
    use newsidx::search::{SearchRequest, Searcher};
    let ws = payments();
    let index = ws.path().join("index");
    let once = Searcher::open(&index).unwrap();
    let following = Searcher::open_following(&index).unwrap();
    let request = SearchRequest {
        query: "淘宝".into(),
        limit: 10,
        ..Default::default()
    };
    let total = |s: &Searcher| s.search(&request).unwrap().total;
    assert_eq!((total(&once), total(&following)), (2, 2));
    ws.article("more.md", "淘宝新规", "2021-12-01", "淘宝调整商家规则。");
    assert_eq!(ws.ingest().code, 0);
    // The follower reloads within tantivy's polling interval (half a second).
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while total(&following) == 2 && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert_eq!((total(&once), total(&following)), (2, 3));
}

#[test]
fn json_output_contract() {
    let ws = payments();
    let run = newsidx(
        ws.path(),
        &["search", "--index", "index", "--json", "微信支付推出"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let json = run.json();
    let mut keys: Vec<_> = json.as_object().unwrap().keys().cloned().collect();
    keys.sort();
    assert_eq!(
        keys,
        vec![
            "articles", "hits", "offset", "parsed", "partial", "query", "took_ms", "total"
        ]
    );
    assert_eq!(json["parsed"], "微信支付 AND 推出");
    assert_eq!(json["partial"], false);
    assert_eq!(json["query"], "微信支付推出");
    assert_eq!(json["total"], 1);
    let hit = &json["hits"][0];
    let mut keys: Vec<_> = hit.as_object().unwrap().keys().cloned().collect();
    keys.sort();
    assert_eq!(
        keys,
        vec![
            "author",
            "categories",
            "duplicates",
            "editor",
            "entities",
            "id",
            "keywords",
            "path",
            "published",
            "score",
            "site",
            "snippet",
            "source",
            "tags",
            "title"
        ]
    );
    assert_eq!(hit["path"], "corpus/wechatpay.md");
    assert_eq!(hit["title"], "微信支付推出新功能");
    assert_eq!(hit["published"], "2021-10-01T08:00:00+08:00");
    assert_eq!(hit["categories"], serde_json::json!(["news"]));
    assert_eq!(hit["snippet"], "新功能面向小商户开放，降低收款手续费。");
    let pay = newsidx(
        ws.path(),
        &["search", "--index", "index", "--json", "微信支付"],
    )
    .json();
    let both = pay["hits"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["path"] == "corpus/both.md")
        .cloned()
        .unwrap_or_default();
    assert_eq!(
        both["snippet"],
        // 微信支付 is one word (a known product), so a lone 微信 is not a match.
        "用户在微信里打开淘宝链接后，暂时还不能使用<b>微信支付</b>完成付款。"
    );
}

#[test]
fn highlights_land_on_words_in_mixed_text_and_html_is_escaped() {
    let ws = Workspace::new();
    ws.article(
        "a.md",
        "发布会",
        "2021-09-15",
        "苹果 iPhone 13 Pro 发布会 &lt;直播&gt; 今晚举行",
    );
    assert_eq!(ws.ingest().code, 0);
    let run = newsidx(
        ws.path(),
        &["search", "--index", "index", "--json", "IPHONE 发布会"],
    );
    assert_eq!(
        run.json()["hits"][0]["snippet"],
        "苹果 <b>iPhone</b> 13 Pro <b>发布会</b> &lt;直播&gt; 今晚举行"
    );
}

#[test]
fn text_output_lists_rank_date_title_path_and_snippet() {
    let ws = payments();
    let run = newsidx(ws.path(), &["search", "--index", "index", "农业"]);
    assert_eq!(run.code, 0);
    assert_eq!(
        run.stdout,
        " 1. 2021-09-01  政策性银行发放贷款\n    corpus/bank.md\n    \
         keywords: 中国农业发展银行, 发放贷款, 政策性, 专项, 互联网, 平台, 贷款, 银行, 企业\n    \
         中国农业发展银行向多家企业发放专项贷款，推进互联网平台互联互通。\n1–1 of 1 article ("
            .to_string()
            + run.stdout.rsplit_once('(').unwrap().1
    );
}

#[test]
fn exit_codes() {
    let ws = payments();
    assert_eq!(ws.search_paths(&["不存在的词语组合"]), Vec::<String>::new());
    let none = newsidx(
        ws.path(),
        &["search", "--index", "index", "不存在的词语组合"],
    );
    assert_eq!(none.code, 1);
    let missing = newsidx(ws.path(), &["search", "--index", "nowhere", "淘宝"]);
    assert_eq!(missing.code, 2);
    assert!(
        missing.stderr.contains("no index here yet"),
        "{}",
        missing.stderr
    );
    let empty = newsidx(ws.path(), &["search", "--index", "index", ""]);
    assert_eq!(empty.code, 2);
    assert_eq!(
        empty.stderr,
        "newsidx: empty query: give words to search for, or a filter such as --since\n"
    );
    let usage = newsidx(ws.path(), &["search", "--since", "yesterday", "x"]);
    assert_eq!(usage.code, 2);
}

#[test]
fn a_rejected_file_is_reported_and_the_rest_indexed() {
    let ws = Workspace::new();
    ws.article("good.md", "好文章", "2021-09-15", "正文内容");
    ws.write("bad.md", "---\ntitle: 没有结尾\n正文");
    ws.write("image.png", [0u8, 1, 2]);
    let run = ws.ingest();
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stderr,
        "corpus/bad.md: front matter: opening '---' on line 1 has no closing '---' line\n"
    );
    assert!(
        run.stdout.starts_with(
            "2 files: 1 added, 0 updated, 0 deleted, 0 unchanged, 1 rejected (0 earlier), 1 skipped; 1 documents;"
        ),
        "{}",
        run.stdout
    );
}

#[test]
fn reruns_touch_only_what_changed_and_keep_what_broke() {
    let ws = Workspace::new();
    ws.article("a.md", "甲", "2021-09-15", "第一篇");
    ws.article("b.md", "乙", "2021-09-16", "第二篇");
    ws.article("c.md", "丙", "2021-09-17", "第三篇");
    let json = |run: common::Run| run.json();
    let first = json(ws.ingest_with(&["--json"]));
    assert_eq!(
        (first["indexed"].as_u64(), first["total"].as_u64()),
        (Some(3), Some(3))
    );

    let again = json(ws.ingest_with(&["--json"]));
    assert_eq!(
        (again["indexed"].as_u64(), again["unchanged"].as_u64()),
        (Some(0), Some(3))
    );

    ws.article("a.md", "甲", "2021-09-15", "第一篇修订版");
    std::fs::remove_file(ws.corpus().join("b.md")).unwrap();
    ws.write("c.md", "---\ntitle: broken");
    let run = ws.ingest_with(&["--json"]);
    assert_eq!(run.code, 1);
    let third = run.json();
    assert_eq!(third["indexed"], 1);
    assert_eq!(third["removed"], 1);
    assert_eq!(third["rejected"], 1);
    assert_eq!(third["total"], 2);
    assert_eq!(ws.search_paths(&["修订版"]), vec!["a.md"]);
    assert_eq!(
        ws.search_paths(&["第三篇"]),
        vec!["c.md"],
        "the old version of a broken file stays"
    );
}

#[test]
fn a_second_concurrent_ingest_is_refused() {
    let ws = payments();
    let analyzer = newsidx::analyse::Linguistics::shared().analyzer.clone();
    let opened = newsidx::index::open(&ws.path().join("index"), &analyzer).unwrap();
    let _writer: tantivy::IndexWriter = opened.index.writer(15_000_000).unwrap();
    let run = ws.ingest();
    assert_eq!(run.code, 75);
    assert_eq!(
        run.stderr,
        "index index is being written by another newsidx ingest; try again later\n"
    );
}

#[test]
fn inspect_prints_the_document_as_indexed() {
    let ws = Workspace::new();
    ws.write(
        "x.md",
        "\u{FEFF}\r\n---\r\ntitle: 标题\r\ndate: 2021年11月30日 17:24\r\ntags: [甲, 乙]\r\nlayout: post\r\n---\r\n# 小标题\r\n\r\n正文[链接](http://example.com)。\r\n",
    );
    let run = newsidx(ws.path(), &["inspect", "corpus/x.md"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.json(),
        serde_json::json!({
            "id": "corpus/x.md", "path": "corpus/x.md", "title": "标题",
            "published": "2021-11-30T17:24:00+08:00", "author": null, "source": null,
            "editor": null, "site": null, "categories": [], "tags": ["甲", "乙"], "url": null, "image": null,
            "extra": {"layout": "post"}, "body": "小标题\n正文链接。", "dates": [], "entities": [],
            "keywords": ["小标题", "链接", "正文", "标题"]
        })
    );
}

#[test]
fn user_entities_are_extracted_kept_whole_and_reach_search() {
    let ws = Workspace::new();
    ws.article(
        "a.md",
        "星河支付获批",
        "2022-01-05 10:00:00",
        "星河云付宣布完成新一轮融资，星河将继续拓展跨境业务。",
    );
    ws.article("b.md", "无关", "2022-01-06 10:00:00", "今天天气很好。");
    std::fs::write(
        ws.path().join("names.tsv"),
        "# our own list\n星河云付\tORG\t星河,星河支付\n\n",
    )
    .unwrap();
    let run = ws.ingest_with(&["--entities", "names.tsv"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let doc = newsidx(
        ws.path(),
        &["inspect", "--entities", "names.tsv", "corpus/a.md"],
    )
    .json();
    let ours = doc["entities"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["name"] == "星河云付")
        .cloned();
    assert_eq!(
        ours,
        Some(
            serde_json::json!({"name": "星河云付", "type": "ORG", "count": 3,
            "mentions": ["星河支付", "星河云付", "星河"]})
        )
    );
    // Search loads the same names from the index, so an alias filters to the entity.
    assert_eq!(ws.search_paths(&["--entity", "星河"]), vec!["a.md"]);
    let counts = newsidx(
        ws.path(),
        &["entities", "--index", "index", "--type", "ORG", "--json"],
    )
    .json();
    assert_eq!(
        counts["entities"][0],
        serde_json::json!({"name": "星河云付", "type": "ORG", "documents": 1})
    );
}

#[test]
fn newsidx_toml_names_the_entity_file_and_bad_lines_are_fatal() {
    let ws = Workspace::new();
    ws.article("a.md", "标题", "2022-01-05 10:00:00", "星河云付宣布融资。");
    std::fs::write(ws.path().join("newsidx.toml"), "entities = \"names.tsv\"\n").unwrap();
    std::fs::write(ws.path().join("names.tsv"), "星河云付\tORG\n").unwrap();
    assert_eq!(ws.ingest().code, 0);
    assert_eq!(ws.search_paths(&["--entity", "星河云付"]), vec!["a.md"]);

    std::fs::write(ws.path().join("names.tsv"), "星河云付\tORG\n好名字\n").unwrap();
    let run = ws.ingest();
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.starts_with("newsidx: names.tsv: line 2"),
        "{}",
        run.stderr
    );
}

#[test]
fn site_and_editor_reach_the_index_and_site_filters() {
    let ws = Workspace::new();
    ws.write(
        "a.md",
        "---\ntitle: 地铁三号线年底试运行\ndate: 2021-03-04\nurl: https://news.163.com/21/0304/a.html\n---\n\n\
         三号线全长二十二公里，设站十六座。\n\n责任编辑：林小雨\n",
    );
    ws.write(
        "b.md",
        "---\ntitle: 地铁四号线开工\ndate: 2021-03-05\nurl: https://finance.sina.com.cn/b.shtml\n---\n\n\
         四号线今日开工，预计三年建成。\n",
    );
    assert_eq!(ws.ingest().code, 0);
    let run = newsidx(
        ws.path(),
        &[
            "search", "--index", "index", "--json", "--site", "网易", "地铁",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let json = run.json();
    assert_eq!(json["total"], 1);
    assert_eq!(json["hits"][0]["path"], "corpus/a.md");
    assert_eq!(json["hits"][0]["site"], "网易");
    assert_eq!(json["hits"][0]["editor"], "林小雨");
    let run = newsidx(
        ws.path(),
        &[
            "search",
            "--index",
            "index",
            "--json",
            "--site",
            "微信公众号",
            "地铁",
        ],
    );
    assert_eq!(run.code, 1, "{}", run.stdout);
}

/// Open spans (`以来`, `前`) mention every day from their own period up to, or from, the
/// publication day; a span open towards the far side mentions only its own period.
#[test]
fn mentions_match_the_days_an_open_span_covers() {
    let ws = Workspace::new();
    let published = "2021-11-30 09:00:00 +0800";
    ws.article(
        "since.md",
        "行业回顾",
        published,
        "2019年以来，行业规模持续扩大。",
    );
    ws.article(
        "before.md",
        "政策时间表",
        published,
        "相关规定须在2022年3月31日前完成修订。",
    );
    ws.article(
        "far.md",
        "历史回顾",
        published,
        "2017年以前，该行业尚处起步阶段。",
    );
    ws.article(
        "plain.md",
        "年度报告",
        published,
        "2020年，行业收入增长一成。",
    );
    let run = ws.ingest();
    assert_eq!(run.code, 0, "{}", run.stderr);
    let mentions = |args: &[&str]| {
        let mut paths = ws.search_paths(args);
        paths.sort();
        paths
    };
    assert_eq!(
        mentions(&["--mentions", "2020"]),
        vec!["plain.md", "since.md"]
    );
    assert_eq!(mentions(&["--mentions", "2019-02-03"]), vec!["since.md"]);
    assert_eq!(mentions(&["--mentions", "2022-01"]), vec!["before.md"]);
    assert_eq!(mentions(&["--mentions", "2017"]), vec!["far.md"]);
    assert_eq!(mentions(&["--mentions", "2018"]), Vec::<String>::new());
    assert_eq!(mentions(&["--mentions-from", "2022-02"]), vec!["before.md"]);
    assert_eq!(
        mentions(&["--mentions-to", "2019-01"]),
        vec!["far.md", "since.md"]
    );
}
