//! The JSON routes. Each handler parses its parameters, runs one library call on the blocking
//! pool (bounded by the app's permits and deadline) and renders it as the CLI's `--json` does.

use std::sync::Arc;

use axum::Json;
use axum::Router;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::{Value, json};

use super::params::{ApiError, MAX_N, Params};
use super::{App, BUSY_WAIT, DEADLINE};
use crate::error::Error;
use crate::render;
use crate::search::Searcher;

type Shared = State<Arc<App>>;

pub fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/api/search", get(search))
        .route("/api/entities", get(entities))
        .route("/api/stats", get(stats))
        .route("/api/doc/{*id}", get(doc))
        .route("/api/trends", get(trends))
        .route("/api/terms", get(terms))
        .route("/api/similar/{*id}", get(similar))
}

/// Runs `work` on the blocking pool once a permit is free; busy or too slow is a 503.
async fn blocking<T, F>(app: &Arc<App>, work: F) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: FnOnce(&Searcher) -> Result<T, ApiError> + Send + 'static,
{
    let busy = || ApiError::status(StatusCode::SERVICE_UNAVAILABLE, "server busy, try again");
    let permit = tokio::time::timeout(BUSY_WAIT, Arc::clone(&app.permits).acquire_owned())
        .await
        .map_err(|_| busy())?
        .map_err(|_| busy())?;
    let app = Arc::clone(app);
    // The permit travels with the work, so a timed-out search still holds it until it ends.
    let task = tokio::task::spawn_blocking(move || {
        let result = work(&app.searcher);
        drop(permit);
        result
    });
    match tokio::time::timeout(DEADLINE, task).await {
        Err(_) => Err(ApiError::status(
            StatusCode::SERVICE_UNAVAILABLE,
            format!("search took longer than {} s", DEADLINE.as_secs()),
        )),
        Ok(Err(_)) => Err(internal("the search failed unexpectedly")),
        Ok(Ok(result)) => result,
    }
}

fn internal(message: &str) -> ApiError {
    ApiError::status(StatusCode::INTERNAL_SERVER_ERROR, message)
}

/// Library errors: a query the planner refuses is the caller's (400 on `q`), anything else ours.
fn library(err: Error) -> ApiError {
    match err {
        Error::Query(message) | Error::Usage(message) => ApiError::bad("q", message),
        other => ApiError::status(StatusCode::INTERNAL_SERVER_ERROR, other.to_string()),
    }
}

fn respond(result: Result<Value, ApiError>) -> Response {
    match result {
        Ok(value) => Json(value).into_response(),
        Err(e) => e.into_response(),
    }
}

async fn search(State(app): Shared, RawQuery(raw): RawQuery) -> Response {
    let run = async {
        let params = Params::parse(raw.as_deref(), &["sort", "offset", "n", "facets"], true)?;
        let request = params.search_request()?;
        blocking(&app, move |s| {
            let results = s.search(&request).map_err(library)?;
            serde_json::to_vec(&render::search_json(&results))
                .map_err(|_| internal("the results could not be written as JSON"))
        })
        .await
    };
    match run.await {
        Ok(body) => ([(header::CONTENT_TYPE, JSON)], body).into_response(),
        Err(e) => e.into_response(),
    }
}

/// The media type `Json` responses carry, for bodies serialised on the blocking pool.
const JSON: HeaderValue = HeaderValue::from_static("application/json");

async fn entities(State(app): Shared, RawQuery(raw): RawQuery) -> Response {
    let run = async {
        let params = Params::parse(raw.as_deref(), &["type", "n"], true)?;
        let (request, kind) = (params.request()?, params.entity_type()?);
        let top = params.number("n", 20, MAX_N)?;
        blocking(&app, move |s| {
            s.top_entities(&request, kind, top)
                .map(|c| render::entities_json(&c))
                .map_err(library)
        })
        .await
    };
    respond(run.await)
}

async fn trends(State(app): Shared, RawQuery(raw): RawQuery) -> Response {
    let run = async {
        let params = Params::parse(raw.as_deref(), &["by", "split", "top"], true)?;
        let request = params.trends_request()?;
        blocking(&app, move |s| {
            s.trends(&request)
                .map(|t| render::trends_json(&t))
                .map_err(library)
        })
        .await
    };
    respond(run.await)
}

async fn terms(State(app): Shared, RawQuery(raw): RawQuery) -> Response {
    let run = async {
        let params = Params::parse(raw.as_deref(), &["top"], true)?;
        let request = params.terms_request()?;
        blocking(&app, move |s| {
            s.terms(&request)
                .map(|t| render::terms_json(&t))
                .map_err(library)
        })
        .await
    };
    respond(run.await)
}

async fn stats(State(app): Shared, RawQuery(raw): RawQuery) -> Response {
    let run = async {
        Params::parse(raw.as_deref(), &[], false)?;
        let index = app.index.clone();
        blocking(&app, move |_| {
            crate::search::stats::stats(&index)
                .map(|s| render::stats_json(&s))
                .map_err(library)
        })
        .await
    };
    respond(run.await)
}

async fn doc(State(app): Shared, id: Result<Path<String>, PathRejection>) -> Response {
    let Ok(Path(id)) = id else {
        return ApiError::bad("id", "the id is not valid percent-encoded UTF-8").into_response();
    };
    let run = blocking(&app, move |s| match s.article(&id).map_err(library)? {
        Some(article) => Ok(render::article_json(&article)),
        None => Err(unknown(&id)),
    });
    respond(run.await)
}

/// Near-duplicates and related articles of one article (ids only: no file paths on disk).
async fn similar(
    State(app): Shared,
    id: Result<Path<String>, PathRejection>,
    RawQuery(raw): RawQuery,
) -> Response {
    let Ok(Path(id)) = id else {
        return ApiError::bad("id", "the id is not valid percent-encoded UTF-8").into_response();
    };
    let run = async {
        let params = Params::parse(raw.as_deref(), &["n"], false)?;
        let limit = params.number("n", 10, MAX_N)?;
        blocking(&app, move |s| {
            if s.article(&id).map_err(library)?.is_none() {
                return Err(unknown(&id));
            }
            s.similar(&id, limit)
                .map(|r| render::similar_json(&r))
                .map_err(library)
        })
        .await
    };
    respond(run.await)
}

fn unknown(id: &str) -> ApiError {
    ApiError::status(StatusCode::NOT_FOUND, format!("no article with id '{id}'"))
}

/// Unknown paths are JSON 404s too.
pub async fn not_found() -> Response {
    ApiError::status(StatusCode::NOT_FOUND, "no such page or API route").into_response()
}

/// What a caught panic answers: no message, no trace.
pub fn panic_response() -> Response {
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        Json(json!({"error": "internal error"})),
    )
        .into_response()
}
