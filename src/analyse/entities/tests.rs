//! Unit tests on sentences written for these tests (payments, platforms, regulation).

use super::candidates::jieba_candidate;
use super::rules;
use super::*;
use std::sync::OnceLock;

/// One shared jieba + extractor without user entities (the dictionary load is the slow part).
fn shared() -> &'static (jieba_rs::Jieba, EntityExtractor) {
    static S: OnceLock<(jieba_rs::Jieba, EntityExtractor)> = OnceLock::new();
    S.get_or_init(|| {
        let mut j = jieba_rs::Jieba::new();
        let ex = EntityExtractor::new(&mut j, &[]);
        (j, ex)
    })
}

fn extract(body: &str) -> Vec<Entity> {
    let (j, ex) = shared();
    ex.extract(j, "", body)
}

fn find<'a>(ents: &'a [Entity], name: &str) -> Option<&'a Entity> {
    ents.iter().find(|e| e.name == name)
}

fn spans(text: &str, v: &[rules::Span]) -> Vec<String> {
    v.iter().map(|s| text[s.start..s.end].to_string()).collect()
}

// --- types -----------------------------------------------------------------------------------

#[test]
fn entity_type_parses_and_serialises() {
    assert_eq!("per".parse::<EntityType>(), Ok(EntityType::Per));
    assert_eq!("PRODUCT".parse::<EntityType>(), Ok(EntityType::Product));
    assert_eq!(" Work ".parse::<EntityType>(), Ok(EntityType::Work));
    assert!("place".parse::<EntityType>().is_err());
    assert_eq!(
        serde_json::to_string(&EntityType::Org).ok().as_deref(),
        Some("\"ORG\"")
    );
    let e = Entity {
        name: "支付宝".into(),
        kind: EntityType::Product,
        count: 2,
        mentions: vec!["支付宝".into()],
    };
    assert_eq!(
        serde_json::to_string(&e).ok().as_deref(),
        Some(r#"{"name":"支付宝","type":"PRODUCT","count":2,"mentions":["支付宝"]}"#)
    );
}

// --- 《titles》 ------------------------------------------------------------------------------

#[test]
fn titles_rule_strips_brackets_and_keeps_nested() {
    let t =
        "监管部门发布《非银行支付机构条例》，并解读《〈电子商务法〉实施细则》和《 》以及《未闭合";
    assert_eq!(
        spans(t, &rules::titles(t)),
        vec!["非银行支付机构条例", "〈电子商务法〉实施细则"]
    );
    let ents = extract(t);
    let w = find(&ents, "非银行支付机构条例").map(|e| e.kind);
    assert_eq!(w, Some(EntityType::Work));
}

#[test]
fn entities_inside_a_title_are_not_extracted_separately() {
    let ents = extract("平台发布了《微信支付商户管理规范》。");
    assert!(find(&ents, "微信支付商户管理规范").is_some());
    assert!(find(&ents, "微信支付").is_none(), "{ents:?}");
}

// --- gazetteer and aliases -------------------------------------------------------------------

#[test]
fn gazetteer_files_parse() {
    for (name, text) in gazetteer::files() {
        let parsed = parse_user_entities(text);
        assert!(parsed.is_ok(), "{name}: {parsed:?}");
        assert!(
            parsed.map(|v| v.len()).unwrap_or(0) > 50,
            "{name} is too small"
        );
    }
}

#[test]
fn alias_is_canonicalised_with_surface_kept() {
    let ents = extract("阿里旗下的支付宝宣布与银行合作。");
    let ali = find(&ents, "阿里巴巴").cloned();
    assert_eq!(
        ali,
        Some(Entity {
            name: "阿里巴巴".into(),
            kind: EntityType::Org,
            count: 1,
            mentions: vec!["阿里".into()],
        })
    );
    assert_eq!(
        find(&ents, "支付宝").map(|e| e.kind),
        Some(EntityType::Product)
    );
}

#[test]
fn government_short_forms_and_counts() {
    let ents = extract("央行与证监会联合发文。工信部表示支持，工业和信息化部将加强监管。");
    let miit = find(&ents, "工业和信息化部").cloned();
    assert_eq!(
        miit,
        Some(Entity {
            name: "工业和信息化部".into(),
            kind: EntityType::Org,
            count: 2,
            mentions: vec!["工信部".into(), "工业和信息化部".into()],
        })
    );
    assert!(find(&ents, "中国人民银行").is_some());
    assert!(find(&ents, "中国证券监督管理委员会").is_some());
    // sorted by count desc then name
    assert_eq!(
        ents.first().map(|e| e.name.as_str()),
        Some("工业和信息化部")
    );
}

#[test]
fn gazetteer_does_not_cut_words() {
    // 京东 must not be found inside 北京东路
    let ents = extract("这家店位于北京东路。");
    assert!(find(&ents, "京东").is_none(), "{ents:?}");
}

#[test]
fn platform_named_as_company_is_org() {
    let ents = extract("淘宝公司回应称，淘宝将继续开放。");
    assert_eq!(
        find(&ents, "淘宝公司").map(|e| e.kind),
        Some(EntityType::Org)
    );
    assert_eq!(
        find(&ents, "淘宝").map(|e| e.kind),
        Some(EntityType::Product)
    );
}

// --- organisation suffixes -------------------------------------------------------------------

#[test]
fn suffix_org_after_place_name() {
    let ents = extract("杭州云栈科技有限公司近日完成新一轮融资。");
    assert_eq!(
        find(&ents, "杭州云栈科技有限公司").map(|e| e.kind),
        Some(EntityType::Org)
    );
}

#[test]
fn generic_org_words_are_not_names() {
    let ents = extract("今天下午，多家上市公司发布公告，有关部门表示关注。");
    assert!(ents.iter().all(|e| e.kind != EntityType::Org), "{ents:?}");
}

#[test]
fn stock_code_names_a_listed_company() {
    let ents = extract("云栈股份（600000）公告称，公司将回购股份。");
    assert_eq!(
        find(&ents, "云栈股份").map(|e| e.kind),
        Some(EntityType::Org)
    );
    assert!(ents.iter().all(|e| !e.name.contains("600000")));
}

// --- people ----------------------------------------------------------------------------------

#[test]
fn person_before_verb_of_saying() {
    let ents = extract("支付专家王立新表示，互联互通是大势所趋。");
    assert_eq!(find(&ents, "王立新").map(|e| e.kind), Some(EntityType::Per));
    let ents = extract("行长张伟称，手续费将下调。");
    assert_eq!(find(&ents, "张伟").map(|e| e.kind), Some(EntityType::Per));
}

#[test]
fn bylines_and_source_line() {
    let t = "（编辑：刘晓燕 王大伟）\n来源：新华社";
    assert_eq!(
        spans(t, &rules::bylines(t)),
        vec!["刘晓燕", "王大伟", "新华社"]
    );
    let ents = extract("记者 张明远 报道\n责编 | 赵小兰");
    assert_eq!(find(&ents, "张明远").map(|e| e.kind), Some(EntityType::Per));
    assert_eq!(find(&ents, "赵小兰").map(|e| e.kind), Some(EntityType::Per));
    let ents = extract("来源：云栈财经");
    assert_eq!(
        find(&ents, "云栈财经").map(|e| e.kind),
        Some(EntityType::Org)
    );
}

#[test]
fn transliterated_names_with_middle_dot() {
    let t = "约瑟夫·米勒在会上介绍了跨境支付方案，马克 · 扎克伯格没有出席。";
    assert_eq!(
        spans(t, &rules::dotted_names(t)),
        vec!["约瑟夫·米勒", "马克 · 扎克伯格"]
    );
    let ents = extract(t);
    assert_eq!(
        find(&ents, "约瑟夫·米勒").map(|e| e.kind),
        Some(EntityType::Per)
    );
}

#[test]
fn western_name_and_its_last_name_are_one_person() {
    let ents = extract("Samuel Porter 表示，支付网关将升级。Porter 还称新版本下月上线。");
    let p = find(&ents, "Samuel Porter").cloned();
    assert_eq!(
        p,
        Some(Entity {
            name: "Samuel Porter".into(),
            kind: EntityType::Per,
            count: 2,
            mentions: vec!["Samuel Porter".into(), "Porter".into()],
        })
    );
}

#[test]
fn jieba_false_positive_filter() {
    let tok = |word: &'static str, tag: &'static str| Tok {
        word,
        tag,
        bs: 0,
        be: word.len(),
    };
    let (j, _) = shared();
    // dictionary words jieba tags as names / places
    assert_eq!(jieba_candidate(j, &tok("耿直", "nr"), false), None);
    assert_eq!(jieba_candidate(j, &tok("今天下午", "nr"), false), None);
    assert_eq!(jieba_candidate(j, &tok("上市", "ns"), false), None);
    // single characters and digits
    assert_eq!(jieba_candidate(j, &tok("王", "nr"), false), None);
    assert_eq!(jieba_candidate(j, &tok("A股", "nz"), false), None);
    // an out-of-vocabulary name with a surname, a place with a place ending
    assert_eq!(
        jieba_candidate(j, &tok("毕立康", "nr"), false),
        Some(EntityType::Per)
    );
    assert_eq!(
        jieba_candidate(j, &tok("云栈县", "ns"), false),
        Some(EntityType::Loc)
    );
    let ents = extract("他为人耿直，今天下午才赶到现场。");
    assert!(ents.iter().all(|e| e.kind != EntityType::Per), "{ents:?}");
}

// --- Latin-script names ----------------------------------------------------------------------

#[test]
fn latin_products_with_model_numbers() {
    let t = "新款 iPhone 13 和 Windows 11 都支持该功能，搭载 M1 Max 芯片，TPM 芯片必不可少，售价 999 USD。";
    let got = spans(t, &rules::latin(t, &[]));
    assert_eq!(got, vec!["iPhone 13", "Windows 11", "M1 Max"]);
    let ents = extract(t);
    assert_eq!(
        find(&ents, "Windows 11").map(|e| e.kind),
        Some(EntityType::Product)
    );
    assert!(find(&ents, "TPM").is_none());
}

#[test]
fn latin_rule_skips_years_units_urls_and_code() {
    let t = "Apple 2021 年营收增长，内存 16GB，详见 https://example.com/Pay/Guide 。\nlet x = Foo::Bar;";
    assert!(
        rules::latin(t, &rules::url_ranges(t)).is_empty(),
        "{:?}",
        spans(t, &rules::latin(t, &[]))
    );
}

#[test]
fn brand_plus_model() {
    let ents = extract("华为Mate 40 正式发布，谷歌 Pixel 7 同步降价，华为鸿蒙也有更新。");
    assert_eq!(
        find(&ents, "华为Mate 40").map(|e| e.kind),
        Some(EntityType::Product)
    );
    // with a space: the brand and the product stay separate mentions
    assert_eq!(
        find(&ents, "Pixel 7").map(|e| e.kind),
        Some(EntityType::Product)
    );
    assert_eq!(find(&ents, "谷歌").map(|e| e.kind), Some(EntityType::Org));
    // written together: a mention of the product
    let p = find(&ents, "鸿蒙").cloned();
    assert_eq!(p.map(|e| e.mentions), Some(vec!["华为鸿蒙".to_string()]));
}

// --- user entity file ------------------------------------------------------------------------

#[test]
fn user_file_parses_good_lines_comments_and_blanks() {
    let text = "# my entities\n\n云栈支付\tPRODUCT\t云栈Pay, 云栈钱包\n李青松\tper\n  # indented comment\r\n星河银行\tORG\t\n";
    let v = parse_user_entities(text);
    assert_eq!(
        v,
        Ok(vec![
            UserEntity {
                name: "云栈支付".into(),
                kind: EntityType::Product,
                aliases: vec!["云栈Pay".into(), "云栈钱包".into()],
            },
            UserEntity {
                name: "李青松".into(),
                kind: EntityType::Per,
                aliases: vec![],
            },
            UserEntity {
                name: "星河银行".into(),
                kind: EntityType::Org,
                aliases: vec![],
            },
        ])
    );
}

#[test]
fn user_file_bad_lines_report_line_numbers() {
    let e = parse_user_entities("# ok\n云栈支付\tPRODUCT\n只有名字没有类型\n");
    assert_eq!(e, Err(UserEntityError::MissingType { line: 3 }));
    assert_eq!(e.err().map(|x| x.line()), Some(3));
    let e = parse_user_entities("云栈支付\tAPP\n");
    assert_eq!(
        e,
        Err(UserEntityError::UnknownType {
            line: 1,
            found: "APP".into()
        })
    );
    let msg = e.err().map(|x| x.to_string()).unwrap_or_default();
    assert!(msg.contains("line 1") && msg.contains("PER, ORG"), "{msg}");
    assert_eq!(
        parse_user_entities("\tORG\n"),
        Err(UserEntityError::EmptyName { line: 1 })
    );
    assert_eq!(
        parse_user_entities("a\tORG\tb\tc\n"),
        Err(UserEntityError::TooManyFields { line: 1, found: 4 })
    );
}

#[test]
fn user_names_kept_whole_and_typed() {
    let user =
        parse_user_entities("星河闪付通\tPRODUCT\t闪付通\n雷青松\tPER\n").unwrap_or_default();
    let mut j = jieba_rs::Jieba::new();
    let ex = EntityExtractor::new(&mut j, &user);
    let words: Vec<&str> = j
        .cut("用户可以用星河闪付通付款", false)
        .iter()
        .map(|t| t.word)
        .collect();
    assert!(words.contains(&"星河闪付通"), "{words:?}");
    let ents = ex.extract(&j, "星河闪付通上线", "雷青松介绍，闪付通已接入多家银行。");
    let p = find(&ents, "星河闪付通").cloned();
    assert_eq!(
        p,
        Some(Entity {
            name: "星河闪付通".into(),
            kind: EntityType::Product,
            count: 2,
            mentions: vec!["星河闪付通".into(), "闪付通".into()],
        })
    );
    assert_eq!(find(&ents, "雷青松").map(|e| e.kind), Some(EntityType::Per));
}

#[test]
fn user_entity_overrides_gazetteer_type() {
    let user = parse_user_entities("支付宝\tORG\n").unwrap_or_default();
    let mut j = jieba_rs::Jieba::new();
    let ex = EntityExtractor::new(&mut j, &user);
    let ents = ex.extract(&j, "", "支付宝发布公告。");
    assert_eq!(find(&ents, "支付宝").map(|e| e.kind), Some(EntityType::Org));
}

// --- robustness ------------------------------------------------------------------------------

#[test]
fn never_panics_on_odd_input() {
    let long_run = "《".repeat(500) + &"·".repeat(300);
    let samples = [
        "",
        "《",
        "》》《《",
        "·",
        " · ",
        "记者",
        "编辑：",
        "来源：",
        "（600000）",
        "(600000)",
        "iPhone",
        "A-",
        "a.b.c.d-",
        "😀《😀》😀·😀 表示",
        "\u{feff}\u{200b}\r\n\t",
        "Ｗｉｎｄｏｗｓ　１１ 和 ＩＴ之家",
        "第 12 代",
        "代酷睿",
        long_run.as_str(),
    ];
    let (j, ex) = shared();
    for s in samples {
        let _ = ex.extract(j, s, s);
    }
}

#[test]
fn generation_prefix_extends_product_line() {
    let ents = extract("第 14 代酷睿处理器性能提升明显，14代酷睿供不应求。");
    let p = find(&ents, "14代酷睿").cloned();
    assert_eq!(
        p.map(|e| (e.count, e.mentions)),
        Some((2, vec!["第 14 代酷睿".to_string(), "14代酷睿".to_string()]))
    );
}

#[test]
fn latin_actor_is_an_organisation() {
    let ents = extract("据 TechDaily 报道，新版支付插件将上线。");
    assert_eq!(
        find(&ents, "TechDaily").map(|e| e.kind),
        Some(EntityType::Org)
    );
}

#[test]
fn share_short_names_are_listed_companies() {
    let ents = extract("星河股份盘中涨停，公司持有股份比例不变，全部股份已解除质押。");
    assert_eq!(
        find(&ents, "星河股份").map(|e| e.kind),
        Some(EntityType::Org)
    );
    assert!(
        find(&ents, "持有股份").is_none() && find(&ents, "全部股份").is_none(),
        "{ents:?}"
    );
}

#[test]
fn app_names_before_app_word() {
    let ents = extract("用户可以在淘特 App 下单，也可以用支付 App 或手机客户端。");
    assert_eq!(
        find(&ents, "淘特").map(|e| e.kind),
        Some(EntityType::Product)
    );
    assert!(
        find(&ents, "支付").is_none() && find(&ents, "手机").is_none(),
        "{ents:?}"
    );
}

// --- rules added for the real-text evaluation -------------------------------------------------

fn names_of(ents: &[Entity]) -> Vec<(String, EntityType)> {
    let mut v: Vec<(String, EntityType)> = ents.iter().map(|e| (e.name.clone(), e.kind)).collect();
    v.sort();
    v
}

#[test]
fn rare_given_name_accepted_when_unknown_or_repeated() {
    let tok = |word: &'static str, tag: &'static str| Tok {
        word,
        tag,
        bs: 0,
        be: word.len(),
    };
    let (j, _) = shared();
    // `明` inside a three-character name is no time word
    assert_eq!(
        jieba_candidate(j, &tok("贾明蔚", "nr"), false),
        Some(EntityType::Per)
    );
    // a rare given-name character: accepted for an unknown word, not for a transliteration
    assert_eq!(
        jieba_candidate(j, &tok("董又琮", "nr"), false),
        Some(EntityType::Per)
    );
    assert_eq!(jieba_candidate(j, &tok("马戈尔", "nr"), false), None);
    // an unknown "name" with a place ending is a place
    assert_eq!(
        jieba_candidate(j, &tok("宫木岛", "nr"), false),
        Some(EntityType::Loc)
    );
}

#[test]
fn longest_org_suffix_is_used() {
    let ents = extract("江苏证监局对该公司出具警示函。");
    assert_eq!(
        names_of(&ents),
        vec![("江苏证监局".to_string(), EntityType::Org)]
    );
}

#[test]
fn controlling_stake_verb_is_no_org_suffix() {
    let t = "远川文化控股子公司发布公告。";
    let (j, ex) = shared();
    let ents = ex.extract(j, "", t);
    assert!(find(&ents, "远川文化控股").is_none(), "{ents:?}");
}

#[test]
fn place_before_industry_word_is_no_company() {
    let ents = extract("欧美汽车销量下滑，日本汽车也受影响。");
    assert!(ents.iter().all(|e| e.kind != EntityType::Org), "{ents:?}");
}

#[test]
fn news_brief_company_before_colon() {
    let t = "要闻速递\n鼎晟科技：拟投资建设新产线。\n禾信药业：获得药品注册证书。";
    let (j, _) = shared();
    let toks: Vec<Tok> = j
        .tag(t, true)
        .into_iter()
        .map(|x| Tok {
            word: x.word,
            tag: x.tag,
            bs: x.byte_start,
            be: x.byte_end,
        })
        .collect();
    assert_eq!(
        spans(t, &rules::brief_companies(t, &toks)),
        vec!["鼎晟科技", "禾信药业"]
    );
    // not at a line or sentence start
    let t2 = "他说鼎晟科技：很好";
    let toks2: Vec<Tok> = j
        .tag(t2, true)
        .into_iter()
        .map(|x| Tok {
            word: x.word,
            tag: x.tag,
            bs: x.byte_start,
            be: x.byte_end,
        })
        .collect();
    assert!(rules::brief_companies(t2, &toks2).is_empty());
}

#[test]
fn hong_kong_stock_code_without_market() {
    let ents = extract("分析师首予禾信能源(03999)买入评级。");
    assert_eq!(
        find(&ents, "禾信能源").map(|e| e.kind),
        Some(EntityType::Org),
        "{ents:?}"
    );
}

#[test]
fn share_short_name_starts_other_org_names() {
    let ents = extract("巨浪股份公告称，巨浪集团将增持。");
    let mut n: Vec<&str> = ents
        .iter()
        .filter(|e| e.kind == EntityType::Org)
        .map(|e| e.name.as_str())
        .collect();
    n.sort();
    assert_eq!(n, vec!["巨浪股份", "巨浪集团"]);
}

#[test]
fn place_qualifying_a_name_is_dropped_unless_alone() {
    // `日本` only qualifies the company name here
    let ents = extract("公司收购日本伊戈泰少数股权。");
    assert!(find(&ents, "日本").is_none(), "{ents:?}");
    // ... and counts when it also stands alone
    let ents = extract("公司收购日本伊戈泰少数股权，并拓展日本市场。");
    assert!(find(&ents, "日本").is_some(), "{ents:?}");
    // a place before a place names both
    let ents = extract("会议在日本东京举行。");
    assert_eq!(
        names_of(&ents),
        vec![
            ("东京".to_string(), EntityType::Loc),
            ("日本".to_string(), EntityType::Loc)
        ]
    );
}

#[test]
fn zones_and_facilities_named_after_places() {
    let ents = extract("项目位于福建自贸区，紧邻厦门东渡国际邮轮母港。");
    let locs: Vec<(&str, &[String])> = ents
        .iter()
        .filter(|e| e.kind == EntityType::Loc)
        .map(|e| (e.name.as_str(), e.mentions.as_slice()))
        .collect();
    assert_eq!(
        locs,
        vec![
            (
                "中国（福建）自由贸易试验区",
                &["福建自贸区".to_string()][..]
            ),
            (
                "厦门东渡国际邮轮母港",
                &["厦门东渡国际邮轮母港".to_string()][..]
            ),
        ],
        "{ents:?}"
    );
}

#[test]
fn shorter_place_name_joins_the_longer_one() {
    let ents = extract("厦门东渡国际邮轮母港今日启用，东渡邮轮母港首航。");
    let e = find(&ents, "厦门东渡国际邮轮母港");
    assert_eq!(e.map(|e| e.count), Some(2), "{ents:?}");
    assert_eq!(ents.len(), 1, "{ents:?}");
}

#[test]
fn org_with_place_prefix_joins_org_without_it() {
    let ents = extract("杭州余杭区良渚街道党工委召开会议。余杭区良渚街道党工委书记出席。");
    let orgs: Vec<&Entity> = ents.iter().filter(|e| e.kind == EntityType::Org).collect();
    assert_eq!(orgs.len(), 1, "{ents:?}");
    assert_eq!(orgs[0].count, 2);
}

#[test]
fn latin_units_term_phrases_and_versions() {
    let t = "主频 GHz 提升，支持 Secure Boot 与 Variable Rate Shading，需要 TPM 2.0，升级到 Proton 8.0 驱动。";
    let ents = extract(t);
    assert!(find(&ents, "GHz").is_none(), "{ents:?}");
    assert!(find(&ents, "Secure Boot").is_none(), "{ents:?}");
    assert!(find(&ents, "Variable Rate Shading").is_none(), "{ents:?}");
    assert!(find(&ents, "TPM 2.0").is_none(), "{ents:?}");
    assert!(find(&ents, "Proton 8.0").is_some(), "{ents:?}");
    assert!(rules::term_phrase(&["Exception", "Level", "2"]));
    assert!(!rules::term_phrase(&["Steam", "Deck"]));
}

#[test]
fn code_names_before_a_product_category() {
    let ents = extract("新款 Q7x 处理器和 Zorblax 模拟器都已发布，但 Q7x 之外的型号仍待定。");
    assert_eq!(
        find(&ents, "Q7x").map(|e| e.kind),
        Some(EntityType::Product),
        "{ents:?}"
    );
    assert!(find(&ents, "Zorblax").is_some(), "{ents:?}");
    // no category right after: a clause in between does not count
    assert!(!rules::category_after("甚至在手机上", 0));
    assert!(rules::category_after(" 台式处理器", 0));
}

#[test]
fn company_before_plain_word_and_product_before_plain_word() {
    // `Adobe PDF`: the company only; `Windows Foo`: the product only
    let ents = extract("用户可用 Adobe PDF 阅读器打开，也可在 Windows Shell 中预览。");
    assert!(find(&ents, "Adobe").is_some(), "{ents:?}");
    assert!(find(&ents, "Adobe PDF").is_none(), "{ents:?}");
    assert!(find(&ents, "PDF").is_none(), "{ents:?}");
    assert!(find(&ents, "Windows").is_some(), "{ents:?}");
    assert!(find(&ents, "Windows Shell").is_none(), "{ents:?}");
}

#[test]
fn latin_org_words_and_user_names() {
    let ents = extract("由 Quasar Studios 开发。据论坛成员 zed0x 测试，该功能可用。");
    assert_eq!(
        find(&ents, "Quasar Studios").map(|e| e.kind),
        Some(EntityType::Org),
        "{ents:?}"
    );
    assert_eq!(
        find(&ents, "zed0x").map(|e| e.kind),
        Some(EntityType::Per),
        "{ents:?}"
    );
}

#[test]
fn byline_with_rare_surname_after_separator() {
    let t = "正文结束。\n编辑 | 禤晓峰\n";
    assert_eq!(spans(t, &rules::bylines(t)), vec!["禤晓峰"]);
}

#[test]
fn speaker_with_rare_given_name() {
    let ents = extract("晚清词人谭献琛称赞此诗。");
    assert_eq!(
        find(&ents, "谭献琛").map(|e| e.kind),
        Some(EntityType::Per),
        "{ents:?}"
    );
}

#[test]
fn quoted_headline_is_no_work() {
    let t = "转载自《定了！新航线即将开通！直达多地》一文，并参考《数据安全法》。";
    assert_eq!(spans(t, &rules::titles(t)), vec!["数据安全法"]);
}

#[test]
fn speaking_handle_is_a_person() {
    let ents = extract("图形工程师 Marek（@Zorvik）发文。Zorvik 表示，优化还没有完成。");
    assert_eq!(
        find(&ents, "Zorvik").map(|e| e.kind),
        Some(EntityType::Per),
        "{ents:?}"
    );
}

#[test]
fn coordinated_names_share_a_category_and_letter_hyphen_terms() {
    let ents = extract("攻击者分发 Vexora 和 Quillbot 恶意软件，并利用 E-Core 调度。");
    assert!(find(&ents, "Vexora").is_some(), "{ents:?}");
    assert!(find(&ents, "Quillbot").is_some(), "{ents:?}");
    assert!(find(&ents, "E-Core").is_none(), "{ents:?}");
    assert!(rules::category_after_coord(" 和 Bar 恶意软件", 0));
    assert!(!rules::category_after_coord(" 和 Bar 表示", 0));
}

/// The entity model's spans of `text` (char offsets) as `type:surface`.
fn model_spans(text: &str) -> Vec<String> {
    let (j, ex) = shared();
    let Some(m) = shipped_model() else {
        return vec!["no model".to_string()];
    };
    let chars: Vec<char> = text.chars().collect();
    m.tag(&ex.model_input(j, text))
        .iter()
        .map(|s| {
            let surface: String = chars[s.start..s.end].iter().collect();
            format!("{}:{surface}", s.kind.as_str())
        })
        .collect()
}

#[test]
fn shipped_model_loads() {
    let model = shipped_model().map(|m| m.feature_count());
    assert!(model.is_some_and(|n| n > 100_000), "{model:?}");
}

#[test]
fn model_tags_invented_sentences() {
    let cases: &[(&str, &[&str])] = &[
        (
            "记者王小明报道，星河科技公司总裁李大华昨天在杭州市表示，公司将扩大投资。",
            &["PER:王小明", "ORG:星河科技公司", "PER:李大华", "LOC:杭州市"],
        ),
        // foreign names after titles
        (
            "德国总理施泰纳与法国总统杜博瓦在巴黎会面。",
            &[
                "LOC:德国",
                "PER:施泰纳",
                "LOC:法国",
                "PER:杜博瓦",
                "LOC:巴黎",
            ],
        ),
        // a province directly followed by a city
        (
            "据新华社报道，国家发展和改革委员会副主任张建国在广东佛山调研。",
            &[
                "ORG:新华社",
                "ORG:国家发展和改革委员会",
                "PER:张建国",
                "LOC:广东",
                "LOC:佛山",
            ],
        ),
        (
            "青州市与白水县第一中学签署了协议，陈晓东出席。",
            &["LOC:青州市", "ORG:白水县第一中学", "PER:陈晓东"],
        ),
        ("", &[]),
        ("今天天气很好。", &[]),
    ];
    let wrong: Vec<String> = cases
        .iter()
        .filter(|(text, want)| model_spans(text) != *want)
        .map(|(text, _)| format!("{text}: {:?}", model_spans(text)))
        .collect();
    assert!(wrong.is_empty(), "{wrong:#?}");
}
