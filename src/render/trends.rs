//! `trends` and `terms` as terminal text, CSV and JSON. JSON is the serialised library struct,
//! so a server and the command line print the same fields.

use std::fmt::Write as _;

use serde_json::Value;

use super::{Style, display_width, pad, terminal_safe, thousands};
use crate::search::terms::{Method, Terms};
use crate::search::trends::{PeriodCount, Trends};

/// Widest bar in columns.
const BAR_COLUMNS: usize = 40;
/// Widest series name shown before it is cut with `…`.
const NAME_COLUMNS: usize = 24;

/// A bar of `fraction` (0–1) of `columns` columns in Unicode block characters, in eighths.
pub fn bar(fraction: f64, columns: usize) -> String {
    const PARTS: [char; 8] = [' ', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];
    let eighths = (fraction.clamp(0.0, 1.0) * columns as f64 * 8.0).round() as usize;
    let mut out = "█".repeat(eighths / 8);
    if !eighths.is_multiple_of(8) {
        out.push(PARTS[eighths % 8]);
    }
    out
}

/// A share as a percentage with one decimal: `12.5%`.
fn percent(share: f64) -> String {
    format!("{:.1}%", share * 100.0)
}

/// The bar width that fits the line after the fixed columns.
fn bar_columns(style: &Style, used: usize) -> usize {
    style.width.saturating_sub(used + 2).clamp(8, BAR_COLUMNS)
}

/// One table of periods: period, matching, all, share and a bar scaled to the largest share.
fn period_table(out: &mut String, periods: &[PeriodCount], total: (u64, u64, f64), style: &Style) {
    let label = periods
        .iter()
        .map(|p| p.period.len())
        .chain([6])
        .max()
        .unwrap_or(6);
    let fixed = label + 9 + 9 + 8;
    let columns = bar_columns(style, fixed);
    let top = periods.iter().map(|p| p.share).fold(0.0, f64::max);
    let _ = writeln!(
        out,
        "{:<label$} {:>8} {:>8} {:>7}",
        "period", "matching", "all", "share"
    );
    for p in periods {
        let scaled = if top > 0.0 { p.share / top } else { 0.0 };
        let line = format!(
            "{:<label$} {:>8} {:>8} {:>7}  {}",
            p.period,
            thousands(p.count),
            thousands(p.all),
            percent(p.share),
            bar(scaled, columns)
        );
        let _ = writeln!(out, "{}", line.trim_end());
    }
    let _ = writeln!(
        out,
        "{:<label$} {:>8} {:>8} {:>7}",
        "total",
        thousands(total.0),
        thousands(total.1),
        percent(total.2)
    );
}

/// `newsidx trends` as text: the title, one table for all matching articles, then with
/// `--split` a table of series totals and one table per series.
pub fn trends_text(trends: &Trends, style: &Style) -> String {
    let mut out = String::new();
    if trends.partial {
        let _ = writeln!(
            out,
            "no article has all the words; counting articles with some"
        );
    }
    let what = if trends.parsed.is_empty() {
        "matching articles".to_string()
    } else {
        format!("articles matching {}", terminal_safe(&trends.parsed))
    };
    let _ = writeln!(
        out,
        "{what}, per {} of publication (each article's own offset)\n",
        trends.by.as_str()
    );
    period_table(
        &mut out,
        &trends.periods,
        (trends.total, trends.all, trends.share),
        style,
    );
    if !trends.series.is_empty() {
        series_text(&mut out, trends, style);
    }
    if trends.undated > 0 {
        let _ = writeln!(
            out,
            "\n{} matching articles have no publication date",
            thousands(trends.undated)
        );
    }
    let _ = writeln!(out, "({} ms)", trends.took_ms);
    out
}

/// The series of `--split`: their totals with bars, then each one's periods.
fn series_text(out: &mut String, trends: &Trends, style: &Style) {
    let split = trends.split.map(|s| s.to_string()).unwrap_or_default();
    let names: Vec<String> = trends
        .series
        .iter()
        .map(|s| terminal_safe(&s.value))
        .collect();
    let width = names
        .iter()
        .map(|n| display_width(n))
        .max()
        .unwrap_or(0)
        .clamp(display_width(&split), NAME_COLUMNS);
    let columns = bar_columns(style, width + 9);
    let top = trends.series.iter().map(|s| s.total).max().unwrap_or(0);
    let _ = writeln!(out, "\n{} {:>8}", pad(&split, width), "matching");
    for (series, name) in trends.series.iter().zip(&names) {
        let scaled = if top > 0 {
            series.total as f64 / top as f64
        } else {
            0.0
        };
        let _ = writeln!(
            out,
            "{} {:>8}  {}",
            pad(name, width),
            thousands(series.total),
            bar(scaled, columns)
        );
    }
    for (series, name) in trends.series.iter().zip(&names) {
        let _ = writeln!(out, "\n{split} {name}");
        let all: u64 = series.periods.iter().map(|p| p.all).sum();
        let share = if all > 0 {
            series.total as f64 / all as f64
        } else {
            0.0
        };
        period_table(out, &series.periods, (series.total, all, share), style);
    }
}

/// A CSV field, quoted when it holds a comma, quote or line break.
fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

/// `newsidx trends --csv`: `period,start,count,all,share`, one row per period; with `--split`
/// `period,start,series,count,all,share`, the periods of each series in turn.
pub fn trends_csv(trends: &Trends) -> String {
    let mut out = String::new();
    let row = |out: &mut String, p: &PeriodCount, series: Option<&str>| {
        let series = series
            .map(|s| format!("{},", csv_field(s)))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "{},{},{series}{},{},{}",
            p.period, p.start, p.count, p.all, p.share
        );
    };
    if trends.series.is_empty() {
        out.push_str("period,start,count,all,share\n");
        for p in &trends.periods {
            row(&mut out, p, None);
        }
        return out;
    }
    out.push_str("period,start,series,count,all,share\n");
    for series in &trends.series {
        for p in &series.periods {
            row(&mut out, p, Some(&series.value));
        }
    }
    out
}

/// `newsidx trends --json`: the [`Trends`] struct as it serialises.
pub fn trends_json(trends: &Trends) -> Value {
    serde_json::to_value(trends).unwrap_or(Value::Null)
}

/// `newsidx terms` as text: what was contrasted, then rank, term, count in the matching
/// articles, count in the corpus and score.
pub fn terms_text(terms: &Terms) -> String {
    let mut out = String::new();
    if terms.partial {
        let _ = writeln!(
            out,
            "no article has all the words; using articles with some"
        );
    }
    let _ = writeln!(out, "{}", terms_heading(terms));
    let names: Vec<String> = terms.terms.iter().map(|t| terminal_safe(&t.term)).collect();
    let width = names
        .iter()
        .map(|n| display_width(n))
        .chain([4])
        .max()
        .unwrap_or(4)
        .min(NAME_COLUMNS);
    let score = match terms.method {
        Method::Llr => "llr",
        Method::Df => "df",
    };
    let _ = writeln!(
        out,
        "     {} {:>8} {:>8} {:>9}",
        pad("term", width),
        "matching",
        "corpus",
        score
    );
    for (rank, (t, name)) in terms.terms.iter().zip(&names).enumerate() {
        let _ = writeln!(
            out,
            "{:>3}. {} {:>8} {:>8} {:>9.1}",
            rank + 1,
            pad(name, width),
            thousands(t.count),
            thousands(t.corpus),
            t.score
        );
    }
    let _ = writeln!(out, "({} ms)", terms.took_ms);
    out
}

/// The line saying what the counts are over.
fn terms_heading(terms: &Terms) -> String {
    let articles = |n: u64| match n {
        1 => "1 article".to_string(),
        n => format!("{} articles", thousands(n)),
    };
    let matching = if terms.parsed.is_empty() {
        "selected".to_string()
    } else {
        format!("matching {}", terminal_safe(&terms.parsed))
    };
    match (terms.method, terms.sampled) {
        (Method::Df, _) => format!(
            "most frequent words of all {} (documents containing each)",
            articles(terms.corpus)
        ),
        (Method::Llr, None) => format!(
            "words distinguishing {} {matching} from the other {} (log-likelihood ratio)",
            articles(terms.documents),
            thousands(terms.corpus.saturating_sub(terms.documents))
        ),
        (Method::Llr, Some(read)) => format!(
            "words distinguishing {} {matching} from the other {} (log-likelihood ratio); \
             counted in an evenly spaced sample of {} and scaled",
            articles(terms.documents),
            thousands(terms.corpus.saturating_sub(terms.documents)),
            thousands(read)
        ),
    }
}

/// `newsidx terms --json`: the [`Terms`] struct as it serialises.
pub fn terms_json(terms: &Terms) -> Value {
    serde_json::to_value(terms).unwrap_or(Value::Null)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_use_eighth_blocks() {
        assert_eq!(bar(1.0, 2), "██");
        assert_eq!(bar(0.5, 3), "█▌");
        assert_eq!(bar(0.0, 10), "");
        assert_eq!(bar(2.0, 1), "█");
    }

    #[test]
    fn csv_fields_are_quoted_only_when_needed() {
        assert_eq!(csv_field("新华社"), "新华社");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
    }
}
