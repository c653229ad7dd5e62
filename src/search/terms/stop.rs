//! Which index words `terms` may list: not a stop word, not a single character, not a bare
//! number. Words arrive as the analyser indexed them (NFKC, lower case, simplified script).

use std::collections::HashSet;
use std::sync::LazyLock;

/// Function words, reporting verbs, time words and news boilerplate that say nothing about a
/// topic. Written for this project; words of one character are dropped anyway.
const STOP_WORDS: &str = "\
我们 你们 他们 她们 它们 咱们 自己 大家 人们 这个 那个 这些 那些 这样 那样 这种 那种 这里 那里
这儿 那儿 这么 那么 这次 那次 此次 本次 该项 各种 各个 每个 每年 所有 一切 一些 一个 一种 一样
一直 一起 一定 一般 一次 一下 一边 一方面 另一方面 其中 其他 其它 其余 其实 其次 首先 最后 然后
什么 怎么 怎样 如何 为何 为什么 哪些 哪里 多少 因为 所以 因此 于是 但是 可是 不过 只是 然而 而且
并且 或者 还是 以及 及其 以便 以免 如果 假如 虽然 尽管 即使 无论 不管 只要 只有 除了 为了 对于
关于 由于 根据 按照 通过 随着 作为 成为 经过 对此 就是 也是 都是 还是 不是 没有 还有 也有 已经
曾经 正在 将会 就会 可以 可能 能够 应该 应当 需要 必须 不会 不能 不要 不用 不再 还要 也要 更加
非常 十分 比较 特别 尤其 越来越 极其 相当 确实 当然 仍然 依然 同样 另外 此外 此前 之后 之前
以后 以前 以来 以上 以下 以外 之外 之间 之一 之中 当中 期间 时候 时间 当时 同时 目前 现在 如今
今天 今年 去年 明年 昨天 明天 前天 日前 近日 近期 最近 今后 未来 过去 左右 上述 下列 如下 有关
相关 方面 问题 情况 工作 方式 过程 部分 全部 整个 主要 重要 包括 例如 比如 等等 进行 开展 表示
认为 指出 强调 提出 介绍 透露 称 据悉 据了解 了解 发现 表明 显示 来说 来看 看来 看到 知道 觉得
报道 记者 编辑 责任编辑 责编 来源 本文 原文 全文 文章 消息 新闻 客户端 点击 阅读 关注 转载 声明
视频 图片 图片来源 资料图 摄 负责人 一家 一步 第一 第二 第三 月份 的话 之所以 并不 并非 不仅 而是 还是 就是说 也就是 即 又 再 才
the and of to in is for on with that by this from at as an are be it or was were has have had
not but its their they we you he she his her our will would can could which who what when where
www com cn http https html htm";

static STOP: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| STOP_WORDS.split_whitespace().collect());

/// Characters that make up a bare number: digits of any script, Chinese numerals, and the
/// marks numbers are written with.
fn numeric(c: char) -> bool {
    c.is_numeric()
        || "零〇一二三四五六七八九十百千万亿两壹贰叁肆伍陆柒捌玖拾佰仟.,%:/-+".contains(c)
}

/// Whether `word` may be listed as a characteristic term.
pub fn keep(word: &str) -> bool {
    let mut chars = word.chars();
    if chars.next().is_none() || chars.next().is_none() {
        return false;
    }
    !word.chars().all(numeric) && word.chars().any(char::is_alphanumeric) && !STOP.contains(word)
}

#[cfg(test)]
mod tests {
    use super::keep;

    #[test]
    fn topic_words_stay_and_noise_goes() {
        for word in [
            "淘宝",
            "微信支付",
            "互联互通",
            "iphone",
            "5g",
            "c919",
            "三季度",
        ] {
            assert!(keep(word), "{word}");
        }
        for word in [
            "的",
            "x",
            "2021",
            "3.5",
            "10%",
            "一百",
            "三十万",
            "我们",
            "表示",
            "记者",
            "the",
            "",
        ] {
            assert!(!keep(word), "{word}");
        }
    }
}
