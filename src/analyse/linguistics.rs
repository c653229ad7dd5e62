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

    /// Entities of an article extracted with `model` instead of the shipped one (`None`: the
    /// rules that stand in for a model): for evaluating other models.
    pub fn entities_with(
        &self,
        title: &str,
        body: &str,
        model: Option<&entities::model::Model>,
    ) -> Vec<Entity> {
        let text = format!("{}\n{body}", title.trim());
        let text = text.strip_prefix('\n').unwrap_or(&text);
        self.entities
            .extract_with(self.analyzer.jieba(), text, model)
    }

    /// The canonical name for a name a user typed (`阿里` is filed under `阿里巴巴` when the
    /// gazetteer says they are one entity); unknown names as typed. Uses the gazetteer and
    /// rules only, so a search never parses the entity model.
    pub fn canonical_entity(&self, name: &str) -> String {
        let name = name.trim();
        self.entities
            .extract_with(self.analyzer.jieba(), name, None)
            .into_iter()
            .find(|e| e.mentions.iter().any(|m| m == name))
            .map_or_else(|| name.to_string(), |e| e.name)
    }

    /// The entity model's input for `text`, exactly as extraction builds it: what `train_ner`
    /// learns from.
    pub fn model_input(&self, text: &str) -> entities::model::Prepared {
        self.entities.model_input(self.analyzer.jieba(), text)
    }

    /// Entity spans of `text` (byte offsets) before grouping, extracted with `model` (or with
    /// the rules that stand in for one): for evaluation on sentence-level corpora.
    pub fn entity_spans(
        &self,
        text: &str,
        model: Option<&entities::model::Model>,
    ) -> Vec<(usize, usize, entities::EntityType)> {
        self.entities.spans(self.analyzer.jieba(), text, model)
    }

    /// The user entities this instance was built with (part of every document's fingerprint).
    pub fn user_entities(&self) -> &[UserEntity] {
        &self.user
    }
}
