//! The one dictionary of a process and what is built on it: jieba with every gazetteer and
//! user entity name added, the analyser (tokenizers) and the entity extractor. Ingest and search
//! build it from the same user entities, so segmentation can never differ between the two.

use std::sync::{Arc, OnceLock};

use jieba_rs::Jieba;

use super::dictionary::{self, UserWord};
use super::entities::{self, Entity, EntityExtractor, UserEntity};
use super::text::{Analyzer, normalize};
use crate::error::Error;

/// The one jieba dictionary of a run, with every gazetteer and user entity name added, the
/// analyser built on it, and the entity extractor that uses it. Ingest and search build it from
/// the same user entities, so segmentation can never differ between the two.
pub struct Linguistics {
    pub analyzer: Analyzer,
    /// Built on first use: a search process segments but (without `--entity`) never extracts,
    /// and building the gazetteer automaton would cost it a third of its start-up.
    entities: OnceLock<EntityExtractor>,
    user: Vec<UserEntity>,
    words: Vec<UserWord>,
}

impl Linguistics {
    pub fn new(user: Vec<UserEntity>) -> Linguistics {
        Linguistics::with_dictionary(user, Vec::new())
    }

    /// With user entities and a user dictionary. Dictionary words are added after the
    /// gazetteer, so the user has the last word; each is added as written (entity extraction
    /// reads the original text) and as normalised (the tokenizers read folded text).
    pub fn with_dictionary(user: Vec<UserEntity>, words: Vec<UserWord>) -> Linguistics {
        let mut jieba = Jieba::new();
        entities::add_names(&mut jieba, &user);
        for w in &words {
            let folded = normalize(&w.word).text;
            for form in [w.word.as_str(), folded.as_str()] {
                jieba.add_word(form, w.freq, w.tag.as_deref());
            }
        }
        Linguistics {
            analyzer: Analyzer::new(Arc::new(jieba)),
            entities: OnceLock::new(),
            user,
            words,
        }
    }

    /// Builds from an optional user entity file and an optional user dictionary; errors name
    /// the file and the line.
    pub fn load(
        entities: Option<&std::path::Path>,
        dictionary: Option<&std::path::Path>,
    ) -> Result<Linguistics, Error> {
        let user = match entities {
            Some(path) => entities::parse_user_entities(&read(path)?)
                .map_err(|e| Error::Usage(format!("{}: {e}", path.display())))?,
            None => Vec::new(),
        };
        let words = match dictionary {
            Some(path) => dictionary::parse_user_dictionary(&read(path)?)
                .map_err(|e| Error::Usage(format!("{}: {e}", path.display())))?,
            None => Vec::new(),
        };
        Ok(Linguistics::with_dictionary(user, words))
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
        self.extractor().extract(self.analyzer.jieba(), title, body)
    }

    /// The entity extractor, built on first use for the names already in the dictionary.
    fn extractor(&self) -> &EntityExtractor {
        self.entities
            .get_or_init(|| EntityExtractor::for_names(&self.user))
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
        self.extractor()
            .extract_with(self.analyzer.jieba(), text, model)
    }

    /// The canonical name for a name a user typed (`阿里` is filed under `阿里巴巴` when the
    /// gazetteer says they are one entity); unknown names as typed. Uses the gazetteer and
    /// rules only, so a search never parses the entity model.
    pub fn canonical_entity(&self, name: &str) -> String {
        let name = name.trim();
        self.extractor()
            .extract_with(self.analyzer.jieba(), name, None)
            .into_iter()
            .find(|e| e.mentions.iter().any(|m| m == name))
            .map_or_else(|| name.to_string(), |e| e.name)
    }

    /// The entity model's input for `text`, exactly as extraction builds it: what `train_ner`
    /// learns from.
    pub fn model_input(&self, text: &str) -> entities::model::Prepared {
        self.extractor().model_input(self.analyzer.jieba(), text)
    }

    /// Entity spans of `text` (byte offsets) before grouping, extracted with `model` (or with
    /// the rules that stand in for one): for evaluation on sentence-level corpora.
    pub fn entity_spans(
        &self,
        text: &str,
        model: Option<&entities::model::Model>,
    ) -> Vec<(usize, usize, entities::EntityType)> {
        self.extractor().spans(self.analyzer.jieba(), text, model)
    }

    /// The user entities this instance was built with (part of every document's fingerprint).
    pub fn user_entities(&self) -> &[UserEntity] {
        &self.user
    }

    /// The user dictionary this instance was built with (part of every document's fingerprint).
    pub fn user_words(&self) -> &[UserWord] {
        &self.words
    }
}

fn read(path: &std::path::Path) -> Result<String, Error> {
    std::fs::read_to_string(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })
}
