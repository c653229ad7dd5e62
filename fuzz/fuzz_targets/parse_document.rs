//! Bytes -> document: decoding, front matter, Markdown, HTML pages, cleaning, date mentions.
//! The first byte picks what the file name claims to be.
#![no_main]

use libfuzzer_sys::fuzz_target;
use newsidx::analyse::TextField;
use newsidx::ingest::article::{self, ParseOptions};
use newsidx::read::Kind;

fuzz_target!(|data: &[u8]| {
    let Some((first, bytes)) = data.split_first() else {
        return;
    };
    let kind = match first % 3 {
        0 => Kind::Markdown,
        1 => Kind::Html,
        _ => Kind::Sniff,
    };
    if let Ok(Some(parsed)) = article::parse("f", "f", kind, bytes, &ParseOptions::default()) {
        let a = &parsed.article.document;
        assert!(!a.title.trim().is_empty());
        assert!(!a.body.trim().is_empty());
        for d in &parsed.article.analysis.dates {
            let text = match d.field {
                TextField::Title => &a.title,
                TextField::Body => &a.body,
            };
            assert_eq!(text.get(d.mention.start..d.mention.end), Some(d.mention.text.as_str()));
            assert!(d.mention.value <= d.mention.end_value);
        }
        assert!(serde_json::to_string(&parsed.article).is_ok());
    }
});
