/// One benchmark measurement.
struct BenchRow: Encodable {
    let name: String
    let unit: String
    let rate: Double
    let detail: String
}
