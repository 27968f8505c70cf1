#!/usr/bin/env python3
"""Draws the robustness plots and prints the markdown tables from a `greenmark eval robustness` report."""
import json, os, sys
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt

report = json.load(open(sys.argv[1]))
out = sys.argv[2]
caption = (f"SmolLM2-135M-Instruct ({report['model']['sha256'][:12]}…), gamma 0.25, delta {report['configuration']['delta']}, "
           f"T=1, {report['date'][:10]}")


def label(s):
    return f"{s['scheme']['prf']} h={s['scheme']['h']}"


# Detection rate vs edit strength, per scheme and attack.
attacks = ["token_replacement", "word_deletion", "word_substitution", "word_swap"]
fig, axes = plt.subplots(1, len(attacks), figsize=(4 * len(attacks), 3.6), sharey=True)
for ax, attack in zip(axes, attacks):
    for s in report["schemes"]:
        base = next(r for r in s["attacks"] if r["attack"] == "none")
        rows = [base] + [r for r in s["attacks"] if r["attack"] == attack]
        ax.plot([r["strength"] for r in rows], [100 * r["detected_rate"] for r in rows], marker="o", label=label(s))
    ax.set_title(attack.replace("_", " "))
    ax.set_xlabel("share edited")
    ax.grid(alpha=0.3)
axes[0].set_ylabel("detected (%)")
axes[0].legend(fontsize=8)
fig.text(0.01, -0.04, caption, fontsize=6)
fig.savefig(os.path.join(out, "robustness.png"), dpi=120, bbox_inches="tight")
plt.close(fig)

# Empirical false-positive rate vs alpha, per mode (first scheme and all).
fig, ax = plt.subplots(figsize=(5.5, 4.5))
for s in report["schemes"]:
    for m in s["human_false_positives"]:
        xs = [r["alpha"] for r in m["rates"]]
        ys = [max(r["rate"], 1e-5) for r in m["rates"]]
        ax.plot(xs, ys, marker=".", alpha=0.7, label=f"{label(s)} {m['mode']}")
ax.plot([1e-5, 1e-1], [1e-5, 1e-1], ls=":", c="grey", label="nominal")
ax.set_xscale("log"); ax.set_yscale("log")
ax.set_xlabel("alpha (corrected p-value threshold)"); ax.set_ylabel("share of human passages with p <= alpha")
ax.set_title(f"False positives on {report['human_passages']} human passages (0 shown at 1e-5)")
ax.legend(fontsize=5)
fig.text(0.01, -0.04, caption, fontsize=6)
fig.savefig(os.path.join(out, "robustness-fpr.png"), dpi=120, bbox_inches="tight")
plt.close(fig)

# Tables for docs/robustness.md.
print("| attack | strength | " + " | ".join(label(s) for s in report["schemes"]) + " |")
print("|---|---|" + "---|" * len(report["schemes"]))
first = report["schemes"][0]["attacks"]
for i, row in enumerate(first):
    cells = []
    for s in report["schemes"]:
        r = s["attacks"][i]
        cells.append(f"{100 * r['detected_rate']:.1f} % (z {r['median_z']:.1f})")
    print(f"| {row['attack']} | {row['strength']:g} | " + " | ".join(cells) + " |")
print()
print("| scheme | documents | span tokens | whole text at α | span search at α | span search, default rule | span located | median log10 p (whole / search) |")
print("|---|---|---|---|---|---|---|---|")
for s in report["schemes"]:
    p = s["paste"]
    print(f"| {label(s)} | {p['documents']} | {p['span_tokens']} | {100 * p['plain_detected']:.1f} % | {100 * p['windowed_detected']:.1f} % | "
          f"{100 * p['windowed_decision_rule']:.1f} % | {100 * p['span_located']:.1f} % | {p['median_plain_log10_p']:.1f} / {p['median_windowed_log10_p']:.1f} |")
print()
alphas = report["configuration"]["alphas"]
print("| scheme | mode | keys | passages | " + " | ".join(f"p ≤ {a:.3g}" for a in alphas) + " | watermarked verdicts | mean z | max z |")
print("|---|---|---|---|" + "---|" * len(alphas) + "---|---|---|")
for s in report["schemes"]:
    for m in s["human_false_positives"]:
        cells = [f"{r['count']} ({100 * r['rate']:.2f} %, ≤ {100 * r['upper_95']:.2f} %)" for r in m["rates"]]
        print(f"| {label(s)} | {m['mode']} | {m['keys']} | {m['passages']} | " + " | ".join(cells) +
              f" | {m['watermarked_verdicts']} | {m['mean_z']:.2f} | {m['max_z']:.2f} |")
print()
for s in report["schemes"]:
    print(f"- {label(s)}: {s['full_length']} of {s['generations']} generations reached full length "
          f"(mean {s['mean_generated_tokens']:.0f} tokens); per-key human mean z: "
          + ", ".join(f"{z:+.2f}" for z in s["per_key_human_mean_z"]))
