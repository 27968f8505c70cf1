import Foundation
import GreenmarkCore
import GreenmarkModel

extension Bench {
    /// gumbel-v1 rows: detection throughput (one HMAC and one AES block per token), the keyed
    /// uniforms of a whole 49,152-token vocabulary (the sampler's cryptographic work per token), and,
    /// with a model, gumbel-v1 generation against plain sampling (the watermark's own cost).
    func gumbelRows(key: [UInt8]) throws -> [BenchRow] {
        var rows: [BenchRow] = []
        let prf = try GreenListPRF(key: key, scheme: .gumbel)
        let gumbel = prf.gumbel!
        var rng = SystemRandomNumberGenerator()
        let tokens = (0..<200_000).map { _ in UInt32.random(in: 0..<49_152, using: &rng) }
        rows.append(
            measure("gumbel_score_tokens_h4", unit: "tokens/s", per: tokens.count) { n in
                var sink = 0
                for _ in 0..<n { sink &+= TokenScores(tokens: tokens, prf: prf, ignoreRepeats: true).scored }
                return sink
            })
        let vocabulary = 49_152
        let uniforms = measureUniforms(gumbel, vocabulary: vocabulary)
        rows.append(
            BenchRow(
                name: uniforms.name, unit: uniforms.unit, rate: uniforms.rate,
                detail: "\(uniforms.detail) (\(f(1e3 / uniforms.rate)) ms per generated token: 1 HMAC + 24,576 AES blocks)"))
        if generateTokens > 0, let path = try? ModelLocator.resolve(explicit: model) {
            let g = try compareGeneration(path: path, key: key, scheme: .gumbel)
            rows.append(
                BenchRow(
                    name: "generate_gumbel_v1", unit: "tokens/s", rate: g.watermarkedTokensPerSecond,
                    detail:
                        "\(f(g.watermarkedTokensPerSecond)) tokens/s vs plain \(f(g.plainTokensPerSecond)) (ratio \(String(format: "%.3f", g.throughputRatio))); Swift sampling \(f(g.watermarkedSwiftMsPerToken)) vs \(f(g.plainSwiftMsPerToken)) ms/token, decode \(f(g.decodeMsPerToken)) ms/token"
                ))
            rows.append(
                BenchRow(
                    name: "gumbel_v1_own_cost_share_of_decode", unit: "% of decode", rate: g.watermarkOnlyShareOfDecode * 100,
                    detail: String(
                        format: "%.2f%% of decode (goal <= 2%%), %d rounds of %d tokens", g.watermarkOnlyShareOfDecode * 100, g.rounds,
                        g.tokensPerGeneration)))
        }
        return rows
    }

    /// `gumbel_uniforms_<V>`: whole-vocabulary uniforms per second (one HMAC and V/2 AES blocks each),
    /// each from a new context, read as the sampler reads them for every generated token: in 64 KB
    /// chunks of one reused buffer (`GumbelPRF.forEachUniformChunk`), every u_v extracted.
    func measureUniforms(_ gumbel: GumbelPRF, vocabulary: Int) -> BenchRow {
        measure("gumbel_uniforms_\(vocabulary)", unit: "vocabularies/s") { n in
            var sink: UInt64 = 0
            for i in 0..<n {
                let context: [UInt32] = [1, 2, 3, UInt32(truncatingIfNeeded: i)]
                gumbel.forEachUniformChunk(context: context, vocabularySize: vocabulary) { _, words in
                    for word in words { sink ^= GumbelPRF.bits(word: word) }
                }
            }
            return Int(truncatingIfNeeded: sink)
        }
    }
}
