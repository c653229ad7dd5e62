//! Query-string parameters of the API, checked: an unknown name, a bad value or a value out of
//! bounds is an [`ApiError`] that names the parameter (400).

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::analyse::entities::EntityType;
use crate::search::terms::{self, TermsRequest};
use crate::search::trends::{self, Interval, Split, TrendsRequest};
use crate::search::{MAX_OFFSET, SearchRequest, Sort};
use crate::years;

/// Longest query accepted, in characters.
pub const MAX_QUERY_CHARS: usize = 500;
/// Most hits (or entities) one request may ask for.
pub const MAX_N: usize = 100;
/// Longest query string accepted, in bytes.
const MAX_QUERY_STRING: usize = 8 * 1024;
/// Values one repeatable filter may have.
const MAX_VALUES: usize = 20;

/// Filter names every search-like route accepts.
const FILTERS: &[&str] = &[
    "q",
    "since",
    "until",
    "source",
    "category",
    "tag",
    "site",
    "author",
    "entity",
    "mentions",
    "mentions_from",
    "mentions_to",
];

/// An error answered as `{"error": message, "parameter": name}` with its status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub status: StatusCode,
    pub message: String,
    pub parameter: Option<String>,
}

impl ApiError {
    pub fn bad(parameter: &str, message: impl Into<String>) -> ApiError {
        ApiError {
            status: StatusCode::BAD_REQUEST,
            message: message.into(),
            parameter: Some(parameter.to_string()),
        }
    }

    pub fn status(status: StatusCode, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            message: message.into(),
            parameter: None,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = match &self.parameter {
            Some(p) => json!({"error": self.message, "parameter": p}),
            None => json!({"error": self.message}),
        };
        (self.status, Json(body)).into_response()
    }
}

/// The decoded `name=value` pairs of one request.
pub struct Params(Vec<(String, String)>);

impl Params {
    /// Decodes the query string and refuses names outside `allowed` and [`FILTERS`] when
    /// `filters` is set.
    pub fn parse(raw: Option<&str>, allowed: &[&str], filters: bool) -> Result<Params, ApiError> {
        let raw = raw.unwrap_or("");
        if raw.len() > MAX_QUERY_STRING {
            return Err(ApiError::status(
                StatusCode::URI_TOO_LONG,
                format!("query string longer than {MAX_QUERY_STRING} bytes"),
            ));
        }
        let pairs: Vec<(String, String)> = form_urlencoded::parse(raw.as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        for (name, _) in &pairs {
            let known =
                allowed.contains(&name.as_str()) || (filters && FILTERS.contains(&name.as_str()));
            if !known {
                return Err(ApiError::bad(name, format!("unknown parameter '{name}'")));
            }
        }
        Ok(Params(pairs))
    }

    /// The last value of `name`, if given and not empty.
    pub fn one(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .rev()
            .find(|(k, v)| k == name && !v.is_empty())
            .map(|(_, v)| v.as_str())
    }

    /// Every non-empty value of `name`.
    pub fn all(&self, name: &str) -> Result<Vec<String>, ApiError> {
        let values: Vec<String> = self
            .0
            .iter()
            .filter(|(k, v)| k == name && !v.is_empty())
            .map(|(_, v)| v.clone())
            .collect();
        if values.len() > MAX_VALUES {
            return Err(ApiError::bad(
                name,
                format!("more than {MAX_VALUES} values"),
            ));
        }
        Ok(values)
    }

    /// A number no larger than `max` (default when absent).
    pub fn number(&self, name: &str, default: usize, max: usize) -> Result<usize, ApiError> {
        let Some(text) = self.one(name) else {
            return Ok(default);
        };
        let n: usize = text
            .parse()
            .map_err(|_| ApiError::bad(name, format!("expected a number, found '{text}'")))?;
        if n > max {
            return Err(ApiError::bad(name, format!("at most {max}, found {n}")));
        }
        Ok(n)
    }

    /// `1`/`true` or `0`/`false`.
    pub fn flag(&self, name: &str) -> Result<bool, ApiError> {
        match self.one(name) {
            None | Some("0") | Some("false") => Ok(false),
            Some("1") | Some("true") => Ok(true),
            Some(other) => Err(ApiError::bad(
                name,
                format!("expected 1 or 0, found '{other}'"),
            )),
        }
    }

    /// The query and filters as a library request (no paging).
    pub fn request(&self) -> Result<SearchRequest, ApiError> {
        let query = self.one("q").unwrap_or("").to_string();
        if query.chars().count() > MAX_QUERY_CHARS {
            return Err(ApiError::bad(
                "q",
                format!("longer than {MAX_QUERY_CHARS} characters"),
            ));
        }
        let day = |name: &str| {
            self.one(name)
                .map(|t| years::parse_day(t).map_err(|e| ApiError::bad(name, e)))
                .transpose()
        };
        let period = |name: &str| {
            self.one(name)
                .map(|t| years::parse_period(t).map_err(|e| ApiError::bad(name, e)))
                .transpose()
        };
        let mentions = match (
            period("mentions")?,
            period("mentions_from")?,
            period("mentions_to")?,
        ) {
            (Some((start, end)), _, _) => Some((Some(start), Some(end))),
            (None, None, None) => None,
            (None, from, to) => Some((from.map(|p| p.0), to.map(|p| p.1))),
        };
        Ok(SearchRequest {
            query,
            since: day("since")?,
            until: day("until")?,
            categories: self.all("category")?,
            sources: self.all("source")?,
            sites: self.all("site")?,
            tags: self.all("tag")?,
            authors: self.all("author")?,
            entities: self.all("entity")?,
            mentions,
            ..SearchRequest::default()
        })
    }

    /// `relevance` (default), `newest` or `oldest`.
    pub fn sort(&self) -> Result<Sort, ApiError> {
        match self.one("sort") {
            None | Some("relevance") => Ok(Sort::Relevance),
            Some("newest") => Ok(Sort::Newest),
            Some("oldest") => Ok(Sort::Oldest),
            Some(other) => Err(ApiError::bad(
                "sort",
                format!("expected relevance, newest or oldest, found '{other}'"),
            )),
        }
    }

    /// The `/api/search` request: filters, sort, `offset`, `n` (default 10) and `facets`.
    pub fn search_request(&self) -> Result<SearchRequest, ApiError> {
        Ok(SearchRequest {
            sort: self.sort()?,
            offset: self.number("offset", 0, MAX_OFFSET)?,
            limit: self.number("n", 10, MAX_N)?,
            facets: self.flag("facets")?,
            ..self.request()?
        })
    }

    /// `type=PER|ORG|…` of `/api/entities`.
    pub fn entity_type(&self) -> Result<Option<EntityType>, ApiError> {
        self.one("type")
            .map(|t| {
                EntityType::ALL
                    .iter()
                    .copied()
                    .find(|k| k.as_str().eq_ignore_ascii_case(t))
                    .ok_or_else(|| ApiError::bad("type", format!("unknown entity type '{t}'")))
            })
            .transpose()
    }

    /// The `/api/trends` request: filters, `by` (day, week, month or year; default month),
    /// `split` (source, category or entity:TYPE) and `top` (series with `split`).
    pub fn trends_request(&self) -> Result<TrendsRequest, ApiError> {
        let by = match self.one("by") {
            None => Interval::Month,
            Some(t) => t.parse().map_err(|e: String| ApiError::bad("by", e))?,
        };
        let split = self
            .one("split")
            .map(|t| t.parse::<Split>().map_err(|e| ApiError::bad("split", e)))
            .transpose()?;
        Ok(TrendsRequest {
            search: self.request()?,
            by,
            split,
            top: self.number("top", trends::DEFAULT_TOP, trends::MAX_TOP)?,
        })
    }

    /// The `/api/terms` request: filters and `top` (default 20, at most 100).
    pub fn terms_request(&self) -> Result<TermsRequest, ApiError> {
        Ok(TermsRequest {
            search: self.request()?,
            top: self.number("top", terms::DEFAULT_TOP, MAX_N)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(raw: &str) -> Result<Params, ApiError> {
        Params::parse(Some(raw), &["n", "offset", "sort", "facets"], true)
    }

    #[test]
    fn filters_repeat_and_decode() {
        let p =
            params("q=%E5%BE%AE%E4%BF%A1+%E6%B7%98%E5%AE%9D&source=a&source=b&since=2022-01-01")
                .unwrap();
        let r = p.search_request().unwrap();
        assert_eq!(r.query, "微信 淘宝");
        assert_eq!(r.sources, ["a", "b"]);
        assert_eq!(r.since, chrono::NaiveDate::from_ymd_opt(2022, 1, 1));
        assert_eq!(r.limit, 10);
    }

    #[test]
    fn bad_values_name_their_parameter() {
        let name = |raw: &str| match params(raw).and_then(|p| p.search_request()) {
            Err(e) => (e.status.as_u16(), e.parameter.unwrap_or_default()),
            Ok(_) => (200, String::new()),
        };
        assert_eq!(name("n=101"), (400, "n".into()));
        assert_eq!(name("n=-1"), (400, "n".into()));
        assert_eq!(name("since=2022-13-01"), (400, "since".into()));
        assert_eq!(name("mentions=20x"), (400, "mentions".into()));
        assert_eq!(name("sort=best"), (400, "sort".into()));
        assert_eq!(name("facets=yes"), (400, "facets".into()));
        assert_eq!(name("bogus=1"), (400, "bogus".into()));
        assert_eq!(name(&format!("q={}", "字".repeat(501))), (400, "q".into()));
        assert_eq!(
            name(&format!("q={}", "字".repeat(500))),
            (200, String::new())
        );
    }
}
