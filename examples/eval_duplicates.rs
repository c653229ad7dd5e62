//! Pair precision and recall of near-duplicate detection on a labelled set generated from the
//! articles of `corpus/` and `../shared/corpus` (skipped with a message when absent).
//!
//! Each article's indexed body (at least 200 characters: one-line flash items are left out and
//! counted) yields up to five copies: a new header and footer, a byline line, the whole text in
//! traditional script (OpenCC's s2t through hanconv), one paragraph other than the first
//! trimmed (articles of three paragraphs or more), and two neighbouring paragraphs swapped
//! (two or more). Recall is also given per kind of copy (pairs of a copy with its original).
//! An article and its copies form one family: every pair inside a family is a
//! duplicate; every pair across families is not, including the hard negatives, each article
//! paired with the other article sharing most keywords and entities (same topic, different
//! story), reported on their own. A pair is predicted a duplicate exactly as ingest decides
//! it: the two signatures share an LSH band and agree on at least `SIMILAR` of their slots.
//! Fixed seed: the same articles give the same set and the same figures.
//!
//!     cargo run --release --example eval_duplicates [-- --shared DIR] [--verbose] [--all]

#[path = "support/mod.rs"]
mod support;

use std::collections::HashSet;
use std::path::Path;

use newsidx::analyse::neardup::{SIMILAR, Signature};

/// SplitMix64, as in gen_corpus: stable across platforms and releases.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) % n.max(1) as u64) as usize
    }
}

const SEED: u64 = 15;
/// Articles with shorter bodies (one-line flash items) are left out of the set: a header and
/// footer would be as long as the text itself, so "the same story" is not a fair label.
const MIN_BODY_CHARS: usize = 200;
/// A paragraph (never the first) is trimmed only from articles with at least this many.
const MIN_PARAGRAPHS_TO_TRIM: usize = 3;
const HEADERS: [&str; 3] = ["【环球快讯】", "（本报综合报道）", "导读：以下为全文"];
const FOOTERS: [&str; 3] = [
    "（本文转载自合作媒体，版权归原作者所有，如有侵权请联系删除）",
    "责任编辑：周一鸣 审核：陈可",
    "更多资讯请关注本站客户端。",
];
const BYLINES: [&str; 3] = [
    "本报记者 许晴 实习生 高远",
    "特约撰稿人 韩松",
    "文/林间 图/网络",
];

/// One document of the labelled set.
struct Doc {
    family: usize,
    label: String,
    signature: Option<Signature>,
    bands: HashSet<u64>,
}

impl Doc {
    fn new(family: usize, label: String, body: &str) -> Doc {
        let signature = Signature::of(body);
        let bands = signature
            .as_ref()
            .map(|s| s.bands().into_iter().collect())
            .unwrap_or_default();
        Doc {
            family,
            label,
            signature,
            bands,
        }
    }

    fn predicted(&self, other: &Doc) -> bool {
        match (&self.signature, &other.signature) {
            (Some(a), Some(b)) => !self.bands.is_disjoint(&other.bands) && a.is_near(b),
            _ => false,
        }
    }
}

fn paragraphs(body: &str) -> Vec<&str> {
    body.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect()
}

fn copies(body: &str, rng: &mut Rng) -> Vec<(&'static str, String)> {
    let paras = paragraphs(body);
    let header = HEADERS[rng.below(HEADERS.len())];
    let footer = FOOTERS[rng.below(FOOTERS.len())];
    let byline = BYLINES[rng.below(BYLINES.len())];
    let mut out = vec![
        ("header+footer", format!("{header}\n{body}\n{footer}")),
        ("byline", format!("{byline}\n{body}")),
        ("traditional", hanconv::s2t(body)),
    ];
    if paras.len() >= MIN_PARAGRAPHS_TO_TRIM {
        let mut trimmed = paras.clone();
        trimmed.remove(1 + rng.below(paras.len() - 1));
        out.push(("trimmed", trimmed.join("\n")));
    }
    if paras.len() >= 2 {
        let mut reordered = paras.clone();
        let i = rng.below(paras.len() - 1);
        reordered.swap(i, i + 1);
        out.push(("reordered", reordered.join("\n")));
    }
    out
}

/// Keywords and entity names of an article, for picking hard negatives.
fn topic(article: &newsidx::ingest::Article) -> HashSet<String> {
    let a = &article.analysis;
    a.keywords
        .iter()
        .cloned()
        .chain(a.entities.iter().map(|e| e.name.clone()))
        .collect()
}

fn load(dirs: &[&Path]) -> Vec<newsidx::ingest::Article> {
    let mut out = Vec::new();
    for dir in dirs {
        let found = newsidx::read::discover::discover(dir, &[]);
        for candidate in found.candidates.iter() {
            let options = newsidx::ingest::ParseOptions::default();
            if let Ok(Some(parsed)) = newsidx::ingest::article::parse_file(&candidate.abs, &options)
            {
                out.push(parsed.article);
            }
        }
    }
    out
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let verbose = args.iter().any(|a| a == "--verbose");
    let shared = support::shared_dir(&args).join("corpus");
    let own = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let mut dirs = vec![own.as_path()];
    if shared.is_dir() {
        dirs.push(shared.as_path());
    } else {
        println!("SKIPPED: {} absent; corpus/ only", shared.display());
    }
    let loaded = load(&dirs);
    // `--all` keeps the one-line items too, to show what happens to them.
    let min_chars = if args.iter().any(|a| a == "--all") {
        0
    } else {
        MIN_BODY_CHARS
    };
    let short = loaded
        .iter()
        .filter(|a| a.document.body.chars().count() < min_chars)
        .count();
    let articles: Vec<_> = loaded
        .into_iter()
        .filter(|a| a.document.body.chars().count() >= min_chars)
        .collect();
    println!("{short} articles with bodies under {min_chars} characters left out");
    let mut rng = Rng(SEED);
    let mut docs = Vec::new();
    for (family, article) in articles.iter().enumerate() {
        let body = &article.document.body;
        docs.push(Doc::new(
            family,
            format!("{} original", article.document.path),
            body,
        ));
        for (kind, text) in copies(body, &mut rng) {
            docs.push(Doc::new(
                family,
                format!("{} {kind}", article.document.path),
                &text,
            ));
        }
    }
    report(&docs, &articles, verbose);
}

fn report(docs: &[Doc], articles: &[newsidx::ingest::Article], verbose: bool) {
    let (mut tp, mut fp, mut fn_) = (0usize, 0usize, 0usize);
    for (i, a) in docs.iter().enumerate() {
        for b in &docs[i + 1..] {
            let truth = a.family == b.family;
            match (truth, a.predicted(b)) {
                (true, true) => tp += 1,
                (false, true) => {
                    fp += 1;
                    if verbose {
                        println!("false pair: {} ~ {}", a.label, b.label);
                    }
                }
                (true, false) => {
                    fn_ += 1;
                    if verbose {
                        println!("missed pair: {} ~ {}", a.label, b.label);
                    }
                }
                (false, false) => {}
            }
        }
    }
    per_kind(docs);
    let (hard, hard_fp) = hard_negatives(docs, articles);
    let unsigned = docs.iter().filter(|d| d.signature.is_none()).count();
    let p = tp as f64 / (tp + fp).max(1) as f64;
    let r = tp as f64 / (tp + fn_).max(1) as f64;
    println!(
        "{} articles, {} documents ({} too short to fingerprint), threshold {SIMILAR}",
        articles.len(),
        docs.len(),
        unsigned
    );
    println!("pairs: {tp} true positives, {fp} false positives, {fn_} missed");
    println!("precision {p:.4}  recall {r:.4}  (targets P >= 0.98, R >= 0.95)");
    println!(
        "hard negatives (same-topic article pairs): {hard} pairs, {hard_fp} predicted duplicates"
    );
}

/// Recall of each kind of copy against its own original.
fn per_kind(docs: &[Doc]) {
    let mut kinds: std::collections::BTreeMap<&str, (usize, usize)> = Default::default();
    for (i, original) in docs.iter().enumerate() {
        if !original.label.ends_with(" original") {
            continue;
        }
        for copy in docs[i + 1..]
            .iter()
            .take_while(|d| d.family == original.family)
        {
            let kind = copy.label.rsplit(' ').next().unwrap_or("");
            let entry = kinds.entry(kind).or_default();
            entry.0 += usize::from(original.predicted(copy));
            entry.1 += 1;
        }
    }
    for (kind, (found, all)) in kinds {
        println!(
            "  {kind:<14} {found}/{all} copies found ({:.4})",
            found as f64 / all.max(1) as f64
        );
    }
}

/// Each original paired with the other original sharing most keywords and entities.
fn hard_negatives(docs: &[Doc], articles: &[newsidx::ingest::Article]) -> (usize, usize) {
    let topics: Vec<HashSet<String>> = articles.iter().map(topic).collect();
    let originals: Vec<&Doc> = docs
        .iter()
        .filter(|d| d.label.ends_with(" original"))
        .collect();
    let (mut pairs, mut wrong) = (0, 0);
    for (i, t) in topics.iter().enumerate() {
        let best = topics
            .iter()
            .enumerate()
            .filter(|(j, _)| *j != i)
            .max_by_key(|(j, u)| (t.intersection(u).count(), std::cmp::Reverse(*j)));
        if let (Some((j, _)), Some(a)) = (best, originals.get(i))
            && let Some(b) = originals.get(j)
        {
            pairs += 1;
            wrong += usize::from(a.predicted(b));
        }
    }
    (pairs, wrong)
}
