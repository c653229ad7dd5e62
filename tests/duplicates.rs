//! Keywords, near-duplicate clusters, collapsed search, `duplicates` and `similar` end to end on
//! an invented corpus: one metro story republished three times (another header and footer, a
//! byline, a trimmed paragraph in traditional script), another metro story, and a payments story.

mod common;

use std::time::Duration;

use common::{Workspace, newsidx};
use newsidx::ingest::IngestOptions;

const STORY: [&str; 5] = [
    "本市第三条地铁线路今日完成全线贯通，沿线十二座车站的装修工程同步进入收尾阶段，预计年底前开通试运营。",
    "据项目负责人介绍，新线全长二十八公里，连接城东高铁站与西部科技园区，高峰时段发车间隔约为四分钟。",
    "为方便换乘，五座车站与既有线路实现站内换乘，另有两座车站预留了与规划中的环线接驳的条件。",
    "施工期间，建设单位采用盾构法穿越老城区，对沿线历史建筑进行实时监测，未发生明显沉降。",
    "市交通部门表示，新线开通后，城东至科技园区的通勤时间将由一小时缩短至三十五分钟左右。",
];

const TRADITIONAL_TRIMMED: &str = "本市第三條地鐵線路今日完成全線貫通，沿線十二座車站的裝修工程同步進入收尾階段，預計年底前開通試運營。\n\
據項目負責人介紹，新線全長二十八公里，連接城東高鐵站與西部科技園區，高峰時段發車間隔約為四分鐘。\n\
施工期間，建設單位採用盾構法穿越老城區，對沿線歷史建築進行實時監測，未發生明顯沉降。\n\
市交通部門表示，新線開通後，城東至科技園區的通勤時間將由一小時縮短至三十五分鐘左右。";

fn write(ws: &Workspace, name: &str, title: &str, date: &str, source: &str, body: &str) {
    let paragraphs: String = body.lines().map(|l| format!("<p>{l}</p>\n")).collect();
    ws.write(
        name,
        format!("---\ntitle: \"{title}\"\ndate: {date}\nsource: {source}\n---\n{paragraphs}"),
    );
}

/// The wire story, two copies, another metro story and a payments story.
fn metro() -> Workspace {
    let ws = Workspace::new();
    let story = STORY.join("\n");
    write(
        &ws,
        "wire.md",
        "地铁三号线全线贯通",
        "2021-11-02 09:00",
        "城市日报",
        &story,
    );
    write(
        &ws,
        "evening.md",
        "三号线贯通 年底试运营",
        "2021-11-02 18:00",
        "城市晚报",
        &format!("【本报讯】\n{story}\n（责任编辑：周一鸣）本文转载自合作媒体，版权归原作者所有。"),
    );
    write(
        &ws,
        "portal.md",
        "地铁三号线贯通",
        "2021-11-03 08:00",
        "门户网",
        &format!("本报记者 许晴 实习生 高远\n{story}"),
    );
    write(
        &ws,
        "line4.md",
        "地铁四号线开工",
        "2021-11-05 10:00",
        "城市日报",
        "本市第四条地铁线路今日开工建设，规划设置十五座车站，计划五年后建成通车，总投资约三百亿元。\n\
         该线路自北向南穿越主城区，将与三号线在市民中心站交汇，设计最高时速为每小时八十公里。\n\
         市发展改革部门表示，地铁项目将带动沿线土地开发，并缓解南北向主干道的交通压力。",
    );
    write(
        &ws,
        "pay.md",
        "移动支付新规",
        "2021-11-04 10:00",
        "财经周刊",
        "央行发布移动支付新规，要求支付机构加强商户管理，条码支付限额保持不变，新规自明年起施行。\n\
         业内人士认为，新规有助于规范收单市场，减少套现和电信诈骗风险，对普通用户影响有限。",
    );
    let run = ws.ingest();
    assert_eq!(run.code, 0, "{}", run.stderr);
    ws
}

fn json(ws: &Workspace, args: &[&str]) -> serde_json::Value {
    let run = newsidx(ws.path(), args);
    assert_eq!(run.code, 0, "{} {}", run.stdout, run.stderr);
    run.json()
}

fn strs(value: &serde_json::Value, key: &str) -> Vec<String> {
    value
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v[key].as_str().unwrap().to_string())
        .collect()
}

fn list(value: &serde_json::Value) -> Vec<String> {
    value
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn search_collapses_a_cluster_to_its_earliest_article() {
    let ws = metro();
    let found = json(&ws, &["search", "--index", "index", "--json", "地铁"]);
    assert_eq!(found["total"], 2);
    assert_eq!(found["articles"], 4);
    let hits = &found["hits"];
    let mut paths = strs(hits, "path");
    paths.sort();
    assert_eq!(paths, vec!["corpus/line4.md", "corpus/wire.md"]);
    let wire = hits
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["path"] == "corpus/wire.md")
        .unwrap();
    assert_eq!(
        list(&wire["duplicates"]),
        vec!["corpus/evening.md", "corpus/portal.md"]
    );
    let line4 = hits
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["path"] == "corpus/line4.md")
        .unwrap();
    assert_eq!(list(&line4["duplicates"]), Vec::<String>::new());

    let text = newsidx(ws.path(), &["search", "--index", "index", "地铁"]).stdout;
    let head = text
        .lines()
        .find(|l| l.contains("地铁三号线全线贯通"))
        .unwrap();
    assert!(head.ends_with("  +2 similar"), "{text}");
    assert_eq!(text.matches("similar").count(), 1, "{text}");
    assert!(
        text.contains("of 2 articles, 2 near-duplicates folded in"),
        "{text}"
    );
}

#[test]
fn no_collapse_lists_every_article_and_paging_counts_clusters() {
    let ws = metro();
    let all = json(
        &ws,
        &[
            "search",
            "--index",
            "index",
            "--json",
            "--no-collapse",
            "地铁",
        ],
    );
    assert_eq!(all["total"], 4);
    assert_eq!(all["hits"].as_array().unwrap().len(), 4);
    assert!(
        all["hits"]
            .as_array()
            .unwrap()
            .iter()
            .all(|h| h["duplicates"] == serde_json::json!([]))
    );

    let oldest = json(
        &ws,
        &[
            "search", "--index", "index", "--json", "--sort", "oldest", "-n", "1", "--offset", "1",
            "地铁",
        ],
    );
    assert_eq!(oldest["total"], 2);
    assert_eq!(strs(&oldest["hits"], "path"), vec!["corpus/line4.md"]);
}

#[test]
fn an_earlier_copy_ingested_later_joins_the_cluster_and_leads_it() {
    let ws = metro();
    write(
        &ws,
        "zh-hant.md",
        "地鐵三號線全線貫通",
        "2021-11-01 20:00",
        "港澳新闻",
        TRADITIONAL_TRIMMED,
    );
    let run = ws.ingest();
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("1 added"), "{}", run.stdout);

    let found = json(&ws, &["search", "--index", "index", "--json", "地铁"]);
    assert_eq!(found["total"], 2);
    assert_eq!(found["articles"], 5);
    let first = &found["hits"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["path"] == "corpus/zh-hant.md")
        .unwrap()
        .clone();
    assert_eq!(
        list(&first["duplicates"]),
        vec!["corpus/wire.md", "corpus/evening.md", "corpus/portal.md"]
    );

    let dups = json(&ws, &["duplicates", "--index", "index", "--json"]);
    assert_eq!(dups["total"], 1);
    assert_eq!(dups["articles"], 4);
    let cluster = &dups["clusters"][0];
    assert_eq!(cluster["size"], 4);
    assert_eq!(cluster["earliest"]["path"], "corpus/zh-hant.md");
    assert_eq!(
        strs(&cluster["articles"], "path"),
        vec![
            "corpus/zh-hant.md",
            "corpus/wire.md",
            "corpus/evening.md",
            "corpus/portal.md"
        ]
    );
    assert_eq!(
        strs(&cluster["sources"], "source"),
        vec!["城市日报", "城市晚报", "港澳新闻", "门户网"]
    );
}

/// Ingest handles files in chunks of 256 and, with a zero commit interval, commits a checkpoint
/// after each but the last; the near-duplicate assigner then forgets what it held of the run and finds the
/// earlier copy in the checkpoint instead.
#[test]
fn copies_on_both_sides_of_a_checkpoint_share_a_cluster() {
    let ws = Workspace::new();
    let story = STORY.join("\n");
    write(
        &ws,
        "a/wire.md",
        "地铁三号线全线贯通",
        "2021-11-02 09:00",
        "城市日报",
        &story,
    );
    for i in 0..300 {
        // Too short for a signature: no cluster to join.
        write(
            &ws,
            &format!("b/{i:03}.md"),
            &format!("通知{i}"),
            "2021-11-03 09:00",
            "市政府",
            &format!("第{i}号通知。"),
        );
    }
    let copy = format!("本报记者 许晴 实习生 高远\n{story}");
    write(
        &ws,
        "c/portal.md",
        "地铁三号线贯通",
        "2021-11-03 08:00",
        "门户网",
        &copy,
    );
    let mut options = IngestOptions::new(ws.corpus(), ws.path().join("index"));
    options.commit_interval = Some(Duration::ZERO);
    let report = newsidx::ingest::run(&options, &|_| {}, &|_| {}).unwrap();
    assert_eq!((report.added, report.checkpoints), (302, 1));

    let dups = json(&ws, &["duplicates", "--index", "index", "--json"]);
    assert_eq!(dups["total"], 1);
    assert_eq!(
        strs(&dups["clusters"][0]["articles"], "path"),
        ["a/wire.md", "c/portal.md"].map(|f| ws.corpus().join(f).display().to_string())
    );
}

#[test]
fn duplicates_lists_clusters_with_filters_and_as_text() {
    let ws = metro();
    let text = newsidx(ws.path(), &["duplicates", "--index", "index"]);
    assert_eq!(text.code, 0, "{}", text.stderr);
    let lines: Vec<&str> = text.stdout.lines().collect();
    assert_eq!(
        lines[0],
        " 1. 3 articles; sources: 城市日报 1, 城市晚报 1, 门户网 1"
    );
    assert!(
        lines[1]
            .starts_with("    first 2021-11-02  城市日报  地铁三号线全线贯通  (corpus/wire.md)"),
        "{}",
        text.stdout
    );
    assert_eq!(
        lines.last().unwrap().split(" (").next(),
        Some("1 of 1 clusters, 3 articles in clusters")
    );

    let filtered = newsidx(
        ws.path(),
        &[
            "duplicates",
            "--index",
            "index",
            "--json",
            "--since",
            "2021-11-03",
        ],
    );
    assert_eq!(filtered.code, 1);
    assert_eq!(filtered.json()["total"], 0);
    let none = newsidx(
        ws.path(),
        &["duplicates", "--index", "index", "--source", "财经周刊"],
    );
    assert_eq!(none.code, 1);
    let two = json(
        &ws,
        &[
            "duplicates",
            "--index",
            "index",
            "--json",
            "--source",
            "城市日报",
            "--source",
            "城市晚报",
        ],
    );
    assert_eq!(two["clusters"][0]["size"], 2);
}

#[test]
fn similar_lists_related_articles_and_near_duplicates_apart() {
    let ws = metro();
    let found = json(&ws, &["similar", "--index", "index", "--json", "wire.md"]);
    assert_eq!(found["article"]["path"], "corpus/wire.md");
    assert_eq!(
        strs(&found["duplicates"], "path"),
        vec!["corpus/evening.md", "corpus/portal.md"]
    );
    let similar = strs(&found["similar"], "path");
    assert_eq!(
        similar.first().map(String::as_str),
        Some("corpus/line4.md"),
        "{found}"
    );
    assert!(
        !similar
            .iter()
            .any(|p| p == "corpus/wire.md" || p == "corpus/evening.md")
    );
    assert!(list(&found["similar"][0]["shared_keywords"]).contains(&"地铁".to_string()));

    let by_file = json(
        &ws,
        &[
            "similar",
            "--index",
            "index",
            "--json",
            "-n",
            "1",
            "corpus/line4.md",
        ],
    );
    assert_eq!(by_file["article"]["path"], "corpus/line4.md");
    assert_eq!(by_file["duplicates"], serde_json::json!([]));
    assert_eq!(by_file["similar"].as_array().unwrap().len(), 1);

    let missing = newsidx(ws.path(), &["similar", "--index", "index", "nope.md"]);
    assert_eq!(missing.code, 2);
    assert!(
        missing.stderr.contains("no indexed article"),
        "{}",
        missing.stderr
    );
}

#[test]
fn keywords_show_in_inspect_and_in_hits() {
    let ws = metro();
    let run = newsidx(ws.path(), &["inspect", "corpus/line4.md"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let inspected = run.json();
    let keywords = list(&inspected["keywords"]);
    assert_eq!(
        keywords.first().map(String::as_str),
        Some("地铁"),
        "{keywords:?}"
    );
    assert!(keywords.len() <= 10);

    let found = json(&ws, &["search", "--index", "index", "--json", "开工"]);
    assert_eq!(list(&found["hits"][0]["keywords"]), keywords);
    let text = newsidx(ws.path(), &["search", "--index", "index", "开工"]).stdout;
    assert!(
        text.contains(&format!("keywords: {}", keywords.join(", "))),
        "{text}"
    );
}
