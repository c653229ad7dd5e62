//! A linear pre-scan of HTML nesting, run before the real parser. html5ever checks "is there
//! a `<p>` in button scope" at every start tag of a block container by walking the stack of open
//! elements, so N nested `<div>`s cost O(N²): 100,000 of them take most of a minute. Real
//! pages nest such containers a few dozen deep; a document past [`MAX_BLOCK_DEPTH`] is refused
//! instead of stalling the batch.

/// Nesting of block containers beyond which a document is refused.
pub const MAX_BLOCK_DEPTH: usize = 2_000;

/// The start tags that make html5ever walk the stack of open elements (the HTML standard's
/// "close a p element in button scope" list), the only ones whose nesting is costly.
const BLOCK_CONTAINERS: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "center",
    "details",
    "dialog",
    "dir",
    "div",
    "dl",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "header",
    "hgroup",
    "main",
    "menu",
    "nav",
    "ol",
    "section",
    "summary",
    "ul",
];

/// Elements whose content is raw text: a `<` inside them is not a tag.
const RAW_TEXT: &[&str] = &[
    "script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "noscript",
];

/// The deepest nesting of block containers, counting until `limit` is passed (then it returns
/// a number over `limit`). Unclosed containers count as open, as the parser would keep them.
pub fn block_depth(html: &str, limit: usize) -> usize {
    let bytes = html.as_bytes();
    let (mut depth, mut deepest, mut i) = (0usize, 0usize, 0usize);
    while let Some(offset) = memchr(b'<', &bytes[i..]) {
        i += offset + 1;
        match bytes.get(i) {
            Some(b'!') => {
                // Comment, doctype or CDATA: skip to the end of a comment, else the next '>'.
                let end = if bytes[i..].starts_with(b"!--") {
                    find(&bytes[i..], b"-->")
                } else {
                    memchr(b'>', &bytes[i..])
                };
                i += end.unwrap_or(bytes.len() - i);
            }
            Some(b'/') => {
                let name = tag_name(&bytes[i + 1..]);
                if BLOCK_CONTAINERS.contains(&name.as_str()) {
                    depth = depth.saturating_sub(1);
                }
            }
            Some(c) if c.is_ascii_alphabetic() => {
                let name = tag_name(&bytes[i..]);
                if BLOCK_CONTAINERS.contains(&name.as_str()) {
                    depth += 1;
                    deepest = deepest.max(depth);
                    if deepest > limit {
                        return deepest;
                    }
                } else if RAW_TEXT.contains(&name.as_str()) {
                    let close = format!("</{name}");
                    i += find_ignore_case(&bytes[i..], close.as_bytes()).unwrap_or(bytes.len() - i);
                }
            }
            _ => {}
        }
    }
    deepest
}

fn tag_name(bytes: &[u8]) -> String {
    bytes
        .iter()
        .take(16)
        .take_while(|b| b.is_ascii_alphanumeric())
        .map(|b| char::from(b.to_ascii_lowercase()))
        .collect()
}

fn memchr(needle: u8, haystack: &[u8]) -> Option<usize> {
    haystack.iter().position(|b| *b == needle)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn find_ignore_case(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_open_block_containers() {
        assert_eq!(
            block_depth("<div><div><p>x</p></div><section><div>", 100),
            3
        );
        assert_eq!(block_depth("<DIV class=a><Div>", 100), 2);
        assert_eq!(block_depth("<span><span><b><i>", 100), 0);
        assert_eq!(block_depth("", 100), 0);
        assert_eq!(block_depth("a < b <", 100), 0);
    }

    #[test]
    fn ignores_comments_and_raw_text() {
        assert_eq!(block_depth("<!-- <div><div> --><div>", 100), 1);
        assert_eq!(
            block_depth("<script>var s = '<div><div><div>';</script><div>", 100),
            1
        );
        assert_eq!(block_depth("<STYLE>div<div></style>", 100), 0);
        assert_eq!(block_depth("<!DOCTYPE html><ul><li><ul><li>", 100), 2);
    }

    #[test]
    fn stops_counting_past_the_limit() {
        let deep = "<div>".repeat(100_000);
        assert_eq!(block_depth(&deep, 10), 11);
    }
}
