//! Editorial and platform lines at the end of an article body.
//!
//! Portals, wire copy and WeChat accounts close an article with credits (`本文来源：X
//! 责任编辑：Y`, `新京报记者 X`), promotions, reprint notices, disclaimers, tag lines and
//! related-article lists. They are not article text: left in, they match queries, end up in
//! snippets and inflate entity counts, while the useful part (who wrote or edited the piece)
//! never reaches a field. This module reads the body from its last line upwards, turns credit
//! lines into [`Credits`] and drops the rest, and stops at the first line of article text. Only
//! whole lines are judged, so a byline inside a paragraph stays where it is.

/// What the closing credit lines say about the article.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Credits {
    /// The outlet named by a source credit (`来源：X`, `本文来源：X`).
    pub source: Option<String>,
    /// The editor named by `责任编辑：X`, `责编：X` or `编辑：X`.
    pub editor: Option<String>,
    /// The reporter named by `新京报记者 X`, `文/X`, `采写：X`, `作者：X`.
    pub author: Option<String>,
    /// The credit lines themselves, in body order: they name the people and outlets behind
    /// the article, which entity extraction still counts although the body no longer shows them.
    pub lines: Vec<String>,
}

/// The body without its trailer lines, and the credits they carried.
pub fn split(body: &str) -> (String, Credits) {
    let lines: Vec<&str> = body.lines().collect();
    let mut credits = Collected::default();
    let mut credit_lines = Vec::new();
    let mut cut = lines.len();
    while cut > 0 {
        let line = lines[cut - 1];
        if line.trim().is_empty() {
            cut -= 1;
            continue;
        }
        match classify(line) {
            Some(Line::Credit(fields)) => {
                credits.take(fields);
                credit_lines.push(line.trim().to_string());
                cut -= 1;
            }
            Some(Line::Drop) => cut -= 1,
            Some(Line::RelatedHeading) => cut -= 1,
            None => match block_start(&lines[..cut]) {
                Some(start) => cut = start,
                None => break,
            },
        }
    }
    credit_lines.reverse();
    let mut credits = credits.finish();
    credits.lines = credit_lines;
    (lines[..cut].join("\n"), credits)
}

/// Whether a single line is an editorial or platform line (a credit, promotion, prompt,
/// notice, disclaimer, tag line or related-article heading) rather than article text.
pub fn is_trailer_line(line: &str) -> bool {
    classify(line).is_some()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Source,
    Editor,
    Reporter,
    /// Credits that name nobody we keep (校对, 摄影, 资料来源, …); the line is still dropped.
    Other,
}

/// Labels that open a credit, longest first at each position; the number ranks labels of
/// one role (lower wins) so that `责任编辑` beats `编辑` and `记者` beats `整理`.
const LABELS: &[(&str, Role, u8)] = &[
    ("本文来源", Role::Source, 0),
    ("文章来源", Role::Source, 0),
    ("稿件来源", Role::Source, 0),
    ("新闻来源", Role::Source, 0),
    ("信息来源", Role::Source, 0),
    ("内容来源", Role::Source, 0),
    ("来源于", Role::Source, 1),
    ("来源", Role::Source, 1),
    ("稿源", Role::Source, 1),
    ("本文转自", Role::Source, 2),
    ("转载自", Role::Source, 2),
    ("转自", Role::Source, 2),
    ("资料来源", Role::Other, 0),
    ("数据来源", Role::Other, 0),
    ("图片来源", Role::Other, 0),
    ("图源", Role::Other, 0),
    ("责任编辑", Role::Editor, 0),
    ("责编", Role::Editor, 0),
    ("值班编辑", Role::Editor, 1),
    ("本期编辑", Role::Editor, 1),
    ("编辑", Role::Editor, 2),
    ("实习编辑", Role::Other, 0),
    ("编审", Role::Other, 0),
    ("审核", Role::Other, 0),
    ("审校", Role::Other, 0),
    ("终审", Role::Other, 0),
    ("校对", Role::Other, 0),
    ("监制", Role::Other, 0),
    ("主编", Role::Other, 0),
    ("策划", Role::Other, 0),
    ("排版", Role::Other, 0),
    ("美编", Role::Other, 0),
    ("设计", Role::Other, 0),
    ("制图", Role::Other, 0),
    ("摄影", Role::Other, 0),
    ("摄像", Role::Other, 0),
    ("视频", Role::Other, 0),
    ("图文", Role::Reporter, 3),
    ("图", Role::Other, 0),
    ("实习记者", Role::Reporter, 1),
    ("特约记者", Role::Reporter, 1),
    ("记者", Role::Reporter, 0),
    ("作者", Role::Reporter, 0),
    ("撰文", Role::Reporter, 1),
    ("撰稿", Role::Reporter, 1),
    ("采写", Role::Reporter, 1),
    ("文字", Role::Reporter, 2),
    ("文", Role::Reporter, 2),
    ("整理", Role::Reporter, 4),
    ("编译", Role::Reporter, 4),
    ("通讯员", Role::Other, 0),
    ("实习生", Role::Other, 0),
];

/// Labels that may follow an outlet name without a separator (`新京报记者 X`, `本报通讯员 X`)
/// and be followed by the name with only a space (`记者 张三`).
fn takes_outlet_prefix(label: &str) -> bool {
    matches!(
        label,
        "记者" | "实习记者" | "特约记者" | "通讯员" | "实习生"
    )
}

/// One-character labels are common characters; they count only with an explicit separator.
fn needs_separator(label: &str) -> bool {
    label.chars().count() == 1
}

const SEPARATORS: &[char] = &['：', ':', '|', '｜', '/', '／', '丨'];

enum Line {
    Credit(Vec<(Role, u8, String)>),
    Drop,
    RelatedHeading,
}

fn classify(line: &str) -> Option<Line> {
    let t = unwrap_brackets(line.trim());
    if t.is_empty() || is_decoration(t) || is_bare_url(t) {
        return Some(Line::Drop);
    }
    if is_related_heading(t) {
        return Some(Line::RelatedHeading);
    }
    if is_drop_line(t) {
        return Some(Line::Drop);
    }
    parse_credits(t).map(Line::Credit)
}

/// `（责编：X）`, `【编辑：X】`, `(本文来自…)`: one pair of brackets around the whole line.
fn unwrap_brackets(t: &str) -> &str {
    const PAIRS: &[(char, char)] = &[('（', '）'), ('(', ')'), ('【', '】'), ('[', ']')];
    for (open, close) in PAIRS {
        if let Some(inner) = t.strip_prefix(*open).and_then(|r| r.strip_suffix(*close))
            && !inner.contains([*open, *close])
        {
            return inner.trim();
        }
    }
    t
}

/// Lines with no words: `- THE END -`, `（完）`, `· END·`, `【1】【2】【3】`, rules, stray
/// symbols and undecodable characters.
fn is_decoration(t: &str) -> bool {
    let words: String = t
        .chars()
        .filter(|c| c.is_alphanumeric() && *c != '\u{FFFD}')
        .collect();
    let upper = words.to_uppercase();
    if matches!(
        upper.as_str(),
        "" | "END" | "THEEND" | "完" | "全文完" | "本文完"
    ) {
        return true;
    }
    // Page links: only numbers in brackets or page words.
    let pages = t
        .replace(['【', '】', '[', ']', ' ', '|'], "")
        .replace("上一页", "")
        .replace("下一页", "");
    pages.chars().all(|c| c.is_ascii_digit()) && t.chars().any(|c| c.is_ascii_digit())
}

/// A link left alone on the last line once a related block below it is gone (the cleaner drops
/// such lines at the very end already).
fn is_bare_url(t: &str) -> bool {
    let lower = t.to_ascii_lowercase();
    ["http://", "https://", "www."]
        .iter()
        .any(|p| lower.starts_with(p))
        && !t.chars().any(char::is_whitespace)
}

/// Phrases that only occur in promotions, platform prompts, reprint notices, disclaimers,
/// tag lines and notes on the original title.
const DROP_MARKERS: &[&str] = &[
    // Reprint and copyright notices.
    "转载请注明",
    "转载请联系",
    "如需转载",
    "禁止转载",
    "不得转载",
    "谢绝转载",
    "未经授权",
    "未经许可",
    "版权归",
    "版权属于",
    "版权所有",
    // Disclaimers.
    "免责声明",
    "如有侵权",
    "侵删",
    "联系删除",
    "图片来自网络",
    "图片来源于网络",
    "图片来源网络",
    "不代表本站",
    "不代表本网",
    "不代表本平台",
    "不构成投资建议",
    "投资有风险",
    // WeChat and app prompts.
    "点【在看】",
    "点个在看",
    "点亮在看",
    "点击在看",
    "在看】",
    "分享、点赞",
    "点赞、在看",
    "扫码关注",
    "扫描下方二维码",
    "扫描二维码",
    "长按识别",
    "长按二维码",
    "识别二维码",
    "关注我们",
    "欢迎关注",
    "星标",
    "置顶公众号",
    "点击上方",
    "点击下方",
    "点击蓝字",
    "点击菜单",
    "阅读原文",
    "回复关键词",
    "更多原创资讯",
    "更多精彩内容",
    "更多精彩资讯",
    "下载APP",
    "下载客户端",
    // Original-title notes and contributor notes.
    "原题为",
    "原标题：",
    "原标题:",
    "原题：",
    "原文标题",
    "对此文亦有贡献",
    "对本文亦有贡献",
    "对本文有贡献",
];

/// Labels of keyword and tag lines.
const TAG_LABELS: &[&str] = &[
    "关键词",
    "关键字",
    "标签",
    "Tags",
    "TAGS",
    "tags",
    "Tag",
    "TAG",
];

fn is_drop_line(t: &str) -> bool {
    if DROP_MARKERS.iter().any(|m| t.contains(m)) {
        return true;
    }
    if TAG_LABELS.iter().any(|l| {
        t.strip_prefix(l)
            .is_some_and(|r| r.trim_start().starts_with(SEPARATORS))
    }) {
        return true;
    }
    let short = t.chars().count() <= 40;
    // "#话题# #话题#" lines.
    let hashtags = t.starts_with('#') && t.matches('#').count() >= 2 && short;
    // "3、回复【福利】查看…": menu items of an account's auto-reply.
    let reply_menu = t.contains("回复【") || t.contains("回复「");
    // "(本文来自X，更多…请下载XAPP)" and "本文来自X客户端".
    let app = t.contains("本文来自") && (t.contains("APP") || t.contains("客户端"));
    // "X公众号", "X微信公众号": an account's sign-off line.
    let account = short && t.ends_with("公众号");
    hashtags || reply_menu || app || account
}

/// Headings of related-article and link blocks, alone on their line or followed by one
/// title (`此前报道：《…》`, `点击进入专题：…`).
const RELATED_HEADINGS: &[&str] = &[
    "延伸阅读",
    "相关阅读",
    "相关文章",
    "相关新闻",
    "相关报道",
    "相关链接",
    "推荐阅读",
    "往期回顾",
    "往期推荐",
    "往期精选",
    "热门推荐",
    "热文推荐",
    "猜你喜欢",
    "更多阅读",
    "参考链接",
    "参考资料",
    "此前报道",
    "点击进入专题",
    "进入专题",
];

fn is_related_heading(t: &str) -> bool {
    let head = t.trim_start_matches(['▼', '▲', '►', '>', '●', '■', '【', '[', ' ']);
    RELATED_HEADINGS.iter().any(|h| {
        let Some(rest) = head.strip_prefix(h) else {
            return false;
        };
        let rest = rest.trim_start_matches(['】', ']', ' ']);
        rest.is_empty() || rest.starts_with(SEPARATORS)
    }) || is_link_label(t)
}

/// `官网地址：`, `论文地址：` left without their link once the URL line is dropped.
fn is_link_label(t: &str) -> bool {
    let Some(label) = t.strip_suffix(['：', ':']) else {
        return false;
    };
    let label = label.trim_end();
    label.chars().count() <= 30
        && !label.contains(['，', '。', '；'])
        && ["地址", "链接", "网址", "下载"]
            .iter()
            .any(|w| label.ends_with(w))
}

/// Where a block of trailer lines starts that ends at `lines`' end: a related-article heading
/// followed by titles, or a promotion followed by its short slogan lines.
fn block_start(lines: &[&str]) -> Option<usize> {
    const WINDOW: usize = 12;
    let end = lines.len();
    for start in (end.saturating_sub(WINDOW)..end.saturating_sub(1)).rev() {
        let t = unwrap_brackets(lines[start].trim());
        let after = &lines[start + 1..];
        let heading = is_related_heading(t) && after.iter().all(|l| is_title_like(l));
        let promo = is_drop_line(t) && after.len() <= 3 && after.iter().all(|l| is_slogan(l));
        if heading || promo {
            return Some(start);
        }
    }
    None
}

/// A related article's title: one short line that is not a finished sentence.
fn is_title_like(line: &str) -> bool {
    let t = line.trim();
    let n = t.chars().count();
    n <= 60 && !t.ends_with(['。', '！', '？']) && !t.contains('。')
}

/// A promotion's tag line ("浏览热门硬件评测"): very short, no sentence punctuation.
fn is_slogan(line: &str) -> bool {
    let t = line.trim();
    t.chars().count() <= 20 && !t.contains(['。', '，', '；'])
}

// ---------------------------------------------------------------------------
// Credit lines

/// Reads a line made only of labelled credits (`本文来源：X 责任编辑：Y`, `编辑|X`,
/// `扬子晚报记者 张楠`, `文/X 图/Y`), or `None` when anything else is on it.
fn parse_credits(t: &str) -> Option<Vec<(Role, u8, String)>> {
    if t.chars().count() > 80 || t.contains(['。', '！', '？', '“', '”']) {
        return None;
    }
    let labels = find_labels(t)?;
    let mut fields = Vec::new();
    for (i, &(at, label, role, rank)) in labels.iter().enumerate() {
        let value_start = at + label.len();
        let value_end = labels.get(i + 1).map_or(t.len(), |next| next.0);
        let raw = t.get(value_start..value_end)?;
        let value = clean_value(raw)?;
        fields.push((role, rank, value));
    }
    (!fields.is_empty()).then_some(fields)
}

/// Every credit label of the line with its byte offset; the first must open the line (after
/// an outlet name for `记者`-like labels), and each must sit at a field boundary.
fn find_labels(t: &str) -> Option<Vec<(usize, &'static str, Role, u8)>> {
    let mut found: Vec<(usize, &'static str, Role, u8)> = Vec::new();
    let mut prev: Option<char> = None;
    let mut skip_to = 0;
    for (at, c) in t.char_indices() {
        if at >= skip_to
            && let Some(&(label, role, rank)) = LABELS
                .iter()
                .filter(|(l, ..)| t[at..].starts_with(l))
                .max_by_key(|(l, ..)| l.len())
            && label_fits(t, at, label, prev, found.is_empty())
        {
            found.push((at, label, role, rank));
            skip_to = at + label.len();
        }
        prev = Some(c);
    }
    let (first_at, first_label, ..) = *found.first()?;
    let opens = first_at == 0 || (takes_outlet_prefix(first_label) && is_outlet(&t[..first_at]));
    opens.then_some(found)
}

fn label_fits(t: &str, at: usize, label: &str, prev: Option<char>, first: bool) -> bool {
    let after = t[at + label.len()..].chars().next();
    let separated = after.is_some_and(|c| SEPARATORS.contains(&c));
    let spaced = after.is_some_and(|c| c.is_whitespace() || c == '\u{3000}');
    if needs_separator(label) && !separated {
        return false;
    }
    if !(separated || spaced || takes_outlet_prefix(label)) {
        return false;
    }
    let boundary = prev.is_none_or(|c| {
        c.is_whitespace() || matches!(c, '，' | ',' | '；' | ';' | '|' | '｜' | '、' | '丨')
    });
    boundary || (first && takes_outlet_prefix(label))
}

/// `新京报`, `本报`, `扬子晚报`: a short name before `记者`.
fn is_outlet(prefix: &str) -> bool {
    let n = prefix.chars().count();
    (1..=12).contains(&n) && prefix.chars().all(|c| c.is_alphanumeric())
}

/// The name after a label: separators trimmed, CMS suffixes (`杨倩_NF4425`) dropped; names
/// are short and carry no clause punctuation.
fn clean_value(raw: &str) -> Option<String> {
    let trim: &[char] = &[
        '：', ':', '|', '｜', '/', '／', '丨', ' ', '\u{3000}', '，', ',', '；', ';', '、',
    ];
    let v = raw.trim_matches(trim);
    let v = match v.rsplit_once('_') {
        Some((name, code))
            if !name.is_empty() && code.chars().all(|c| c.is_ascii_alphanumeric()) =>
        {
            name
        }
        _ => v,
    };
    let v = v.split_whitespace().collect::<Vec<_>>().join(" ");
    let n = v.chars().count();
    ((1..=30).contains(&n) && !v.contains(['，', ',', '：', ':'])).then_some(v)
}

/// Keeps the best-ranked credit of each role.
#[derive(Default)]
struct Collected {
    source: Option<(u8, String)>,
    editor: Option<(u8, String)>,
    author: Option<(u8, String)>,
}

impl Collected {
    fn take(&mut self, fields: Vec<(Role, u8, String)>) {
        for (role, rank, value) in fields {
            let slot = match role {
                Role::Source => &mut self.source,
                Role::Editor => &mut self.editor,
                Role::Reporter => &mut self.author,
                Role::Other => continue,
            };
            // Lines are read bottom-up: on equal rank the upper (earlier) credit wins.
            if slot.as_ref().is_none_or(|(r, _)| rank <= *r) {
                *slot = Some((rank, value));
            }
        }
    }

    fn finish(self) -> Credits {
        Credits {
            source: self.source.map(|s| s.1),
            editor: self.editor.map(|s| s.1),
            author: self.author.map(|s| s.1),
            lines: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "某市今日开通一条新的地铁线路，全长二十公里，设站十二座。";

    fn split_of(trailer: &str) -> (String, Credits) {
        split(&format!("{TEXT}\n{trailer}"))
    }

    /// The fields of `c`, without the credit lines.
    fn fields(c: &Credits) -> (Option<&str>, Option<&str>, Option<&str>) {
        (
            c.source.as_deref(),
            c.editor.as_deref(),
            c.author.as_deref(),
        )
    }

    #[test]
    fn source_and_editor_credits_become_fields() {
        let (body, c) = split_of("本文来源：城市晨报 责任编辑：林小雨_NB1234");
        assert_eq!(body, TEXT);
        assert_eq!(fields(&c), (Some("城市晨报"), Some("林小雨"), None));
        assert_eq!(c.lines, vec!["本文来源：城市晨报 责任编辑：林小雨_NB1234"]);
        let (body, c) = split_of("（责编：周一、吴二）");
        assert_eq!(body, TEXT);
        assert_eq!(fields(&c), (None, Some("周一、吴二"), None));
        let (_, c) = split_of("【编辑：郑三】");
        assert_eq!(c.editor.as_deref(), Some("郑三"));
        let (_, c) = split_of("（文章来源：滨江日报）");
        assert_eq!(c.source.as_deref(), Some("滨江日报"));
    }

    #[test]
    fn stacked_credit_lines_prefer_the_responsible_editor() {
        let (body, c) = split_of("编辑|王小明\n责编|李小红\n校对|赵小刚\n来源|滨江发布、滨江晚报");
        assert_eq!(body, TEXT);
        assert_eq!(
            fields(&c),
            (Some("滨江发布、滨江晚报"), Some("李小红"), None)
        );
        assert_eq!(c.lines.len(), 4);
        assert_eq!(c.lines[0], "编辑|王小明");
    }

    #[test]
    fn reporter_credits_become_the_author() {
        for (line, name) in [
            ("新京报记者 陈四", "陈四"),
            ("本报记者 钱五 孙六", "钱五 孙六"),
            ("文/周七", "周七"),
            ("采写：吴八", "吴八"),
            ("滨江晚报记者 郑九", "郑九"),
        ] {
            let (body, c) = split_of(line);
            assert_eq!(body, TEXT, "{line}");
            assert_eq!(fields(&c), (None, None, Some(name)), "{line}");
        }
    }

    #[test]
    fn a_byline_inside_a_paragraph_stays() {
        let body = "新京报记者 陈四 报道 某市今日开通一条新的地铁线路。\n线路全长二十公里，记者 钱五在现场看到乘客络绎不绝。";
        let (out, c) = split(body);
        assert_eq!(out, body);
        assert_eq!(c, Credits::default());
    }

    #[test]
    fn promotions_prompts_notices_and_disclaimers_are_dropped() {
        for line in [
            "(本文来自滨江新闻，更多原创资讯请下载滨江新闻APP)",
            "看都看完了，点【在看】试试",
            "喜欢就点个在看吧",
            "转载请注明出处",
            "- THE END -",
            "· END·",
            "（完）",
            "图片来自网络，如有侵权请联系删除",
            "免责声明：本文仅代表作者观点，不代表本站立场。",
            "关键词：地铁 线路 开通",
            "标签：交通",
            "#地铁# #城市交通#",
            "（原题为《新线路今日开通》）",
            "原标题：新线路今日开通",
            "【1】【2】【3】",
            "3、回复【福利】查看各种政策",
            "（实习生冯十对此文亦有贡献）",
        ] {
            let (body, c) = split_of(line);
            assert_eq!(body, TEXT, "{line}");
            assert_eq!(c, Credits::default(), "{line}");
        }
    }

    #[test]
    fn related_article_blocks_are_dropped() {
        for block in [
            "延伸阅读\n地铁二号线明年动工\n公交线路同步调整",
            "相关文章:\n地铁二号线明年动工",
            "此前报道：《地铁二号线明年动工》",
            "点击进入专题：城市交通",
            "参考链接：",
            "论文地址：",
            "Example Viewer 2.0 下载地址：",
            "https://example.org/release/\n相关文章:\n地铁二号线明年动工",
        ] {
            let (body, _) = split_of(block);
            assert_eq!(body, TEXT, "{block}");
        }
    }

    #[test]
    fn an_account_sign_off_with_its_slogans_is_dropped() {
        let (body, _) = split_of("滨江科技公众号\n扫码关注我们，浏览硬件评测\n随时查看天梯榜");
        assert_eq!(body, TEXT);
    }

    #[test]
    fn mixed_trailers_are_all_removed_and_credits_kept() {
        let (body, c) = split_of(
            "滨江晚报记者 郑九\n免责声明：本文来自某某客户端自媒体，不代表本平台的观点和立场。",
        );
        assert_eq!(body, TEXT);
        assert_eq!(c.author.as_deref(), Some("郑九"));
    }

    #[test]
    fn article_text_ending_is_untouched() {
        for last in [
            "记者从市交通局获悉，二号线将于明年动工。",
            "编辑部的故事",
            "来源不明的消息在网上流传。",
            "责任编辑应当对稿件负责，这是行业共识。",
            "（澎湃新闻）",
        ] {
            let body = format!("{TEXT}\n{last}");
            assert_eq!(split(&body).0, body, "{last}");
        }
    }

    #[test]
    fn empty_and_trailer_only_bodies_do_not_panic() {
        assert_eq!(split(""), (String::new(), Credits::default()));
        let (body, c) = split("责任编辑：林小雨");
        assert_eq!(body, "");
        assert_eq!(c.editor.as_deref(), Some("林小雨"));
    }
}
