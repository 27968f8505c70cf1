/// The essay checking page served at `/`: paste text or drop files, see each verdict in plain
/// words, and issue a certificate. Scores below the threshold and the highlighted tokens are
/// shown only to tokens with the inspect permission (docs/threat-model.md); everyone else sees
/// the verdict, and the scores when it is `watermarked`. Self-contained (no external asset), so
/// it works on an air-gapped network.
enum EssayPage {
    static let html = #"""
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self' blob:; img-src data:">
<title>Greenmark — check essays for the watermark</title>
<style>
:root { --green: #0b5d1e; --green-bg: #d3efd6; --red: #9b1c1c; --red-bg: #fadada; --ink: #1a1a1a; --muted: #4a4a4a; }
* { box-sizing: border-box; }
body { font: 16px/1.55 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink); max-width: 980px; margin: 1.5em auto; padding: 0 1em; }
h1 { font-size: 1.6em; margin-bottom: .2em; }
p.lead { color: var(--muted); margin-top: 0; }
label { font-weight: 600; }
textarea { width: 100%; min-height: 11em; font: inherit; padding: .6em; border: 2px solid #888; border-radius: 6px; }
textarea:focus, input:focus, button:focus { outline: 3px solid #1f5fbf; outline-offset: 2px; }
#drop { border: 2px dashed #888; border-radius: 6px; padding: 1em; text-align: center; margin: .8em 0; color: var(--muted); }
#drop.over { background: #eef4ff; border-color: #1f5fbf; }
.row { display: flex; gap: 1em; flex-wrap: wrap; align-items: center; margin: .6em 0; }
button { font: inherit; font-weight: 600; padding: .45em 1.1em; border-radius: 6px; border: 2px solid #1f5fbf; background: #1f5fbf; color: #fff; cursor: pointer; }
button.secondary { background: #fff; color: #1f5fbf; }
button:disabled { opacity: .6; cursor: wait; }
input[type=password] { font: inherit; padding: .3em .5em; width: 22em; max-width: 100%; }
.card { border: 1px solid #bbb; border-radius: 8px; padding: 1em 1.2em; margin: 1.2em 0; }
.verdict { font-size: 1.3em; font-weight: 700; margin: .2em 0 .4em; }
.verdict.watermarked { color: var(--green); }
.verdict.no_watermark { color: var(--ink); }
.verdict.too_short { color: #6b4e00; }
.error { color: var(--red); font-weight: 600; }
dl.stats { display: grid; grid-template-columns: max-content 1fr; gap: .15em 1em; margin: .5em 0; }
dl.stats dt { color: var(--muted); } dl.stats dd { margin: 0; font-variant-numeric: tabular-nums; }
.note { color: var(--muted); font-size: .95em; }
.tokens { white-space: pre-wrap; word-wrap: break-word; border-top: 1px solid #ddd; margin-top: .8em; padding-top: .8em; line-height: 1.9; }
.tok-g { background: var(--green-bg); border-bottom: 3px solid var(--green); }
.tok-r { background: var(--red-bg); border-bottom: 3px dotted var(--red); }
.tok-n { color: #666; }
.tok-s { outline: 2px solid #1f5fbf; }
.legend { display: flex; gap: 1.2em; flex-wrap: wrap; font-size: .92em; margin-top: .6em; }
.legend span.sample { padding: 0 .3em; }
.legend[hidden] { display: none; }
.sr { position: absolute; left: -9999px; }
.downloads a { margin-right: 1em; font-weight: 600; }
</style>
</head>
<body>
<main>
<h1>Check essays for the Greenmark watermark</h1>
<p class="lead">Paste a text or drop files (.txt, .md). Each is scored on this server; nothing is sent anywhere else.
A “no watermark” result never shows that a person wrote the text. A watermarked passage pasted into a longer text is looked for as well.</p>

<form id="form" novalidate>
<label for="text">Text</label>
<textarea id="text" name="text" placeholder="Paste an essay here"></textarea>
<div id="drop" role="group" aria-labelledby="drop-label">
  <span id="drop-label">Drop .txt or .md files here, or</span>
  <label class="secondary" for="files" style="font-weight:600; text-decoration: underline; cursor: pointer">choose files</label>
  <input id="files" type="file" accept=".txt,.md,text/plain,text/markdown" multiple class="sr">
  <div id="file-list" class="note"></div>
</div>
<div class="row">
  <label><input type="checkbox" id="inspect"> Highlight the scored tokens (needs a token with the inspect permission)</label>
</div>
<div class="row">
  <label for="token">API token</label>
  <input id="token" type="password" autocomplete="off" placeholder="only if this server requires one">
</div>
<div class="row">
  <button id="check" type="submit">Check</button>
  <button id="clear" type="button" class="secondary">Clear</button>
</div>
</form>

<div class="legend" id="legend" hidden>
  <strong>Legend (highlighted tokens):</strong>
  <span><span class="sample tok-g">green</span> watermark-favoured token (solid underline)</span>
  <span><span class="sample tok-r">red</span> other token (dotted underline)</span>
  <span><span class="sample tok-n">grey</span> not scored (first token, or a repeat)</span>
</div>

<section id="results" aria-live="polite"></section>
</main>

<script>
"use strict";
const $ = (id) => document.getElementById(id);
let dropped = [];

function oddsInWords(l) {
  if (l >= Math.log10(0.5)) return "about half the time or more often";
  const n = Math.pow(10, -l);
  if (!isFinite(n) || n >= 1e15) return "less than 1 time in 10^" + Math.floor(-l);
  const compact = (x) => x >= 10 ? String(Math.round(x)) : String(Math.round(x * 10) / 10);
  for (const [scale, word] of [[1e12, " trillion"], [1e9, " billion"], [1e6, " million"], [1e3, " thousand"]]) {
    if (n >= scale) return "about 1 time in " + compact(n / scale) + word;
  }
  return "about 1 time in " + compact(n);
}

const withheldNote = "Scores are shown for watermarked texts only: below the threshold they would help someone forge the watermark. " +
  "Inspectors (a token with the inspect permission) see them, and the highlighted tokens.";

const verdictWords = {
  watermarked: "Very likely generated by a Greenmark-watermarked model",
  no_watermark: "No watermark found — this does NOT show that a human wrote it",
  too_short: "Too short to decide",
};

function fmtP(p, l) {
  if (p >= 0.001) return p.toFixed(3);
  if (p > 0) return p.toExponential(2);
  return "< 1e-300 (log10 p = " + l.toFixed(1) + ")";
}

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") e.className = v; else e.setAttribute(k, v);
  }
  for (const c of children) if (c != null) e.append(c);
  return e;
}

function headers() {
  const h = { "Content-Type": "application/json" };
  const token = $("token").value.trim();
  if (token) h["Authorization"] = "Bearer " + token;
  return h;
}

async function api(path, body) {
  const response = await fetch(path, { method: "POST", headers: headers(), body: JSON.stringify(body) });
  let json = null;
  try { json = await response.json(); } catch (e) { /* not JSON */ }
  if (!response.ok) {
    const err = (json && json.error) || {};
    throw new Error((err.message || response.statusText) + (err.code ? " [" + err.code + "]" : "") + " (HTTP " + response.status + ")");
  }
  return json;
}

function renderTokens(result) {
  $("legend").hidden = false;
  const box = el("div", { class: "tokens", "aria-label": "The text with each scored token marked" });
  const span = result.span;
  (result.mask || []).forEach((t, i) => {
    const cls = !t.scored || t.green == null ? "tok-n" : (t.green ? "tok-g" : "tok-r");
    const inSpan = span && i >= span.token_start && i < span.token_end;
    const s = el("span", { class: cls + (inSpan ? " tok-s" : ""), title: !t.scored ? "not scored" : (t.green ? "green" : "red") });
    s.textContent = t.text;
    box.append(s);
  });
  return box;
}

function download(name, content, type) {
  const url = URL.createObjectURL(new Blob([content], { type }));
  const a = el("a", { href: url, download: name });
  a.textContent = "Download " + name;
  return a;
}

function renderResult(name, text, r) {
  const card = el("article", { class: "card", "data-verdict": r.verdict });
  card.append(el("h2", {}, name));
  const symbol = r.verdict === "watermarked" ? "■ " : r.verdict === "too_short" ? "◇ " : "□ ";
  card.append(el("p", { class: "verdict " + r.verdict }, symbol + verdictWords[r.verdict]));
  const stats = el("dl", { class: "stats" });
  const add = (k, v) => { stats.append(el("dt", {}, k), el("dd", {}, v)); };
  const scored = r.z_score != null;
  if (scored) {
    add("z-score", r.z_score.toFixed(2) + " (threshold " + r.z_threshold + ")");
    add("p-value", fmtP(r.p_value, r.log10_p_value));
    add("green tokens", r.green_tokens + " of " + r.tokens_scored + " scored (" + (100 * r.green_fraction).toFixed(1) + " %; " + (100 * r.scheme.gamma) + " % expected without the watermark)");
  } else {
    add("tokens scored", String(r.tokens_scored));
  }
  if (r.keys_tried > 1) add("keys", r.keys_tried + " watermark keys tried; the result is corrected for all of them");
  card.append(stats);
  if (r.verdict === "too_short") {
    card.append(el("p", {}, "Only " + r.tokens_scored + " tokens could be scored; at least " + r.min_tokens +
      " are needed (" + r.more_tokens_needed + " more). Short texts cannot be judged either way."));
  } else if (scored) {
    card.append(el("p", { class: "odds" }, "A text written without the watermark scores this high " + oddsInWords(r.log10_p_value) + "."));
  }
  if (!scored && r.verdict !== "too_short") card.append(el("p", { class: "note withheld" }, withheldNote));
  if (r.verdict === "no_watermark" && r.more_tokens_to_confirm != null && r.z_score >= 2) {
    card.append(el("p", { class: "note" }, "The score is above chance but not conclusive: about " + r.more_tokens_to_confirm +
      " more tokens of the same kind would decide."));
  }
  if (r.span) {
    card.append(el("p", {}, "The watermark is in one passage (tokens " + r.span.token_start + "–" + r.span.token_end +
      ", z " + r.span.z_score.toFixed(2) + ", best of " + r.span.windows_searched + " windows; the p-value is corrected for the search). It is outlined below."));
  }
  if (r.normalized) {
    const n = r.normalization, parts = [];
    if (n.confusables_mapped) parts.push(n.confusables_mapped + " look-alike characters mapped back");
    if (n.invisible_removed) parts.push(n.invisible_removed + " invisible characters removed");
    if (n.quotes_unified) parts.push(n.quotes_unified + " typographic quotes");
    if (n.whitespace_unified) parts.push(n.whitespace_unified + " unusual spaces");
    if (n.line_endings) parts.push(n.line_endings + " line endings");
    card.append(el("p", { class: "note normalized" }, "Note: the text was normalized before scoring" + (parts.length ? " (" + parts.join(", ") + ")" : "") + "."));
  }
  const certify = el("button", { type: "button", class: "secondary certify" }, "Issue a certificate");
  const downloads = el("p", { class: "downloads" });
  certify.addEventListener("click", async () => {
    certify.disabled = true;
    try {
      const c = await api("/v1/certificates", { text });
      const base = name.replace(/\.(txt|md)$/i, "").replace(/[^A-Za-z0-9._-]+/g, "-") || "essay";
      downloads.replaceChildren(
        download(base + ".cert.json", JSON.stringify(c.certificate, null, 2) + "\n", "application/json"),
        download(base + ".txt", text, "text/plain"),
        el("span", { class: "note" }, "Certificate " + c.id + ". Check it offline at /verify or with `greenmark verify`."));
    } catch (e) {
      downloads.replaceChildren(el("span", { class: "error" }, "Could not issue a certificate: " + e.message));
    } finally { certify.disabled = false; }
  });
  card.append(el("div", { class: "row" }, certify), downloads);
  if (r.mask) card.append(renderTokens(r));
  return card;
}

async function checkAll(items) {
  const results = $("results");
  results.replaceChildren();
  $("legend").hidden = true;
  $("check").disabled = true;
  try {
    for (const item of items) {
      try {
        const request = { text: item.text };
        if ($("inspect").checked) request.include_mask = true;
        const r = await api("/v1/detect", request);
        results.append(renderResult(item.name, item.text, r));
      } catch (e) {
        results.append(el("article", { class: "card" }, el("h2", {}, item.name), el("p", { class: "error" }, "✕ " + e.message)));
      }
    }
  } finally { $("check").disabled = false; }
  results.setAttribute("data-done", String(items.length));
}

async function readFiles(files) {
  dropped = [];
  for (const f of files) {
    if (!/\.(txt|md)$/i.test(f.name)) { dropped.push({ name: f.name, error: "only .txt and .md files can be checked" }); continue; }
    const bytes = new Uint8Array(await f.arrayBuffer());
    try { dropped.push({ name: f.name, text: new TextDecoder("utf-8", { fatal: true }).decode(bytes) }); }
    catch (e) { dropped.push({ name: f.name, error: "not valid UTF-8 text" }); }
  }
  $("file-list").textContent = dropped.map((d) => d.name + (d.error ? " (" + d.error + ")" : "")).join(", ");
}

$("files").addEventListener("change", (e) => readFiles(e.target.files));
const drop = $("drop");
drop.addEventListener("dragover", (e) => { e.preventDefault(); drop.classList.add("over"); });
drop.addEventListener("dragleave", () => drop.classList.remove("over"));
drop.addEventListener("drop", (e) => { e.preventDefault(); drop.classList.remove("over"); readFiles(e.dataTransfer.files); });
$("clear").addEventListener("click", () => { $("text").value = ""; dropped = []; $("file-list").textContent = ""; $("files").value = ""; $("results").replaceChildren(); $("legend").hidden = true; });
$("form").addEventListener("submit", async (e) => {
  e.preventDefault();
  const items = [];
  if ($("text").value.trim()) items.push({ name: "Pasted text", text: $("text").value });
  for (const d of dropped) {
    if (d.error) $("results").append(el("article", { class: "card" }, el("h2", {}, d.name), el("p", { class: "error" }, "✕ " + d.error)));
    else items.push(d);
  }
  if (items.length === 0) { $("results").replaceChildren(el("p", { class: "error" }, "Paste a text or choose a file first.")); return; }
  await checkAll(items);
});
</script>
</body>
</html>
"""#
}
