#![allow(dead_code)]
//! Readers for the public corpora in `../shared/ner` (formats in its README), each giving
//! sentences with PER/LOC/ORG spans in char offsets, the text normalised character by character
//! (full-width digits and Latin to ASCII, as in today's news; offsets unchanged), and the
//! entity-level scorer that `train_ner` and `eval_entities` share.

use crate::support::{Counts, TypedCounts};
use newsidx::analyse::entities::model::{Kind, Span, normalize};
use std::path::Path;

/// One annotated sentence.
#[derive(Debug, Clone)]
pub struct Sample {
    pub text: String,
    pub spans: Vec<Span>,
}

/// The samples with their text normalised (same number of characters).
fn normalized(mut v: Vec<Sample>) -> Vec<Sample> {
    for s in &mut v {
        s.text = normalize(&s.text);
    }
    v
}

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))
}

/// Appends `word` to `text`; returns its char span.
fn push(text: &mut String, len: &mut usize, word: &str) -> (usize, usize) {
    let start = *len;
    text.push_str(word);
    *len += word.chars().count();
    (start, *len)
}

fn msra_kind(tag: &str) -> Option<Kind> {
    match tag {
        "nr" => Some(Kind::Per),
        "ns" => Some(Kind::Loc),
        "nt" => Some(Kind::Org),
        _ => None,
    }
}

/// MSRA: `text/tag` tokens separated by a space, one sentence per line.
pub fn msra(path: &Path) -> Result<Vec<Sample>, String> {
    let mut out = Vec::new();
    for line in read(path)?.lines() {
        let mut s = Sample {
            text: String::new(),
            spans: Vec::new(),
        };
        let mut len = 0;
        for tok in line.split(' ').filter(|t| !t.is_empty()) {
            let Some(cut) = tok.rfind('/') else { continue };
            let (word, tag) = (&tok[..cut], &tok[cut + 1..]);
            let (start, end) = push(&mut s.text, &mut len, word);
            if let Some(kind) = msra_kind(tag)
                && end > start
            {
                s.spans.push(Span { start, end, kind });
            }
        }
        if len > 0 {
            out.push(s);
        }
    }
    Ok(normalized(out))
}

/// Universal NER (CoNLL IOB2): tokens placed back onto the `# text` line.
pub fn uner(path: &Path) -> Result<Vec<Sample>, String> {
    let mut out = Vec::new();
    let mut text = String::new();
    let mut toks: Vec<(String, String)> = Vec::new();
    for line in read(path)?.lines().chain(std::iter::once("")) {
        if let Some(t) = line.strip_prefix("# text = ") {
            text = t.to_string();
        } else if line.starts_with('#') {
        } else if line.trim().is_empty() {
            if !toks.is_empty() {
                out.push(uner_sentence(&text, &toks));
            }
            toks.clear();
        } else {
            let cols: Vec<&str> = line.split('\t').collect();
            if cols.len() >= 3 {
                toks.push((cols[1].to_string(), cols[2].to_string()));
            }
        }
    }
    Ok(normalized(out))
}

fn uner_sentence(text: &str, toks: &[(String, String)]) -> Sample {
    let chars: Vec<char> = text.chars().collect();
    let mut at = 0;
    let mut places = Vec::new();
    for (w, _) in toks {
        while at < chars.len() && chars[at].is_whitespace() {
            at += 1;
        }
        let wc: Vec<char> = w.chars().collect();
        if chars.get(at..at + wc.len()) != Some(&wc[..]) {
            break;
        }
        places.push((at, at + wc.len()));
        at += wc.len();
    }
    let (text, places) = if places.len() == toks.len() {
        (text.to_string(), places)
    } else {
        let mut t = String::new();
        let mut len = 0;
        let p = toks
            .iter()
            .map(|(w, _)| push(&mut t, &mut len, w))
            .collect();
        (t, p)
    };
    let mut spans = Vec::new();
    let mut open: Option<Span> = None;
    for ((_, tag), &(s, e)) in toks.iter().zip(&places) {
        let kind = match tag.get(2..) {
            Some("PER") => Some(Kind::Per),
            Some("LOC") => Some(Kind::Loc),
            Some("ORG") => Some(Kind::Org),
            _ => None,
        };
        match open.as_mut() {
            Some(o) if tag.starts_with("I-") && Some(o.kind) == kind => o.end = e,
            _ => {
                spans.extend(open.take());
                open = kind.map(|kind| Span {
                    start: s,
                    end: e,
                    kind,
                });
            }
        }
    }
    spans.extend(open);
    Sample { text, spans }
}

/// How CLUENER's ten types map onto ours (our own names accepted too, for users' files).
/// book/game/movie (titled works, found by the `《》` rule) and position (job titles) are no
/// entity for the model.
pub fn cluener_kind(t: &str) -> Option<Kind> {
    match t {
        "name" | "PER" => Some(Kind::Per),
        "address" | "scene" | "LOC" => Some(Kind::Loc),
        "organization" | "company" | "government" | "ORG" => Some(Kind::Org),
        _ => None,
    }
}

/// CLUENER2020 JSON lines; `end` in the file is inclusive. Nested spans: the first kept.
pub fn cluener(path: &Path) -> Result<Vec<Sample>, String> {
    let mut out = Vec::new();
    for (no, line) in read(path)?.lines().enumerate() {
        let v: serde_json::Value = serde_json::from_str(line)
            .map_err(|e| format!("{}:{}: {e}", path.display(), no + 1))?;
        let text = v["text"].as_str().unwrap_or_default().to_string();
        let mut spans: Vec<Span> = Vec::new();
        if let Some(labels) = v["label"].as_object() {
            for (t, surfaces) in labels {
                let Some(kind) = cluener_kind(t) else {
                    continue;
                };
                for ranges in surfaces.as_object().into_iter().flat_map(|m| m.values()) {
                    for r in ranges.as_array().into_iter().flatten() {
                        let (Some(s), Some(e)) = (r[0].as_u64(), r[1].as_u64()) else {
                            continue;
                        };
                        spans.push(Span {
                            start: s as usize,
                            end: e as usize + 1,
                            kind,
                        });
                    }
                }
            }
        }
        spans.sort();
        let mut kept: Vec<Span> = Vec::new();
        for s in spans {
            if kept.last().is_none_or(|k| k.end <= s.start) {
                kept.push(s);
            }
        }
        out.push(Sample { text, spans: kept });
    }
    Ok(normalized(out))
}

/// A user's own annotated articles: the CLUENER format with PER/LOC/ORG as types.
pub fn own(path: &Path) -> Result<Vec<Sample>, String> {
    cluener(path)
}

/// Scores `tag` (char spans of a text) against the samples, micro-averaged.
pub fn score(samples: &[Sample], tag: impl Fn(&str) -> Vec<Span> + Sync) -> TypedCounts {
    use rayon::prelude::*;
    let preds: Vec<Vec<Span>> = samples.par_iter().map(|s| tag(&s.text)).collect();
    let mut sc = TypedCounts::default();
    for (pred, s) in preds.iter().zip(samples) {
        let same_span = |a: &Span, b: &Span| a.start == b.start && a.end == b.end;
        for p in pred {
            let typed = s.spans.contains(p);
            count(&mut sc.typed, typed);
            count(&mut sc.untyped, s.spans.iter().any(|g| same_span(g, p)));
            count(sc.per(p.kind.as_str()), typed);
        }
        for g in &s.spans {
            if !pred.contains(g) {
                sc.typed.fn_ += 1;
                sc.per(g.kind.as_str()).fn_ += 1;
            }
            if !pred.iter().any(|p| same_span(g, p)) {
                sc.untyped.fn_ += 1;
            }
        }
    }
    sc
}

/// A prediction: a true positive when it matched, else a false positive.
fn count(counts: &mut Counts, matched: bool) {
    if matched {
        counts.tp += 1;
    } else {
        counts.fp += 1;
    }
}
