//! The web page in headless Chromium (Debian's `chromium` and `chromium-driver`), driven over
//! WebDriver with fantoccini: search, click a source facet, click a timeline bar, open an
//! article; and a hostile article whose markup must show as text and run nothing. Screenshots
//! go to `target/serve-screenshots/` for review.
//!
//! Without a browser the tests print `SKIPPED: <why>` and pass, unless
//! `NEWSIDX_REQUIRE_BROWSER=1` (set by `.ci/run` after it installs them), where that fails.

mod common;

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::serve::{HOSTILE_TITLE, Server};
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{Value, json};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const WAIT: Duration = Duration::from_secs(20);

/// chromedriver, killed on drop.
struct Driver(Child, u16);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The browser, or why there is none (a skip, or a failure when CI requires a browser).
fn browser() -> Option<Driver> {
    let missing = [CHROMIUM, CHROMEDRIVER]
        .into_iter()
        .find(|p| !Path::new(p).is_file());
    if let Some(path) = missing {
        let why = format!("{path} is not installed (apt-get install chromium chromium-driver)");
        assert!(
            std::env::var_os("NEWSIDX_REQUIRE_BROWSER").is_none(),
            "NEWSIDX_REQUIRE_BROWSER is set but {why}"
        );
        println!("SKIPPED: {why}");
        return None;
    }
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port");
    let child = Command::new(CHROMEDRIVER)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver starts");
    let started = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(started.elapsed() < WAIT, "chromedriver did not listen");
        std::thread::sleep(Duration::from_millis(50));
    }
    Some(Driver(child, port))
}

async fn connect(driver: &Driver, width: u32) -> Client {
    let args = [
        "--headless=new".to_string(),
        "--no-sandbox".into(),
        "--disable-gpu".into(),
        "--disable-dev-shm-usage".into(),
        "--no-first-run".into(),
        format!("--window-size={width},900"),
    ];
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        json!({"binary": CHROMIUM, "args": args}),
    );
    ClientBuilder::new(HttpConnector::new())
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{}", driver.1))
        .await
        .expect("a WebDriver session")
}

/// Polls a script until it returns `want` (or fails after [`WAIT`] showing the last value); a
/// script error (an element not there yet) counts as not yet.
async fn wait_for(client: &Client, script: &str, want: Value) {
    let started = Instant::now();
    loop {
        let got = match client.execute(script, vec![]).await {
            Ok(value) => value,
            Err(e) => Value::String(format!("script error: {e}")),
        };
        if got == want {
            return;
        }
        assert!(
            started.elapsed() < WAIT,
            "{script}\n  wanted {want}\n  got {got}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn eval(client: &Client, script: &str) -> Value {
    client.execute(script, vec![]).await.expect("script runs")
}

async fn click(client: &Client, css: &str) {
    client
        .wait()
        .at_most(WAIT)
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .click()
        .await
        .unwrap_or_else(|e| panic!("click {css}: {e}"));
}

async fn screenshot(client: &Client, name: &str) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/serve-screenshots");
    let png = client.screenshot().await.expect("screenshot");
    std::fs::create_dir_all(&dir).expect("screenshot dir");
    std::fs::write(dir.join(name), png).expect("screenshot written");
}

const TITLES: &str =
    "return [...document.querySelectorAll('#results .hit h2')].map(e => e.textContent)";
const SUMMARY: &str = "return document.getElementById('summary').textContent.split('，')[0]";
const URL: &str =
    "return [...new URLSearchParams(location.search)].map(p => p.join('=')).join('&')";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_facet_timeline_and_article_view() {
    let Some(driver) = browser() else { return };
    let server = Server::start();
    let client = connect(&driver, 1280).await;
    client.goto(&server.url("/")).await.expect("page loads");
    wait_for(&client, SUMMARY, json!("最新文章：共 4 篇")).await;

    let q = client.find(Locator::Id("q")).await.expect("search box");
    q.send_keys("微信支付 淘宝").await.expect("typing");
    click(&client, "#search-form button").await;
    wait_for(&client, SUMMARY, json!("共 3 篇")).await;
    wait_for(&client, URL, json!("q=微信支付 淘宝")).await;
    screenshot(&client, "search.png").await;

    click(
        &client,
        "#facets button[data-facet=source][data-value='甲报']",
    )
    .await;
    wait_for(&client, SUMMARY, json!("共 1 篇")).await;
    wait_for(&client, TITLES, json!(["微信支付接入淘宝"])).await;
    wait_for(&client, URL, json!("q=微信支付 淘宝&source=甲报")).await;
    wait_for(
        &client,
        "return [...document.querySelectorAll('#active .chip')].map(c => c.firstChild.textContent)",
        json!(["甲报"]),
    )
    .await;

    // One month of results: the timeline switches to weeks.
    wait_for(
        &client,
        "return [...document.querySelectorAll('#timeline .bar')].map(b => b.dataset.period + ':' + b.dataset.start + ':' + b.dataset.count)",
        json!(["2022-W09:2022-02-28:1"]),
    )
    .await;
    click(&client, "#timeline .bar").await;
    wait_for(
        &client,
        URL,
        json!("q=微信支付 淘宝&since=2022-02-28&until=2022-03-06&source=甲报"),
    )
    .await;
    wait_for(&client, SUMMARY, json!("共 1 篇")).await;

    click(&client, "#results .hit h2 a").await;
    wait_for(
        &client,
        "return document.getElementById('doc-title').textContent",
        json!("微信支付接入淘宝"),
    )
    .await;
    wait_for(
        &client,
        "return [...document.querySelectorAll('#doc-body .ent')].map(e => e.dataset.type + ':' + e.textContent)",
        json!(["ORG:腾讯", "PRODUCT:微信支付", "PRODUCT:淘宝", "ORG:阿里巴巴"]),
    )
    .await;
    wait_for(
        &client,
        "return [...document.querySelectorAll('#doc-body time.date')].map(e => e.textContent + '=' + e.title)",
        json!(["3月1日=2022-03-01"]),
    )
    .await;
    wait_for(
        &client,
        "return [...document.querySelectorAll('#doc-meta a')].map(a => a.getAttribute('href'))",
        json!(["https://example.com/a"]),
    )
    .await;
    wait_for(&client, "return ['search-view', 'doc-view'].map(id => getComputedStyle(document.getElementById(id)).display)", json!(["none", "block"])).await;
    screenshot(&client, "article.png").await;

    client.back().await.expect("back");
    wait_for(&client, TITLES, json!(["微信支付接入淘宝"])).await;
    let shown = "return ['search-view', 'doc-view'].map(id => getComputedStyle(document.getElementById(id)).display)";
    wait_for(&client, shown, json!(["grid", "none"])).await;
    client.close().await.expect("session closes");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hostile_article_shows_as_text_and_runs_nothing_at_phone_width() {
    let Some(driver) = browser() else { return };
    let server = Server::start();
    let client = connect(&driver, 390).await;
    client
        .goto(&server.url("/?q=%E6%B7%98%E5%AE%9D&sort=newest"))
        .await
        .expect("page loads");
    wait_for(&client, SUMMARY, json!("共 3 篇")).await;
    let titles = eval(&client, TITLES).await;
    assert_eq!(titles[0], json!(HOSTILE_TITLE));
    // The source's right-to-left override and bell are shown as code points, in order.
    let source = "return document.querySelector('#results .hit .source').textContent";
    assert_eq!(
        eval(&client, source).await,
        json!("U+202E<b>乙报</b>U+0007")
    );
    screenshot(&client, "hostile-results-phone.png").await;

    click(&client, "#results .hit h2 a").await;
    wait_for(
        &client,
        "return document.getElementById('doc-title').textContent",
        json!(HOSTILE_TITLE),
    )
    .await;
    wait_for(
        &client,
        "return document.getElementById('doc-body').textContent",
        json!("<script>window.__pwned=2</script> 淘宝与微信支付 <img src=x onerror=\"window.__pwned=2\"> U+202E反向文字U+202C"),
    )
    .await;
    screenshot(&client, "hostile-article-phone.png").await;
    // Nothing ran, nothing was parsed into elements, and the javascript: URL is not a link.
    let checks = "return [typeof window.__pwned, document.scripts.length, document.images.length, \
                  document.querySelectorAll('a[href^=\"javascript\" i]').length, \
                  document.querySelector('#doc-meta .url-text').textContent]";
    assert_eq!(
        eval(&client, checks).await,
        json!(["undefined", 1, 0, 0, "javascript:window.__pwned=4"])
    );
    client.close().await.expect("session closes");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn near_duplicates_show_as_plus_n_similar_and_in_the_article_view() {
    let Some(driver) = browser() else { return };
    let ws = common::Workspace::new();
    common::serve::write_corpus(&ws);
    common::serve::near_duplicates(&ws);
    assert_eq!(ws.ingest().code, 0);
    let server = Server::start_in(ws);
    let client = connect(&driver, 1280).await;
    let q = "%E7%BD%91%E4%B8%8A%E9%9B%B6%E5%94%AE%E9%A2%9D"; // 网上零售额
    client
        .goto(&server.url(&format!("/?q={q}")))
        .await
        .expect("page loads");
    wait_for(&client, TITLES, json!(["前三季度网上零售额增长"])).await;
    let similar = "return document.querySelector('#results .similar').textContent";
    assert_eq!(eval(&client, similar).await, json!("+1 相似"));
    let keyword = "return document.querySelector('#results .keyword').textContent";
    assert_eq!(eval(&client, keyword).await, json!("零售额"));
    click(&client, "#results .hit h2 a").await;
    wait_for(
        &client,
        "return [...document.querySelectorAll('#duplicates li a')].map(a => a.textContent)",
        json!(["网上零售额前三季度增长"]),
    )
    .await;
    screenshot(&client, "duplicates.png").await;
    client.close().await.expect("session closes");
}
