//! The publishing platform of a page (网易, 新浪, 澎湃新闻, 微信公众号): where the article
//! was published, as opposed to `source`, the outlet that wrote it. A 网易 page often carries
//! an article of 证券市场红周刊; both are worth a filter.

/// Hosts of platforms that publish Chinese news, most specific first (a host matches an entry
/// when it is the entry or ends with `.entry`).
const KNOWN_HOSTS: &[(&str, &str)] = &[
    ("mp.weixin.qq.com", "微信公众号"),
    ("new.qq.com", "腾讯新闻"),
    ("news.qq.com", "腾讯新闻"),
    ("qq.com", "腾讯网"),
    ("163.com", "网易"),
    ("sina.com.cn", "新浪"),
    ("sina.cn", "新浪"),
    ("weibo.com", "微博"),
    ("sohu.com", "搜狐"),
    ("ifeng.com", "凤凰网"),
    ("thepaper.cn", "澎湃新闻"),
    ("baijiahao.baidu.com", "百家号"),
    ("toutiao.com", "今日头条"),
    ("people.com.cn", "人民网"),
    ("xinhuanet.com", "新华网"),
    ("news.cn", "新华网"),
    ("chinanews.com.cn", "中国新闻网"),
    ("chinanews.com", "中国新闻网"),
    ("cctv.com", "央视网"),
    ("huanqiu.com", "环球网"),
    ("guancha.cn", "观察者网"),
    ("hexun.com", "和讯网"),
    ("stcn.com", "证券时报网"),
    ("cjn.cn", "长江网"),
    ("eastmoney.com", "东方财富网"),
    ("jiemian.com", "界面新闻"),
    ("caixin.com", "财新网"),
    ("yicai.com", "第一财经"),
    ("bjnews.com.cn", "新京报"),
    ("36kr.com", "36氪"),
    ("ithome.com", "IT之家"),
    ("cnbeta.com", "cnBeta"),
    ("cnbeta.com.tw", "cnBeta"),
    ("myzaker.com", "ZAKER"),
    ("cls.cn", "财联社"),
    ("wallstreetcn.com", "华尔街见闻"),
    ("zaobao.com", "联合早报"),
];

/// The platform name for a URL's host, from the table of known hosts.
pub fn site_for_url(url: &str) -> Option<String> {
    let host = host_of(url)?;
    KNOWN_HOSTS
        .iter()
        .find(|(known, _)| {
            host == *known
                || host
                    .strip_suffix(known)
                    .is_some_and(|rest| rest.ends_with('.'))
        })
        .map(|(_, name)| (*name).to_string())
}

/// Lower-case host of an absolute or scheme-relative URL, without port or credentials.
fn host_of(url: &str) -> Option<String> {
    let u = url.trim();
    let rest = u
        .split_once("://")
        .map(|(_, r)| r)
        .or_else(|| u.strip_prefix("//"))?;
    let authority = rest.split(['/', '?', '#']).next()?;
    let host = authority.rsplit('@').next()?.split(':').next()?;
    (!host.is_empty()).then(|| host.to_ascii_lowercase())
}

/// The platform named in the `<title>` suffix (`…_网易订阅`, `…-股票频道-和讯网`), when it
/// contains a known platform name; the headline part is never consulted.
pub(super) fn site_in_title(title: &str, headline: Option<&str>) -> Option<String> {
    let tail = match headline {
        Some(h) if !h.is_empty() => title.split_once(h).map_or(title, |(_, after)| after),
        _ => title,
    };
    let mut names: Vec<&str> = KNOWN_HOSTS.iter().map(|(_, name)| *name).collect();
    // Longer names first: 腾讯新闻 before 腾讯网 would not matter, 新浪 inside 新浪新闻 does.
    names.sort_by_key(|n| std::cmp::Reverse(n.chars().count()));
    names
        .into_iter()
        .filter(|n| *n != "微信公众号")
        .find(|n| tail.contains(n))
        .map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_hosts_name_their_platform() {
        assert_eq!(
            site_for_url("https://news.163.com/19/0907/a.html").as_deref(),
            Some("网易")
        );
        assert_eq!(
            site_for_url("//finance.sina.com.cn/x.shtml").as_deref(),
            Some("新浪")
        );
        assert_eq!(
            site_for_url("http://mp.weixin.qq.com/s?__biz=abc").as_deref(),
            Some("微信公众号")
        );
        assert_eq!(
            site_for_url("https://user@www.qq.com:8080/a").as_deref(),
            Some("腾讯网")
        );
        assert_eq!(site_for_url("https://not163.com/a"), None);
        assert_eq!(site_for_url("https://example.org/a"), None);
        assert_eq!(site_for_url("no url"), None);
    }

    #[test]
    fn the_title_suffix_names_the_platform() {
        assert_eq!(
            site_in_title("某市地铁开通_网易订阅", Some("某市地铁开通")).as_deref(),
            Some("网易")
        );
        assert_eq!(
            site_in_title("某市地铁开通-股票频道-和讯网", None).as_deref(),
            Some("和讯网")
        );
        // A platform named in the headline itself says nothing about where it is published.
        assert_eq!(
            site_in_title("网易发布财报_某某网", Some("网易发布财报")),
            None
        );
    }
}
