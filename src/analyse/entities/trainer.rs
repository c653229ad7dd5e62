//! Averaged structured perceptron for `model::Model`. Deterministic: examples are visited in
//! an order drawn from a seeded generator, rows are numbered in order of first update, and the
//! model file is written sorted by feature, so the same data and seed give the same bytes.

use super::lexicon::Codes;
use super::model::{FeatureMap, LABELS, Model, Prepared, features, viterbi};

/// One training sentence: prepared facts, lexicon codes (`Lexicon::codes_without`, or none)
/// and gold BIOES labels.
pub struct Example {
    pub prepared: Prepared,
    pub lex: Vec<Codes>,
    pub gold: Vec<u8>,
}

/// Perceptron state: raw weights `w` and the running sums `u` (sum of step * update) that
/// give the average `w - u / steps` without touching every weight at every step.
pub struct Trainer {
    rows: FeatureMap<u32>,
    w: Vec<i32>,
    u: Vec<i64>,
    tw: [[i32; LABELS]; LABELS],
    tu: [[i64; LABELS]; LABELS],
    steps: i64,
    feats: Vec<u64>,
}

impl Default for Trainer {
    fn default() -> Self {
        Self::new()
    }
}

/// splitmix64: small, seeded and the same everywhere.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    pub fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            let j = (self.next_u64() % (i as u64 + 1)) as usize;
            v.swap(i, j);
        }
    }
}

/// The largest quantised weight. Emission sums of some forty features stay far inside i32,
/// and a step of 1/2000 of the largest weight is finer than anything the perceptron
/// learns; while most weights stay below 64, one byte each in the model file (`Model::to_bytes`).
pub const WEIGHT_MAX: f64 = 2000.0;

impl Trainer {
    pub fn new() -> Self {
        Trainer {
            rows: FeatureMap::default(),
            w: Vec::new(),
            u: Vec::new(),
            tw: [[0; LABELS]; LABELS],
            tu: [[0; LABELS]; LABELS],
            steps: 1,
            feats: Vec::with_capacity(48),
        }
    }

    fn emissions(&mut self, p: &Prepared, lex: &[Codes]) -> Vec<[i32; LABELS]> {
        let mut em = vec![[0i32; LABELS]; p.len()];
        for (i, e) in em.iter_mut().enumerate() {
            self.feats.clear();
            features(p, lex, i, &mut self.feats);
            for f in &self.feats {
                if let Some(&r) = self.rows.get(f) {
                    let at = r as usize * LABELS;
                    for (s, w) in e.iter_mut().zip(&self.w[at..at + LABELS]) {
                        *s += *w;
                    }
                }
            }
        }
        em
    }

    fn row(&mut self, f: u64) -> usize {
        let next = self.rows.len() as u32;
        let r = *self.rows.entry(f).or_insert(next);
        if r == next {
            self.w.extend_from_slice(&[0; LABELS]);
            self.u.extend_from_slice(&[0; LABELS]);
        }
        r as usize * LABELS
    }

    /// One perceptron step on one example; returns whether the prediction was wrong.
    pub fn learn(&mut self, ex: &Example) -> bool {
        let pred = viterbi(&self.emissions(&ex.prepared, &ex.lex), &self.tw);
        let wrong = pred != ex.gold;
        if wrong {
            let steps = self.steps;
            for i in 0..ex.gold.len() {
                let (g, p) = (usize::from(ex.gold[i]), usize::from(pred[i]));
                if g != p {
                    let mut feats = std::mem::take(&mut self.feats);
                    feats.clear();
                    features(&ex.prepared, &ex.lex, i, &mut feats);
                    for &f in &feats {
                        let at = self.row(f);
                        self.w[at + g] += 1;
                        self.u[at + g] += steps;
                        self.w[at + p] -= 1;
                        self.u[at + p] -= steps;
                    }
                    self.feats = feats;
                }
                if i > 0 {
                    let (ga, pa) = (usize::from(ex.gold[i - 1]), usize::from(pred[i - 1]));
                    if (ga, g) != (pa, p) {
                        self.tw[ga][g] += 1;
                        self.tu[ga][g] += steps;
                        self.tw[pa][p] -= 1;
                        self.tu[pa][p] -= steps;
                    }
                }
            }
        }
        self.steps += 1;
        wrong
    }

    /// One pass over `examples` in a seeded random order; returns the number of wrong ones.
    pub fn epoch(&mut self, examples: &[Example], rng: &mut Rng) -> usize {
        let mut order: Vec<usize> = (0..examples.len()).collect();
        rng.shuffle(&mut order);
        order.iter().filter(|&&i| self.learn(&examples[i])).count()
    }

    /// The averaged model, weights below `prune` (in perceptron units) dropped, quantised to
    /// integers up to `WEIGHT_MAX` with one scale for all weights.
    pub fn averaged(&self, prune: f64) -> Model {
        let c = self.steps as f64;
        let avg = |w: i32, u: i64| f64::from(w) - u as f64 / c;
        let mut max = 0f64;
        for (w, u) in self.w.iter().zip(&self.u) {
            max = max.max(avg(*w, *u).abs());
        }
        let scale = if max > 0.0 { WEIGHT_MAX / max } else { 1.0 };
        let mut keys: Vec<(u64, u32)> = self.rows.iter().map(|(k, v)| (*k, *v)).collect();
        keys.sort_unstable();
        let mut rows = Vec::new();
        for (k, r) in keys {
            let at = r as usize * LABELS;
            let mut row = [0i16; LABELS];
            for (l, q) in row.iter_mut().enumerate() {
                let a = avg(self.w[at + l], self.u[at + l]);
                if a.abs() >= prune {
                    *q = (a * scale).round() as i16;
                }
            }
            if row.iter().any(|q| *q != 0) {
                rows.push((k, row));
            }
        }
        let mut trans = [[0i32; LABELS]; LABELS];
        for ((row, tw), tu) in trans.iter_mut().zip(&self.tw).zip(&self.tu) {
            for ((t, w), u) in row.iter_mut().zip(tw).zip(tu) {
                *t = (avg(*w, *u) * scale).round() as i32;
            }
        }
        Model::from_parts(rows, trans)
    }

    pub fn feature_count(&self) -> usize {
        self.rows.len()
    }
}

#[cfg(test)]
mod tests {
    use super::super::model::{Kind, Span, Word, prepare, spans_to_labels};
    use super::*;

    type Gold = &'static [(usize, usize, Kind)];

    /// Invented sentences: (text, [(start, end, kind)]) in char offsets.
    const SENTENCES: &[(&str, Gold)] = &[
        (
            "张小明在青州市工作",
            &[(0, 3, Kind::Per), (4, 7, Kind::Loc)],
        ),
        ("李大华去了白水县", &[(0, 3, Kind::Per), (5, 8, Kind::Loc)]),
        (
            "星河科技公司在青州市",
            &[(0, 6, Kind::Org), (7, 10, Kind::Loc)],
        ),
        (
            "王一鸣加入了蓝海银行",
            &[(0, 3, Kind::Per), (6, 10, Kind::Org)],
        ),
        ("今天天气很好", &[]),
    ];

    fn examples() -> Vec<Example> {
        SENTENCES
            .iter()
            .map(|(text, spans)| {
                let n = text.chars().count();
                // one word per character: the test does not depend on jieba
                let words: Vec<Word> = (0..n)
                    .map(|i| Word {
                        start: i,
                        end: i + 1,
                        tag: "x",
                    })
                    .collect();
                let prepared = prepare(text, &words, &[]);
                let spans: Vec<Span> = spans
                    .iter()
                    .map(|&(start, end, kind)| Span { start, end, kind })
                    .collect();
                Example {
                    gold: spans_to_labels(n, &spans),
                    lex: vec![[0; 3]; n],
                    prepared,
                }
            })
            .collect()
    }

    fn train(seed: u64) -> Vec<u8> {
        let ex = examples();
        let mut t = Trainer::new();
        let mut rng = Rng::new(seed);
        for _ in 0..5 {
            t.epoch(&ex, &mut rng);
        }
        t.averaged(0.0).to_bytes()
    }

    #[test]
    fn same_data_and_seed_give_the_same_model() {
        let a = train(7);
        assert_eq!(a, train(7));
        let model = Model::from_bytes(&a).unwrap();
        let ex = examples();
        assert_eq!(
            model.tag(&ex[0].prepared),
            vec![
                Span {
                    start: 0,
                    end: 3,
                    kind: Kind::Per
                },
                Span {
                    start: 4,
                    end: 7,
                    kind: Kind::Loc
                }
            ]
        );
    }
}
