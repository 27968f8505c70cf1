#!/usr/bin/env python3
"""Analysis and plots for gumbel-v1 (issue #18, docs/results/gumbel-v1.md).

Reads the JSON reports of `greenmark eval generation --prf gumbel-v1` (perplexity pairs and
prefix detection), of a one-prompt `eval generation --human-passages 2000` run (the human
passages' scores under the evaluation key), of `eval fairness --keys 5` with a grid of alphas
(per-key false-positive counts), of `eval robustness`, and the committed fairness-*.json; prints
the markdown tables of gumbel-v1.md and writes gumbel-*.png.

    python3 docs/results/plot_gumbel.py docs/results            # reads and writes docs/results

Needs matplotlib, numpy and scipy. Bootstrap resamples use a fixed seed, so reruns print the
same numbers.
"""
import glob
import json
import math
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from scipy import special, stats  # noqa: E402

DIR = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
RULE_P = 3.17e-5
MIN_TOKENS = 50
RNG = np.random.default_rng(18)
BOOT = 20000


def load(name):
    return json.load(open(os.path.join(DIR, name)))


def ci_text(x, lo, hi, digits=3):
    return f"{x:.{digits}f} [{lo:.{digits}f}, {hi:.{digits}f}]"


# ---------------------------------------------------------------- perplexity pairs
def perplexity_pairs():
    pairs = []  # (run seed base, prompt, ppl gumbel, ppl plain, tokens gumbel, tokens plain)
    runs = []
    for path in sorted(glob.glob(os.path.join(DIR, "gumbel-v1-perplexity-*.json"))):
        r = json.load(open(path))
        c = r["configuration"]
        runs.append((os.path.basename(path), c["seed_base"], r["date"], r["scheme"]))
        by = {}
        for s in r["samples"]:
            by.setdefault(s["prompt"], {})[s["watermarked"]] = s
        for p, d in sorted(by.items()):
            if True in d and False in d:
                pairs.append((c["seed_base"], p, d[True]["perplexity"], d[False]["perplexity"],
                              d[True]["tokens_generated"], d[False]["tokens_generated"]))
    return runs, pairs


def boot_pairs(w, u, clusters, stat):
    """Cluster bootstrap over prompts (a prompt's pairs from several seeds are resampled together)."""
    ids = np.unique(clusters)
    index = {c: np.flatnonzero(clusters == c) for c in ids}
    out = np.empty(BOOT)
    for b in range(BOOT):
        pick = np.concatenate([index[c] for c in RNG.choice(ids, size=len(ids))])
        out[b] = stat(w[pick], u[pick])
    return np.percentile(out, [2.5, 97.5])


def perplexity_section(pairs):
    a = np.array([(p[2], p[3], p[4], p[5], p[1]) for p in pairs])
    w, u, tw, tu, prompt = a[:, 0], a[:, 1], a[:, 2], a[:, 3], a[:, 4].astype(int)
    rows = []
    for label, keep in [("all pairs", np.ones(len(w), bool)), ("both outputs >= 50 tokens", (tw >= 50) & (tu >= 50))]:
        ww, uu, pp = w[keep], u[keep], prompt[keep]
        d = np.log(ww / uu)
        n = len(d)
        se = d.std(ddof=1) / math.sqrt(n)
        t = stats.t.ppf(0.975, n - 1)
        gm = math.exp(d.mean())
        gm_t = (math.exp(d.mean() - t * se), math.exp(d.mean() + t * se))
        gm_b = np.exp(boot_pairs(ww, uu, pp, lambda x, y: np.mean(np.log(x / y))))
        med = float(np.median(ww / uu))
        med_b = boot_pairs(ww, uu, pp, lambda x, y: np.median(x / y))
        rom = ww.mean() / uu.mean()
        rom_b = boot_pairs(ww, uu, pp, lambda x, y: x.mean() / y.mean())
        # Pooled per-token perplexity: exp(total negative log-likelihood / total tokens) per arm, from ppl = exp(mean NLL).
        tww, tuu = tw[keep], tu[keep]
        ratio_pooled = math.exp((np.log(ww) * tww).sum() / tww.sum() - (np.log(uu) * tuu).sum() / tuu.sum())
        idx = np.arange(len(ww))
        pooled_b = boot_pairs(idx.astype(float), idx.astype(float), pp, lambda x, y: math.exp(
            (np.log(ww[x.astype(int)]) * tww[x.astype(int)]).sum() / tww[x.astype(int)].sum()
            - (np.log(uu[x.astype(int)]) * tuu[x.astype(int)]).sum() / tuu[x.astype(int)].sum()))
        one_sided = math.exp(d.mean() + stats.t.ppf(0.95, n - 1) * se)
        rows.append(dict(label=label, n=n, prompts=len(np.unique(pp)), gm=gm, gm_t=gm_t, gm_b=gm_b, one_sided=one_sided,
                         med=med, med_b=med_b, rom=rom, rom_b=rom_b, med_w=float(np.median(ww)), med_u=float(np.median(uu)),
                         wins=int((ww < uu).sum()), sd=float(d.std(ddof=1)), pooled=ratio_pooled, pooled_b=pooled_b,
                         sign=stats.binomtest(int((ww < uu).sum()), n).pvalue, wilcoxon=stats.wilcoxon(d).pvalue))
    print("\n## Perplexity pairs (gumbel-v1 / unwatermarked, same prompt and seed)\n")
    print("| pairs | n (prompts) | geometric mean of ratios, 95 % CI (t) | same, cluster bootstrap | one-sided 95 % upper (t) "
          "| median ratio (bootstrap CI) | ratio of means (bootstrap CI) | median ppl gumbel / plain | gumbel lower |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['label']} | {r['n']} ({r['prompts']}) | {ci_text(r['gm'], *r['gm_t'])} | [{r['gm_b'][0]:.3f}, {r['gm_b'][1]:.3f}] "
              f"| {r['one_sided']:.3f} | {ci_text(r['med'], *r['med_b'])} | {ci_text(r['rom'], *r['rom_b'])} "
              f"| {r['med_w']:.2f} / {r['med_u']:.2f} | {r['wins']} of {r['n']} |")
    for r in rows:
        need = (1.645 * r["sd"] / math.log(1.05)) ** 2
        print(f"- {r['label']}: sd of log ratio {r['sd']:.3f}; pairs needed for a one-sided 95 % upper bound of 1.05 "
              f"if the true ratio is 1: {need:.0f} (50 % power), {need * ((1.645 + 0.842) / 1.645) ** 2:.0f} (80 % power); "
              f"pooled per-token perplexity ratio {ci_text(r['pooled'], *r['pooled_b'])} (cluster bootstrap); "
              f"sign test p {r['sign']:.2f}, Wilcoxon signed-rank p {r['wilcoxon']:.2f}")

    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    ratio = w / u
    axes[0].hist(np.log2(ratio), bins=40, color="tab:blue", alpha=0.8)
    axes[0].axvline(0, c="k", lw=1)
    axes[0].axvline(math.log2(rows[0]["gm"]), c="tab:red", lw=1.5, label=f"geometric mean {rows[0]['gm']:.3f}")
    axes[0].axvspan(math.log2(rows[0]["gm_t"][0]), math.log2(rows[0]["gm_t"][1]), color="tab:red", alpha=0.15, label="95 % CI")
    axes[0].axvline(math.log2(1.05), c="grey", ls="--", lw=1, label="1.05")
    axes[0].set_xlabel("log2(perplexity gumbel-v1 / unwatermarked), per prompt and seed")
    axes[0].set_ylabel("pairs")
    axes[0].legend(fontsize=8)
    lim = [min(w.min(), u.min()) * 0.9, max(w.max(), u.max()) * 1.1]
    axes[1].loglog(u, w, ".", alpha=0.6)
    axes[1].plot(lim, lim, c="k", lw=1)
    axes[1].set_xlabel("perplexity, unwatermarked")
    axes[1].set_ylabel("perplexity, gumbel-v1 h=4")
    axes[1].set_title(f"{len(w)} pairs, same prompt and seed", fontsize=9)
    fig.text(0.01, -0.03, "SmolLM2-135M-Instruct Q4_1, temperature 1, no top-k/top-p, 200 tokens max; "
             "perplexity of each output under the same model; docs/results/gumbel-v1-perplexity-*.json", fontsize=7)
    fig.savefig(os.path.join(DIR, "gumbel-perplexity-ratio.png"), dpi=120, bbox_inches="tight")
    plt.close(fig)
    return rows


# ---------------------------------------------------------------- TPR against length
def tpr_section():
    per_t = {}
    for path in sorted(glob.glob(os.path.join(DIR, "gumbel-v1-perplexity-*.json"))):
        for s in json.load(open(path))["samples"]:
            if not s["watermarked"]:
                continue
            for p in s["prefixes"]:
                per_t.setdefault(p["tokens"], []).append(p["detected"])
    ts = sorted(per_t)
    g = [(t, sum(per_t[t]) / len(per_t[t]), len(per_t[t])) for t in ts]
    print("\n## Detection against length, gumbel-v1 (these runs)\n")
    print("| T | " + " | ".join(str(t) for t, _, _ in g) + " |")
    print("|---|" + "---|" * len(g))
    print("| detected | " + " | ".join(f"{100 * r:.1f} %" for _, r, _ in g) + " |")
    print("| texts | " + " | ".join(str(n) for _, _, n in g) + " |")
    marked = [s for path in sorted(glob.glob(os.path.join(DIR, "gumbel-v1-perplexity-*.json")))
              for s in json.load(open(path))["samples"] if s["watermarked"]]
    full = [s for s in marked if s["tokens_generated"] >= 200]
    long = [s for s in marked if s["tokens_scored"] >= MIN_TOKENS]
    for label, group in [("all watermarked texts", marked), (f"texts with >= {MIN_TOKENS} scored tokens", long),
                         ("full-length texts (200 tokens generated)", full)]:
        k = sum(s["verdict"] == "watermarked" for s in group)
        lower = 0.0 if k == 0 else float(stats.beta.ppf(0.05, k, len(group) - k + 1))
        print(f"- {label}: {k} / {len(group)} detected ({100 * k / len(group):.1f} %; one-sided 95 % CP lower bound "
              f"{100 * lower:.1f} %; mean T {np.mean([s['tokens_scored'] for s in group]):.0f})")
    control = [s for path in sorted(glob.glob(os.path.join(DIR, "gumbel-v1-perplexity-*.json")))
               for s in json.load(open(path))["samples"] if not s["watermarked"]]
    print(f"- unwatermarked controls: {sum(s['verdict'] == 'watermarked' for s in control)} / {len(control)} detected, "
          f"{sum(s['log10_p_value'] <= -2 for s in control)} with p <= 0.01, "
          f"{sum(s['log10_p_value'] <= math.log10(0.05) for s in control)} with p <= 0.05")
    # LeftHash h=1, delta 2: docs/results/eval.json (240 generations, 2026-11-29), and the n = 60 arms of gumbel-v1.md.
    ev = load("eval.json")["watermarked"]["by_prefix_length"]
    table_t = [10, 16, 25, 35, 50, 75, 100, 150]
    table_l = [5, 2, 10, 22, 50, 77, 100, 100]
    fig, ax = plt.subplots(figsize=(6.5, 4))
    ax.plot([t for t, _, _ in g], [100 * r for _, r, _ in g], marker="o", c="tab:blue",
            label=f"gumbel-v1 h=4 ({g[0][2]} generations, this page)")
    ax.plot([r["tokens"] for r in ev], [100 * r["detected_rate"] for r in ev], marker="s", c="tab:orange",
            label=f"lefthash-v1 h=1, δ=2 (eval.json, {ev[0]['samples']})")
    ax.plot(table_t, table_l, marker="s", ls="--", c="tab:orange", alpha=0.5, label="lefthash-v1 h=1, δ=2 (first run, 60)")
    ax.axvline(MIN_TOKENS, c="grey", ls=":", lw=1)
    ax.set_xscale("log")
    ax.set_xticks(table_t + [200])
    ax.set_xticklabels([str(t) for t in table_t + [200]])
    ax.set_xlabel("first T scored tokens")
    ax.set_ylabel("detected, p ≤ 3.17e-5 (%)")
    ax.set_ylim(0, 102)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, loc="lower right")
    fig.text(0.01, -0.04, "SmolLM2-135M-Instruct Q4_1, temperature 1, evaluation keys; below T = 50 the rule says "
             "'too short', the rate shown is of p alone", fontsize=6)
    fig.savefig(os.path.join(DIR, "gumbel-tpr-vs-length.png"), dpi=120, bbox_inches="tight")
    plt.close(fig)


# ---------------------------------------------------------------- fairness percentiles
def fairness_section():
    files = [("lefthash-v1 h=1", "fairness-lefthash-v1-h1.json"), ("lefthash-v1 h=2", "fairness-lefthash-v1-h2.json"),
             ("lefthash-v1 h=4", "fairness-lefthash-v1-h4.json"), ("selfhash-v1 h=4", "fairness-selfhash-v1-h4.json"),
             ("gumbel-v1 h=4", "fairness-gumbel-v1-h4.json")]
    fig, axes = plt.subplots(1, 2, figsize=(11, 4), sharey=False)
    for ax, alpha in zip(axes, [1e-2, 1e-3]):
        for i, (label, name) in enumerate(files):
            rep = load(name)["schemes"][0]
            for sub, dx, mk in [(s, (-0.15 if s["passages"] == 2000 else 0.15), ("o" if s["passages"] == 2000 else "D"))
                                for s in rep["subsets"]]:
                a = next(x for x in sub["alphas"] if abs(x["alpha"] - alpha) < 1e-12)
                r = a["ratio"]
                x = i + dx
                ax.vlines(x, r["median"], r["p99"], color="grey", lw=1)
                ax.plot([x], [r["median"]], mk, c="tab:blue", ms=5)
                ax.plot([x], [r["p95"]], mk, c="tab:orange", ms=5)
                ax.plot([x], [r["p99"]], mk, c="tab:red", ms=6)
                ax.plot([x - 0.08, x + 0.08], [a["fair_ratio"]["p99"]] * 2, c="k", lw=2)
        ax.axhline(2, c="tab:red", ls="--", lw=1)
        ax.axhline(1, c="grey", ls=":", lw=1)
        ax.set_xticks(range(len(files)))
        ax.set_xticklabels([f[0] for f in files], rotation=20, fontsize=8)
        ax.set_title(f"α = {alpha:g}: per-key false-positive rate / α over 200 keys", fontsize=9)
        ax.set_ylabel("rate / nominal")
        ax.grid(alpha=0.3, axis="y")
    handles = [plt.Line2D([], [], marker="o", ls="", c="tab:blue", label="median key"),
               plt.Line2D([], [], marker="o", ls="", c="tab:orange", label="95th percentile"),
               plt.Line2D([], [], marker="o", ls="", c="tab:red", label="99th percentile"),
               plt.Line2D([], [], c="k", lw=2, label="fair key's 99th percentile (counting noise)"),
               plt.Line2D([], [], c="tab:red", ls="--", label="target 2×"),
               plt.Line2D([], [], marker="o", ls="", c="grey", label="circles: 2,000 passages, diamonds: 4,835")]
    fig.legend(handles=handles, fontsize=7, loc="lower center", ncol=3, bbox_to_anchor=(0.5, -0.16))
    fig.text(0.01, -0.2, "eval fairness, 200 published evaluation keys, State of the Union 1790–1871 (2,000) and "
             "1790–1945 (4,835 passages); docs/results/fairness.md", fontsize=7)
    fig.savefig(os.path.join(DIR, "gumbel-fairness-percentiles.png"), dpi=120, bbox_inches="tight")
    plt.close(fig)


# ---------------------------------------------------------------- human p-values
def clopper_pearson_upper(k, n, level=0.95):
    return 1.0 if k >= n else float(stats.beta.ppf(level, k + 1, n - k))


def human_section():
    h = load("gumbel-v1-human-key0.json")["human"]["scores"]
    eligible = [s for s in h if s["tokens_scored"] >= MIN_TOKENS]
    # gumbel-v1's z is (S - T)/sqrt(T), so S = T + z sqrt(T) and p = Q(T, S), the regularized upper incomplete gamma.
    p = np.array([special.gammaincc(s["tokens_scored"], s["tokens_scored"] + s["z_score"] * math.sqrt(s["tokens_scored"]))
                  for s in eligible])
    n = len(p)
    print(f"\n## Human passages under key 0: {len(h)} passages, {n} with >= {MIN_TOKENS} scored tokens, "
          f"mean T {np.mean([s['tokens_scored'] for s in eligible]):.0f}\n")
    print("| p ≤ | observed | expected n·α | two-sided exact binomial p | one-sided 95 % CP upper bound of the rate |")
    print("|---|---|---|---|---|")
    for a in [RULE_P, 1e-3, 1e-2, 0.05, 0.1, 0.5]:
        k = int((p <= a).sum())
        print(f"| {a:g} | {k} ({100 * k / n:.2f} %) | {n * a:.2f} | {stats.binomtest(k, n, a).pvalue:.3f} "
              f"| {clopper_pearson_upper(k, n):.2e} |")
    ks = stats.kstest(p, "uniform")
    print(f"\nKS distance to U(0, 1): {ks.statistic:.4f} (p = {ks.pvalue:.3f}, assuming independent passages); "
          f"smallest p {p.min():.2e}; verdicts `watermarked`: {sum(s['verdict'] == 'watermarked' for s in h)}")

    f5 = load("gumbel-v1-fairness-5keys.json")
    sub = f5["schemes"][0]["subsets"][0]
    alphas = f5["configuration"]["alphas"]
    print(f"\n## Five keys, {sub['passages']} passages (last {sub['last_source']})\n")
    print("| key | " + " | ".join(f"p ≤ {a:g}" for a in alphas) + " | verdicts `watermarked` | mean z |")
    print("|---|" + "---|" * (len(alphas) + 2))
    for k in sub["per_key"]:
        print(f"| {k['key_id']} | " + " | ".join(str(c) for c in k["counts"]) + f" | {k['watermarked']} | {k['mean_z']:+.3f} |")
    total = [sum(k["counts"][i] for k in sub["per_key"]) for i in range(len(alphas))]
    m = sub["passages"] * len(sub["per_key"])
    print("| all 5 (pairs) | " + " | ".join(f"{c} / {m * a:.1f}" for c, a in zip(total, alphas)) +
          f" | {sum(k['watermarked'] for k in sub['per_key'])} / {m * RULE_P:.2f} | |")

    fig, axes = plt.subplots(1, 2, figsize=(11, 4.5))
    ax = axes[0]
    q = (np.arange(1, n + 1)) / (n + 1)
    lo = stats.beta.ppf(0.025, np.arange(1, n + 1), n - np.arange(1, n + 1) + 1)
    hi = stats.beta.ppf(0.975, np.arange(1, n + 1), n - np.arange(1, n + 1) + 1)
    ax.fill_between(-np.log10(q), -np.log10(lo), -np.log10(hi), color="grey", alpha=0.3, label="95 % pointwise band (uniform)")
    ax.plot(-np.log10(q), -np.log10(np.sort(p)), ".", ms=3, label=f"key 0, {n} passages")
    top = max(-math.log10(q[0]), -math.log10(p.min())) + 0.3
    ax.plot([0, top], [0, top], c="k", lw=1)
    ax.axhline(-math.log10(RULE_P), c="tab:red", ls="--", lw=1, label="rule p = 3.17e-5")
    ax.set_xlabel("expected −log10 p (uniform quantiles)")
    ax.set_ylabel("observed −log10 p")
    ax.set_title("QQ plot of human p-values against U(0, 1)", fontsize=9)
    ax.legend(fontsize=7)
    ax = axes[1]
    n5 = sub["passages"]
    shown = [i for i, a in enumerate(alphas) if n5 * a >= 1]
    xs = [alphas[i] for i in shown]
    lo5 = [stats.binom.ppf(0.025, n5, a) / (n5 * a) for a in xs]
    hi5 = [stats.binom.ppf(0.975, n5, a) / (n5 * a) for a in xs]
    ax.fill_between(xs, lo5, hi5, color="grey", alpha=0.3, label="95 % binomial range of one fair key")
    for i, k in enumerate(sub["per_key"]):
        ax.semilogx(xs, [k["counts"][j] / (n5 * alphas[j]) for j in shown], marker="o", ms=4, lw=1, label=f"key {i}")
    ax.axhline(1, c="k", lw=1)
    hidden = [a for a in alphas if n5 * a < 1]
    zeros = all(k["counts"][alphas.index(a)] == 0 for k in sub["per_key"] for a in hidden)
    ax.set_xlabel("α")
    ax.set_ylabel("passages with p ≤ α / (n·α)")
    ax.set_title(f"Five keys, {n5} passages" + (f" (p ≤ {', '.join(f'{a:g}' for a in hidden)}: 0 for every key)"
                                                 if zeros and hidden else ""), fontsize=9)
    ax.legend(fontsize=7)
    fig.text(0.01, -0.04, "gumbel-v1 h=4, default detector, State of the Union passages of ≥ 200 words, 1790–1871; "
             "p = Q(T, S); pointwise bands assume independent passages", fontsize=7)
    fig.savefig(os.path.join(DIR, "gumbel-human-pvalues.png"), dpi=120, bbox_inches="tight")
    plt.close(fig)


# ---------------------------------------------------------------- robustness
def robustness_section(name, plot):
    path = os.path.join(DIR, name)
    if not os.path.exists(path):
        return
    r = json.load(open(path))
    schemes = r["schemes"]

    def label(s):
        return f"{s['scheme']['prf']} h={s['scheme']['h']}"

    c = r["configuration"]
    print(f"\n## Robustness ({name}: {c['prompts']} prompts x {c['seeds_per_prompt']} seeds, {r['human_passages']} passages "
          f"of >= {c['human_minimum_words']} words, mean {r['mean_human_tokens']:.0f} tokens)\n")
    print("| attack | strength | " + " | ".join(f"{label(s)} ({s['full_length']})" for s in schemes) + " |")
    print("|---|---|" + "---|" * len(schemes))
    for i, row in enumerate(schemes[0]["attacks"]):
        cells = []
        for s in schemes:
            x = s["attacks"][i]
            cells.append(f"{100 * x['detected_rate']:.1f} % (z {x['median_z']:.1f})")
        print(f"| {row['attack']} | {row['strength']:g} | " + " | ".join(cells) + " |")
    print("\n| scheme | documents | whole text at 1e-4 | span search at 1e-4 | span search, default rule | span located "
          "| median log10 p (whole / search) |")
    print("|---|---|---|---|---|---|---|")
    for s in schemes:
        p = s["paste"]
        print(f"| {label(s)} | {p['documents']} | {100 * p['plain_detected']:.1f} % | {100 * p['windowed_detected']:.1f} % "
              f"| {100 * p['windowed_decision_rule']:.1f} % | {100 * p['span_located']:.1f} % "
              f"| {p['median_plain_log10_p']:.1f} / {p['median_windowed_log10_p']:.1f} |")
    for s in schemes:
        print(f"- {label(s)}: {s['full_length']} of {s['generations']} generations full length; per-key human mean z "
              + ", ".join(f"{z:+.3f}" for z in s["per_key_human_mean_z"]))
    print("\n| scheme | mode | keys | passages | " + " | ".join(f"p ≤ {x['alpha']:g}" for x in schemes[0]["human_false_positives"][0]["rates"])
          + " | verdicts | mean z |")
    print("|---|---|---|---|" + "---|" * (len(schemes[0]["human_false_positives"][0]["rates"]) + 2))
    for s in schemes:
        for m in s["human_false_positives"]:
            cells = [f"{x['count']} (≤ {100 * clopper_pearson_upper(x['count'], x['passages']):.2f} %)" for x in m["rates"]]
            print(f"| {label(s)} | {m['mode']} | {m['keys']} | {m['passages']} | " + " | ".join(cells)
                  + f" | {m['watermarked_verdicts']} | {m['mean_z']:.2f} |")

    if not plot:
        return
    attacks = ["token_replacement", "word_deletion", "word_substitution", "word_swap"]
    fig, axes = plt.subplots(1, len(attacks), figsize=(4 * len(attacks), 3.6), sharey=True)
    for ax, attack in zip(axes, attacks):
        for s in schemes:
            base = next(x for x in s["attacks"] if x["attack"] == "none")
            rows = [base] + [x for x in s["attacks"] if x["attack"] == attack]
            k = [round(x["detected_rate"] * x["samples"]) for x in rows]
            lo = [100 * (0 if kk == 0 else stats.beta.ppf(0.025, kk, x["samples"] - kk + 1)) for kk, x in zip(k, rows)]
            hi = [100 * (1 if kk == x["samples"] else stats.beta.ppf(0.975, kk + 1, x["samples"] - kk)) for kk, x in zip(k, rows)]
            ys = [100 * x["detected_rate"] for x in rows]
            ax.errorbar([x["strength"] for x in rows], ys, yerr=[np.subtract(ys, lo), np.subtract(hi, ys)], marker="o",
                        capsize=3, label=f"{label(s)} ({s['full_length']} texts; 95 % CP)")
        ax.set_title(attack.replace("_", " "))
        ax.set_xlabel("share edited")
        ax.grid(alpha=0.3)
    axes[0].set_ylabel("detected, default rule (%)")
    axes[0].legend(fontsize=8)
    fig.text(0.01, -0.05, f"eval robustness {r['date'][:10]}: SmolLM2-135M-Instruct Q4_1, temperature 1, full-length "
             f"generations (≥ 190 tokens), evaluation keys; docs/results/{name}", fontsize=7)
    fig.savefig(os.path.join(DIR, "gumbel-robustness.png"), dpi=120, bbox_inches="tight")
    plt.close(fig)


if __name__ == "__main__":
    runs, pairs = perplexity_pairs()
    print("perplexity runs:", [(x[0], x[1], x[2]) for x in runs])
    if pairs:
        perplexity_section(pairs)
        tpr_section()
    fairness_section()
    if os.path.exists(os.path.join(DIR, "gumbel-v1-human-key0.json")):
        human_section()
    two = os.path.exists(os.path.join(DIR, "gumbel-v1-robustness-2seeds.json"))
    robustness_section("gumbel-v1-robustness.json", plot=not two)
    robustness_section("gumbel-v1-robustness-2seeds.json", plot=True)
    print("\nplots written to", DIR)
