//! Tense cues around a year-less date, and the words that leave a span open.
//!
//! A date without a year takes its nearest occurrence. Words in the same clause can say which
//! side of the publication day it is on: `将`, `计划`, `预计` point forward, `已`, `曾`, `此前`
//! point back (a back cue wins over a forward one: `已于...起施行` happened). A trailing `起`
//! is a weak forward cue: it picks the coming occurrence only when that one is at most
//! [`WEAK_CUE_DAYS`] farther than the past one.

use super::{Open, Scanner};

/// Which side of the publication day the clause puts a year-less date on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Cue {
    None,
    Forward,
    Back,
    /// `X起` alone: forward only when both occurrences are about as near.
    WeakForward,
}

/// See [`Cue::WeakForward`].
pub(super) const WEAK_CUE_DAYS: i64 = 60;

const FORWARD: &[&str] = &[
    "即将", "将于", "将", "计划", "预计", "拟于", "拟", "有望", "定于", "预定", "预期",
];
const BACK: &[&str] = &["已经", "已于", "已", "曾经", "曾", "此前", "早在", "日前"];
/// Chars that end a clause: cues do not reach across them.
const CLAUSE_END: &str = "，。；！？,;!?\n：:";
/// How far (chars) before and after the mention cues are read.
const BEFORE: usize = 12;
const AFTER: usize = 8;

/// Qualifiers after a point: the word and the side it leaves open (None for `前后`, `左右`).
pub(super) const QUALIFIERS: &[(&str, Option<Open>)] = &[
    ("以来", Some(Open::End)),
    ("至今", Some(Open::End)),
    ("迄今", Some(Open::End)),
    ("到现在", Some(Open::End)),
    ("到目前", Some(Open::End)),
    ("以前", Some(Open::Start)),
    ("之前", Some(Open::Start)),
    ("为止", Some(Open::Start)),
    ("以后", Some(Open::End)),
    ("之后", Some(Open::End)),
    ("开始", Some(Open::End)),
    ("前后", None),
    ("左右", None),
    ("起", Some(Open::End)),
    ("前", Some(Open::Start)),
    ("后", Some(Open::End)),
];

/// Words before a point that make it the end of an open span (`截至9月底`).
const OPEN_BEFORE: &[&str] = &["截止到", "截至", "截止", "直到", "到"];

impl Scanner {
    /// The tense cue of the clause around chars `start..end`.
    pub(super) fn cue(&self, start: usize, end: usize) -> Cue {
        let mut forward = false;
        let mut back = false;
        let mut j = start;
        while j > 0 && start - j < BEFORE && !CLAUSE_END.contains(self.c[j - 1]) {
            j -= 1;
        }
        let after_end = (end + AFTER).min(self.c.len());
        let mut k = end;
        while k < after_end && !CLAUSE_END.contains(self.c[k]) {
            k += 1;
        }
        for i in (j..start).chain(end..k) {
            if BACK.iter().any(|w| self.lit(i, w).is_some()) && !self.false_back(i) {
                back = true;
            } else if FORWARD.iter().any(|w| self.lit(i, w).is_some()) && !self.false_forward(i) {
                forward = true;
            }
        }
        if back {
            Cue::Back
        } else if forward {
            Cue::Forward
        } else if end > start && self.at(end - 1) == '起' {
            Cue::WeakForward
        } else {
            Cue::None
        }
    }

    /// `而已`, `不得已`: not the past tense.
    fn false_back(&self, i: usize) -> bool {
        self.at(i) == '已' && matches!(self.prev(i), '而' | '得')
    }

    /// `将近`, `将军`, `实将`...: not the future.
    fn false_forward(&self, i: usize) -> bool {
        self.at(i) == '将' && "近军士领帅".contains(self.at(i + 1))
    }

    /// A qualifier at `end`: (new end, open side).
    pub(super) fn qualifier(&self, end: usize) -> Option<(usize, Option<Open>)> {
        // `前`/`后` that start another expression are left alone.
        if matches!(self.at(end), '前' | '后') && "天年晚".contains(self.at(end + 1)) {
            return None;
        }
        QUALIFIERS
            .iter()
            .find_map(|&(w, o)| self.lit(end, w).map(|j| (j, o)))
    }

    /// `截至`, `到` right before `start` (spaces allowed): the span is open at its start.
    pub(super) fn open_before(&self, start: usize) -> Option<Open> {
        let mut j = start;
        while j > 0 && start - j < 3 && super::is_space(self.c[j - 1]) {
            j -= 1;
        }
        OPEN_BEFORE
            .iter()
            .any(|w| {
                let n = w.chars().count();
                j >= n && self.lit(j - n, w).is_some()
            })
            .then_some(Open::Start)
    }
}
