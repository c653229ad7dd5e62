//! Trains the entity model shipped in `data/ner/model.bin` from the public corpora in
//! `../shared/ner` (see its README for formats, sha256 and terms):
//!
//!     cargo run --release --example train_ner -- ../shared/ner data/ner/model.bin
//!     cargo run --release --example train_ner -- ../shared/ner /tmp/msra.bin --msra-protocol
//!     cargo run --release --example train_ner -- --own FILE.jsonl OUT [--base ../shared/ner]
//!
//! `--epochs N` and `--prune N` change the recipe's epoch count and pruning threshold.
//! `--holdout K` keeps the last K-th of each training set out of training and scores the
//! averaged model on it after each epoch (for choosing epochs and features without the test
//! sets). `--lex-folds K` gives each training sentence the lexicon learned from the other
//! K-1 of K contiguous blocks instead of from every other sentence (off by default: it did not
//! raise MSRA test).
//!
//! The default recipe is the shipped model's: MSRA train once, UNER train and CLUENER train
//! (types mapped: name→PER, address/scene→LOC, organization/company/government→ORG) twice each,
//! 10 averaged-perceptron epochs with seed 20261130, weights quantised to at most 2000, those
//! below 47 dropped (the model file stays under 2 MB). Same data, same gazetteer and same jieba → byte-identical model.
//! The names the training sentences annotate become the model's lexicon (`Lexicon::learn`),
//! stored in the model file; each sentence trains with the lexicon as if it had not been
//! learned from.
//! `--msra-protocol` is the benchmark protocol instead: MSRA train only, scored on MSRA test.
//! `--own FILE.jsonl` adds your own annotated articles, CLUENER-style JSON lines
//! (`{"text": ..., "label": {"PER"|"LOC"|"ORG": {surface: [[start, end_inclusive], ...]}}}`),
//! three times each, to the recipe (or trains on them alone without `--base`).

#[path = "support/mod.rs"]
mod support;

#[path = "support/ner_data.rs"]
mod ner_data;

use std::path::{Path, PathBuf};
use std::time::Instant;

use ner_data::Sample;
use newsidx::analyse::Linguistics;
use newsidx::analyse::entities::lexicon::Lexicon;
use newsidx::analyse::entities::model::{Model, Span, spans_to_labels};
use newsidx::analyse::entities::trainer::{Example, Rng, Trainer};
use rayon::prelude::*;

/// One training corpus: its name, its sentences, and how many times an epoch sees it.
type Set = (String, Vec<Sample>, usize);

const SEED: u64 = 20261130;
const EPOCHS: usize = 10;
const PRUNE_BELOW: i16 = 47;
const LEX_FOLDS: usize = 0;

fn fail(msg: String) -> ! {
    eprintln!("train_ner: {msg}");
    std::process::exit(2)
}

/// The recipe's corpora: (what, samples, copies).
fn corpora(base: &Path, msra_only: bool) -> Result<Vec<Set>, String> {
    let msra = base.join("msra/train.txt");
    let mut out = vec![(msra.display().to_string(), ner_data::msra(&msra)?, 1)];
    if !msra_only {
        let uner = base.join("uner/zh_gsdsimp-ud-train.iob2");
        out.push((uner.display().to_string(), ner_data::uner(&uner)?, 2));
        let clue = base.join("cluener/train.json");
        out.push((clue.display().to_string(), ner_data::cluener(&clue)?, 2));
    }
    Ok(out)
}

/// The names of every training sentence (each counted once, whatever its copies).
fn lexicon(sets: &[Set]) -> Lexicon {
    let samples: Vec<(&str, &[Span])> = sets
        .iter()
        .flat_map(|(_, set, _)| set.iter().map(|s| (s.text.as_str(), s.spans.as_slice())))
        .collect();
    Lexicon::learn(&samples)
}

/// Which of `folds` contiguous blocks sentence `i` of a set of `len` falls in.
fn fold_of(i: usize, len: usize, folds: usize) -> usize {
    i * folds / len.max(1)
}

/// Per fold, the lexicon learned from the sentences of every other fold. A sentence trains
/// with its fold's lexicon: names its own article repeats in nearby sentences are left out
/// with it, so the model learns how far the lexicon holds for names it has never seen, as at
/// test time (leaving out the one sentence would let its article's other sentences vouch for
/// every name in it).
fn fold_lexicons(sets: &[Set], folds: usize) -> Vec<Lexicon> {
    (0..folds)
        .into_par_iter()
        .map(|f| {
            let samples: Vec<(&str, &[Span])> = sets
                .iter()
                .flat_map(|(_, set, _)| {
                    set.iter()
                        .enumerate()
                        .filter(|(i, _)| fold_of(*i, set.len(), folds) != f)
                        .map(|(_, s)| (s.text.as_str(), s.spans.as_slice()))
                })
                .collect();
            Lexicon::learn(&samples)
        })
        .collect()
}

/// Training examples. With `folds` > 0 each sentence's lexicon codes come from its fold's
/// lexicon (`fold_lexicons`), else from `lex` as if the sentence had not been learned from.
fn examples(ling: &Linguistics, lex: &Lexicon, sets: &[Set], folds: usize) -> Vec<Example> {
    let fold_lex = fold_lexicons(sets, folds);
    let mut samples: Vec<(&Sample, Option<&Lexicon>)> = Vec::new();
    for (_, set, copies) in sets {
        for (i, s) in set.iter().enumerate() {
            let own = fold_lex.get(fold_of(i, set.len(), folds.max(1)));
            samples.extend(std::iter::repeat_n((s, own), *copies));
        }
    }
    samples
        .par_iter()
        .map(|(s, fold)| {
            let prepared = ling.model_input(&s.text);
            let gold = spans_to_labels(prepared.len(), &s.spans);
            let lex = match fold {
                Some(l) => l.codes(prepared.chars()),
                None => lex.codes_without(prepared.chars(), &s.spans),
            };
            Example {
                prepared,
                lex,
                gold,
            }
        })
        .collect()
}

/// With `k` > 0, takes the last `1/k` of each set out of training (and out of the lexicon)
/// and returns it: a slice of the TRAIN data to choose the epoch count and the features on,
/// so that test sets stay unseen. One block at the end, not every k-th sentence: neighbouring
/// sentences share their articles' names, which would flatter the lexicon.
fn hold_out(sets: &mut [Set], k: usize) -> Vec<Sample> {
    let mut dev = Vec::new();
    if k == 0 {
        return dev;
    }
    for (_, set, _) in sets.iter_mut() {
        let keep = set.len() - set.len() / k;
        dev.extend(set.drain(keep..));
    }
    dev
}

/// Flags that take a value, so their values are not taken for positional arguments.
const VALUE_FLAGS: [&str; 6] = [
    "--own",
    "--base",
    "--epochs",
    "--prune",
    "--holdout",
    "--lex-folds",
];

const USAGE: &str = "usage: train_ner NER_DIR OUT [--msra-protocol] [--epochs N] [--prune N] [--holdout K] [--lex-folds K] | --own FILE OUT [--base NER_DIR]";

/// The command line.
struct Options {
    base: Option<PathBuf>,
    own: Option<PathBuf>,
    out: PathBuf,
    msra_only: bool,
    epochs: usize,
    holdout: usize,
    folds: usize,
    prune: i16,
}

impl Options {
    fn parse(args: &[String]) -> Options {
        let flag = |name: &str| args.iter().position(|a| a == name);
        let value = |name: &str| flag(name).and_then(|i| args.get(i + 1)).map(PathBuf::from);
        let number = |name: &str, default: usize| -> usize {
            flag(name)
                .and_then(|i| args.get(i + 1))
                .map_or(Some(default), |v| v.parse().ok())
                .unwrap_or_else(|| fail(format!("{name} needs a number")))
        };
        let after_value_flag = |i: usize| {
            i.checked_sub(1)
                .and_then(|j| args.get(j))
                .is_some_and(|p| VALUE_FLAGS.contains(&p.as_str()))
        };
        let positional: Vec<&String> = args
            .iter()
            .enumerate()
            .filter(|&(i, a)| !a.starts_with("--") && !after_value_flag(i))
            .map(|(_, a)| a)
            .collect();
        let own = value("--own");
        let (base, out) = match (own.is_some(), positional.as_slice()) {
            (true, [out]) => (value("--base"), PathBuf::from(out)),
            (false, [base, out]) => (Some(PathBuf::from(base)), PathBuf::from(out)),
            _ => fail(USAGE.into()),
        };
        Options {
            base,
            own,
            out,
            msra_only: flag("--msra-protocol").is_some(),
            epochs: number("--epochs", EPOCHS),
            holdout: number("--holdout", 0),
            folds: number("--lex-folds", LEX_FOLDS),
            prune: i16::try_from(number("--prune", PRUNE_BELOW as usize))
                .unwrap_or_else(|_| fail("--prune must be below 32768".into())),
        }
    }

    /// The training sets (the base corpora, then the user's own file) and the held-out slice.
    fn training_sets(&self) -> (Vec<Set>, Vec<Sample>) {
        let mut sets = match &self.base {
            Some(b) => corpora(b, self.msra_only).unwrap_or_else(|e| fail(e)),
            None => Vec::new(),
        };
        if let Some(own) = &self.own {
            let samples = ner_data::own(own).unwrap_or_else(|e| fail(e));
            sets.push((own.display().to_string(), samples, 3));
        }
        let dev = hold_out(&mut sets, self.holdout);
        for (name, samples, copies) in &sets {
            let spans: usize = samples.iter().map(|s| s.spans.len()).sum();
            println!(
                "{name}: {} sentences, {spans} entities, x{copies}",
                samples.len()
            );
        }
        (sets, dev)
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let opts = Options::parse(&args);
    let t = Instant::now();
    let (sets, dev) = opts.training_sets();
    let ling = Linguistics::new(Vec::new());
    let lex = lexicon(&sets);
    let train = examples(&ling, &lex, &sets, opts.folds);
    println!(
        "{} examples prepared in {:.1}s, {} names learned; seed {SEED}, {} epochs, prune below {}",
        train.len(),
        t.elapsed().as_secs_f64(),
        lex.len(),
        opts.epochs,
        opts.prune
    );
    let full = train_averaged(&opts, &ling, &lex, &train, &dev);
    let model: Model = full.pruned(opts.prune);
    let bytes = model.to_bytes();
    if let Err(e) = std::fs::write(&opts.out, &bytes) {
        fail(format!("{}: {e}", opts.out.display()));
    }
    println!(
        "wrote {}: {} bytes, {} features",
        opts.out.display(),
        bytes.len(),
        model.feature_count()
    );
    if let Some(b) = opts.base.as_ref().filter(|_| opts.msra_only) {
        report_msra(b, &ling, &model, &full);
    }
}

/// Runs the epochs (scoring the held-out slice after each when there is one) and returns the
/// averaged, unpruned model with its lexicon.
fn train_averaged(
    opts: &Options,
    ling: &Linguistics,
    lex: &Lexicon,
    train: &[Example],
    dev: &[Sample],
) -> Model {
    let mut trainer = Trainer::new();
    let mut rng = Rng::new(SEED);
    for epoch in 1..=opts.epochs {
        let t = Instant::now();
        let wrong = trainer.epoch(train, &mut rng);
        println!(
            "epoch {epoch}: {wrong} sentences wrong, {:.1}s",
            t.elapsed().as_secs_f64()
        );
        if !dev.is_empty() {
            let m = trainer.averaged(0.0).with_lexicon(lex.clone());
            let c = ner_data::score(dev, |text| m.tag(&ling.model_input(text)));
            println!("  held-out slice after epoch {epoch}: {}", c.summary());
        }
    }
    trainer.averaged(0.0).with_lexicon(lex.clone())
}

/// The standard MSRA protocol's figure: the model trained on `msra/train` scored on
/// `msra/test`, shipped (pruned), unpruned and at other pruning cuts.
fn report_msra(base: &Path, ling: &Linguistics, model: &Model, full: &Model) {
    let test = ner_data::msra(&base.join("msra/test.txt")).unwrap_or_else(|e| fail(e));
    let c = ner_data::score(&test, |text| model.tag(&ling.model_input(text)));
    println!("MSRA test (model alone): {}", c.summary());
    let c = ner_data::score(&test, |text| full.tag(&ling.model_input(text)));
    println!(
        "MSRA test (model alone, unpruned, {} features): {}",
        full.feature_count(),
        c.summary()
    );
    for cut in [31, 63, 94] {
        let m = full.pruned(cut);
        let c = ner_data::score(&test, |text| m.tag(&ling.model_input(text)));
        println!(
            "MSRA test (model alone, pruned below {cut}: {} bytes, {} features): {}",
            m.to_bytes().len(),
            m.feature_count(),
            c.summary()
        );
    }
}
