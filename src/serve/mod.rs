//! `newsidx serve`: the web page and its JSON API over one index, opened read-only.
//!
//! Every route is a thin handler: it parses parameters ([`params`]), calls the library
//! ([`Searcher`], [`stats`](crate::search::stats)), and renders with [`render`](crate::render),
//! so the API returns the same JSON as the CLI's `--json`. Searching runs on tokio's blocking
//! pool behind a semaphore with a deadline, so a slow query cannot starve the others; the
//! searcher's reader reloads on every commit ([`Searcher::open_following`]), so a running or
//! cron ingest shows up without a restart.

mod api;
mod params;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tokio::sync::Semaphore;
use tower::limit::GlobalConcurrencyLimitLayer;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::limit::RequestBodyLimitLayer;

use crate::error::Error;
use crate::search::Searcher;

pub use params::{MAX_N, MAX_QUERY_CHARS};

/// Searches running at once; more wait for a permit.
pub const SEARCH_PERMITS: usize = 4;
/// How long a request waits for a permit before it is told the server is busy (503).
pub const BUSY_WAIT: Duration = Duration::from_secs(5);
/// How long a search may run before its request gets 503 (the work finishes in the background
/// and keeps its permit until then, so runaway queries cannot pile up).
pub const DEADLINE: Duration = Duration::from_secs(10);
/// Requests handled at once, of any kind.
pub const MAX_CONNECTIONS: usize = 256;

/// What the handlers share.
pub struct App {
    pub searcher: Searcher,
    pub index: PathBuf,
    permits: Arc<Semaphore>,
}

impl App {
    pub fn new(searcher: Searcher, index: PathBuf) -> App {
        App {
            searcher,
            index,
            permits: Arc::new(Semaphore::new(SEARCH_PERMITS)),
        }
    }
}

/// Opens the index and serves until the process is stopped. `on_listening` is told the bound
/// address (port 0 picks a free one).
pub fn run(
    searcher: Searcher,
    index: PathBuf,
    addr: SocketAddr,
    on_listening: impl FnOnce(SocketAddr),
) -> Result<(), Error> {
    let io = |source| Error::Io {
        path: PathBuf::from(addr.to_string()),
        source,
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .max_blocking_threads(SEARCH_PERMITS * 2)
        .build()
        .map_err(io)?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(addr).await.map_err(io)?;
        on_listening(listener.local_addr().map_err(io)?);
        let app = Arc::new(App::new(searcher, index));
        axum::serve(listener, router(app)).await.map_err(io)
    })
}

/// The page, its assets and the API, with the limits and the panic guard.
pub fn router(app: Arc<App>) -> Router {
    Router::new()
        .route("/", get(page))
        .route("/assets/app.js", get(script))
        .route("/assets/app.css", get(style))
        .merge(api::routes())
        .fallback(api::not_found)
        .with_state(app)
        .layer(CatchPanicLayer::custom(
            |_: Box<dyn std::any::Any + Send>| api::panic_response(),
        ))
        .layer(RequestBodyLimitLayer::new(16 * 1024))
        .layer(GlobalConcurrencyLimitLayer::new(MAX_CONNECTIONS))
}

/// Scripts only from this server, nothing inline, no plugins, no framing: a second line of
/// defence behind the page's own escaping.
const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; \
                   connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

fn asset(body: &'static str, kind: &'static str) -> Response {
    let mut response = (StatusCode::OK, body).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    response
}

async fn page() -> Response {
    asset(
        include_str!("assets/index.html"),
        "text/html; charset=utf-8",
    )
}

async fn script() -> Response {
    asset(
        include_str!("assets/app.js"),
        "text/javascript; charset=utf-8",
    )
}

async fn style() -> Response {
    asset(include_str!("assets/app.css"), "text/css; charset=utf-8")
}
