//! Query text -> clauses -> analysis -> tantivy query -> search and snippet, on a small
//! in-memory index. Any query must give hits or a clear error, never a panic.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use newsidx::analyse::{Linguistics, text};
use newsidx::ingest::article::{self, ParseOptions};
use newsidx::read::Kind;
use newsidx::search::{SearchRequest, Searcher};

const ARTICLES: &[&str] = &[
    "---\ntitle: 微信支付接入淘宝\ndate: 2021-09-17 10:00:00\ncategories: [支付]\n---\n<p>淘宝部分商家试点接入微信支付。中国农业发展银行表示支持。</p>",
    "---\ntitle: iPhone 13 Pro 发布会\ndate: Tue, 30 Nov 2021 17:24:02 GMT\n---\n苹果 iPhone 13 Pro 发布会昨日晚举行，明年3月份上市。",
];

fn searcher() -> &'static Searcher {
    static SEARCHER: OnceLock<Searcher> = OnceLock::new();
    SEARCHER.get_or_init(|| {
        let linguistics = Linguistics::shared();
        let opened = newsidx::index::create_in_ram(&linguistics.analyzer).expect("in-memory index");
        let mut writer: tantivy::IndexWriter = opened.index.writer(15_000_000).expect("writer");
        for (i, text) in ARTICLES.iter().enumerate() {
            let id = format!("{i}.md");
            let parsed = article::parse(&id, &id, Kind::Markdown, text.as_bytes(), &ParseOptions::default())
                .expect("fixture parses")
                .expect("fixture is an article");
            writer
                .add_document(newsidx::index::to_document(&parsed.article.document, &parsed.article.analysis, 1, &opened.fields))
                .expect("add");
        }
        writer.commit().expect("commit");
        Searcher::from_index(opened, linguistics).expect("searcher")
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(query) = std::str::from_utf8(data) else {
        return;
    };
    for clause in newsidx::search::query::parse(query) {
        assert!(!clause.text.is_empty());
    }
    for token in analysis::bigrams(query) {
        assert!(query.get(token.start..token.end).is_some());
    }
    let request = SearchRequest {
        query: query.to_string(),
        limit: 5,
        ..SearchRequest::default()
    };
    if let Ok(results) = searcher().search(&request) {
        assert!(results.hits.len() <= 5);
        for hit in &results.hits {
            for h in &hit.snippet.highlights {
                assert!(hit.snippet.text.get(h.clone()).is_some());
            }
        }
    }
});
