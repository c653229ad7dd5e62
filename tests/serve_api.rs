//! `newsidx serve` over real HTTP: the binary listens on a free loopback port and a hyper client
//! asks the API, over a small invented corpus that includes a hostile article.

mod common;

use common::serve::{HOSTILE_FILE, HOSTILE_TITLE, Server};
use http_body_util::{BodyExt, Empty};
use hyper::body::Bytes;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use serde_json::{Value, json};

struct Response {
    status: u16,
    content_type: String,
    headers: hyper::HeaderMap,
    body: String,
}

impl Response {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

fn get(server: &Server, path: &str) -> Response {
    let url = server.url(path);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let client = Client::builder(TokioExecutor::new()).build_http::<Empty<Bytes>>();
        let uri: hyper::Uri = url.parse().expect("uri");
        let response = client.get(uri).await.expect("request answered");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let content_type = headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string();
        let bytes = response
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes();
        Response {
            status,
            content_type,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    })
}

/// Percent-encodes a query value or a path segment.
fn enc(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn ids(json: &Value) -> Vec<String> {
    json["hits"]
        .as_array()
        .map(|hits| {
            hits.iter()
                .map(|h| h["id"].as_str().unwrap_or("").to_string())
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn search_returns_the_cli_json_with_ids_filters_sort_paging_and_facets() {
    let server = Server::start();
    let q = enc("微信支付 淘宝");
    let r = get(&server, &format!("/api/search?q={q}&sort=newest&facets=1"));
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.content_type, "application/json");
    let json = r.json();
    assert_eq!(json["total"], 3);
    assert_eq!(json["partial"], false);
    assert_eq!(
        ids(&json),
        [
            HOSTILE_FILE.to_string(),
            "pay/b.md".into(),
            "pay/a.md".into()
        ]
    );
    let facets = &json["facets"];
    assert_eq!(facets["category"], json!([{"value": "支付", "count": 3}]));
    assert_eq!(facets["month"], json!([{"value": "2022-03", "count": 3}]));
    assert_eq!(
        facets["source"],
        json!([{"value": "\u{202E}<b>乙报</b>\u{7}", "count": 1}, {"value": "乙报", "count": 1}, {"value": "甲报", "count": 1}])
    );
    let a = &json["hits"][2];
    assert_eq!(a["path"], "corpus/pay/a.md");
    assert_eq!(a["title"], "微信支付接入淘宝");
    assert_eq!(a["published"], "2022-03-02T10:00:00+08:00");
    assert_eq!(
        a["snippet"],
        "3月1日，腾讯宣布<b>微信支付</b>正式接入<b>淘宝</b>。阿里巴巴表示欢迎。"
    );
    // The hostile article's markup reaches the JSON escaped, as the CLI gives it.
    assert_eq!(json["hits"][0]["title"], HOSTILE_TITLE);
    assert_eq!(
        json["hits"][0]["snippet"],
        "&lt;/script&gt; <b>淘宝</b>与<b>微信支付</b> &lt;img src=x onerror=&quot;window.__pwned=2&quot;&gt; \u{202E}反向文字\u{202C}"
    );

    let page = get(
        &server,
        &format!(
            "/api/search?q={q}&sort=newest&n=1&offset=1&source={}",
            enc("乙报")
        ),
    );
    let page = page.json();
    assert_eq!(
        (page["total"].as_u64(), page["offset"].as_u64()),
        (Some(1), Some(1))
    );
    assert_eq!(ids(&page), Vec::<String>::new());
    let page = get(
        &server,
        &format!("/api/search?q={q}&sort=oldest&n=1&offset=1"),
    )
    .json();
    assert_eq!(ids(&page), ["pay/b.md"]);
    let filtered = get(
        &server,
        &format!(
            "/api/search?category={}&since=2021-01-01&until=2021-12-31",
            enc("财经")
        ),
    )
    .json();
    assert_eq!(ids(&filtered), ["fin/c.md"]);
}

#[test]
fn bad_parameters_are_400_naming_them_and_unknown_ids_404() {
    let server = Server::start();
    let cases = [
        (
            "/api/search?q=a&n=101",
            400,
            json!({"error": "at most 100, found 101", "parameter": "n"}),
        ),
        (
            "/api/search?q=a&offset=x",
            400,
            json!({"error": "expected a number, found 'x'", "parameter": "offset"}),
        ),
        (
            "/api/search?q=a&since=2022-02-30",
            400,
            json!({"error": "expected a day as YYYY-MM-DD, found '2022-02-30'", "parameter": "since"}),
        ),
        (
            "/api/search?q=a&sort=best",
            400,
            json!({"error": "expected relevance, newest or oldest, found 'best'", "parameter": "sort"}),
        ),
        (
            "/api/search?q=a&limit=5",
            400,
            json!({"error": "unknown parameter 'limit'", "parameter": "limit"}),
        ),
        (
            "/api/search?q=",
            400,
            json!({"error": "empty query: give words to search for, or a filter such as --since", "parameter": "q"}),
        ),
        (
            "/api/entities?type=CITY",
            400,
            json!({"error": "unknown entity type 'CITY'", "parameter": "type"}),
        ),
        (
            "/api/trends?by=hour",
            400,
            json!({"error": "expected day, week, month or year, found 'hour'", "parameter": "by"}),
        ),
        (
            "/api/doc/pay/none.md",
            404,
            json!({"error": "no article with id 'pay/none.md'"}),
        ),
        (
            "/api/nothing",
            404,
            json!({"error": "no such page or API route"}),
        ),
    ];
    for (path, status, body) in cases {
        let r = get(&server, path);
        assert_eq!((r.status, r.json()), (status, body), "{path}");
        assert_eq!(r.content_type, "application/json", "{path}");
    }
    let long = get(
        &server,
        &format!("/api/search?q={}", enc(&"字".repeat(501))),
    );
    assert_eq!(long.status, 400);
    assert_eq!(long.json()["parameter"], "q");
    let huge = get(&server, &format!("/api/search?q={}", "a".repeat(9000)));
    assert_eq!(huge.status, 414);
}

#[test]
fn doc_is_the_stored_article_with_its_spans_cut_into_segments() {
    let server = Server::start();
    let doc = get(&server, "/api/doc/pay/a.md").json();
    assert_eq!(doc["id"], "pay/a.md");
    assert_eq!(doc["source"], "甲报");
    assert_eq!(doc["url"], "https://example.com/a");
    assert_eq!(
        doc["body"],
        "3月1日，腾讯宣布微信支付正式接入淘宝。阿里巴巴表示欢迎。"
    );
    assert_eq!(
        doc["dates"],
        json!([{"field": "body", "text": "3月1日", "start": 0, "end": 8, "value": "2022-03-01",
                "end_value": "2022-03-01", "granularity": "day"}])
    );
    let segments: Vec<String> = doc["body_segments"]
        .as_array()
        .map(|s| {
            s.iter()
                .map(
                    |seg| match (&seg["entity"]["type"], &seg["date"]["value"]) {
                        (Value::String(t), _) => {
                            format!("{t}:{}", seg["text"].as_str().unwrap_or(""))
                        }
                        (_, Value::String(v)) => {
                            format!("{v}:{}", seg["text"].as_str().unwrap_or(""))
                        }
                        _ => seg["text"].as_str().unwrap_or("").to_string(),
                    },
                )
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(
        segments,
        [
            "2022-03-01:3月1日",
            "，",
            "ORG:腾讯",
            "宣布",
            "PRODUCT:微信支付",
            "正式接入",
            "PRODUCT:淘宝",
            "。",
            "ORG:阿里巴巴",
            "表示欢迎。"
        ]
    );

    let hostile = get(&server, &format!("/api/doc/{}", enc(HOSTILE_FILE))).json();
    assert_eq!(hostile["id"], HOSTILE_FILE);
    assert_eq!(hostile["title"], HOSTILE_TITLE);
    assert_eq!(hostile["source"], "\u{202E}<b>乙报</b>\u{7}");
    assert_eq!(hostile["url"], "javascript:window.__pwned=4");
    let joined: String = hostile["body_segments"]
        .as_array()
        .map(|s| s.iter().filter_map(|seg| seg["text"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(Value::String(joined), hostile["body"]);
}

#[test]
fn entities_stats_trends_terms_and_the_page() {
    let server = Server::start();
    let entities = get(
        &server,
        &format!("/api/entities?q={}&type=ORG&n=2", enc("微信支付")),
    )
    .json();
    assert_eq!(entities["total"], 3);
    assert_eq!(
        entities["entities"],
        json!([{"name": "腾讯", "type": "ORG", "documents": 2},
               {"name": "乙报", "type": "ORG", "documents": 1}])
    );
    let stats = get(&server, "/api/stats").json();
    assert_eq!(stats["documents"], 4);
    assert_eq!(
        stats["months"],
        json!([{"value": "2021-11", "count": 1}, {"value": "2022-03", "count": 3}])
    );
    // The page's timeline: the trends of the result set, per month or week.
    let periods = |json: &Value| -> Vec<String> {
        json["periods"]
            .as_array()
            .map(|ps| {
                ps.iter()
                    .map(|p| {
                        format!(
                            "{}:{}:{}",
                            p["period"].as_str().unwrap_or(""),
                            p["start"].as_str().unwrap_or(""),
                            p["count"]
                        )
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    let months = get(&server, "/api/trends").json();
    assert_eq!(months["total"], 4);
    assert_eq!(
        periods(&months),
        [
            "2021-11:2021-11-01:1",
            "2021-12:2021-12-01:0",
            "2022-01:2022-01-01:0",
            "2022-02:2022-02-01:0",
            "2022-03:2022-03-01:3"
        ]
    );
    let weeks = get(
        &server,
        &format!("/api/trends?by=week&category={}", enc("支付")),
    )
    .json();
    // Trends span every period of the corpus (for shares); the page trims empty ends.
    let weeks = periods(&weeks);
    assert_eq!(weeks.len(), 18);
    assert_eq!(weeks[0], "2021-W46:2021-11-15:0");
    assert_eq!(
        weeks[15..],
        [
            "2022-W09:2022-02-28:1",
            "2022-W10:2022-03-07:0",
            "2022-W11:2022-03-14:2"
        ]
    );
    let terms = get(&server, &format!("/api/terms?q={}&top=3", enc("微信支付"))).json();
    assert_eq!(terms["documents"], 3);
    assert_eq!(terms["terms"].as_array().map(Vec::len), Some(3));

    let page = get(&server, "/");
    assert_eq!(page.status, 200);
    assert_eq!(page.content_type, "text/html; charset=utf-8");
    let csp = page
        .headers
        .get("content-security-policy")
        .and_then(|v| v.to_str().ok());
    assert_eq!(
        csp.map(|c| c.starts_with("default-src 'none'; script-src 'self';")),
        Some(true)
    );
    assert!(
        page.body
            .contains(r#"<script src="/assets/app.js" defer></script>"#)
    );
    let script = get(&server, "/assets/app.js");
    assert_eq!(script.content_type, "text/javascript; charset=utf-8");
    // Nothing from the network, and no HTML built from strings.
    for body in [
        &page.body,
        &script.body,
        &get(&server, "/assets/app.css").body,
    ] {
        assert!(
            !body.contains("http://") && !body.contains("//cdn"),
            "an external URL"
        );
        assert!(!body.contains("innerHTML") && !body.contains("insertAdjacentHTML"));
    }
}

#[test]
fn a_commit_by_a_running_ingest_shows_without_a_restart() {
    let server = Server::start();
    let q = enc("支付宝");
    assert_eq!(
        get(&server, &format!("/api/search?q={q}")).json()["total"],
        1
    );
    server.ws.write(
        "fin/d.md",
        "---\ntitle: 支付宝上线新功能\ndate: 2022-04-01 08:00\nsource: 丙报\n---\n支付宝今天上线新功能。\n",
    );
    assert_eq!(server.ws.ingest().code, 0);
    let started = std::time::Instant::now();
    loop {
        let total = get(&server, &format!("/api/search?q={q}")).json()["total"].clone();
        if total == 2 {
            break;
        }
        assert!(started.elapsed().as_secs() < 30, "still {total} after 30 s");
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

#[test]
fn near_duplicates_fold_into_one_hit_and_similar_lists_them() {
    let ws = common::Workspace::new();
    common::serve::write_corpus(&ws);
    common::serve::near_duplicates(&ws);
    assert_eq!(ws.ingest().code, 0);
    let server = Server::start_in(ws);
    let search = get(&server, &format!("/api/search?q={}", enc("网上零售额"))).json();
    assert_eq!(
        (search["total"].clone(), search["articles"].clone()),
        (json!(1), json!(2))
    );
    assert_eq!(ids(&search), ["dup/one.md"]);
    assert_eq!(
        search["hits"][0]["duplicates"],
        json!(["corpus/dup/two.md"])
    );
    assert_eq!(search["hits"][0]["keywords"][0], "零售额");
    let similar = get(&server, "/api/similar/dup/one.md?n=1").json();
    assert_eq!(similar["article"]["id"], "dup/one.md");
    assert_eq!(
        similar["duplicates"],
        json!([{"id": "dup/two.md", "path": "corpus/dup/two.md", "published": "2022-10-20T15:00:00+08:00",
                "source": "丁报", "title": "网上零售额前三季度增长"}])
    );
    assert_eq!(similar["similar"].as_array().map(Vec::len), Some(1));
    let missing = get(&server, "/api/similar/dup/none.md");
    assert_eq!(
        (missing.status, missing.json()),
        (404, json!({"error": "no article with id 'dup/none.md'"}))
    );
    let bad = get(&server, "/api/similar/dup/one.md?n=101");
    assert_eq!(bad.json()["parameter"], "n");
}

/// An ingest with new user entities changes how queries are cut and which aliases an entity
/// filter knows; the running server follows it with the commit, as it follows documents.
#[test]
fn a_running_server_picks_up_the_dictionary_of_a_new_commit() {
    let server = Server::start();
    let search = |query: &str| get(&server, &format!("/api/search?{query}")).json();
    let q = format!("q={}", enc("星河云付"));
    let alias = format!("entity={}", enc("星河"));
    assert_ne!(search(&q)["parsed"], "星河云付");
    server.ws.write(
        "fin/e.md",
        "---\ntitle: 星河云付完成融资\ndate: 2022-05-01 08:00\nsource: 丙报\n---\n星河云付宣布完成新一轮融资。\n",
    );
    std::fs::write(server.ws.path().join("names.tsv"), "星河云付\tORG\t星河\n").unwrap();
    let run = server.ws.ingest_with(&["--entities", "names.tsv"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let started = std::time::Instant::now();
    loop {
        let parsed = search(&q)["parsed"].clone();
        if parsed == "星河云付" {
            break;
        }
        assert!(
            started.elapsed().as_secs() < 30,
            "still {parsed} after 30 s"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert_eq!(search(&q)["total"], 1);
    assert_eq!(ids(&search(&alias)), vec!["fin/e.md"]);
}
