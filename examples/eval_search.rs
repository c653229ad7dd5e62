//! Search quality on the judged query set `tests/judged/shared.jsonl` (queries over
//! `../shared/corpus`, relevance judged by reading the articles): MRR, P@5 and R@10, overall and
//! per kind of query, for newsidx and for a plain baseline on the same index (jieba words and
//! BM25 through tantivy's own QueryParser, OR of the words over title and body).
//!
//! P@5 is the share of relevant articles among the first five, out of at most five (a query
//! with two relevant articles scores 1.0 when both lead). A query that must find nothing scores
//! 1 on every measure when it finds nothing and 0 otherwise.
//!
//! `cargo run --release --example eval_search [-- --shared DIR]`

mod support;

use std::collections::BTreeMap;
use std::path::Path;

use newsidx::index::Fields;
use newsidx::ingest::{self, IngestOptions};
use newsidx::search::{SearchRequest, Searcher};
use serde::Deserialize;
use tantivy::collector::TopDocs;
use tantivy::query::QueryParser;
use tantivy::{Index, TantivyDocument};

#[derive(Debug, Deserialize)]
struct Judged {
    id: String,
    kind: String,
    query: String,
    #[serde(default)]
    args: Vec<String>,
    relevant: Vec<String>,
    #[serde(default)]
    twin: Option<String>,
}

#[derive(Debug, Default, Clone, Copy)]
struct Scores {
    rr: f64,
    p5: f64,
    r10: f64,
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let shared = support::shared_dir(&args);
    let corpus = shared.join("corpus");
    if !corpus.is_dir() {
        eprintln!("SKIPPED: {} is absent", corpus.display());
        return;
    }
    let judged = match load_judged() {
        Ok(j) => j,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let index_path = dir.path().join("index");
    let options = IngestOptions::new(corpus.clone(), index_path.clone());
    if let Err(e) = ingest::run(&options, &|_| {}, &|_| {}) {
        eprintln!("ingest failed: {e}");
        std::process::exit(2);
    }
    let searcher = Searcher::open(&index_path).expect("open index");
    let prefix = format!("{}/", newsidx::read::discover::display(&corpus));
    let plain = jieba_rs::Jieba::new();

    let mut ours: BTreeMap<String, Vec<Scores>> = BTreeMap::new();
    let mut base: BTreeMap<String, Vec<Scores>> = BTreeMap::new();
    let mut by_id: BTreeMap<String, Scores> = BTreeMap::new();
    for q in &judged {
        let hits = our_hits(&searcher, q, &prefix);
        let s = score(&hits, &q.relevant);
        by_id.insert(q.id.clone(), s);
        let b = score(
            &baseline_hits(searcher.index(), &plain, q, &prefix),
            &q.relevant,
        );
        for kind in [q.kind.clone(), "all".to_string()] {
            ours.entry(kind.clone()).or_default().push(s);
            base.entry(kind).or_default().push(b);
        }
        if s.rr < 1.0 || s.r10 < 1.0 {
            println!(
                "miss: {} {:?} first hits {:?}",
                q.id,
                q.query,
                &hits[..hits.len().min(3)]
            );
        }
    }
    println!(
        "{} judged queries over {}\n",
        judged.len(),
        corpus.display()
    );
    print_table(&ours, &base);
    print_twins(&judged, &by_id);
}

/// MRR, P@5 and R@10 per query kind, newsidx beside the baseline.
fn print_table(ours: &BTreeMap<String, Vec<Scores>>, base: &BTreeMap<String, Vec<Scores>>) {
    println!(
        "{:<12}{:>4}   {:>6} {:>6} {:>6}   {:>6} {:>6} {:>6}",
        "kind", "n", "MRR", "P@5", "R@10", "MRR", "P@5", "R@10"
    );
    println!("{:<16}   {:^20}   {:^20}", "", "newsidx", "baseline");
    for (kind, scores) in ours {
        let (o, b) = (mean(scores), mean(&base[kind]));
        println!(
            "{kind:<12}{:>4}   {:>6.3} {:>6.3} {:>6.3}   {:>6.3} {:>6.3} {:>6.3}",
            scores.len(),
            o.rr,
            o.p5,
            o.r10,
            b.rr,
            b.p5,
            b.r10
        );
    }
    println!();
}

/// Each traditional-script query beside its simplified twin: it must do as well.
fn print_twins(judged: &[Judged], by_id: &BTreeMap<String, Scores>) {
    for q in judged.iter().filter(|q| q.twin.is_some()) {
        let twin = q.twin.as_deref().unwrap_or("");
        let (t, s) = (by_id[&q.id], by_id.get(twin).copied().unwrap_or_default());
        let ok = t.rr >= s.rr && t.p5 >= s.p5 && t.r10 >= s.r10;
        println!(
            "traditional {:<22} MRR {:.2} R@10 {:.2}  vs {:<18} MRR {:.2} R@10 {:.2}  {}",
            q.query,
            t.rr,
            t.r10,
            twin,
            s.rr,
            s.r10,
            if ok { "as good" } else { "WORSE" }
        );
    }
}

fn load_judged() -> Result<Vec<Judged>, String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/judged/shared.jsonl");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).map_err(|e| format!("{}: {e}", path.display())))
        .collect()
}

fn flag<'a>(args: &'a [String], name: &str) -> Vec<&'a str> {
    args.windows(2)
        .filter(|w| w[0] == name)
        .map(|w| w[1].as_str())
        .collect()
}

fn day(args: &[String], name: &str) -> Option<chrono::NaiveDate> {
    flag(args, name)
        .first()
        .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
}

fn our_hits(searcher: &Searcher, q: &Judged, prefix: &str) -> Vec<String> {
    let owned = |v: Vec<&str>| v.into_iter().map(str::to_string).collect::<Vec<_>>();
    let request = SearchRequest {
        query: q.query.clone(),
        limit: 10,
        since: day(&q.args, "--since"),
        until: day(&q.args, "--until"),
        sources: owned(flag(&q.args, "--source")),
        categories: owned(flag(&q.args, "--category")),
        tags: owned(flag(&q.args, "--tag")),
        entities: owned(flag(&q.args, "--entity")),
        ..SearchRequest::default()
    };
    match searcher.search(&request) {
        Ok(results) => results
            .hits
            .into_iter()
            .map(|h| h.path.trim_start_matches(prefix).to_string())
            .collect(),
        Err(_) => Vec::new(),
    }
}

/// The baseline: plain jieba words (no normalisation) joined by spaces for tantivy's
/// QueryParser (OR of the words over title and body); filters as required field clauses.
fn baseline_hits(
    opened: &newsidx::index::OpenIndex,
    jieba: &jieba_rs::Jieba,
    q: &Judged,
    prefix: &str,
) -> Vec<String> {
    let f: Fields = opened.fields;
    let index: &Index = &opened.index;
    let mut text = String::new();
    for word in jieba.cut(&q.query, true) {
        let word = word.word.trim();
        if word.chars().any(char::is_alphanumeric) {
            text.push_str(&escape(word));
            text.push(' ');
        }
    }
    for (name, field) in [
        ("--source", "source"),
        ("--category", "categories"),
        ("--tag", "tags"),
        ("--entity", "entity_name"),
    ] {
        for v in flag(&q.args, name) {
            text.push_str(&format!("+{field}:\"{v}\" "));
        }
    }
    if let (Some(since), Some(until)) = (day(&q.args, "--since"), day(&q.args, "--until")) {
        let at = |d: chrono::NaiveDate| format!("{}T16:00:00Z", d.pred_opt().unwrap_or(d));
        text.push_str(&format!(
            "+published:[{} TO {}}} ",
            at(since),
            at(until.succ_opt().unwrap_or(until))
        ));
    }
    let parser = QueryParser::for_index(index, vec![f.title, f.body]);
    let (query, _errors) = parser.parse_query_lenient(&text);
    let Ok(reader) = index.reader() else {
        return Vec::new();
    };
    let searcher = reader.searcher();
    let Ok(top) = searcher.search(&query, &TopDocs::with_limit(10).order_by_score()) else {
        return Vec::new();
    };
    top.into_iter()
        .filter_map(|(_, addr)| searcher.doc::<TantivyDocument>(addr).ok())
        .filter_map(|doc| newsidx::index::convert::stored_text(&doc, f.path))
        .map(|p| p.trim_start_matches(prefix).to_string())
        .collect()
}

fn escape(word: &str) -> String {
    word.chars()
        .flat_map(|c| {
            let special = "+-&|!(){}[]^\"~*?:\\/'<>=".contains(c);
            special
                .then_some('\\')
                .into_iter()
                .chain(std::iter::once(c))
        })
        .collect()
}

fn score(hits: &[String], relevant: &[String]) -> Scores {
    if relevant.is_empty() {
        let v = if hits.is_empty() { 1.0 } else { 0.0 };
        return Scores {
            rr: v,
            p5: v,
            r10: v,
        };
    }
    let is_rel = |h: &String| relevant.contains(h);
    let rr = hits
        .iter()
        .position(is_rel)
        .map_or(0.0, |i| 1.0 / (i as f64 + 1.0));
    let in5 = hits.iter().take(5).filter(|h| is_rel(h)).count();
    let in10 = hits.iter().take(10).filter(|h| is_rel(h)).count();
    Scores {
        rr,
        p5: in5 as f64 / relevant.len().min(5) as f64,
        r10: in10 as f64 / relevant.len() as f64,
    }
}

fn mean(scores: &[Scores]) -> Scores {
    let n = scores.len().max(1) as f64;
    Scores {
        rr: scores.iter().map(|s| s.rr).sum::<f64>() / n,
        p5: scores.iter().map(|s| s.p5).sum::<f64>() / n,
        r10: scores.iter().map(|s| s.r10).sum::<f64>() / n,
    }
}
