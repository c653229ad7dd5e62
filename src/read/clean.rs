//! Turning article HTML into the plain text that gets indexed.
//!
//! `scraper`'s own `.text()` concatenates every text node, which welds
//! paragraphs together and keeps script bodies, hidden stock-chart markers and
//! the like. Here the DOM is walked with an explicit open/close edge iterator
//! (never recursion, so hostile nesting depth cannot overflow the stack) and
//! block structure is turned into line breaks.

use ego_tree::NodeRef;
use ego_tree::iter::Edge;
use scraper::node::{Element, Node};
use scraper::{ElementRef, Html};

/// Clean text of an HTML fragment or whole document: paragraphs separated by '\n'.
pub fn html_to_text(html: &str) -> String {
    // A fragment parsed as a document lands in <body>, so one parse mode
    // serves both inputs, and anything the parser moves into <head> (style,
    // meta, title) is dropped with it.
    let doc = Html::parse_document(html);
    node_to_text(doc.tree.root(), false)
}

/// Same, for an element already parsed (used by page extraction).
pub fn element_to_text(el: ElementRef<'_>) -> String {
    node_to_text(*el, false)
}

/// Same, for an article container the page hides until its script has run (WeChat's
/// `#js_content` is `visibility: hidden` in the served HTML): the container's own hiding is
/// ignored, hidden elements inside it are still left out.
pub fn element_to_text_revealed(el: ElementRef<'_>) -> String {
    node_to_text(*el, true)
}

/// Elements whose whole subtree never carries article text.
const DROPPED: &[&str] = &[
    "script", "style", "noscript", "iframe", "frame", "frameset", "template", "svg", "math",
    "canvas", "head", "title", "meta", "link", "base", "button", "select", "option", "optgroup",
    "datalist", "input", "textarea", "object", "embed", "applet", "audio", "video", "source",
    "track", "map", "area", "img", "picture",
];

/// Elements that end the current line when they open and when they close.
const BLOCKS: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "body",
    "caption",
    "center",
    "dd",
    "details",
    "dialog",
    "dir",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hgroup",
    "hr",
    "html",
    "legend",
    "li",
    "listing",
    "main",
    "menu",
    "nav",
    "ol",
    "p",
    "plaintext",
    "pre",
    "section",
    "summary",
    "table",
    "tbody",
    "tfoot",
    "thead",
    "tr",
    "ul",
    "xmp",
];

/// True for elements whose content must not reach the text: non-content
/// elements, and content the page itself hides from readers (such as the
/// invisible padding paragraphs some wire services put around chart widgets).
pub(crate) fn is_excluded(el: &Element) -> bool {
    DROPPED.contains(&el.name()) || is_hidden(el)
}

fn is_hidden(el: &Element) -> bool {
    if el.attr("hidden").is_some() {
        return true;
    }
    if el
        .attr("aria-hidden")
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"))
    {
        return true;
    }
    let Some(style) = el.attr("style") else {
        return false;
    };
    style.split(';').any(|decl| {
        let Some((prop, value)) = decl.split_once(':') else {
            return false;
        };
        let prop = prop.trim().to_ascii_lowercase();
        let value: String = value
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_lowercase();
        let value = value.trim_end_matches("!important");
        (prop == "display" && value == "none") || (prop == "visibility" && value == "hidden")
    })
}

pub(crate) fn is_block(name: &str) -> bool {
    BLOCKS.contains(&name)
}

/// Collects raw inline text for the line being built and the finished lines.
#[derive(Default)]
struct Sink {
    lines: Vec<String>,
    raw: String,
    /// Inside <pre> newlines in text are real line breaks.
    pre_depth: usize,
}

impl Sink {
    fn text(&mut self, s: &str) {
        if self.pre_depth == 0 {
            self.raw.push_str(s);
            return;
        }
        let mut parts = s.split('\n');
        if let Some(first) = parts.next() {
            self.raw.push_str(first);
        }
        for part in parts {
            self.line_break();
            self.raw.push_str(part);
        }
    }

    fn line_break(&mut self) {
        let line = normalise_line(&self.raw);
        self.raw.clear();
        if !line.is_empty() {
            self.lines.push(line);
        }
    }
}

fn node_to_text(root: NodeRef<'_, Node>, reveal_root: bool) -> String {
    let mut sink = Sink::default();
    // While set, everything up to the matching close edge is ignored.
    let mut skip_until = None;
    for edge in root.traverse() {
        match edge {
            Edge::Open(node) => {
                if skip_until.is_some() {
                    continue;
                }
                match node.value() {
                    Node::Text(t) => sink.text(t),
                    Node::Element(el) => {
                        let revealed =
                            reveal_root && node.id() == root.id() && !DROPPED.contains(&el.name());
                        if is_excluded(el) && !revealed {
                            sink.raw.push(DROPPED_EDGE);
                            skip_until = Some(node.id());
                            continue;
                        }
                        open_element(el.name(), &mut sink);
                    }
                    _ => {}
                }
            }
            Edge::Close(node) => {
                if let Some(id) = skip_until {
                    if id == node.id() {
                        skip_until = None;
                    }
                    continue;
                }
                if let Node::Element(el) = node.value() {
                    close_element(el.name(), &mut sink);
                }
            }
        }
    }
    sink.line_break();
    let mut lines = sink.lines;
    drop_trailing_boilerplate(&mut lines);
    lines.join("\n")
}

fn open_element(name: &str, sink: &mut Sink) {
    match name {
        "br" => sink.line_break(),
        // Cells of one row stay on one line, kept apart by a space.
        "td" | "th" => sink.raw.push(' '),
        "pre" | "listing" | "plaintext" | "xmp" => {
            sink.line_break();
            sink.pre_depth += 1;
        }
        _ if is_block(name) => sink.line_break(),
        _ => sink.raw.push(INLINE_OPEN),
    }
}

fn close_element(name: &str, sink: &mut Sink) {
    match name {
        "td" | "th" => sink.raw.push(' '),
        "pre" | "listing" | "plaintext" | "xmp" => {
            sink.line_break();
            sink.pre_depth = sink.pre_depth.saturating_sub(1);
        }
        _ if is_block(name) => sink.line_break(),
        _ => sink.raw.push(INLINE_CLOSE),
    }
}

/// Markers for inline element edges in raw line text (Unicode noncharacters,
/// which real text does not use): white space between two sibling inline
/// elements separates items, even when it is only an indented line wrap.
pub(crate) const INLINE_OPEN: char = '\u{FDD0}';
pub(crate) const INLINE_CLOSE: char = '\u{FDD1}';
/// Marks where a dropped element stood. It separates like a source line wrap: between CJK
/// characters it vanishes, elsewhere it is a space, so dropping `<svg>` from `<scr<svg>ipt>`
/// cannot join the text around it into markup.
pub(crate) const DROPPED_EDGE: char = '\u{FDD2}';

/// Characters that are invisible and carry no word boundary.
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200B}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}')
}

/// Ideographs, kana, hangul and full-width forms: scripts written without
/// spaces, where a source line wrap is not a word boundary.
fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x2E80..=0x2FDF
        | 0x3001..=0x303F
        | 0x3040..=0x31FF
        | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF
        | 0xAC00..=0xD7AF
        | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F
        | 0xFF00..=0xFFEF
        | 0x20000..=0x3FFFF)
}

/// Punctuation shared with Western text but used inside Chinese sentences.
fn is_cjk_friendly(c: char) -> bool {
    is_cjk(c)
        || matches!(
            c,
            '\u{2014}' | '\u{2018}'..='\u{201F}' | '\u{2026}' | '\u{00B7}'
        )
}

/// Collapses white space as a browser would, except that a source line wrap
/// between two CJK characters disappears instead of becoming a space.
pub(crate) fn normalise_line(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut last: Option<char> = None;
    let mut in_space = false;
    let mut saw_newline = false;
    let mut saw_other_space = false;
    // Inline edges seen since the last visible character: a close then an open.
    let mut saw_close = false;
    let mut saw_open_after_close = false;
    for c in raw.chars() {
        if is_invisible(c) {
            continue;
        }
        if c == INLINE_CLOSE {
            saw_close = true;
            continue;
        }
        if c == INLINE_OPEN {
            saw_open_after_close |= saw_close;
            continue;
        }
        if c.is_whitespace() || c == DROPPED_EDGE {
            in_space = true;
            match c {
                '\n' | '\r' | DROPPED_EDGE => saw_newline = true,
                ' ' | '\t' | '\u{000C}' => {}
                _ => saw_other_space = true,
            }
            continue;
        }
        if in_space {
            if let Some(prev) = last {
                let wrap_only = saw_newline && !saw_other_space && !saw_open_after_close;
                let cjk_join =
                    is_cjk_friendly(prev) && is_cjk_friendly(c) && (is_cjk(prev) || is_cjk(c));
                if !(wrap_only && cjk_join) {
                    out.push(' ');
                }
            }
            in_space = false;
            saw_newline = false;
            saw_other_space = false;
        }
        saw_close = false;
        saw_open_after_close = false;
        out.push(c);
        last = Some(c);
    }
    out
}

/// Site chrome that syndication feeds append after the article: "back to"
/// navigation links, bare share URLs, and empty `<>` left by autolinks.
fn drop_trailing_boilerplate(lines: &mut Vec<String>) {
    while lines.last().is_some_and(|l| is_boilerplate_line(l)) {
        lines.pop();
    }
}

fn is_boilerplate_line(line: &str) -> bool {
    let line = markdown_links_to_text(line);
    let t = line.trim_matches(|c: char| c == '<' || c == '>' || c.is_whitespace());
    if t.is_empty() || is_url(t) {
        return true;
    }
    let mut pieces = t
        .split(|c: char| {
            c.is_whitespace() || matches!(c, '｜' | '|' | '丨' | '│' | '/' | '·' | '•' | '<' | '>')
        })
        .filter(|p| !p.is_empty())
        .peekable();
    pieces.peek().is_some() && pieces.all(is_nav_piece)
}

fn is_nav_piece(piece: &str) -> bool {
    let p = piece
        .trim_matches(|c: char| matches!(c, '[' | ']' | '【' | '】' | '(' | ')' | '（' | '）'));
    if matches!(p, "" | "首页" | "顶部" | "回到顶部") {
        return true;
    }
    // Adjacent links joined by a source line wrap arrive glued together
    // ("返回X新闻返回首页"), so each "返回" starts another short link.
    let Some(rest) = p.strip_prefix("返回") else {
        return false;
    };
    rest.split("返回").all(|target| {
        let len = target.chars().count();
        (1..=14).contains(&len)
            && !target
                .chars()
                .any(|c| matches!(c, '，' | '。' | '！' | '？' | '；' | '：' | ','))
    })
}

fn is_url(t: &str) -> bool {
    let lower = t.to_ascii_lowercase();
    let scheme = ["http://", "https://", "//", "www."]
        .iter()
        .any(|p| lower.starts_with(p));
    scheme && !t.chars().any(char::is_whitespace) && t.len() > 4
}

/// Rewrites `[text](target)` to `text`, for feeds whose bodies end in raw
/// markdown navigation links that were never rendered.
fn markdown_links_to_text(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(open) = rest.find('[') {
        let after = &rest[open + 1..];
        let Some(close) = after.find("](") else {
            break;
        };
        let target = &after[close + 2..];
        let Some(end) = target.find(')') else {
            break;
        };
        out.push_str(&rest[..open]);
        out.push_str(&after[..close]);
        rest = &target[end + 1..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_become_lines_and_inline_stays_inline() {
        let html = "<div><h2>钱包升级</h2><p>用户可以<a href='/x'>绑定</a><strong>多张</strong>银行卡。</p>\
                    <ul><li>扫码付款</li><li>转账</li></ul>尾部说明</div>";
        assert_eq!(
            html_to_text(html),
            "钱包升级\n用户可以绑定多张银行卡。\n扫码付款\n转账\n尾部说明"
        );
    }

    #[test]
    fn br_breaks_lines() {
        assert_eq!(
            html_to_text("<p>第一行<br>第二行<br/><br/>第三行</p>"),
            "第一行\n第二行\n第三行"
        );
    }

    #[test]
    fn table_cells_are_space_separated() {
        let html =
            "<table><tr><th>平台</th><th>费率</th></tr><tr><td>甲</td><td>0.6%</td></tr></table>";
        assert_eq!(html_to_text(html), "平台 费率\n甲 0.6%");
    }

    #[test]
    fn hidden_and_non_content_elements_are_dropped() {
        let html = "<p style=\"DISPLAY : None;height:1px\">隐藏一</p>\
                    <p style='visibility:hidden'>隐藏二</p><p hidden>隐藏三</p>\
                    <span aria-hidden=\"true\">图标</span>\
                    <script>var a = '脚本';</script><style>p{color:red}</style>\
                    <!-- 注释 --><noscript>请开启脚本</noscript><button>分享</button>\
                    <p style='display:block'>可见的支付新闻。</p>";
        assert_eq!(html_to_text(html), "可见的支付新闻。");
    }

    #[test]
    fn a_dropped_element_separates_latin_text_and_joins_cjk_text() {
        assert_eq!(
            html_to_text("<p>&lt;scr<svg></svg>ipt&gt;</p>"),
            "<scr ipt>"
        );
        assert_eq!(
            html_to_text("<p>支付<span hidden>广告</span>新闻</p>"),
            "支付新闻"
        );
    }

    #[test]
    fn images_contribute_nothing_and_image_wrappers_vanish() {
        let html = "<p>开头段落。</p><p style='text-align:center'><a href='/q'>\
                    <img alt='K线图 12345' title='行情'></a></p>\
                    <center> <img src='a.png' alt='image.png'> </center>\
                    <div class='img_box'><div><img src='b.jpg'></div></div><p>结尾段落。</p>";
        assert_eq!(html_to_text(html), "开头段落。\n结尾段落。");
    }

    #[test]
    fn entities_are_decoded() {
        assert_eq!(
            html_to_text("<p>A&amp;B 支付&lt;平台&gt; &quot;互通&quot; &#20013;</p>"),
            "A&B 支付<平台> \"互通\" 中"
        );
    }

    #[test]
    fn unicode_spaces_collapse_and_lines_are_trimmed() {
        let html = "<p>\u{3000}\u{3000}第三方支付\u{00A0}\u{00A0}&nbsp;机构\t\t增加。 </p><p>&nbsp;</p>\
                    <p>pay\u{2003}ment</p>";
        assert_eq!(html_to_text(html), "第三方支付 机构 增加。\npay ment");
    }

    #[test]
    fn source_line_wrap_between_cjk_adds_no_space() {
        let html = "<p>移动支付\n    已经普及，<span>商户\n</span>接入\nQR code\nworks</p>";
        assert_eq!(
            html_to_text(html),
            "移动支付已经普及，商户接入 QR code works"
        );
    }

    #[test]
    fn wrap_between_sibling_inline_elements_is_a_space() {
        let html = "<div><span>本文来源：支付日报</span>\n    <span>责任编辑：小李</span>\
                    <b>支</b><b>付</b></div>";
        assert_eq!(html_to_text(html), "本文来源：支付日报 责任编辑：小李支付");
    }

    #[test]
    fn trailing_boilerplate_is_dropped() {
        let html = "<p>平台宣布互通。</p><p>（文章来源：某某新闻）</p><p>（编辑：小王）</p>\
                    <p><a href='http://example.com/s?id=1'>http://example.com/s?id=1</a></p>\
                    <p><a href='//example.com/c'>返回某某新闻新闻</a>｜<a href='//example.com/'>返回首页</a></p>\
                    <p>&lt;&gt;</p><p><a href='/c'>返回滚动新闻</a>\n<a href='/'>返回首页</a></p>\
                    <p>返回顶部</p>";
        assert_eq!(
            html_to_text(html),
            "平台宣布互通。\n（文章来源：某某新闻）\n（编辑：小王）"
        );
    }

    #[test]
    fn raw_markdown_navigation_links_are_dropped_at_the_end() {
        let html =
            "<p>正文。</p>\n[返回财经新闻](//example.com/c.html)｜[返回首页](//example.com/)";
        assert_eq!(html_to_text(html), "正文。");
    }

    #[test]
    fn boilerplate_in_the_middle_is_kept() {
        let html = "<p>返回首页</p><p>http://example.com/a</p><p>支付宝与微信互通。</p>";
        assert_eq!(
            html_to_text(html),
            "返回首页\nhttp://example.com/a\n支付宝与微信互通。"
        );
    }

    #[test]
    fn sentence_starting_with_back_is_not_navigation() {
        assert_eq!(
            html_to_text("<p>他说：</p><p>返回原平台，用户无需再次授权。</p>"),
            "他说：\n返回原平台，用户无需再次授权。"
        );
    }

    #[test]
    fn pre_keeps_its_line_breaks() {
        assert_eq!(html_to_text("<pre>收款\n  退款</pre>"), "收款\n退款");
    }

    #[test]
    fn element_to_text_cleans_a_subtree() {
        let doc = Html::parse_document(
            "<div id='a'><p>甲</p><p style='display:none'>乙</p></div><p>丙</p>",
        );
        let Ok(sel) = scraper::Selector::parse("#a") else {
            panic!("selector");
        };
        let Some(el) = doc.select(&sel).next() else {
            panic!("no element");
        };
        assert_eq!(element_to_text(el), "甲");
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let depth = 100_000;
        // Spans, not divs: html5ever's own block handling is quadratic in
        // depth, which would test the parser's speed rather than this walker.
        let mut html = String::with_capacity(depth * 6);
        for _ in 0..depth {
            html.push_str("<span>");
        }
        html.push_str("深处的支付记录");
        assert_eq!(html_to_text(&html), "深处的支付记录");
    }

    #[test]
    fn odd_input_does_not_panic() {
        for s in [
            "",
            "<",
            "<<>>",
            "&",
            "<p",
            "</p></div>",
            "\u{0}",
            "[x](",
            "[",
            "返回",
        ] {
            let _ = html_to_text(s);
        }
        assert_eq!(html_to_text("<>"), "");
    }
}
