import Foundation
import GreenmarkCore

/// Per-key false-positive skew (`greenmark eval fairness`, `docs/results/fairness.md`): scores
/// every human passage under each of many keys, per scheme, with the ordinary detector (no
/// generation), and summarizes how far single keys stray from the nominal false-positive rate.
///
/// The detector's guarantee is over the randomness of the key: for any one text, P[p ≤ α] ≤ α.
/// An institution, however, scores all its texts under one fixed key; when texts share PRF
/// inputs (frequent bigrams under h = 1), one key's false positives on a genre are correlated
/// and its rate can be far from α in either direction. Keys are the published evaluation keys
/// (`RobustnessEvaluation.evaluationKeys`: key 0 is the key of `docs/evaluation.md`), so runs
/// are reproducible.
public struct FairnessEvaluation: Sendable {
    /// What to measure.
    public struct Configuration: Sendable, Codable {
        /// Schemes to compare.
        public var schemes: [WatermarkScheme] = [.default]
        /// Keys per scheme (the same secrets for every scheme).
        public var keys: Int = 200
        /// Per-text significance levels at which false positives are counted (p ≤ α and at least
        /// the minimum number of scored tokens).
        public var alphas: [Double] = [1e-2, 1e-3]
        public var humanDirectory: String = HumanCorpus.defaultDirectory
        public var humanMinimumWords: Int = 200
        /// Keep passages from documents of this year or earlier (file names start with the year).
        public var throughYear: Int? = 1945
        /// At most this many passages (in corpus order); nil for all.
        public var passages: Int?
        /// Also summarize the first n passages of the set (2,000 = the set of `docs/evaluation.md`).
        public var subsets: [Int] = [2000]
        /// Worker threads (keys are split among them).
        public var jobs: Int = 2
        /// Fair-key replicates for the Monte Carlo dispersion test.
        public var replicates: Int = 10_000

        public init() {}

        enum CodingKeys: String, CodingKey {
            case schemes, keys, alphas, passages, subsets, jobs, replicates
            case humanDirectory = "human_directory"
            case humanMinimumWords = "human_minimum_words"
            case throughYear = "through_year"
        }
    }

    /// One passage under one key: what the detector reported (single key, whole text).
    public struct PassageScore: Sendable, Equatable {
        public let pValue: Double
        public let tokensScored: Int
        public let zScore: Double
        /// The default decision rule's verdict.
        public let watermarked: Bool
    }

    public let tokenizer: any Tokenizer
    public let configuration: Configuration

    public init(tokenizer: any Tokenizer, configuration: Configuration) {
        self.tokenizer = tokenizer
        self.configuration = configuration
    }

    /// The passages this configuration scores, in corpus order.
    public func passages() throws(GreenmarkError) -> [HumanCorpus.Passage] {
        let c = configuration
        let corpus = try HumanCorpus(directory: c.humanDirectory, minimumWords: c.humanMinimumWords)
        var kept = corpus.passages.filter { passage in
            guard let last = c.throughYear else { return true }
            guard let year = Int(passage.source.prefix(4)) else { return false }
            return year <= last
        }
        if let limit = c.passages, kept.count > limit { kept = Array(kept.prefix(limit)) }
        guard !kept.isEmpty else { throw GreenmarkError(.unreadableInput, "no passage in \(c.humanDirectory) matches the selection") }
        return kept
    }

    /// Runs every scheme over every key and passage.
    public func run(progress: @escaping @Sendable (String, Int, Int) -> Void = { _, _, _ in }) throws(GreenmarkError) -> FairnessReport {
        let c = configuration
        let passages = try passages()
        let texts = passages.map(\.text)
        progress("tokenizing", 0, texts.count)
        let normalizer = TextNormalizer()
        let cache = try FairnessTokenCache(base: tokenizer, texts: texts.map { normalizer.normalize($0).text })
        progress("tokenizing", texts.count, texts.count)
        var schemes: [FairnessReport.SchemeResult] = []
        for scheme in c.schemes {
            let keys = try RobustnessEvaluation.evaluationKeys(count: c.keys, scheme: scheme, vocabulary: tokenizer.vocabularyID)
            let scores = try Self.score(texts: texts, keys: keys, tokenizer: cache, jobs: c.jobs) { done in
                progress(scheme.description, done, keys.count)
            }
            let sizes = Set(c.subsets.filter { $0 < passages.count } + [passages.count]).sorted()
            let subsets = sizes.map { n in
                FairnessReport.SubsetResult(
                    scheme: scheme, keys: keys, scores: scores.map { Array($0.prefix(n)) },
                    lastSource: passages[n - 1].source, alphas: c.alphas, replicates: c.replicates)
            }
            schemes.append(FairnessReport.SchemeResult(scheme: scheme, subsets: subsets))
        }
        let tokens = texts.reduce(0) { $0 + ((try? cache.tokenize(normalizer.normalize($1).text)) ?? []).count }
        return FairnessReport(
            configuration: c, tokenizer: tokenizer.name, date: Date(), passages: passages.count,
            firstSource: passages[0].source, lastSource: passages[passages.count - 1].source,
            meanTokens: Double(tokens) / Double(passages.count), schemes: schemes)
    }

    /// Scores each of `texts` under each of `keys` with the default detector (one key at a time,
    /// whole text, no span search): `result[k][i]` is passage i under key k. Keys are split among
    /// `jobs` threads; `progress` is called with the number of keys done.
    public static func score(
        texts: [String], keys: [WatermarkKey], tokenizer: any Tokenizer, jobs: Int = 1,
        progress: @escaping @Sendable (Int) -> Void = { _ in }
    ) throws(GreenmarkError) -> [[PassageScore]] {
        let detector = Detector(tokenizer: tokenizer)
        let results = ResultBox(count: keys.count)
        let workers = max(1, min(jobs, keys.count))
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            for k in stride(from: worker, to: keys.count, by: workers) {
                do throws(GreenmarkError) {
                    var row: [PassageScore] = []
                    row.reserveCapacity(texts.count)
                    for text in texts {
                        let r = try detector.detect(text, key: keys[k], includeMask: false)
                        row.append(PassageScore(pValue: r.pValue, tokensScored: r.tokensScored, zScore: r.zScore, watermarked: r.watermarked))
                    }
                    progress(results.store(row, at: k))
                } catch {
                    results.fail(error)
                }
            }
        }
        return try results.rows()
    }
}

/// Rows filled by worker threads, each index written once.
private final class ResultBox: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [[FairnessEvaluation.PassageScore]?]
    private var done = 0
    private var error: GreenmarkError?

    init(count: Int) { values = Array(repeating: nil, count: count) }

    func store(_ row: [FairnessEvaluation.PassageScore], at index: Int) -> Int {
        lock.lock()
        defer { lock.unlock() }
        values[index] = row
        done += 1
        return done
    }

    func fail(_ error: GreenmarkError) {
        lock.lock()
        defer { lock.unlock() }
        if self.error == nil { self.error = error }
    }

    func rows() throws(GreenmarkError) -> [[FairnessEvaluation.PassageScore]] {
        lock.lock()
        defer { lock.unlock() }
        if let error { throw error }
        return values.map { $0 ?? [] }
    }
}
