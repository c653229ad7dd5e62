//! The user's query string as clauses. Deliberately tiny: words, `"phrases"` and `-exclusions`.
//! tantivy's own query parser would turn an unspaced Chinese query into one strict phrase and
//! reject stray quotes or colons; here every input yields clauses and nothing fails.

/// One clause of a query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clause {
    pub text: String,
    /// Written in quotes: the words must appear together, in order.
    pub phrase: bool,
    /// Written with a leading `-`: documents containing it are dropped.
    pub excluded: bool,
}

/// Longest query we look at; the rest is ignored rather than slowing every search down.
pub const MAX_QUERY_CHARS: usize = 1000;

/// Splits a query into clauses. Straight and curly quotes both delimit phrases; an unbalanced
/// quote runs to the end; a lone `-` and control characters are ignored.
pub fn parse(query: &str) -> Vec<Clause> {
    let mut clauses = Vec::new();
    let mut chars = query
        .chars()
        .take(MAX_QUERY_CHARS)
        .map(|c| if c.is_control() { ' ' } else { c })
        .peekable();
    loop {
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        let Some(&first) = chars.peek() else {
            break;
        };
        let mut excluded = false;
        if first == '-' {
            chars.next();
            excluded = true;
        }
        let (text, phrase) = match chars.peek() {
            Some(&q) if is_open_quote(q) => {
                chars.next();
                let mut text = String::new();
                for c in chars.by_ref() {
                    if is_close_quote(c) {
                        break;
                    }
                    text.push(c);
                }
                (text, true)
            }
            _ => {
                let mut text = String::new();
                while let Some(c) = chars.next_if(|c| !c.is_whitespace()) {
                    text.push(c);
                }
                (text, false)
            }
        };
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        if !text.is_empty() {
            clauses.push(Clause {
                text,
                phrase,
                excluded,
            });
        }
    }
    clauses
}

fn is_open_quote(c: char) -> bool {
    matches!(c, '"' | '“' | '「' | '『' | '＂')
}

fn is_close_quote(c: char) -> bool {
    matches!(c, '"' | '”' | '」' | '』' | '＂')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word(text: &str) -> Clause {
        Clause {
            text: text.into(),
            phrase: false,
            excluded: false,
        }
    }

    #[test]
    fn words_phrases_and_exclusions() {
        assert_eq!(
            parse(r#"微信支付 淘宝 "互联 互通" -抖音 -"云 闪付""#),
            vec![
                word("微信支付"),
                word("淘宝"),
                Clause {
                    text: "互联 互通".into(),
                    phrase: true,
                    excluded: false
                },
                Clause {
                    text: "抖音".into(),
                    phrase: false,
                    excluded: true
                },
                Clause {
                    text: "云 闪付".into(),
                    phrase: true,
                    excluded: true
                },
            ]
        );
    }

    #[test]
    fn curly_quotes_and_ideographic_space() {
        assert_eq!(
            parse("“微信支付”\u{3000}淘宝"),
            vec![
                Clause {
                    text: "微信支付".into(),
                    phrase: true,
                    excluded: false
                },
                word("淘宝")
            ]
        );
    }

    #[test]
    fn hostile_inputs_never_fail() {
        assert_eq!(parse(""), vec![]);
        assert_eq!(parse("   "), vec![]);
        assert_eq!(parse("-"), vec![]);
        assert_eq!(parse("\"\""), vec![]);
        assert_eq!(
            parse("\"unbalanced phrase"),
            vec![Clause {
                text: "unbalanced phrase".into(),
                phrase: true,
                excluded: false
            }]
        );
        assert_eq!(parse("a\u{1b}[31mb"), vec![word("a"), word("[31mb")]);
        assert_eq!(parse("title:"), vec![word("title:")]);
        assert_eq!(
            parse(&"字".repeat(10_000))[0].text.chars().count(),
            MAX_QUERY_CHARS
        );
    }
}
