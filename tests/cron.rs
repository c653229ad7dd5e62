//! Ingest as cron runs it: reruns that follow every kind of change with exact counts and
//! search results, settings changes, the guards against wiping an index, the lock, and the
//! cron-friendly output.

mod common;

use std::time::{Duration, Instant, SystemTime};

use common::{Run, Workspace, newsidx};

/// The summary line without its timing: `… documents`.
fn summary(run: &Run) -> &str {
    let line = run.stdout.trim_end();
    line.rsplit_once("; ")
        .map_or(line, |(counts, _seconds)| counts)
}

/// Sets a file's modification time without changing its bytes (`touch`).
fn touch(ws: &Workspace, name: &str, at: SystemTime) {
    std::fs::File::options()
        .write(true)
        .open(ws.corpus().join(name))
        .and_then(|f| f.set_modified(at))
        .expect("set mtime");
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

/// Four articles with a word each can be found by.
fn four() -> Workspace {
    let ws = Workspace::new();
    ws.article("a.md", "甲文", "2021-09-15", "苹果第一版");
    ws.article("b.md", "乙文", "2021-09-16", "香蕉正文");
    ws.article("c.md", "丙文", "2021-09-17", "樱桃正文");
    ws.article("d.md", "丁文", "2021-09-18", "葡萄正文");
    ws
}

#[test]
fn reruns_follow_adds_edits_touches_deletes_renames_and_breakage() {
    let ws = four();
    let first = ws.ingest();
    assert_eq!(first.code, 0, "{}", first.stderr);
    assert_eq!(
        summary(&first),
        "4 files: 4 added, 0 updated, 0 deleted, 0 unchanged, 0 rejected (0 earlier), 0 skipped; 4 documents"
    );

    // Add, edit, touch without changing, delete, rename.
    ws.article("e.md", "戊文", "2021-09-19", "西瓜正文");
    ws.article("a.md", "甲文", "2021-09-15", "苹果第二版");
    touch(&ws, "b.md", SystemTime::now() + Duration::from_secs(60));
    std::fs::remove_file(ws.corpus().join("c.md")).unwrap();
    std::fs::rename(ws.corpus().join("d.md"), ws.corpus().join("d2.md")).unwrap();
    let second = ws.ingest_with(&["--json"]);
    assert_eq!(second.code, 0, "{}", second.stderr);
    let j = second.json();
    let counts = |j: &serde_json::Value, keys: &[&str]| -> Vec<u64> {
        keys.iter().map(|k| j[*k].as_u64().unwrap_or(999)).collect()
    };
    let keys = [
        "seen",
        "added",
        "updated",
        "deleted",
        "unchanged",
        "rejected",
        "rejected_earlier",
        "skipped",
        "total",
        "indexed",
        "removed",
    ];
    assert_eq!(counts(&j, &keys), vec![4, 2, 1, 2, 1, 0, 0, 0, 4, 3, 2]);
    assert_eq!(j["resumed"], false);
    assert_eq!(j["reparse_reason"], serde_json::Value::Null);
    assert_eq!(j["checkpoints"], 0);
    assert_eq!(ws.search_paths(&["苹果"]), vec!["a.md"]);
    assert_eq!(ws.search_paths(&["第二版"]), vec!["a.md"]);
    assert_eq!(ws.search_paths(&["第一版"]), Vec::<String>::new());
    assert_eq!(ws.search_paths(&["樱桃"]), Vec::<String>::new());
    assert_eq!(ws.search_paths(&["葡萄"]), vec!["d2.md"]);
    assert_eq!(
        sorted(ws.search_paths(&["正文"])),
        vec!["b.md", "d2.md", "e.md"]
    );

    // A good file turns bad: reported once, exit 1, its document stays.
    ws.write("b.md", "---\ntitle: 坏了\n香蕉");
    let third = ws.ingest();
    assert_eq!(third.code, 1);
    assert_eq!(
        third.stderr,
        "corpus/b.md: front matter: opening '---' on line 1 has no closing '---' line\n"
    );
    assert_eq!(
        summary(&third),
        "4 files: 0 added, 0 updated, 0 deleted, 3 unchanged, 1 rejected (0 earlier), 0 skipped; 4 documents"
    );
    assert_eq!(ws.search_paths(&["香蕉"]), vec!["b.md"]);

    // Known and unchanged: counted, not listed, exit 0; touching it does not re-report it.
    touch(&ws, "b.md", SystemTime::now() + Duration::from_secs(120));
    let fourth = ws.ingest();
    assert_eq!((fourth.code, fourth.stderr.as_str()), (0, ""));
    assert_eq!(
        summary(&fourth),
        "4 files: 0 added, 0 updated, 0 deleted, 3 unchanged, 0 rejected (1 earlier), 0 skipped; 4 documents"
    );
    let strict = ws.ingest_with(&["--strict"]);
    assert_eq!(strict.code, 2, "--strict fails on earlier rejections too");

    // The bad file is fixed.
    ws.article("b.md", "乙文", "2021-09-16", "香蕉修好了");
    let fifth = ws.ingest();
    assert_eq!((fifth.code, fifth.stderr.as_str()), (0, ""));
    assert_eq!(
        summary(&fifth),
        "4 files: 0 added, 1 updated, 0 deleted, 3 unchanged, 0 rejected (0 earlier), 0 skipped; 4 documents"
    );
    assert_eq!(ws.search_paths(&["修好"]), vec!["b.md"]);
}

#[test]
fn a_new_bad_file_is_exit_1_once_and_a_changed_one_again() {
    let ws = four();
    ws.write("bad.md", "---\ntitle: 坏\n");
    ws.write("note.txt", "just a note, not an article");
    let first = ws.ingest();
    assert_eq!(first.code, 1);
    assert_eq!(
        summary(&first),
        "6 files: 4 added, 0 updated, 0 deleted, 0 unchanged, 1 rejected (0 earlier), 1 skipped; 4 documents"
    );
    let second = ws.ingest();
    assert_eq!((second.code, second.stderr.as_str()), (0, ""));
    assert_eq!(
        summary(&second),
        "6 files: 0 added, 0 updated, 0 deleted, 4 unchanged, 0 rejected (1 earlier), 1 skipped; 4 documents"
    );
    ws.write("bad.md", "---\ntitle: 还是坏\n");
    let third = ws.ingest();
    assert_eq!(third.code, 1);
    assert!(
        third.stderr.starts_with("corpus/bad.md: "),
        "{}",
        third.stderr
    );
}

#[test]
fn editing_the_entity_file_reparses_everything_and_says_why() {
    let ws = four();
    std::fs::write(ws.path().join("names.tsv"), "星河云付\tORG\n").unwrap();
    assert_eq!(ws.ingest_with(&["--entities", "names.tsv"]).code, 0);
    let same = ws
        .ingest_with(&["--entities", "names.tsv", "--json"])
        .json();
    assert_eq!(
        (same["unchanged"].as_u64(), same["reparse_reason"].is_null()),
        (Some(4), true)
    );

    std::fs::write(ws.path().join("names.tsv"), "星河云付\tORG\t星河\n").unwrap();
    let run = ws.ingest_with(&["--entities", "names.tsv", "--json"]);
    assert_eq!(run.code, 0);
    assert_eq!(
        run.stderr,
        "settings changed (entity file): re-parsing 4 files\n"
    );
    let j = run.json();
    assert_eq!(j["reparse_reason"], "settings changed (entity file)");
    assert_eq!(
        (j["updated"].as_u64(), j["unchanged"].as_u64()),
        (Some(4), Some(0))
    );

    let tz = ws.ingest_with(&[
        "--entities",
        "names.tsv",
        "--default-tz",
        "+00:00",
        "--quiet",
    ]);
    assert_eq!(
        (tz.code, tz.stderr.as_str()),
        (0, ""),
        "--quiet hides the reason"
    );
    let back = ws.ingest();
    assert_eq!(
        back.stderr,
        "settings changed (entity file, default-tz): re-parsing 4 files\n"
    );
}

#[test]
fn an_empty_or_missing_folder_deletes_nothing() {
    let ws = four();
    assert_eq!(ws.ingest().code, 0);
    let moved = ws.path().join("elsewhere");
    std::fs::rename(ws.corpus(), &moved).unwrap();
    let missing = ws.ingest();
    assert_eq!(missing.code, 2);
    assert!(
        missing
            .stderr
            .starts_with("newsidx: corpus folder corpus: No such file or directory"),
        "{}",
        missing.stderr
    );
    std::fs::create_dir(ws.corpus()).unwrap();
    let empty = ws.ingest();
    assert_eq!(empty.code, 2);
    assert_eq!(
        empty.stderr,
        "newsidx: index index: this run would delete 4 of 4 documents, more than --max-delete 50%; \
         nothing was changed. If those files are really gone, run again with --max-delete 100%\n"
    );
    assert_eq!(sorted(ws.search_paths(&["正文"])).len(), 3);
    std::fs::remove_dir(ws.corpus()).unwrap();
    std::fs::rename(&moved, ws.corpus()).unwrap();
    assert_eq!(ws.ingest().code, 0);
}

#[test]
fn a_vanished_subfolder_over_max_delete_stops_the_run() {
    let ws = Workspace::new();
    for i in 0..10 {
        let folder = if i < 6 { "mounted" } else { "local" };
        ws.article(
            &format!("{folder}/{i}.md"),
            &format!("标题{i}"),
            "2021-09-15",
            "共同正文",
        );
    }
    assert_eq!(ws.ingest().code, 0);
    std::fs::remove_dir_all(ws.corpus().join("mounted")).unwrap();
    let run = ws.ingest();
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("would delete 6 of 10 documents"),
        "{}",
        run.stderr
    );
    assert_eq!(ws.search_paths(&["共同", "-n", "20"]).len(), 10);
    let counted = ws.ingest_with(&["--max-delete", "5"]);
    assert_eq!(counted.code, 2, "a count limit: 6 > 5");
    let allowed = ws.ingest_with(&["--max-delete", "100%"]);
    assert_eq!(allowed.code, 0, "{}", allowed.stderr);
    assert_eq!(
        summary(&allowed),
        "4 files: 0 added, 0 updated, 6 deleted, 4 unchanged, 0 rejected (0 earlier), 0 skipped; 4 documents"
    );
}

#[test]
fn another_root_is_refused_unless_replace() {
    let ws = four();
    assert_eq!(ws.ingest().code, 0);
    let other = ws.path().join("other");
    std::fs::create_dir(&other).unwrap();
    std::fs::write(
        other.join("x.md"),
        "---\ntitle: 新文\ndate: 2021-10-01\n---\n<p>荔枝正文</p>\n",
    )
    .unwrap();
    let refused = newsidx(ws.path(), &["ingest", "other", "--index", "index"]);
    assert_eq!(refused.code, 2);
    assert!(
        refused.stderr.contains("was built from "),
        "{}",
        refused.stderr
    );
    assert!(
        refused.stderr.contains("Use --replace"),
        "{}",
        refused.stderr
    );
    assert_eq!(sorted(ws.search_paths(&["正文"])).len(), 3);
    let replaced = newsidx(
        ws.path(),
        &["ingest", "other", "--index", "index", "--replace", "--json"],
    );
    assert_eq!(replaced.code, 0, "{}", replaced.stderr);
    let j = replaced.json();
    assert_eq!(
        (
            j["added"].as_u64(),
            j["deleted"].as_u64(),
            j["total"].as_u64()
        ),
        (Some(1), Some(4), Some(1))
    );
    assert_eq!(j["reparse_reason"], "--replace");
    assert_eq!(ws.search_paths(&["正文"]), vec!["other/x.md"]);
}

/// Holds the index's writer lock in this process, as a running ingest would.
fn hold_lock(ws: &Workspace) -> tantivy::IndexWriter {
    let analyzer = newsidx::analyse::Linguistics::shared().analyzer.clone();
    let opened = newsidx::index::open(&ws.path().join("index"), &analyzer).unwrap();
    opened.index.writer(15_000_000).unwrap()
}

#[test]
fn a_second_writer_exits_75_and_readers_never_wait() {
    let ws = four();
    assert_eq!(ws.ingest().code, 0);
    let writer = hold_lock(&ws);
    let busy = ws.ingest();
    assert_eq!(busy.code, 75);
    assert_eq!(
        busy.stderr,
        "index index is being written by another newsidx ingest; try again later\n"
    );
    assert_eq!(busy.stdout, "");
    let json_busy = ws.ingest_with(&["--log-format", "json"]);
    assert_eq!(json_busy.code, 75);
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(json_busy.stderr.trim()).unwrap()["exit_code"],
        75
    );
    // search, entities and inspect do not take the lock.
    assert_eq!(ws.search_paths(&["苹果"]), vec!["a.md"]);
    let entities = newsidx(ws.path(), &["entities", "--index", "index", "--json"]);
    assert!(
        entities.code == 0 || entities.code == 1,
        "{}",
        entities.stderr
    );
    assert_eq!(newsidx(ws.path(), &["inspect", "corpus/a.md"]).code, 0);

    let started = Instant::now();
    let waited = ws.ingest_with(&["--wait=1"]);
    assert_eq!(waited.code, 75);
    assert!(started.elapsed() >= Duration::from_secs(1));

    let release = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(1500));
        drop(writer);
    });
    let patient = ws.ingest_with(&["--wait"]);
    release.join().unwrap();
    assert_eq!(patient.code, 0, "{}", patient.stderr);
    assert_eq!(
        summary(&patient),
        "4 files: 0 added, 0 updated, 0 deleted, 4 unchanged, 0 rejected (0 earlier), 0 skipped; 4 documents"
    );
}

#[test]
fn quiet_prints_new_rejections_and_the_summary_and_json_logs_every_event() {
    let ws = four();
    // A body with no date is fine; a title-less HTML page is warned about.
    ws.write(
        "page.html",
        "<html><body><p>没有标题的网页正文内容</p></body></html>",
    );
    ws.write("bad.md", "");
    let loud = ws.ingest();
    assert!(loud.stderr.contains("warning"), "{}", loud.stderr);
    let ws = four();
    ws.write(
        "page.html",
        "<html><body><p>没有标题的网页正文内容</p></body></html>",
    );
    ws.write("bad.md", "");
    let quiet = ws.ingest_with(&["--quiet"]);
    assert_eq!(quiet.code, 1);
    assert_eq!(quiet.stderr, "corpus/bad.md: empty file\n");
    assert!(quiet.stdout.starts_with("6 files: "), "{}", quiet.stdout);

    ws.write("bad.md", [0u8, 159, 146, 150, 0, 1]);
    ws.article("a.md", "甲文", "2021-09-15", "苹果第三版");
    let json = ws.ingest_with(&["--log-format", "json", "--commit-interval", "0"]);
    let events: Vec<serde_json::Value> = json
        .stderr
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    let names: Vec<&str> = events
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    assert_eq!(names, vec!["rejected", "summary"]);
    assert_eq!(events[0]["path"], "corpus/bad.md");
    assert_eq!(events[1]["updated"], 1);
    assert_eq!(events[1]["rejected"], 1);
}
