//! newsidx: a folder of Chinese news articles to a searchable, analysed Tantivy index.
//!
//! The pipeline, one module per stage (see ARCHITECTURE.md):
//! [`discover`] -> [`decode`] -> [`frontmatter`] / [`page`] -> [`clean`] -> analysis
//! ([`analysis`], [`dates`], [`entities`]) -> [`index`], driven by [`ingest`]; and [`query`] -> [`analysis`] -> [`search`] ->
//! [`snippet`] / [`render`].

pub mod analysis;
pub mod article;
pub mod clean;
pub mod config;
pub mod dates;
pub mod decode;
pub mod discover;
pub mod entities;
pub mod error;
pub mod frontmatter;
pub mod index;
pub mod ingest;
pub mod markdown;
pub mod nesting;
pub mod page;
pub mod pubdate;
pub mod query;
pub mod render;
pub mod search;
pub mod snippet;
pub mod trailer;
mod yaml;

/// The crate version, folded into document fingerprints so an upgrade re-parses everything.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
