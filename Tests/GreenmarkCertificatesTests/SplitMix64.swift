import Foundation

/// A small seeded generator (SplitMix64) so the mutants are the same on every run.
struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE5_E4B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// One to three byte edits: replace, delete or insert (JSON punctuation, a BOM byte, 0xFF…).
    mutating func mutate(_ data: Data) -> Data {
        var b = [UInt8](data)
        let pool: [UInt8] = Array("{}[]\",:0aA_-= \n".utf8) + [0xEF, 0xBB, 0xBF, 0xFF, 0xC3]
        for _ in 0...(next() % 3) {
            let i = b.isEmpty ? 0 : Int(next() % UInt64(b.count))
            switch next() % 3 {
            case 0 where !b.isEmpty: b[i] = UInt8(truncatingIfNeeded: next())
            case 1 where !b.isEmpty: b.remove(at: i)
            default: b.insert(pool[Int(next() % UInt64(pool.count))], at: i)
            }
        }
        return Data(b)
    }
}
