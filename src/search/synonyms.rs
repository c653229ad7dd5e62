//! The synonyms file (`synonyms = "FILE"` in newsidx.toml): one group per line, members
//! separated by commas (`微信支付, WeChat Pay, 财付通`), `#` comments and blank lines allowed.
//! Groups are applied to queries only, so changing the file needs no re-index.

use std::collections::HashMap;
use std::path::Path;

use crate::analyse::text::normalize;
use crate::error::Error;

/// Groups of interchangeable query terms, looked up by their normalised form.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Synonyms {
    groups: Vec<Vec<String>>,
    by_key: HashMap<String, usize>,
}

/// The normalised form a member is looked up by: folded, lowercased, single-spaced.
pub fn key(text: &str) -> String {
    normalize(text)
        .text
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

impl Synonyms {
    /// Parses the file's text. Lines with fewer than two members are ignored.
    pub fn parse(text: &str) -> Synonyms {
        let mut synonyms = Synonyms::default();
        for line in text.lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let mut group: Vec<String> = Vec::new();
            for member in line.split([',', '，']) {
                let member = member.split_whitespace().collect::<Vec<_>>().join(" ");
                if !member.is_empty() && !group.iter().any(|m| key(m) == key(&member)) {
                    group.push(member);
                }
            }
            if group.len() < 2 {
                continue;
            }
            let at = synonyms.groups.len();
            for member in &group {
                synonyms.by_key.entry(key(member)).or_insert(at);
            }
            synonyms.groups.push(group);
        }
        synonyms
    }

    /// Reads a synonyms file; errors name the file.
    pub fn load(path: &Path) -> Result<Synonyms, Error> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Ok(Synonyms::parse(&text))
    }

    /// The group `text` belongs to, as written in the file.
    pub fn group(&self, text: &str) -> Option<&[String]> {
        let at = *self.by_key.get(&key(text))?;
        self.groups.get(at).map(Vec::as_slice)
    }

    /// The longest member spanning `words[0..n]` (joined by spaces), at most `max` words.
    pub fn longest_prefix(&self, words: &[&str], max: usize) -> Option<usize> {
        (1..=words.len().min(max))
            .rev()
            .find(|&n| self.by_key.contains_key(&key(&words[..n].join(" "))))
    }

    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_are_found_by_any_member_in_any_case_and_script() {
        let s = Synonyms::parse("# payments\n微信支付, WeChat Pay, 财付通\n\n单独\n台湾，臺灣省\n");
        let group = vec!["微信支付".to_string(), "WeChat Pay".into(), "财付通".into()];
        assert_eq!(s.group("wechat  PAY"), Some(group.as_slice()));
        assert_eq!(s.group("財付通"), Some(group.as_slice()));
        assert_eq!(s.group("单独"), None);
        assert_eq!(
            s.group("台湾省"),
            Some(["台湾".to_string(), "臺灣省".into()].as_slice())
        );
        assert_eq!(s.longest_prefix(&["wechat", "pay", "x"], 4), Some(2));
        assert_eq!(s.longest_prefix(&["pay"], 4), None);
    }
}
