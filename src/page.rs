//! TEMPORARY stub until the real page extractor lands.
#[derive(Debug, Clone, Default)]
pub struct Page {
    pub title: Option<String>,
    pub published: Option<String>,
    pub author: Option<String>,
    pub source: Option<String>,
    pub url: Option<String>,
    pub image: Option<String>,
    pub body: String,
}
pub fn extract_page(html: &str) -> Page {
    let doc = scraper::Html::parse_document(html);
    let sel = scraper::Selector::parse("title").ok();
    let title = sel.and_then(|s| doc.select(&s).next().map(|t| t.text().collect::<String>()));
    Page {
        title,
        body: crate::clean::element_to_text(doc.root_element()),
        ..Page::default()
    }
}
