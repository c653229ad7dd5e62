//! The one dictionary of a process and what is built on it: jieba with every gazetteer and
//! user entity name added, the analyser (tokenizers) and the entity extractor. Ingest and search
//! build it from the same user entities, so segmentation can never differ between the two.

use std::sync::{Arc, OnceLock};

use jieba_rs::Jieba;

use super::dictionary::{self, UserWord};
use super::entities::{self, Entity, EntityExtractor, UserEntity};
use super::query_dictionary::{MergedWords, QueryDictionary};
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
    /// The words added to jieba's default dictionary, with the frequencies jieba gave them, in
    /// order; set when the full jieba is built.
    added: Arc<OnceLock<Vec<(String, usize)>>>,
}

impl Linguistics {
    pub fn new(user: Vec<UserEntity>) -> Linguistics {
        Linguistics::with_dictionary(user, Vec::new())
    }

    /// With user entities and a user dictionary, the full jieba built now (ingest segments
    /// every document with it).
    pub fn with_dictionary(user: Vec<UserEntity>, words: Vec<UserWord>) -> Linguistics {
        let linguistics = Linguistics::lazy(user, words, None);
        linguistics.analyzer.jieba();
        linguistics
    }

    /// As [`Linguistics::with_dictionary`], with the full jieba built on first use; with the
    /// dictionary persisted in an index, query words never need it (a search process).
    pub fn lazy(
        user: Vec<UserEntity>,
        words: Vec<UserWord>,
        query: Option<QueryDictionary>,
    ) -> Linguistics {
        let added = Arc::new(OnceLock::new());
        let build = {
            let (user, words, added) = (user.clone(), words.clone(), Arc::clone(&added));
            Box::new(move || {
                let (jieba, list) = full_jieba(&user, &words);
                let _ = added.set(list);
                Arc::new(jieba)
            })
        };
        Linguistics {
            analyzer: Analyzer::lazy(build, query),
            entities: OnceLock::new(),
            user,
            words,
            added,
        }
    }

    /// Every word of the full dictionary with its frequency: what an index persists for
    /// [`QueryDictionary`].
    pub fn merged_words(&self) -> Result<MergedWords, Error> {
        self.analyzer.jieba();
        let added = self.added.get().map_or(&[][..], Vec::as_slice);
        MergedWords::new(added).map_err(Error::Usage)
    }

    /// What a persisted dictionary must have been merged from to stand in for this one's.
    pub fn dictionary_key(&self) -> u64 {
        dictionary_key(&self.user, &self.words)
    }

    /// Builds from an optional user entity file and an optional user dictionary; errors name
    /// the file and the line.
    pub fn load(
        entities: Option<&std::path::Path>,
        dictionary: Option<&std::path::Path>,
    ) -> Result<Linguistics, Error> {
        let (user, words) = read_user(entities, dictionary)?;
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

/// The user entities and user dictionary of these files; errors name the file and the line.
pub fn read_user(
    entities: Option<&std::path::Path>,
    dictionary: Option<&std::path::Path>,
) -> Result<(Vec<UserEntity>, Vec<UserWord>), Error> {
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
    Ok((user, words))
}

/// jieba's default dictionary with the gazetteer's and the user's names added, then the user
/// dictionary (after the gazetteer, so the user has the last word; each word as written, for
/// entity extraction, which reads the original text, and as normalised, for the tokenizers),
/// and every word added with the frequency jieba gave it.
fn full_jieba(user: &[UserEntity], words: &[UserWord]) -> (Jieba, Vec<(String, usize)>) {
    let mut jieba = Jieba::new();
    let mut added = entities::add_names(&mut jieba, user);
    for w in words {
        let folded = normalize(&w.word).text;
        for form in [w.word.as_str(), folded.as_str()] {
            if !form.is_empty() {
                let freq = jieba.add_word(form, w.freq, w.tag.as_deref());
                added.push((form.to_string(), freq));
            }
        }
    }
    (jieba, added)
}

/// FNV-1a over everything a merged dictionary is made of besides jieba's default words: this
/// build of newsidx (its gazetteer and jieba), the user entities and the user dictionary. A
/// persisted dictionary with another key is not used.
pub fn dictionary_key(user: &[UserEntity], words: &[UserWord]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |bytes: &[u8]| {
        for b in bytes.iter().chain(b"\n") {
            hash ^= u64::from(*b);
            hash = hash.wrapping_mul(0x0000_0100_0000_01B3);
        }
    };
    eat(crate::VERSION.as_bytes());
    for text in entities::gazetteer_texts() {
        eat(text.as_bytes());
    }
    for e in user {
        eat(format!("{}\t{}\t{}", e.name, e.kind.as_str(), e.aliases.join(",")).as_bytes());
    }
    for w in words {
        eat(format!("{} {:?} {:?}", w.word, w.freq, w.tag).as_bytes());
    }
    hash
}

fn read(path: &std::path::Path) -> Result<String, Error> {
    std::fs::read_to_string(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })
}
