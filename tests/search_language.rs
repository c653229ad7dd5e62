//! The query language, filters, order, paging, facets, stats, dictionaries and script folding,
//! end to end through the binary on a small corpus written here, with exact hits.

mod common;

use common::{Workspace, newsidx};

/// An article with author, source and tags in its front matter.
fn article(ws: &Workspace, name: &str, meta: (&str, &str, &str, &str), tags: &[&str], body: &str) {
    let (title, date, author, source) = meta;
    ws.write(
        name,
        format!(
            "---\ntitle: \"{title}\"\ndate: {date}\nauthor: {author}\nsource: {source}\ncategories: news\ntags: [{}]\n---\n<p>{body}</p>\n",
            tags.join(", ")
        ),
    );
}

fn corpus() -> Workspace {
    let ws = Workspace::new();
    article(
        &ws,
        "a.md",
        ("台湾网络建设提速", "2021-01-05", "张三", "新华社"),
        &["网络", "基建"],
        "台湾地区的网络基础设施持续升级，5G基站数量增加。",
    );
    article(
        &ws,
        "b.md",
        ("臺灣網路普及率創新高", "2021-02-10", "李四", "中央社"),
        &["網路"],
        "臺灣的網路普及率持續上升，民眾使用行動支付。",
    );
    article(
        &ws,
        "c.md",
        ("苹果发布iPhone 13", "2021-09-15", "张三", "新华社"),
        &["手机"],
        "苹果公司发布iPhone 13，A股果链公司股价上涨。C919 也将试飞。",
    );
    article(
        &ws,
        "d.md",
        ("淘宝与京东的竞争", "2021-11-11", "王五", "人民网"),
        &["电商"],
        "淘宝和京东在双十一期间展开竞争，拼多多也加入其中。",
    );
    article(
        &ws,
        "e.md",
        ("拼多多财报", "2021-11-20", "王五", "人民网"),
        &["电商"],
        "拼多多公布季度财报，营收增长。",
    );
    let run = ws.ingest();
    assert_eq!(run.code, 0, "{}", run.stderr);
    ws
}

fn json(ws: &Workspace, args: &[&str]) -> serde_json::Value {
    let mut full = vec!["search", "--index", "index", "--json"];
    full.extend_from_slice(args);
    let run = newsidx(ws.path(), &full);
    assert!(run.code <= 1, "{}", run.stderr);
    run.json()
}

fn paths(json: &serde_json::Value) -> Vec<String> {
    json["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            h["path"]
                .as_str()
                .unwrap()
                .trim_start_matches("corpus/")
                .to_string()
        })
        .collect()
}

fn sorted(ws: &Workspace, args: &[&str]) -> Vec<String> {
    let mut hits = ws.search_paths(args);
    hits.sort();
    hits
}

#[test]
fn traditional_and_simplified_find_each_other_with_highlights_on_the_original() {
    let ws = corpus();
    assert_eq!(sorted(&ws, &["臺灣 網路"]), ["a.md", "b.md"]);
    assert_eq!(sorted(&ws, &["台湾 网络"]), ["a.md", "b.md"]);
    // A phrase that mixes both scripts.
    assert_eq!(sorted(&ws, &["\"台灣網路\""]), ["a.md", "b.md"]);
    assert_eq!(
        json(&ws, &["臺灣 網路"])["parsed"],
        "台湾 AND (网路 OR 网络)"
    );
    let snippet = |query: &str, path: &str| {
        let j = json(&ws, &[query]);
        let hit = j["hits"]
            .as_array()
            .unwrap()
            .iter()
            .find(|h| h["path"] == path)
            .cloned();
        hit.map(|h| h["snippet"].clone()).unwrap_or_default()
    };
    assert_eq!(
        snippet("台湾", "corpus/b.md"),
        "<b>臺灣</b>的網路普及率持續上升，民眾使用行動支付。"
    );
    assert_eq!(
        snippet("臺灣", "corpus/a.md"),
        "<b>台湾</b>地区的网络基础设施持续升级，5G基站数量增加。"
    );
}

#[test]
fn or_pipe_parentheses_and_exclusions() {
    let ws = corpus();
    assert_eq!(sorted(&ws, &["京东 OR 拼多多"]), ["d.md", "e.md"]);
    assert_eq!(sorted(&ws, &["京东 | 财报"]), ["d.md", "e.md"]);
    assert_eq!(ws.search_paths(&["(京东 OR 财报) 营收"]), ["e.md"]);
    assert_eq!(ws.search_paths(&["淘宝 京东 OR 财报"]), ["d.md"]);
    assert_eq!(ws.search_paths(&["拼多多 -淘宝"]), ["e.md"]);
    assert_eq!(ws.search_paths(&["拼多多 -\"展开竞争\""]), ["e.md"]);
    assert_eq!(
        json(&ws, &["(京东 OR 财报) 营收 -淘宝"])["parsed"],
        "(京东 OR 财报) AND 营收 AND NOT 淘宝"
    );
}

#[test]
fn field_prefixes() {
    let ws = corpus();
    assert_eq!(ws.search_paths(&["title:拼多多"]), ["e.md"]);
    assert_eq!(sorted(&ws, &["author:王五"]), ["d.md", "e.md"]);
    assert_eq!(sorted(&ws, &["source:新华"]), ["a.md", "c.md"]);
    assert_eq!(sorted(&ws, &["tag:電商"]), ["d.md", "e.md"]);
    assert_eq!(ws.search_paths(&["category:news 财报"]), ["e.md"]);
    // entity: knows aliases, as --entity does.
    assert_eq!(ws.search_paths(&["entity:京东集团"]), ["d.md"]);
    assert_eq!(
        json(&ws, &["entity:京东集团"])["parsed"],
        "entity:京东|京东集团"
    );
}

#[test]
fn mixed_script_tokens() {
    let ws = corpus();
    assert_eq!(ws.search_paths(&["iPhone 13 发布"]), ["c.md"]);
    assert_eq!(ws.search_paths(&["A股"]), ["c.md"]);
    assert_eq!(ws.search_paths(&["C919"]), ["c.md"]);
    assert_eq!(ws.search_paths(&["5G 基站"]), ["a.md"]);
}

#[test]
fn single_characters_match_at_the_start_middle_and_end_of_a_run() {
    let ws = corpus();
    // 拼 starts a run (title) and sits inside one (body); 飞 ends a run before `。`.
    assert_eq!(sorted(&ws, &["拼"]), ["d.md", "e.md"]);
    assert_eq!(ws.search_paths(&["飞"]), ["c.md"]);
    assert_eq!(ws.search_paths(&["\"试飞\""]), ["c.md"]);
    // A lone character after a Latin word is a prefix of the pair that follows it.
    assert_eq!(ws.search_paths(&["\"13，A股\""]), ["c.md"]);
    assert!(ws.search_paths(&["\"13，A果\""]).is_empty());
}

#[test]
fn malformed_queries_are_read_literally() {
    let ws = corpus();
    for query in [
        "(拼多多 OR",
        "拼多多)",
        "OR 拼多多",
        "拼多多 |",
        "拼多多 title:",
    ] {
        assert_eq!(sorted(&ws, &[query]), ["d.md", "e.md"], "{query}");
    }
    assert_eq!(ws.search_paths(&["\"营收增长"]), ["e.md"]);
    let unknown = json(&ws, &["foo:拼多多"]);
    assert_eq!(unknown["partial"], true);
    assert_eq!(unknown["parsed"], "foo AND 拼多多");
}

#[test]
fn tag_and_author_filters_take_any_of_their_values() {
    let ws = corpus();
    assert_eq!(
        sorted(&ws, &["--tag", "电商", "--tag", "手机"]),
        ["c.md", "d.md", "e.md"]
    );
    assert_eq!(sorted(&ws, &["--author", "张三"]), ["a.md", "c.md"]);
    assert_eq!(
        sorted(&ws, &["--author", "张三", "--author", "李四"]),
        ["a.md", "b.md", "c.md"]
    );
}

#[test]
fn sort_and_paging() {
    let ws = corpus();
    assert_eq!(
        ws.search_paths(&["--source", "新华社", "--sort", "oldest"]),
        ["a.md", "c.md"]
    );
    assert_eq!(
        ws.search_paths(&["--source", "新华社", "--sort", "newest"]),
        ["c.md", "a.md"]
    );
    assert_eq!(
        ws.search_paths(&["拼多多", "--sort", "oldest"]),
        ["d.md", "e.md"]
    );
    let page = json(
        &ws,
        &[
            "--category",
            "news",
            "--sort",
            "oldest",
            "-n",
            "2",
            "--offset",
            "2",
        ],
    );
    assert_eq!(paths(&page), ["c.md", "d.md"]);
    assert_eq!(
        (page["total"].clone(), page["offset"].clone()),
        (5.into(), 2.into())
    );
    let text = newsidx(
        ws.path(),
        &[
            "search",
            "--index",
            "index",
            "--category",
            "news",
            "-n",
            "2",
            "--offset",
            "2",
        ],
    );
    let footer = text.stdout.lines().last().unwrap_or("").to_string();
    assert!(footer.starts_with("3–4 of 5 articles ("), "{footer}");
}

#[test]
fn facets_count_the_whole_result_set() {
    let ws = corpus();
    let j = json(&ws, &["--author", "王五", "-n", "1", "--facets"]);
    assert_eq!(paths(&j).len(), 1);
    let facets = &j["facets"];
    assert_eq!(
        facets["source"],
        serde_json::json!([{"value": "人民网", "count": 2}])
    );
    assert_eq!(
        facets["category"],
        serde_json::json!([{"value": "news", "count": 2}])
    );
    assert_eq!(
        facets["tag"],
        serde_json::json!([{"value": "电商", "count": 2}])
    );
    assert_eq!(
        facets["month"],
        serde_json::json!([{"value": "2021-11", "count": 2}])
    );
    assert_eq!(
        facets["entity"]["ORG"].as_array().unwrap()[..2],
        [
            serde_json::json!({"value": "人民网", "count": 2}),
            serde_json::json!({"value": "拼多多", "count": 2})
        ]
    );
    let text = newsidx(
        ws.path(),
        &["search", "--index", "index", "--author", "王五", "--facets"],
    );
    assert!(
        text.stdout.contains("\nsource    人民网 2\n"),
        "{}",
        text.stdout
    );
    assert!(
        text.stdout.contains("\nmonth     2021-11 2\n"),
        "{}",
        text.stdout
    );
}

#[test]
fn stats_describe_the_index_and_the_last_ingest() {
    let ws = corpus();
    let run = newsidx(ws.path(), &["stats", "--index", "index", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let s = run.json();
    assert_eq!(s["documents"], 5);
    assert_eq!(s["published"]["first"], "2021-01-05T00:00:00+08:00");
    assert_eq!(s["published"]["last"], "2021-11-20T00:00:00+08:00");
    assert_eq!(
        s["sources"],
        serde_json::json!([
            {"value": "人民网", "count": 2}, {"value": "新华社", "count": 2}, {"value": "中央社", "count": 1}
        ])
    );
    assert_eq!(
        s["months"],
        serde_json::json!([
            {"value": "2021-01", "count": 1}, {"value": "2021-02", "count": 1},
            {"value": "2021-09", "count": 1}, {"value": "2021-11", "count": 2}
        ])
    );
    assert_eq!(
        s["categories"],
        serde_json::json!([{"value": "news", "count": 5}])
    );
    assert_eq!(s["last_ingest"]["summary"]["indexed"], 5);
    assert!(s["size_bytes"].as_u64().unwrap_or(0) > 0);
    let text = newsidx(ws.path(), &["stats", "--index", "index"]);
    assert!(
        text.stdout
            .starts_with("documents    5\npublished    2021-01-05 – 2021-11-20\n"),
        "{}",
        text.stdout
    );
}

#[test]
fn user_dictionary_is_used_recorded_and_fingerprinted() {
    let ws = corpus();
    std::fs::write(ws.path().join("words.txt"), "# ours\n季度财报 10 n\n").unwrap();
    assert_eq!(json(&ws, &["季度财报"])["parsed"], "季度 AND 财报");
    let run = ws.ingest_with(&["--dict", "words.txt"]);
    assert!(
        run.stdout
            .starts_with("5 files: 0 added, 5 updated, 0 deleted, 0 unchanged"),
        "{}",
        run.stdout
    );
    assert!(ws.path().join("index/newsidx-dict.txt").is_file());
    assert_eq!(json(&ws, &["季度财报"])["parsed"], "季度财报");
    assert_eq!(ws.search_paths(&["季度财报"]), ["e.md"]);
    let again = ws.ingest_with(&["--dict", "words.txt"]);
    assert!(
        again
            .stdout
            .starts_with("5 files: 0 added, 0 updated, 0 deleted, 5 unchanged"),
        "{}",
        again.stdout
    );
    std::fs::write(ws.path().join("newsidx.toml"), "dict = \"words.txt\"\n").unwrap();
    let from_config = ws.ingest();
    assert!(
        from_config
            .stdout
            .starts_with("5 files: 0 added, 0 updated, 0 deleted, 5 unchanged"),
        "{}",
        from_config.stdout
    );

    std::fs::write(ws.path().join("bad.txt"), "好词\n坏词 很多\n").unwrap();
    let bad = ws.ingest_with(&["--dict", "bad.txt"]);
    assert_eq!(bad.code, 2);
    assert_eq!(
        bad.stderr,
        "newsidx: bad.txt: line 2: frequency `很多` is not a whole number (expected `word [freq] [tag]`)\n"
    );
}

#[test]
fn synonyms_expand_queries_without_reindexing() {
    let ws = corpus();
    std::fs::write(ws.path().join("syn.txt"), "京东, 东哥商城, JD Mall\n").unwrap();
    std::fs::write(ws.path().join("newsidx.toml"), "synonyms = \"syn.txt\"\n").unwrap();
    assert_eq!(ws.search_paths(&["东哥商城"]), ["d.md"]);
    assert_eq!(ws.search_paths(&["JD Mall"]), ["d.md"]);
    assert_eq!(
        json(&ws, &["JD Mall 竞争"])["parsed"],
        "(京东 OR (东哥 AND 商城) OR \"jd mall\") AND 竞争"
    );
}

#[test]
fn piped_output_has_no_hyperlinks_or_colour() {
    let ws = corpus();
    let run = newsidx(ws.path(), &["search", "--index", "index", "拼多多"]);
    assert!(!run.stdout.contains('\u{1b}'), "{}", run.stdout);
    assert!(run.stdout.contains("\n    corpus/e.md\n"), "{}", run.stdout);
}
