//! Read: a file to a [`Document`], with no analysis in it.
//!
//! [`discover`] walks a corpus root into [`Candidate`]s; [`document`] assembles one file:
//! [`decode`] (bytes to text), [`nesting`] (refuse pathologically deep HTML), front matter
//! ([`frontmatter`], YAML only through `yaml`) and [`markdown`], or a standalone HTML [`page`];
//! [`clean`] turns HTML into paragraphs of text and [`pubdate`] reads publication dates.
//! Everything here is a pure function of the file's bytes and [`ReadOptions`].

pub mod clean;
pub mod decode;
pub mod discover;
pub mod document;
pub mod frontmatter;
pub mod markdown;
pub mod nesting;
pub mod page;
pub mod pubdate;
pub mod trailer;
mod yaml;

pub use discover::{Candidate, Kind};
pub use document::{Document, Read, ReadOptions, read, read_file, read_limited};
