//! Every flag in one place. Names, flags and exit codes here are a contract with scripts and
//! cron jobs: never rename them silently.

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand, ValueEnum};
use newsidx::analyse::entities::EntityType;
use newsidx::ingest::{MaxDelete, Wait};
use newsidx::search::terms::TermsRequest;
use newsidx::search::trends::{Interval, Split, TrendsRequest};
use newsidx::search::{SearchRequest, Sort};

/// Exit codes, documented in README.md.
pub mod exit {
    /// Everything worked (search: at least one hit).
    pub const OK: u8 = 0;
    /// Ingest: this run rejected a new or changed file, the rest are indexed. Search: no hits.
    pub const PARTIAL: u8 = 1;
    /// Nothing was done: bad usage, unusable index, missing or unreadable corpus folder, too
    /// many deletions, another root, or a rejection under `ingest --strict`.
    pub const FATAL: u8 = 2;
    /// Ingest: another ingest is writing the index; try again later (EX_TEMPFAIL).
    pub const BUSY: u8 = 75;
}

#[derive(Debug, Parser)]
#[command(
    name = "newsidx",
    version,
    about = "Index a folder of Chinese news articles with Tantivy and jieba, and search it",
    after_help = "Exit codes: 0 success; 1 ingest rejected new or changed files (the rest are indexed and \
                  committed), or search/entities found nothing; 2 fatal error, nothing done (with ingest --strict: \
                  any rejected file); 75 ingest: another ingest is writing the index, try again later.\nThe index lives in ./index unless --index or NEWSIDX_INDEX says otherwise.\n\
                  Settings: newsidx.toml in the current folder (entities = \"FILE\", dict = \"FILE\", \
                  synonyms = \"FILE\")."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Index every article under DIR (markdown with front matter, HTML pages). Reruns only
    /// re-parse changed files and drop documents whose files are gone.
    Ingest(IngestArgs),
    /// Search the index: ranked hits with highlighted snippets.
    #[command(after_help = QUERY_HELP)]
    Search(SearchArgs),
    /// List the entities mentioned by the most documents (of the whole index, or of a query).
    Entities(EntitiesArgs),
    /// Print files as they would be indexed, one JSON object per line.
    Inspect(InspectArgs),
    /// What the index holds: documents, publication range, sources, months, categories, size
    /// on disk and the last ingest.
    Stats(StatsArgs),
    /// Serve a web page for browsing the index, and its JSON API (loopback by default).
    Serve(ServeArgs),
    /// Matching articles per day, week, month or year, and their share of all articles of
    /// each period; optionally one series per top source, category or entity.
    Trends(TrendsArgs),
    /// The words that most distinguish the matching articles from the whole corpus
    /// (log-likelihood ratio); without a query, the corpus's most frequent words.
    Terms(TermsArgs),
    /// List near-duplicate clusters (the same story republished), largest first.
    Duplicates(DuplicatesArgs),
    /// Articles about the same thing as one article (shared keywords and entities), with its
    /// near-duplicates listed apart.
    Similar(SimilarArgs),
}

/// The query language, shown by `newsidx search --help`.
const QUERY_HELP: &str = "\
Query language:
  微信支付 淘宝          every word must match (BM25, title matches count more); unspaced
                         Chinese is split into words; a word also matches inside longer
                         words (支付 finds 微信支付). If no article has all the words, the
                         best partial matches are shown and marked as such.
  \"互联互通\"             a phrase: these characters, in this order
  -抖音  -\"云闪付\"        exclude a word or a phrase
  淘宝 OR 京东, 淘宝 | 京东  either word (OR binds tighter than the implicit AND)
  (淘宝 OR 京东) -抖音    parentheses group
  title:支付             only in the title (also title:\"...\")
  author:X source:X category:X tag:X   metadata containing X (any case)
  entity:央行            articles mentioning an entity, by name or alias (like --entity)
  iPhone 13 发布, 5G 基站, A股, C919   Latin letters and digits mix with Chinese
  臺灣 網路              traditional and simplified characters match each other
Nothing in a query is an error: an unbalanced quote runs to the end, an unclosed parenthesis
closes at the end, a stray ) or dangling OR is ignored, an unknown prefix (foo:bar) is read as
words. --json shows how the query was understood in \"parsed\".
Synonyms: synonyms = \"FILE\" in newsidx.toml, one comma-separated group per line
(微信支付, WeChat Pay, 财付通); expanded at query time.";

#[derive(Debug, Args)]
pub struct IndexArg {
    /// Index folder.
    #[arg(
        long,
        env = "NEWSIDX_INDEX",
        default_value = "index",
        value_name = "PATH"
    )]
    pub index: PathBuf,
}

#[derive(Debug, Args)]
pub struct ParseArgs {
    /// Offset for dates written without one (e.g. +08:00, -0500, UTC).
    #[arg(long, default_value = "+08:00", value_name = "OFFSET")]
    pub default_tz: String,
    /// User entity file: `name<TAB>type[<TAB>alias,...]` lines (overrides `entities` in
    /// newsidx.toml).
    #[arg(long, value_name = "FILE")]
    pub entities: Option<PathBuf>,
    /// User dictionary: words jieba must keep whole, `word [freq] [tag]` per line (overrides
    /// `dict` in newsidx.toml). The index remembers it for searching.
    #[arg(long, value_name = "FILE")]
    pub dict: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct IngestArgs {
    /// Corpus folder to index.
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    #[command(flatten)]
    pub index: IndexArg,
    #[command(flatten)]
    pub parse: ParseArgs,
    /// Skip files larger than this (bytes; K, M, G suffixes allowed).
    #[arg(long, default_value = "32M", value_parser = parse_size, value_name = "SIZE")]
    pub max_file_size: u64,
    /// Treat any rejected file, new or earlier, as fatal: commit nothing and exit 2.
    #[arg(long)]
    pub strict: bool,
    /// Print the summary as one JSON object on stdout.
    #[arg(long)]
    pub json: bool,
    /// Print only new rejections, errors and the summary line.
    #[arg(long, short)]
    pub quiet: bool,
    /// Re-read and re-parse every file; the rebuilt index replaces the old one in one commit.
    #[arg(long)]
    pub full: bool,
    /// Allow ingesting a different folder than the index was built from (replaces its contents).
    #[arg(long)]
    pub replace: bool,
    /// Commit a checkpoint at least this often (0: only at the end).
    #[arg(long, default_value_t = 60, value_name = "SECONDS")]
    pub commit_interval: u64,
    /// Stop before committing when the run would delete more indexed documents than this: a
    /// share (50%) or a count (1000).
    #[arg(long, default_value = "50%", value_parser = parse_max_delete, value_name = "N|P%")]
    pub max_delete: MaxDelete,
    /// When another ingest holds the index, wait for it (at most SECONDS) instead of exiting 75.
    #[arg(long, value_name = "SECONDS", num_args = 0..=1, require_equals = true)]
    pub wait: Option<Option<u64>>,
    /// Format of the messages on stderr: text, or json (one object per event and line).
    #[arg(long, value_enum, default_value_t = LogFormat::Text, value_name = "FORMAT")]
    pub log_format: LogFormat,
}

/// How ingest writes its events on stderr.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

impl IngestArgs {
    /// `--wait` as the library takes it.
    pub fn wait(&self) -> Wait {
        match self.wait {
            None => Wait::No,
            Some(None) => Wait::Forever,
            Some(Some(seconds)) => Wait::For(std::time::Duration::from_secs(seconds)),
        }
    }
}

/// Filters shared by `search`, `entities` and `duplicates`.
#[derive(Debug, Args)]
pub struct FilterArgs {
    /// Only articles published on or after this day (YYYY-MM-DD, in +08:00).
    #[arg(long, value_parser = parse_day, value_name = "DATE")]
    pub since: Option<NaiveDate>,
    /// Only articles published on or before this day (YYYY-MM-DD, in +08:00).
    #[arg(long, value_parser = parse_day, value_name = "DATE")]
    pub until: Option<NaiveDate>,
    /// Only articles in this category (repeatable: any of them).
    #[arg(long, value_name = "NAME")]
    pub category: Vec<String>,
    /// Only articles from this source (repeatable: any of them).
    #[arg(long, value_name = "NAME")]
    pub source: Vec<String>,
    /// Only articles published on this platform, e.g. 网易, 微信公众号 (repeatable: any of them).
    #[arg(long, value_name = "NAME")]
    pub site: Vec<String>,
    /// Only articles with this tag (repeatable: any of them).
    #[arg(long, value_name = "NAME")]
    pub tag: Vec<String>,
    /// Only articles by this author (repeatable: any of them).
    #[arg(long, value_name = "NAME")]
    pub author: Vec<String>,
    /// Only articles that mention this entity (repeatable: all of them; aliases work).
    #[arg(long, value_name = "NAME")]
    pub entity: Vec<String>,
    /// Only articles that mention a date within this year, month or day (2021, 2021-09, 2021-09-17).
    #[arg(long, value_parser = parse_period, value_name = "PERIOD", conflicts_with_all = ["mentions_from", "mentions_to"])]
    pub mentions: Option<(NaiveDate, NaiveDate)>,
    /// Only articles that mention a date on or after the start of this period.
    #[arg(long, value_parser = parse_period, value_name = "PERIOD")]
    pub mentions_from: Option<(NaiveDate, NaiveDate)>,
    /// Only articles that mention a date on or before the end of this period.
    #[arg(long, value_parser = parse_period, value_name = "PERIOD")]
    pub mentions_to: Option<(NaiveDate, NaiveDate)>,
}

impl FilterArgs {
    /// The library request for `query` with these filters.
    pub fn request(&self, query: &str, limit: usize) -> SearchRequest {
        let mentions = match (self.mentions, self.mentions_from, self.mentions_to) {
            (Some((start, end)), _, _) => Some((Some(start), Some(end))),
            (None, None, None) => None,
            (None, from, to) => Some((from.map(|p| p.0), to.map(|p| p.1))),
        };
        SearchRequest {
            query: query.to_string(),
            limit,
            since: self.since,
            until: self.until,
            categories: self.category.clone(),
            sources: self.source.clone(),
            sites: self.site.clone(),
            tags: self.tag.clone(),
            authors: self.author.clone(),
            mentions,
            entities: self.entity.clone(),
            ..SearchRequest::default()
        }
    }
}

#[derive(Debug, Args)]
pub struct SearchArgs {
    /// Words to find (see the query language below). May be empty when a filter is given.
    #[arg(default_value = "")]
    pub query: String,
    #[command(flatten)]
    pub index: IndexArg,
    /// Number of hits to show.
    #[arg(short = 'n', long = "limit", default_value_t = 10, value_name = "N")]
    pub limit: usize,
    /// Skip this many hits first (pages with -n: --offset 10 -n 10 shows hits 11-20).
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub offset: usize,
    /// Order of hits; relevance falls back to newest when there are no words.
    #[arg(long, value_enum, default_value_t = SortArg::Relevance)]
    pub sort: SortArg,
    /// Also count the whole result set by source, category, tag, month and top entities.
    #[arg(long)]
    pub facets: bool,
    /// List every article; by default each near-duplicate cluster shows as its earliest
    /// article with `+N similar`.
    #[arg(long)]
    pub no_collapse: bool,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub filters: FilterArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SortArg {
    Relevance,
    Newest,
    Oldest,
}

impl SearchArgs {
    /// The library request these flags describe.
    pub fn request(&self) -> SearchRequest {
        SearchRequest {
            offset: self.offset,
            sort: match self.sort {
                SortArg::Relevance => Sort::Relevance,
                SortArg::Newest => Sort::Newest,
                SortArg::Oldest => Sort::Oldest,
            },
            facets: self.facets,
            no_collapse: self.no_collapse,
            ..self.filters.request(&self.query, self.limit)
        }
    }
}

#[derive(Debug, Args)]
pub struct StatsArgs {
    #[command(flatten)]
    pub index: IndexArg,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct EntitiesArgs {
    /// Count only in the results of this query (same syntax as search); empty: all documents.
    #[arg(default_value = "")]
    pub query: String,
    #[command(flatten)]
    pub index: IndexArg,
    /// Only entities of this type: PER, ORG, LOC, PRODUCT or WORK.
    #[arg(long = "type", value_name = "TYPE")]
    pub kind: Option<EntityType>,
    /// Number of entities to list.
    #[arg(long, default_value_t = 20, value_name = "N")]
    pub top: usize,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub filters: FilterArgs,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub index: IndexArg,
    /// Address to listen on; port 0 picks a free port. Anything but loopback exposes the
    /// archive to the network.
    #[arg(long, default_value = "127.0.0.1:7700", value_name = "ADDR")]
    pub addr: std::net::SocketAddr,
}

#[derive(Debug, Args)]
pub struct TrendsArgs {
    /// Count only articles matching this query (same syntax as search); empty: all articles.
    #[arg(default_value = "")]
    pub query: String,
    #[command(flatten)]
    pub index: IndexArg,
    /// Period length: day, week (ISO, Monday to Sunday), month or year, by each article's
    /// publication day in its own offset.
    #[arg(long, default_value = "month", value_parser = parse_interval, value_name = "PERIOD")]
    pub by: Interval,
    /// One series per top value of: source, category, or entity:TYPE (PER, ORG, LOC, PRODUCT, WORK).
    #[arg(long, value_parser = parse_split, value_name = "FIELD")]
    pub split: Option<Split>,
    /// Number of series with --split (at most 100).
    #[arg(long, default_value_t = newsidx::search::trends::DEFAULT_TOP, value_name = "K")]
    pub top: usize,
    /// Print one JSON object instead of text.
    #[arg(long, conflicts_with = "csv")]
    pub json: bool,
    /// Print CSV: period,start,count,all,share (with --split: period,start,series,count,all,share).
    #[arg(long)]
    pub csv: bool,
    #[command(flatten)]
    pub filters: FilterArgs,
}

impl TrendsArgs {
    /// The library request these flags describe.
    pub fn request(&self) -> TrendsRequest {
        TrendsRequest {
            search: self.filters.request(&self.query, 0),
            by: self.by,
            split: self.split,
            top: self.top,
        }
    }
}

#[derive(Debug, Args)]
pub struct TermsArgs {
    /// Contrast the articles matching this query (same syntax as search) with the corpus;
    /// empty: the corpus's own top words.
    #[arg(default_value = "")]
    pub query: String,
    #[command(flatten)]
    pub index: IndexArg,
    /// Number of terms to list (at most 1000).
    #[arg(long, default_value_t = newsidx::search::terms::DEFAULT_TOP, value_name = "N")]
    pub top: usize,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub filters: FilterArgs,
}

impl TermsArgs {
    /// The library request these flags describe.
    pub fn request(&self) -> TermsRequest {
        TermsRequest {
            search: self.filters.request(&self.query, 0),
            top: self.top,
        }
    }
}

fn parse_interval(text: &str) -> Result<Interval, String> {
    text.parse()
}

fn parse_split(text: &str) -> Result<Split, String> {
    text.parse()
}

#[derive(Debug, Args)]
pub struct DuplicatesArgs {
    #[command(flatten)]
    pub index: IndexArg,
    /// Number of clusters to list.
    #[arg(short = 'n', long = "limit", default_value_t = 20, value_name = "N")]
    pub limit: usize,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub filters: FilterArgs,
}

#[derive(Debug, Args)]
pub struct SimilarArgs {
    /// The article: its id (path relative to the ingested folder) or its file.
    #[arg(value_name = "PATH|ID")]
    pub article: String,
    #[command(flatten)]
    pub index: IndexArg,
    /// Number of related articles to list.
    #[arg(short = 'n', long = "limit", default_value_t = 10, value_name = "N")]
    pub limit: usize,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct InspectArgs {
    /// Files to parse.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    #[command(flatten)]
    pub parse: ParseArgs,
}

fn parse_day(text: &str) -> Result<NaiveDate, String> {
    newsidx::years::parse_day(text)
}

fn parse_period(text: &str) -> Result<(NaiveDate, NaiveDate), String> {
    newsidx::years::parse_period(text)
}

/// `50%` (a share of the indexed documents, 0-100) or `1000` (a count).
fn parse_max_delete(text: &str) -> Result<MaxDelete, String> {
    let t = text.trim();
    let err = || format!("expected a share like 50% or a count like 1000, found '{text}'");
    match t.strip_suffix('%') {
        Some(share) => {
            let p: f64 = share.trim().parse().map_err(|_| err())?;
            if (0.0..=100.0).contains(&p) {
                Ok(MaxDelete::Percent(p))
            } else {
                Err(err())
            }
        }
        None => t.parse::<u64>().map(MaxDelete::Count).map_err(|_| err()),
    }
}

fn parse_size(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let (digits, unit) = match t.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
        Some((i, _)) => (&t[..i], t[i..].trim()),
        None => (t, ""),
    };
    let multiplier: u64 = match unit.to_ascii_uppercase().as_str() {
        "" | "B" => 1,
        "K" | "KB" | "KIB" => 1 << 10,
        "M" | "MB" | "MIB" => 1 << 20,
        "G" | "GB" | "GIB" => 1 << 30,
        _ => return Err(format!("expected a size like 500K or 32M, found '{text}'")),
    };
    digits
        .parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(multiplier))
        .ok_or_else(|| format!("expected a size like 500K or 32M, found '{text}'"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn max_delete() {
        assert_eq!(parse_max_delete("50%"), Ok(MaxDelete::Percent(50.0)));
        assert_eq!(parse_max_delete("100%"), Ok(MaxDelete::Percent(100.0)));
        assert_eq!(parse_max_delete("1000"), Ok(MaxDelete::Count(1000)));
        assert!(parse_max_delete("150%").is_err());
        assert!(parse_max_delete("-1").is_err());
        assert!(parse_max_delete("half").is_err());
    }

    #[test]
    fn wait_takes_an_optional_value_only_after_equals() {
        let parse = |args: &[&str]| match Cli::try_parse_from(args).map(|c| c.command) {
            Ok(Command::Ingest(a)) => (a.wait(), a.dir),
            _ => panic!("not an ingest"),
        };
        let secs = |s| Wait::For(std::time::Duration::from_secs(s));
        assert_eq!(parse(&["newsidx", "ingest", "c"]).0, Wait::No);
        assert_eq!(
            parse(&["newsidx", "ingest", "--wait", "c"]),
            (Wait::Forever, PathBuf::from("c"))
        );
        assert_eq!(parse(&["newsidx", "ingest", "--wait=5", "c"]).0, secs(5));
    }

    #[test]
    fn sizes() {
        assert_eq!(parse_size("32M"), Ok(32 << 20));
        assert_eq!(parse_size("500k"), Ok(500 << 10));
        assert_eq!(parse_size("100"), Ok(100));
        assert!(parse_size("lots").is_err());
        assert!(parse_size("99999999999999G").is_err());
    }

    #[test]
    fn periods() {
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(parse_period("2021"), Ok((d(2021, 1, 1), d(2021, 12, 31))));
        assert_eq!(parse_period("2021-09"), Ok((d(2021, 9, 1), d(2021, 9, 30))));
        assert_eq!(
            parse_period("2021-12"),
            Ok((d(2021, 12, 1), d(2021, 12, 31)))
        );
        assert_eq!(parse_period("2024-02"), Ok((d(2024, 2, 1), d(2024, 2, 29))));
        assert_eq!(
            parse_period("2021-09-17"),
            Ok((d(2021, 9, 17), d(2021, 9, 17)))
        );
        assert!(parse_period("2021-13").is_err());
        assert!(parse_period("September").is_err());
        assert_eq!(
            parse_period("99999"),
            Err("year 99999 is outside the supported range 1700-2200".to_string())
        );
        assert_eq!(
            parse_day("9999-01-01"),
            Err("year 9999 is outside the supported range 1700-2200".to_string())
        );
    }

    #[test]
    fn days() {
        assert_eq!(
            parse_day("2021-09-01"),
            Ok(NaiveDate::from_ymd_opt(2021, 9, 1).unwrap())
        );
        assert!(parse_day("2021-13-01").is_err());
    }

    #[test]
    fn clap_definition_is_valid() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
