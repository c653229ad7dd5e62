//! Entity quality against `../shared/gold/entities.jsonl`, scored as GUIDELINES.md says: per
//! article, a predicted entity matches a gold record (at most one) when any of its names
//! (canonical or surface mentions) equals any of the record's names after NFKC and white-space
//! folding; micro precision/recall/F1, untyped and typed, and per type. The same table for raw
//! jieba POS tags (nr/ns/nt/nz as PER/LOC/ORG/PRODUCT) shows what the extractor adds.
//! Articles go through the real pipeline, exactly as ingest parses them.
//!
//! Three extractors are scored: newsidx with its entity model (the shipped one, or
//! `--model FILE`), newsidx with the rules alone (what stands in without a model), and raw jieba.
//!
//! Then the public sentence-level benchmarks in `SHARED/ner` (entity level, exact span and type,
//! micro-averaged, PER/LOC/ORG): MSRA test, and CLUENER dev with its types mapped (name→PER,
//! address/scene→LOC, organization/company/government→ORG; book/game/movie/position are no
//! entity here, so PRODUCT/WORK predictions are left out). Scored: the model alone, the
//! whole extractor, and the rules alone. The shipped model never saw MSRA test or CLUENER dev.
//!
//!     cargo run --release --example eval_entities [-- --verbose] [--shared DIR] [--model FILE]

#[path = "support/mod.rs"]
mod support;

#[path = "support/ner_data.rs"]
mod ner_data;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use newsidx::analyse::entities::model::{Kind, Model, Span};
use newsidx::analyse::entities::{self, EntityType};
use newsidx::analyse::{self, Linguistics};
use newsidx::ingest::article;
use support::TypedCounts;
use unicode_normalization::UnicodeNormalization;

/// (type, names) of one entity, names normalised.
type Named = (String, Vec<String>);

fn fold(name: &str) -> String {
    let nfkc: String = name.nfkc().collect();
    nfkc.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Matches predictions to gold records one to one; returns the counts and the unmatched on
/// each side.
fn score(predicted: &[Named], gold: &[Named]) -> (TypedCounts, Vec<String>, Vec<String>) {
    let mut used = vec![false; gold.len()];
    let mut c = TypedCounts::default();
    let mut extra = Vec::new();
    for (kind, names) in predicted {
        let hit = gold
            .iter()
            .enumerate()
            .find(|(i, (_, g))| !used[*i] && g.iter().any(|n| names.contains(n)));
        match hit {
            Some((i, (gold_kind, _))) => {
                used[i] = true;
                c.untyped.tp += 1;
                if gold_kind == kind {
                    c.typed.tp += 1;
                    c.per(kind).tp += 1;
                } else {
                    c.typed.fp += 1;
                    c.typed.fn_ += 1;
                    c.per(kind).fp += 1;
                    c.per(gold_kind).fn_ += 1;
                    extra.push(format!("{} as {kind} (gold {gold_kind})", names[0]));
                }
            }
            None => {
                c.untyped.fp += 1;
                c.typed.fp += 1;
                c.per(kind).fp += 1;
                extra.push(format!("{} as {kind}", names[0]));
            }
        }
    }
    let mut missed = Vec::new();
    for (i, (kind, names)) in gold.iter().enumerate() {
        if !used[i] {
            c.untyped.fn_ += 1;
            c.typed.fn_ += 1;
            c.per(kind).fn_ += 1;
            missed.push(format!("{} ({kind})", names.join("/")));
        }
    }
    (c, extra, missed)
}

/// Raw jieba POS tags as entities, with jieba's own dictionary only: the baseline.
fn jieba_baseline(jieba: &jieba_rs::Jieba, text: &str) -> Vec<Named> {
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    for tag in jieba.tag(text, true) {
        let kind = match tag.tag {
            "nr" | "nrt" | "nrfg" => "PER",
            "ns" => "LOC",
            "nt" => "ORG",
            "nz" => "PRODUCT",
            _ => continue,
        };
        seen.entry(fold(tag.word))
            .or_insert_with(|| kind.to_string());
    }
    seen.into_iter()
        .map(|(name, kind)| (kind, vec![name]))
        .collect()
}

/// The gold record's entities as (type, folded names).
fn gold_entities(record: &serde_json::Value) -> Vec<Named> {
    record["entities"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| {
            let names = e["names"].as_array().into_iter().flatten();
            (
                e["type"].as_str().unwrap_or_default().to_string(),
                names.filter_map(|n| n.as_str()).map(fold).collect(),
            )
        })
        .collect()
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let verbose = args.iter().any(|a| a == "--verbose");
    let shared = support::shared_dir(&args);
    let gold = match support::gold_lines(&shared, "entities.jsonl") {
        Ok(gold) => gold,
        Err(e) => {
            eprintln!("eval_entities: {e}");
            std::process::exit(2);
        }
    };
    let linguistics = Linguistics::shared();
    let own_model = model_arg(&args);
    let model = own_model.as_ref().or(entities::shipped_model());
    if model.is_none() {
        eprintln!("eval_entities: no usable entity model; the first table is the rules alone");
    }
    let raw_jieba = jieba_rs::Jieba::new();
    let [mut full, mut rules, mut base] = [(); 3].map(|()| TypedCounts::default());
    let (mut extraction, mut rules_time) = (Duration::ZERO, Duration::ZERO);
    for record in &gold {
        let file = record["file"].as_str().unwrap_or_default();
        let article = match support::parse(&shared.join(file)) {
            Ok(a) => a,
            Err(e) => {
                eprintln!("eval_entities: {e}");
                continue;
            }
        };
        let want = gold_entities(record);
        // exactly the text ingest extracts from: own title, body, credit lines, source line
        let text = article::text_of(&article.document);
        let (title, body) = (text.title.unwrap_or(""), analyse::entity_body(&text));
        let body = body.as_ref();
        let started = Instant::now();
        let found = linguistics.entities_with(title, body, model);
        extraction += started.elapsed();
        let (counts, extra, missed) = score(&named(&found), &want);
        full.add(counts);
        let started = Instant::now();
        let rules_only = linguistics.entities_with(title, body, None);
        rules_time += started.elapsed();
        rules.add(score(&named(&rules_only), &want).0);
        let baseline = jieba_baseline(&raw_jieba, &format!("{title}\n{body}"));
        base.add(score(&baseline, &want).0);
        if verbose {
            extra.iter().for_each(|e| println!("{file}: EXTRA  {e}"));
            missed.iter().for_each(|m| println!("{file}: MISSED {m}"));
        }
    }
    let documents = gold.len();
    full.print(
        "newsidx entity extractor (model + gazetteer + rules)",
        documents,
    );
    rules.print("newsidx rules alone (no model)", documents);
    base.print("baseline: raw jieba POS tags", documents);
    let per_article = |d: Duration| d.as_secs_f64() * 1000.0 / documents.max(1) as f64;
    println!(
        "extraction time: {:.3} ms per article (title + body, this machine)",
        per_article(extraction)
    );
    println!(
        "  rules alone: {:.3} ms per article",
        per_article(rules_time)
    );
    benchmarks(&shared.join("ner"), &linguistics, model);
}

/// Entities as (type, folded names).
fn named(found: &[entities::Entity]) -> Vec<Named> {
    found
        .iter()
        .map(|e| {
            let mut names = vec![fold(&e.name)];
            names.extend(e.mentions.iter().map(|m| fold(m)));
            (e.kind.as_str().to_string(), names)
        })
        .collect()
}

/// `--model FILE`: a model to score instead of the shipped one.
fn model_arg(args: &[String]) -> Option<Model> {
    let path = args
        .iter()
        .position(|a| a == "--model")
        .and_then(|i| args.get(i + 1))?;
    let loaded = std::fs::read(path)
        .map_err(|e| e.to_string())
        .and_then(|b| Model::from_bytes(&b).map_err(|e| e.to_string()));
    match loaded {
        Ok(m) => Some(m),
        Err(e) => {
            eprintln!("eval_entities: {path}: {e}");
            std::process::exit(2);
        }
    }
}

/// The extractor's PER/LOC/ORG spans of `text` in char offsets.
fn extractor_spans(ling: &Linguistics, text: &str, model: Option<&Model>) -> Vec<Span> {
    let char_at: std::collections::HashMap<usize, usize> = text
        .char_indices()
        .map(|(b, _)| b)
        .chain(std::iter::once(text.len()))
        .enumerate()
        .map(|(c, b)| (b, c))
        .collect();
    ling.entity_spans(text, model)
        .into_iter()
        .filter_map(|(s, e, kind)| {
            let kind = match kind {
                EntityType::Per => Kind::Per,
                EntityType::Loc => Kind::Loc,
                EntityType::Org => Kind::Org,
                EntityType::Product | EntityType::Work => return None,
            };
            Some(Span {
                start: *char_at.get(&s)?,
                end: *char_at.get(&e)?,
                kind,
            })
        })
        .collect()
}

/// MSRA test and CLUENER dev (mapped): the model alone, the extractor, the rules alone.
fn benchmarks(dir: &std::path::Path, ling: &Linguistics, model: Option<&Model>) {
    let sets = [
        ("MSRA test", ner_data::msra(&dir.join("msra/test.txt"))),
        (
            "CLUENER dev (mapped)",
            ner_data::cluener(&dir.join("cluener/dev.json")),
        ),
    ];
    for (name, samples) in sets {
        let samples = match samples {
            Ok(s) => s,
            Err(e) => {
                println!("\n{name}: SKIPPED: {e}");
                continue;
            }
        };
        println!("\n{name}: {} sentences", samples.len());
        if let Some(m) = model {
            let alone = ner_data::score(&samples, |t| m.tag(&ling.model_input(t)));
            println!("  model alone:        {}", alone.summary());
            let all = ner_data::score(&samples, |t| extractor_spans(ling, t, Some(m)));
            println!("  extractor:          {}", all.summary());
        }
        let rules = ner_data::score(&samples, |t| extractor_spans(ling, t, None));
        println!("  rules alone:        {}", rules.summary());
    }
}
