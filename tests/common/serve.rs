//! A running `newsidx serve` over a small invented corpus, for the API and browser tests.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use super::Workspace;

/// The hostile article's file name: markup in the path itself.
pub const HOSTILE_FILE: &str = "x<img src=x onerror=window.__pwned=3>.md";
/// Its title, shown literally.
pub const HOSTILE_TITLE: &str =
    "<script>window.__pwned=1</script>微信支付<img src=x onerror=window.__pwned=1>";
/// Its source: a right-to-left override and a bell character among markup.
pub const HOSTILE_SOURCE: &str = "\u{202E}<b>乙报</b>\u{7}";

/// Writes the corpus: three ordinary articles and a hostile one.
pub fn write_corpus(ws: &Workspace) {
    ws.write(
        "pay/a.md",
        "---\ntitle: 微信支付接入淘宝\ndate: 2022-03-02 10:00\nsource: 甲报\ncategories: 支付\n\
         url: https://example.com/a\n---\n3月1日，腾讯宣布微信支付正式接入淘宝。阿里巴巴表示欢迎。\n",
    );
    ws.write(
        "pay/b.md",
        "---\ntitle: 淘宝新增微信支付入口\ndate: 2022-03-16 09:00\nsource: 乙报\ncategories: 支付\n---\n\
         淘宝用户本周起可以使用微信支付。腾讯表示，明年将扩大合作。\n",
    );
    ws.write(
        "fin/c.md",
        "---\ntitle: 支付宝发布年度报告\ndate: 2021-11-20 08:00\nsource: 甲报\ncategories: 财经\n---\n\
         支付宝在杭州发布年度报告，用户数继续增长。\n",
    );
    ws.write(
        HOSTILE_FILE,
        format!(
            "---\ntitle: \"{}\"\ndate: 2022-03-20 12:00\nsource: \"{}\"\ncategories: 支付\n\
             url: \"javascript:window.__pwned=4\"\n---\n\
             <p>&lt;script&gt;window.__pwned=2&lt;/script&gt; 淘宝与微信支付 \
             &lt;img src=x onerror=\"window.__pwned=2\"&gt; \u{202E}反向文字\u{202C}</p>\n",
            HOSTILE_TITLE.replace('"', "\\\""),
            "\\u202E<b>乙报</b>\\a"
        ),
    );
}

/// A long story and its republication by another outlet, one sentence changed.
pub fn near_duplicates(ws: &Workspace) {
    let story = "国家统计局今天发布数据显示，今年前三季度全国网上零售额同比增长百分之十二，\
                 其中实物商品网上零售额占社会消费品零售总额的比重继续提高。\
                 分析人士认为，线上消费保持活跃，快递业务量同步增长，农村网购增速快于城市。";
    ws.write(
        "dup/one.md",
        format!("---\ntitle: 前三季度网上零售额增长\ndate: 2022-10-20 09:00\nsource: 甲报\n---\n{story}记者将持续关注。\n"),
    );
    ws.write(
        "dup/two.md",
        format!("---\ntitle: 网上零售额前三季度增长\ndate: 2022-10-20 15:00\nsource: 丁报\n---\n{story}本报将继续报道。\n"),
    );
}

/// A server child process, killed on drop.
pub struct Server {
    pub child: Child,
    pub port: u16,
    pub ws: Workspace,
}

impl Server {
    /// Ingests the corpus and starts `newsidx serve` on a free loopback port.
    pub fn start() -> Server {
        let ws = Workspace::new();
        write_corpus(&ws);
        let run = ws.ingest();
        assert_eq!(run.code, 0, "ingest failed: {}", run.stderr);
        Server::start_in(ws)
    }

    /// Starts the server over the workspace's existing index.
    pub fn start_in(ws: Workspace) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_newsidx"))
            .args(["serve", "--index", "index", "--addr", "127.0.0.1:0"])
            .current_dir(ws.path())
            .env_remove("NEWSIDX_INDEX")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("newsidx serve starts");
        let stdout = child.stdout.take().expect("stdout piped");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("serve prints where it listens");
        let port = line
            .trim()
            .rsplit(':')
            .next()
            .and_then(|p| p.trim_end_matches('/').parse().ok())
            .unwrap_or_else(|| panic!("no port in {line:?}"));
        Server { child, port, ws }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
