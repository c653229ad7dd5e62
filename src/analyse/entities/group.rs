//! Canonicalisation and grouping: chosen candidates to entities. Mentions with the same
//! canonical name (or a surface another group already has) form one group; then short forms
//! merge into their full names (`X公司` into `X`, a last name into the full name, an
//! organisation or place written with or without its place prefix).

use std::collections::HashMap;

use super::candidates::{Cand, Source};
use super::{Entity, EntityType};

/// Case- and space-insensitive key for Latin-script names (`ThinkPad X1` = `Thinkpad X1`).
pub(super) fn name_key(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_whitespace() || matches!(c, '·' | '•' | '・') {
            continue;
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

#[derive(Clone)]
struct Group {
    name: String,
    kind: EntityType,
    count: usize,
    /// (first position, surface)
    mentions: Vec<(usize, String)>,
    gazetteer: bool,
    first: usize,
}

/// Do the characters of `short` appear in `long` in order?
fn is_subsequence(short: &[char], long: &[char]) -> bool {
    let mut it = long.iter();
    short.iter().all(|c| it.any(|x| x == c))
}

/// Groups chosen candidates (in text order) into entities, most mentioned first.
pub(super) fn group(text: &str, chosen: Vec<Cand>, is_place: impl Fn(&str) -> bool) -> Vec<Entity> {
    let mut grouping = Grouping::collect(text, chosen);
    grouping.merge_suffix_links();
    grouping.merge_last_names();
    grouping.merge_place_prefixed_orgs(is_place);
    grouping.merge_short_places();
    grouping.into_entities()
}

struct Grouping {
    groups: Vec<Group>,
    /// Canonical-name key -> group.
    index: HashMap<String, usize>,
    /// (group, prefix surface) of suffix organisations without a canonical name.
    suffix_links: Vec<(usize, String)>,
    merged_into: Vec<Option<usize>>,
}

impl Grouping {
    fn collect(text: &str, chosen: Vec<Cand>) -> Grouping {
        let mut groups: Vec<Group> = Vec::new();
        let mut index: HashMap<String, usize> = HashMap::new();
        let mut mention_index: HashMap<String, usize> = HashMap::new();
        let mut suffix_links = Vec::new();
        for c in chosen {
            let surface = text[c.start..c.end].to_string();
            let canonical = c.canonical.clone().unwrap_or_else(|| surface.clone());
            let key = name_key(&canonical);
            // a surface that is some other group's mention joins that group
            let existing = index
                .get(&key)
                .or_else(|| mention_index.get(&name_key(&surface)))
                .copied();
            let gi = existing.unwrap_or_else(|| {
                groups.push(Group {
                    name: canonical.clone(),
                    kind: c.kind,
                    count: 0,
                    mentions: Vec::new(),
                    gazetteer: matches!(c.source, Source::Gazetteer | Source::User),
                    first: c.start,
                });
                index.insert(key, groups.len() - 1);
                groups.len() - 1
            });
            let g = &mut groups[gi];
            if c.source == Source::Latin && c.kind != EntityType::Product && !g.gazetteer {
                g.kind = c.kind;
            }
            g.count += 1;
            if !g.mentions.iter().any(|(_, m)| *m == surface) {
                g.mentions.push((c.start, surface.clone()));
            }
            mention_index.entry(name_key(&surface)).or_insert(gi);
            if let Some(pe) = c.prefix_end
                && c.canonical.is_none()
            {
                let p = text[c.start..pe].trim().to_string();
                if !p.is_empty() {
                    suffix_links.push((gi, p));
                }
            }
        }
        let merged_into = vec![None; groups.len()];
        Grouping {
            groups,
            index,
            suffix_links,
            merged_into,
        }
    }

    /// `X公司` joins the entity `X` when X is an organisation, or a Latin name not known as a
    /// product.
    fn merge_suffix_links(&mut self) {
        for (gi, prefix) in std::mem::take(&mut self.suffix_links) {
            let key = name_key(&prefix);
            if let Some(&pi) = self.index.get(&key)
                && pi != gi
                && self.merged_into[gi].is_none()
                && (self.groups[pi].kind == EntityType::Org || !self.groups[pi].gazetteer)
            {
                self.merged_into[gi] = Some(pi);
                self.groups[pi].kind = EntityType::Org;
            }
        }
    }

    /// The first unmerged group other than `i` that `fits`.
    fn target(&self, i: usize, fits: impl Fn(&Group) -> bool) -> Option<usize> {
        (0..self.groups.len())
            .find(|&j| j != i && self.merged_into[j].is_none() && fits(&self.groups[j]))
    }

    /// A person's last name alone joins the full name (`Kowalski` -> `Anna Kowalski`).
    fn merge_last_names(&mut self) {
        for i in 0..self.groups.len() {
            let g = &self.groups[i];
            if self.merged_into[i].is_some()
                || g.gazetteer
                || g.name.contains(' ')
                || (g.kind != EntityType::Per && !g.name.is_ascii())
            {
                continue;
            }
            let short = g.name.clone();
            let target = self.target(i, |other| {
                other.kind == EntityType::Per
                    && other.name.len() > short.len()
                    && (other.name.ends_with(&format!(" {short}"))
                        || other.name.ends_with(&format!("·{short}"))
                        || other.name.ends_with(&format!("· {short}")))
            });
            if let Some(j) = target {
                self.merged_into[i] = Some(j);
                self.groups[i].kind = EntityType::Per;
            }
        }
    }

    /// An organisation written with its place in front (`某市某区某街道办`) is the same as the
    /// one without it (`某区某街道办`).
    fn merge_place_prefixed_orgs(&mut self, is_place: impl Fn(&str) -> bool) {
        for i in 0..self.groups.len() {
            if self.merged_into[i].is_some() || self.groups[i].kind != EntityType::Org {
                continue;
            }
            let long = self.groups[i].name.clone();
            let target = self.target(i, |other| {
                other.kind == EntityType::Org
                    && long.len() > other.name.len()
                    && long
                        .strip_suffix(other.name.as_str())
                        .is_some_and(&is_place)
            });
            if let Some(j) = target {
                self.merged_into[i] = Some(j);
            }
        }
    }

    /// A place name written shorter (`某市某区国际邮轮母港` / `某区邮轮母港`): the short form's
    /// characters appear in order in the long one, with the same ending.
    fn merge_short_places(&mut self) {
        for i in 0..self.groups.len() {
            let g = &self.groups[i];
            if self.merged_into[i].is_some() || g.kind != EntityType::Loc || g.gazetteer {
                continue;
            }
            let short: Vec<char> = g.name.chars().collect();
            if short.len() < 4 {
                continue;
            }
            let target = self.target(i, |other| {
                let long: Vec<char> = other.name.chars().collect();
                other.kind == EntityType::Loc
                    && long.len() > short.len()
                    && long.ends_with(&short[short.len() - 2..])
                    && is_subsequence(&short, &long)
            });
            if let Some(j) = target {
                self.merged_into[i] = Some(j);
            }
        }
    }

    /// The group each group ends up in, following merge chains.
    fn roots(&self) -> Vec<usize> {
        let root = |mut i: usize| {
            let mut steps = 0;
            while let Some(j) = self.merged_into[i] {
                i = j;
                steps += 1;
                if steps > self.groups.len() {
                    break;
                }
            }
            i
        };
        (0..self.groups.len()).map(root).collect()
    }

    fn into_entities(self) -> Vec<Entity> {
        let roots = self.roots();
        let mut merged: Vec<Option<Group>> = self.groups.iter().cloned().map(Some).collect();
        for (i, g) in self.groups.iter().enumerate() {
            let r = roots[i];
            if r == i {
                continue;
            }
            merged[i] = None;
            if let Some(Some(root)) = merged.get_mut(r) {
                root.count += g.count;
                for (p, m) in &g.mentions {
                    if let Some(x) = root.mentions.iter_mut().find(|(_, x)| x == m) {
                        x.0 = x.0.min(*p);
                    } else {
                        root.mentions.push((*p, m.clone()));
                    }
                }
                root.first = root.first.min(g.first);
            }
        }
        let mut out: Vec<Entity> = merged
            .into_iter()
            .flatten()
            .map(|mut g| {
                g.mentions.sort_by_key(|(p, _)| *p);
                Entity {
                    name: g.name,
                    kind: g.kind,
                    count: g.count,
                    mentions: g.mentions.into_iter().map(|(_, s)| s).collect(),
                }
            })
            .collect();
        out.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.name.cmp(&b.name)));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cand(text: &str, surface: &str, kind: EntityType, source: Source) -> Cand {
        let start = text.find(surface).unwrap();
        Cand {
            start,
            end: start + surface.len(),
            kind,
            canonical: None,
            source,
            prefix_end: None,
        }
    }

    #[test]
    fn keys_ignore_case_spaces_and_name_dots() {
        assert_eq!(name_key("ThinkPad X1"), "thinkpadx1");
        assert_eq!(name_key("安娜·卡列"), "安娜卡列");
    }

    #[test]
    fn a_last_name_alone_joins_the_full_name() {
        let text = "Anna Kowalski 说。Kowalski 认为";
        let chosen = vec![
            cand(text, "Anna Kowalski", EntityType::Per, Source::Latin),
            Cand {
                start: text.rfind("Kowalski").unwrap(),
                end: text.rfind("Kowalski").unwrap() + 8,
                kind: EntityType::Org,
                canonical: None,
                source: Source::Latin,
                prefix_end: None,
            },
        ];
        let entities = group(text, chosen, |_| false);
        assert_eq!(entities.len(), 1);
        assert_eq!(entities[0].name, "Anna Kowalski");
        assert_eq!(entities[0].count, 2);
        assert_eq!(entities[0].mentions, vec!["Anna Kowalski", "Kowalski"]);
    }

    #[test]
    fn an_organisation_with_its_place_prefix_joins_the_one_without() {
        let text = "星河市云台区街道办与云台区街道办";
        let chosen = vec![
            cand(text, "星河市云台区街道办", EntityType::Org, Source::Suffix),
            Cand {
                start: text.rfind("云台区街道办").unwrap(),
                end: text.len(),
                kind: EntityType::Org,
                canonical: None,
                source: Source::Suffix,
                prefix_end: None,
            },
        ];
        let entities = group(text, chosen, |p| p == "星河市");
        assert_eq!(entities.len(), 1);
        assert_eq!(entities[0].name, "云台区街道办");
        assert_eq!(
            entities[0].mentions,
            vec!["星河市云台区街道办", "云台区街道办"]
        );
    }

    #[test]
    fn most_mentioned_first_then_by_name() {
        let text = "甲乙 丙丁 丙丁";
        let mut second = cand(text, "丙丁", EntityType::Per, Source::Rule);
        second.start = text.rfind("丙丁").unwrap();
        second.end = second.start + "丙丁".len();
        let chosen = vec![
            cand(text, "甲乙", EntityType::Per, Source::Rule),
            cand(text, "丙丁", EntityType::Per, Source::Rule),
            second,
        ];
        let names: Vec<(String, usize)> = group(text, chosen, |_| false)
            .into_iter()
            .map(|e| (e.name, e.count))
            .collect();
        assert_eq!(
            names,
            vec![("丙丁".to_string(), 2), ("甲乙".to_string(), 1)]
        );
    }
}
