//! Finding the files under a corpus root. The walk never stops on one bad entry: unreadable
//! folders, broken symlinks and loops become per-path problems, reported and counted.

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};

/// What a file claims to be, from its name. `Sniff` files (`.txt`, no extension) are articles
/// only when their content opens with front matter or an HTML document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Markdown,
    Html,
    Sniff,
}

impl Kind {
    /// The kind for a file name, or `None` for files that are never articles.
    pub fn from_file_name(name: &str) -> Option<Kind> {
        let lower = name.to_ascii_lowercase();
        match lower.rsplit_once('.') {
            None => Some(Kind::Sniff),
            Some(("", _)) => Some(Kind::Sniff), // ".profile"-like
            Some((_, "md" | "markdown")) => Some(Kind::Markdown),
            Some((_, "html" | "htm" | "xhtml")) => Some(Kind::Html),
            Some((_, "txt")) => Some(Kind::Sniff),
            Some(_) => None,
        }
    }
}

/// A file that may be an article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub abs: PathBuf,
    /// The path relative to the root, lossless even for names that are not UTF-8.
    pub id: String,
    pub kind: Kind,
}

/// The candidates of a walk, packed: every id in one buffer, so a walk of a million files
/// holds about 45 bytes a file instead of two heap strings and their headers (about 190).
/// A file's path is its root joined with its id, except for the few names an id escapes.
#[derive(Debug, Default)]
pub struct Candidates {
    root: PathBuf,
    ids: String,
    /// Candidate `i`'s id is `ids[ends[i - 1]..ends[i]]` (from 0 for the first).
    ends: Vec<usize>,
    kinds: Vec<Kind>,
    /// Paths that cannot be rebuilt from their id (names with `%` or not UTF-8), by index.
    escaped: HashMap<usize, PathBuf>,
}

impl Candidates {
    fn new(root: &Path) -> Candidates {
        Candidates {
            root: root.to_path_buf(),
            ..Candidates::default()
        }
    }

    fn push(&mut self, candidate: Candidate) {
        let index = self.kinds.len();
        // `path_id` writes `%` for every escape (and `%25` for `%` itself); any other id is
        // the relative path itself.
        if candidate.id.contains('%') {
            self.escaped.insert(index, candidate.abs);
        }
        self.ids.push_str(&candidate.id);
        self.ends.push(self.ids.len());
        self.kinds.push(candidate.kind);
    }

    pub fn len(&self) -> usize {
        self.kinds.len()
    }

    pub fn is_empty(&self) -> bool {
        self.kinds.is_empty()
    }

    /// The id of candidate `index` (empty past the end).
    pub fn id(&self, index: usize) -> &str {
        let Some(&end) = self.ends.get(index) else {
            return "";
        };
        let start = index.checked_sub(1).and_then(|i| self.ends.get(i));
        self.ids
            .get(start.copied().unwrap_or(0)..end)
            .unwrap_or_default()
    }

    /// Candidate `index`, unpacked.
    pub fn get(&self, index: usize) -> Option<Candidate> {
        let kind = *self.kinds.get(index)?;
        let id = self.id(index).to_string();
        let abs = match self.escaped.get(&index) {
            Some(abs) => abs.clone(),
            None => self.root.join(&id),
        };
        Some(Candidate { abs, id, kind })
    }

    /// Every candidate, unpacked one at a time, in walk order.
    pub fn iter(&self) -> impl Iterator<Item = Candidate> + '_ {
        (0..self.len()).filter_map(|i| self.get(i))
    }

    /// Every id, in walk order.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        (0..self.len()).map(|i| self.id(i))
    }
}

/// What the walk found.
#[derive(Debug, Default)]
pub struct Discovery {
    pub candidates: Candidates,
    /// Files that are never articles (images, scripts, ...).
    pub skipped: usize,
    /// Entries that could not be walked: (path, reason).
    pub problems: Vec<(String, String)>,
}

/// One thing the walk met.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found {
    Candidate(Candidate),
    /// A file that is never an article (image, script, ...).
    Skipped,
    /// An entry that could not be walked: (path, reason).
    Problem(String, String),
}

/// Walks `root` in a stable order, following symlinks (with loop detection), skipping hidden
/// entries and the folders in `exclude` (the index itself may live inside the corpus).
pub fn discover(root: &Path, exclude: &[PathBuf]) -> Discovery {
    let mut found = Discovery {
        candidates: Candidates::new(root),
        ..Discovery::default()
    };
    for item in walk(root, exclude) {
        match item {
            Found::Candidate(c) => found.candidates.push(c),
            Found::Skipped => found.skipped += 1,
            Found::Problem(path, reason) => found.problems.push((path, reason)),
        }
    }
    found
}

/// The walk as a lazy iterator: folders are read as it advances.
pub fn walk<'a>(root: &'a Path, exclude: &[PathBuf]) -> impl Iterator<Item = Found> + 'a {
    let exclude: Vec<PathBuf> = exclude
        .iter()
        .filter_map(|p| std::fs::canonicalize(p).ok())
        .collect();
    walkdir::WalkDir::new(root)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(move |e| {
            let hidden = e.depth() > 0 && e.file_name().as_encoded_bytes().starts_with(b".");
            let excluded = e.file_type().is_dir()
                && !exclude.is_empty()
                && std::fs::canonicalize(e.path()).is_ok_and(|p| exclude.contains(&p));
            !hidden && !excluded
        })
        .filter_map(move |entry| {
            let entry = match entry {
                Ok(entry) => entry,
                Err(err) => {
                    let path = err.path().map_or_else(|| display(root), display);
                    return Some(Found::Problem(path, walk_error_reason(&err)));
                }
            };
            // Only regular files: reading a FIFO or device would block or never end.
            if !entry.file_type().is_file() {
                return None;
            }
            let name = entry.file_name().to_string_lossy();
            let Some(kind) = Kind::from_file_name(&name) else {
                return Some(Found::Skipped);
            };
            let rel = entry.path().strip_prefix(root).unwrap_or(entry.path());
            Some(Found::Candidate(Candidate {
                abs: entry.path().to_path_buf(),
                id: path_id(rel),
                kind,
            }))
        })
}

/// A path for messages and the stored `path` field: like `Path::display`, but lossless for
/// names that are not UTF-8 (their bytes are written `%XX`, see [`path_id`]).
pub fn display(path: &Path) -> String {
    if let Some(text) = path.to_str() {
        return text.to_string();
    }
    let mut out = String::new();
    push_escaped(&mut out, path.as_os_str().as_encoded_bytes());
    out
}

fn walk_error_reason(err: &walkdir::Error) -> String {
    if let Some(ancestor) = err.loop_ancestor() {
        return format!("symlink loop back to {}", ancestor.display());
    }
    match err.io_error() {
        Some(io) if io.kind() == std::io::ErrorKind::NotFound => {
            "vanished during the walk, or a broken symlink".to_string()
        }
        Some(io) => format!("cannot read: {io}"),
        None => err.to_string(),
    }
}

/// A `/`-separated id for a relative path. Names that are not valid UTF-8 keep every byte:
/// invalid bytes become `%XX`, and `%` itself is always written `%25`, so two different
/// names can never share an id.
pub fn path_id(rel: &Path) -> String {
    let mut id = String::new();
    for component in rel.components() {
        let Component::Normal(name) = component else {
            continue;
        };
        if !id.is_empty() {
            id.push('/');
        }
        push_escaped(&mut id, name.as_encoded_bytes());
    }
    id
}

fn push_escaped(out: &mut String, mut bytes: &[u8]) {
    loop {
        match std::str::from_utf8(bytes) {
            Ok(valid) => {
                out.push_str(&valid.replace('%', "%25"));
                return;
            }
            Err(err) => {
                let (valid, rest) = bytes.split_at(err.valid_up_to());
                out.push_str(&String::from_utf8_lossy(valid).replace('%', "%25"));
                let bad = err.error_len().unwrap_or(rest.len()).max(1).min(rest.len());
                for b in &rest[..bad] {
                    out.push_str(&format!("%{b:02X}"));
                }
                bytes = &rest[bad..];
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    #[test]
    fn kinds_from_file_names() {
        assert_eq!(Kind::from_file_name("a.MD"), Some(Kind::Markdown));
        assert_eq!(Kind::from_file_name("a.htm"), Some(Kind::Html));
        assert_eq!(Kind::from_file_name("a.txt"), Some(Kind::Sniff));
        assert_eq!(Kind::from_file_name("README"), Some(Kind::Sniff));
        assert_eq!(Kind::from_file_name("a.png"), None);
    }

    #[test]
    fn walks_in_order_skipping_hidden_excluded_and_non_articles() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir_all(root.join("b/sub")).unwrap();
        fs::create_dir_all(root.join(".git")).unwrap();
        fs::create_dir_all(root.join("index")).unwrap();
        for f in [
            "b/sub/x.md",
            "a.html",
            "notes.txt",
            "pic.png",
            ".git/HEAD.md",
            "index/meta.md",
        ] {
            fs::write(root.join(f), "x").unwrap();
        }
        let found = discover(root, &[root.join("index")]);
        let ids: Vec<_> = found.candidates.ids().collect();
        assert_eq!(ids, vec!["a.html", "b/sub/x.md", "notes.txt"]);
        assert_eq!(found.skipped, 1);
        assert!(found.problems.is_empty());
    }

    #[cfg(unix)]
    #[test]
    fn broken_symlinks_and_loops_are_problems_not_failures() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::write(root.join("ok.md"), "x").unwrap();
        std::os::unix::fs::symlink(root.join("missing.md"), root.join("broken.md")).unwrap();
        fs::create_dir(root.join("d")).unwrap();
        std::os::unix::fs::symlink(root, root.join("d/loop")).unwrap();
        let found = discover(root, &[]);
        let ids: Vec<_> = found.candidates.ids().collect();
        assert_eq!(ids, vec!["ok.md"]);
        let mut reasons: Vec<_> = found.problems.iter().map(|(_, r)| r.as_str()).collect();
        reasons.sort();
        assert_eq!(reasons.len(), 2, "{:?}", found.problems);
        assert_eq!(
            reasons[0],
            "symlink loop back to ".to_string() + &root.display().to_string()
        );
        assert_eq!(reasons[1], "vanished during the walk, or a broken symlink");
    }

    #[test]
    fn a_folder_that_disappears_mid_walk_is_a_problem() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::write(root.join("a.md"), "x").unwrap();
        fs::create_dir(root.join("b")).unwrap();
        fs::write(root.join("b/c.md"), "x").unwrap();
        let mut items = Vec::new();
        for item in walk(root, &[]) {
            if matches!(&item, Found::Candidate(c) if c.id == "a.md") {
                fs::remove_dir_all(root.join("b")).unwrap();
            }
            items.push(item);
        }
        assert_eq!(items.len(), 2, "{items:?}");
        let Found::Problem(path, reason) = &items[1] else {
            panic!("{items:?}")
        };
        assert_eq!(path, &root.join("b").display().to_string());
        assert_eq!(reason, "vanished during the walk, or a broken symlink");
    }

    #[cfg(unix)]
    #[test]
    fn packed_candidates_give_back_each_path_and_id() {
        use std::os::unix::ffi::OsStrExt;
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir(root.join("新闻")).unwrap();
        let odd = root.join(std::ffi::OsStr::from_bytes(b"caf\xE9.md"));
        for path in [root.join("新闻/a.md"), root.join("100%.md"), odd.clone()] {
            fs::write(path, "x").unwrap();
        }
        let found = discover(root, &[]);
        let all: Vec<_> = (0..4).map(|i| found.candidates.get(i)).collect();
        let paths: Vec<_> = all.iter().flatten().map(|c| c.abs.clone()).collect();
        assert_eq!(
            paths,
            vec![root.join("100%.md"), odd, root.join("新闻/a.md")]
        );
        let ids: Vec<_> = all.iter().flatten().map(|c| c.id.as_str()).collect();
        assert_eq!(ids, vec!["100%25.md", "caf%E9.md", "新闻/a.md"]);
        assert_eq!(all[3], None);
        assert_eq!(found.candidates.id(3), "");
        assert_eq!(found.candidates.len(), 3);
    }

    #[cfg(unix)]
    #[test]
    fn ids_are_lossless_for_non_utf8_names() {
        use std::os::unix::ffi::OsStrExt;
        let name = std::ffi::OsStr::from_bytes(b"caf\xE9%.md");
        assert_eq!(path_id(&Path::new("d").join(name)), "d/caf%E9%25.md");
        assert_eq!(path_id(Path::new("新闻/100%.md")), "新闻/100%25.md");
        assert_eq!(display(&Path::new("/d").join(name)), "/d/caf%E9%25.md");
        assert_eq!(display(Path::new("/d/100%.md")), "/d/100%.md");
    }
}
