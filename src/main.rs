//! The `newsidx` binary: parses flags, calls the library, prints, picks the exit code.

mod cli;

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use clap::Parser;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use std::sync::Arc;

use cli::{
    Cli, Command, DuplicatesArgs, EntitiesArgs, IngestArgs, InspectArgs, LogFormat, ParseArgs,
    SearchArgs, ServeArgs, SimilarArgs, StatsArgs, TermsArgs, TrendsArgs, exit,
};
use newsidx::analyse::Linguistics;
use newsidx::error::Error;
use newsidx::ingest::{self, Event, IngestOptions, ParseOptions};
use newsidx::read::{ReadOptions, pubdate};
use newsidx::render::Style;
use newsidx::search::Searcher;
use newsidx::search::synonyms::Synonyms;
use newsidx::{config, render};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Ingest(args) => ingest(args),
        Command::Search(args) => search(args),
        Command::Entities(args) => entities(args),
        Command::Inspect(args) => inspect(args),
        Command::Stats(args) => stats(args),
        Command::Serve(args) => serve(args),
        Command::Trends(args) => trends(args),
        Command::Terms(args) => terms(args),
        Command::Duplicates(args) => duplicates(args),
        Command::Similar(args) => similar(args),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(err) => {
            eprintln!("newsidx: {}", render::terminal_safe(&err.to_string()));
            ExitCode::from(exit::FATAL)
        }
    }
}

fn parse_options(args: &ParseArgs) -> Result<ParseOptions, Error> {
    let default_offset = pubdate::parse_offset(&args.default_tz)
        .map_err(|e| Error::Usage(format!("--default-tz: {e}")))?;
    let config = config::load(std::path::Path::new("."))?;
    let entities = args.entities.as_ref().or(config.entities.as_ref());
    let dictionary = args.dict.as_ref().or(config.dict.as_ref());
    let linguistics = match (entities, dictionary) {
        (None, None) => Linguistics::shared(),
        (entities, dictionary) => Arc::new(Linguistics::load(
            entities.map(|p| p.as_path()),
            dictionary.map(|p| p.as_path()),
        )?),
    };
    Ok(ParseOptions {
        read: ReadOptions {
            default_offset,
            ..ReadOptions::default()
        },
        linguistics,
    })
}

fn ingest(args: IngestArgs) -> Result<u8, Error> {
    let json_log = args.log_format == LogFormat::Json;
    match run_ingest(&args) {
        Ok(code) => Ok(code),
        Err(err) => {
            let code = match err {
                Error::Locked { .. } => exit::BUSY,
                _ => exit::FATAL,
            };
            let message = render::terminal_safe(&err.to_string());
            if json_log {
                let event =
                    serde_json::json!({"event": "error", "message": message, "exit_code": code});
                eprintln!("{event}");
            } else if code == exit::BUSY {
                // The one line cron mails when runs overlap: exactly the contract's text.
                eprintln!("{message}");
            } else {
                eprintln!("newsidx: {message}");
            }
            Ok(code)
        }
    }
}

fn ingest_options(args: &IngestArgs) -> Result<IngestOptions, Error> {
    Ok(IngestOptions {
        parse: parse_options(&args.parse)?,
        max_file_size: args.max_file_size,
        strict: args.strict,
        full: args.full,
        replace: args.replace,
        commit_interval: (args.commit_interval > 0)
            .then(|| std::time::Duration::from_secs(args.commit_interval)),
        max_delete: args.max_delete,
        wait: args.wait(),
        ..IngestOptions::new(args.dir.clone(), args.index.index.clone())
    })
}

fn progress_bar(args: &IngestArgs) -> ProgressBar {
    let text_log = args.log_format == LogFormat::Text;
    if args.quiet || !text_log || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
    if let Ok(style) =
        ProgressStyle::with_template("{bar:40} {pos}/{len} files, {elapsed} elapsed, eta {eta}")
    {
        bar.set_style(style);
    }
    bar
}

/// Set (to anything) to have ingest print the seconds each stage took, summed over threads,
/// as one JSON line on stderr after the summary (see `newsidx::stages`).
const STAGE_TIMES_ENV: &str = "NEWSIDX_STAGE_TIMES";

fn run_ingest(args: &IngestArgs) -> Result<u8, Error> {
    let options = ingest_options(args)?;
    let bar = progress_bar(args);
    let json_log = args.log_format == LogFormat::Json;
    // Paths and reasons quote file content: sanitise the whole line.
    let print = |line: String| bar.suspend(|| eprintln!("{}", render::terminal_safe(&line)));
    let on_event = |event: Event| {
        if let Event::Done = event {
            bar.inc(1);
        } else if args.quiet && !matches!(event, Event::Rejected { .. }) {
        } else if json_log {
            eprintln!("{}", render::ingest_event_json(&event));
        } else if let Some(line) = render::ingest_event_text(&event) {
            print(line);
        }
    };
    let on_start = |n: usize| bar.set_length(n as u64);
    let stages_before = newsidx::stages::snapshot();
    let report = ingest::run(&options, &on_start, &on_event)?;
    bar.finish_and_clear();
    let summary = serde_json::to_value(&report).unwrap_or_default();
    let line = render::ingest_summary(&report);
    // For `newsidx stats`; the commit has happened, so a failure here only loses the record.
    if let Err(e) = newsidx::index::last_ingest::record(&options.index, summary.clone(), &line) {
        eprintln!(
            "newsidx: warning: {}",
            render::terminal_safe(&e.to_string())
        );
    }
    if args.json {
        println!("{summary}");
    } else {
        println!("{line}");
    }
    if json_log {
        eprintln!("{}", render::ingest_summary_json(&report));
    }
    if std::env::var_os(STAGE_TIMES_ENV).is_some() {
        let spent = newsidx::stages::snapshot().since(&stages_before);
        eprintln!(
            "{}",
            serde_json::json!({ "stage_seconds": spent.to_json() })
        );
    }
    Ok(if report.rejected > 0 {
        exit::PARTIAL
    } else {
        exit::OK
    })
}

/// The index's searcher, opened by `open` (as it is now, or following its commits), with the
/// synonyms of newsidx.toml, if any.
fn searcher(
    index: &std::path::Path,
    open: fn(&std::path::Path) -> Result<Searcher, Error>,
) -> Result<Searcher, Error> {
    let config = config::load(std::path::Path::new("."))?;
    let searcher = open(index)?;
    Ok(match &config.synonyms {
        Some(path) => searcher.with_synonyms(Synonyms::load(path)?),
        None => searcher,
    })
}

fn search(args: SearchArgs) -> Result<u8, Error> {
    let searcher = searcher(&args.index.index, Searcher::open)?;
    let results = searcher.search(&args.request())?;
    let mut out = std::io::stdout().lock();
    let written = if args.json {
        let json = serde_json::to_string(&render::search_json(&results));
        writeln!(out, "{}", json.unwrap_or_default())
    } else {
        write!(out, "{}", render::search_text(&results, &style(&out)))
    };
    // A closed pipe (`| head`) is not an error worth a message.
    let _ = written;
    Ok(if results.total > 0 {
        exit::OK
    } else {
        exit::PARTIAL
    })
}

fn entities(args: EntitiesArgs) -> Result<u8, Error> {
    let searcher = searcher(&args.index.index, Searcher::open)?;
    let counts =
        searcher.top_entities(&args.filters.request(&args.query, 0), args.kind, args.top)?;
    let mut out = std::io::stdout().lock();
    let _ = if args.json {
        writeln!(out, "{}", render::entities_json(&counts))
    } else {
        write!(out, "{}", render::entities_text(&counts))
    };
    Ok(if counts.entities.is_empty() {
        exit::PARTIAL
    } else {
        exit::OK
    })
}

fn duplicates(args: DuplicatesArgs) -> Result<u8, Error> {
    let searcher = searcher(&args.index.index, Searcher::open)?;
    let clusters = searcher.duplicates(&args.filters.request("", 0), args.limit)?;
    let mut out = std::io::stdout().lock();
    let _ = if args.json {
        writeln!(out, "{}", render::duplicates_json(&clusters))
    } else {
        write!(out, "{}", render::duplicates_text(&clusters))
    };
    Ok(if clusters.total > 0 {
        exit::OK
    } else {
        exit::PARTIAL
    })
}

fn similar(args: SimilarArgs) -> Result<u8, Error> {
    let searcher = searcher(&args.index.index, Searcher::open)?;
    let results = searcher.similar(&args.article, args.limit)?;
    let mut out = std::io::stdout().lock();
    let _ = if args.json {
        writeln!(out, "{}", render::similar_json(&results))
    } else {
        write!(out, "{}", render::similar_text(&results))
    };
    Ok(
        if results.similar.is_empty() && results.duplicates.is_empty() {
            exit::PARTIAL
        } else {
            exit::OK
        },
    )
}

fn stats(args: StatsArgs) -> Result<u8, Error> {
    let stats = newsidx::search::stats::stats(&args.index.index)?;
    let mut out = std::io::stdout().lock();
    let _ = if args.json {
        writeln!(out, "{}", render::stats_json(&stats))
    } else {
        write!(out, "{}", render::stats_text(&stats))
    };
    Ok(exit::OK)
}

/// Serves until killed; the first stdout line says where (tests read the port from it).
fn serve(args: ServeArgs) -> Result<u8, Error> {
    let searcher = searcher(&args.index.index, Searcher::open_following)?;
    let index = args.index.index.clone();
    newsidx::serve::run(searcher, index, args.addr, |addr| {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(
            out,
            "newsidx: serving {} at http://{addr}/",
            render::terminal_safe(&args.index.index.display().to_string())
        );
        let _ = out.flush();
    })?;
    Ok(exit::OK)
}

fn trends(args: TrendsArgs) -> Result<u8, Error> {
    let searcher = searcher(&args.index.index, Searcher::open)?;
    let trends = searcher.trends(&args.request())?;
    let mut out = std::io::stdout().lock();
    let _ = if args.json {
        writeln!(out, "{}", render::trends_json(&trends))
    } else if args.csv {
        write!(out, "{}", render::trends_csv(&trends))
    } else {
        write!(out, "{}", render::trends_text(&trends, &style(&out)))
    };
    Ok(if trends.total > 0 {
        exit::OK
    } else {
        exit::PARTIAL
    })
}

fn terms(args: TermsArgs) -> Result<u8, Error> {
    let searcher = searcher(&args.index.index, Searcher::open)?;
    let terms = searcher.terms(&args.request())?;
    let mut out = std::io::stdout().lock();
    let _ = if args.json {
        writeln!(out, "{}", render::terms_json(&terms))
    } else {
        write!(out, "{}", render::terms_text(&terms))
    };
    Ok(if terms.terms.is_empty() {
        exit::PARTIAL
    } else {
        exit::OK
    })
}

/// Colour unless NO_COLOR or piped; hyperlinks only on a terminal that is not `dumb`; the
/// width from COLUMNS when set.
fn style(out: &impl IsTerminal) -> Style {
    let terminal = out.is_terminal();
    let width = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse::<usize>().ok())
        .filter(|w| (20..=1000).contains(w))
        .unwrap_or(Style::default().width);
    Style {
        color: terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
        hyperlinks: terminal && std::env::var("TERM").is_ok_and(|t| t != "dumb"),
        width,
    }
}

fn inspect(args: InspectArgs) -> Result<u8, Error> {
    let options = parse_options(&args.parse)?;
    let mut code = exit::OK;
    let mut out = std::io::stdout().lock();
    for file in &args.files {
        let display = newsidx::read::discover::display(file);
        match ingest::article::parse_file(file, &options) {
            Ok(Some(parsed)) => {
                for warning in &parsed.warnings {
                    eprintln!(
                        "{}",
                        render::terminal_safe(&format!("{display}: warning: {warning}"))
                    );
                }
                let json = serde_json::to_string(&parsed.article).unwrap_or_default();
                let _ = writeln!(out, "{json}");
            }
            Ok(None) => {
                eprintln!(
                    "{}: not an article (no front matter or HTML document)",
                    render::terminal_safe(&display)
                );
                code = exit::PARTIAL;
            }
            Err(reason) => {
                eprintln!("{}", render::terminal_safe(&format!("{display}: {reason}")));
                code = exit::PARTIAL;
            }
        }
    }
    Ok(code)
}
