//! Snippets: the passage of a body that best shows why it matched, with the matched text
//! marked. Matching is on the normalised text (the same [`normalize`] the index uses) so a
//! query for `iphone` highlights `ｉＰｈｏｎｅ`, and on substrings so `支付` lights up inside
//! `微信支付`, which is how the bigram index matched it in the first place.

use std::ops::Range;

use aho_corasick::{AhoCorasick, MatchKind};

use crate::analyse::text::normalize;

/// A passage of plain text and the byte ranges within it to highlight.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snippet {
    pub text: String,
    pub highlights: Vec<Range<usize>>,
}

/// Matches considered when choosing a window; bounds the work on pathological bodies.
const MAX_MATCHES: usize = 512;

/// How long a snippet is, in characters.
pub const SNIPPET_CHARS: usize = 120;

/// Builds the snippet for `body` given the normalised needles of a query.
pub fn build(body: &str, needles: &[String], max_chars: usize) -> Snippet {
    let norm = normalize(body);
    let matches = find_matches(&norm.text, needles)
        .into_iter()
        .map(|(needle, start, end)| {
            let (s, e) = norm.original_range(start, end);
            (needle, s, e)
        })
        .collect::<Vec<_>>();
    // Character boundaries of the original body, to cut windows by characters.
    let bounds: Vec<usize> = body
        .char_indices()
        .map(|(i, _)| i)
        .chain(std::iter::once(body.len()))
        .collect();
    let char_at = |byte: usize| bounds.partition_point(|&b| b < byte);
    let total_chars = bounds.len() - 1;

    // Choose the window with the most distinct needles, then the most matches.
    let mut best = (0usize, 0usize, 0usize); // (distinct, count, start char)
    for (i, &(_, start, _)) in matches.iter().enumerate() {
        let lead = start_of_sentence(body, &bounds, char_at(start));
        let window_end = lead + max_chars;
        let mut distinct: Vec<usize> = Vec::new();
        let mut count = 0;
        for &(needle, _, e) in &matches[i..] {
            if char_at(e) > window_end {
                break;
            }
            count += 1;
            if !distinct.contains(&needle) {
                distinct.push(needle);
            }
        }
        if (distinct.len(), count) > (best.0, best.1) {
            best = (distinct.len(), count, lead);
        }
    }
    let start_char = best.2.min(total_chars);
    let end_char = (start_char + max_chars).min(total_chars);
    let (from, to) = (bounds[start_char], bounds[end_char]);

    let mut text = String::new();
    let mut highlights: Vec<Range<usize>> = Vec::new();
    let mut at = from;
    let mut pending: Vec<(usize, usize)> = matches
        .iter()
        .filter(|(_, s, e)| *s >= from && *e <= to)
        .map(|(_, s, e)| (*s, *e))
        .collect();
    pending.dedup();
    for (s, e) in pending {
        if s < at {
            continue;
        }
        push_flat(&mut text, &body[at..s]);
        let hs = text.len();
        push_flat(&mut text, &body[s..e]);
        // Adjacent matches (`微信` + `支付`) read as one highlighted word.
        match highlights.last_mut() {
            Some(last) if last.end == hs => last.end = text.len(),
            _ => highlights.push(hs..text.len()),
        }
        at = e;
    }
    push_flat(&mut text, &body[at..to]);
    if to < body.len() {
        text.push('…');
    }
    Snippet { text, highlights }
}

/// Newlines become spaces so a snippet is one line.
fn push_flat(out: &mut String, s: &str) {
    for c in s.chars() {
        out.push(if c == '\n' { ' ' } else { c });
    }
}

/// Starts a window at the sentence that contains the match, if that is close; otherwise a few
/// characters before it, so the match is not the first thing cut off.
fn start_of_sentence(body: &str, bounds: &[usize], match_char: usize) -> usize {
    const LOOK_BACK: usize = 30;
    const LEAD: usize = 10;
    let earliest = match_char.saturating_sub(LOOK_BACK);
    for c in (earliest..match_char).rev() {
        let ch = body[bounds[c]..].chars().next().unwrap_or(' ');
        if matches!(ch, '。' | '！' | '？' | '\n' | '；') {
            return c + 1;
        }
    }
    if match_char <= LOOK_BACK {
        0
    } else {
        match_char.saturating_sub(LEAD)
    }
}

/// (needle index, start, end) of every match in the normalised text, leftmost-longest.
/// Latin/digit needles must sit on word boundaries so `app` does not light up in `apple`.
fn find_matches(text: &str, needles: &[String]) -> Vec<(usize, usize, usize)> {
    let patterns: Vec<&str> = needles
        .iter()
        .map(String::as_str)
        .filter(|n| !n.is_empty())
        .collect();
    if patterns.is_empty() {
        return Vec::new();
    }
    let Ok(ac) = AhoCorasick::builder()
        .match_kind(MatchKind::LeftmostLongest)
        .build(&patterns)
    else {
        return Vec::new();
    };
    let is_word_char = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
    ac.find_iter(text)
        .filter(|m| {
            let pattern = patterns[m.pattern().as_usize()];
            let ascii_start = pattern
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphanumeric());
            let ascii_end = pattern
                .chars()
                .last()
                .is_some_and(|c| c.is_ascii_alphanumeric());
            let before = text[..m.start()].chars().next_back();
            let after = text[m.end()..].chars().next();
            !((ascii_start && is_word_char(before)) || (ascii_end && is_word_char(after)))
        })
        .map(|m| (m.pattern().as_usize(), m.start(), m.end()))
        .take(MAX_MATCHES)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn marked(s: &Snippet) -> String {
        let mut out = String::new();
        let mut at = 0;
        for h in &s.highlights {
            out.push_str(&s.text[at..h.start]);
            out.push('[');
            out.push_str(&s.text[h.clone()]);
            out.push(']');
            at = h.end;
        }
        out.push_str(&s.text[at..]);
        out
    }

    fn needles(words: &[&str]) -> Vec<String> {
        words.iter().map(|w| w.to_string()).collect()
    }

    #[test]
    fn highlights_substrings_inside_longer_words() {
        let s = build("用户可以用微信支付购买。", &needles(&["支付"]), 120);
        assert_eq!(marked(&s), "用户可以用微信[支付]购买。");
    }

    #[test]
    fn prefers_the_window_with_most_distinct_words() {
        let body = format!(
            "{}淘宝上新。{}微信支付接入淘宝了。",
            "无关内容。".repeat(40),
            "其他。".repeat(40)
        );
        let s = build(&body, &needles(&["微信", "淘宝"]), 20);
        assert_eq!(marked(&s), "[微信]支付接入[淘宝]了。");
    }

    #[test]
    fn width_and_case_folded_matching_maps_back_to_the_original() {
        let s = build("新款ｉＰｈｏｎｅ 13发布", &needles(&["iphone"]), 120);
        assert_eq!(marked(&s), "新款[ｉＰｈｏｎｅ] 13发布");
    }

    #[test]
    fn adjacent_matches_merge() {
        let s = build("微信支付上线", &needles(&["微信", "支付"]), 120);
        assert_eq!(marked(&s), "[微信支付]上线");
    }

    #[test]
    fn latin_needles_need_word_boundaries() {
        let s = build("apple app", &needles(&["app"]), 120);
        assert_eq!(marked(&s), "apple [app]");
    }

    #[test]
    fn no_match_gives_the_opening_and_an_ellipsis() {
        let s = build("第一行\n第二行很长", &needles(&["无"]), 5);
        assert_eq!(marked(&s), "第一行 第…");
        assert_eq!(
            build("", &needles(&["x"]), 5),
            Snippet {
                text: String::new(),
                highlights: vec![]
            }
        );
    }
}
