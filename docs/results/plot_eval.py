#!/usr/bin/env python3
"""Draws the evaluation plots from a `greenmark eval` JSON report (scripts/eval.sh runs it)."""
import json, math, sys, os
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt

report = json.load(open(sys.argv[1]))
out = sys.argv[2]
c = report["configuration"]
caption = (f"SmolLM2-135M-Instruct ({report['model']['sha256'][:12]}…), gamma {report['scheme']['gamma']}, "
           f"h {report['scheme']['h']}, delta {c['delta']}, T={c['temperature']}, {report['date'][:10]}")
marked = [s["z_score"] for s in report["samples"] if s["watermarked"]]
control = [s["z_score"] for s in report["samples"] if not s["watermarked"]]
human = [s["z_score"] for s in report["human"]["scores"]] if report.get("human") else []

# ROC
if report.get("roc"):
    pts = report["roc"]["points"]
    fig, ax = plt.subplots(figsize=(5, 5))
    ax.plot([p["fpr"] for p in pts], [p["tpr"] for p in pts], lw=2, label=f"AUC = {report['roc']['auc']:.4f}")
    ax.plot([0, 1], [0, 1], ls=":", c="grey")
    ax.set_xlabel("false-positive rate (human passages)"); ax.set_ylabel("true-positive rate (watermarked)")
    ax.set_title("ROC of the z-score"); ax.legend(loc="lower right"); fig.text(0.01, -0.04, caption, fontsize=6)
    fig.savefig(os.path.join(out, "roc.png"), dpi=120, bbox_inches="tight"); plt.close(fig)

# z histograms
fig, ax = plt.subplots(figsize=(7, 4))
bins = [x / 2 for x in range(-10, 41)]
if human: ax.hist(human, bins=bins, alpha=0.6, density=True, label=f"human passages (n={len(human)})")
if control: ax.hist(control, bins=bins, alpha=0.6, density=True, label=f"unwatermarked generations (n={len(control)})")
ax.hist(marked, bins=bins, alpha=0.6, density=True, label=f"watermarked generations (n={len(marked)})")
xs = [x / 10 for x in range(-50, 51)]
ax.plot(xs, [math.exp(-x * x / 2) / math.sqrt(2 * math.pi) for x in xs], c="k", lw=1, label="N(0, 1)")
ax.axvline(4, c="red", ls="--", lw=1, label="z = 4")
ax.set_xlabel("z-score"); ax.set_ylabel("density"); ax.legend(fontsize=7); fig.text(0.01, -0.04, caption, fontsize=6)
fig.savefig(os.path.join(out, "z-histograms.png"), dpi=120, bbox_inches="tight"); plt.close(fig)

# TPR vs T
rows = report["watermarked"]["by_prefix_length"]
fig, ax = plt.subplots(figsize=(6, 4))
ax.plot([r["tokens"] for r in rows], [r["detected_rate"] for r in rows], marker="o")
for r in rows: ax.annotate(str(r["samples"]), (r["tokens"], r["detected_rate"]), fontsize=6, textcoords="offset points", xytext=(0, 5))
ax.axvline(50, c="grey", ls=":", lw=1, label="min_tokens = 50")
ax.set_xlabel("first T scored tokens"); ax.set_ylabel("detected (z >= 4 and p <= 3.2e-5)"); ax.set_ylim(0, 1.05)
ax.legend(); fig.text(0.01, -0.04, caption + " (labels: texts with >= T scored tokens)", fontsize=6)
fig.savefig(os.path.join(out, "tpr-vs-length.png"), dpi=120, bbox_inches="tight"); plt.close(fig)

# TPR vs attack strength
if report.get("robustness"):
    fig, ax = plt.subplots(figsize=(7, 4))
    attacks = sorted({p["attack"] for p in report["robustness"]})
    for a in attacks:
        pts = sorted((p["strength"], p["detected_rate"]) for p in report["robustness"] if p["attack"] == a)
        ax.plot([0] + [p[0] for p in pts], [report["watermarked"]["detected_rate"]] + [p[1] for p in pts], marker="o", label=a)
    ax.set_xlabel("attack strength"); ax.set_ylabel("detected"); ax.set_ylim(0, 1.05); ax.legend(fontsize=7)
    fig.text(0.01, -0.04, caption, fontsize=6)
    fig.savefig(os.path.join(out, "tpr-vs-attack.png"), dpi=120, bbox_inches="tight"); plt.close(fig)
print("plots written to", out)
