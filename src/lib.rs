//! newsidx: a folder of Chinese news articles to a searchable, analysed Tantivy index.
//!
//! Two pipelines (see ARCHITECTURE.md):
//! - ingest: [`read`] (file to document) -> [`analyse`] (text to dates and entities) ->
//!   [`index`], joined by the one orchestrator, [`ingest`];
//! - query: [`search`] (parse, plan, search, snippets) -> [`render`] (text or JSON).
//!
//! [`analyse::text`] is the one normaliser and analyser both pipelines use.

pub mod analyse;
pub mod config;
pub mod error;
pub mod index;
pub mod ingest;
pub mod read;
pub mod render;
pub mod search;
pub mod serve;
pub mod stages;
pub mod years;

/// The crate version, folded into document fingerprints so an upgrade re-parses everything.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
