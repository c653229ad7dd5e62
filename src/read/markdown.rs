//! Markdown bodies to HTML, so that one HTML cleaner turns every body into text: Jekyll and
//! Hexo posts mix raw HTML with Markdown links and headings, and CommonMark passes the HTML
//! through untouched.

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

/// Renders a Markdown body to HTML. Scraped posts often indent their HTML; CommonMark would
/// read an indented line after a blank one as a code block and show its tags as text, so a
/// body that carries block-level HTML is dedented first.
pub fn to_html(markdown: &str) -> String {
    let dedented;
    let source = if carries_block_html(markdown) {
        dedented = markdown
            .lines()
            .map(str::trim_start)
            .collect::<Vec<_>>()
            .join("\n");
        dedented.as_str()
    } else {
        markdown
    };
    let mut html = String::with_capacity(source.len() + source.len() / 4);
    pulldown_cmark::html::push_html(&mut html, Parser::new_ext(source, options()));
    html
}

fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH
}

fn carries_block_html(markdown: &str) -> bool {
    const BLOCK_TAGS: &[&str] = &["<p", "<div", "<br", "<table", "<section", "<center", "<ul"];
    let lower = markdown.get(..markdown.len().min(64 * 1024)).map_or_else(
        || markdown.to_ascii_lowercase(),
        |head| head.to_ascii_lowercase(),
    );
    BLOCK_TAGS.iter().any(|tag| lower.contains(tag))
}

/// Text of the first heading (any level), for articles that have no front-matter title.
pub fn first_heading(markdown: &str) -> Option<String> {
    let mut in_heading = false;
    let mut text = String::new();
    for event in Parser::new_ext(markdown, options()) {
        match event {
            Event::Start(Tag::Heading { level, .. }) if level <= HeadingLevel::H6 => {
                in_heading = true;
            }
            Event::End(TagEnd::Heading(_)) if in_heading => {
                let title = text.split_whitespace().collect::<Vec<_>>().join(" ");
                if !title.is_empty() {
                    return Some(title);
                }
                in_heading = false;
                text.clear();
            }
            Event::Text(t) | Event::Code(t) if in_heading => text.push_str(&t),
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_keep_text_and_headings_render() {
        assert_eq!(
            to_html("# 标题\n\n见[央行公告](http://example.com)。"),
            "<h1>标题</h1>\n<p>见<a href=\"http://example.com\">央行公告</a>。</p>\n"
        );
    }

    #[test]
    fn indented_html_is_not_a_code_block() {
        let html = to_html("<div>\n<p>一</p>\n\n     <p>二</p>\n</div>");
        assert!(!html.contains("<pre>"), "{html}");
        assert!(html.contains("<p>二</p>"), "{html}");
    }

    #[test]
    fn plain_markdown_code_blocks_survive() {
        assert!(to_html("text\n\n    code line\n").contains("<pre><code>code line"));
    }

    #[test]
    fn first_heading_of_any_level() {
        assert_eq!(
            first_heading("intro\n\n## 移动 *支付*\n\n# later").as_deref(),
            Some("移动 支付")
        );
        assert_eq!(first_heading("no heading"), None);
    }
}
