//! Writes `data/jieba/variants.txt.zst`: the other regional spellings of every word of jieba's
//! default dictionary that has one, as `word\tvariant...` lines (see
//! `src/analyse/query_dictionary.rs`). Run it after upgrading jieba-rs or hanconv; the unit
//! test `the_vendored_variants_are_the_converters_for_every_default_word` says when to.
//!
//!     cargo run --release --example vendor_variants

use newsidx::analyse::query_dictionary::{MergedWords, variant_lines};

const OUT: &str = "data/jieba/variants.txt.zst";

fn main() {
    let words = MergedWords::new(&[]).unwrap_or_else(|e| fail(&e));
    let lines = variant_lines(words.iter().map(|(w, _)| w));
    let bytes = zstd::encode_all(lines.as_bytes(), 19).unwrap_or_else(|e| fail(&e.to_string()));
    std::fs::write(OUT, &bytes).unwrap_or_else(|e| fail(&format!("{OUT}: {e}")));
    println!(
        "{OUT}: {} words with variants, {} bytes",
        lines.lines().count(),
        bytes.len()
    );
}

fn fail(message: &str) -> ! {
    eprintln!("vendor_variants: {message}");
    std::process::exit(1)
}
