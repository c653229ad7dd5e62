//! The project's own sample corpus (`corpus/`), end to end: the README's example query and the
//! date filters, with exact hits.

mod common;

use std::path::Path;

use common::newsidx;

/// Ingests `corpus/` into a temporary index and returns (tempdir, index path).
fn indexed() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let index = dir.path().join("index").display().to_string();
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let run = newsidx(
        dir.path(),
        &["ingest", corpus.to_str().unwrap(), "--index", &index],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.starts_with("13 files: 13 added,"),
        "{}",
        run.stdout
    );
    (dir, index)
}

/// Hit paths relative to `corpus/`, in rank order.
fn search(dir: &Path, index: &str, args: &[&str]) -> Vec<String> {
    let mut full = vec!["search", "--index", index, "--json", "-n", "20"];
    full.extend_from_slice(args);
    let run = newsidx(dir, &full);
    assert!(run.code <= 1, "{}", run.stderr);
    let prefix = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("corpus")
        .display()
        .to_string()
        + "/";
    run.json()["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            h["path"]
                .as_str()
                .unwrap()
                .trim_start_matches(&prefix)
                .to_string()
        })
        .collect()
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

#[test]
fn the_readme_query_ranks_articles_with_both_words_first() {
    let (dir, index) = indexed();
    let hits = search(dir.path(), &index, &["微信支付 淘宝"]);
    assert_eq!(
        sorted(hits[..3].to_vec()),
        vec![
            "finews/2021-09-13-202109132241873516.md",
            "hexo/1001.md",
            "html/interop-overview.html"
        ]
    );
    assert_eq!(hits[0], "hexo/1001.md", "both words in the title too");
}

#[test]
fn publication_date_filters_alone_list_newest_first() {
    let (dir, index) = indexed();
    assert_eq!(
        search(
            dir.path(),
            &index,
            &["--since", "2021-11-01", "--until", "2021-12-31"]
        ),
        vec![
            "finews/2021-12-08-202112082206819450.md",
            // 2021-11-30 17:24 GMT is 1 December in +08:00, still inside the window.
            "hexo/1003.md",
            "finews/2021-11-12-202111122245160382.md",
        ]
    );
    assert_eq!(
        sorted(search(
            dir.path(),
            &index,
            &["淘宝", "--until", "2021-09-13"]
        )),
        vec!["finews/2021-09-13-202109132241873516.md", "hexo/1002.md"]
    );
}

#[test]
fn mentioned_date_filters() {
    let (dir, index) = indexed();
    assert_eq!(
        sorted(search(dir.path(), &index, &["--mentions", "2021-09"])),
        vec![
            "finews/2021-09-13-202109132241873516.md",
            "hexo/1001.md",
            "hexo/1003.md",
            "html/interop-overview.html"
        ]
    );
    assert_eq!(
        sorted(search(dir.path(), &index, &["--mentions", "2021-09-17"])),
        // hexo/1003.md says 今年9月以来: every day from 1 September to publication.
        vec![
            "finews/2021-09-13-202109132241873516.md",
            "hexo/1001.md",
            "hexo/1003.md",
            "html/interop-overview.html"
        ]
    );
    assert_eq!(
        sorted(search(dir.path(), &index, &["--mentions", "2023"])),
        vec![
            "finews/2022-06-10-202206102391847760.md",
            "hexo/1004.md",
            "hexo/1005.md"
        ]
    );
    assert_eq!(
        sorted(search(
            dir.path(),
            &index,
            &[
                "淘宝",
                "--mentions-from",
                "2022-03",
                "--mentions-to",
                "2022-03"
            ]
        )),
        // interop-overview.html, published 15 March 2022, says 去年第三季度起.
        vec![
            "finews/2021-09-13-202109132241873516.md",
            "finews/2021-11-12-202111122245160382.md",
            "html/interop-overview.html"
        ]
    );
    let conflict = newsidx(
        dir.path(),
        &[
            "search",
            "--index",
            &index,
            "--mentions",
            "2021",
            "--mentions-from",
            "2021-01",
        ],
    );
    assert_eq!(conflict.code, 2);
}

#[test]
fn inspect_shows_resolved_date_mentions() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/hexo/1004.md");
    let run = newsidx(
        Path::new(env!("CARGO_MANIFEST_DIR")),
        &["inspect", corpus.to_str().unwrap()],
    );
    assert_eq!(run.code, 0);
    let doc = run.json();
    let dates = doc["dates"].as_array().unwrap();
    let first = dates.iter().find(|d| d["text"] == "昨日晚八点").unwrap();
    let body = doc["body"].as_str().unwrap();
    let (start, end) = (
        first["start"].as_u64().unwrap() as usize,
        first["end"].as_u64().unwrap() as usize,
    );
    assert_eq!(&body[start..end], "昨日晚八点");
    assert_eq!(
        first,
        &serde_json::json!({"field": "body", "text": "昨日晚八点", "start": start, "end": end,
            "value": "2022-01-27", "end_value": "2022-01-27", "granularity": "hour",
            "time": "20:00"})
    );
}

#[test]
fn entity_filters_accept_aliases_and_combine_with_and() {
    let (dir, index) = indexed();
    // 央行 is the short form of 中国人民银行: both find the same articles.
    let by_alias = sorted(search(dir.path(), &index, &["--entity", "央行"]));
    assert_eq!(
        by_alias,
        sorted(search(dir.path(), &index, &["--entity", "中国人民银行"]))
    );
    assert_eq!(
        by_alias,
        vec![
            "finews/2021-12-08-202112082206819450.md",
            "finews/2022-03-02-202203022309471185.md",
            "finews/2022-06-10-202206102391847760.md",
            "hexo/1003.md",
            "hexo/1004.md",
            "html/interop-overview.html"
        ]
    );
    assert_eq!(
        sorted(search(
            dir.path(),
            &index,
            &["--entity", "工信部", "--entity", "淘宝"]
        )),
        vec![
            "finews/2021-09-13-202109132241873516.md",
            "hexo/1001.md",
            "html/interop-overview.html"
        ]
    );
    assert_eq!(
        search(dir.path(), &index, &["--entity", "不存在的机构"]),
        Vec::<String>::new()
    );
}

#[test]
fn entities_are_counted_by_documents() {
    let (dir, index) = indexed();
    let run = newsidx(
        dir.path(),
        &[
            "entities", "--index", &index, "--type", "ORG", "--top", "2", "--json",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.json(),
        serde_json::json!({"total": 13, "took_ms": run.json()["took_ms"], "entities": [
            {"name": "中国人民银行", "type": "ORG", "documents": 6},
            {"name": "工业和信息化部", "type": "ORG", "documents": 4},
        ]})
    );
    // Within a query's results, and as text.
    let run = newsidx(
        dir.path(),
        &["entities", "淘宝", "--index", &index, "--top", "1"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .starts_with("  1. PRODUCT 淘宝  5 documents\n1 entities from 5 documents ("),
        "{}",
        run.stdout
    );
    let bad_type = newsidx(
        dir.path(),
        &["entities", "--index", &index, "--type", "BANK"],
    );
    assert_eq!(bad_type.code, 2);
}

/// The judged queries of `tests/judged/sample.jsonl` (relevance judged by reading `corpus/`):
/// exactly the relevant articles are found, and the one judged best ranks first.
#[test]
fn judged_queries_find_exactly_the_relevant_articles() {
    let (dir, index) = indexed();
    let judged = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/judged/sample.jsonl"),
    )
    .unwrap();
    for line in judged.lines().filter(|l| !l.trim().is_empty()) {
        let q: serde_json::Value = serde_json::from_str(line).unwrap();
        let query = q["query"].as_str().unwrap();
        let hits = search(dir.path(), &index, &[query]);
        let mut relevant: Vec<String> = q["relevant"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_string())
            .collect();
        relevant.sort();
        assert_eq!(sorted(hits.clone()), relevant, "{query}");
        if let Some(first) = q["first"].as_str() {
            assert_eq!(hits[0], first, "{query}");
        }
    }
}
