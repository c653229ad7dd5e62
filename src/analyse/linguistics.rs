//! The one dictionary of a process and what is built on it: jieba with every gazetteer and
//! user entity name added, the analyser (tokenizers) and the entity extractor. Ingest and search
//! build it from the same user entities, so segmentation can never differ between the two.

use std::sync::{Arc, OnceLock};

use jieba_rs::Jieba;

use super::entities::{self, Entity, EntityExtractor, UserEntity};
use super::text::Analyzer;
use crate::error::Error;

/// The one jieba dictionary of a run, with every gazetteer and user entity name added, the
/// analyser built on it, and the entity extractor that uses it. Ingest and search build it from
/// the same user entities, so segmentation can never differ between the two.
pub struct Linguistics {
    pub analyzer: Analyzer,
    entities: EntityExtractor,
    user: Vec<UserEntity>,
}

impl Linguistics {
    pub fn new(user: Vec<UserEntity>) -> Linguistics {
        let mut jieba = Jieba::new();
        let entities = EntityExtractor::new(&mut jieba, &user);
        Linguistics {
            analyzer: Analyzer::new(Arc::new(jieba)),
            entities,
            user,
        }
    }

    /// Builds from a user entity file; errors name the file and the line.
    pub fn from_file(path: &std::path::Path) -> Result<Linguistics, Error> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let user = entities::parse_user_entities(&text)
            .map_err(|e| Error::Usage(format!("{}: {e}", path.display())))?;
        Ok(Linguistics::new(user))
    }

    /// The gazetteer-only instance, built once per process (loading jieba's dictionary takes
    /// a tenth of a second).
    pub fn shared() -> Arc<Linguistics> {
        static SHARED: OnceLock<Arc<Linguistics>> = OnceLock::new();
        SHARED
            .get_or_init(|| Arc::new(Linguistics::new(Vec::new())))
            .clone()
    }

    /// Entities of an article; `title` may be empty.
    pub fn entities(&self, title: &str, body: &str) -> Vec<Entity> {
        self.entities.extract(self.analyzer.jieba(), title, body)
    }

    /// The user entities this instance was built with (part of every document's fingerprint).
    pub fn user_entities(&self) -> &[UserEntity] {
        &self.user
    }
}
