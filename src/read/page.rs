//! Metadata and main text of a standalone news page.
//!
//! Chinese news sites rarely agree on markup: some carry Open Graph or
//! `article:*` metas, most only show the date next to the headline, and the
//! article body sits in site-specific containers among navigation, related
//! lists and comments. Everything here is therefore heuristic and general:
//! metas when present, otherwise the layout (position relative to the
//! headline, text density, class-name hints), never per-site selectors.

use std::collections::HashMap;

use ego_tree::NodeId;
use ego_tree::iter::Edge;
use scraper::node::{Element, Node};
use scraper::{ElementRef, Html};

use crate::read::clean::{
    DROPPED_EDGE, INLINE_CLOSE, INLINE_OPEN, element_to_text, is_block, is_excluded, normalise_line,
};

mod embedded;
mod site;
mod wechat;

pub use site::site_for_url;

/// What could be extracted from one page; every field but `body` is optional
/// because many pages simply do not carry it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Page {
    /// Headline without the site-name suffix <title> carries, so it can be
    /// shown and matched like the titles of markdown articles.
    pub title: Option<String>,
    /// Normalised to `YYYY-MM-DD[ HH:MM[:SS]]` or RFC 3339, the forms the
    /// crate's date parser accepts; bare times are meant as +08:00.
    pub published: Option<String>,
    pub author: Option<String>,
    /// The outlet named by "来源：X"; often not the site hosting the page.
    pub source: Option<String>,
    /// The editor named by an editor credit beside the headline (`责任编辑：X`); credits at
    /// the end of the body are read later, with the body (see `trailer`).
    pub editor: Option<String>,
    /// The publishing platform (网易, 新浪, 微信公众号): `og:site_name`, the page's own URL
    /// host in a table of known hosts, or a known platform named in the `<title>` suffix.
    pub site: Option<String>,
    /// og:url or the canonical link, to deduplicate copies of one article.
    pub url: Option<String>,
    pub image: Option<String>,
    /// Main article text only, so that navigation and related-article
    /// titles do not make the page match unrelated queries.
    pub body: String,
}

/// Single entry point so callers need not know which signals exist; never
/// panics, whatever the input.
pub fn extract_page(html: &str) -> Page {
    let doc = Html::parse_document(html);
    let head = HeadInfo::collect(&doc);
    if let Some(page) = wechat::extract(&doc, &head) {
        return page;
    }
    let walk = Walk::run(&doc);

    let headline = find_headline(&doc, &walk, head.title.as_deref());
    let title = choose_title(&head, headline.as_ref().map(|h| h.text.as_str()));
    let span = headline.as_ref().map(|h| (h.start, h.end));
    let visible = best_visible_date(&doc, &walk, span);
    let embedded = embedded::Embedded::collect(&doc);
    let published = choose_published(&head, visible.as_ref().map(|d| &d.hit), &embedded);

    let near = near_headline(&walk, span);
    // A byline beside the headline names a person; the author meta is
    // often just the site name.
    let author = labelled_value(&near, &["作者：", "作者:"])
        .and_then(|a| clean_person(&a))
        .or_else(|| head.author.clone());
    let source = visible
        .as_ref()
        .and_then(|d| walk.segments.get(d.segment))
        .and_then(|seg| after_label(&seg.text, SOURCE_LABELS))
        .or_else(|| labelled_value(&near, SOURCE_LABELS))
        .or_else(|| head.source.clone())
        .or_else(|| source_by_class(&doc));

    let editor = labelled_value(&near, EDITOR_LABELS);
    let site = choose_site(&head, headline.as_ref().map(|h| h.text.as_str()));

    let body = choose_body(&doc, &walk, span)
        .map(element_to_text)
        .unwrap_or_default();

    Page {
        title,
        published,
        author,
        source,
        editor,
        site,
        url: head.url,
        image: head.image,
        body,
    }
}

/// Labels of an editor credit in the header area.
const EDITOR_LABELS: &[&str] = &["责任编辑：", "责任编辑:", "责编：", "责编:"];

/// `og:site_name`, else the platform of a URL the page gives for itself, else a known platform
/// in the `<title>` suffix.
fn choose_site(head: &HeadInfo, headline: Option<&str>) -> Option<String> {
    head.meta(&["og:site_name"])
        .map(|s| normalise_line(&s))
        .filter(|s| !s.is_empty() && s.chars().count() <= 30)
        .or_else(|| head.own_urls.iter().find_map(|u| site_for_url(u)))
        .or_else(|| {
            let title = head.title.as_deref()?;
            let headline = headline.map_or_else(|| strip_site_suffix(title), str::to_string);
            site::site_in_title(title, Some(&headline))
        })
}

// ---------------------------------------------------------------------------
// <head> and machine-readable metadata

#[derive(Default)]
struct HeadInfo {
    /// (lower-case key without white space, content) in document order.
    metas: Vec<(String, String)>,
    title: Option<String>,
    url: Option<String>,
    image: Option<String>,
    author: Option<String>,
    source: Option<String>,
    ld_published: Option<String>,
    time_element: Option<String>,
    /// URLs the page gives for itself (og:url, canonical, mobile and alternate versions).
    own_urls: Vec<String>,
}

impl HeadInfo {
    fn collect(doc: &Html) -> Self {
        let mut info = HeadInfo::default();
        let mut canonical = None;
        let mut ld_author = None;
        for node in doc.tree.nodes() {
            let Some(el) = node.value().as_element() else {
                continue;
            };
            match el.name() {
                "meta" => info.add_meta(el),
                "title" if info.title.is_none() => info.title = document_title(node),
                "link" => info.add_link(el, &mut canonical),
                "script" if info.ld_published.is_none() => {
                    info.add_linked_data(el, node, &mut ld_author)
                }
                "time" if info.time_element.is_none() && !in_negative_area(node, false) => {
                    info.time_element = el.attr("datetime").and_then(normalise_date_value);
                }
                _ => {}
            }
        }
        info.finish(canonical, ld_author);
        info
    }

    /// Records a `<meta>` under each of its key attributes, lower-cased without spaces.
    fn add_meta(&mut self, el: &Element) {
        let Some(content) = el.attr("content") else {
            return;
        };
        for key in ["name", "property", "itemprop", "http-equiv"] {
            if let Some(k) = el.attr(key) {
                let k: String = k.chars().filter(|c| !c.is_whitespace()).collect();
                self.metas
                    .push((k.to_lowercase(), content.trim().to_string()));
            }
        }
    }

    fn add_link(&mut self, el: &Element, canonical: &mut Option<String>) {
        let rel = el.attr("rel").unwrap_or_default();
        let canon = rel.eq_ignore_ascii_case("canonical");
        // An alternate for another screen is the same page elsewhere; feeds are not.
        let same_page = rel.eq_ignore_ascii_case("alternate") && el.attr("media").is_some();
        if let Some(href) = el.attr("href").filter(|_| canon || same_page) {
            self.own_urls.push(href.trim().to_string());
        }
        if canon && canonical.is_none() {
            *canonical = el.attr("href").map(|h| h.trim().to_string());
        }
    }

    /// The publication date (and author) of the first JSON-LD block that parses.
    fn add_linked_data(
        &mut self,
        el: &Element,
        node: ego_tree::NodeRef<'_, Node>,
        author: &mut Option<String>,
    ) {
        let ld = el
            .attr("type")
            .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/ld+json"));
        if !ld {
            return;
        }
        if let Ok(v) = serde_json::from_str::<serde_json::Value>(&node_text(node)) {
            self.ld_published =
                json_find_str(&v, "datePublished").and_then(|s| normalise_date_value(&s));
            if author.is_none() {
                *author = json_author(&v);
            }
        }
    }

    /// Derives the page's URL, image, author and source once every element has been seen.
    fn finish(&mut self, canonical: Option<String>, ld_author: Option<String>) {
        self.url = self
            .meta(&["og:url"])
            .filter(|u| !u.is_empty())
            .or(canonical.filter(|u| !u.is_empty()));
        if let Some(url) = &self.url {
            self.own_urls.insert(0, url.clone());
        }
        // "format=html5;url=https://m.site.com/…": the mobile version of this page.
        let mobile: Vec<String> = self
            .metas
            .iter()
            .filter(|(k, _)| k == "mobile-agent")
            .filter_map(|(_, v)| v.split_once("url=").map(|(_, u)| u.trim().to_string()))
            .collect();
        self.own_urls.extend(mobile);
        self.image = self.meta(&["og:image"]).filter(|u| !u.is_empty());
        self.author = self
            .meta(&["author", "article:author"])
            .or(ld_author)
            .and_then(|a| clean_person(&a));
        self.source = self.meta(&["source"]).and_then(|s| {
            let s = s.trim_start_matches("来源：").trim_start_matches("来源:");
            first_token(s)
        });
    }

    /// First non-empty content of any of `keys`, in the order of `keys`.
    fn meta(&self, keys: &[&str]) -> Option<String> {
        keys.iter().find_map(|k| {
            self.metas
                .iter()
                .find(|(mk, v)| mk == k && !v.is_empty())
                .map(|(_, v)| v.clone())
        })
    }

    fn og_title(&self) -> Option<String> {
        self.meta(&["og:title"])
            .map(|t| normalise_line(&t))
            .filter(|t| !t.is_empty())
    }

    /// Publication time declared for machines, strongest convention first.
    fn declared_published(&self) -> Option<String> {
        const EXACT: &[&str] = &[
            "article:published_time",
            "og:article:published_time",
            "datepublished",
            "publishdate",
            "pubdate",
            "publish_date",
            "publish_time",
            "publishtime",
            "pubtime",
            "og:release_date",
            "dc.date.issued",
            "dcterms.issued",
        ];
        for key in EXACT {
            for (k, v) in &self.metas {
                if k == key
                    && let Some(d) = normalise_date_value(v)
                {
                    return Some(d);
                }
            }
        }
        // Less standard spellings that still name a publication time.
        self.metas.iter().find_map(|(k, v)| {
            let named = (k.contains("publish") || k.contains("pubdate"))
                && !k.contains("modif")
                && !k.contains("update");
            let generic_time = k.ends_with(":time") && !k.contains("update");
            if named || generic_time {
                normalise_date_value(v)
            } else {
                None
            }
        })
    }

    /// Last-resort times: a modification time is a better estimate than none.
    fn modified(&self) -> Option<String> {
        self.metas.iter().find_map(|(k, v)| {
            let named = k.contains("modif") || k.contains("update");
            if named { normalise_date_value(v) } else { None }
        })
    }
}

fn node_text(node: ego_tree::NodeRef<'_, Node>) -> String {
    let mut s = String::new();
    for d in node.descendants() {
        if let Some(t) = d.value().as_text() {
            s.push_str(t);
        }
    }
    normalise_line(&s)
}

/// Depth-first search without recursion (serde_json bounds nesting at parse
/// time, but an explicit stack keeps the cost obvious).
fn json_find<'a>(v: &'a serde_json::Value, key: &str) -> Option<&'a serde_json::Value> {
    let mut stack = vec![v];
    let mut budget = 10_000usize;
    while let Some(cur) = stack.pop() {
        budget = budget.checked_sub(1)?;
        match cur {
            serde_json::Value::Object(map) => {
                if let Some(found) = map.get(key) {
                    return Some(found);
                }
                stack.extend(map.values().rev());
            }
            serde_json::Value::Array(items) => stack.extend(items.iter().rev()),
            _ => {}
        }
    }
    None
}

fn json_find_str(v: &serde_json::Value, key: &str) -> Option<String> {
    json_find(v, key)?.as_str().map(str::to_string)
}

fn json_author(v: &serde_json::Value) -> Option<String> {
    let a = json_find(v, "author")?;
    let a = match a {
        serde_json::Value::Array(items) => items.first()?,
        other => other,
    };
    match a {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Object(m) => m.get("name")?.as_str().map(str::to_string),
        _ => None,
    }
}

/// Rejects placeholder and numeric-id author values some CMSs emit.
fn clean_person(a: &str) -> Option<String> {
    let a = normalise_line(a);
    let useless = a.is_empty()
        || a.contains('@')
        || a.chars().all(|c| c.is_ascii_digit() || c.is_whitespace())
        || a.chars().count() > 40;
    (!useless).then_some(a)
}

/// First run of text up to white space or a separator, as labels like
/// Labels that introduce the outlet an article comes from.
const SOURCE_LABELS: &[&str] = &[
    "文章来源：",
    "文章来源:",
    "来源于：",
    "来源于:",
    "来源：",
    "来源:",
    "稿源：",
    "稿源:",
];

/// Many templates mark the outlet by class alone (`<a class="source">北京日报</a>` beside the
/// date) without a label. Takes the first such element with a short, name-like text that is not
/// inside a footer, comment or related-article block.
fn source_by_class(doc: &Html) -> Option<String> {
    const CLASSES: &[&str] = &["source", "article-source", "media-source", "source-name"];
    let selector = scraper::Selector::parse("[class]").ok()?;
    doc.select(&selector).find_map(|el| {
        let classes = el.value().attr("class").unwrap_or_default();
        if !classes.split_whitespace().any(|c| CLASSES.contains(&c)) {
            return None;
        }
        // The source sits beside the headline, so the header area is not chrome here.
        if in_negative_area(*el, false) {
            return None;
        }
        let text: String = el.text().collect::<String>();
        let text = text.trim().trim_start_matches(['：', ':']).trim();
        let chars = text.chars().count();
        let name_like = (2..=20).contains(&chars)
            && !text.chars().any(|c| c.is_ascii_digit())
            && !text.contains(['：', ':', '|', '｜']);
        name_like.then(|| text.to_string())
    })
}

/// "来源：X  作者：Y" put several fields on one line.
fn first_token(s: &str) -> Option<String> {
    let mut t: String = s
        .trim_start()
        .chars()
        .take_while(|c| {
            !c.is_whitespace() && !matches!(c, '|' | '｜' | '，' | ',' | '；' | ';' | '）' | ')')
        })
        .take(30)
        .collect();
    // Adjacent fields are often glued together without any separator.
    for next_label in ["作者", "记者", "编辑", "责编", "来源", "发布", "时间"] {
        if let Some(pos) = t.find(next_label)
            && pos > 0
        {
            t.truncate(pos);
        }
    }
    (!t.is_empty()).then_some(t)
}

fn after_label(text: &str, labels: &[&str]) -> Option<String> {
    labels.iter().find_map(|label| {
        let pos = text.find(label)?;
        first_token(&text[pos + label.len()..])
    })
}

fn labelled_value(segments: &[&Segment], labels: &[&str]) -> Option<String> {
    segments.iter().find_map(|s| after_label(&s.text, labels))
}

/// The text of a `<title>` outside any inline SVG (whose titles name pictures), if not empty.
fn document_title(node: ego_tree::NodeRef<'_, Node>) -> Option<String> {
    let in_svg = node
        .ancestors()
        .take(64)
        .any(|a| a.value().as_element().is_some_and(|e| e.name() == "svg"));
    let t = node_text(node);
    (!in_svg && !t.is_empty()).then_some(t)
}

// ---------------------------------------------------------------------------
// Linear view of the visible document

/// A run of visible text inside one block, with its place in reading order.
struct Segment {
    text: String,
    /// Offset in characters of visible text from the document start.
    start: usize,
    /// Innermost block element containing the run.
    block: Option<NodeId>,
    link_chars: usize,
    in_heading: bool,
}

#[derive(Default)]
struct Walk {
    segments: Vec<Segment>,
    /// (text chars, link text chars, start offset) of every element with
    /// visible text.
    totals: HashMap<NodeId, (usize, usize, usize)>,
    /// (start, end) visible-text offsets of every heading element.
    headings: Vec<(NodeId, usize, usize)>,
}

#[derive(Default)]
struct Pending {
    raw: String,
    link_chars: usize,
}

/// The walk's state between one tree edge and the next.
#[derive(Default)]
struct Walker {
    walk: Walk,
    offset: usize,
    pending: Pending,
    /// Open block elements, innermost last.
    blocks: Vec<NodeId>,
    /// (text chars, link text chars, start offset) of every open element, innermost last.
    counts: Vec<(usize, usize, usize)>,
    open_headings: Vec<(NodeId, usize)>,
    link_depth: usize,
}

impl Walker {
    /// Ends the pending run of text as a segment (dropped when it holds only whitespace).
    fn flush(&mut self) {
        let text = normalise_line(&self.pending.raw);
        if !text.is_empty() {
            let len = text.chars().count();
            self.walk.segments.push(Segment {
                text,
                start: self.offset,
                block: self.blocks.last().copied(),
                link_chars: self.pending.link_chars,
                in_heading: !self.open_headings.is_empty(),
            });
            self.offset += len + 1;
        }
        self.pending = Pending::default();
    }

    fn text(&mut self, t: &str) {
        self.pending.raw.push_str(t);
        let n = t.chars().filter(|c| !c.is_whitespace()).count();
        let in_link = self.link_depth > 0;
        if in_link {
            self.pending.link_chars += n;
        }
        if let Some(top) = self.counts.last_mut() {
            top.0 += n;
            if in_link {
                top.1 += n;
            }
        }
    }

    fn open(&mut self, id: NodeId, name: &str) {
        if breaks_segment(name) {
            self.flush();
        } else {
            self.pending.raw.push(INLINE_OPEN);
        }
        if is_block(name) || matches!(name, "td" | "th") {
            self.blocks.push(id);
        }
        if is_heading(name) {
            self.open_headings.push((id, self.offset));
        }
        if name == "a" {
            self.link_depth += 1;
        }
        self.counts.push((0, 0, self.offset));
    }

    fn close(&mut self, id: NodeId, name: &str) {
        if breaks_segment(name) {
            self.flush();
        } else {
            self.pending.raw.push(INLINE_CLOSE);
        }
        if (is_block(name) || matches!(name, "td" | "th")) && self.blocks.last() == Some(&id) {
            self.blocks.pop();
        }
        if is_heading(name)
            && let Some((heading, start)) = self.open_headings.pop()
        {
            self.walk.headings.push((heading, start, self.offset));
        }
        if name == "a" {
            self.link_depth = self.link_depth.saturating_sub(1);
        }
        if let Some(c) = self.counts.pop() {
            if let Some(parent) = self.counts.last_mut() {
                parent.0 += c.0;
                parent.1 += c.1;
            }
            if c.0 > 0 {
                self.walk.totals.insert(id, c);
            }
        }
    }
}

impl Walk {
    fn run(doc: &Html) -> Self {
        let mut w = Walker::default();
        // An excluded element (script, hidden box): everything inside it is skipped.
        let mut skip_until = None;
        for edge in doc.tree.root().traverse() {
            match edge {
                Edge::Open(_) if skip_until.is_some() => {}
                Edge::Open(node) => match node.value() {
                    Node::Text(t) => w.text(t),
                    Node::Element(el) if is_excluded(el) => {
                        w.pending.raw.push(DROPPED_EDGE);
                        skip_until = Some(node.id());
                    }
                    Node::Element(el) => w.open(node.id(), el.name()),
                    _ => {}
                },
                Edge::Close(node) if skip_until.is_some() => {
                    if skip_until == Some(node.id()) {
                        skip_until = None;
                    }
                }
                Edge::Close(node) => {
                    if let Some(el) = node.value().as_element() {
                        w.close(node.id(), el.name());
                    }
                }
            }
        }
        // The final run has no closing block; it is never a heading.
        w.open_headings.clear();
        w.flush();
        w.walk.headings.sort_by_key(|h| h.1);
        w.walk
    }

    fn totals(&self, id: NodeId) -> (usize, usize, usize) {
        self.totals.get(&id).copied().unwrap_or((0, 0, 0))
    }
}

fn breaks_segment(name: &str) -> bool {
    is_block(name) || matches!(name, "br" | "td" | "th")
}

fn is_heading(name: &str) -> bool {
    matches!(name, "h1" | "h2" | "h3" | "h4" | "h5" | "h6")
}

// ---------------------------------------------------------------------------
// Title

struct Headline {
    text: String,
    start: usize,
    end: usize,
}

/// Compare titles ignoring white space and case, since <title>, og:title and
/// the visible heading often differ only in spacing.
fn squash(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

/// The visible heading of the article: the h1/h2 that repeats the <title>,
/// else the first substantial h1 outside navigation.
fn find_headline(doc: &Html, walk: &Walk, title_tag: Option<&str>) -> Option<Headline> {
    let stripped_sq = title_tag
        .map(|t| squash(&strip_site_suffix(t)))
        .unwrap_or_default();
    let mut fallback = None;
    for rank in ["h1", "h2", "h3"] {
        // Bounded: headings can nest, and a page needs only its first few.
        for &(id, start, end) in walk.headings.iter().take(MAX_HEADINGS) {
            let Some(node) = doc.tree.get(id) else {
                continue;
            };
            let Some(el) = ElementRef::wrap(node) else {
                continue;
            };
            if el.value().name() != rank {
                continue;
            }
            let text = heading_text(el);
            let sq = squash(&text);
            if sq.chars().count() < 4 {
                continue;
            }
            // A logo heading repeats only the site name from the <title>
            // suffix, so a match must cover most of the stripped title.
            let covers = sq.chars().count() * 2 >= stripped_sq.chars().count();
            let matches_title = !stripped_sq.is_empty()
                && ((stripped_sq.contains(&sq) && covers) || sq.contains(&stripped_sq));
            if matches_title {
                return Some(Headline { text, start, end });
            }
            if rank == "h1" && fallback.is_none() && !in_negative_area(node, false) {
                fallback = Some(Headline { text, start, end });
            }
        }
    }
    fallback
}

const MAX_HEADINGS: usize = 64;

/// Text of a heading, cut off early: a real headline is short, and this keeps
/// the work bounded for headings that wrap the rest of the page.
fn heading_text(el: ElementRef<'_>) -> String {
    let mut raw = String::new();
    for piece in el.text() {
        raw.push_str(piece);
        if raw.len() > 1_000 {
            break;
        }
    }
    normalise_line(&raw)
}

const TITLE_SEPARATORS: &[&str] = &[" - ", " — ", "——", "--", "_", "|", "｜", " – "];

/// Drops the "_Site_Channel" style tail that <title> carries.
fn strip_site_suffix(title: &str) -> String {
    let mut parts: Vec<String> = vec![title.to_string()];
    for sep in TITLE_SEPARATORS {
        parts = parts
            .iter()
            .flat_map(|p| p.split(sep).map(str::to_string).collect::<Vec<_>>())
            .collect();
    }
    let parts: Vec<String> = parts
        .into_iter()
        .map(|p| normalise_line(&p))
        .filter(|p| !p.is_empty())
        .collect();
    let Some(longest) = parts.iter().map(|p| p.chars().count()).max() else {
        return normalise_line(title);
    };
    // The headline comes first on nearly every site; only a first part that
    // is much shorter than another (a leading site name) is skipped.
    let chosen = parts
        .iter()
        .find(|p| p.chars().count() * 3 >= longest)
        .or_else(|| parts.first());
    chosen.cloned().unwrap_or_default()
}

fn choose_title(head: &HeadInfo, headline: Option<&str>) -> Option<String> {
    if let Some(og) = head.og_title() {
        // A malformed og:title (unescaped quotes) is cut short; the visible
        // headline then holds the whole of it.
        if let Some(h) = headline
            && h.len() > og.len()
            && squash(h).starts_with(&squash(&og))
        {
            return Some(h.to_string());
        }
        // Some sites put their name after the og:title too.
        if let Some(h) = headline
            && squash(&strip_site_suffix(&og)) == squash(h)
        {
            return Some(h.to_string());
        }
        return Some(og);
    }
    let stripped = head
        .title
        .as_deref()
        .map(strip_site_suffix)
        .filter(|t| !t.is_empty());
    match (stripped, headline) {
        (Some(t), Some(h)) => {
            let (tq, hq) = (squash(&t), squash(h));
            // A heading that is part of the title is the title without its
            // suffix; one that adds to the title carries a badge ("原创").
            if tq.contains(&hq) {
                Some(h.to_string())
            } else {
                Some(t)
            }
        }
        (Some(t), None) => Some(t),
        (None, Some(h)) => Some(h.to_string()),
        (None, None) => None,
    }
}

// ---------------------------------------------------------------------------
// Dates

#[derive(Debug, Clone, PartialEq, Eq)]
struct DateHit {
    start: usize,
    end: usize,
    value: String,
    has_time: bool,
}

/// Parses a meta/JSON-LD/datetime attribute value into the normalised form.
fn normalise_date_value(v: &str) -> Option<String> {
    let chars: Vec<char> = v.trim().chars().collect();
    parse_date_at(&chars, 0).map(|h| h.value)
}

fn scan_dates(chars: &[char]) -> Vec<DateHit> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if let Some(hit) = parse_date_at(chars, i) {
            i = hit.end.max(i + 1);
            out.push(hit);
        } else {
            i += 1;
        }
    }
    out
}

fn digits(c: &[char], i: usize, min: usize, max: usize) -> Option<(u32, usize)> {
    let mut v = 0u32;
    let mut j = i;
    while j - i < max {
        let Some(d) = c
            .get(j)
            .filter(|ch| ch.is_ascii_digit())
            .and_then(|ch| ch.to_digit(10))
        else {
            break;
        };
        v = v * 10 + d;
        j += 1;
    }
    (j - i >= min).then_some((v, j))
}

/// Recognises `YYYY-MM-DD[ HH:MM[:SS]][zone]` (also `/` and `.` separated)
/// and `YYYY年M月D日[ HH:MM[:SS]]`, returning the normalised text.
fn parse_date_at(c: &[char], i: usize) -> Option<DateHit> {
    let (year, month, day, date_end) = parse_day_at(c, i)?;
    let mut value = format!("{year:04}-{month:02}-{day:02}");
    let glued = c.get(date_end).is_some_and(char::is_ascii_digit);
    // Optional time, separated by 'T', a little white space, or nothing.
    let mut k = date_end;
    if c.get(k) == Some(&'T') {
        k += 1;
    } else {
        let mut n = 0;
        while n < 3 && c.get(k).is_some_and(|ch| ch.is_whitespace()) {
            k += 1;
            n += 1;
        }
    }
    let Some((h, m, s, zone, end)) = parse_time(c, k) else {
        // `2021-11-3012` is a longer number, not a date.
        return (!glued).then_some(DateHit {
            start: i,
            end: date_end,
            value,
            has_time: false,
        });
    };
    match (s, zone) {
        (s, Some(z)) => value.push_str(&format!("T{h:02}:{m:02}:{:02}{z}", s.unwrap_or(0))),
        (Some(s), None) => value.push_str(&format!(" {h:02}:{m:02}:{s:02}")),
        (None, None) => value.push_str(&format!(" {h:02}:{m:02}")),
    }
    Some(DateHit {
        start: i,
        end,
        value,
        has_time: true,
    })
}

/// The calendar day written at `i` (year, month, day, end), with one separator throughout
/// or `年月日`; a year glued to a digit before it is part of a longer number.
fn parse_day_at(c: &[char], i: usize) -> Option<(u32, u32, u32, usize)> {
    if i > 0 && c.get(i - 1).is_some_and(char::is_ascii_digit) {
        return None;
    }
    let skip_spaces = |mut j: usize| {
        while c.get(j).is_some_and(|ch| *ch == ' ') {
            j += 1;
        }
        j
    };
    let (year, j) = digits(c, i, 4, 4)?;
    if !(1990..=2099).contains(&year) {
        return None;
    }
    let spaced = skip_spaces(j);
    let chinese = c.get(spaced) == Some(&'年');
    let j = if chinese { spaced } else { j };
    let sep = *c.get(j)?;
    if !matches!(sep, '-' | '/' | '.' | '年') {
        return None;
    }
    let j = if chinese { skip_spaces(j + 1) } else { j + 1 };
    let (month, j) = digits(c, j, 1, 2)?;
    let j = if chinese {
        let j = skip_spaces(j);
        (c.get(j) == Some(&'月')).then_some(skip_spaces(j + 1))?
    } else {
        (c.get(j) == Some(&sep)).then_some(j + 1)?
    };
    let (day, mut j) = digits(c, j, 1, 2)?;
    if chinese {
        let k = skip_spaces(j);
        if matches!(c.get(k), Some('日' | '号')) {
            j = k + 1;
        }
    }
    let valid = (1..=12).contains(&month) && (1..=31).contains(&day);
    valid.then_some((year, month, day, j))
}

type Time = (u32, u32, Option<u32>, Option<String>, usize);

fn parse_time(c: &[char], k: usize) -> Option<Time> {
    let (h, k) = digits(c, k, 1, 2)?;
    if !matches!(c.get(k), Some(':' | '：')) {
        return None;
    }
    let (m, mut k) = digits(c, k + 1, 2, 2)?;
    if h > 23 || m > 59 {
        return None;
    }
    let mut s = None;
    if matches!(c.get(k), Some(':' | '：'))
        && let Some((sec, k2)) = digits(c, k + 1, 2, 2)
        && sec <= 60
    {
        s = Some(sec);
        k = k2;
        if c.get(k) == Some(&'.') {
            let mut k3 = k + 1;
            while c.get(k3).is_some_and(char::is_ascii_digit) {
                k3 += 1;
            }
            if k3 > k + 1 {
                k = k3;
            }
        }
    }
    let mut zone = None;
    match c.get(k) {
        Some('Z') => {
            zone = Some("+00:00".to_string());
            k += 1;
        }
        Some(sign @ ('+' | '-')) => {
            if let Some((zh, k2)) = digits(c, k + 1, 2, 2) {
                let k2 = if c.get(k2) == Some(&':') { k2 + 1 } else { k2 };
                if let Some((zm, k3)) = digits(c, k2, 2, 2)
                    && zh <= 14
                    && zm <= 59
                {
                    zone = Some(format!("{sign}{zh:02}:{zm:02}"));
                    k = k3;
                }
            }
        }
        _ => {}
    }
    if c.get(k).is_some_and(char::is_ascii_digit) {
        return None;
    }
    // 12-hour clocks ("9:38:01 PM").
    let mut h = h;
    if zone.is_none() && h <= 12 {
        let mut k2 = k;
        while c.get(k2) == Some(&' ') {
            k2 += 1;
        }
        let marker: String = c
            .iter()
            .skip(k2)
            .take(2)
            .collect::<String>()
            .to_ascii_uppercase();
        let after = c.get(k2 + 2).is_none_or(|ch| !ch.is_ascii_alphanumeric());
        if after && (marker == "AM" || marker == "PM") {
            h = match (marker.as_str(), h) {
                ("AM", 12) => 0,
                ("PM", h) if h < 12 => h + 12,
                (_, h) => h,
            };
            k = k2 + 2;
        }
    }
    Some((h, m, s, zone, k))
}

struct VisibleDate {
    hit: DateHit,
    segment: usize,
}

const DATE_LABELS: &[&str] = &[
    "发布时间",
    "发布日期",
    "发表时间",
    "发表于",
    "发布于",
    "时间：",
    "时间:",
    "日期：",
    "日期:",
];

/// Picks the date shown with the headline among all dates in the page.
fn best_visible_date(
    doc: &Html,
    walk: &Walk,
    headline: Option<(usize, usize)>,
) -> Option<VisibleDate> {
    let mut best: Option<(f64, VisibleDate)> = None;
    for (si, seg) in walk.segments.iter().enumerate() {
        // Some templates put the date line in a small heading (`<h5>2021-03-04 来源：X</h5>`);
        // only the headline itself, and any heading when there is no headline, is skipped.
        let in_headline = headline.is_none_or(|(start, end)| (start..end).contains(&seg.start));
        if seg.in_heading && in_headline {
            continue;
        }
        let chars: Vec<char> = seg.text.chars().collect();
        for hit in scan_dates(&chars) {
            let score = score_date(doc, seg, &chars, &hit, headline);
            if best.as_ref().is_none_or(|(b, _)| score > *b) {
                best = Some((score, VisibleDate { hit, segment: si }));
            }
        }
    }
    best.filter(|(s, _)| *s > 0.0).map(|(_, d)| d)
}

fn score_date(
    doc: &Html,
    seg: &Segment,
    chars: &[char],
    hit: &DateHit,
    headline: Option<(usize, usize)>,
) -> f64 {
    let mut score = 0.0;
    if hit.has_time {
        score += 3.0;
    }
    let before: String = chars[hit.start.saturating_sub(8)..hit.start]
        .iter()
        .collect();
    let labelled = DATE_LABELS.iter().any(|l| before.contains(l));
    if labelled {
        score += 4.0;
    }
    let len = chars.len();
    let clauses = chars.iter().filter(|c| matches!(c, '，' | '。')).count();
    if clauses >= 2 || len > 120 {
        // A date inside running prose is something the article talks about.
        score -= 8.0;
    } else if len <= 60 {
        score += 2.0;
    }
    let total = seg
        .text
        .chars()
        .filter(|c| !c.is_whitespace())
        .count()
        .max(1);
    if seg.link_chars * 2 > total {
        score -= 3.0;
    }
    let pos = seg.start + hit.start;
    if let Some((h_start, h_end)) = headline {
        if pos >= h_end {
            let d = (pos - h_end) as f64;
            score += 6.0 * (-d / 300.0).exp();
            // Far below the headline an unlabelled date belongs to
            // something else (comments, widgets, lists).
            if d > 2_000.0 && !labelled {
                score -= 3.0;
            }
        } else {
            let d = h_start.saturating_sub(pos) as f64;
            score += 3.0 * (-d / 150.0).exp();
        }
    }
    if let Some(node) = seg.block.and_then(|id| doc.tree.get(id)) {
        if in_negative_area(node, false) {
            score -= 6.0;
        }
        let in_list = node
            .ancestors()
            .chain(std::iter::once(node))
            .take(4)
            .any(|a| {
                a.value()
                    .as_element()
                    .is_some_and(|e| matches!(e.name(), "li" | "dd" | "a"))
            });
        if in_list {
            score -= 2.0;
        }
    }
    score
}

/// Declared publication metas, then the date line by the headline, then publication fields
/// embedded in scripts (for pages that show only a relative or year-less date), and update or
/// creation times only when nothing else exists. A date without a time is refined by a time of
/// the same day from the date line or the embedded data.
fn choose_published(
    head: &HeadInfo,
    visible: Option<&DateHit>,
    embedded: &embedded::Embedded,
) -> Option<String> {
    let declared = head
        .declared_published()
        .or_else(|| head.ld_published.clone())
        .or_else(|| head.time_element.clone());
    let visible_value = visible.map(|v| v.value.clone());
    let chosen = declared
        .or_else(|| visible_value.clone())
        .or_else(|| embedded.published.clone())
        .or_else(|| head.modified())
        .or_else(|| embedded.fallback())?;
    let same_day_time = [visible_value, embedded.published.clone()]
        .into_iter()
        .flatten()
        .find(|v| v.len() > 10 && v.starts_with(&chosen));
    Some(if chosen.len() == 10 {
        same_day_time.unwrap_or(chosen)
    } else {
        chosen
    })
}

fn near_headline(walk: &Walk, headline: Option<(usize, usize)>) -> Vec<&Segment> {
    let Some((_, end)) = headline else {
        return Vec::new();
    };
    walk.segments
        .iter()
        .filter(|s| s.start >= end && s.start < end + 400 && s.text.chars().count() <= 120)
        .collect()
}

// ---------------------------------------------------------------------------
// Main content

const NEGATIVE_WORDS: &[&str] = &[
    "comment",
    "footer",
    "related",
    "relate",
    "sidebar",
    "recommend",
    "copyright",
    "breadcrumb",
    "navbar",
    "share",
    "advert",
    "banner",
    "menu",
    "login",
    "reply",
    "sponsor",
    "widget",
    "popup",
    "hotnews",
    "ranking",
    "tuijian",
    "xiangguan",
    "pinglun",
];
const NEGATIVE_TOKENS: &[&str] = &[
    "nav", "ad", "ads", "hot", "side", "tags", "tag", "foot", "more", "links", "rank", "bottom",
    "top", "header", "head", "crumb", "list",
];
const POSITIVE_WORDS: &[&str] = &[
    "article",
    "content",
    "main-text",
    "maintext",
    "post",
    "entry",
    "story",
    "detail",
    "artical",
    "zhengwen",
    "text",
    "body",
];
const POSITIVE_TOKENS: &[&str] = &["txt", "con", "main", "cont", "art", "news"];

fn class_and_id(el: &Element) -> String {
    let mut s = String::new();
    if let Some(c) = el.attr("class") {
        s.push_str(c);
    }
    s.push(' ');
    if let Some(i) = el.attr("id") {
        s.push_str(i);
    }
    s.to_lowercase()
}

fn tokens(s: &str) -> impl Iterator<Item = &str> {
    s.split(|c: char| !c.is_ascii_alphabetic())
        .filter(|t| !t.is_empty())
}

/// Chrome words that are also used for the article's header area, where
/// the headline, its date and the share bar live.
const HEADER_AREA: &[&str] = &["header", "head", "top", "share"];

fn is_negative_name(s: &str, header_is_chrome: bool) -> bool {
    let counts = |w: &str| header_is_chrome || !HEADER_AREA.contains(&w);
    NEGATIVE_WORDS.iter().any(|w| counts(w) && s.contains(w))
        || tokens(s).any(|t| NEGATIVE_TOKENS.contains(&t) && counts(t))
}

fn is_positive_name(s: &str) -> bool {
    POSITIVE_WORDS.iter().any(|w| s.contains(w)) || tokens(s).any(|t| POSITIVE_TOKENS.contains(&t))
}

/// Whether a node sits inside page chrome (navigation, footer, related
/// lists, comments) judged by tag and class/id within a bounded ancestry.
/// Looking for the headline or its date, the header area is not chrome.
fn in_negative_area(node: ego_tree::NodeRef<'_, Node>, header_is_chrome: bool) -> bool {
    std::iter::once(node)
        .chain(node.ancestors())
        .take(40)
        .filter_map(|n| n.value().as_element())
        .any(|el| {
            matches!(el.name(), "nav" | "footer" | "aside")
                || (!matches!(el.name(), "body" | "html")
                    && is_negative_name(&class_and_id(el), header_is_chrome))
        })
}

fn class_weight(el: &Element) -> f64 {
    let names = class_and_id(el);
    let mut w = 0.0;
    if is_negative_name(&names, true) {
        w -= 25.0;
    }
    if is_positive_name(&names) {
        w += 25.0;
    }
    w + match el.name() {
        "article" => 10.0,
        "main" => 5.0,
        "nav" | "footer" | "aside" | "header" | "form" => -25.0,
        "li" | "ul" | "ol" | "dl" | "dd" => -10.0,
        _ => 0.0,
    }
}

fn is_paragraph_like(name: &str) -> bool {
    matches!(
        name,
        "p" | "li" | "dd" | "dt" | "blockquote" | "pre" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6"
    )
}

/// Copyright, licence and disclaimer lines look like prose but are chrome.
fn is_site_notice(s: &str) -> bool {
    const MARKERS: &[&str] = &[
        "版权所有",
        "Copyright",
        "copyright",
        "COPYRIGHT",
        "©",
        "All Rights Reserved",
        "ICP备",
        "ICP证",
        "举报电话",
        "违法和不良信息",
        "免责声明",
        "公网安备",
    ];
    MARKERS.iter().any(|m| s.contains(m))
}

fn punctuation(s: &str) -> usize {
    s.chars()
        .filter(|c| {
            matches!(
                c,
                '，' | '。' | '、' | '；' | '！' | '？' | '：' | ',' | '“' | '”'
            )
        })
        .count()
}

/// Readability-style scoring: each paragraph credits its container (and,
/// less, the container's ancestors) by length and punctuation; the total is
/// adjusted by class/tag hints and scaled down by the share of link text.
fn choose_body<'a>(
    doc: &'a Html,
    walk: &Walk,
    headline: Option<(usize, usize)>,
) -> Option<ElementRef<'a>> {
    let mut best: Option<(f64, NodeId)> = None;
    for (id, content) in paragraph_credits(doc, walk) {
        let Some(score) = container_score(doc, walk, headline, id, content) else {
            continue;
        };
        // Ties go to the earlier node so the result never depends on
        // hash-map iteration order.
        let better = best.is_none_or(|(b, bid)| score > b || (score == b && id < bid));
        if better {
            best = Some((score, id));
        }
    }
    let chosen = best
        .and_then(|(_, id)| doc.tree.get(id))
        .and_then(ElementRef::wrap);
    chosen.or_else(|| {
        doc.tree
            .nodes()
            .filter_map(ElementRef::wrap)
            .find(|e| e.value().name() == "body")
    })
}

/// What the paragraphs credit each container with: their own block (or a paragraph's
/// parent) fully, the next two ancestors a half and a sixth. Site notices count against.
fn paragraph_credits(doc: &Html, walk: &Walk) -> HashMap<NodeId, f64> {
    let mut scores: HashMap<NodeId, f64> = HashMap::new();
    for seg in &walk.segments {
        if seg.in_heading {
            continue;
        }
        let len = seg.text.chars().filter(|c| !c.is_whitespace()).count();
        if len < 10 {
            continue;
        }
        let Some(block) = seg.block.and_then(|id| doc.tree.get(id)) else {
            continue;
        };
        let mut unit = 1.0 + punctuation(&seg.text) as f64 + (len as f64 / 100.0).min(3.0);
        if is_site_notice(&seg.text) {
            unit = -unit;
        }
        let paragraph = block
            .value()
            .as_element()
            .is_some_and(|e| is_paragraph_like(e.name()));
        let mut cur = if paragraph {
            block.parent()
        } else {
            Some(block)
        };
        for weight in [1.0, 0.5, 1.0 / 6.0] {
            let Some(n) = cur else { break };
            if n.value().is_element() {
                *scores.entry(n.id()).or_insert(0.0) += unit * weight;
            }
            cur = n.parent();
        }
    }
    scores
}

/// A container's credit adjusted by class/tag hints, chrome around it and nearness to the
/// headline, scaled down by its share of link text; `None` for `html`, `body` and non-elements.
fn container_score(
    doc: &Html,
    walk: &Walk,
    headline: Option<(usize, usize)>,
    id: NodeId,
    content: f64,
) -> Option<f64> {
    let node = doc.tree.get(id)?;
    let el = node.value().as_element()?;
    if matches!(el.name(), "html" | "body") {
        return None;
    }
    let (text, links, start) = walk.totals(id);
    let density = if text == 0 {
        1.0
    } else {
        links as f64 / text as f64
    };
    let mut adjust = class_weight(el);
    if node.parent().is_some_and(|p| in_negative_area(p, true)) {
        adjust -= 25.0;
    }
    // The article text follows its headline closely.
    if let Some((_, h_end)) = headline
        && start + 20 >= h_end
        && start < h_end + 600
    {
        adjust += 10.0;
    }
    Some((content + adjust) * (1.0 - density))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(body: &str, head: &str) -> Page {
        extract_page(&format!(
            "<!DOCTYPE html><html><head><meta charset='utf-8'>{head}</head><body>{body}</body></html>"
        ))
    }

    const ARTICLE: &str = "<div class='article-body'>\
        <p>某支付平台今日宣布，将向中小商户开放新的收款接口，费率下调至千分之三。</p>\
        <p>平台负责人表示，此举旨在降低商户成本，同时提升跨平台付款的便利性，用户无需切换应用。</p>\
        <p>业内人士认为，互联互通仍需时间，但方向已经明确，监管部门也在持续推动。</p></div>";

    #[test]
    fn title_prefers_og_title() {
        let p = page(
            "<h1>收款接口开放</h1>",
            "<meta property='og:title' content='收款接口全面开放'><title>收款接口开放_某某网</title>",
        );
        assert_eq!(p.title.as_deref(), Some("收款接口全面开放"));
    }

    #[test]
    fn title_suffix_is_stripped() {
        let p = page(
            "<p>无标题正文。</p>",
            "<title>收款接口全面开放_财经频道_某某网</title>",
        );
        assert_eq!(p.title.as_deref(), Some("收款接口全面开放"));
        let p = page("", "<title>支付平台调整费率 - 某某新闻</title>");
        assert_eq!(p.title.as_deref(), Some("支付平台调整费率"));
        let p = page("", "<title>支付平台调整费率|费率|平台_某某新闻</title>");
        assert_eq!(p.title.as_deref(), Some("支付平台调整费率"));
        let p = page("", "<title>网--支付平台调整费率及后续安排</title>");
        assert_eq!(p.title.as_deref(), Some("支付平台调整费率及后续安排"));
    }

    #[test]
    fn title_uses_matching_headline_and_skips_logo_h1() {
        let p = page(
            "<h1 class='logo'><a href='/'>新闻中心</a></h1><h1>支付平台调整费率</h1>",
            "<title>支付平台调整费率_某某网</title>",
        );
        assert_eq!(p.title.as_deref(), Some("支付平台调整费率"));
        let p = page("<h1>支付平台调整费率</h1>", "");
        assert_eq!(p.title.as_deref(), Some("支付平台调整费率"));
    }

    #[test]
    fn logo_heading_with_site_name_is_not_the_headline() {
        let p = page(
            "<h1><a href='/'>某某财经网</a></h1><div class='art'><h2>支付平台调整费率</h2>\
             <div class='info'>2021-03-04 09:15</div></div>",
            "<title>支付平台调整费率_某某财经网</title>",
        );
        assert_eq!(p.title.as_deref(), Some("支付平台调整费率"));
        assert_eq!(p.published.as_deref(), Some("2021-03-04 09:15"));
    }

    #[test]
    fn og_title_site_suffix_is_dropped_when_headline_agrees() {
        let p = page(
            "<h1>支付平台调整费率</h1>",
            "<meta property='og:title' content='支付平台调整费率_某某网'>",
        );
        assert_eq!(p.title.as_deref(), Some("支付平台调整费率"));
    }

    #[test]
    fn truncated_og_title_is_completed_by_headline() {
        let p = page(
            "<h1>平台称\"互通\"将提速</h1>",
            "<meta property='og:title' content='平台称'>",
        );
        assert_eq!(p.title.as_deref(), Some("平台称\"互通\"将提速"));
    }

    #[test]
    fn published_from_meta() {
        let p = page(
            "<h1>标题标题</h1><div>2001-01-01 00:00</div>",
            "<meta property='article:published_time' content='2021-03-04T05:06:07+08:00'>",
        );
        assert_eq!(p.published.as_deref(), Some("2021-03-04T05:06:07+08:00"));
        let p = page("", "<meta name='PubDate' content='2021-3-4 5:06:07'>");
        assert_eq!(p.published.as_deref(), Some("2021-03-04 05:06:07"));
        let p = page("", "<meta name='publish_time' content='2021-03-04'>");
        assert_eq!(p.published.as_deref(), Some("2021-03-04"));
    }

    #[test]
    fn date_only_meta_is_refined_by_visible_time() {
        let p = page(
            "<h1>支付平台调整费率</h1><div class='info'>2021年03月04日09:15 来源：某某网</div>",
            "<meta name='publishdate' content='2021-03-04'>",
        );
        assert_eq!(p.published.as_deref(), Some("2021-03-04 09:15"));
    }

    #[test]
    fn published_from_json_ld() {
        let p = page(
            "",
            "<script type='application/ld+json'>{\"@type\":\"NewsArticle\",\
             \"datePublished\":\"2020-10-11T12:13:14Z\",\"author\":{\"name\":\"王五\"}}</script>",
        );
        assert_eq!(p.published.as_deref(), Some("2020-10-11T12:13:14+00:00"));
        assert_eq!(p.author.as_deref(), Some("王五"));
    }

    #[test]
    fn published_from_time_element() {
        let p = page(
            "<h1>支付平台调整费率</h1><time datetime='2020-05-06T07:08:09+08:00'>五月六日</time>",
            "",
        );
        assert_eq!(p.published.as_deref(), Some("2020-05-06T07:08:09+08:00"));
    }

    #[test]
    fn published_from_labelled_visible_line() {
        let p = page(
            "<h1>支付平台调整费率</h1><div class='meta'><span>发布时间：2020-06-07 08:09:10</span>\
             <span>来源：支付日报</span></div>",
            "",
        );
        assert_eq!(p.published.as_deref(), Some("2020-06-07 08:09:10"));
        assert_eq!(p.source.as_deref(), Some("支付日报"));
    }

    #[test]
    fn published_from_visible_chinese_date() {
        let p = page(
            "<h1>支付平台调整费率</h1><p class='byline'>2019年9月9日 20:52 作者：李四</p>",
            "",
        );
        assert_eq!(p.published.as_deref(), Some("2019-09-09 20:52"));
        assert_eq!(p.author.as_deref(), Some("李四"));
    }

    #[test]
    fn headline_date_beats_related_list_and_copyright() {
        let body = format!(
            "<div class='nav'><a href='/'>首页</a> 2018-01-02 03:04</div>\
             <h1>支付平台调整费率</h1><div class='info'>2020-06-05 20:35</div>{ARTICLE}\
             <div class='related'><ul>\
             <li><a href='/1'>另一条支付新闻</a><span>2020-06-06 10:00</span></li>\
             <li><a href='/2'>第三条支付新闻</a><span>2020-06-07 11:00</span></li></ul></div>\
             <div class='footer'>© 2019 某某网 版权所有</div>"
        );
        let p = page(&body, "");
        assert_eq!(p.published.as_deref(), Some("2020-06-05 20:35"));
    }

    #[test]
    fn date_in_prose_is_not_a_publication_date() {
        let p = page(
            "<h1>支付平台调整费率</h1><p>据介绍，2019年2月27日下午，平台召开发布会，宣布了新的费率方案，\
             并表示将在未来三个月内逐步落实，商户可以通过后台查看具体的调整细节与适用范围，\
             也可以咨询客服了解更多信息，平台还将陆续推出更多优惠措施以回馈长期合作的商户。</p>",
            "",
        );
        assert_eq!(p.published, None);
    }

    #[test]
    fn main_content_beats_longer_link_heavy_lists() {
        let mut nav = String::from("<div class='nav-list'><ul>");
        let mut related = String::from("<div class='related-news'><ul>");
        for i in 0..40 {
            nav.push_str(&format!(
                "<li><a href='/c{i}'>频道{i}：支付、理财、保险、信贷</a></li>"
            ));
            related.push_str(&format!(
                "<li><a href='/r{i}'>相关报道：某平台第{i}次调整费率，商户如何应对？</a></li>"
            ));
        }
        nav.push_str("</ul></div>");
        related.push_str("</ul></div>");
        let body = format!("{nav}<h1>支付平台调整费率</h1>{ARTICLE}{related}");
        let p = page(&body, "");
        assert_eq!(
            p.body,
            "某支付平台今日宣布，将向中小商户开放新的收款接口，费率下调至千分之三。\n\
             平台负责人表示，此举旨在降低商户成本，同时提升跨平台付款的便利性，用户无需切换应用。\n\
             业内人士认为，互联互通仍需时间，但方向已经明确，监管部门也在持续推动。"
        );
    }

    #[test]
    fn source_from_a_class_or_another_label() {
        let p = extract_page(
            "<html><body><h1>支付平台调整费率</h1><div class='date-source'>2021年03月04日 09:15 \
             <a class='source' href='x'>支付日报</a></div><div class='article'><p>正文内容足够长。</p></div>\
             <div class='footer'><a class='source'>别的网站</a></div></body></html>",
        );
        assert_eq!(p.source.as_deref(), Some("支付日报"));
        let p = extract_page(
            "<html><body><h1>支付平台调整收费标准</h1><div>来源于：东城办事处</div><p>正文。</p></body></html>",
        );
        assert_eq!(p.source.as_deref(), Some("东城办事处"));
        let p = extract_page(
            "<html><body><h1>支付平台调整收费标准</h1><p>正文。</p><ul class='related-list'><li class='source'>某网</li></ul></body></html>",
        );
        assert_eq!(p.source, None);
    }

    #[test]
    fn url_image_and_source_from_metas() {
        let p = page(
            ARTICLE,
            "<meta property='og:url' content='https://example.com/a/1'>\
             <meta property='og:image' content='https://example.com/a.jpg'>\
             <meta name='source' content='来源：支付日报 原创'>",
        );
        assert_eq!(p.url.as_deref(), Some("https://example.com/a/1"));
        assert_eq!(p.image.as_deref(), Some("https://example.com/a.jpg"));
        assert_eq!(p.source.as_deref(), Some("支付日报"));
        let p = page("", "<link rel='canonical' href='https://example.com/c'>");
        assert_eq!(p.url.as_deref(), Some("https://example.com/c"));
    }

    #[test]
    fn date_scanner_forms() {
        let f = |s: &str| normalise_date_value(s);
        assert_eq!(
            f("2019-09-07T08:05:32+0800").as_deref(),
            Some("2019-09-07T08:05:32+08:00")
        );
        assert_eq!(f("2019/9/7").as_deref(), Some("2019-09-07"));
        assert_eq!(f("2019.09.26 12:11").as_deref(), Some("2019-09-26 12:11"));
        assert_eq!(
            f("2019 年 9 月 7 日 8:05").as_deref(),
            Some("2019-09-07 08:05")
        );
        assert_eq!(
            f("2019-9-5 9:38:01 PM").as_deref(),
            Some("2019-09-05 21:38:01")
        );
        assert_eq!(f("2019-9-5 12:10 am").as_deref(), Some("2019-09-05 00:10"));
        assert_eq!(f("2019-13-01"), None);
        assert_eq!(f("12019-01-01"), None);
        assert_eq!(f("© 2019"), None);
    }

    #[test]
    fn deeply_nested_headings_keep_their_text() {
        // Kept small: html5ever itself is quadratic in nested block depth. Its time is
        // `bench_bad_input`'s; a test asserts no time.
        let mut html = String::new();
        for _ in 0..2_000 {
            html.push_str("<h2><span>段落标题");
        }
        let p = extract_page(&html);
        assert!(p.body.starts_with("段落标题"));
    }

    #[test]
    fn deep_nesting_and_garbage_do_not_panic() {
        let mut html = String::from("<h1>标题标题</h1>");
        for _ in 0..100_000 {
            html.push_str("<span>");
        }
        html.push_str("深处的支付记录，内容很长很长很长。");
        let p = extract_page(&html);
        assert_eq!(p.body, "标题标题\n深处的支付记录，内容很长很长很长。");
        for s in [
            "",
            "<",
            "<meta content>",
            "<script type='application/ld+json'>{",
            "2019年",
            "<time datetime='x'>",
        ] {
            let _ = extract_page(s);
        }
    }

    /// An invented public-account article in the shape WeChat serves: the text container is
    /// hidden until script runs, the date on screen is relative, the time is a script variable.
    const WECHAT: &str = r#"<!DOCTYPE html><html><head><meta charset="utf-8">
        <meta property="og:title" content="滨江新区地铁三号线年底试运行">
        <meta property="og:url" content="http://mp.weixin.qq.com/s?__biz=QUJD&amp;mid=1">
        <meta name="author" content="林小雨">
        <title>滨江新区地铁三号线年底试运行</title></head><body>
        <div id="img-content" class="rich_media_wrp">
        <h1 class="rich_media_title" id="activity-name">滨江新区地铁三号线年底试运行</h1>
        <div id="meta_content" class="rich_media_meta_list">
          <span class="rich_media_meta rich_media_meta_text">林小雨</span>
          <span class="rich_media_meta rich_media_meta_nickname" id="profileBt">
            <a href="javascript:void(0);" id="js_name">滨江发布</a></span>
          <em id="publish_time" class="rich_media_meta rich_media_meta_text">昨天</em>
        </div>
        <div class="rich_media_content" id="js_content" style="visibility: hidden;">
          <p>记者从滨江新区获悉，地铁三号线全线轨道已经贯通，年底将开始试运行。</p>
          <p>三号线全长二十二公里，设站十六座，连接新区北部与老城区。</p>
          <p style="display:none">隐藏的调试文字</p>
        </div></div>
        <script>var nickname = htmlDecode("滨江发布");
        var ct = "1637812345";
        var publish_time = "2021-11-25" || "";</script></body></html>"#;

    #[test]
    fn wechat_article_fields() {
        let p = extract_page(WECHAT);
        assert_eq!(p.title.as_deref(), Some("滨江新区地铁三号线年底试运行"));
        assert_eq!(p.source.as_deref(), Some("滨江发布"));
        assert_eq!(p.author.as_deref(), Some("林小雨"));
        assert_eq!(p.site.as_deref(), Some("微信公众号"));
        assert_eq!(p.published.as_deref(), Some("2021-11-25T11:52:25+08:00"));
        assert_eq!(
            p.body,
            "记者从滨江新区获悉，地铁三号线全线轨道已经贯通，年底将开始试运行。\n\
             三号线全长二十二公里，设站十六座，连接新区北部与老城区。"
        );
    }

    #[test]
    fn wechat_author_comes_from_the_meta_line_without_an_author_meta() {
        let html = WECHAT.replace(r#"<meta name="author" content="林小雨">"#, "");
        assert_eq!(extract_page(&html).author.as_deref(), Some("林小雨"));
        let html = html.replace(r#"var ct = "1637812345";"#, "");
        assert_eq!(extract_page(&html).published.as_deref(), Some("2021-11-25"));
    }

    #[test]
    fn embedded_publication_data_dates_a_page_with_a_relative_date_line() {
        let body = format!(
            "<h1>滨江新区地铁三号线年底试运行</h1><div class='info'>昨天 09:15 来源：滨江日报</div>{ARTICLE}\
             <script>window.__STATE__ = {{\"article\": {{\"id\": 7, \"publishTime\": 1614820500}},\
             \"recommend\": [{{\"title\": \"旧闻\", \"publishTime\": 1577836800}}]}};</script>"
        );
        let p = page(&body, "<title>滨江新区地铁三号线年底试运行_某某网</title>");
        assert_eq!(p.published.as_deref(), Some("2021-03-04T09:15:00+08:00"));
        assert_eq!(p.source.as_deref(), Some("滨江日报"));
    }

    #[test]
    fn the_visible_date_line_wins_over_embedded_data() {
        let body = format!(
            "<h1>滨江新区地铁三号线年底试运行</h1><div class='info'>2021-03-04 10:30</div>{ARTICLE}\
             <script>var pubtime = '2021-03-04 09:15:00';</script>"
        );
        let p = page(&body, "");
        assert_eq!(p.published.as_deref(), Some("2021-03-04 10:30"));
    }

    #[test]
    fn a_date_only_line_takes_the_time_of_the_article_container() {
        let body = format!(
            "<div id='contain' data-ptime='2021-03-04 09:15:30'><h1>滨江新区地铁三号线年底试运行</h1>\
             <div class='info'><span>2021-03-04</span></div>{ARTICLE}</div>"
        );
        let p = page(&body, "");
        assert_eq!(p.published.as_deref(), Some("2021-03-04 09:15:30"));
    }

    #[test]
    fn update_and_creation_times_only_when_nothing_else() {
        let body = format!(
            "<h1>滨江新区地铁三号线年底试运行</h1>{ARTICLE}\
             <script>var data = {{\"updateTime\": \"2021-03-05 08:00\"}};</script>"
        );
        assert_eq!(
            page(&body, "").published.as_deref(),
            Some("2021-03-05 08:00")
        );
        let body = format!(
            "<h1>滨江新区地铁三号线年底试运行</h1>{ARTICLE}\
             <script>var data = {{\"updateTime\": \"2021-03-05 08:00\", \"pubDate\": \"2021-03-04\"}};</script>"
        );
        assert_eq!(page(&body, "").published.as_deref(), Some("2021-03-04"));
    }

    #[test]
    fn a_date_line_in_a_small_heading_is_found() {
        let body = format!(
            "<h1>滨江新区地铁三号线年底试运行</h1><h5>2021-03-04 09:15 来源：滨江日报</h5>{ARTICLE}"
        );
        assert_eq!(
            page(&body, "").published.as_deref(),
            Some("2021-03-04 09:15")
        );
    }

    #[test]
    fn site_from_site_name_url_or_title_suffix() {
        let p = page(ARTICLE, "<meta property='og:site_name' content='滨江网'>");
        assert_eq!(p.site.as_deref(), Some("滨江网"));
        let p = page(
            ARTICLE,
            "<link rel='canonical' href='https://news.163.com/21/0304/a.html'>",
        );
        assert_eq!(p.site.as_deref(), Some("网易"));
        let p = page(
            ARTICLE,
            "<meta name='mobile-agent' content='format=html5;url=https://m.hexun.com/a.html'>",
        );
        assert_eq!(p.site.as_deref(), Some("和讯网"));
        let p = page(
            ARTICLE,
            "<title>地铁三号线年底试运行_财经频道_新浪网</title>",
        );
        assert_eq!(p.site.as_deref(), Some("新浪"));
        let p = page(
            ARTICLE,
            "<link rel='alternate' type='application/rss+xml' href='https://rss.sina.com.cn/x.xml'>",
        );
        assert_eq!(p.site, None);
    }

    #[test]
    fn editor_credit_beside_the_headline() {
        let body = format!(
            "<h1>滨江新区地铁三号线年底试运行</h1><div class='info'>2021-03-04 09:15 责任编辑：林小雨</div>{ARTICLE}"
        );
        assert_eq!(page(&body, "").editor.as_deref(), Some("林小雨"));
    }
}
