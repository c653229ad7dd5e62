//! The user's query string as a tree. Words must all match; `"phrases"`, `-exclusions`,
//! `A OR B` / `A | B`, parentheses and field prefixes (`title:`, `author:`, `source:`,
//! `category:`, `tag:`, `entity:`) are understood. Nothing here fails: an unbalanced quote runs
//! to the end, an unclosed parenthesis closes at the end, a stray `)` and a dangling `OR` are
//! ignored, and an unknown prefix (`foo:bar`) is read as the literal word.
//!
//! `OR` binds tighter than the implicit AND between terms, as in web search engines:
//! `淘宝 京东 OR 拼多多` means 淘宝 AND (京东 OR 拼多多).

/// A metadata or text field a term can be limited to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Title,
    Author,
    Source,
    Category,
    Tag,
    Entity,
}

impl Field {
    /// The prefix as written in queries.
    pub fn name(self) -> &'static str {
        match self {
            Field::Title => "title",
            Field::Author => "author",
            Field::Source => "source",
            Field::Category => "category",
            Field::Tag => "tag",
            Field::Entity => "entity",
        }
    }

    fn from_prefix(prefix: &str) -> Option<Field> {
        match prefix.to_ascii_lowercase().as_str() {
            "title" => Some(Field::Title),
            "author" => Some(Field::Author),
            "source" => Some(Field::Source),
            "category" | "categories" => Some(Field::Category),
            "tag" | "tags" => Some(Field::Tag),
            "entity" => Some(Field::Entity),
            _ => None,
        }
    }
}

/// One searchable term: a bare word (split into words later), or a quoted phrase.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    pub field: Option<Field>,
    pub text: String,
    pub phrase: bool,
}

/// A parsed query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    Term(Term),
    Not(Box<Node>),
    /// Every child must match (negated children must not).
    And(Vec<Node>),
    /// At least one child must match.
    Or(Vec<Node>),
}

/// Longest query we look at; the rest is ignored rather than slowing every search down.
pub const MAX_QUERY_CHARS: usize = 1000;

/// Parentheses nested deeper than this are ignored (bounds recursion on hostile input).
const MAX_DEPTH: usize = 16;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Open,
    Close,
    Or,
    Not,
    Term(Term),
    /// A known prefix followed by white space: applies to the next term.
    Prefix(Field),
}

/// Parses a query; `None` when it has no terms at all.
pub fn parse(query: &str) -> Option<Node> {
    let tokens = lex(query);
    let mut parser = Parser { tokens, at: 0 };
    let mut parts = Vec::new();
    while parser.at < parser.tokens.len() {
        match parser.and(0) {
            Some(node) => parts.push(node),
            // A stray `)` (or a dangling operator) at the top level is skipped.
            None => parser.at += 1,
        }
    }
    let node = flatten_and(parts)?;
    Some(node)
}

fn flatten_and(parts: Vec<Node>) -> Option<Node> {
    let mut flat = Vec::new();
    for part in parts {
        match part {
            Node::And(inner) => flat.extend(inner),
            other => flat.push(other),
        }
    }
    match flat.len() {
        0 => None,
        1 => flat.pop(),
        _ => Some(Node::And(flat)),
    }
}

struct Parser {
    tokens: Vec<Token>,
    at: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }

    /// Terms joined by the implicit AND, up to a `)` or the end.
    fn and(&mut self, depth: usize) -> Option<Node> {
        let mut parts = Vec::new();
        while let Some(token) = self.peek() {
            if *token == Token::Close {
                break;
            }
            if *token == Token::Or {
                self.at += 1; // dangling OR: nothing on its left
                continue;
            }
            if let Some(node) = self.or(depth) {
                parts.push(node);
            }
        }
        flatten_and(parts)
    }

    /// Unary terms joined by OR.
    fn or(&mut self, depth: usize) -> Option<Node> {
        let mut branches: Vec<Node> = self.unary(depth).into_iter().collect();
        while self.peek() == Some(&Token::Or) {
            self.at += 1;
            if let Some(node) = self.unary(depth) {
                branches.push(node);
            }
        }
        match branches.len() {
            0 => None,
            1 => branches.pop(),
            _ => Some(Node::Or(branches)),
        }
    }

    fn unary(&mut self, depth: usize) -> Option<Node> {
        if self.peek() == Some(&Token::Not) {
            self.at += 1;
            return self.primary(depth).map(|n| Node::Not(Box::new(n)));
        }
        self.primary(depth)
    }

    fn primary(&mut self, depth: usize) -> Option<Node> {
        let token = self.peek()?.clone();
        match token {
            Token::Open if depth >= MAX_DEPTH => {
                self.at += 1; // too deep: the parenthesis is ignored
                None
            }
            Token::Open => {
                self.at += 1;
                let inner = self.and(depth + 1);
                if self.peek() == Some(&Token::Close) {
                    self.at += 1;
                }
                inner
            }
            Token::Term(term) => {
                self.at += 1;
                Some(Node::Term(term))
            }
            Token::Prefix(field) => {
                self.at += 1;
                match self.peek() {
                    Some(Token::Term(term)) if term.field.is_none() => {
                        let mut term = term.clone();
                        term.field = Some(field);
                        self.at += 1;
                        Some(Node::Term(term))
                    }
                    // A prefix with nothing after it is ignored.
                    _ => None,
                }
            }
            Token::Not | Token::Or | Token::Close => None,
        }
    }
}

/// Splits the query into tokens. Control characters count as white space.
fn lex(query: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut chars = query
        .chars()
        .take(MAX_QUERY_CHARS)
        .map(|c| if c.is_control() { ' ' } else { c })
        .peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        match c {
            '(' | '（' => {
                chars.next();
                tokens.push(Token::Open);
            }
            ')' | '）' => {
                chars.next();
                tokens.push(Token::Close);
            }
            '|' | '｜' => {
                chars.next();
                tokens.push(Token::Or);
            }
            '-' => {
                chars.next();
                // A `-` before white space or at the end excludes nothing.
                if chars
                    .peek()
                    .is_some_and(|n| !n.is_whitespace() && *n != '-')
                {
                    tokens.push(Token::Not);
                }
            }
            q if is_open_quote(q) => {
                chars.next();
                let text = quoted(&mut chars);
                if !text.is_empty() {
                    tokens.push(Token::Term(Term {
                        field: None,
                        text,
                        phrase: true,
                    }));
                }
            }
            _ => tokens.extend(bare(&mut chars)),
        }
    }
    tokens
}

fn quoted(chars: &mut impl Iterator<Item = char>) -> String {
    let mut text = String::new();
    for c in chars.by_ref() {
        if is_close_quote(c) {
            break;
        }
        text.push(c);
    }
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A bare word: `OR`, a field prefix (with its word or phrase), or a plain word.
fn bare(chars: &mut std::iter::Peekable<impl Iterator<Item = char>>) -> Vec<Token> {
    let mut word = String::new();
    while let Some(c) = chars.next_if(|c| !c.is_whitespace() && !is_delimiter(*c)) {
        word.push(c);
        if matches!(c, ':' | '：')
            && let Some(field) = Field::from_prefix(&word[..word.len() - c.len_utf8()])
        {
            return prefixed(field, chars);
        }
    }
    if word == "OR" {
        return vec![Token::Or];
    }
    vec![Token::Term(Term {
        field: None,
        text: word,
        phrase: false,
    })]
}

/// What follows a known prefix: a phrase, a word, or (after white space) the next term.
fn prefixed(
    field: Field,
    chars: &mut std::iter::Peekable<impl Iterator<Item = char>>,
) -> Vec<Token> {
    match chars.peek() {
        Some(&q) if is_open_quote(q) => {
            chars.next();
            let text = quoted(chars);
            if text.is_empty() {
                return Vec::new();
            }
            vec![Token::Term(Term {
                field: Some(field),
                text,
                phrase: true,
            })]
        }
        Some(c) if !c.is_whitespace() && !is_delimiter(*c) => {
            let mut text = String::new();
            while let Some(c) = chars.next_if(|c| !c.is_whitespace() && !is_delimiter(*c)) {
                text.push(c);
            }
            vec![Token::Term(Term {
                field: Some(field),
                text,
                phrase: false,
            })]
        }
        _ => vec![Token::Prefix(field)],
    }
}

fn is_delimiter(c: char) -> bool {
    matches!(c, '(' | ')' | '（' | '）' | '|' | '｜') || is_open_quote(c)
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

    fn word(text: &str) -> Node {
        Node::Term(Term {
            field: None,
            text: text.into(),
            phrase: false,
        })
    }

    fn phrase(text: &str) -> Node {
        Node::Term(Term {
            field: None,
            text: text.into(),
            phrase: true,
        })
    }

    fn field(field: Field, text: &str, phrase: bool) -> Node {
        Node::Term(Term {
            field: Some(field),
            text: text.into(),
            phrase,
        })
    }

    fn not(node: Node) -> Node {
        Node::Not(Box::new(node))
    }

    #[test]
    fn words_phrases_and_exclusions() {
        assert_eq!(
            parse(r#"微信支付 淘宝 "互联 互通" -抖音 -"云 闪付""#),
            Some(Node::And(vec![
                word("微信支付"),
                word("淘宝"),
                phrase("互联 互通"),
                not(word("抖音")),
                not(phrase("云 闪付")),
            ]))
        );
    }

    #[test]
    fn or_binds_tighter_than_and_and_parentheses_group() {
        assert_eq!(
            parse("淘宝 京东 OR 拼多多"),
            Some(Node::And(vec![
                word("淘宝"),
                Node::Or(vec![word("京东"), word("拼多多")])
            ]))
        );
        assert_eq!(
            parse("(淘宝 京东) | 拼多多"),
            Some(Node::Or(vec![
                Node::And(vec![word("淘宝"), word("京东")]),
                word("拼多多")
            ]))
        );
        assert_eq!(
            parse("-(抖音 OR 快手) 支付"),
            Some(Node::And(vec![
                not(Node::Or(vec![word("抖音"), word("快手")])),
                word("支付")
            ]))
        );
    }

    #[test]
    fn field_prefixes() {
        assert_eq!(
            parse(r#"title:支付 source:"新华 社" entity：阿里 TAG:金融 author: 张三"#),
            Some(Node::And(vec![
                field(Field::Title, "支付", false),
                field(Field::Source, "新华 社", true),
                field(Field::Entity, "阿里", false),
                field(Field::Tag, "金融", false),
                field(Field::Author, "张三", false),
            ]))
        );
    }

    #[test]
    fn curly_quotes_and_ideographic_space() {
        assert_eq!(
            parse("“微信支付”\u{3000}淘宝"),
            Some(Node::And(vec![phrase("微信支付"), word("淘宝")]))
        );
    }

    #[test]
    fn malformed_queries_are_read_literally() {
        assert_eq!(parse(""), None);
        assert_eq!(parse("   "), None);
        assert_eq!(parse("-"), None);
        assert_eq!(parse("\"\""), None);
        assert_eq!(
            parse("\"unbalanced phrase"),
            Some(phrase("unbalanced phrase"))
        );
        assert_eq!(
            parse("(淘宝 OR 京东"),
            Some(Node::Or(vec![word("淘宝"), word("京东")]))
        );
        assert_eq!(
            parse("淘宝) 京东)"),
            Some(Node::And(vec![word("淘宝"), word("京东")]))
        );
        assert_eq!(parse("淘宝 OR"), Some(word("淘宝")));
        assert_eq!(parse("OR 淘宝"), Some(word("淘宝")));
        assert_eq!(parse("| OR"), None);
        assert_eq!(parse("foo:bar"), Some(word("foo:bar")));
        assert_eq!(parse("title:"), None);
        assert_eq!(
            parse("a\u{1b}[31mb"),
            Some(Node::And(vec![word("a"), word("[31mb")]))
        );
        assert_eq!(parse(&"(".repeat(5000)), None);
        let long = parse(&"字".repeat(10_000));
        assert!(matches!(long, Some(Node::Term(t)) if t.text.chars().count() == MAX_QUERY_CHARS));
    }
}
