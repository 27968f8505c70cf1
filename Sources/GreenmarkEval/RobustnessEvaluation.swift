import Foundation
import GreenmarkCore
import GreenmarkCrypto
import GreenmarkModel

/// Detection under edits, tricks, pasting and several keys, measured on the real model
/// (`docs/robustness.md`): for each seeding scheme, watermarked texts are generated, attacked,
/// and detected from the text alone; human passages give the false-positive rate of every mode.
public struct RobustnessEvaluation: Sendable {
    /// Settings of one run.
    public struct Configuration: Codable, Sendable {
        public var schemes: [WatermarkScheme] = [.default, .leftHash, .selfHash]
        public var prompts: Int = 60
        public var seedsPerPrompt: Int = 2
        public var maxTokens: Int = 200
        /// Watermarked texts shorter than this many generated tokens (the model stopped early) are left out of the attack table.
        public var minimumGeneratedTokens: Int = 190
        public var delta: Double = 2.0
        public var seedBase: UInt64 = 5000
        public var replacementFractions: [Double] = [0.1, 0.2, 0.3]
        /// Other text-level attacks, each at the given strengths.
        public var editStrengths: [Double] = [0.1, 0.2, 0.3]
        /// Tokens of the pasted-span document, and the watermarked share of it.
        public var pasteDocumentTokens: Int = 800
        public var pasteShare: Double = 0.25
        /// The corrected false-positive rate the paste experiment detects at.
        public var pasteAlpha: Double = 1e-4
        public var humanPassages: Int = 1000
        public var humanMinimumWords: Int = 500
        public var humanDirectory: String = HumanCorpus.defaultDirectory
        /// Keys in the multi-key mode (the evaluation key and k - 1 others).
        public var multiKeyCount: Int = 5
        /// Significance levels at which the empirical false-positive rate is reported.
        public var alphas: [Double] = [1e-2, 1e-3, 1e-4, DetectorConfiguration.default.maximumPValue]

        public init() {}

        enum CodingKeys: String, CodingKey {
            case schemes, prompts, delta, alphas
            case seedsPerPrompt = "seeds_per_prompt"
            case maxTokens = "max_tokens"
            case minimumGeneratedTokens = "minimum_generated_tokens"
            case seedBase = "seed_base"
            case replacementFractions = "replacement_fractions"
            case editStrengths = "edit_strengths"
            case pasteDocumentTokens = "paste_document_tokens"
            case pasteShare = "paste_share"
            case pasteAlpha = "paste_alpha"
            case humanPassages = "human_passages"
            case humanMinimumWords = "human_minimum_words"
            case humanDirectory = "human_directory"
            case multiKeyCount = "multi_key_count"
        }
    }

    /// The published evaluation keys: key i is SHA-256("greenmark/eval-key/v1") for i = 0, else SHA-256("greenmark/eval-key/v1/i").
    public static func evaluationKeys(count: Int, scheme: WatermarkScheme, vocabulary: String?) throws(GreenmarkError) -> [WatermarkKey] {
        try (0..<count).map { i throws(GreenmarkError) in
            let label = i == 0 ? "greenmark/eval-key/v1" : "greenmark/eval-key/v1/\(i)"
            return try WatermarkKey(
                secret: SHA256Digest.hash(Array(label.utf8)), scheme: scheme, state: i == 0 ? .primary : .enabled, vocabulary: vocabulary)
        }
    }

    public let model: LlamaModel
    public let configuration: Configuration

    public init(model: LlamaModel, configuration: Configuration) {
        self.model = model
        self.configuration = configuration
    }

    /// Runs every scheme; `progress(stage, done, total)` reports work as it completes.
    public func run(progress: (String, Int, Int) -> Void = { _, _, _ in }) throws(GreenmarkError) -> RobustnessReport {
        let c = configuration
        guard c.prompts >= 1, c.prompts <= EvaluationPrompts.all.count, c.seedsPerPrompt >= 1, c.multiKeyCount >= 1 else {
            throw GreenmarkError(.generationInvalid, "prompts must be in 1...\(EvaluationPrompts.all.count); seeds and keys >= 1")
        }
        let tokenizer = model.tokenizer
        let corpus = try HumanCorpus(directory: c.humanDirectory, minimumWords: c.humanMinimumWords, limit: c.humanPassages)
        let humanTokens = try corpus.passages.map { p throws(GreenmarkError) in try tokenizer.tokenize(p.text) }
        var results: [RobustnessReport.SchemeResult] = []
        for scheme in c.schemes {
            results.append(try evaluate(scheme: scheme, corpus: corpus, humanTokens: humanTokens, progress: progress))
        }
        return RobustnessReport(
            configuration: c, model: .init(name: model.name, sha256: model.sha256), date: Date(),
            humanPassages: corpus.passages.count,
            meanHumanTokens: Double(humanTokens.map(\.count).reduce(0, +)) / Double(max(1, humanTokens.count)),
            schemes: results)
    }

    private func evaluate(
        scheme: WatermarkScheme, corpus: HumanCorpus, humanTokens: [[UInt32]],
        progress: (String, Int, Int) -> Void
    ) throws(GreenmarkError) -> RobustnessReport.SchemeResult {
        let c = configuration
        let tokenizer = model.tokenizer
        let keys = try Self.evaluationKeys(count: c.multiKeyCount, scheme: scheme, vocabulary: tokenizer.vocabularyID)
        let key = keys[0]
        let generator = Generator(model: model)
        let plain = Detector(tokenizer: tokenizer)
        let windowed = Detector(tokenizer: tokenizer, configuration: .default.searchingSpans(true))
        let unnormalized = Detector(tokenizer: tokenizer, normalizer: TextNormalizer(robust: false))
        let stage = "\(scheme.prf.rawValue) h=\(scheme.contextWidth)"

        // 1. Watermarked generations.
        var texts: [String] = []
        var generated: [Int] = []
        let total = c.prompts * c.seedsPerPrompt
        for slot in EvaluationPrompts.schedule(prompts: c.prompts, rounds: c.seedsPerPrompt, seedBase: c.seedBase) {
            let request = GenerationRequest(
                prompt: slot.prompt, maxTokens: c.maxTokens,
                sampling: SamplingParameters(temperature: 1, topK: 0, topP: 1, seed: slot.seed),
                delta: c.delta)
            let result = try generator.generate(request, key: key)
            generated.append(result.record.tokens)
            if result.record.tokens >= c.minimumGeneratedTokens { texts.append(result.record.text) }
            progress("\(stage): generate", generated.count, total)
        }

        // 2. Attacks on the full-length texts.
        var rows: [RobustnessReport.AttackRow] = []
        func measure(
            _ name: String, _ strength: Double, detector: Detector = plain, keys: [WatermarkKey]? = nil,
            _ transform: (String, Int, inout SeededRandom) throws(GreenmarkError) -> String
        ) throws(GreenmarkError) {
            var rng = SeededRandom(seed: 0x5eed ^ UInt64(strength * 1000) ^ name.utf8.reduce(UInt64(0)) { $0 &* 31 &+ UInt64($1) })
            var tally = DetectionTally()
            for (i, text) in texts.enumerated() {
                let attacked = try transform(text, i, &rng)
                guard let r = try? detector.detect(attacked, keys: keys ?? [key], includeMask: false) else { continue }
                tally.add(r)
            }
            rows.append(
                .init(
                    attack: name, strength: strength, samples: tally.count, detectedRate: tally.detectedRate,
                    meanZ: tally.meanZ, medianZ: median(tally.zScores)))
            progress("\(stage): attacks", rows.count, 6 + c.replacementFractions.count + 3 * c.editStrengths.count)
        }
        try measure("none", 0) { t, _, _ in t }
        try measure("none_multi_key", 0, keys: keys) { t, _, _ in t }
        for fraction in c.replacementFractions {
            try measure("token_replacement", fraction) { t, _, rng throws(GreenmarkError) in try replaceTokens(t, fraction: fraction, using: &rng) }
        }
        for attack in [Attack.wordDeletion, .wordSubstitution, .wordSwap] {
            for s in c.editStrengths {
                try measure(attack.rawValue, s) { t, _, rng in attack.apply(to: t, strength: s, human: "", using: &rng) }
            }
        }
        for attack in [Attack.homoglyph, .zeroWidth] {
            try measure(attack.rawValue, 1.0) { t, _, rng in attack.apply(to: t, strength: 1.0, human: "", using: &rng) }
            try measure(attack.rawValue + "_without_normalization", 1.0, detector: unnormalized) { t, _, rng in
                attack.apply(to: t, strength: 1.0, human: "", using: &rng)
            }
        }

        // 3. A watermarked span inside human text: 25 % of an 800-token document.
        var paste = RobustnessReport.PasteResult(
            documents: 0, spanTokens: 0, alpha: c.pasteAlpha, plainDetected: 0, windowedDetected: 0,
            windowedDecisionRule: 0, spanLocated: 0, medianWindowedLog10P: 0, medianPlainLog10P: 0)
        do {
            let spanTokens = Int(Double(c.pasteDocumentTokens) * c.pasteShare)
            var plainHits = 0
            var windowHits = 0
            var ruleHits = 0
            var located = 0
            var n = 0
            var plainLogs: [Double] = []
            var windowLogs: [Double] = []
            var spanSizes: [Int] = []
            for (i, text) in texts.enumerated() {
                // Re-tokenized from the text, a 200-token generation can come back a few tokens shorter.
                let marked = try tokenizer.tokenize(text)
                guard marked.count >= spanTokens * 9 / 10 else { continue }
                let span = Array(marked.prefix(spanTokens))
                spanSizes.append(span.count)
                let host = humanTokens[i % humanTokens.count] + humanTokens[(i + 1) % humanTokens.count]
                let hostNeeded = c.pasteDocumentTokens - span.count
                guard host.count >= hostNeeded else { continue }
                let before = hostNeeded * (i % 4 + 1) / 5  // the span sits at 20 %, 40 %, 60 % or 80 % of the document
                let pieces = (host.prefix(before) + span + host[before..<hostNeeded]).map { tokenizer.pieceBytes(of: $0) }
                let spanStart = host.prefix(before).map { tokenizer.pieceBytes(of: $0).count }.reduce(0, +)
                let spanEnd = spanStart + span.map { tokenizer.pieceBytes(of: $0).count }.reduce(0, +)
                let document = String(decoding: pieces.flatMap { $0 }, as: UTF8.self)
                guard let p = try? plain.detect(document, key: key, includeMask: false),
                    let w = try? windowed.detect(document, key: key, includeMask: false)
                else { continue }
                n += 1
                if p.pValue <= c.pasteAlpha && p.zScore >= 4 { plainHits += 1 }
                if w.pValue <= c.pasteAlpha { windowHits += 1 }
                if w.verdict == .watermarked { ruleHits += 1 }
                if let s = w.span, let a = s.byteStart, let b = s.byteEnd {
                    let overlap = max(0, min(b, spanEnd) - max(a, spanStart))
                    if Double(overlap) >= 0.5 * Double(b - a) { located += 1 }
                }
                plainLogs.append(p.log10PValue)
                windowLogs.append(w.log10PValue)
            }
            paste = .init(
                documents: n, spanTokens: spanSizes.isEmpty ? spanTokens : spanSizes.reduce(0, +) / spanSizes.count, alpha: c.pasteAlpha,
                plainDetected: n == 0 ? 0 : Double(plainHits) / Double(n),
                windowedDetected: n == 0 ? 0 : Double(windowHits) / Double(n),
                windowedDecisionRule: n == 0 ? 0 : Double(ruleHits) / Double(n),
                spanLocated: n == 0 ? 0 : Double(located) / Double(n),
                medianWindowedLog10P: median(windowLogs), medianPlainLog10P: median(plainLogs))
        }

        // 4. False positives on human passages, every mode.
        var modes: [RobustnessReport.FalsePositiveRow] = []
        let modeList: [(String, Detector, [WatermarkKey])] = [
            ("plain", plain, [key]), ("windowed", windowed, [key]),
            ("multi_key", plain, keys), ("windowed_multi_key", windowed, keys),
        ]
        for (m, (name, detector, modeKeys)) in modeList.enumerated() {
            var pValues: [Double] = []
            var tally = DetectionTally()
            for passage in corpus.passages {
                guard let r = try? detector.detect(passage.text, keys: modeKeys, includeMask: false) else { continue }
                pValues.append(r.pValue)
                tally.add(r)
            }
            modes.append(
                .init(
                    mode: name, keys: modeKeys.count, passages: pValues.count, watermarkedVerdicts: tally.watermarked,
                    rates: c.alphas.map { a in .init(alpha: a, count: pValues.filter { $0 <= a }.count, passages: pValues.count) },
                    meanZ: tally.meanZ, maxZ: tally.maxZ))
            progress("\(stage): human", m + 1, modeList.count)
        }

        // 5. Per-key calibration: mean z of human passages under each of the keys alone.
        let perKeyMeanZ = keys.map { k in
            DetectionTally.mean(corpus.passages.compactMap { try? plain.detect($0.text, key: k, includeMask: false).zScore })
        }

        return .init(
            scheme: scheme, keyID: key.id, generations: generated.count, fullLength: texts.count,
            meanGeneratedTokens: Double(generated.reduce(0, +)) / Double(max(1, generated.count)),
            attacks: rows, paste: paste, humanFalsePositives: modes, perKeyHumanMeanZ: perKeyMeanZ)
    }

    /// Replaces each token of `text` with probability `fraction` by a uniformly random ordinary
    /// vocabulary token (special tokens excluded), then detokenizes.
    public func replaceTokens(_ text: String, fraction: Double, using rng: inout SeededRandom) throws(GreenmarkError) -> String {
        let tokenizer = model.tokenizer
        let tokens = try tokenizer.tokenize(text)
        let size = UInt64(tokenizer.vocabularySize)
        var bytes: [UInt8] = []
        for t in tokens {
            var id = t
            if rng.unit() < fraction {
                repeat {
                    id = UInt32(rng.next() % size)
                } while tokenizer.pieceBytes(of: id).isEmpty || tokenizer.isSpecial(id)
            }
            bytes += tokenizer.pieceBytes(of: id)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private func median(_ xs: [Double]) -> Double {
        guard !xs.isEmpty else { return 0 }
        let s = xs.sorted()
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }
}
