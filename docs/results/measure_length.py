#!/usr/bin/env python3
"""Measures how many scored tokens watermarked output of the default model needs to reach the
decision rule (z >= 4 and exact p <= 3.17e-5), and the z of unwatermarked output and human text.

    swift build -c release && python3 docs/results/measure_length.py [N_PROMPTS] > docs/results/length.json

Drives the real CLI: `greenmark generate --json` (SmolLM2-135M-Instruct, default sampling:
temperature 0.8, top-p 0.95, delta 2.0, gamma 0.25, h 1), then `greenmark detect --json` on the
output, and recomputes z and the exact p-value on the first T scored tokens from the mask.
"""
import json, math, os, subprocess, sys, tempfile
from scipy.stats import binom

GM = os.environ.get("GREENMARK_BIN", ".build/release/greenmark")
PROMPTS = [
    "Write a short essay about the history of the bicycle.",
    "Explain how vaccines train the immune system.",
    "Describe a day in the life of a lighthouse keeper.",
    "What are the main causes of inflation?",
    "Write a story about a robot who learns to paint.",
    "Explain photosynthesis to a ten-year-old.",
    "Give advice to a student starting university.",
    "Describe the water cycle in detail.",
    "Write a letter to a friend about a recent trip to the mountains.",
    "What makes a good leader? Discuss with examples.",
    "Explain how a computer stores data in memory.",
    "Write an essay on the importance of sleep.",
    "Describe the city of Paris to someone who has never been there.",
    "What are the benefits and risks of social media for teenagers?",
    "Explain why the sky is blue.",
    "Write a short story about a lost dog finding its way home.",
    "Discuss the role of bees in agriculture.",
    "How do airplanes stay in the air?",
    "Write an essay about the causes of the First World War.",
    "Describe how to bake a loaf of bread.",
    "Explain the difference between weather and climate.",
    "Write a persuasive essay about public libraries.",
    "What is machine learning? Explain simply.",
    "Describe the life cycle of a butterfly.",
    "Write a reflection on the value of friendship.",
    "Explain how the heart pumps blood through the body.",
    "Discuss the advantages of learning a second language.",
    "Write a news report about a new park opening in a small town.",
    "Explain how earthquakes happen.",
    "Describe the rules and appeal of chess.",
]
LENGTHS = [10, 16, 25, 35, 50, 75, 100, 150]
GAMMA, ZT, PT = 0.25, 4.0, 3.167124183311986e-05


def decide(g, t):
    z = (g - GAMMA * t) / math.sqrt(t * GAMMA * (1 - GAMMA))
    p = binom.sf(g - 1, t, GAMMA)
    return z, p, (z >= ZT and p <= PT)


def detect(text, home):
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
        f.write(text)
    out = subprocess.run([GM, "detect", "--json", "--home", home, "--min-tokens", "1", f.name], capture_output=True, text=True, check=True)
    os.unlink(f.name)
    return json.loads(out.stdout)


def prefix_stats(result):
    flags = [m["green"] for m in result["mask"] if m["scored"]]
    rows = {}
    for t in LENGTHS:
        if len(flags) >= t:
            z, p, ok = decide(sum(flags[:t]), t)
            rows[t] = {"z": z, "p": p, "detected": ok}
    return rows


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else len(PROMPTS)
    home = tempfile.mkdtemp()
    subprocess.run([GM, "keys", "init", "--home", home], check=True, capture_output=True)
    samples = []
    for i, prompt in enumerate(PROMPTS[:n]):
        for watermark in (True, False):
            args = [GM, "generate", "--json", "--home", home, "--prompt", prompt, "--max-tokens", "200", "--seed", str(1000 + i)]
            if not watermark:
                args.append("--no-watermark")
            gen = json.loads(subprocess.run(args, capture_output=True, text=True, check=True).stdout)
            det = detect(gen["text"], home)
            samples.append({"prompt": i, "watermark": watermark, "tokens_generated": gen["tokens"],
                            "tokens_scored": det["tokens_scored"], "z": det["z_score"], "green_fraction": det["green_fraction"],
                            "tokens_per_second": gen["tokens_per_second"], "prefix": prefix_stats(det)})
            print(f"prompt {i} watermark={watermark} T={det['tokens_scored']} z={det['z_score']:.2f}", file=sys.stderr)
    human = []
    fixtures = "Tests/GreenmarkCLITests/Fixtures"
    for name in sorted(os.listdir(fixtures)):
        if name.endswith(".txt") and name not in ("short.txt", "blank.txt", "invalid-utf8.txt"):
            det = detect(open(os.path.join(fixtures, name)).read(), home)
            human.append({"file": name, "tokens_scored": det["tokens_scored"], "z": det["z_score"]})
    summary = {}
    for wm in (True, False):
        group = [s for s in samples if s["watermark"] == wm]
        per_length = {}
        for t in LENGTHS:
            have = [s["prefix"][t] for s in group if t in s["prefix"]]
            if have:
                per_length[t] = {"n": len(have), "detected": sum(r["detected"] for r in have) / len(have),
                                 "median_z": sorted(r["z"] for r in have)[len(have) // 2]}
        zs = [s["z"] for s in group]
        summary["watermarked" if wm else "unwatermarked"] = {
            "n": len(group), "mean_z_full": sum(zs) / len(zs), "min_z_full": min(zs), "max_z_full": max(zs),
            "mean_tokens_scored": sum(s["tokens_scored"] for s in group) / len(group),
            "mean_green_fraction": sum(s["green_fraction"] for s in group) / len(group),
            "mean_tokens_per_second": sum(s["tokens_per_second"] for s in group) / len(group),
            "by_prefix_length": per_length}
    print(json.dumps({"conditions": {"model": "SmolLM2-135M-Instruct.Q4_1.gguf", "max_tokens": 200, "temperature": 0.8,
                                     "top_p": 0.95, "top_k": 0, "delta": 2.0, "gamma": GAMMA, "h": 1, "threads": 1,
                                     "seeds": "1000 + prompt index", "rule": "z >= 4 and exact p <= 3.17e-5"},
                      "summary": summary, "human": human, "samples": samples}, indent=1))


if __name__ == "__main__":
    main()
