//! Named-entity extraction for Chinese news: a trained character-level sequence labeller for
//! people, places and organisations (`model`, shipped in `data/ner/model.bin`), the gazetteer
//! (Aho-Corasick) for known names, aliases and canonical names, user entities (which always win),
//! `《》` works, Latin-script product rules, and pattern rules anchored on something other than
//! jieba's tags (bylines, `·` names, stock codes). One jieba `tag` pass per article feeds both the
//! rules and the model. Without a loadable model, jieba's POS tags with false-positive filters
//! and the suffix/speaker/place rules stand in for it.
//!
//! Stages, one file each: `candidates` (every source's candidate spans), `resolve` (one
//! non-overlapping reading), `retype` (types of Latin names from context), `group` (canonical
//! names, merged short forms, counts).

mod candidates;
mod gazetteer;
mod group;
pub mod lexicon;
pub mod model;
mod resolve;
mod retype;
mod rules;
pub mod trainer;
mod user;

#[cfg(test)]
mod tests;

pub use user::{UserEntity, UserEntityError, parse_user_entities};

/// The texts of the gazetteer compiled into this build: part of every document's fingerprint,
/// since another gazetteer finds other entities.
pub fn gazetteer_texts() -> impl Iterator<Item = &'static str> {
    gazetteer::files().iter().map(|(_, text)| *text)
}

use candidates::{Cand, Pass};
use gazetteer::Matcher;
use std::sync::OnceLock;

/// The shipped entity model (see the README's "Entity model" for its data and terms, and the
/// `train_ner` example that regenerates it). Compiled in, parsed on first extraction only, so
/// a process that never extracts (search) never parses it.
const MODEL_FILE: &[u8] = include_bytes!("../../../data/ner/model.bin");

/// The shipped model file's bytes: part of every document's fingerprint.
pub fn model_file() -> &'static [u8] {
    MODEL_FILE
}

/// The shipped model, parsed once; `None` if the file is empty or was trained with other
/// features (the rules then stand in for it).
pub fn shipped_model() -> Option<&'static model::Model> {
    static MODEL: OnceLock<Option<model::Model>> = OnceLock::new();
    MODEL
        .get_or_init(|| model::Model::from_bytes(MODEL_FILE).ok())
        .as_ref()
}

/// Kind of a named entity.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "UPPERCASE")]
pub enum EntityType {
    Per,
    Org,
    Loc,
    Product,
    Work,
}

impl EntityType {
    pub const ALL: [EntityType; 5] = [Self::Per, Self::Org, Self::Loc, Self::Product, Self::Work];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Per => "PER",
            Self::Org => "ORG",
            Self::Loc => "LOC",
            Self::Product => "PRODUCT",
            Self::Work => "WORK",
        }
    }

    /// jieba POS tag used when adding names of this type to the dictionary.
    fn jieba_tag(self) -> &'static str {
        match self {
            Self::Per => "nr",
            Self::Org => "nt",
            Self::Loc => "ns",
            Self::Product | Self::Work => "nz",
        }
    }
}

impl std::fmt::Display for EntityType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Error for an unknown entity type name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown entity type `{0}`, expected one of PER, ORG, LOC, PRODUCT, WORK")]
pub struct ParseEntityTypeError(pub String);

impl std::str::FromStr for EntityType {
    type Err = ParseEntityTypeError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_uppercase().as_str() {
            "PER" | "PERSON" => Ok(Self::Per),
            "ORG" | "ORGANIZATION" | "ORGANISATION" => Ok(Self::Org),
            "LOC" | "LOCATION" => Ok(Self::Loc),
            "PRODUCT" => Ok(Self::Product),
            "WORK" => Ok(Self::Work),
            _ => Err(ParseEntityTypeError(s.to_string())),
        }
    }
}

/// One entity of an article.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Entity {
    /// Canonical name.
    pub name: String,
    #[serde(rename = "type")]
    pub kind: EntityType,
    /// Mentions in title + body.
    pub count: usize,
    /// Distinct surface forms, first-seen order.
    pub mentions: Vec<String>,
}

pub(crate) fn is_han(c: char) -> bool {
    matches!(c, '\u{4e00}'..='\u{9fff}' | '\u{3400}'..='\u{4dbf}' | '\u{f900}'..='\u{faff}' | '\u{20000}'..='\u{2ebef}')
}

/// A token of the tag pass with byte offsets into the text.
#[derive(Debug, Clone)]
pub(crate) struct Tok<'a> {
    pub word: &'a str,
    pub tag: &'a str,
    pub bs: usize,
    pub be: usize,
}

/// Builds the matcher once; `extract` is then cheap and shared across threads.
pub struct EntityExtractor {
    matcher: Matcher,
}

/// Adds the gazetteer's and the user's names to jieba's dictionary, so segmentation keeps them
/// whole. Every process that segments needs this; only one that extracts needs the matcher
/// ([`EntityExtractor::for_names`]), whose automaton costs a search process a third of its
/// start-up. Returns each name added with the frequency jieba gave it, in order (what a persisted
/// dictionary records; see `analyse::query_dictionary`).
pub fn add_names(jieba: &mut jieba_rs::Jieba, user: &[UserEntity]) -> Vec<(String, usize)> {
    let mut added = Vec::new();
    let gaz = gazetteer::builtin();
    for (list, is_user) in [(gaz.as_slice(), false), (user, true)] {
        for e in list {
            for w in std::iter::once(&e.name).chain(e.aliases.iter()) {
                let w = w.trim();
                // jieba splits on white space and keeps ASCII runs whole by itself; only
                // names with Han characters need a dictionary entry.
                if w.chars().any(char::is_whitespace) || !w.chars().any(is_han) {
                    continue;
                }
                if !is_user && jieba.has_word(w) {
                    continue;
                }
                let freq = jieba.add_word(w, None, Some(e.kind.jieba_tag()));
                added.push((w.to_string(), freq));
            }
        }
    }
    added
}

impl EntityExtractor {
    /// The matcher alone, for a jieba that [`add_names`] already gave the same names.
    pub fn for_names(user: &[UserEntity]) -> Self {
        EntityExtractor {
            matcher: Matcher::new(&gazetteer::builtin(), user),
        }
    }

    /// Adds the gazetteer's and the user's names to jieba's dictionary (so segmentation keeps
    /// them whole) and builds the matcher. The caller then wraps the same Jieba in an Arc and
    /// shares it with the search analyser.
    pub fn new(jieba: &mut jieba_rs::Jieba, user: &[UserEntity]) -> Self {
        add_names(jieba, user);
        Self::for_names(user)
    }

    /// Entities of one article, sorted by count desc then name. `jieba` is the same instance
    /// passed to `new`. The stages: candidates from each source, resolution of overlaps, types
    /// from context, then canonical names and groups.
    pub fn extract(&self, jieba: &jieba_rs::Jieba, title: &str, body: &str) -> Vec<Entity> {
        let mut text = String::with_capacity(title.len() + body.len() + 1);
        text.push_str(title.trim());
        if !text.is_empty() {
            text.push('\n');
        }
        text.push_str(body);
        let text = text.as_str();
        self.extract_with(jieba, text, shipped_model())
    }

    /// Entities of `text` with `model`, or with the rules that stand in for one. Looking up
    /// what a user typed (`search --entity`) goes without: a search never parses the model.
    pub fn extract_with(
        &self,
        jieba: &jieba_rs::Jieba,
        text: &str,
        model: Option<&model::Model>,
    ) -> Vec<Entity> {
        let pass = Pass::new(text, jieba, &self.matcher);
        let chosen = self.choose(jieba, &pass, model);
        let is_place = |p: &str| {
            pass.whole_entry(p)
                .is_some_and(|e| e.kind == EntityType::Loc)
        };
        group::group(text, chosen, is_place)
    }

    /// The entity spans of `text` (byte offsets, text order) before grouping, with `model` or
    /// without one: for evaluation on sentence-level corpora.
    pub fn spans(
        &self,
        jieba: &jieba_rs::Jieba,
        text: &str,
        model: Option<&model::Model>,
    ) -> Vec<(usize, usize, EntityType)> {
        let pass = Pass::new(text, jieba, &self.matcher);
        self.choose(jieba, &pass, model)
            .into_iter()
            .map(|c| (c.start, c.end, c.kind))
            .collect()
    }

    /// The model's input for `text` (jieba words and gazetteer hints), as `extract` builds it:
    /// what the trainer learns from.
    pub fn model_input(&self, jieba: &jieba_rs::Jieba, text: &str) -> model::Prepared {
        Pass::new(text, jieba, &self.matcher).model_input()
    }

    /// Candidates from every source, then one non-overlapping reading with types from context.
    fn choose(
        &self,
        jieba: &jieba_rs::Jieba,
        pass: &Pass,
        model: Option<&model::Model>,
    ) -> Vec<Cand> {
        let text = pass.text;
        let mut cands = pass.titles();
        cands.extend(pass.gazetteer());
        let mut known: Vec<(usize, usize)> = cands.iter().map(|c| (c.start, c.end)).collect();
        let latin = pass.latin_spans();
        cands.extend(pass.latin(&latin));
        if let Some(m) = model {
            pass.anchored_rules(&mut cands);
            cands.extend(pass.model(m));
        } else {
            let short_names = pass.rules(&mut cands);
            known.extend(latin.iter().map(|s| (s.start, s.end)));
            known.extend(
                pass.toks
                    .iter()
                    .filter(|t| short_names.contains(t.word))
                    .map(|t| (t.bs, t.be)),
            );
            cands.extend(pass.suffix_orgs(&known));
            cands.extend(pass.jieba_tags());
        }
        let mut chosen = resolve::choose(text, cands, &pass.skip);
        resolve::drop_qualifier_places(jieba, text, &pass.toks, &mut chosen);
        retype::retype(&self.matcher, text, &mut chosen);
        chosen
    }
}
