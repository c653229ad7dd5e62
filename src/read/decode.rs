//! Bytes to text. Scrapers save Chinese news in UTF-8, UTF-16, GB18030/GBK and Big5, usually
//! without a label, so the order is: byte-order mark, valid UTF-8, a declared HTML charset that
//! actually decodes cleanly, then chardetng's guess.

use encoding_rs::Encoding;

use crate::error::Rejection;

/// Decodes a whole file. Line ends are normalised to `\n` here so that later stages only ever
/// see one kind.
pub fn decode(bytes: &[u8]) -> Result<String, Rejection> {
    if bytes.is_empty() {
        return Err(Rejection::Empty);
    }
    let text = if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        let (text, had_errors) = enc.decode_without_bom_handling(&bytes[bom_len..]);
        if had_errors {
            return Err(Rejection::Binary(format!(
                "invalid {} after its byte-order mark",
                enc.name()
            )));
        }
        text.into_owned()
    } else {
        if let Some(reason) = binary_signature(bytes) {
            return Err(Rejection::Binary(reason));
        }
        match std::str::from_utf8(bytes) {
            Ok(text) => text.to_string(),
            Err(_) => decode_legacy(bytes),
        }
    };
    if text.contains('\0') {
        return Err(Rejection::Binary("contains NUL bytes".into()));
    }
    if let Some(reason) = mostly_control(&text) {
        return Err(Rejection::Binary(reason));
    }
    Ok(normalize_newlines(text))
}

/// Not UTF-8: the declared charset when it decodes without errors, else chardetng's guess.
fn decode_legacy(bytes: &[u8]) -> String {
    if let Some(enc) = declared_charset(bytes) {
        let (text, _, had_errors) = enc.decode(bytes);
        if !had_errors {
            return text.into_owned();
        }
    }
    let (text, _, _) = guess(bytes).decode(bytes);
    text.into_owned()
}

/// Magic numbers of formats that are commonly mis-named `.md` or `.html` by scrapers.
fn binary_signature(bytes: &[u8]) -> Option<String> {
    const SIGNATURES: &[(&[u8], &str)] = &[
        (b"\x89PNG\r\n\x1a\n", "PNG image"),
        (b"\xff\xd8\xff", "JPEG image"),
        (b"GIF8", "GIF image"),
        (b"%PDF-", "PDF document"),
        (b"PK\x03\x04", "ZIP archive"),
        (b"\x1f\x8b", "gzip data"),
        (b"RIFF", "RIFF media"),
        (b"\x7fELF", "ELF executable"),
    ];
    SIGNATURES
        .iter()
        .find(|(magic, _)| bytes.starts_with(magic))
        .map(|(_, name)| name.to_string())
}

/// `<meta charset="gbk">` or `<meta http-equiv="Content-Type" content="text/html; charset=gbk">`
/// within the first kilobytes; both spell the label after `charset=`.
fn declared_charset(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(4096)];
    let lower: Vec<u8> = head.iter().map(u8::to_ascii_lowercase).collect();
    let at = find(&lower, b"charset=")? + b"charset=".len();
    let label: Vec<u8> = lower[at..]
        .iter()
        .copied()
        .skip_while(|b| *b == b'"' || *b == b'\'' || *b == b' ')
        .take_while(|b| b.is_ascii_alphanumeric() || *b == b'-' || *b == b'_')
        .collect();
    Encoding::for_label(&label)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn guess(bytes: &[u8]) -> &'static Encoding {
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    detector.guess(None, chardetng::Utf8Detection::Deny)
}

/// Text whose decoding is riddled with control characters or replacement characters is binary
/// data that happened to have a text extension.
fn mostly_control(text: &str) -> Option<String> {
    let sample: Vec<char> = text.chars().take(64 * 1024).collect();
    let odd = sample
        .iter()
        .filter(|c| {
            (c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\x0c')) || **c == '\u{FFFD}'
        })
        .count();
    // Real articles have essentially none; a few stray ones are tolerated.
    (odd > 8 && odd * 20 > sample.len()).then(|| {
        format!(
            "{odd} control or undecodable characters in the first {} characters",
            sample.len()
        )
    })
}

fn normalize_newlines(text: String) -> String {
    if text.contains('\r') {
        text.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "---\ntitle: 支付新规\n---\n\n央行发布新规，规范移动支付业务。";

    #[test]
    fn utf8_with_and_without_bom() {
        assert_eq!(decode(TEXT.as_bytes()).unwrap(), TEXT);
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend_from_slice(TEXT.as_bytes());
        assert_eq!(decode(&bom).unwrap(), TEXT);
    }

    #[test]
    fn utf16_with_bom() {
        let mut le = vec![0xFF, 0xFE];
        le.extend(TEXT.encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(decode(&le).unwrap(), TEXT);
        let mut be = vec![0xFE, 0xFF];
        be.extend(TEXT.encode_utf16().flat_map(u16::to_be_bytes));
        assert_eq!(decode(&be).unwrap(), TEXT);
    }

    #[test]
    fn unlabelled_gb18030_and_big5_are_detected() {
        let long = TEXT.repeat(3);
        let (gbk, _, _) = encoding_rs::GB18030.encode(&long);
        assert_eq!(decode(&gbk).unwrap(), long);
        let trad =
            "---\ntitle: 行動支付新規\n---\n\n中央銀行發布新規，規範行動支付業務與電子錢包。"
                .repeat(3);
        let (big5, _, _) = encoding_rs::BIG5.encode(&trad);
        assert_eq!(decode(&big5).unwrap(), trad);
    }

    #[test]
    fn declared_html_charset_is_honoured() {
        let html =
            "<html><head><meta charset=\"gbk\"><title>支付</title></head><body>中文</body></html>";
        let (bytes, _, _) = encoding_rs::GBK.encode(html);
        assert_eq!(declared_charset(&bytes), Some(encoding_rs::GBK));
        assert_eq!(decode(&bytes).unwrap(), html);
        let quoted = b"<meta http-equiv='Content-Type' content='text/html; charset=big5'>";
        assert_eq!(declared_charset(quoted), Some(encoding_rs::BIG5));
        assert_eq!(declared_charset(b"<meta charset=\"x-unknown\">"), None);
    }

    #[test]
    fn random_bytes_are_binary() {
        let bytes: Vec<u8> = (0u32..4000)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8 | 1)
            .collect();
        assert!(
            matches!(decode(&bytes), Err(Rejection::Binary(r)) if r.contains("control or undecodable"))
        );
    }

    #[test]
    fn crlf_becomes_lf() {
        assert_eq!(decode(b"a\r\nb\rc").unwrap(), "a\nb\nc");
    }

    #[test]
    fn empty_binary_and_nul_are_rejected() {
        assert_eq!(decode(b""), Err(Rejection::Empty));
        assert_eq!(
            decode(b"\x89PNG\r\n\x1a\n\0\0\0"),
            Err(Rejection::Binary("PNG image".into()))
        );
        assert_eq!(
            decode(b"title\0body"),
            Err(Rejection::Binary("contains NUL bytes".into()))
        );
    }
}
