import GreenmarkCrypto

/// The keyed PRF of a key's scheme: for the green-list schemes it decides, for each context,
/// whether a candidate token is green; for gumbel-v1 it carries the keyed uniforms (`gumbel`), and
/// the green-list methods must not be called.
///
/// LeftHash v1 (`docs/prf.md`):
///
///     msg   = "greenmark/prf/v1" || 0x00 || u32be(h) || u32be(c_1) || ... || u32be(c_h) || u32be(v)
///     mac   = HMAC-SHA256(K, msg)
///     green = u32be(mac[0..4]) < floor(gamma * 2^32)
///
/// SelfHash v1: `rank(x) = u32be(HMAC(K, "greenmark/prf/selfhash-v1/rank" || 0x00 || u32be(x) || u32be(v))[0..4])`
/// over the window {c_1, ..., c_h, v}; the anchor `a` has the smallest (rank, id); then
/// `green = u32be(HMAC(K, "greenmark/prf/selfhash-v1" || 0x00 || u32be(a) || u32be(v))[0..4]) < T`.
public struct GreenListPRF: Sendable {
    /// Domain-separation label that starts every LeftHash v1 message.
    public static let label: [UInt8] = Array("greenmark/prf/v1".utf8) + [0]
    /// Label of SelfHash v1 rank messages.
    public static let selfHashRankLabel: [UInt8] = Array("greenmark/prf/selfhash-v1/rank".utf8) + [0]
    /// Label of SelfHash v1 green messages.
    public static let selfHashLabel: [UInt8] = Array("greenmark/prf/selfhash-v1".utf8) + [0]

    public let scheme: WatermarkScheme
    /// The keyed uniforms, exactly when `scheme.prf == .gumbelV1`.
    public let gumbel: GumbelPRF?
    @usableFromInline let mac: HMACSHA256
    @usableFromInline let threshold: UInt32

    /// Creates the PRF for a raw key and scheme.
    public init(key: some Collection<UInt8>, scheme: WatermarkScheme) throws(GreenmarkError) {
        do {
            mac = try HMACSHA256(key: key)
        } catch {
            throw GreenmarkError(.cryptoFailure, error.description)
        }
        self.scheme = scheme
        threshold = scheme.greenThreshold
        gumbel = scheme.prf == .gumbelV1 ? try GumbelPRF(key: key, contextWidth: scheme.contextWidth) : nil
    }

    /// Length of a v1 message for context width `h`.
    @inlinable
    static func messageLength(h: Int) -> Int { label.count + 4 + 4 * h + 4 }

    /// The first four bytes, big-endian, of the MAC that decides `token` after `context` (exactly h
    /// ids, oldest first): the LeftHash message, or SelfHash's (anchor, token) message.
    @inlinable
    public func macPrefix(context: some Collection<UInt32>, token: UInt32) -> UInt32 {
        precondition(context.count == scheme.contextWidth, "context must hold exactly h token ids")
        switch scheme.prf {
        case .leftHashV1:
            return withMessage(context: context) { buf, tokenOffset in
                buf.storeBytes(of: token.bigEndian, toByteOffset: tokenOffset, as: UInt32.self)
                return mac.prefix32(UnsafeRawBufferPointer(buf))
            }
        case .selfHashV1:
            return pairPrefix(Self.selfHashLabel, anchor(context: context, token: token), token)
        case .gumbelV1:
            preconditionFailure("gumbel-v1 has no green list")
        }
    }

    /// Whether `token` is green after `context` (exactly h ids, oldest first).
    @inlinable
    public func isGreen(context: some Collection<UInt32>, token: UInt32) -> Bool {
        macPrefix(context: context, token: token) < threshold
    }

    /// SelfHash: the window member {context..., token} with the smallest (rank, id), where ranks are
    /// keyed and anchored on `token`. The green bit of `token` depends on the context only through it.
    @inlinable
    public func anchor(context: some Collection<UInt32>, token: UInt32) -> UInt32 {
        var best = token
        var bestRank = pairPrefix(Self.selfHashRankLabel, token, token)
        for x in context where x != best {
            let r = pairPrefix(Self.selfHashRankLabel, x, token)
            if r < bestRank || (r == bestRank && x < best) { (best, bestRank) = (x, r) }
        }
        return best
    }

    /// SelfHash: whether `token` is green for the elected `anchor`.
    @inlinable
    public func isGreen(anchor: UInt32, token: UInt32) -> Bool {
        pairPrefix(Self.selfHashLabel, anchor, token) < threshold
    }

    /// `u32be(HMAC(K, label || u32be(a) || u32be(b))[0..4])`.
    @inlinable
    func pairPrefix(_ label: [UInt8], _ a: UInt32, _ b: UInt32) -> UInt32 {
        withUnsafeTemporaryAllocation(byteCount: label.count + 8, alignment: 4) { buf in
            label.withUnsafeBytes { buf.baseAddress!.copyMemory(from: $0.baseAddress!, byteCount: label.count) }
            buf.storeBytes(of: a.bigEndian, toByteOffset: label.count, as: UInt32.self)
            buf.storeBytes(of: b.bigEndian, toByteOffset: label.count + 4, as: UInt32.self)
            return mac.prefix32(UnsafeRawBufferPointer(buf))
        }
    }

    /// Green flags for many candidate tokens after one context; the message prefix is built once.
    public func greenFlags(context: some Collection<UInt32>, candidates: some Collection<UInt32>) -> [Bool] {
        precondition(context.count == scheme.contextWidth, "context must hold exactly h token ids")
        precondition(scheme.prf.hasGreenList, "gumbel-v1 has no green list")
        if scheme.prf == .selfHashV1 {
            return candidates.map { isGreen(anchor: anchor(context: context, token: $0), token: $0) }
        }
        return withMessage(context: context) { buf, tokenOffset in
            let message = UnsafeRawBufferPointer(buf)
            return candidates.map { token in
                buf.storeBytes(of: token.bigEndian, toByteOffset: tokenOffset, as: UInt32.self)
                return mac.prefix32(message) < threshold
            }
        }
    }

    /// Builds `label || u32be(h) || context` in a stack buffer with room for the token, and calls
    /// `body` with the buffer and the token's byte offset.
    @inlinable
    func withMessage<R>(context: some Collection<UInt32>, _ body: (UnsafeMutableRawBufferPointer, Int) -> R) -> R {
        let labelCount = Self.label.count
        return withUnsafeTemporaryAllocation(byteCount: Self.messageLength(h: context.count), alignment: 4) { buf in
            Self.label.withUnsafeBytes { buf.baseAddress!.copyMemory(from: $0.baseAddress!, byteCount: labelCount) }
            buf.storeBytes(of: UInt32(truncatingIfNeeded: context.count).bigEndian, toByteOffset: labelCount, as: UInt32.self)
            var offset = labelCount + 4
            for id in context {
                buf.storeBytes(of: id.bigEndian, toByteOffset: offset, as: UInt32.self)
                offset += 4
            }
            return body(buf, offset)
        }
    }
}
