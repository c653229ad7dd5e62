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
    let mut total = Counts::default();
    let mut per_granularity: BTreeMap<String, Counts> = BTreeMap::new();
    let mut published_differs = Vec::new();
    for record in &gold {
        let file = record["file"].as_str().unwrap_or_default();
        let article = match support::parse(&shared.join(file)) {
            Ok(a) => a,
            Err(e) => {
                eprintln!("eval_dates: {e}");
                continue;
            }
        };
        let ours = article.document.published.map(|d| d.to_rfc3339());
        if ours.as_deref() != record["published"].as_str() {
            published_differs.push(format!(
                "{file}: ours {ours:?}, gold {}",
                record["published"]
            ));
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
        let mut false_positives = Vec::new();
        for found in &article.analysis.dates {
            let m = &found.mention;
            let granularity = match serde_json::to_value(m.granularity)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default()
            {
                g if g == "hour" || g == "minute" => "day".to_string(),
                g => g,
            };
            let key = (
                m.value.to_string(),
                m.end_value.to_string(),
                granularity.clone(),
            );
            let entry = per_granularity.entry(granularity).or_default();
            if let Some(i) = want.iter().position(|(k, _)| *k == key) {
                want.remove(i);
                entry.tp += 1;
                total.tp += 1;
            } else {
                entry.fp += 1;
                total.fp += 1;
                false_positives.push(format!("{} -> {:?}", m.text, key));
            }
        }
        for ((value, end, granularity), text) in &want {
            per_granularity.entry(granularity.clone()).or_default().fn_ += 1;
            total.fn_ += 1;
            if verbose {
                println!("{file}: MISSED {text} -> ({value}, {end}, {granularity})");
            }
        }
        if verbose {
            for fp in false_positives {
                println!("{file}: EXTRA  {fp}");
            }
        }
    }
    println!("date mentions vs gold: {} documents", gold.len());
    println!("{}", support::HEADER);
    for (granularity, counts) in &per_granularity {
        println!("{}", counts.row(granularity));
    }
    println!("{}", total.row("ALL (micro)"));
    if !published_differs.is_empty() {
        println!(
            "publication date differs from gold in {} document(s):",
            published_differs.len()
        );
        for line in &published_differs {
            println!("  {line}");
        }
    }
}
