//! Page metadata and body endings on `../shared/corpus` (and the seeds): how many HTML pages get
//! a publication date, and how many bodies end with an editorial or platform line (credits,
//! promotions, prompts, notices, related-article lists) before and after the trailer stage.
//!
//! "Before" is the body as the page and Markdown cleaners produce it (what newsidx indexed
//! before trailer lines were read); "after" is the indexed body. A last line counts as a
//! trailer when `trailer::is_trailer_line` says so or, independently of that classifier, when
//! it is a short line holding a phrase that only such lines use.
//!
//!     cargo run --release --example eval_pages [-- --verbose] [--shared DIR]

#[path = "support/mod.rs"]
mod support;

use std::path::{Path, PathBuf};

use newsidx::read::{clean, decode, frontmatter, markdown, page, trailer};

/// Phrases of editorial and platform lines, checked on short last lines only.
const TRAILER_PHRASES: &[&str] = &[
    "编辑：",
    "编辑|",
    "责编",
    "来源：",
    "来源|",
    "记者 ",
    "作者：",
    "在看",
    "转载",
    "END",
    "声明：",
    "侵权",
    "延伸阅读",
    "相关阅读",
    "相关文章",
    "原题",
    "APP",
    "二维码",
    "公众号",
    "此前报道：",
    "专题：",
    "校对",
    "地址：",
    "链接：",
    "网址：",
];

fn looks_like_trailer(line: &str) -> bool {
    let t = line.trim();
    trailer::is_trailer_line(t)
        || (t.chars().count() <= 40 && TRAILER_PHRASES.iter().any(|p| t.contains(p)))
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let verbose = args.iter().any(|a| a == "--verbose");
    let shared = support::shared_dir(&args);
    let mut files = Vec::new();
    for dir in ["seeds", "corpus"] {
        let found = newsidx::read::discover::discover(&shared.join(dir), &[]);
        files.extend(
            found
                .candidates
                .iter()
                .map(|c| c.abs)
                .filter(|p| p.file_name().is_some_and(|n| n != "SOURCES.md")),
        );
    }
    if files.is_empty() {
        eprintln!(
            "eval_pages: no articles under {} (is ../shared present?)",
            shared.display()
        );
        std::process::exit(2);
    }
    files.sort();
    let (mut pages, mut dated) = (0, 0);
    let (mut before, mut after, mut with_editor, mut with_site) = (0, 0, 0, 0);
    let (mut page_before, mut page_after) = (0, 0);
    for path in &files {
        let article = match support::parse(path) {
            Ok(a) => a,
            Err(e) => {
                eprintln!("eval_pages: {e}");
                continue;
            }
        };
        let is_page = path.extension().is_some_and(|e| e == "html");
        if is_page {
            pages += 1;
            dated += usize::from(article.document.published.is_some());
        }
        with_editor += usize::from(article.document.editor.is_some());
        with_site += usize::from(article.document.site.is_some());
        let raw_last = raw_body(path)
            .and_then(|b| {
                b.lines()
                    .rev()
                    .find(|l| !l.trim().is_empty())
                    .map(str::to_string)
            })
            .unwrap_or_default();
        let last = article.document.body.lines().last().unwrap_or_default();
        let (was, is) = (looks_like_trailer(&raw_last), looks_like_trailer(last));
        before += usize::from(was);
        after += usize::from(is);
        if is_page {
            page_before += usize::from(was);
            page_after += usize::from(is);
        }
        if verbose && (was || is) {
            let mark = |flag: bool| if flag { "trailer" } else { "text   " };
            println!(
                "{}\n  before [{}]: {raw_last}\n  after  [{}]: {last}",
                short(path),
                mark(was),
                mark(is)
            );
        }
    }
    println!("articles: {}", files.len());
    println!("html pages with a publication date: {dated} of {pages}");
    println!("bodies ending with a trailer line: before {before}, after {after}");
    println!("  of them html pages: before {page_before}, after {page_after}");
    println!("articles with an editor: {with_editor}; with a site: {with_site}");
}

/// The body as the cleaners produce it, before the trailer stage.
fn raw_body(path: &Path) -> Option<String> {
    let bytes = std::fs::read(path).ok()?;
    let text = decode::decode(&bytes).ok()?;
    if path.extension().is_some_and(|e| e == "html") {
        return Some(page::extract_page(&text).body);
    }
    let body = match frontmatter::split(&text).ok()? {
        Some(split) => split.body.to_string(),
        None => text.clone(),
    };
    Some(clean::html_to_text(&markdown::to_html(&body)))
}

fn short(path: &Path) -> String {
    let parts: Vec<_> = path.iter().rev().take(2).collect();
    parts
        .into_iter()
        .rev()
        .collect::<PathBuf>()
        .display()
        .to_string()
}
