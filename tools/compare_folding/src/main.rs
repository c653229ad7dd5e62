//! Which traditional/simplified crate newsidx folds with: correctness on one-to-many pairs
//! (where one simplified character stands for several traditional ones) and speed on the shared
//! corpus. Candidates: hanconv (MIT), ferrous-opencc (Apache-2.0), character_converter (MIT),
//! fast2s (MIT, traditional to simplified only). zhconv (GPL) and opencc-rust (C library) are
//! ruled out by licence and toolchain.
//!
//! "fold" is what newsidx does: hanconv's OpenCC character table applied one character at a
//! time (first candidate), so offsets never move. It must give the same form for both members
//! of a pair; the converters must turn the traditional word into the simplified one (t2s) and
//! back (s2t).
//!
//! `cargo run --release --manifest-path tools/compare_folding/Cargo.toml [-- CORPUS_DIR]`

use std::collections::HashMap;
use std::time::Instant;

use ferrous_opencc::OpenCC;
use ferrous_opencc::config::BuiltinConfig;

/// (simplified, traditional) pairs whose simplified side is ambiguous going to traditional.
const PAIRS: &[(&str, &str)] = &[
    ("头发", "頭髮"),
    ("发展", "發展"),
    ("干部", "幹部"),
    ("干燥", "乾燥"),
    ("干杯", "乾杯"),
    ("后天", "後天"),
    ("皇后", "皇后"),
    ("台湾", "臺灣"),
    ("台风", "颱風"),
    ("面条", "麵條"),
    ("里面", "裡面"),
    ("关系", "關係"),
    ("联系", "聯繫"),
    ("系统", "系統"),
    ("钟表", "鐘錶"),
    ("历史", "歷史"),
    ("日历", "日曆"),
    ("只有", "只有"),
    ("一只", "一隻"),
    ("制造", "製造"),
    ("松树", "松樹"),
    ("放松", "放鬆"),
    ("余额", "餘額"),
    ("复杂", "複雜"),
    ("恢复", "恢復"),
    ("范围", "範圍"),
    ("征收", "徵收"),
    ("网络", "網絡"),
];

fn fold_table() -> HashMap<char, char> {
    let mut table = HashMap::new();
    for (t, s) in hanconv::RawDictionary::TSCharacters.var_iter() {
        let (Some(t), Some(s)) = (one(t), s.first().and_then(|s| one(s))) else {
            continue;
        };
        if t != s {
            table.insert(t, s);
        }
    }
    table
}

fn one(s: &str) -> Option<char> {
    let mut chars = s.chars();
    let c = chars.next()?;
    chars.next().is_none().then_some(c)
}

type Convert = Box<dyn Fn(&str) -> String>;

fn main() {
    let table = fold_table();
    let fold = move |s: &str| -> String { s.chars().map(|c| *table.get(&c).unwrap_or(&c)).collect() };
    let opencc_t2s = OpenCC::from_config(BuiltinConfig::T2s).ok();
    let opencc_s2t = OpenCC::from_config(BuiltinConfig::S2t).ok();
    let t2s: Vec<(&str, Convert)> = vec![
        ("hanconv", Box::new(|s: &str| hanconv::t2s(s))),
        ("ferrous-opencc", Box::new(move |s: &str| opencc_t2s.as_ref().map_or_else(String::new, |o| o.convert(s)))),
        ("character_converter", Box::new(|s: &str| character_converter::traditional_to_simplified(s).into_owned())),
        ("fast2s", Box::new(fast2s::convert)),
        ("newsidx fold (hanconv table, per char)", Box::new(fold)),
    ];
    let s2t: Vec<(&str, Convert)> = vec![
        ("hanconv", Box::new(|s: &str| hanconv::s2t(s))),
        ("ferrous-opencc", Box::new(move |s: &str| opencc_s2t.as_ref().map_or_else(String::new, |o| o.convert(s)))),
        ("character_converter", Box::new(|s: &str| character_converter::simplified_to_traditional(s).into_owned())),
    ];
    println!("{} one-to-many pairs\n", PAIRS.len());
    println!("{:<40} {:>12} {:>12}", "crate", "t2s correct", "s2t correct");
    for (name, convert) in &t2s {
        let ok = PAIRS.iter().filter(|(s, t)| convert(t) == *s).count();
        let back = s2t
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, c)| PAIRS.iter().filter(|(s, t)| c(s) == *t).count().to_string())
            .unwrap_or_else(|| "-".into());
        println!("{name:<40} {ok:>9}/{:<2} {back:>9}/{:<2}", PAIRS.len(), PAIRS.len());
        for (s, t) in PAIRS.iter().filter(|(s, t)| convert(t) != *s) {
            println!("    t2s {t} -> {} (want {s})", convert(t));
        }
    }
    let corpus = std::env::args().nth(1).unwrap_or_else(|| {
        concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/corpus").to_string()
    });
    let text = corpus_text(&corpus);
    if text.is_empty() {
        println!("\nSKIPPED speed: no text under {corpus}");
        return;
    }
    let traditional = hanconv::s2t(&text);
    println!("\nspeed, traditional to simplified over {:.1} MB ({corpus} converted to traditional), best of 3:", traditional.len() as f64 / 1e6);
    for (name, convert) in &t2s {
        let best = (0..3)
            .map(|_| {
                let started = Instant::now();
                let out = convert(&traditional);
                std::hint::black_box(out);
                started.elapsed().as_secs_f64()
            })
            .fold(f64::MAX, f64::min);
        println!("  {name:<40} {:>8.1} MB/s", traditional.len() as f64 / 1e6 / best);
    }
}

fn corpus_text(dir: &str) -> String {
    let mut text = String::new();
    let mut stack = vec![std::path::PathBuf::from(dir)];
    while let Some(path) = stack.pop() {
        if path.is_dir() {
            if let Ok(entries) = std::fs::read_dir(&path) {
                stack.extend(entries.filter_map(Result::ok).map(|e| e.path()));
            }
        } else if let Ok(t) = std::fs::read_to_string(&path) {
            text.push_str(&t);
        }
    }
    text
}
