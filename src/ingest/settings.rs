//! The settings that change what every file turns into. Each is recorded by name in the commit
//! payload, so a run that finds one changed can say which (`settings changed (entity file)`);
//! their combined hash seeds every document's fingerprint and is stored with it, so a
//! document parsed under other settings is never taken as current, even after a crash
//! midway through a re-parse.

use std::collections::BTreeMap;

use super::ParseOptions;

/// Bumped when parsing changes what a file turns into, so every file is re-parsed once.
pub const PIPELINE_VERSION: u64 = 6;

/// The settings of one run: each part by name, and their hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    pub parts: BTreeMap<String, String>,
    pub hash: u64,
}

/// Names of the parts, in the order a reason lists them.
const NAMES: [&str; 7] = [
    "newsidx version",
    "pipeline version",
    "gazetteer",
    "entity model",
    "entity file",
    "user dictionary",
    "default-tz",
];

impl Settings {
    pub fn of(parse: &ParseOptions) -> Settings {
        let mut gazetteer = 0;
        for text in crate::analyse::entities::gazetteer_texts() {
            gazetteer = fnv1a(gazetteer, text.as_bytes());
        }
        // Another entity model means other entities.
        let model = fnv1a(0, crate::analyse::entities::model_file());
        let mut user = 0;
        for entity in parse.linguistics.user_entities() {
            user = fnv1a(user, entity.name.as_bytes());
            user = fnv1a(user, entity.kind.as_str().as_bytes());
            for alias in &entity.aliases {
                user = fnv1a(user, alias.as_bytes());
            }
            user = fnv1a(user, b"\n");
        }
        let mut words = 0;
        for word in parse.linguistics.user_words() {
            let line = format!("{} {:?} {:?}\n", word.word, word.freq, word.tag);
            words = fnv1a(words, line.as_bytes());
        }
        let values = [
            crate::VERSION.to_string(),
            PIPELINE_VERSION.to_string(),
            format!("{gazetteer:016x}"),
            format!("{model:016x}"),
            format!("{user:016x}"),
            format!("{words:016x}"),
            parse.read.default_offset.to_string(),
        ];
        let parts: BTreeMap<String, String> = NAMES
            .iter()
            .zip(values)
            .map(|(name, value)| (name.to_string(), value))
            .collect();
        let mut hash = 0;
        for name in NAMES {
            hash = fnv1a(hash, name.as_bytes());
            hash = fnv1a(hash, parts.get(name).map_or(&b""[..], |v| v.as_bytes()));
        }
        Settings { parts, hash }
    }

    /// The names of the parts that differ from `recorded`, in a fixed order.
    pub fn changed_since(&self, recorded: &BTreeMap<String, String>) -> Vec<&'static str> {
        NAMES
            .into_iter()
            .filter(|name| self.parts.get(*name) != recorded.get(*name))
            .collect()
    }
}

/// FNV-1a: stable across Rust releases (unlike `DefaultHasher`), which matters because
/// fingerprints are stored in the index and compared by later builds. Never 0, which marks
/// "unknown".
pub fn fnv1a(seed: u64, bytes: &[u8]) -> u64 {
    const PRIME: u64 = 0x0000_0100_0000_01B3;
    let mut hash = 0xcbf2_9ce4_8422_2325 ^ seed;
    for b in bytes {
        hash ^= u64::from(*b);
        hash = hash.wrapping_mul(PRIME);
    }
    hash.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a_is_stable_and_seeded() {
        assert_eq!(fnv1a(0, b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(0, b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_ne!(fnv1a(1, b"a"), fnv1a(0, b"a"));
    }

    #[test]
    fn changed_parts_are_named_in_order() {
        let settings = Settings::of(&ParseOptions::default());
        assert_eq!(settings.parts["default-tz"], "+08:00");
        assert_eq!(settings.changed_since(&settings.parts), Vec::<&str>::new());
        let mut recorded = settings.parts.clone();
        recorded.insert("default-tz".into(), "+00:00".into());
        recorded.insert("entity file".into(), "0".into());
        assert_eq!(
            settings.changed_since(&recorded),
            vec!["entity file", "default-tz"]
        );
        assert_eq!(settings.changed_since(&BTreeMap::new()).len(), NAMES.len());
    }
}
