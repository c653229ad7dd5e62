//! Near-duplicate fingerprints: a MinHash signature of an article body and the LSH band keys
//! that find candidate copies by exact term lookup.
//!
//! The body goes through the one normaliser ([`super::text::normalize`]), so a copy converted to
//! traditional script, to full-width digits or to other letter case has the same signature.
//! Only letters, digits and ideographs are kept (punctuation, spaces and line breaks are what
//! republishers change most), and the shingles are overlapping runs of [`SHINGLE`] of those
//! characters: segmentation-free, so no second jieba pass and no dependence on how a sentence
//! happens to be cut. The signature is one-permutation MinHash ([`SLOTS`] bins of one 64-bit
//! hash per shingle, empty bins filled from their right neighbour), which costs one hash per
//! shingle rather than one per shingle and slot. Two signatures agree in a slot with
//! probability equal to the Jaccard similarity of the shingle sets; [`SIMILAR`] is the
//! threshold for "the same story".

/// Characters per shingle.
pub const SHINGLE: usize = 4;
/// MinHash slots in a signature.
pub const SLOTS: usize = 96;
/// Slots per LSH band: a pair becomes a candidate when all slots of one band agree.
pub const ROWS: usize = 4;
/// Bands per signature.
pub const BANDS: usize = SLOTS / ROWS;
/// Estimated Jaccard similarity of shingle sets from which two bodies are near-duplicates.
/// A copy with another header, footer or byline scores about 0.85-0.98, with one paragraph of
/// five trimmed about 0.8, with paragraphs reordered above 0.95; distinct articles on the same
/// topic stay below 0.2 (shared quotes and stock phrases). 0.5 sits between, and with 24 bands
/// of 4 rows a pair at 0.6 is a candidate with probability 0.96, at 0.7 0.9995.
pub const SIMILAR: f32 = 0.5;
/// Bodies with fewer shingles than this get no fingerprint: a two-line notice would otherwise
/// cluster with every other notice of the same template.
pub const MIN_SHINGLES: usize = 40;

/// A body's MinHash signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature(pub [u32; SLOTS]);

impl Signature {
    /// The signature of a body; `None` when it is too short to compare.
    pub fn of(body: &str) -> Option<Signature> {
        let folded = super::text::normalize(body).text;
        let chars: Vec<u32> = folded
            .chars()
            .filter(|c| c.is_alphanumeric())
            .map(u32::from)
            .collect();
        let shingles = chars.len().checked_sub(SHINGLE - 1)?;
        if shingles < MIN_SHINGLES {
            return None;
        }
        let mut bins = [u64::MAX; SLOTS];
        for window in chars.windows(SHINGLE) {
            let h = shingle_hash(window);
            let bin = (h % SLOTS as u64) as usize;
            let value = h / SLOTS as u64;
            if let Some(slot) = bins.get_mut(bin)
                && value < *slot
            {
                *slot = value;
            }
        }
        Some(Signature(densify(&bins)))
    }

    /// The share of slots on which two signatures agree: an estimate of the Jaccard similarity
    /// of the two bodies' shingle sets.
    pub fn similarity(&self, other: &Signature) -> f32 {
        let same = self.0.iter().zip(&other.0).filter(|(a, b)| a == b).count();
        same as f32 / SLOTS as f32
    }

    /// Whether two signatures belong to near-duplicate bodies.
    pub fn is_near(&self, other: &Signature) -> bool {
        self.similarity(other) >= SIMILAR
    }

    /// One key per band, distinct across bands, to index as terms. Keys are 32 bits (the
    /// top half of the band's hash): random 64-bit terms share no prefix, so each cost the
    /// term dictionary about 19 bytes and the band field was a tenth of the body text; a key
    /// that collides only adds a candidate, which [`Signature::is_near`] then rejects.
    pub fn bands(&self) -> Vec<u64> {
        self.0
            .chunks(ROWS)
            .enumerate()
            .map(|(band, rows)| {
                let mut h = mix(band as u64 + 1);
                for r in rows {
                    h = mix(h ^ u64::from(*r));
                }
                h >> 32
            })
            .collect()
    }

    /// Little-endian bytes, as stored in the index.
    pub fn to_bytes(&self) -> Vec<u8> {
        self.0.iter().flat_map(|v| v.to_le_bytes()).collect()
    }

    /// The signature stored by [`Signature::to_bytes`]; `None` for anything else.
    pub fn from_bytes(bytes: &[u8]) -> Option<Signature> {
        if bytes.len() != SLOTS * 4 {
            return None;
        }
        let mut out = [0u32; SLOTS];
        for (slot, chunk) in out.iter_mut().zip(bytes.chunks_exact(4)) {
            *slot = u32::from_le_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]);
        }
        Some(Signature(out))
    }
}

/// A 64-bit hash of one shingle (its code points), mixed so every bit depends on every input.
fn shingle_hash(window: &[u32]) -> u64 {
    let mut h = 0x9E37_79B9_7F4A_7C15u64;
    for c in window {
        h = mix(h ^ u64::from(*c));
    }
    h
}

/// SplitMix64's finaliser: cheap, stable across releases, well mixed.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Fills each empty bin from the nearest filled bin to its right (wrapping), salted with the
/// distance so two empty bins do not agree merely because they borrowed the same value. Values
/// are truncated to 32 bits: a chance agreement per slot of 2^-32 changes no estimate.
fn densify(bins: &[u64; SLOTS]) -> [u32; SLOTS] {
    let mut out = [0u32; SLOTS];
    for (i, slot) in out.iter_mut().enumerate() {
        let found = (0..SLOTS)
            .map(|d| (d, bins[(i + d) % SLOTS]))
            .find(|(_, v)| *v != u64::MAX);
        *slot = match found {
            Some((0, v)) => v as u32,
            Some((d, v)) => mix(v ^ (d as u64).wrapping_mul(0x1000_0001)) as u32,
            None => 0,
        };
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const STORY: [&str; 5] = [
        "本市第三条地铁线路今日完成全线贯通，沿线十二座车站的装修工程同步进入收尾阶段，预计年底前开通试运营。",
        "据项目负责人介绍，新线全长二十八公里，连接城东高铁站与西部科技园区，高峰时段发车间隔约为四分钟。",
        "为方便换乘，五座车站与既有线路实现站内换乘，另有两座车站预留了与规划中的环线接驳的条件。",
        "施工期间，建设单位采用盾构法穿越老城区，对沿线历史建筑进行实时监测，未发生明显沉降。",
        "市交通部门表示，新线开通后，城东至科技园区的通勤时间将由一小时缩短至三十五分钟左右。",
    ];

    fn body(paragraphs: &[&str]) -> String {
        paragraphs.join("\n")
    }

    fn similarity(a: &str, b: &str) -> f32 {
        Signature::of(a)
            .unwrap()
            .similarity(&Signature::of(b).unwrap())
    }

    #[test]
    fn identical_bodies_agree_everywhere_and_punctuation_does_not_count() {
        let a = body(&STORY);
        let b = a.replace('，', ", ").replace('。', ".\n\n");
        assert_eq!(similarity(&a, &a), 1.0);
        assert_eq!(similarity(&a, &b), 1.0);
    }

    #[test]
    fn a_new_header_footer_and_byline_stay_near() {
        let original = body(&STORY);
        let copy = format!("【本报讯】记者王小明\n{original}\n（来源：某晚报）编辑：李华");
        let s = similarity(&original, &copy);
        assert!(s >= 0.8, "{s}");
    }

    #[test]
    fn a_trimmed_or_reordered_paragraph_stays_near() {
        let original = body(&STORY);
        let trimmed = body(&STORY[..4]);
        let reordered = body(&[STORY[1], STORY[0], STORY[2], STORY[4], STORY[3]]);
        assert!(similarity(&original, &trimmed) >= SIMILAR);
        assert!(similarity(&original, &reordered) >= 0.85);
    }

    #[test]
    fn a_traditional_copy_has_the_same_signature() {
        let original = body(&STORY);
        let traditional = original
            .replace("铁", "鐵")
            .replace("线", "線")
            .replace("车站", "車站")
            .replace("预计", "預計");
        assert_eq!(similarity(&original, &traditional), 1.0);
    }

    #[test]
    fn another_story_on_the_same_topic_is_far() {
        let other = body(&[
            "本市第四条地铁线路今日开工建设，规划设置十五座车站，计划五年后建成通车，总投资约三百亿元。",
            "该线路自北向南穿越主城区，将与三号线在市民中心站交汇，设计最高时速为每小时八十公里。",
            "市发展改革部门表示，项目将带动沿线土地开发，并缓解南北向主干道的交通压力。",
        ]);
        let s = similarity(&body(&STORY), &other);
        assert!(s < 0.2, "{s}");
        assert!(
            !Signature::of(&body(&STORY))
                .unwrap()
                .is_near(&Signature::of(&other).unwrap())
        );
    }

    #[test]
    fn short_bodies_have_no_signature_and_bytes_round_trip() {
        assert_eq!(Signature::of("今日天气晴。"), None);
        assert_eq!(Signature::of(""), None);
        let s = Signature::of(&body(&STORY)).unwrap();
        assert_eq!(Signature::from_bytes(&s.to_bytes()), Some(s.clone()));
        assert_eq!(Signature::from_bytes(&[1, 2, 3]), None);
        let bands = s.bands();
        assert_eq!(bands.len(), BANDS);
        assert!(bands.iter().all(|b| *b <= u64::from(u32::MAX)), "{bands:?}");
        let mut unique = bands.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), BANDS);
    }
}
