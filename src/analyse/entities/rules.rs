//! Pattern rules over the raw text and over the single jieba tag pass.
//! Every function is linear in the input (bounded look-behind / look-ahead windows).

use super::{EntityType, Tok, is_han};
use std::collections::HashSet;
use std::sync::OnceLock;

/// Membership in a character list, through a set built on first use.
fn in_chars(cell: &'static OnceLock<HashSet<char>>, chars: &'static str, c: char) -> bool {
    cell.get_or_init(|| chars.chars().collect()).contains(&c)
}
static TRANSLIT_SET: OnceLock<HashSet<char>> = OnceLock::new();
static SURNAME_SET: OnceLock<HashSet<char>> = OnceLock::new();
static GIVEN_SET: OnceLock<HashSet<char>> = OnceLock::new();

/// A rule hit: byte span, type, and optionally the canonical name it stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    pub start: usize,
    pub end: usize,
    pub kind: EntityType,
}

const MAX_TITLE_CHARS: usize = 80;

/// `《…》` titles (WORK) without the brackets. Nested `《》`/`〈〉` inside are kept as part of the
/// title; an unclosed bracket is dropped at the end of the line or after `MAX_TITLE_CHARS`.
pub fn titles(text: &str) -> Vec<Span> {
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut open_at = 0usize; // byte offset just after the outer 《
    let mut chars = 0usize;
    for (i, c) in text.char_indices() {
        match c {
            '《' => {
                if depth == 0 {
                    open_at = i + c.len_utf8();
                    chars = 0;
                }
                depth += 1;
            }
            '》' if depth > 0 => {
                depth -= 1;
                if depth == 0 {
                    let inner = &text[open_at..i];
                    let trimmed = inner.trim();
                    // a quoted headline or sentence (`《定了！某某即将开通！》`) is no title of a work
                    let sentence = trimmed.chars().count() > 12
                        && trimmed.contains(['！', '？', '。', '!', '?']);
                    if !trimmed.is_empty() && !sentence {
                        let lead = inner.len() - inner.trim_start().len();
                        let s = open_at + lead;
                        out.push(Span {
                            start: s,
                            end: s + trimmed.len(),
                            kind: EntityType::Work,
                        });
                    }
                }
            }
            '\n' | '\r' => depth = 0,
            _ => {
                if depth > 0 {
                    chars += 1;
                    if chars > MAX_TITLE_CHARS {
                        depth = 0;
                    }
                }
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Latin-script names

/// Common acronyms and words that are not names when they stand alone in Chinese text.
const LATIN_STOP: &[&str] = &[
    "A",
    "AI",
    "API",
    "APP",
    "App",
    "app",
    "APPs",
    "Apps",
    "AR",
    "VR",
    "XR",
    "B2B",
    "B2C",
    "BUG",
    "Bug",
    "CEO",
    "CFO",
    "CTO",
    "COO",
    "CIO",
    "CMO",
    "VP",
    "SVP",
    "EVP",
    "IPO",
    "GDP",
    "CPI",
    "PPI",
    "PMI",
    "PC",
    "CPU",
    "GPU",
    "NPU",
    "SoC",
    "SOC",
    "RAM",
    "ROM",
    "SSD",
    "HDD",
    "USB",
    "LED",
    "LCD",
    "OLED",
    "IT",
    "ICT",
    "IoT",
    "OS",
    "UI",
    "UX",
    "ID",
    "IP",
    "PK",
    "VS",
    "vs",
    "OK",
    "PS",
    "PPT",
    "PDF",
    "TV",
    "DIY",
    "FAQ",
    "Q",
    "QA",
    "FY",
    "YoY",
    "MoM",
    "ETF",
    "LPR",
    "MLF",
    "ST",
    "PE",
    "VC",
    "EPS",
    "ROE",
    "M2",
    "M0",
    "M1",
    "H1",
    "H2",
    "Q1",
    "Q2",
    "Q3",
    "Q4",
    "KPI",
    "OTA",
    "SaaS",
    "PaaS",
    "IaaS",
    "B",
    "C",
    "D",
    "E",
    "F",
    "G",
    "H",
    "I",
    "J",
    "K",
    "L",
    "M",
    "N",
    "O",
    "P",
    "R",
    "S",
    "T",
    "U",
    "V",
    "W",
    "X",
    "Y",
    "Z",
    "Mr",
    "Ms",
    "Dr",
    "The",
    "A股",
    "NFT",
    "ESG",
    "IPv6",
    "WiFi",
    "Wi-Fi",
    "GPS",
    "NFC",
    "SIM",
    "eSIM",
    "HTML",
    "HTTP",
    "HTTPS",
    "URL",
    "WWW",
    "www",
    "JSON",
    "XML",
    "SDK",
    "CDN",
    "DNS",
    "VPN",
    "LTE",
    "MAC",
    "DRAM",
    "NAND",
    "PCIe",
    "DDR4",
    "DDR5",
    "LPDDR5",
    "HDR",
    "RGB",
    "FPS",
    "TDP",
    "PCB",
    "KOL",
    "UGC",
    "PGC",
    "MCN",
    "DAU",
    "MAU",
    "GMV",
    "ARPU",
    "O2O",
    "P2P",
    "OEM",
    "ODM",
    "R&D",
    "IDC",
    "ICP",
    "IPTV",
    "H5",
    "QR",
    "POS",
    "ATM",
    "RMB",
    "USD",
    "CNY",
    "HKD",
    "EUR",
    "JPY",
    "No",
    "NO",
    "Top",
    "TOP",
    "New",
    "NEW",
    "Pro",
    "Max",
    "Plus",
    "Ultra",
    "Mini",
    "Lite",
    "Beta",
    "beta",
    "Demo",
    "Logo",
    "LOGO",
    "Blog",
    "Wiki",
    "Mac",
    "Web",
    "WEB",
    "Online",
    "OFFICE",
    "Android版",
    "iOS版",
    "PLUS",
    "VIP",
    "SVIP",
    "CBD",
    "MBA",
    "PhD",
    "AM",
    "PM",
    "GMT",
    "UTC",
    "CST",
    "BTC",
    "ETH",
    "DeFi",
    "Fintech",
    "FinTech",
    "IM",
    "SNS",
    "BBS",
    "EDA",
    "AIoT",
    "5G",
    "4G",
    "3G",
    "2G",
    "6G",
    "4K",
    "8K",
    "2K",
    "3D",
    "2D",
    "TOB",
    "ToB",
    "ToC",
    "TOC",
    "LBS",
];

/// Units that follow a number (`16GB`, `5nm`): a token made of digits plus one of these is no name.
const UNITS: &[&str] = &[
    "gb", "tb", "mb", "kb", "pb", "g", "k", "m", "t", "w", "kw", "mw", "gw", "kwh", "mah", "wh",
    "v", "nm", "mm", "cm", "km", "m2", "hz", "khz", "mhz", "ghz", "fps", "ms", "s", "mbps", "gbps",
    "kbps", "mp", "p", "x", "gen", "th", "st", "nd", "rd", "b", "kg", "ml", "l", "mg", "cc", "bit",
    "bits", "am", "pm", "d",
];

/// Han characters that count words after a number (`2021 年`, `13 款`): a number followed by one of
/// them is a quantity or date, not a model number.
const COUNTERS: &str = "年月日号时点分秒个万亿千百元块角倍次款台部名家位人岁天周项条米克寸英间张份股只辆架层期届代季度成折级%％";

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric()
}

/// A Latin word: ASCII alphanumerics with internal `-` `.` `_` `&` `'` and trailing `+`.
fn latin_word_end(bytes: &[u8], start: usize) -> usize {
    let mut i = start;
    while i < bytes.len() {
        let b = bytes[i];
        let joiner = matches!(b, b'-' | b'.' | b'_' | b'&' | b'\'')
            && bytes.get(i + 1).is_some_and(|n| is_word_byte(*n))
            && i > start;
        if is_word_byte(b) || joiner || (b == b'+' && i > start) {
            i += 1;
        } else {
            break;
        }
    }
    i
}

fn is_unit_token(w: &str) -> bool {
    let digits = w
        .bytes()
        .take_while(|b| b.is_ascii_digit() || *b == b'.')
        .count();
    if digits == 0 {
        return false;
    }
    let rest = w[digits..].to_ascii_lowercase();
    rest.is_empty() || UNITS.contains(&rest.as_str())
}

/// Does the word look like a name part (has a capital or mixes letters and digits)?
fn namey(w: &str) -> bool {
    let has_upper = w.bytes().any(|b| b.is_ascii_uppercase());
    let has_alpha = w.bytes().any(|b| b.is_ascii_alphabetic());
    let has_digit = w.bytes().any(|b| b.is_ascii_digit());
    has_alpha && (has_upper || has_digit) && !is_unit_token(w)
}

fn capitalised(w: &str) -> bool {
    let mut it = w.bytes();
    it.next().is_some_and(|b| b.is_ascii_uppercase()) && it.all(|b| b.is_ascii_lowercase())
}

/// Ranges covered by URLs, e-mail addresses and file paths, which hold no names.
pub fn url_ranges(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let rest = &bytes[i..];
        let is_url = rest.starts_with(b"http://")
            || rest.starts_with(b"https://")
            || rest.starts_with(b"www.")
            || rest.starts_with(b"ftp://");
        if is_url {
            let s = i;
            while i < bytes.len()
                && bytes[i].is_ascii_graphic()
                && bytes[i] != b'>'
                && bytes[i] != b')'
            {
                i += 1;
            }
            out.push((s, i));
        } else {
            i += 1;
        }
    }
    out
}

/// Lines that are code or running foreign-language text: no Latin-script names are taken there.
fn foreign_lines(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut off = 0;
    for line in text.split_inclusive('\n') {
        let mut han = 0usize;
        let mut other = 0usize;
        for c in line.chars() {
            if is_han(c) {
                han += 1;
            } else if !c.is_whitespace() {
                other += 1;
            }
        }
        let code = ["$", "{", "}", ";", " = ", "->", "::", "\\", "</", "/>"]
            .iter()
            .any(|m| line.contains(m));
        if code || (other > 30 && han * 10 < other) {
            out.push((off, off + line.len()));
        }
        off += line.len();
    }
    out
}

/// Identifiers that are not names: `CVE-2021-43890`, `KB5014666`, `B2-20080118`, `a_b`.
fn is_identifier(w: &str) -> bool {
    if w.contains('_') {
        return true;
    }
    let numeric_parts = w
        .split('-')
        .filter(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
        .count();
    if numeric_parts >= 2
        || (numeric_parts >= 1
            && w.contains('-')
            && w.bytes().filter(|b| b.is_ascii_digit()).count() >= 5)
    {
        return true;
    }
    // part numbers: `AVX-512`, `HFC-134a`
    if w.split('-')
        .skip(1)
        .any(|p| p.bytes().take_while(|b| b.is_ascii_digit()).count() >= 3)
    {
        return true;
    }
    // letters then five or more digits
    let letters = w.bytes().take_while(|b| b.is_ascii_alphabetic()).count();
    let digits = w
        .bytes()
        .skip(letters)
        .take_while(|b| b.is_ascii_digit())
        .count();
    letters > 0 && digits >= 5
}

/// Shape of a single Latin word standing alone as a name candidate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// `AVX`, `TPM`: an acronym, ambiguous
    Acronym,
    /// `M410`, `H380`: one or two capitals and three or more digits, a model number
    Model,
    /// `AVX2`, `FP32`: other letter-digit mixes
    Code,
    /// `iOS`, `eXtend`, `macOS`: lower-case start with capitals
    LowerCamel,
    /// `SwiftUI`, `DevToolbox`: capital start with further capitals and lower case
    Camel,
    /// `Radeon`: a capitalised word
    Title,
    /// `user2k`: lower case with digits
    Other,
}

fn shape(w: &str) -> Shape {
    let b = w.as_bytes();
    let upper = b.iter().filter(|c| c.is_ascii_uppercase()).count();
    let lower = b.iter().filter(|c| c.is_ascii_lowercase()).count();
    let digit = b.iter().filter(|c| c.is_ascii_digit()).count();
    let first_upper = b.first().is_some_and(|c| c.is_ascii_uppercase());
    if lower == 0 && digit == 0 {
        return Shape::Acronym;
    }
    // `HFCs`, `GPUs`: plural acronyms; `fTPM`: an acronym with a one-letter prefix
    let n = b.len();
    if digit == 0 && lower == 1 && n >= 3 {
        if b[n - 1] == b's' && upper == n - 1 {
            return Shape::Acronym;
        }
        if b[0].is_ascii_lowercase() && upper == n - 1 && upper >= 3 {
            return Shape::Acronym;
        }
    }
    if lower == 0 {
        let lead = b.iter().take_while(|c| c.is_ascii_uppercase()).count();
        let rest_digits = b[lead..].iter().take_while(|c| c.is_ascii_digit()).count();
        if (1..=2).contains(&lead) && rest_digits >= 3 {
            return Shape::Model;
        }
        return Shape::Code;
    }
    if !first_upper {
        return if upper > 0 {
            Shape::LowerCamel
        } else {
            Shape::Other
        };
    }
    if upper >= 2 {
        return if digit > 0 && lower <= 1 {
            Shape::Code
        } else {
            Shape::Camel
        };
    }
    if digit > 0 {
        return Shape::Code;
    }
    Shape::Title
}

/// Latin-script name candidates: runs of up to five words joined by single spaces, each word with a
/// capital or a digit (`Steam Deck`, `iPhone 13`, `M1 Max`, `Hyper-V`), a trailing pure number
/// allowed as a model number unless a counter follows (`Windows 11` but not `Apple 2021 年`).
/// A lone word must look like a name: mixed case (`iOS`, `SwiftUI`), a model number (`M410`), or a
/// capitalised word used at least twice in the text; lone acronyms (`TPM`) and code-like tokens
/// (`FP32`) are left out. Code lines and English passages are skipped. All are typed PRODUCT here;
/// the caller retypes with the gazetteer and context.
pub fn latin(text: &str, skip: &[(usize, usize)]) -> Vec<Span> {
    let bytes = text.as_bytes();
    let mut skip: Vec<(usize, usize)> = skip.to_vec();
    skip.extend(foreign_lines(text));
    skip.sort_unstable();
    let word_count = latin_word_counts(text);
    let mut out = Vec::new();
    let mut si = 0; // index into sorted skip ranges
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        while si < skip.len() && skip[si].1 <= i {
            si += 1;
        }
        let skipped = si < skip.len() && skip[si].0 <= i && i < skip[si].1;
        let boundary = i == 0
            || !(is_word_byte(bytes[i - 1])
                || matches!(
                    bytes[i - 1],
                    b'/' | b'@' | b'.' | b'_' | b'\\' | b'=' | b'#' | b'-' | b'%' | b'&'
                ));
        if !(b.is_ascii_alphabetic() && boundary) || skipped {
            i += 1;
            continue;
        }
        let mut words = name_words(text, i);
        let run_end = latin_word_end(bytes, i).max(i + 1);
        if words.is_empty() {
            i = run_end;
            continue;
        }
        trim_name_words(text, &mut words);
        let (s0, mut end) = (words[0].0, words[words.len() - 1].1);
        while end > s0 && matches!(bytes[end - 1], b'.' | b'-' | b'_' | b'\'') {
            end -= 1;
        }
        let last_end = words[words.len() - 1].1;
        if accept_latin_name(text, &words, s0, end, &word_count) {
            out.push(Span {
                start: s0,
                end,
                kind: EntityType::Product,
            });
        }
        i = last_end.max(run_end);
        while i < bytes.len() && !text.is_char_boundary(i) {
            i += 1;
        }
    }
    out
}

/// Occurrences of each Latin word, for the lone capitalised-word test.
fn latin_word_counts(text: &str) -> std::collections::HashMap<&str, usize> {
    let bytes = text.as_bytes();
    let mut word_count = std::collections::HashMap::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_alphanumeric() && (i == 0 || !bytes[i - 1].is_ascii_alphanumeric()) {
            let e = latin_word_end(bytes, i);
            *word_count.entry(&text[i..e]).or_default() += 1;
            i = e.max(i + 1);
        } else {
            i += 1;
        }
    }
    word_count
}

/// The run of up to five name-like words starting at `i`, separated by single spaces.
fn name_words(text: &str, i: usize) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut words: Vec<(usize, usize)> = Vec::new();
    let mut j = i;
    loop {
        let e = latin_word_end(bytes, j);
        if e == j || !name_word_fits(text, j, e, words.is_empty()) {
            break;
        }
        words.push((j, e));
        if words.len() >= 5 {
            break;
        }
        if bytes.get(e) == Some(&b' ')
            && bytes.get(e + 1).is_some_and(|c| c.is_ascii_alphanumeric())
        {
            j = e + 1;
        } else {
            break;
        }
    }
    words
}

/// Whether the word `text[j..e]` may be part of a Latin name (`first`: it would start it).
fn name_word_fits(text: &str, j: usize, e: usize, first: bool) -> bool {
    let w = &text[j..e];
    let first_alpha = w.as_bytes()[0].is_ascii_alphabetic();
    if is_identifier(w) {
        false
    } else if first {
        namey(w) || capitalised(w)
    } else if w.bytes().all(|c| c.is_ascii_digit() || c == b'.') {
        // model or version number (`11`, `22.2`, `1207`): not a year, not followed by a
        // counter
        let after = text[e..].trim_start_matches(' ');
        let digits = w.bytes().filter(|c| c.is_ascii_digit()).count();
        let year = w.len() == 4 && (w.starts_with("19") || w.starts_with("20"));
        w.as_bytes()[0].is_ascii_digit()
            && digits <= 4
            && w.len() <= 6
            && !year
            && !after.chars().next().is_some_and(|c| COUNTERS.contains(c))
    } else {
        first_alpha && (namey(w) || capitalised(w))
    }
}

/// Trims role words at the front (`CEO Tim Cook`) and generic words at the back (`iPhone App`).
fn trim_name_words(text: &str, words: &mut Vec<(usize, usize)>) {
    let is_role = |w: &str| {
        matches!(
            w,
            "CEO" | "CFO" | "CTO" | "COO" | "VP" | "SVP" | "EVP" | "Dr" | "Mr" | "Ms" | "The"
        )
    };
    while words.len() > 1 && is_role(&text[words[0].0..words[0].1]) {
        words.remove(0);
    }
    while let Some(&(ls, le)) = words.last().filter(|_| words.len() > 1) {
        let generic = matches!(
            &text[ls..le],
            "App"
                | "APP"
                | "Apps"
                | "APPs"
                | "app"
                | "CPU"
                | "CPUs"
                | "GPU"
                | "GPUs"
                | "NPU"
                | "APU"
                | "SoC"
                | "PC"
                | "ROM"
                | "RAM"
                | "SSD"
                | "Inc"
                | "Corp"
                | "Ltd"
                | "Co"
        );
        if !generic {
            break;
        }
        words.pop();
    }
}

/// Whether the trimmed words `text[s0..end]` name something: not part of a path or code, and
/// a single word only with a name shape its context supports.
fn accept_latin_name(
    text: &str,
    words: &[(usize, usize)],
    s0: usize,
    end: usize,
    word_count: &std::collections::HashMap<&str, usize>,
) -> bool {
    let bytes = text.as_bytes();
    let last_end = words.last().map_or(end, |w| w.1);
    let surface = &text[s0..end];
    let next_byte = bytes.get(last_end).copied();
    let in_path = matches!(next_byte, Some(b'/' | b'@' | b'=' | b'(' | b'\\' | b'_'))
        || (matches!(next_byte, Some(b'.'))
            && bytes
                .get(last_end + 1)
                .is_some_and(|c| c.is_ascii_alphabetic()));
    if in_path || s0 >= end {
        false
    } else if words.len() == 1 {
        !LATIN_STOP.contains(&surface)
            && !UNITS.contains(&surface.to_ascii_lowercase().as_str())
            && !letter_hyphen_term(surface)
            && surface.len() >= 2
            && match shape(surface) {
                Shape::Model | Shape::LowerCamel | Shape::Camel => true,
                Shape::Title => {
                    word_count.get(surface).copied().unwrap_or(0) >= 2
                        || category_after_coord(text, end)
                }
                Shape::Code | Shape::Other => {
                    category_after_coord(text, end) || person_role_before(text, s0)
                }
                Shape::Acronym => false,
            }
    } else {
        // several words: at least one must carry a capital, and the phrase must not end
        // in a generic technical noun (`Variable Rate Shading`, `Exception Level 2`)
        words
            .iter()
            .any(|&(a, b)| text[a..b].bytes().any(|c| c.is_ascii_uppercase()))
            && !term_phrase(&words.iter().map(|&(a, b)| &text[a..b]).collect::<Vec<_>>())
    }
}

/// Is `w` an all-capital acronym (`TPM`, `AGESA`)?
pub fn is_acronym(w: &str) -> bool {
    w.len() >= 2 && shape(w) == Shape::Acronym
}

/// Does a single Latin word have the shape of a name by itself (`HDMI` no, `M410`, `iOS`,
/// `SwiftUI` yes)?
pub fn lone_name_shape(w: &str) -> bool {
    !w.contains(' ')
        && !LATIN_STOP.contains(&w)
        && matches!(shape(w), Shape::Model | Shape::LowerCamel | Shape::Camel)
}

/// Generic English nouns that end a technical term rather than a name: a Title Case phrase
/// ending in one of them (`Secure Boot`, `XML Paper Specification`) is a concept.
const TERM_TAILS: &[&str] = &[
    "Specification",
    "Specifications",
    "Standard",
    "Network",
    "Networks",
    "Shading",
    "Shader",
    "Shaders",
    "Rendering",
    "Tracing",
    "Sampling",
    "Scaling",
    "Level",
    "Levels",
    "Mode",
    "Modes",
    "Protocol",
    "Format",
    "Architecture",
    "Design",
    "Boot",
    "Purchase",
    "Algorithm",
    "Method",
    "Interface",
    "Layer",
    "Learning",
    "Intelligence",
    "Computing",
    "Processing",
    "Encryption",
    "Security",
    "Memory",
    "Storage",
    "Policy",
    "Settings",
    "Mechanism",
    "Feature",
    "Features",
];

/// Is a multi-word Latin run a technical term (last word, before a trailing number, generic)?
pub(crate) fn term_phrase(words: &[&str]) -> bool {
    let mut ws = words;
    while let Some((last, rest)) = ws.split_last() {
        if last.bytes().all(|b| b.is_ascii_digit() || b == b'.') && !rest.is_empty() {
            ws = rest;
        } else {
            break;
        }
    }
    ws.len() >= 2 && ws.last().is_some_and(|w| TERM_TAILS.contains(w))
}

/// Community roles before a Latin-script user name.
pub const LATIN_PERSON_ROLES: &[&str] = &[
    "成员",
    "开发者",
    "开发人员",
    "研究员",
    "研究人员",
    "网友",
    "博主",
    "用户",
    "爆料者",
    "爆料人",
    "推主",
    "玩家",
    "作者",
    "工程师",
    "程序员",
    "黑客",
];

/// Is a community role (`开发者`) right before `pos`?
fn person_role_before(text: &str, pos: usize) -> bool {
    let before = text.get(..pos).unwrap_or("").trim_end_matches(' ');
    LATIN_PERSON_ROLES.iter().any(|t| before.ends_with(t))
}

/// Kinds of product that follow a product's name (`K7 芯片`, `Vexa 模拟器`).
const PRODUCT_CATEGORIES: &[&str] = &[
    "芯片",
    "处理器",
    "手机",
    "主板",
    "显卡",
    "机型",
    "车型",
    "汽车",
    "轿车",
    "模拟器",
    "笔记本",
    "平板",
    "电脑",
    "相机",
    "耳机",
    "手表",
    "游戏机",
    "主机",
    "浏览器",
    "恶意软件",
    "病毒",
    "木马",
    "内核",
    "架构",
    "操作系统",
    "数据库",
    "编辑器",
    "客户端",
    "插件",
    "框架",
    "引擎",
];

/// Is a product category word right after `pos`, directly or after one short qualifier
/// (`LX9 台式处理器`, `Q5E 新能源汽车`)?
pub fn category_after(text: &str, pos: usize) -> bool {
    let rest = text.get(pos..).unwrap_or("").trim_start_matches(' ');
    let han: String = rest.chars().take_while(|c| is_han(*c)).take(6).collect();
    if han.is_empty() {
        return false;
    }
    // the qualifier is no clause (`甚至在手机上`)
    PRODUCT_CATEGORIES.iter().any(|c| {
        han.find(c).is_some_and(|i| {
            han[..i].chars().count() <= 3
                && !han[..i]
                    .chars()
                    .any(|ch| "的了在是和与及或也都把被给向从对上甚至".contains(ch))
        })
    })
}

/// `category_after`, also across a coordinated Latin name (`Foo 和 Bar 恶意软件`: both are
/// malware names).
pub fn category_after_coord(text: &str, pos: usize) -> bool {
    if category_after(text, pos) {
        return true;
    }
    let rest = text.get(pos..).unwrap_or("").trim_start_matches(' ');
    let Some(after) = ["和", "与", "及", "、", "或"]
        .iter()
        .find_map(|c| rest.strip_prefix(c))
    else {
        return false;
    };
    let after = after.trim_start_matches(' ');
    let word = latin_word_end(after.as_bytes(), 0);
    word > 0 && category_after(after, word)
}

/// `E-Core`, `X-ray`: a single capital, a hyphen and a word is a term, not a name.
fn letter_hyphen_term(w: &str) -> bool {
    let b = w.as_bytes();
    b.len() > 2
        && b[0].is_ascii_uppercase()
        && b[1] == b'-'
        && b[2..].iter().all(|c| c.is_ascii_alphabetic())
}

/// A word of a Western personal name: `Smith`, `McBride`, `O'Neil`.
fn name_word(w: &str) -> bool {
    let b = w.as_bytes();
    b.len() >= 2
        && b[0].is_ascii_uppercase()
        && b[1..]
            .iter()
            .all(|c| c.is_ascii_alphabetic() || *c == b'\'' || *c == b'-')
        && b[1..].iter().filter(|c| c.is_ascii_uppercase()).count() <= 1
        && b.get(1).is_some_and(|c| c.is_ascii_lowercase())
}

/// `Firstname Lastname`: two to four capitalised words.
pub fn looks_like_western_person(s: &str) -> bool {
    let ws: Vec<&str> = s.split(' ').collect();
    (2..=4).contains(&ws.len()) && ws.iter().all(|w| name_word(w))
}

// ---------------------------------------------------------------------------------------------
// Transliterated names with a middle dot

const NAME_DOTS: &[char] = &['·', '•', '・', '‧', '∙'];

/// Han characters common in transliterated foreign names.
const TRANSLIT: &str = "卫娅茜妮大瑟茨娃柏贡嘉蓓黛璐薇翰迦萝琪芙巴阿埃艾爱安昂奥巴拜班邦保鲍贝本比彼毕宾波伯博布查达戴丹道德登邓迪蒂丁东杜多顿厄恩尔法范菲费芬弗福夫盖甘冈戈哥格葛根古圭哈海汉豪赫亨洪胡华霍基吉纪加贾杰金卡凯坎康柯科克肯库夸奎拉莱赖兰朗劳勒雷蕾黎里理丽利莉连林琳留卢鲁路伦罗洛吕玛马迈麦曼梅蒙米明莫姆穆娜纳奈南内妮尼宁纽努诺欧帕潘佩彭皮珀普奇齐乔琴丘裘热瑞若萨塞桑森沙莎尚什史舒斯丝松苏索塔泰坦汤唐特提汀图托瓦万威韦维温沃乌伍西希锡夏谢辛休雅亚扬耶伊因英尤于约泽扎詹朱兹佐克琼巴";

pub fn translit_char(c: char) -> bool {
    in_chars(&TRANSLIT_SET, TRANSLIT, c)
}

/// Transliterated foreign names written with a middle dot (`迈克尔·乔丹`, `马克 · 扎克伯格`): PER.
/// Each part is a run of transliteration characters (at most eight), spaces around the dot allowed.
pub fn dotted_names(text: &str) -> Vec<Span> {
    let mut out: Vec<Span> = Vec::new();
    for (i, c) in text.char_indices() {
        if !NAME_DOTS.contains(&c) {
            continue;
        }
        // left part
        let left = &text[..i];
        let left_trim = left.trim_end_matches(' ');
        let mut ls = left_trim.len();
        let mut n = 0;
        for (j, ch) in left_trim.char_indices().rev() {
            if translit_char(ch) && n < 8 {
                ls = j;
                n += 1;
            } else {
                break;
            }
        }
        if n == 0 {
            continue;
        }
        // right part
        let after = i + c.len_utf8();
        let right = &text[after..];
        let lead = right.len() - right.trim_start_matches(' ').len();
        let rs = after + lead;
        let mut re = rs;
        let mut m = 0;
        for (j, ch) in text[rs..].char_indices() {
            if translit_char(ch) && m < 8 {
                re = rs + j + ch.len_utf8();
                m += 1;
            } else {
                break;
            }
        }
        if m == 0 {
            continue;
        }
        // chain with a previous dotted name that ends where this one's left part starts
        if let Some(last) = out.last_mut()
            && last.end == left_trim.len()
            && last.start <= ls
        {
            last.end = re;
            continue;
        }
        out.push(Span {
            start: ls,
            end: re,
            kind: EntityType::Per,
        });
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Chinese personal names

/// Common Chinese surnames (single and compound).
const SURNAMES: &str = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝官封谈匡鞠惠荆乐冀郁胥南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜海阚花权强帅屠豆朴盖练廉禹井祖漆巴丰支卿国狄平计索宣晋相初门云容敬来扈晁芮都普阙浦戈伏鹿薄邸雍辜羊阿乌母裘亓修邰赫杭况那宿鲜印逯隆茹诸战慕危玉银亢嵇公哈湛宾戎勾茅利於呼居揭干但尉冶斯元束檀衣信展阴昝智幸奉植衡富尧闭由";
const COMPOUND_SURNAMES: &[&str] = &[
    "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒",
    "夏侯", "轩辕", "令狐", "端木", "独孤", "南宫", "西门", "百里", "呼延", "万俟", "单于",
];

/// Characters common in Chinese given names. A tagged "name" whose given part uses other
/// characters is usually an ordinary word (许可证, 安全性).
const GIVEN_NAME_CHARS: &str = "一丁三世丙东中丰丹丽义之乐乙书乾二云亥亦亨京亭亮仁仲伊伟伦伯佩佳依俊保信俭倩健元先光全兰兴兵军冬冰凌凡凤凯凰刚创初利力功励劲勇勋勤升华卓南博卫卯叔可叶吉向君启和哲善喆喜嘉国均坚坤垚城培基堂堃壬壮夏大天奕妍妤妮姗姝姣威娅娇娜娟娣娥娴婉婕婧婵婷媚媛嫣嫦子孝孟季学宁宇安宏宗定宜宝宪家宸宾寅富小少尧展山岚岩岳峥峰峻崇嵘嵩巍川州己帆希平庆庚庭康廉廷建开弈弘强彤彦彪彬律德心忆志忠念怀思怡恩恭悦惠意慈慧戊戌成才承拓振挺捷政敏敬文斌斐斯新方旭旺昆昊昌明昕春昭显晋晏晓晔晖晗晟晨晴晶智暄曦朗权材杨杭杰松林枫柏柯柱柳栋树桂桐桦梁梅梓梦梧棋森楠楷欢欣正武毅毓民永江汤沁沛沪河治泉泓法波泰泽洋津洪浩海涌涛润涵淇淑淳淼清渝湖湘源溪滔潇澄澜瀚灵灿炎炜炳烨焕焱然煌照熙熠熹燕燚爱玉环现珂珊珍珏珠理琛琦琨琪琰琳琴琼瑛瑜瑞瑶瑾璇璋璐璟璨生甲申电画畅癸白皓皖益盛真睿石碧磊礼祖祥祺福禹秀秋程穆立竹笑笛筱篱粤紫繁红纲继美翀翔翠翰耀聪胜腾至致臻舒舜舟航良艳艺芊芝芬芳芷芸芹苏苗若英苹茂茜茵荣荷莉莎莲莹菁菊菲萌萍萱蒙蓉蓓蓝蓬蔚蕊蕙蕴蕾薇虎让设诗诚语谦豪豫豹贞贤贵贺赫超越跃路轩轶辉辛辰达近进远迪逊途通逸道遥邦酉金鑫钊钢钧钰铁铎铭铮银锋锐镇长闵闻闽阔阳隆雄雅雨雪雯雷霆霏霖霜霞露青靖静韬音韵顺颖飞香馨驰骁骏鲁鸿鹏鹤鹰默黛鼎龙";

/// The part of a Chinese name after its surname.
fn given_part(name: &str) -> &str {
    if let Some(c) = COMPOUND_SURNAMES.iter().find(|s| name.starts_with(**s)) {
        return &name[c.len()..];
    }
    name.char_indices()
        .nth(1)
        .map(|(i, _)| &name[i..])
        .unwrap_or("")
}

/// Does the given part of `name` use only common given-name characters?
pub fn given_name_plausible(name: &str) -> bool {
    let g = given_part(name);
    !g.is_empty() && g.chars().all(|c| in_chars(&GIVEN_SET, GIVEN_NAME_CHARS, c))
}

/// Is the given part of `name` made only of transliteration characters (`马戈尔`)?
pub fn given_name_translit(name: &str) -> bool {
    let g = given_part(name);
    !g.is_empty() && g.chars().all(translit_char)
}

pub fn has_surname(name: &str) -> bool {
    COMPOUND_SURNAMES.iter().any(|s| name.starts_with(s))
        || name
            .chars()
            .next()
            .is_some_and(|c| in_chars(&SURNAME_SET, SURNAMES, c))
}

/// Two to four Han characters starting with a surname.
pub fn chinese_name_shape(w: &str) -> bool {
    let n = w.chars().count();
    (2..=4).contains(&n) && w.chars().all(is_han) && has_surname(w)
}

fn say_verbs() -> &'static HashSet<&'static str> {
    static S: OnceLock<HashSet<&'static str>> = OnceLock::new();
    S.get_or_init(|| SAY_VERBS.iter().copied().collect())
}

fn title_words() -> &'static HashSet<&'static str> {
    static S: OnceLock<HashSet<&'static str>> = OnceLock::new();
    S.get_or_init(|| TITLES.iter().copied().collect())
}

/// Verbs of saying that follow a speaker.
pub const SAY_VERBS: &[&str] = &[
    "表示",
    "称",
    "指出",
    "认为",
    "说",
    "介绍",
    "坦言",
    "透露",
    "强调",
    "告诉",
    "回应",
    "提到",
    "解释",
    "建议",
    "分析",
    "直言",
    "坦承",
    "说道",
    "谈到",
    "补充",
    "提醒",
    "预计",
    "判断",
    "提出",
    "呼吁",
    "称赞",
    "质疑",
    "感叹",
    "总结",
    "评价",
    "回忆",
    "证实",
    "承认",
    "宣布",
    "发文",
    "写道",
    "曾表示",
    "此前表示",
];

/// Job titles and roles that precede a name (`董事长张三`, `记者李四`).
pub const TITLES: &[&str] = &[
    "记者",
    "编辑",
    "责编",
    "主编",
    "作者",
    "通讯员",
    "实习生",
    "董事长",
    "总经理",
    "总裁",
    "副总裁",
    "经理",
    "创始人",
    "联合创始人",
    "CEO",
    "CFO",
    "CTO",
    "COO",
    "行长",
    "副行长",
    "部长",
    "副部长",
    "局长",
    "副局长",
    "主任",
    "副主任",
    "主席",
    "副主席",
    "秘书长",
    "院长",
    "所长",
    "校长",
    "教授",
    "研究员",
    "分析师",
    "经济学家",
    "首席经济学家",
    "律师",
    "发言人",
    "负责人",
    "董事",
    "总监",
    "合伙人",
    "理事长",
    "会长",
    "副会长",
    "市长",
    "省长",
    "书记",
    "总统",
    "总理",
    "首相",
    "博士",
    "专家",
    "高管",
    "工程师",
    "先生",
    "女士",
    "老师",
    "医生",
    "处长",
    "科长",
    "厅长",
    "委员",
    "代表",
    "副总经理",
    "执行董事",
    "总编辑",
    "主播",
    "创办人",
    "掌门人",
];

/// Byline and source markers: `编辑：张三`, `记者 李四`, `整理 | 王五`, `来源：新华社`.
const BYLINE_PER: &[&str] = &[
    "责任编辑",
    "编辑",
    "责编",
    "主编",
    "记者",
    "作者",
    "通讯员",
    "实习生",
    "撰文",
    "整理",
    "校对",
    "审核",
    "审校",
    "编译",
    "翻译",
    "采写",
    "摄影",
    "文",
];
const BYLINE_SEP: &[char] = &['：', ':', '|', '｜', '丨', '/', '／'];

/// Bylines: people after editor/reporter markers, outlets after `来源`.
pub fn bylines(text: &str) -> Vec<Span> {
    let mut out = Vec::new();
    let firsts: Vec<char> = BYLINE_PER
        .iter()
        .filter_map(|m| m.chars().next())
        .chain(['来'])
        .collect();
    for (i, ch) in text.char_indices() {
        if !firsts.contains(&ch) {
            continue;
        }
        let rest = &text[i..];
        if let Some(after) = rest.strip_prefix("来源") {
            out.extend(source_line(text, i, after));
        } else if let Some(marker) = BYLINE_PER.iter().find(|m| rest.starts_with(**m)) {
            byline_names(text, i, marker, &mut out);
        }
    }
    out
}

/// The outlet of a `来源：X` line starting at byte `i` (`after`: the text after `来源`).
fn source_line(text: &str, i: usize, after: &str) -> Option<Span> {
    // the marker must start a line or follow a space/bracket
    let before = text[..i].chars().next_back();
    if before.is_some_and(|c| !(c.is_whitespace() || "（(【[|｜丨".contains(c))) {
        return None;
    }
    let after_t = after.trim_start_matches(' ');
    let sep = after_t.chars().next()?;
    if !BYLINE_SEP.contains(&sep) {
        return None;
    }
    let val = &after_t[sep.len_utf8()..];
    let val_t = val.trim_start_matches([' ', '\u{3000}']);
    let s = i
        + "来源".len()
        + (after.len() - after_t.len())
        + sep.len_utf8()
        + (val.len() - val_t.len());
    let mut len = 0;
    let mut n = 0;
    for (j, c) in val_t.char_indices() {
        let ok = is_han(c)
            || c.is_ascii_alphanumeric()
            || (c == ' '
                && val_t[j + 1..].starts_with(|x: char| x.is_ascii_alphanumeric())
                && j > 0);
        if !ok || n >= 20 {
            break;
        }
        len = j + c.len_utf8();
        n += 1;
    }
    let v = &text[s..s + len];
    (n >= 2 && !v.starts_with("网络") && !v.starts_with("互联网")).then_some(Span {
        start: s,
        end: s + len,
        kind: EntityType::Org,
    })
}

/// The names after a byline marker (`记者 张三 李四`, `编辑：王五`) at byte `i`.
fn byline_names(text: &str, i: usize, marker: &str, out: &mut Vec<Span>) {
    let Some((mut pos, had_sep)) = byline_start(text, i, marker) else {
        return;
    };
    // one or more names (at most four) separated by spaces or 、, only after a separator
    for _ in 0..4 {
        let seg = &text[pos..];
        pos += seg.len() - seg.trim_start_matches([' ', '\u{3000}', '、']).len();
        let Some(name_end) = byline_name_at(text, pos, had_sep) else {
            return;
        };
        out.push(Span {
            start: pos,
            end: name_end,
            kind: EntityType::Per,
        });
        pos = name_end;
        let more = matches!(text[pos..].chars().next(), Some(' ' | '、' | '\u{3000}'));
        if !(had_sep && more) {
            return;
        }
    }
}

/// Where the names after the byline marker at `i` start, and whether an explicit separator
/// (`记者：`) came first; None when the marker is part of a word (`编辑部`) or needs a separator.
fn byline_start(text: &str, i: usize, marker: &str) -> Option<(usize, bool)> {
    // marker at line start, after white space or a separator/bracket
    let before = text[..i].chars().next_back();
    if before.is_some_and(|c| !(c.is_whitespace() || "（(【[|｜丨：:，,。".contains(c))) {
        return None;
    }
    let after = &text[i + marker.len()..];
    let after_t = after.trim_start_matches([' ', '\u{3000}']);
    let pos = i + marker.len() + (after.len() - after_t.len());
    // without a separator, a space must follow, except after 记者 and 通讯员 (`记者张三`)
    let spaced = after.len() != after_t.len();
    let reporter = marker.starts_with("记者") || marker == "通讯员";
    match after_t.chars().next().filter(|c| BYLINE_SEP.contains(c)) {
        Some(sep) => Some((pos + sep.len_utf8(), true)),
        None if marker == "文" => None,
        None if !(spaced || reporter) => None,
        None => Some((pos, false)),
    }
}

/// Words that follow a reporter's name in a byline (`记者张三报道`) and are cut from it.
const BYLINE_TAILS: [&str; 8] = [
    "报道",
    "摄影",
    "摄",
    "发自",
    "综合报道",
    "编辑",
    "实习",
    "通讯员",
];

/// The end of a byline name of two to four Han characters starting at `pos`, or None. Without
/// a separator only names of at most three characters count, since a four-character run there
/// is as often a name plus the next word.
fn byline_name_at(text: &str, pos: usize, had_sep: bool) -> Option<usize> {
    let run: usize = text[pos..]
        .chars()
        .take_while(|&c| is_han(c))
        .take(4)
        .map(char::len_utf8)
        .sum();
    let run_chars = text[pos..pos + run].chars().count();
    let mut name = &text[pos..pos + run];
    for tail in BYLINE_TAILS {
        if let Some(h) = name.strip_suffix(tail) {
            name = h;
        }
    }
    let nlen = name.chars().count();
    let cut = name.len() < run;
    let next = text[pos + name.len()..].chars().next();
    let clean_end = run_chars < 4 || !next.is_some_and(is_han) || cut;
    // after an explicit separator, a three-character name standing alone on its line
    // may have a rare surname (`编辑 | 禤某某`)
    let alone =
        had_sep && nlen == 3 && !cut && matches!(next, None | Some('\n' | '\r' | ' ' | '\u{3000}'));
    let is_name = (2..=4).contains(&nlen)
        && (has_surname(name) || alone)
        && (clean_end || nlen <= 3)
        && (had_sep || nlen <= 3);
    is_name.then_some(pos + name.len())
}

/// Speaker names from the tag pass: a surname-initial 2-4 character token (or surname token plus
/// given-name token) followed by a verb of saying, or preceded by a job title.
pub fn speakers(text: &str, toks: &[Tok]) -> Vec<Span> {
    let mut out = Vec::new();
    let cues = SpeakerCues::new(toks);
    for k in 0..toks.len() {
        let t = &toks[k];
        // candidate spans starting at token k: the token alone or merged with the next one
        let pair = k + 1 < toks.len() && toks[k + 1].bs == t.be;
        let cands = [(k, k), (k, k + 1)];
        for &(a, b) in &cands[..if pair { 2 } else { 1 }] {
            out.extend(speaker_at(text, toks, &cues, a, b));
        }
        // `张伟称/nr`: the tagger glued a one-character verb of saying to the name
        if t.tag.starts_with("nr")
            && let Some(head) = t
                .word
                .strip_suffix('称')
                .or_else(|| t.word.strip_suffix('说'))
            && chinese_name_shape(head)
            && head.chars().count() <= 3
        {
            out.push(Span {
                start: t.bs,
                end: t.bs + head.len(),
                kind: EntityType::Per,
            });
        }
    }
    out
}

/// Which tokens are verbs of saying and which are job titles.
struct SpeakerCues {
    say: Vec<bool>,
    title: Vec<bool>,
}

impl SpeakerCues {
    fn new(toks: &[Tok]) -> SpeakerCues {
        // which tokens are verbs of saying / job titles (first-character filter, then the set)
        let firsts = |list: &'static [&'static str], cell: &'static OnceLock<Vec<char>>| {
            cell.get_or_init(|| {
                let mut v: Vec<char> = list.iter().filter_map(|w| w.chars().next()).collect();
                v.sort_unstable();
                v.dedup();
                v
            })
        };
        static SAY_FIRST: OnceLock<Vec<char>> = OnceLock::new();
        static TITLE_FIRST: OnceLock<Vec<char>> = OnceLock::new();
        let (say_first, title_first) =
            (firsts(SAY_VERBS, &SAY_FIRST), firsts(TITLES, &TITLE_FIRST));
        let starts_in = |w: &str, v: &Vec<char>| {
            w.chars()
                .next()
                .is_some_and(|c| v.binary_search(&c).is_ok())
        };
        let say: Vec<bool> = toks
            .iter()
            .map(|t| starts_in(t.word, say_first) && say_verbs().contains(t.word))
            .collect();
        let title: Vec<bool> = toks
            .iter()
            .map(|t| starts_in(t.word, title_first) && title_words().contains(t.word))
            .collect();
        SpeakerCues { say, title }
    }
}

/// The tokens `a..=b` as a speaker's name, when a verb of saying follows or a job title
/// precedes them and they have a name's shape.
fn speaker_at(text: &str, toks: &[Tok], cues: &SpeakerCues, a: usize, b: usize) -> Option<Span> {
    let (is_say, is_title) = (&cues.say, &cues.title);
    let s = toks[a].bs;
    let e = toks[b].be;
    // context first (cheap): a verb of saying after or a job title before
    let say = toks.get(b + 1).is_some_and(|x| x.bs == e) && is_say.get(b + 1) == Some(&true);
    let titled = a > 0 && toks[a - 1].be == s && is_title[a - 1];
    if !(say || titled) {
        return None;
    }
    let w = &text[s..e];
    let translit =
        a == b && toks[a].tag == "nrt" && w.chars().count() >= 2 && w.chars().all(translit_char);
    if !(translit || chinese_name_shape(w)) || w.chars().count() > 4 {
        return None;
    }
    // `张伟称`: handled below as a name plus a glued verb
    if w.chars().count() == 3 && (w.ends_with('称') || w.ends_with('说')) {
        return None;
    }
    // a Chinese name needs given-name characters (公司 before 表示 is no speaker), and a
    // lone token must not be a verb, adverb etc.
    // a single three-character token the tagger calls a name may have a rarer given
    // name when a verb of saying follows (`陈某焯称赞`)
    let rare_ok = a == b
        && say
        && toks[a].tag.starts_with("nr")
        && w.chars().count() == 3
        && !given_name_translit(w);
    if !translit && !given_name_plausible(w) && !rare_ok {
        return None;
    }
    if a == b && !(toks[a].tag.starts_with('n') || matches!(toks[a].tag, "x" | "j" | "" | "eng")) {
        return None;
    }
    if a != b && (toks[a].word.chars().count() > 2 || w.chars().count() > 3) {
        return None;
    }
    // a merged name is a surname token plus a given-name token of at most two characters
    if a != b
        && (toks[b].word.chars().count() > 2
            || !toks[b].word.chars().all(is_han)
            || toks[b].tag.starts_with('v')
            || toks[b].tag == "x")
    {
        return None;
    }
    // companies speak too (`霍尼韦尔表示`): a transliteration needs a job title before it
    ((say && !translit) || titled).then_some(Span {
        start: s,
        end: e,
        kind: EntityType::Per,
    })
}

// ---------------------------------------------------------------------------------------------
// Organisations by suffix

/// Words that end an organisation name.
pub const ORG_SUFFIXES: &[&str] = &[
    "有限责任公司",
    "股份有限公司",
    "有限公司",
    "公司",
    "集团",
    "控股",
    "银行",
    "大学",
    "学院",
    "研究院",
    "研究所",
    "研究中心",
    "实验室",
    "协会",
    "学会",
    "商会",
    "联合会",
    "基金会",
    "交易所",
    "委员会",
    "管理局",
    "监管局",
    "总局",
    "局",
    "部",
    "厅",
    "署",
    "法院",
    "检察院",
    "医院",
    "报社",
    "电视台",
    "出版社",
    "俱乐部",
    "事务所",
    "证券",
    "保险",
    "信托",
    "基金",
    "中心",
    "办公室",
    "联盟",
    "工作室",
    "科技",
    "网络",
    "集团公司",
    "政府",
    "国务院",
    "股份",
    "药业",
    "能源",
    "电子",
    "实业",
    "传媒",
    "医药",
    "化工",
    "矿业",
    "物流",
    "航空",
    "置业",
    "地产",
    "电气",
    "环保",
    "生物",
    "新材",
    "材料",
    "通信",
    "汽车",
    "证监局",
    "监管局",
    "分局",
    "支行",
    "分行",
    "党工委",
    "党委",
    "工委",
    "管委会",
    "办事处",
    "分校",
    "分院",
    "分会",
    "风电",
    "电力",
    "制药",
    "光电",
];

/// Industry words that end a listed company's short name (`某某科技`, `某某药业`).
const INDUSTRY_WORDS: &[&str] = &[
    "科技", "股份", "药业", "医药", "制药", "能源", "电子", "实业", "传媒", "化工", "矿业", "物流",
    "航空", "置业", "地产", "电气", "环保", "生物", "新材", "材料", "通信", "汽车", "控股", "集团",
    "银行", "证券", "风电", "电力", "光电", "智能", "信息", "软件", "网络", "食品", "农业", "重工",
    "机械", "装备", "建设", "文化", "旅游", "教育", "健康", "资本", "钢铁", "水泥", "纺织", "服饰",
];

/// Words that make a place name into the name of a zone within it (`广东自贸区`).
const PLACE_ZONE_WORDS: &[&str] = &[
    "自贸区",
    "自贸试验区",
    "自由贸易试验区",
    "新区",
    "开发区",
    "高新区",
    "经开区",
    "经济开发区",
    "保税区",
    "综合保税区",
    "试验区",
    "示范区",
    "片区",
    "港区",
    "工业园",
    "工业园区",
    "产业园",
    "科技园",
    "大湾区",
    "都市圈",
    "城市群",
    "经济带",
];

/// Zones named after a place: a place (a token tagged `ns`, or a place candidate ending where the
/// token starts) right before a zone word (`上海自贸区`, `某某新区`). LOC.
pub fn composite_places(toks: &[Tok], loc_ends: &HashSet<usize>) -> Vec<Span> {
    let mut out = Vec::new();
    static ZONES: OnceLock<HashSet<&'static str>> = OnceLock::new();
    let zones = ZONES.get_or_init(|| PLACE_ZONE_WORDS.iter().copied().collect());
    for j in 1..toks.len() {
        let z = &toks[j];
        // cheap last-character filter before the set lookup
        let last = z.word.chars().next_back();
        if !matches!(last, Some('区' | '园' | '带' | '圈' | '群')) || !zones.contains(z.word) {
            continue;
        }
        let p = &toks[j - 1];
        if p.be != z.bs || !(p.tag == "ns" || loc_ends.contains(&p.be)) {
            continue;
        }
        if !p.word.chars().all(is_han) {
            continue;
        }
        out.push(Span {
            start: p.bs,
            end: z.be,
            kind: EntityType::Loc,
        });
    }
    out
}

/// Words that end the name of a facility or a man-made place (`某某国际邮轮母港`, `某某机场`).
const FACILITY_WORDS: &[&str] = &[
    "母港",
    "港口",
    "机场",
    "码头",
    "火车站",
    "高铁站",
    "地铁站",
    "客运站",
    "港站",
    "大桥",
    "隧道",
    "广场",
    "公园",
    "景区",
    "湿地",
    "水库",
    "大道",
    "商圈",
    "金融街",
    "步行街",
    "产业园",
    "科学城",
];

/// Facilities named after their place: a place (a token tagged `ns` or a place candidate
/// starting there, `loc_starts`) followed by at most three noun tokens and a facility word
/// (`某市某区国际邮轮母港`). LOC.
pub fn facility_places(toks: &[Tok], loc_starts: &HashSet<usize>) -> Vec<Span> {
    let mut out = Vec::new();
    static FACILITIES: OnceLock<HashSet<&'static str>> = OnceLock::new();
    let facilities = FACILITIES.get_or_init(|| FACILITY_WORDS.iter().copied().collect());
    for j in 1..toks.len() {
        let last = toks[j].word.chars().next_back();
        let maybe = matches!(
            last,
            Some(
                '港' | '口'
                    | '场'
                    | '头'
                    | '站'
                    | '桥'
                    | '道'
                    | '园'
                    | '地'
                    | '库'
                    | '圈'
                    | '街'
                    | '城'
                    | '区'
            )
        );
        if !maybe || !facilities.contains(toks[j].word) {
            continue;
        }
        let mut k = j;
        let mut start: Option<usize> = None;
        while k > 0 && j - k < 4 {
            let p = &toks[k - 1];
            let nounish = p.tag.starts_with('n') || matches!(p.tag, "vn" | "j");
            // `某某母港码头`: the inner facility is the name
            if p.be != toks[k].bs
                || !nounish
                || !p.word.chars().all(is_han)
                || facilities.contains(p.word)
            {
                break;
            }
            k -= 1;
            if p.tag == "ns" || loc_starts.contains(&p.bs) {
                start = Some(k);
            }
        }
        if let Some(k) = start {
            out.push(Span {
                start: toks[k].bs,
                end: toks[j].be,
                kind: EntityType::Loc,
            });
        }
    }
    out
}

/// Is `w` an industry word (`汽车`, `科技`), as opposed to an organisation word (`公司`)?
pub fn industry_word(w: &str) -> bool {
    INDUSTRY_WORDS.contains(&w) && !matches!(w, "集团" | "银行" | "控股" | "股份")
}

/// Listed companies leading a news brief: `某某科技：…` at the start of a line or sentence. The
/// name is one or two Han tokens of two to six characters in all, ending in an industry word,
/// followed by a colon.
pub fn brief_companies(text: &str, toks: &[Tok]) -> Vec<Span> {
    let mut out = Vec::new();
    for j in 0..toks.len() {
        let t = &toks[j];
        if !matches!(toks.get(j + 1).map(|x| x.word), Some("：" | ":")) {
            continue;
        }
        if !INDUSTRY_WORDS.iter().any(|w| t.word.ends_with(w)) {
            continue;
        }
        // one or two tokens back to a line or sentence start
        for k in [j, j.saturating_sub(1)] {
            let s = toks[k].bs;
            let name = &text[s..t.be];
            let n = name.chars().count();
            if !(4..=6).contains(&n) || !name.chars().all(is_han) {
                continue;
            }
            let before = text[..s].chars().next_back();
            let at_start = before.is_none_or(|c| {
                matches!(
                    c,
                    '\n' | '\r' | '。' | '；' | '！' | '？' | '，' | ' ' | '\u{3000}'
                )
            });
            if at_start && !(k == j && INDUSTRY_WORDS.contains(&t.word)) {
                out.push(Span {
                    start: s,
                    end: t.be,
                    kind: EntityType::Org,
                });
                break;
            }
        }
    }
    out
}

/// Tags that can start an organisation name.
fn proper_tag(tag: &str) -> bool {
    tag.starts_with("nr") || matches!(tag, "ns" | "nt" | "nz" | "eng" | "j" | "nrt")
}

/// Tags allowed inside an organisation name after its first word.
fn inner_tag(tag: &str) -> bool {
    proper_tag(tag) || matches!(tag, "n" | "vn" | "nz" | "b" | "an" | "l" | "ng")
}

/// Organisation names: a suffix token (`公司`, `银行`, `委员会`…) or a token ending with one,
/// preceded by up to four name-like tokens whose first is a proper noun (or a known name given
/// by `known`, byte spans of gazetteer/Latin hits). Returns the span and the prefix end.
pub fn suffix_orgs(
    text: &str,
    toks: &[Tok],
    known: &[(usize, usize)],
    good_start: impl Fn(&Tok) -> bool,
) -> Vec<(Span, usize)> {
    let mut out = Vec::new();
    let known_tok = tokens_inside(toks, known);
    for j in 0..toks.len() {
        let t = &toks[j];
        let Some(suf) = org_suffix_at(toks, j) else {
            continue;
        };
        let whole_suffix = t.word == suf;
        let Some(start_tok) = name_start_before(text, toks, j, &known_tok, &good_start) else {
            continue;
        };
        let s = toks[start_tok].bs;
        let e = t.be;
        let prefix_end = if whole_suffix { t.bs } else { t.be - suf.len() };
        if text[s..e].chars().count() < 3 {
            continue;
        }
        out.push((
            Span {
                start: s,
                end: e,
                kind: EntityType::Org,
            },
            prefix_end,
        ));
    }
    out
}

/// Which tokens lie inside a known name (one sweep over spans sorted by start).
fn tokens_inside(toks: &[Tok], known: &[(usize, usize)]) -> Vec<bool> {
    let mut spans: Vec<(usize, usize)> = known.to_vec();
    spans.sort_unstable();
    let mut known_tok = vec![false; toks.len()];
    let mut si = 0;
    let mut max_end = 0;
    for (ti, t) in toks.iter().enumerate() {
        while si < spans.len() && spans[si].0 <= t.bs {
            max_end = max_end.max(spans[si].1);
            si += 1;
        }
        known_tok[ti] = t.be <= max_end;
    }
    known_tok
}

/// The organisation suffix token `j` ends with, if it may end an organisation's name.
fn org_suffix_at(toks: &[Tok], j: usize) -> Option<&'static str> {
    let t = toks.get(j)?;
    static LAST: OnceLock<HashSet<char>> = OnceLock::new();
    let last = LAST.get_or_init(|| {
        ORG_SUFFIXES
            .iter()
            .filter_map(|s| s.chars().next_back())
            .collect()
    });
    if !t
        .word
        .chars()
        .next_back()
        .is_some_and(|c| last.contains(&c))
    {
        return None;
    }
    // the longest suffix the word ends with (`证监局`, not `局`)
    let suf: &'static str = ORG_SUFFIXES
        .iter()
        .filter(|s| t.word.ends_with(**s))
        .max_by_key(|s| s.len())?;
    let whole_suffix = t.word == suf;
    // `X控股子公司`: 控股 is the verb "holds a controlling stake"
    if suf == "控股"
        && toks.get(j + 1).is_some_and(|n| {
            ["子公司", "公司", "股东", "权", "比例"]
                .iter()
                .any(|w| n.word.starts_with(w))
        })
    {
        return None;
    }
    if !(whole_suffix || matches!(t.tag, "nt" | "n" | "nz" | "j")) {
        return None;
    }
    // single-char suffix words (部, 局, 厅, 署) must be a token of their own or a dictionary
    // organisation word; skip generic words like 内部, 全部, 结局
    if !whole_suffix && suf.chars().count() == 1 && t.tag != "nt" {
        return None;
    }
    Some(suf)
}

/// Walks back from the suffix token `j` over at most four adjacent name-like tokens; the
/// earliest token a name may start with, if any before `j`.
fn name_start_before(
    text: &str,
    toks: &[Tok],
    j: usize,
    known_tok: &[bool],
    good_start: &impl Fn(&Tok) -> bool,
) -> Option<usize> {
    let mut k = j;
    let mut first_ok: Option<usize> = None;
    let mut steps = 0;
    while k > 0 && steps < 4 {
        let p = &toks[k - 1];
        if p.be != toks[k].bs
            && !(p.be + 1 == toks[k].bs && text.as_bytes().get(p.be) == Some(&b' '))
        {
            break;
        }
        let known_p = known_tok[k - 1];
        let ok = proper_tag(p.tag) || known_p || (inner_tag(p.tag) && steps < 3);
        let wordy = p
            .word
            .chars()
            .all(|c| is_han(c) || c.is_ascii_alphabetic() || c == ' ');
        if !ok || !wordy || p.word.trim().is_empty() {
            break;
        }
        k -= 1;
        steps += 1;
        if known_p || (proper_tag(p.tag) && good_start(p)) {
            first_ok = Some(k);
        }
    }
    first_ok.filter(|&start| start != j)
}

// ---------------------------------------------------------------------------------------------
// Brand + model, listed companies

pub const MODEL_TAILS: &[&str] = &[
    "Pro+", "Pro", "Max", "Plus", "Ultra", "Mini", "Lite", "SE", "5G", "Air", "Edge", "Note", "Neo",
];

/// End of a model designation right after `pos` (`P5`, `880`, ` Mate 30`, `12 Pro`), if any.
pub fn model_after(text: &str, pos: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut i = pos;
    if bytes.get(i) == Some(&b' ') {
        i += 1;
    }
    let w_end = latin_word_end(bytes, i);
    if w_end == i || bytes.get(i).is_some_and(|b| !b.is_ascii_alphanumeric()) {
        return None;
    }
    let w = &text[i..w_end];
    let has_alpha = w.bytes().any(|b| b.is_ascii_alphabetic());
    if is_identifier(w) || w.len() > 10 || (!has_alpha && !w.bytes().all(|b| b.is_ascii_digit())) {
        return None;
    }
    let digits = w.bytes().filter(|b| b.is_ascii_digit()).count();
    let mut end = if digits == 0 {
        // a series word followed by a number: `Mate 30`
        if !capitalised(w) || bytes.get(w_end) != Some(&b' ') {
            return None;
        }
        let n_end = latin_word_end(bytes, w_end + 1);
        let n = &text[w_end + 1..n_end];
        if n.is_empty() || n.len() > 4 || !n.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        n_end
    } else if digits == w.len() {
        // a bare number of at most four digits (a following counter is checked below)
        if w.len() > 4 {
            return None;
        }
        w_end
    } else {
        w_end
    };
    // not a quantity (`12 年`, `880 元`)
    let after = text[end..].trim_start_matches(' ');
    if after.chars().next().is_some_and(|c| COUNTERS.contains(c)) {
        return None;
    }
    if bytes.get(end) == Some(&b' ') {
        for t in MODEL_TAILS {
            let rest = &text[end + 1..];
            if rest.starts_with(t)
                && !rest
                    .as_bytes()
                    .get(t.len())
                    .is_some_and(|b| b.is_ascii_alphanumeric())
            {
                end += 1 + t.len();
                break;
            }
        }
    }
    Some(end)
}

/// Listed companies named with their stock code: `远航股份（600123）`, `腾讯控股(00700.HK)`. The
/// name is at most three noun-like tokens (eight characters) right before the bracket; the code
/// itself is no entity.
pub fn stock_names(
    text: &str,
    toks: &[Tok],
    known_ends: &std::collections::HashSet<usize>,
) -> Vec<Span> {
    let mut out = Vec::new();
    let mut tok_at_end: Option<std::collections::HashMap<usize, usize>> = None;
    for (i, c) in text.char_indices() {
        if c != '（' && c != '(' {
            continue;
        }
        let rest = &text[i + c.len_utf8()..];
        let close = rest.find(['）', ')']).filter(|&e| e <= 16);
        if !close.is_some_and(|e| is_stock_code(&rest[..e])) || known_ends.contains(&i) {
            continue;
        }
        let map = tok_at_end
            .get_or_insert_with(|| toks.iter().enumerate().map(|(k, t)| (t.be, k)).collect());
        let Some(s) = map.get(&i).and_then(|&last| stock_name_start(toks, last)) else {
            continue;
        };
        if text[s..i].chars().count() >= 2 {
            out.push(Span {
                start: s,
                end: i,
                kind: EntityType::Org,
            });
        }
    }
    out
}

/// A stock code as written in brackets: six digits (mainland), or a Hong Kong code (four or
/// five digits with `.HK`, or five digits with a leading zero, `03868`), with an optional
/// exchange prefix or suffix.
fn is_stock_code(inner: &str) -> bool {
    let code = inner
        .trim()
        .trim_start_matches("SH")
        .trim_start_matches("SZ")
        .trim_start_matches("sh")
        .trim_start_matches("sz")
        .trim_start_matches(['：', ':', ' ']);
    let (num, market) = code.split_once('.').unwrap_or((code, ""));
    let num_ok = num.bytes().all(|b| b.is_ascii_digit())
        && (num.len() == 6
            || ((4..=5).contains(&num.len()) && market.eq_ignore_ascii_case("HK"))
            || (num.len() == 5 && num.starts_with('0') && market.is_empty()));
    let market_ok =
        market.is_empty() || ["SH", "SZ", "HK", "BJ", "sh", "sz", "hk", "bj"].contains(&market);
    num_ok && market_ok
}

/// The byte start of the company name whose last token is `toks[last]`: at most three
/// adjacent noun-like tokens of Han or Latin letters, eight characters in all; None when not
/// even the last token qualifies.
fn stock_name_start(toks: &[Tok], last: usize) -> Option<usize> {
    let mut first = last;
    let mut chars = 0;
    loop {
        let t = &toks[first];
        let n = t.word.chars().count();
        let nouny =
            t.tag.starts_with('n') || matches!(t.tag, "j" | "eng" | "vn" | "b" | "l" | "an" | "x");
        let wordy = t
            .word
            .chars()
            .all(|ch| is_han(ch) || ch.is_ascii_alphabetic());
        if !nouny || !wordy || chars + n > 8 || last - first >= 3 {
            first += 1;
            break;
        }
        chars += n;
        if first == 0 || toks[first - 1].be != t.bs {
            break;
        }
        first -= 1;
    }
    (first <= last).then(|| toks[first].bs)
}

/// Words that make `X股份` a quantity of shares rather than a listed company's short name.
const SHARE_GENERIC: &[&str] = &[
    "持有", "全部", "部分", "国有", "上市", "流通", "限售", "法人", "个人", "控股", "原有", "新增",
    "转让", "增持", "减持", "回购", "认购", "质押", "冻结", "解禁", "发行", "出售", "收购", "购买",
    "买入", "卖出", "公司", "集团", "拥有", "取得", "获得", "剩余", "相关", "其他", "更多", "少量",
    "大量", "对应", "所持", "持股", "表决", "优先", "普通", "新股", "股东", "标的", "目标", "该等",
    "上述", "前述", "本次", "此次", "合计", "共计", "累计", "员工", "管理", "期权", "激励", "赠送",
    "无偿", "有偿", "划转", "注销", "登记", "托管", "股权", "资产", "债权",
];

/// Listed companies' short names of the form `远航股份`: a two-character word right before `股份`
/// that is not a quantity word (持有股份, 全部股份).
pub fn share_names(toks: &[Tok]) -> Vec<Span> {
    let mut out = Vec::new();
    for j in 1..toks.len() {
        if toks[j].word != "股份" {
            continue;
        }
        let p = &toks[j - 1];
        let ok_tag = !matches!(p.tag, "r" | "m" | "q" | "p" | "c" | "d" | "f" | "x")
            && !p.tag.starts_with('u');
        if p.be == toks[j].bs
            && p.word.chars().count() == 2
            && p.word.chars().all(is_han)
            && ok_tag
            && !SHARE_GENERIC.contains(&p.word)
        {
            out.push(Span {
                start: p.bs,
                end: toks[j].be,
                kind: EntityType::Org,
            });
        }
    }
    out
}

/// Apps named before `App`/`APP`/`客户端` (`淘特 App`, `盒马APP`): the run of at most four Han
/// characters right before it, made of out-of-vocabulary pieces or proper nouns. A dictionary
/// word ends the run, so category words (`支付 App`, `手机客户端`) give nothing. `known_word`
/// says whether a token is an ordinary dictionary word.
pub fn app_names(text: &str, toks: &[Tok], known_word: impl Fn(&Tok) -> bool) -> Vec<Span> {
    let mut out = Vec::new();
    for j in 1..toks.len() {
        if !matches!(toks[j].word, "App" | "APP" | "app" | "客户端") {
            continue;
        }
        // skip one space token
        let mut k = j;
        if toks[k - 1].word.trim().is_empty() {
            k -= 1;
        }
        let end = toks[k].bs;
        let mut start = end;
        let mut chars = 0;
        while k > 0 {
            let p = &toks[k - 1];
            let n = p.word.chars().count();
            let function = matches!(
                p.tag,
                "p" | "c" | "r" | "d" | "m" | "y" | "e" | "f" | "v" | "a" | "ad"
            ) || p.tag.starts_with('u');
            let proper = p.tag.starts_with("nr") || matches!(p.tag, "nz" | "nt" | "ns" | "j");
            if p.be != start
                || !p.word.chars().all(is_han)
                || chars + n > 4
                || (n >= 2 && known_word(p) && !proper)
                || (n == 1 && function)
            {
                break;
            }
            chars += n;
            start = p.bs;
            k -= 1;
        }
        if chars >= 2 && start < end {
            out.push(Span {
                start,
                end,
                kind: EntityType::Product,
            });
        }
        let _ = text;
    }
    out
}
