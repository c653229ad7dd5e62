//! WeChat public-account articles (`mp.weixin.qq.com`). Their layout is one template: the
//! headline in `#activity-name`, the account in `#js_name`, the author in a meta line, and the
//! text in `#js_content`, which the page keeps hidden until its script has run (so the general
//! extractor, which skips hidden elements, finds no body). The date on screen is relative
//! (`昨天`, `前天`) and filled in by script; the exact time is a Unix timestamp in a script
//! variable (`var ct = "1637812345"`, `create_time`), read here in +08:00.

use scraper::{ElementRef, Html, Selector};

use super::{HeadInfo, Page, clean_person, node_text, normalise_date_value};
use crate::read::clean::{element_to_text_revealed, normalise_line};
use crate::read::pubdate;

/// The platform name given to every WeChat article.
pub(super) const SITE: &str = "微信公众号";

/// The page as a WeChat article, or `None` when it is not one.
pub(super) fn extract(doc: &Html, head: &HeadInfo) -> Option<Page> {
    let content = select_first(doc, "#js_content")?;
    let on_wechat = head
        .url
        .as_deref()
        .is_some_and(|u| u.contains("mp.weixin.qq.com"));
    if !on_wechat && select_first(doc, ".rich_media_content, .rich_media_title").is_none() {
        return None;
    }
    let scripts = script_text(doc);
    let title = head
        .og_title()
        .or_else(|| element_text(doc, "#activity-name, .rich_media_title"))
        .or_else(|| script_string(&scripts, "msg_title"));
    let account = element_text(doc, "#js_name, .profile_nickname")
        .or_else(|| script_string(&scripts, "nickname"));
    let author = head
        .author
        .clone()
        .or_else(|| byline(doc))
        .or_else(|| script_string(&scripts, "author"))
        .and_then(|a| clean_person(&a));
    Some(Page {
        title,
        published: publication_time(&scripts),
        author,
        source: account,
        editor: None,
        site: Some(SITE.to_string()),
        url: head.url.clone(),
        image: head.image.clone(),
        body: element_to_text_revealed(content),
    })
}

fn select_first<'a>(doc: &'a Html, selector: &str) -> Option<ElementRef<'a>> {
    let selector = Selector::parse(selector).ok()?;
    doc.select(&selector).next()
}

fn element_text(doc: &Html, selector: &str) -> Option<String> {
    let el = select_first(doc, selector)?;
    let text = node_text(*el);
    (!text.is_empty()).then_some(text)
}

/// The author shown in the meta line: a plain meta text that is neither the account name nor
/// the (relative) date.
fn byline(doc: &Html) -> Option<String> {
    let selector = Selector::parse("#meta_content .rich_media_meta_text").ok()?;
    doc.select(&selector)
        .filter(|el| el.value().id().is_none())
        .map(|el| node_text(*el))
        .find(|t| !t.is_empty())
}

fn script_text(doc: &Html) -> String {
    let Ok(selector) = Selector::parse("script") else {
        return String::new();
    };
    let mut all = String::new();
    for script in doc.select(&selector) {
        for piece in script.text() {
            all.push_str(piece);
        }
        all.push('\n');
    }
    all
}

/// Timestamp variables first (exact to the second), then a date variable.
fn publication_time(scripts: &str) -> Option<String> {
    ["ct", "create_time", "publish_time"]
        .iter()
        .filter_map(|name| script_string(scripts, name))
        .find_map(|v| pubdate::from_unix_timestamp(&v).or_else(|| normalise_date_value(&v)))
}

/// The literal assigned to `var name` / `name =` (quoted, possibly inside `htmlDecode("…")`,
/// or a bare number).
fn script_string(scripts: &str, name: &str) -> Option<String> {
    let mut from = 0;
    while let Some(pos) = scripts.get(from..)?.find(name) {
        let at = from + pos;
        from = at + name.len();
        let before_ok = scripts[..at]
            .chars()
            .next_back()
            .is_none_or(|c| !(c.is_ascii_alphanumeric() || c == '_' || c == '.'));
        if !before_ok {
            continue;
        }
        let rest = scripts[from..].trim_start_matches([' ', '\t']);
        let Some(rest) = rest.strip_prefix('=') else {
            continue;
        };
        if rest.starts_with('=') {
            continue;
        }
        if let Some(value) = literal(rest.trim_start()) {
            return Some(value);
        }
    }
    None
}

fn literal(rest: &str) -> Option<String> {
    let rest = rest
        .strip_prefix("htmlDecode(")
        .unwrap_or(rest)
        .trim_start();
    let value = match rest.chars().next()? {
        q @ ('"' | '\'') => {
            let inner = &rest[1..];
            &inner[..inner.find([q, '\n'])?]
        }
        c if c.is_ascii_digit() => {
            let end = rest
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(rest.len());
            &rest[..end]
        }
        _ => return None,
    };
    let value = normalise_line(value);
    (!value.is_empty() && value.chars().count() <= 200).then_some(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_strings_are_read_whole_names_only() {
        let s = "var nickname = htmlDecode(\"滨江科技\");\nvar ct = \"1637812345\";\n\
                 var user_nickname = 'x'; var create_time = 1637800000 * 1;";
        assert_eq!(script_string(s, "nickname").as_deref(), Some("滨江科技"));
        assert_eq!(script_string(s, "ct").as_deref(), Some("1637812345"));
        assert_eq!(
            script_string(s, "create_time").as_deref(),
            Some("1637800000")
        );
        assert_eq!(script_string(s, "author"), None);
        assert_eq!(
            publication_time(s).as_deref(),
            Some("2021-11-25T11:52:25+08:00")
        );
    }
}
