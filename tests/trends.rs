//! `trends` and `terms` end to end on a small corpus written here: eight invented articles
//! with known days, sources, categories and words.

mod common;

use common::{Run, Workspace, newsidx};
use serde_json::{Value, json};

/// Invented organisations, so entity counts do not depend on the gazetteer.
const ENTITIES: &str = "天马汽车\tORG\n远航电池\tORG\n";

fn article(ws: &Workspace, name: &str, date: &str, source: &str, category: &str, body: &str) {
    ws.write(
        name,
        format!(
            "---\ntitle: \"{name}\"\ndate: {date}\nsource: {source}\ncategories: {category}\n---\n{body}\n"
        ),
    );
}

/// Car articles (新能源汽车) in January, March and May; football articles in January,
/// February and March; nothing in April. `f7.md` is written at 23:30 on Sunday 28 February
/// in -05:00, which is already Monday 1 March in UTC and in +08:00.
fn corpus() -> Workspace {
    let ws = Workspace::new();
    let car = "新能源汽车";
    article(
        &ws,
        "c1.md",
        "2021-01-05 10:00:00 +0800",
        "甲日报",
        "经济",
        &format!("{car}销量增长，天马汽车扩大产能，二手车市场平稳。"),
    );
    article(
        &ws,
        "c2.md",
        "2021-01-20 09:00:00 +0800",
        "乙晚报",
        "经济",
        &format!("{car}电池成本下降，天马汽车宣布降价，市场反应积极。"),
    );
    article(
        &ws,
        "f3.md",
        "2021-01-25 20:00:00 +0800",
        "甲日报",
        "体育",
        "足球联赛开幕，主队球员状态出色，转会市场活跃。",
    );
    article(
        &ws,
        "f4.md",
        "2021-01-28 21:00:00 +0800",
        "乙晚报",
        "体育",
        "足球联赛第二轮，客队门将扑出点球，转会市场冷清。",
    );
    article(
        &ws,
        "f7.md",
        "2021-02-28 23:30:00 -0500",
        "丙网",
        "体育",
        "足球联赛补赛，主队球员受伤，转会市场平静。",
    );
    article(
        &ws,
        "c5.md",
        "2021-03-02 08:00:00 +0800",
        "甲日报",
        "经济",
        &format!("{car}电池订单增加，天马汽车与远航电池签约，市场份额扩大。"),
    );
    article(
        &ws,
        "f6.md",
        "2021-03-15 19:00:00 +0800",
        "丙网",
        "体育",
        "足球联赛暂停，球员转会市场关闭。",
    );
    article(
        &ws,
        "c8.md",
        "2021-05-10 11:00:00 +0800",
        "丙网",
        "经济",
        &format!("{car}电池技术突破，远航电池发布新品，市场关注。"),
    );
    std::fs::write(ws.path().join("entities.tsv"), ENTITIES).expect("entity file");
    let run = ws.ingest_with(&["--entities", "entities.tsv"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    ws
}

fn run(ws: &Workspace, args: &[&str]) -> Run {
    let mut full = vec![args[0], "--index", "index"];
    full.extend_from_slice(&args[1..]);
    newsidx(ws.path(), &full)
}

/// `(period, count, all, share)` of a JSON period list.
fn rows(periods: &Value) -> Vec<(String, u64, u64, f64)> {
    periods
        .as_array()
        .expect("periods array")
        .iter()
        .map(|p| {
            (
                p["period"].as_str().expect("period").to_string(),
                p["count"].as_u64().expect("count"),
                p["all"].as_u64().expect("all"),
                p["share"].as_f64().expect("share"),
            )
        })
        .collect()
}

fn row(period: &str, count: u64, all: u64, share: f64) -> (String, u64, u64, f64) {
    (period.to_string(), count, all, share)
}

#[test]
fn trends_by_month_counts_shares_and_empty_months() {
    let ws = corpus();
    let out = run(&ws, &["trends", "新能源汽车", "--json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let json = out.json();
    assert_eq!(
        rows(&json["periods"]),
        vec![
            row("2021-01", 2, 4, 0.5),
            row("2021-02", 0, 1, 0.0),
            row("2021-03", 1, 2, 0.5),
            row("2021-04", 0, 0, 0.0),
            row("2021-05", 1, 1, 1.0),
        ]
    );
    assert_eq!(json["by"], "month");
    assert_eq!(json["total"], 4);
    assert_eq!(json["all"], 8);
    assert_eq!(json["share"], 0.5);
    assert_eq!(json["undated"], 0);
    assert_eq!(json["split"], Value::Null);
    assert_eq!(json["series"], json!([]));
    assert_eq!(json["periods"][0]["start"], "2021-01-01");
}

#[test]
fn weeks_are_iso_weeks_of_each_articles_own_day() {
    let ws = corpus();
    let json = run(&ws, &["trends", "足球", "--by", "week", "--json"]).json();
    let weeks = rows(&json["periods"]);
    // 2021-01-04 (Monday of W01) to 2021-05-10 (W19): 19 weeks.
    assert_eq!(weeks.len(), 19);
    assert_eq!(weeks[0], row("2021-W01", 0, 1, 0.0));
    assert_eq!(weeks[3], row("2021-W04", 2, 2, 1.0));
    // f7 is Sunday 28 February where it was written: W08, not W09.
    assert_eq!(weeks[7], row("2021-W08", 1, 1, 1.0));
    assert_eq!(weeks[8], row("2021-W09", 0, 1, 0.0));
    assert_eq!(weeks[10], row("2021-W11", 1, 1, 1.0));
    assert_eq!(weeks[18], row("2021-W19", 0, 1, 0.0));
    assert_eq!(json["periods"][7]["start"], "2021-02-22");
    let days = run(&ws, &["trends", "足球", "--by", "day", "--json"]).json();
    let found: Vec<_> = rows(&days["periods"])
        .into_iter()
        .filter(|r| r.1 > 0)
        .map(|r| r.0)
        .collect();
    assert_eq!(
        found,
        vec!["2021-01-25", "2021-01-28", "2021-02-28", "2021-03-15"]
    );
    let years = run(&ws, &["trends", "足球", "--by", "year", "--json"]).json();
    assert_eq!(rows(&years["periods"]), vec![row("2021", 4, 8, 0.5)]);
}

#[test]
fn split_by_source_keeps_the_top_series_with_shares_of_all_articles() {
    let ws = corpus();
    let json = run(
        &ws,
        &[
            "trends", "足球", "--split", "source", "--top", "2", "--json",
        ],
    )
    .json();
    assert_eq!(json["split"], "source");
    let series = json["series"].as_array().expect("series");
    let names: Vec<_> = series
        .iter()
        .map(|s| (s["value"].clone(), s["total"].clone()))
        .collect();
    // 丙网 has two; 乙晚报 and 甲日报 one each, ties by name.
    assert_eq!(
        names,
        vec![(json!("丙网"), json!(2)), (json!("乙晚报"), json!(1))]
    );
    assert_eq!(
        rows(&series[0]["periods"]),
        vec![
            row("2021-01", 0, 4, 0.0),
            row("2021-02", 1, 1, 1.0),
            row("2021-03", 1, 2, 0.5),
            row("2021-04", 0, 0, 0.0),
            row("2021-05", 0, 1, 0.0),
        ]
    );
    assert_eq!(rows(&series[1]["periods"])[0], row("2021-01", 1, 4, 0.25));
}

#[test]
fn split_by_category_and_by_entity_type() {
    let ws = corpus();
    let json = run(
        &ws,
        &["trends", "--split", "category", "--by", "year", "--json"],
    )
    .json();
    let series: Vec<_> = json["series"]
        .as_array()
        .expect("series")
        .iter()
        .map(|s| (s["value"].clone(), rows(&s["periods"])))
        .collect();
    assert_eq!(
        series,
        vec![
            (json!("体育"), vec![row("2021", 4, 8, 0.5)]),
            (json!("经济"), vec![row("2021", 4, 8, 0.5)]),
        ]
    );
    let json = run(
        &ws,
        &[
            "trends",
            "新能源汽车",
            "--split",
            "entity:ORG",
            "--top",
            "3",
            "--json",
        ],
    )
    .json();
    assert_eq!(json["split"], "entity:ORG");
    let series = json["series"].as_array().expect("series");
    let totals: Vec<_> = series
        .iter()
        .map(|s| (s["value"].clone(), s["total"].clone()))
        .collect();
    // The source 甲日报 is an organisation the articles are credited to; ties by name.
    assert_eq!(
        totals,
        vec![
            (json!("天马汽车"), json!(3)),
            (json!("甲日报"), json!(2)),
            (json!("远航电池"), json!(2)),
        ]
    );
    assert_eq!(
        rows(&series[2]["periods"]),
        vec![
            row("2021-01", 0, 4, 0.0),
            row("2021-02", 0, 1, 0.0),
            row("2021-03", 1, 2, 0.5),
            row("2021-04", 0, 0, 0.0),
            row("2021-05", 1, 1, 1.0),
        ]
    );
}

#[test]
fn trends_csv_shapes() {
    let ws = corpus();
    let out = run(&ws, &["trends", "新能源汽车", "--csv"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stdout,
        "period,start,count,all,share\n\
         2021-01,2021-01-01,2,4,0.5\n\
         2021-02,2021-02-01,0,1,0\n\
         2021-03,2021-03-01,1,2,0.5\n\
         2021-04,2021-04-01,0,0,0\n\
         2021-05,2021-05-01,1,1,1\n"
    );
    let split = run(
        &ws,
        &[
            "trends", "足球", "--split", "source", "--top", "1", "--by", "year", "--csv",
        ],
    );
    assert_eq!(
        split.stdout,
        "period,start,series,count,all,share\n2021,2021-01-01,丙网,2,8,0.25\n"
    );
}

#[test]
fn trends_text_is_an_aligned_table_with_bars_and_a_total() {
    let ws = corpus();
    let out = run(&ws, &["trends", "新能源汽车"]);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(
        lines[..9],
        [
            "articles matching 新能源 AND 汽车, per month of publication (each article's own offset)",
            "",
            "period  matching      all   share",
            "2021-01        2        4   50.0%  ████████████████████",
            "2021-02        0        1    0.0%",
            "2021-03        1        2   50.0%  ████████████████████",
            "2021-04        0        0    0.0%",
            "2021-05        1        1  100.0%  ████████████████████████████████████████",
            "total          4        8   50.0%",
        ]
    );
    let split = run(
        &ws,
        &["trends", "足球", "--split", "source", "--by", "year"],
    );
    let lines: Vec<&str> = split.stdout.lines().collect();
    // Series names are padded by display width (CJK characters take two columns).
    assert_eq!(
        lines[5..9],
        [
            "",
            "source matching",
            "丙网          2  ████████████████████████████████████████",
            "乙晚报        1  ████████████████████",
        ]
    );
}

#[test]
fn trends_with_nothing_found_exits_1_and_bad_flags_exit_2() {
    let ws = corpus();
    let out = run(&ws, &["trends", "火星探测", "--json"]);
    assert_eq!(out.code, 1);
    assert_eq!(out.json()["total"], 0);
    assert_eq!(run(&ws, &["trends", "--by", "fortnight"]).code, 2);
    assert_eq!(run(&ws, &["trends", "--split", "entity:XYZ"]).code, 2);
    assert_eq!(run(&ws, &["trends", "x", "--json", "--csv"]).code, 2);
}

#[test]
fn trends_filters_narrow_the_matches_and_dates_narrow_the_denominator() {
    let ws = corpus();
    let json = run(&ws, &["trends", "--source", "丙网", "--json"]).json();
    assert_eq!(json["total"], 3);
    assert_eq!(rows(&json["periods"])[1], row("2021-02", 1, 1, 1.0));
    let json = run(
        &ws,
        &[
            "trends",
            "--since",
            "2021-03-02",
            "--until",
            "2021-03-31",
            "--json",
        ],
    )
    .json();
    assert_eq!(rows(&json["periods"]), vec![row("2021-03", 2, 2, 1.0)]);
}

#[test]
fn terms_rank_words_of_the_matches_against_the_corpus() {
    let ws = corpus();
    let out = run(&ws, &["terms", "电池", "--json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let json = out.json();
    assert_eq!(json["method"], "llr");
    assert_eq!(json["documents"], 3);
    assert_eq!(json["corpus"], 8);
    assert_eq!(json["sampled"], Value::Null);
    let terms: Vec<(String, u64, u64)> = json["terms"]
        .as_array()
        .expect("terms")
        .iter()
        .map(|t| {
            (
                t["term"].as_str().expect("term").to_string(),
                t["count"].as_u64().expect("count"),
                t["corpus"].as_u64().expect("corpus"),
            )
        })
        .collect();
    let t = |w: &str, k: u64, df: u64| (w.to_string(), k, df);
    // In all three matches and nowhere else, then in all three and in c1, then in two of three.
    assert_eq!(
        terms[..4],
        [
            t("电池", 3, 3),
            t("新能源", 3, 4),
            t("汽车", 3, 4),
            t("远航电池", 2, 2)
        ]
    );
    // 天马汽车 is in two of the three but also in c1: it ranks after the words of one match.
    assert_eq!(terms.last(), Some(&t("扩大", 1, 2)));
    assert_eq!(terms[18], t("天马汽车", 2, 3));
    assert_eq!(terms.len(), 20);
    let score = |i: usize| json["terms"][i]["score"].as_f64().expect("score");
    let llr = newsidx::search::terms::llr;
    assert!((score(0) - llr(3, 3, 0, 5)).abs() < 1e-9);
    assert!((score(1) - llr(3, 3, 1, 5)).abs() < 1e-9);
    assert!((score(3) - llr(2, 3, 0, 5)).abs() < 1e-9);
    // 市场 is in every article; 足球 only outside the matches: neither distinguishes them.
    assert!(
        !terms.iter().any(|t| t.0 == "市场" || t.0 == "足球"),
        "{terms:?}"
    );
}

#[test]
fn terms_without_a_query_lists_the_corpus_words_by_document_frequency() {
    let ws = corpus();
    let json = run(&ws, &["terms", "--top", "3", "--json"]).json();
    assert_eq!(json["method"], "df");
    assert_eq!(json["documents"], 8);
    let first = &json["terms"][0];
    assert_eq!(
        (first["term"].as_str(), first["count"].as_u64()),
        (Some("市场"), Some(8))
    );
    assert_eq!(first["corpus"], 8);
    assert_eq!(json["terms"].as_array().map(Vec::len), Some(3));
    let text = run(&ws, &["terms", "--top", "1"]);
    assert_eq!(
        text.stdout.lines().take(3).collect::<Vec<_>>(),
        [
            "most frequent words of all 8 articles (documents containing each)",
            "     term matching   corpus        df",
            "  1. 市场        8        8       8.0",
        ]
    );
}
