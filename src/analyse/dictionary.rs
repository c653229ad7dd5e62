//! The user dictionary: words jieba must keep whole (`云闪付`, `淘口令`, `互联互通`), in jieba's
//! own format, `word [freq] [tag]` per line, with `#` comments and blank lines allowed. Given
//! with `--dict FILE` or `dict = "FILE"` in newsidx.toml; the index records it so queries are
//! segmented the same way.

/// One dictionary line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserWord {
    pub word: String,
    /// jieba frequency; `None` lets jieba pick one high enough to keep the word whole.
    pub freq: Option<usize>,
    /// Part-of-speech tag (`n`, `nz`, ...).
    pub tag: Option<String>,
}

/// Why a dictionary line could not be read. `line` is 1-based.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DictionaryError {
    #[error("line {line}: expected `word [freq] [tag]`, found {found} fields")]
    TooManyFields { line: usize, found: usize },
    #[error(
        "line {line}: frequency `{found}` is not a whole number (expected `word [freq] [tag]`)"
    )]
    BadFrequency { line: usize, found: String },
    #[error(
        "line {line}: tag `{found}` is not a part-of-speech tag of letters (expected `word [freq] [tag]`)"
    )]
    BadTag { line: usize, found: String },
}

/// Parses a dictionary. A second field that is not a number is read as the tag
/// (`word tag`), as jieba allows.
pub fn parse_user_dictionary(text: &str) -> Result<Vec<UserWord>, DictionaryError> {
    let mut out = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let trimmed = raw.trim().trim_start_matches('\u{FEFF}');
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = trimmed.split_whitespace().collect();
        let (freq, tag) = match fields.as_slice() {
            [_] => (None, None),
            [_, second] => match second.parse::<usize>() {
                Ok(n) => (Some(n), None),
                Err(_) if is_tag(second) => (None, Some(second.to_string())),
                Err(_) => {
                    return Err(DictionaryError::BadFrequency {
                        line,
                        found: second.to_string(),
                    });
                }
            },
            [_, freq, tag] => {
                let n = freq
                    .parse::<usize>()
                    .map_err(|_| DictionaryError::BadFrequency {
                        line,
                        found: freq.to_string(),
                    })?;
                if !is_tag(tag) {
                    return Err(DictionaryError::BadTag {
                        line,
                        found: tag.to_string(),
                    });
                }
                (Some(n), Some(tag.to_string()))
            }
            _ => {
                return Err(DictionaryError::TooManyFields {
                    line,
                    found: fields.len(),
                });
            }
        };
        out.push(UserWord {
            word: fields[0].to_string(),
            freq,
            tag,
        });
    }
    Ok(out)
}

fn is_tag(s: &str) -> bool {
    !s.is_empty() && s.len() <= 8 && s.chars().all(|c| c.is_ascii_alphabetic())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word(w: &str, freq: Option<usize>, tag: Option<&str>) -> UserWord {
        UserWord {
            word: w.into(),
            freq,
            tag: tag.map(str::to_string),
        }
    }

    #[test]
    fn jieba_format_with_optional_frequency_and_tag() {
        let text = "# words\n云闪付\n淘口令 20\n互联互通 30 nz\n\n数字人民币 n\r\n";
        assert_eq!(
            parse_user_dictionary(text).unwrap(),
            vec![
                word("云闪付", None, None),
                word("淘口令", Some(20), None),
                word("互联互通", Some(30), Some("nz")),
                word("数字人民币", None, Some("n")),
            ]
        );
    }

    #[test]
    fn bad_lines_name_their_line() {
        assert_eq!(
            parse_user_dictionary("好词\n坏词 十 n\n")
                .unwrap_err()
                .to_string(),
            "line 2: frequency `十` is not a whole number (expected `word [freq] [tag]`)"
        );
        assert_eq!(
            parse_user_dictionary("a 1 n x").unwrap_err(),
            DictionaryError::TooManyFields { line: 1, found: 4 }
        );
        assert_eq!(
            parse_user_dictionary("a 1 名词").unwrap_err(),
            DictionaryError::BadTag {
                line: 1,
                found: "名词".into()
            }
        );
        assert_eq!(
            parse_user_dictionary("词 -5").unwrap_err(),
            DictionaryError::BadFrequency {
                line: 1,
                found: "-5".into()
            }
        );
    }
}
