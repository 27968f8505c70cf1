import COpenSSL

/// HMAC-SHA256 under one key, with the key schedule computed once.
///
/// Each evaluation costs two SHA-256 compression calls for messages up to 55 bytes: the inner
/// and outer pad states are snapshotted after key setup (RFC 2104), and every message starts from
/// a copy of them. The result is bit-identical to OpenSSL's `HMAC()`; the tests check both against
/// RFC 4231. The prepared state is key material: it is wiped when the value is released.
public final class HMACSHA256: @unchecked Sendable {
    // Immutable after init, so sharing across threads is safe.
    private let state: UnsafeMutablePointer<gm_hmac_sha256_key>

    /// Output length in bytes.
    public static let byteCount = 32

    /// Prepares HMAC-SHA256 for `key`.
    public init(key: some Collection<UInt8>) throws(CryptoError) {
        state = .allocate(capacity: 1)
        let keyBytes = Array(key)
        let ok = keyBytes.withUnsafeBufferPointer { gm_hmac_sha256_key_init(state, $0.baseAddress, $0.count) }
        guard ok == 1 else {
            gm_hmac_sha256_key_clear(state)
            state.deallocate()
            throw CryptoError(.openSSLFailure, "HMAC-SHA256 key setup failed")
        }
    }

    deinit {
        gm_hmac_sha256_key_clear(state)
        state.deallocate()
    }

    /// Computes the MAC of `message` into `output`, which must hold at least 32 bytes.
    @inlinable
    public func authenticate(_ message: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) {
        precondition(output.count >= Self.byteCount, "HMAC output buffer too small")
        rawAuthenticate(message, output)
    }

    @usableFromInline
    func rawAuthenticate(_ message: UnsafeRawBufferPointer, _ output: UnsafeMutableRawBufferPointer) {
        gm_hmac_sha256(
            state,
            message.baseAddress?.assumingMemoryBound(to: UInt8.self),
            message.count,
            output.baseAddress!.assumingMemoryBound(to: UInt8.self)
        )
    }

    /// Returns the first four bytes of the MAC of `message`, read as a big-endian integer.
    @inlinable
    public func prefix32(_ message: UnsafeRawBufferPointer) -> UInt32 {
        withUnsafeTemporaryAllocation(byteCount: Self.byteCount, alignment: 4) { out in
            rawAuthenticate(message, out)
            return UInt32(out[0]) << 24 | UInt32(out[1]) << 16 | UInt32(out[2]) << 8 | UInt32(out[3])
        }
    }

    /// Returns the 32-byte MAC of `message`.
    public func authenticationCode(for message: some Collection<UInt8>) -> [UInt8] {
        let bytes = Array(message)
        var out = [UInt8](repeating: 0, count: Self.byteCount)
        bytes.withUnsafeBytes { msg in
            out.withUnsafeMutableBytes { rawAuthenticate(msg, $0) }
        }
        return out
    }

    /// HMAC-SHA256 through OpenSSL's one-shot `HMAC()`: the reference path, redoing the key
    /// schedule on every call.
    public static func oneShot(key: some Collection<UInt8>, message: some Collection<UInt8>) throws(CryptoError) -> [UInt8] {
        let k = Array(key)
        let m = Array(message)
        var out = [UInt8](repeating: 0, count: byteCount)
        let ok = k.withUnsafeBufferPointer { kp in
            m.withUnsafeBufferPointer { mp in
                out.withUnsafeMutableBufferPointer { op in
                    gm_hmac_sha256_oneshot(kp.baseAddress, kp.count, mp.baseAddress, mp.count, op.baseAddress)
                }
            }
        }
        guard ok == 1 else { throw CryptoError(.openSSLFailure, "HMAC() failed") }
        return out
    }
}
