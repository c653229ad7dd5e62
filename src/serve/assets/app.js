// newsidx web page. Every piece of article text reaches the DOM as a text node (textContent,
// createTextNode): markup is never parsed from data, no HTML strings are built. Links are made only for
// http(s) URLs. The page state lives in the URL (pushState/popstate).
"use strict";

const FILTERS = ["q", "since", "until", "source", "category", "tag", "entity", "mentions"];
const MULTI = ["source", "category", "tag", "entity"];
const TYPE_NAMES = { PER: "人物", ORG: "机构", LOC: "地点", PRODUCT: "产品", WORK: "作品" };
const PAGE = 10;
const $ = (id) => document.getElementById(id);

// ---------- DOM helpers (text only) ----------

// Latin runs such as "Tim Cook" or "Apple Pay" stay on one line.
const LATIN_RUN = /[A-Za-z][A-Za-z0-9.'&-]*(?:[ \u00a0][A-Za-z0-9][A-Za-z0-9.'&-]*)+/g;

// Control characters and bidirectional overrides/isolates would be invisible or reorder the
// page: they are shown as visible code points (U+202E) instead.
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

function codePoint(c) {
  return "U+" + c.codePointAt(0).toString(16).toUpperCase().padStart(4, "0");
}

function textNodes(text) {
  const frag = document.createDocumentFragment();
  const s = String(text == null ? "" : text);
  let at = 0;
  const plain = (part) => {
    let from = 0;
    for (const m of part.matchAll(CONTROL)) {
      if (m.index > from) frag.append(document.createTextNode(part.slice(from, m.index)));
      const span = document.createElement("span");
      span.className = "ctl";
      span.textContent = codePoint(m[0]);
      frag.append(span);
      from = m.index + m[0].length;
    }
    if (from < part.length) frag.append(document.createTextNode(part.slice(from)));
  };
  for (const m of s.matchAll(LATIN_RUN)) {
    if (m.index > at) plain(s.slice(at, m.index));
    const span = document.createElement("span");
    span.className = "latin";
    span.textContent = m[0];
    frag.append(span);
    at = m.index + m[0].length;
  }
  if (at < s.length) plain(s.slice(at));
  return frag;
}

function el(tag, props, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props || {})) {
    if (v == null || v === false) continue;
    if (k === "class") node.className = v;
    else if (k === "onclick") node.addEventListener("click", v);
    else if (k === "href") node.setAttribute("href", safeHref(v));
    else node.setAttribute(k, String(v));
  }
  for (const c of children) {
    if (c == null || c === false) continue;
    node.append(c instanceof Node ? c : textNodes(c));
  }
  return node;
}

// Only http(s) and this page's own "?…" links; anything else (javascript:, data:) is inert.
function safeHref(url) {
  const s = String(url);
  if (s.startsWith("?") || s === "/") return s;
  return /^https?:\/\//i.test(s) ? s : "#";
}

function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
  return node;
}

// The API's snippet is HTML-escaped text with <b>…</b> around matches (the CLI's --json
// contract). Literal "<b>" in an article arrives escaped, so the only raw markers are ours:
// split on them and unescape each piece into a text node.
function unescapeHtml(s) {
  return s.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'").replace(/&amp;/g, "&");
}

function snippetNodes(snippet) {
  const frag = document.createDocumentFragment();
  String(snippet || "").split(/<\/?b>/).forEach((part, i) => {
    const text = unescapeHtml(part);
    if (!text) return;
    frag.append(i % 2 === 1 ? el("mark", {}, text) : textNodes(text));
  });
  return frag;
}

// ---------- state in the URL ----------

function readState() {
  const p = new URLSearchParams(location.search);
  const state = { doc: p.get("doc") || "", sort: p.get("sort") || "relevance",
    offset: Math.max(0, parseInt(p.get("offset") || "0", 10) || 0) };
  for (const f of FILTERS) state[f] = MULTI.includes(f) ? p.getAll(f) : (p.get(f) || "");
  return state;
}

function stateQuery(state, extra) {
  const p = new URLSearchParams();
  for (const f of FILTERS) {
    const v = state[f];
    if (Array.isArray(v)) v.forEach((x) => p.append(f, x));
    else if (v) p.set(f, v);
  }
  for (const [k, v] of Object.entries(extra || {})) if (v !== "" && v != null) p.set(k, v);
  return p;
}

function go(state) {
  const extra = { sort: state.sort !== "relevance" ? state.sort : "",
    offset: state.offset ? state.offset : "", doc: state.doc };
  history.pushState(null, "", "?" + stateQuery(state, extra).toString());
  render();
}

function change(mutate) {
  const state = readState();
  state.doc = "";
  state.offset = 0;
  mutate(state);
  go(state);
}

const hasFilters = (s) => FILTERS.some((f) => (Array.isArray(s[f]) ? s[f].length : s[f]));

// ---------- API ----------

async function api(path) {
  const response = await fetch(path, { headers: { Accept: "application/json" } });
  const body = await response.json().catch(() => ({ error: "bad response" }));
  if (!response.ok) {
    const err = new Error(body.error || response.statusText);
    err.status = response.status;
    err.parameter = body.parameter;
    throw err;
  }
  return body;
}

const docPath = (id) => "/api/doc/" + String(id).split("/").map(encodeURIComponent).join("/");

// ---------- search view ----------

async function renderSearch(state) {
  $("doc-view").hidden = true;
  $("search-view").hidden = false;
  $("q").value = state.q;
  $("since").value = state.since;
  $("until").value = state.until;
  $("sort").value = state.sort;
  renderActive(state);
  // With nothing asked, list the newest articles (the API wants words or a filter).
  const everything = !hasFilters(state);
  const query = everything ? stateQuery(state, { since: "1700-01-01" }) : stateQuery(state);
  const sort = everything && state.sort === "relevance" ? "newest" : state.sort;
  const search = api("/api/search?" + query + "&" + new URLSearchParams({
    sort, offset: state.offset, n: PAGE, facets: 1 }));
  renderTimeline(state, query);
  try {
    const results = await search;
    renderResults(state, results, everything);
    renderFacets(results.facets || {});
  } catch (err) {
    showError(err);
  }
}

function showError(err) {
  clear($("results"));
  clear($("pager"));
  clear($("facets"));
  const where = err.parameter ? "（参数 " + err.parameter + "）" : "";
  $("summary").className = "error";
  $("summary").textContent = "出错了：" + err.message + where;
}

function renderActive(state) {
  const box = clear($("active"));
  for (const f of MULTI) {
    for (const v of state[f]) {
      box.append(el("span", { class: "chip", "data-filter": f }, v,
        el("button", { type: "button", title: "去掉", "aria-label": "去掉 " + v,
          onclick: () => change((s) => { s[f] = s[f].filter((x) => x !== v); }) }, "×")));
    }
  }
  for (const f of ["since", "until", "mentions"]) {
    if (!state[f]) continue;
    const label = { since: "起 ", until: "止 ", mentions: "提及 " }[f] + state[f];
    box.append(el("span", { class: "chip", "data-filter": f }, label,
      el("button", { type: "button", title: "去掉", onclick: () => change((s) => { s[f] = ""; }) }, "×")));
  }
}

function renderResults(state, results, everything) {
  const summary = $("summary");
  summary.className = "";
  const from = results.hits.length ? results.offset + 1 : 0;
  const to = results.offset + results.hits.length;
  summary.textContent = (everything ? "最新文章：" : "") + "共 " + results.total + " 篇" +
    (results.total ? "，第 " + from + "–" + to + " 篇" : "") +
    (results.partial ? "（没有文章包含全部词语，显示部分匹配）" : "") +
    "，" + results.took_ms + " 毫秒";
  const list = clear($("results"));
  for (const hit of results.hits) list.append(hitItem(hit));
  renderPager(state, results);
}

function hitItem(hit) {
  const open = (e) => { e.preventDefault(); const s = readState(); s.doc = hit.id; go(s); };
  const title = el("a", { href: "?doc=" + encodeURIComponent(hit.id), class: "title", onclick: open },
    hit.title || hit.path);
  const meta = el("div", { class: "meta" },
    hit.published && el("span", {}, hit.published.slice(0, 10)),
    hit.source && el("span", { class: "source" }, hit.source),
    hit.site && hit.site !== hit.source && el("span", {}, hit.site));
  const tags = el("div", { class: "tags" });
  const keywords = Array.isArray(hit.keywords) ? hit.keywords : [];
  for (const k of keywords.slice(0, 6)) {
    tags.append(el("span", { class: "chip keyword" }, k));
  }
  const entities = Array.isArray(hit.entities) ? hit.entities : [];
  for (const e of entities.slice(0, keywords.length ? 3 : 6)) {
    tags.append(el("button", { type: "button", class: "chip ent ent-" + e.type,
      title: (TYPE_NAMES[e.type] || e.type) + "：按此筛选",
      onclick: () => change((s) => { if (!s.entity.includes(e.name)) s.entity.push(e.name); }) }, e.name));
  }
  const similar = similarCount(hit);
  if (similar > 0) tags.append(el("span", { class: "similar" }, "+" + similar + " 相似"));
  return el("li", { class: "hit" }, el("h2", {}, title), meta,
    el("p", { class: "snippet" }, snippetNodes(hit.snippet)), tags);
}

// Near-duplicates folded into a hit, in whichever shape the server gives them.
function similarCount(hit) {
  return Array.isArray(hit.duplicates) ? hit.duplicates.length : 0;
}

function renderPager(state, results) {
  const pager = clear($("pager"));
  const page = (offset) => () => { const s = readState(); s.offset = offset; go(s); };
  if (state.offset > 0) {
    pager.append(el("button", { type: "button", id: "prev", onclick: page(Math.max(0, state.offset - PAGE)) }, "上一页"));
  }
  const pages = Math.ceil(results.total / PAGE);
  if (pages > 1) pager.append(el("span", {}, "第 " + (Math.floor(state.offset / PAGE) + 1) + " / " + pages + " 页"));
  if (state.offset + PAGE < results.total) {
    pager.append(el("button", { type: "button", id: "next", onclick: page(state.offset + PAGE) }, "下一页"));
  }
}

function renderFacets(facets) {
  const box = clear($("facets"));
  const group = (title, name, values) => {
    if (!values || !values.length) return;
    const list = el("ul", {});
    for (const v of values) {
      list.append(el("li", {}, el("button", { type: "button", "data-facet": name, "data-value": v.value,
        onclick: () => change((s) => { if (!s[name].includes(v.value)) s[name].push(v.value); }) },
        el("span", { class: "value" }, v.value), el("span", { class: "count" }, String(v.count)))));
    }
    box.append(el("section", { class: "facet", "data-facet": name }, el("h3", {}, title), list));
  };
  group("来源", "source", facets.source);
  group("分类", "category", facets.category);
  group("标签", "tag", facets.tag);
  for (const [type, values] of Object.entries(facets.entity || {})) {
    group(TYPE_NAMES[type] || type, "entity", values);
  }
}

// ---------- timeline ----------

const DAY = 86400000;
const isoDay = (t) => new Date(t).toISOString().slice(0, 10);

// Weeks when the asked range is short, months otherwise.
function interval(state) {
  if (state.since && state.until) {
    const days = (Date.parse(state.until) - Date.parse(state.since)) / DAY;
    if (days >= 0 && days <= 120) return "week";
  }
  return "month";
}

// The first and last day of the period starting on `start` (YYYY-MM-DD).
function periodOf(start, by) {
  if (by === "week") return [start, isoDay(Date.parse(start) + 6 * DAY)];
  const [y, m] = start.split("-").map(Number);
  return [start, isoDay(Date.UTC(y, m, 0))];
}

// Bars from /api/trends: one per period from the first to the last holding an article.
// Trends cover every period of the corpus; the chart shows those from the first to the last
// holding a matching article.
function trimmed(periods) {
  const first = periods.findIndex((p) => p.count > 0);
  if (first < 0) return [];
  const last = periods.length - 1 - [...periods].reverse().findIndex((p) => p.count > 0);
  return periods.slice(first, last + 1);
}

async function renderTimeline(state, query) {
  const box = clear($("timeline"));
  let by = interval(state);
  let periods;
  try {
    periods = trimmed((await api("/api/trends?" + query + "&by=" + by)).periods);
    if (by === "month" && periods.length > 0 && periods.length <= 3) {
      by = "week";
      periods = trimmed((await api("/api/trends?" + query + "&by=week")).periods);
    }
  } catch (err) {
    return;
  }
  if (!periods.length) return;
  const data = { periods };
  const max = Math.max(1, ...data.periods.map((p) => p.count));
  const bars = el("div", { class: "bars", role: "list" });
  for (const p of data.periods) {
    const [since, until] = periodOf(p.start, by);
    const label = (by === "week" ? p.period + "（" + since + " 起）" : p.period) + "：" + p.count + " 篇";
    const bar = el("button", { type: "button", class: "bar", role: "listitem", title: label,
      "aria-label": label, "data-period": p.period, "data-start": p.start, "data-count": p.count,
      onclick: () => change((s) => { s.since = since; s.until = until; }) });
    bar.style.height = Math.max(p.count ? 4 : 0, Math.round((100 * p.count) / max)) + "%";
    bars.append(bar);
  }
  const first = data.periods[0].period;
  const last = data.periods[data.periods.length - 1].period;
  box.append(bars, el("div", { class: "axis" }, el("span", {}, first), el("span", {}, last)),
    el("figcaption", {}, (by === "week" ? "每周" : "每月") + "文章数，点击柱子按该时段筛选"));
}

// ---------- article view ----------

async function renderDoc(state) {
  $("search-view").hidden = true;
  const view = clear($("doc-view"));
  view.hidden = false;
  $("q").value = state.q;
  const back = el("a", { href: "?" + stateQuery(state), class: "back",
    onclick: (e) => { e.preventDefault(); history.back(); } }, "← 返回结果");
  view.append(back);
  let doc;
  try {
    doc = await api(docPath(state.doc));
  } catch (err) {
    view.append(el("p", { class: "error" }, "出错了：" + err.message));
    return;
  }
  view.append(el("h1", { id: "doc-title" }, segmentNodes(doc.title_segments)), docMeta(doc),
    legend(), el("div", { class: "body", id: "doc-body" }, segmentNodes(doc.body_segments)),
    entityList(doc));
  const related = el("section", { id: "related" }, el("h2", {}, "相关文章"));
  const dups = el("section", { id: "duplicates" }, el("h2", {}, "重复或近似文章"));
  view.append(related, dups);
  fillSimilar(doc, related, dups);
}

function docMeta(doc) {
  const url = doc.url && /^https?:\/\//i.test(doc.url)
    ? el("a", { href: doc.url, rel: "noopener noreferrer nofollow", target: "_blank" }, "原文")
    : doc.url && el("span", { class: "url-text" }, doc.url);
  return el("div", { class: "meta", id: "doc-meta" },
    doc.published && el("span", {}, doc.published.replace("T", " ").slice(0, 16)),
    doc.source && el("span", { class: "source" }, doc.source),
    doc.author && el("span", {}, "作者 " + doc.author),
    doc.site && el("span", {}, doc.site),
    doc.categories.length > 0 && el("span", {}, doc.categories.join("，")),
    doc.tags.length > 0 && el("span", {}, doc.tags.join("，")),
    el("span", { class: "path" }, doc.path),
    url && el("span", {}, url));
}

function legend() {
  const box = el("div", { class: "legend" });
  for (const [type, name] of Object.entries(TYPE_NAMES)) {
    box.append(el("span", { class: "ent ent-" + type }, name));
  }
  box.append(el("span", {}, el("time", { class: "date" }, "日期"), "（悬停看所指日期）"));
  return box;
}

function dateTitle(d) {
  const span = d.value === d.end_value ? d.value : d.value + " 至 " + d.end_value;
  const open = d.open === "end" ? "，此后" : d.open === "start" ? "，此前" : "";
  return span + (d.time ? " " + d.time : "") + open;
}

function segmentNodes(segments) {
  const frag = document.createDocumentFragment();
  for (const s of segments || []) {
    if (s.entity) {
      frag.append(el("span", { class: "ent ent-" + s.entity.type, "data-type": s.entity.type,
        title: (TYPE_NAMES[s.entity.type] || s.entity.type) + "：" + s.entity.name }, s.text));
    } else if (s.date) {
      frag.append(el("time", { class: "date", datetime: s.date.value, title: dateTitle(s.date) }, s.text));
    } else {
      frag.append(textNodes(s.text));
    }
  }
  return frag;
}

function entityList(doc) {
  const box = el("section", { id: "doc-entities" }, el("h2", {}, "实体"));
  const list = el("ul", {});
  for (const e of doc.entities || []) {
    list.append(el("li", {}, el("a", { href: "?" + new URLSearchParams({ entity: e.name }),
      class: "ent ent-" + e.type, onclick: (ev) => { ev.preventDefault(); change((s) => { s.entity = [e.name]; s.q = ""; }); } },
    e.name), " " + (TYPE_NAMES[e.type] || e.type) + " ×" + e.count));
  }
  box.append(list);
  return box;
}

function docLink(hit) {
  return el("li", {}, el("a", { href: "?doc=" + encodeURIComponent(hit.id),
    onclick: (e) => { e.preventDefault(); const s = readState(); s.doc = hit.id; go(s); } },
  hit.title || hit.path), " ", el("span", { class: "meta" }, (hit.published || "").slice(0, 10)));
}

// Near-duplicates (the same story republished) and related articles, from /api/similar.
async function fillSimilar(doc, related, dups) {
  const list = (xs) => {
    const ul = el("ul", {});
    (xs || []).forEach((h) => ul.append(docLink(h)));
    if (!ul.firstChild) ul.append(el("li", { class: "meta" }, "无"));
    return ul;
  };
  try {
    const similar = await api("/api/similar/" + String(doc.id).split("/").map(encodeURIComponent).join("/"));
    if (similar.keywords && similar.keywords.length) {
      $("doc-meta").after(el("div", { class: "tags", id: "doc-keywords" }, "关键词：",
        ...similar.keywords.map((k) => el("span", { class: "chip keyword" }, k))));
    }
    related.append(list(similar.similar));
    dups.append(list(similar.duplicates));
  } catch (err) {
    related.append(el("p", { class: "error" }, err.message));
  }
}

// ---------- wiring ----------

function render() {
  const state = readState();
  if (state.doc) renderDoc(state);
  else renderSearch(state);
}

function init() {
  $("search-form").addEventListener("submit", (e) => {
    e.preventDefault();
    change((s) => { s.q = $("q").value.trim(); });
  });
  for (const id of ["since", "until"]) {
    $(id).addEventListener("change", () => change((s) => { s[id] = $(id).value; }));
  }
  $("sort").addEventListener("change", () => change((s) => { s.sort = $("sort").value; }));
  $("filters-toggle").addEventListener("click", () => {
    const open = $("filters").classList.toggle("open");
    $("filters-toggle").setAttribute("aria-expanded", String(open));
  });
  window.addEventListener("popstate", render);
  render();
}

document.addEventListener("DOMContentLoaded", init);
