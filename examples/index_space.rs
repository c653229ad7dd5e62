//! Where an index's bytes go: per field, the term dictionary, postings (doc ids and
//! frequencies), positions, fast columns and field norms, summed over all segments, plus the
//! document store, and each as a share of the body text when that size is given.
//!
//!     cargo run --release --example index_space -- INDEX [BODY_BYTES]
//!
//! `bench` prints the body text size of its corpora (`MB of body text`); pass it in bytes to see
//! each part as a multiple of it, which is how the index size target is stated.

#[path = "support/bench_util.rs"]
mod bench_util;

use std::collections::BTreeMap;
use std::path::PathBuf;

use bench_util::fail;
use tantivy::space_usage::PerFieldSpaceUsage;

/// Components of one field, in the order printed.
const PARTS: [&str; 5] = ["term", "postings", "positions", "fast", "fieldnorm"];

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(path) = args.first().map(PathBuf::from) else {
        fail("usage: index_space INDEX [BODY_BYTES]");
    };
    let body: Option<f64> = args.get(1).and_then(|b| b.parse().ok());
    let index = tantivy::Index::open_in_dir(&path)
        .unwrap_or_else(|e| fail(&format!("{}: {e}", path.display())));
    let reader = index
        .reader()
        .unwrap_or_else(|e| fail(&format!("{}: {e}", path.display())));
    let usage = reader
        .searcher()
        .space_usage()
        .unwrap_or_else(|e| fail(&format!("{}: {e}", path.display())));
    let mut fields: BTreeMap<String, [u64; 5]> = BTreeMap::new();
    let (mut store, mut total) = (0, 0);
    for segment in usage.segments() {
        let per_field = [
            segment.termdict(),
            segment.postings(),
            segment.positions(),
            segment.fast_fields(),
            segment.fieldnorms(),
        ];
        for (part, usage) in per_field.into_iter().enumerate() {
            add(&mut fields, part, usage);
        }
        store += segment.store().total().get_bytes();
        total += segment.total().get_bytes();
    }
    println!(
        "{} segments, {} in all",
        usage.segments().len(),
        shown(total, body)
    );
    println!("store: {}", shown(store, body));
    let mut rows: Vec<(String, [u64; 5])> = fields.into_iter().collect();
    rows.sort_by_key(|(_, parts)| std::cmp::Reverse(parts.iter().sum::<u64>()));
    for (name, parts) in rows {
        let described: Vec<String> = PARTS
            .iter()
            .zip(parts)
            .filter(|(_, bytes)| *bytes > 0)
            .map(|(part, bytes)| format!("{part} {}", shown(bytes, body)))
            .collect();
        println!(
            "{name}: {} ({})",
            shown(parts.iter().sum(), body),
            described.join(", ")
        );
    }
}

fn add(fields: &mut BTreeMap<String, [u64; 5]>, part: usize, usage: &PerFieldSpaceUsage) {
    for field in usage.fields() {
        let entry = fields.entry(field.field_name().to_string()).or_default();
        entry[part] += field.total().get_bytes();
    }
}

/// Megabytes, and the multiple of the body text when its size is known.
fn shown(bytes: u64, body: Option<f64>) -> String {
    let mb = bytes as f64 / 1e6;
    match body {
        Some(body) if body > 0.0 => format!("{mb:.2} MB = {:.3} x", bytes as f64 / body),
        _ => format!("{mb:.2} MB"),
    }
}
