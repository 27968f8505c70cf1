import GreenmarkCrypto

/// The keyed PRF that decides, for each context, whether a candidate token is green.
///
/// Version 1 (`docs/prf.md`):
///
///     msg   = "greenmark/prf/v1" || 0x00 || u32be(h) || u32be(c_1) || ... || u32be(c_h) || u32be(v)
///     mac   = HMAC-SHA256(K, msg)
///     green = u32be(mac[0..4]) < floor(gamma * 2^32)
public struct GreenListPRF: Sendable {
    /// Domain-separation label that starts every v1 message.
    public static let label: [UInt8] = Array("greenmark/prf/v1".utf8) + [0]

    public let scheme: WatermarkScheme
    private let mac: HMACSHA256
    private let threshold: UInt32

    /// Creates the PRF for a raw key and scheme.
    public init(key: some Collection<UInt8>, scheme: WatermarkScheme) throws(GreenmarkError) {
        do {
            mac = try HMACSHA256(key: key)
        } catch {
            throw GreenmarkError(.cryptoFailure, error.description)
        }
        self.scheme = scheme
        threshold = scheme.greenThreshold
    }

    /// Length of a v1 message for context width `h`.
    @inlinable
    static func messageLength(h: Int) -> Int { label.count + 4 + 4 * h + 4 }

    /// The first four MAC bytes, big-endian, for `token` after `context` (exactly h ids, oldest first).
    public func macPrefix(context: some Collection<UInt32>, token: UInt32) -> UInt32 {
        precondition(context.count == scheme.contextWidth, "context must hold exactly h token ids")
        return withUnsafeTemporaryAllocation(byteCount: Self.messageLength(h: context.count), alignment: 4) { buf in
            var offset = 0
            for byte in Self.label {
                buf[offset] = byte
                offset += 1
            }
            Self.store(UInt32(context.count), into: buf, at: &offset)
            for id in context { Self.store(id, into: buf, at: &offset) }
            Self.store(token, into: buf, at: &offset)
            return mac.prefix32(UnsafeRawBufferPointer(buf))
        }
    }

    /// Whether `token` is green after `context` (exactly h ids, oldest first).
    public func isGreen(context: some Collection<UInt32>, token: UInt32) -> Bool {
        macPrefix(context: context, token: token) < threshold
    }

    /// Green flags for many candidate tokens after one context; the message prefix is built once.
    public func greenFlags(context: some Collection<UInt32>, candidates: some Collection<UInt32>) -> [Bool] {
        precondition(context.count == scheme.contextWidth, "context must hold exactly h token ids")
        let length = Self.messageLength(h: context.count)
        return withUnsafeTemporaryAllocation(byteCount: length, alignment: 4) { buf in
            var offset = 0
            for byte in Self.label {
                buf[offset] = byte
                offset += 1
            }
            Self.store(UInt32(context.count), into: buf, at: &offset)
            for id in context { Self.store(id, into: buf, at: &offset) }
            let tokenOffset = offset
            let message = UnsafeRawBufferPointer(buf)
            return candidates.map { token in
                var o = tokenOffset
                Self.store(token, into: buf, at: &o)
                return mac.prefix32(message) < threshold
            }
        }
    }

    @inline(__always)
    private static func store(_ value: UInt32, into buf: UnsafeMutableRawBufferPointer, at offset: inout Int) {
        buf[offset] = UInt8(truncatingIfNeeded: value >> 24)
        buf[offset + 1] = UInt8(truncatingIfNeeded: value >> 16)
        buf[offset + 2] = UInt8(truncatingIfNeeded: value >> 8)
        buf[offset + 3] = UInt8(truncatingIfNeeded: value)
        offset += 4
    }
}
