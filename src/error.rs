//! Typed errors. A [`Rejection`] costs one file and the batch goes on; an [`Error`] stops the
//! command. Messages name what was expected and where, because they are read in cron mail by
//! someone who did not write the file.

use std::path::PathBuf;

/// Why one file could not become an article. Displayed after `path: `.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum Rejection {
    #[error("cannot read file: {0}")]
    Unreadable(String),
    #[error("file is {size} bytes, over the --max-file-size limit of {limit} bytes")]
    TooLarge { size: u64, limit: u64 },
    #[error("empty file")]
    Empty,
    #[error("binary content ({0}), not a text article")]
    Binary(String),
    #[error("front matter: opening '---' on line {line} has no closing '---' line")]
    UnterminatedFrontMatter { line: usize },
    #[error("front matter: {0}")]
    Yaml(String),
    #[error("front matter: field '{field}': expected {expected}, found {found}")]
    FieldType {
        field: String,
        expected: &'static str,
        found: &'static str,
    },
    #[error("HTML nested more than {limit} block elements deep; refusing to parse it")]
    TooDeep { limit: usize },
    #[error("no article text: {0}")]
    NoContent(String),
}

/// Something that stops a whole command.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("index {path}: {message}")]
    Index { path: PathBuf, message: String },
    /// Another ingest holds the index's writer lock (exit 75, EX_TEMPFAIL: cron may retry).
    #[error("index {path} is being written by another newsidx ingest; try again later")]
    Locked { path: PathBuf },
    /// The corpus folder is missing or unreadable: nothing may be deleted on its account.
    #[error("corpus folder {path}: {source}; nothing was changed")]
    Corpus {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The run would delete more documents than `--max-delete` allows.
    #[error(
        "index {path}: this run would delete {would} of {indexed} documents, more than --max-delete {limit}; \
         nothing was changed. If those files are really gone, run again with --max-delete 100%"
    )]
    TooManyDeletes {
        path: PathBuf,
        would: usize,
        indexed: usize,
        limit: String,
    },
    /// The index mirrors another folder.
    #[error(
        "index {path} was built from {recorded}, not {given}; nothing was changed. \
         Use --replace to replace its contents with {given}"
    )]
    OtherRoot {
        path: PathBuf,
        recorded: String,
        given: String,
    },
    #[error("--strict: {rejected} file(s) rejected; nothing was committed, the index is unchanged")]
    Strict { rejected: usize },
    #[error("{0}")]
    Usage(String),
    #[error("{0}")]
    Query(String),
}

impl Error {
    pub fn index(path: impl Into<PathBuf>, err: impl std::fmt::Display) -> Error {
        Error::Index {
            path: path.into(),
            message: err.to_string(),
        }
    }
}
