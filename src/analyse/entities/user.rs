//! Entity list files: the user's `--entities` file and the shipped gazetteer share one format,
//! `name<TAB>type[<TAB>alias,alias...]`, with `#` comments and blank lines.

use super::EntityType;

/// One named entity supplied by the user (or the gazetteer).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserEntity {
    /// Canonical name.
    pub name: String,
    pub kind: EntityType,
    /// Other surface forms that mean the same entity.
    pub aliases: Vec<String>,
}

/// Why a line of an entity file could not be read. `line` is 1-based.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UserEntityError {
    #[error(
        "line {line}: expected `name<TAB>type[<TAB>alias,alias...]`, found no TAB-separated type"
    )]
    MissingType { line: usize },
    #[error("line {line}: the name is empty")]
    EmptyName { line: usize },
    #[error(
        "line {line}: unknown entity type `{found}`, expected one of PER, ORG, LOC, PRODUCT, WORK"
    )]
    UnknownType { line: usize, found: String },
    #[error(
        "line {line}: expected at most 3 TAB-separated fields (name, type, aliases), found {found}"
    )]
    TooManyFields { line: usize, found: usize },
}

impl UserEntityError {
    /// 1-based line number of the offending line.
    pub fn line(&self) -> usize {
        match self {
            Self::MissingType { line }
            | Self::EmptyName { line }
            | Self::UnknownType { line, .. }
            | Self::TooManyFields { line, .. } => *line,
        }
    }
}

/// Parses an entity file. Lines starting with `#` (after white space) and blank lines are skipped;
/// a trailing `\r` is ignored.
pub fn parse_user_entities(text: &str) -> Result<Vec<UserEntity>, UserEntityError> {
    let mut out = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let l = raw.trim_end_matches('\r');
        let trimmed = l.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = l.split('\t').collect();
        if fields.len() < 2 {
            return Err(UserEntityError::MissingType { line });
        }
        if fields.len() > 3 {
            return Err(UserEntityError::TooManyFields {
                line,
                found: fields.len(),
            });
        }
        let name = fields[0].trim();
        if name.is_empty() {
            return Err(UserEntityError::EmptyName { line });
        }
        let ty = fields[1].trim();
        let kind: EntityType = ty.parse().map_err(|_| UserEntityError::UnknownType {
            line,
            found: ty.to_string(),
        })?;
        let mut aliases: Vec<String> = Vec::new();
        if let Some(a) = fields.get(2) {
            for alias in a.split([',', '，']) {
                let alias = alias.trim();
                if !alias.is_empty() && alias != name && !aliases.iter().any(|x| x == alias) {
                    aliases.push(alias.to_string());
                }
            }
        }
        out.push(UserEntity {
            name: name.to_string(),
            kind,
            aliases,
        });
    }
    Ok(out)
}
