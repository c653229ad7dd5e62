//! Date-mention quality against `../shared/gold/dates.jsonl`: precision, recall and F1 of
//! (value, end_value, granularity) per document, micro-averaged, overall and per granularity.
//! Articles go through the real pipeline (decode, clean, publication date) exactly as ingest
//! parses them; mentions from the title and the body both count, as in the annotation.
//! The guideline resolves a time of day to its day, so our `hour` and `minute` mentions
//! compare as `day`.
//!
//!     cargo run --release --example eval_dates [-- --verbose] [--shared DIR]

#[path = "support/mod.rs"]
mod support;

use std::collections::BTreeMap;

use newsidx::ingest::article::Article;
use support::Counts;

type Key = (String, String, String);

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let verbose = args.iter().any(|a| a == "--verbose");
    let shared = support::shared_dir(&args);
    let gold = match support::gold_lines(&shared, "dates.jsonl") {
        Ok(gold) => gold,
        Err(e) => {
            eprintln!("eval_dates: {e}");
            std::process::exit(2);
        }
    };
    let mut tally = Tally {
        verbose,
        ..Tally::default()
    };
    for record in &gold {
        let file = record["file"].as_str().unwrap_or_default();
        match support::parse(&shared.join(file)) {
            Ok(article) => tally.score(file, record, &article),
            Err(e) => eprintln!("eval_dates: {e}"),
        }
    }
    println!("date mentions vs gold: {} documents", gold.len());
    tally.print();
}

#[derive(Default)]
struct Tally {
    verbose: bool,
    total: Counts,
    per_granularity: BTreeMap<String, Counts>,
    published_differs: Vec<String>,
}

impl Tally {
    /// Matches one article's mentions against its gold record, each gold key at most once.
    fn score(&mut self, file: &str, record: &serde_json::Value, article: &Article) {
        let ours = article.document.published.map(|d| d.to_rfc3339());
        if ours.as_deref() != record["published"].as_str() {
            let gold = &record["published"];
            self.published_differs
                .push(format!("{file}: ours {ours:?}, gold {gold}"));
        }
        let mut want: Vec<(Key, String)> = record["dates"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|d| {
                let s = |k: &str| d[k].as_str().unwrap_or_default().to_string();
                ((s("value"), s("end_value"), s("granularity")), s("text"))
            })
            .collect();
        let mut extras = Vec::new();
        for found in &article.analysis.dates {
            let m = &found.mention;
            let granularity = compared_granularity(m.granularity);
            let key = (
                m.value.to_string(),
                m.end_value.to_string(),
                granularity.clone(),
            );
            let entry = self.per_granularity.entry(granularity).or_default();
            if let Some(i) = want.iter().position(|(k, _)| *k == key) {
                want.remove(i);
                entry.tp += 1;
                self.total.tp += 1;
            } else {
                entry.fp += 1;
                self.total.fp += 1;
                extras.push(format!("{file}: EXTRA  {} -> {key:?}", m.text));
            }
        }
        for ((value, end, granularity), text) in &want {
            self.per_granularity
                .entry(granularity.clone())
                .or_default()
                .fn_ += 1;
            self.total.fn_ += 1;
            if self.verbose {
                println!("{file}: MISSED {text} -> ({value}, {end}, {granularity})");
            }
        }
        if self.verbose {
            extras.iter().for_each(|line| println!("{line}"));
        }
    }

    fn print(&self) {
        println!("{}", support::HEADER);
        for (granularity, counts) in &self.per_granularity {
            println!("{}", counts.row(granularity));
        }
        println!("{}", self.total.row("ALL (micro)"));
        if !self.published_differs.is_empty() {
            let n = self.published_differs.len();
            println!("publication date differs from gold in {n} document(s):");
            for line in &self.published_differs {
                println!("  {line}");
            }
        }
    }
}

/// Our granularity as the guideline names it: a time of day resolves to its day.
fn compared_granularity(g: impl serde::Serialize) -> String {
    let name = serde_json::to_value(g)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    match name.as_str() {
        "hour" | "minute" => "day".to_string(),
        _ => name,
    }
}
