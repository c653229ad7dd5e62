//! Properties of the parser over generated input: nothing panics, and no script element
//! survives cleaning. Script *text* can legitimately be visible (after `<![CDATA[` outside SVG
//! the bogus comment ends at the first `>`, so browsers, and we, show what follows as text), and
//! literal text such as `&lt;script&gt;` or a Markdown code span is content that may read
//! `<script` after cleaning; the generator does not produce those. Nor does it split a tag
//! name (`<scr` … `ipt>`): with only a stray end tag between the halves, browsers show the text
//! `<script>`, and so do we; `read::clean`'s unit tests cover halves around a dropped element.

use newsidx::ingest::article::{self, ParseOptions};
use newsidx::read::Kind;
use proptest::prelude::*;

fn kind(k: u8) -> Kind {
    match k % 3 {
        0 => Kind::Markdown,
        1 => Kind::Html,
        _ => Kind::Sniff,
    }
}

/// Fragments that exercise scripts in every position an HTML parser treats specially.
fn soup() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "<script>",
        "</script>",
        "<script type=\"text/javascript\">var a = '<p>';",
        "<script>alert(1)</script>",
        "<SCRIPT>",
        "</SCRIPT >",
        "<script/>",
        "<p>",
        "</p>",
        "<div>",
        "</div>",
        "<div style=\"display:none\">",
        "<noscript>",
        "</noscript>",
        "<iframe>",
        "</iframe>",
        "<template>",
        "</template>",
        "<style>",
        "</style>",
        "<!--",
        "-->",
        "<![CDATA[",
        "]]>",
        "<svg><script>x</script></svg>",
        "<textarea>",
        "</textarea>",
        "<title>",
        "</title>",
        "<table><tr><td>",
        "</td></tr></table>",
        "<br>",
        "<img alt=\"图\">",
        "支付",
        "微信",
        "。",
        "\n",
        "\n\n",
        " ",
        "<a href=\"x\">",
        "</a>",
        "<h1>",
        "</h1>",
        "<html>",
        "<body>",
        "</body>",
        "<head>",
        "</head>",
        "<math><mi>",
        "</mi></math>",
        "<select><option>",
        "</select>",
    ]);
    prop::collection::vec(pieces, 0..60).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(k in any::<u8>(), bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        let _ = article::parse("f", "f", kind(k), &bytes, &ParseOptions::default());
    }

    #[test]
    fn arbitrary_text_never_panics(k in any::<u8>(), text in "\\PC{0,400}") {
        let _ = article::parse("f", "f", kind(k), text.as_bytes(), &ParseOptions::default());
        let _ = article::parse("f", "f", kind(k), format!("---\ntitle: t\n---\n{text}").as_bytes(), &ParseOptions::default());
    }

    #[test]
    fn no_script_survives_cleaning(html in soup(), page in any::<bool>()) {
        let (kind, text) = if page {
            (Kind::Html, format!("<!DOCTYPE html><html><body>{html}</body></html>"))
        } else {
            (Kind::Markdown, format!("---\ntitle: t\n---\n<p>正文</p>{html}"))
        };
        if let Ok(Some(parsed)) = article::parse("f", "f", kind, text.as_bytes(), &ParseOptions::default()) {
            let body = parsed.article.document.body.to_ascii_lowercase();
            prop_assert!(!body.contains("<script"), "body: {:?}", parsed.article.document.body);
        }
    }
}
