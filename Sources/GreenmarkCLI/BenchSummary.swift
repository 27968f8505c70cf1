/// All measurements of one run, with the ratios that matter.
struct BenchSummary: Encodable {
    let rows: [BenchRow]
    let preparedOverOneshot: Double
    let scoringOverPreparedHMAC: Double
    let nanosecondsPerPRF: Double
    let generation: GenerationComparison?

    enum CodingKeys: String, CodingKey {
        case rows
        case preparedOverOneshot = "prepared_over_oneshot"
        case scoringOverPreparedHMAC = "scoring_over_prepared_hmac"
        case nanosecondsPerPRF = "ns_per_prf"
        case generation
    }
}
