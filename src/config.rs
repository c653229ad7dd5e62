//! `newsidx.toml`, read from the current folder: settings a team wants fixed for every run
//! rather than repeated in each cron line. Command-line flags override it.
//!
//! ```toml
//! entities = "entities.tsv"   # user entity file, relative to newsidx.toml
//! dict = "words.txt"           # user dictionary (jieba `word [freq] [tag]`)
//! synonyms = "synonyms.txt"    # query synonyms, one comma-separated group per line
//! ```

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::Error;

pub const FILE_NAME: &str = "newsidx.toml";

#[derive(Debug, Default, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// User entity file (`name<TAB>type[<TAB>alias,...]`).
    pub entities: Option<PathBuf>,
    /// User dictionary (`word [freq] [tag]`), used at index and query time.
    pub dict: Option<PathBuf>,
    /// Synonym groups, expanded at query time only.
    pub synonyms: Option<PathBuf>,
}

/// Reads `dir/newsidx.toml` when there is one; relative paths in it are resolved against `dir`.
pub fn load(dir: &Path) -> Result<Config, Error> {
    let path = dir.join(FILE_NAME);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Config::default()),
        Err(source) => return Err(Error::Io { path, source }),
    };
    let mut config: Config = toml::from_str(&text)
        .map_err(|e| Error::Usage(format!("{}: {}", path.display(), e.message())))?;
    for path in [&mut config.entities, &mut config.dict, &mut config.synonyms]
        .into_iter()
        .flatten()
    {
        if path.is_relative() && dir != Path::new(".") {
            *path = dir.join(&*path);
        }
    }
    Ok(config)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_file_is_the_default() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(load(dir.path()).unwrap(), Config::default());
    }

    #[test]
    fn relative_paths_are_resolved_and_unknown_keys_refused() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(FILE_NAME), "entities = \"names.tsv\"\n").unwrap();
        assert_eq!(
            load(dir.path()).unwrap().entities,
            Some(dir.path().join("names.tsv"))
        );
        std::fs::write(dir.path().join(FILE_NAME), "entitie = \"x\"\n").unwrap();
        let err = load(dir.path()).unwrap_err().to_string();
        assert!(err.contains("unknown field `entitie`"), "{err}");
    }
}
