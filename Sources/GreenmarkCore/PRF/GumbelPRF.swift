import GreenmarkCrypto

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The keyed uniforms of `gumbel-v1` (`docs/prf.md`, section "gumbel-v1"): for a context of h token
/// ids, one uniform r_v in (0, 1) per vocabulary token v.
///
///     sk   = HMAC-SHA256(K, "greenmark/prf/gumbel-v1" || 0x00 || u32be(h) || u32be(c_1) || ... || u32be(c_h))
///     ks   = AES-256-CTR keystream under sk from counter block 0 (128-bit big-endian)
///     u_v  = u64be(ks[8v ..< 8v + 8]) >> 11          (53 bits)
///     r_v  = (u_v + 0.5) / 2^53
///
/// Token v's 8 bytes are half of counter block floor(v / 2), so one token is read by seeking to that
/// block (detection) and the whole vocabulary by one pass from block 0 (generation): both give the
/// same bits. Pure: no state beyond the prepared HMAC key.
public struct GumbelPRF: Sendable {
    /// Domain-separation label that starts every gumbel-v1 stream-key message.
    public static let label: [UInt8] = Array("greenmark/prf/gumbel-v1".utf8) + [0]
    /// The recommended context width (docs/prf.md explains the choice).
    public static let defaultContextWidth = 4
    /// `2^-53`.
    public static let ulp53 = 0x1p-53
    /// `2^52`: below it, `u + 0.5` is exact in binary64.
    static let half53: UInt64 = 1 << 52
    /// `2^53 - 1`, the largest `u`.
    public static let maxBits: UInt64 = (1 << 53) - 1

    /// Context width h: how many preceding token ids key the stream.
    public let contextWidth: Int
    @usableFromInline let mac: HMACSHA256

    /// Creates the PRF for a raw key and context width h in 1...64.
    public init(key: some Collection<UInt8>, contextWidth: Int = defaultContextWidth) throws(GreenmarkError) {
        guard (1...WatermarkScheme.maximumContextWidth).contains(contextWidth) else {
            throw GreenmarkError(.invalidScheme, "context width h must be in 1...\(WatermarkScheme.maximumContextWidth) (got \(contextWidth))")
        }
        do {
            mac = try HMACSHA256(key: key)
        } catch {
            throw GreenmarkError(.cryptoFailure, error.description)
        }
        self.contextWidth = contextWidth
    }

    /// The 32-byte AES-256-CTR key for `context` (exactly h ids, oldest first). Key material.
    public func streamKey(context: some Collection<UInt32>) -> [UInt8] {
        precondition(context.count == contextWidth, "context must hold exactly h token ids")
        var message = Self.label
        message.reserveCapacity(Self.label.count + 4 + 4 * contextWidth)
        appendBigEndian(UInt32(contextWidth), to: &message)
        for id in context { appendBigEndian(id, to: &message) }
        return mac.authenticationCode(for: message)
    }

    /// u_v, the 53 bits behind r_v, for one token: one HMAC and one AES block.
    public func uniformBits(context: some Collection<UInt32>, token: UInt32) -> UInt64 {
        let key = streamKey(context: context)
        var counter = [UInt8](repeating: 0, count: AES256CTR.blockByteCount)
        let block = token >> 1
        for i in 0..<4 { counter[12 + i] = UInt8(truncatingIfNeeded: block >> (24 - 8 * UInt32(i))) }
        let stream = Self.keystream(key: key, counterBlock: counter, count: AES256CTR.blockByteCount)
        return Self.bits(stream, at: Int(token & 1) * 8)
    }

    /// u_v for every token v in `0 ..< vocabularySize`, in one keystream pass from counter block 0:
    /// one HMAC and ceil(vocabularySize / 2) AES blocks, written straight into the result and
    /// converted in place.
    public func uniformBits(context: some Collection<UInt32>, vocabularySize: Int) -> [UInt64] {
        precondition(vocabularySize >= 0 && vocabularySize <= 1 << 32, "vocabulary size out of range")
        let key = streamKey(context: context)
        let zero = [UInt8](repeating: 0, count: AES256CTR.blockByteCount)
        return [UInt64](unsafeUninitializedCapacity: vocabularySize) { buffer, count in
            let raw = UnsafeMutableRawBufferPointer(buffer)
            key.withUnsafeBytes { k in
                zero.withUnsafeBytes { iv in
                    do throws(CryptoError) {
                        try AES256CTR.keystream(key: k, counterBlock: iv, into: raw)
                    } catch {
                        fatalError("AES-256-CTR failed: \(error.description)")
                    }
                }
            }
            // The keystream was written as bytes: read each word raw, then bind the memory back to UInt64.
            for i in 0..<vocabularySize {
                let word = raw.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self)
                raw.storeBytes(of: UInt64(bigEndian: word) >> 11, toByteOffset: 8 * i, as: UInt64.self)
            }
            _ = raw.bindMemory(to: UInt64.self)
            count = vocabularySize
        }
    }

    /// u_v for each of `tokens` (any order, repeats allowed): one HMAC, then one seeked AES block per
    /// token. Cheaper than the full pass when the tokens are few (after top-k); the same bits.
    public func uniformBits(context: some Collection<UInt32>, tokens: some Collection<UInt32>) -> [UInt64] {
        let key = streamKey(context: context)
        let cipher = try? AES256CTRContext()
        return key.withUnsafeBytes { k in tokens.map { Self.seek(key: k, token: $0, cipher: cipher) } }
    }

    /// The detection score -ln(1 - r) of `token` after `context` (exactly h ids, oldest first):
    /// one HMAC and one AES block, without heap allocation, re-keying `cipher` (one per thread).
    public func score(context: UnsafeBufferPointer<UInt32>, token: UInt32, cipher: AES256CTRContext) -> Double {
        precondition(context.count == contextWidth, "context must hold exactly h token ids")
        let length = Self.label.count + 4 + 4 * contextWidth
        return withUnsafeTemporaryAllocation(byteCount: length + 32, alignment: 8) { buf in
            Self.label.withUnsafeBytes { buf.baseAddress!.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
            var offset = Self.label.count
            buf.storeBytes(of: UInt32(truncatingIfNeeded: contextWidth).bigEndian, toByteOffset: offset, as: UInt32.self)
            offset += 4
            for id in context {
                buf.storeBytes(of: id.bigEndian, toByteOffset: offset, as: UInt32.self)
                offset += 4
            }
            let key = UnsafeMutableRawBufferPointer(rebasing: buf[length..<(length + 32)])
            mac.authenticate(UnsafeRawBufferPointer(rebasing: buf[0..<length]), into: key)
            return Self.score(Self.seek(key: UnsafeRawBufferPointer(key), token: token, cipher: cipher))
        }
    }

    /// u_v of `token` from the stream under `key`: the AES block floor(v / 2), half v mod 2.
    static func seek(key: UnsafeRawBufferPointer, token: UInt32, cipher: AES256CTRContext? = nil) -> UInt64 {
        withUnsafeTemporaryAllocation(byteCount: 32, alignment: 8) { buf in
            let counter = UnsafeMutableRawBufferPointer(rebasing: buf[0..<16])
            counter.initializeMemory(as: UInt8.self, repeating: 0)
            counter.storeBytes(of: (token >> 1).bigEndian, toByteOffset: 12, as: UInt32.self)
            let out = UnsafeMutableRawBufferPointer(rebasing: buf[16..<32])
            do throws(CryptoError) {
                if let cipher {
                    try cipher.keystream(key: key, counterBlock: UnsafeRawBufferPointer(counter), into: out)
                } else {
                    try AES256CTR.keystream(key: key, counterBlock: UnsafeRawBufferPointer(counter), into: out)
                }
            } catch {
                fatalError("AES-256-CTR failed: \(error.description)")
            }
            var word: UInt64 = 0
            let base = Int(token & 1) * 8
            for i in 0..<8 { word = word << 8 | UInt64(out[base + i]) }
            return word >> 11
        }
    }

    /// r = (u + 0.5) / 2^53 rounded to binary64. Exact for u < 2^52; above, the exact value is a tie
    /// between two doubles and rounds to even, so u = 2^53 - 1 gives 1.0. Use `logUniform` and
    /// `score`, which are accurate for every u, instead of taking logarithms of this value.
    public static func uniform(_ u: UInt64) -> Double {
        precondition(u <= maxBits, "u has 53 bits")
        return (Double(u) + 0.5) * ulp53
    }

    /// ln r_v, finite and negative for every u (used by the sampler: argmax r^(1/p) = argmax ln(r) / p).
    public static func logUniform(_ u: UInt64) -> Double {
        precondition(u <= maxBits, "u has 53 bits")
        if u < half53 { return log((Double(u) + 0.5) * ulp53) }
        // 1 - r = (w + 0.5) / 2^53 with w = 2^53 - 1 - u < 2^52: exact, so log1p keeps full accuracy.
        return log1p(-(Double(maxBits - u) + 0.5) * ulp53)
    }

    /// The detection score of one position, -ln(1 - r_v): Exp(1) under H0, finite for every u.
    public static func score(_ u: UInt64) -> Double {
        precondition(u <= maxBits, "u has 53 bits")
        if u < half53 { return -log1p(-(Double(u) + 0.5) * ulp53) }
        return -log((Double(maxBits - u) + 0.5) * ulp53)
    }

    /// The top 53 bits of the big-endian 64-bit word at `offset`.
    static func bits(_ stream: [UInt8], at offset: Int) -> UInt64 {
        var word: UInt64 = 0
        for i in 0..<8 { word = word << 8 | UInt64(stream[offset + i]) }
        return word >> 11
    }

    /// The AES-256-CTR keystream; a failure of OpenSSL here is not recoverable (the inputs are valid by construction).
    static func keystream(key: [UInt8], counterBlock: [UInt8], count: Int) -> [UInt8] {
        do {
            return try AES256CTR.keystream(key: key, counterBlock: counterBlock, count: count)
        } catch {
            fatalError("AES-256-CTR failed: \(error.description)")
        }
    }

    private func appendBigEndian(_ value: UInt32, to bytes: inout [UInt8]) {
        bytes.append(contentsOf: [
            UInt8(value >> 24), UInt8(truncatingIfNeeded: value >> 16), UInt8(truncatingIfNeeded: value >> 8), UInt8(truncatingIfNeeded: value),
        ])
    }
}
