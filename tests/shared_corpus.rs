//! Conformance on the real articles in `../shared` (seeds and the development corpus). These
//! files are never copied into the project; when `../shared` is absent every test here says
//! it skipped.

mod common;

use std::path::{Path, PathBuf};

use newsidx::ingest::article::{self, ParseOptions, Parsed};
use newsidx::read::Document;

fn parse_file(path: &Path) -> Parsed {
    let shown = path.display();
    article::parse_file(path, &ParseOptions::default())
        .unwrap_or_else(|e| panic!("{shown}: rejected: {e}"))
        .unwrap_or_else(|| panic!("{shown}: not recognised as an article"))
}

fn lines(a: &Document) -> (String, String) {
    let mut lines = a.body.lines().filter(|l| !l.trim().is_empty());
    let first = lines.next().unwrap_or_default().to_string();
    let last = lines.next_back().unwrap_or_default().to_string();
    (first, last)
}

#[test]
fn seed_000_hexo_shape() {
    let Some(shared) = common::shared() else {
        return;
    };
    let p = parse_file(&shared.join("seeds/000_63eb8af219813993.txt"));
    let a = &p.article.document;
    assert_eq!(a.title, "能在微信中调用支付宝付款了？但仅限它");
    let published = a.published.unwrap();
    assert_eq!(published.to_rfc3339(), "2021-11-30T17:24:02+00:00");
    assert_eq!(published.offset().local_minus_utc(), 0);
    assert_eq!(a.categories, vec!["新媒体", "ZAKER", "channel"]);
    assert_eq!(a.author.as_deref(), Some("ZAKER"));
    let (first, last) = lines(a);
    assert_eq!(
        first,
        "反垄断的大背景下，头部互联网平台之间解除封禁、互联互通将成为现实。"
    );
    // The closing editor credit is a field, not the body's last line.
    assert_eq!(a.editor.as_deref(), Some("崔崔"));
    assert!(last.ends_with('。') && !last.contains("编辑"), "{last}");
    // Text that sat right after an image box is its own paragraph, not glued to the box.
    assert!(
        a.body
            .contains("\n昨日晚，微信官方突然发布《微信外部链接内容管理规范》的更新说明"),
        "{}",
        a.body
    );
    assert!(p.warnings.is_empty(), "{:?}", p.warnings);
}

#[test]
fn seed_004_jekyll_shape() {
    let Some(shared) = common::shared() else {
        return;
    };
    let p = parse_file(&shared.join("seeds/004_193d3b8eb732d983.txt"));
    let a = &p.article.document;
    assert_eq!(
        a.title,
        "“互联互通”新进展：微信可直接打开淘宝链接购买 但用不了微信支付"
    );
    let published = a.published.unwrap();
    assert_eq!(published.to_rfc3339(), "2022-01-27T12:15:04+08:00");
    assert_eq!(published.timestamp(), 1_643_256_904);
    assert_eq!(a.categories, vec!["hongxingxinwen"]);
    assert_eq!(a.tags, vec!["红星新闻新闻"]);
    assert_eq!(a.author, None);
    assert_eq!(a.source.as_deref(), Some("红星新闻"));
    let (first, last) = lines(a);
    assert_eq!(
        first,
        "红星资本局实测发现，在微信对话框中可以直接打开淘宝商品链接，也可以在不跳转淘宝APP的情况下完成购买。这意味着，互联网平台间的互联互通又有了新进展。"
    );
    // The closing source credit became the source and left the body.
    assert!(last.ends_with('。') && !last.contains("来源"), "{last}");
    assert!(
        !a.body.contains("K图"),
        "stock-chart alt text leaked: {}",
        a.body
    );
    assert!(!a.body.contains("image.png"));
    assert!(
        !a.body.contains("返回"),
        "trailing site links leaked: {}",
        a.body
    );
    assert!(!a.body.contains("http"), "{}", a.body);
    assert_eq!(
        a.extra,
        serde_json::json!({"layout": "post"})
            .as_object()
            .unwrap()
            .clone()
    );
}

/// The articles under `dir`, found as ingest finds them (SOURCES.md describes the corpus).
fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let found = newsidx::read::discover::discover(dir, &[]);
    assert!(found.problems.is_empty(), "{:?}", found.problems);
    out.extend(
        found
            .candidates
            .iter()
            .map(|c| c.abs)
            .filter(|p| p.file_name().is_some_and(|n| n != "SOURCES.md")),
    );
}

/// Does the file's own metadata carry a publication date? (front matter `date:` with digits
/// beyond an offset; HTML pages always show one.)
fn has_date(path: &Path) -> bool {
    let text = String::from_utf8_lossy(&std::fs::read(path).unwrap()).into_owned();
    if path.extension().is_some_and(|e| e == "html") {
        return true;
    }
    text.lines()
        .find_map(|l| l.strip_prefix("date:"))
        .is_some_and(|d| d.trim().trim_start_matches(['+', '-']).len() > 4)
}

#[test]
fn every_shared_article_parses_clean() {
    let Some(shared) = common::shared() else {
        return;
    };
    let mut files = Vec::new();
    files_under(&shared.join("seeds"), &mut files);
    files_under(&shared.join("corpus"), &mut files);
    assert_eq!(files.len(), 140);
    let mut problems = Vec::new();
    for path in &files {
        let p = parse_file(path);
        let a = &p.article.document;
        let shown = path.display();
        if a.title.trim().is_empty() {
            problems.push(format!("{shown}: empty title"));
        }
        if has_date(path) && a.published.is_none() {
            problems.push(format!("{shown}: no publication date ({:?})", p.warnings));
        }
        if a.body.trim().is_empty() {
            problems.push(format!("{shown}: empty body"));
        }
        for tag in [
            "<p", "<div", "<img", "<br", "</", "<span", "<a ", "<script", "<!--",
        ] {
            if a.body.contains(tag) {
                problems.push(format!("{shown}: body contains {tag:?}"));
            }
        }
        for leak in ["K图 ", "alt=", "display:none", "function(", "返回首页"] {
            if a.body.contains(leak) {
                problems.push(format!("{shown}: body contains {leak:?}"));
            }
        }
        let last = a.body.lines().last().unwrap_or_default();
        if last.starts_with("http") || last.starts_with("返回") {
            problems.push(format!("{shown}: boilerplate last line {last:?}"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_file_with_an_empty_title_and_offset_only_date_is_indexed_with_warnings() {
    let Some(shared) = common::shared() else {
        return;
    };
    let p = parse_file(&shared.join("corpus/finews/-202205262391921712.md"));
    // No usable front-matter date: the day in the file name stands in, with a warning.
    assert_eq!(
        p.article
            .document
            .published
            .map(|d| d.to_rfc3339())
            .as_deref(),
        Some("2022-05-26T00:00:00+08:00")
    );
    assert!(
        p.article.document.title.starts_with("据霍尼韦尔官网消息"),
        "{}",
        p.article.document.title
    );
    assert_eq!(p.warnings.len(), 2, "{:?}", p.warnings);
    assert!(p.warnings[0].starts_with("title: empty; using"));
    assert_eq!(
        p.warnings[1],
        "date: expected a date such as 2021-11-30 17:24, RFC 2822 or RFC 3339, found '+0800'; \
         using 2022-05-26 from the file name"
    );
}

#[test]
fn html_publication_dates_match_the_gold_file() {
    let Some(shared) = common::shared() else {
        return;
    };
    let gold = std::fs::read_to_string(shared.join("gold/dates.jsonl")).unwrap();
    let mut checked = 0;
    let mut wrong = Vec::new();
    for line in gold.lines() {
        let record: serde_json::Value = serde_json::from_str(line).unwrap();
        let file = record["file"].as_str().unwrap();
        if !file.starts_with("corpus/html/") {
            continue;
        }
        let expected =
            chrono::DateTime::parse_from_rfc3339(record["published"].as_str().unwrap()).unwrap();
        let got = parse_file(&shared.join(file)).article.document.published;
        checked += 1;
        if got != Some(expected) {
            wrong.push(format!("{file}: expected {expected}, got {got:?}"));
        }
    }
    assert_eq!(checked, 9);
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn ingest_of_the_whole_shared_corpus_rejects_nothing() {
    let Some(shared) = common::shared() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let index = dir.path().join("index");
    let run = common::newsidx(
        dir.path(),
        &[
            "ingest",
            shared.join("corpus").to_str().unwrap(),
            "--index",
            index.to_str().unwrap(),
            "--json",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let report = run.json();
    assert_eq!(report["rejected"], 0);
    assert_eq!(report["indexed"], 139, "138 articles and SOURCES.md");
    assert_eq!(report["warnings"], 2, "{}", run.stderr);
}

/// Phrases of editorial and platform lines, independent of the `trailer` module's own rules.
const KNOWN_TRAILER_PHRASES: &[&str] = &[
    "责任编辑",
    "责编",
    "编辑：",
    "编辑|",
    "来源：",
    "来源|",
    "记者 ",
    "在看",
    "转载",
    "END",
    "免责声明",
    "侵权",
    "延伸阅读",
    "原题",
    "APP",
    "二维码",
    "公众号",
    "【1】",
    "校对",
];

/// Each spelling of a day that pages use, to check that a date was read from the page.
fn day_spellings(day: chrono::NaiveDate) -> Vec<String> {
    use chrono::Datelike;
    let (y, m, d) = (day.year(), day.month(), day.day());
    vec![
        format!("{y}-{m:02}-{d:02}"),
        format!("{y}/{m:02}/{d:02}"),
        format!("{y}.{m:02}.{d:02}"),
        format!("{y}年{m}月{d}日"),
        format!("{y}年{m:02}月{d:02}日"),
        format!("{y}-{m}-{d}"),
    ]
}

/// Every page of the development corpus shows its publication date: each gets a date of a
/// day the page spells out, and each body ends with a line of article text.
#[test]
fn every_html_page_is_dated_and_ends_with_article_text() {
    let Some(shared) = common::shared() else {
        return;
    };
    let mut files = Vec::new();
    files_under(&shared.join("corpus/html"), &mut files);
    assert!(!files.is_empty());
    let mut problems = Vec::new();
    for path in &files {
        let a = parse_file(path).article.document;
        let shown = path.display();
        let raw = String::from_utf8_lossy(&std::fs::read(path).unwrap()).into_owned();
        match a.published {
            None => problems.push(format!("{shown}: no publication date")),
            Some(published) => {
                let spelled = day_spellings(published.date_naive());
                if !spelled.iter().any(|s| raw.contains(s.as_str())) {
                    problems.push(format!("{shown}: {published} is not a day the page shows"));
                }
            }
        }
        let last = a.body.lines().last().unwrap_or_default();
        let known =
            last.chars().count() <= 60 && KNOWN_TRAILER_PHRASES.iter().any(|p| last.contains(p));
        if newsidx::read::trailer::is_trailer_line(last) || known {
            problems.push(format!("{shown}: body ends with a trailer line {last:?}"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
