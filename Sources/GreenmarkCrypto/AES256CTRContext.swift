import COpenSSL

/// A reusable OpenSSL AES-256-CTR context, for many short keystreams under different keys (gumbel-v1
/// detection: one stream key and one block per token). Re-keying an existing `EVP_CIPHER_CTX`
/// skips its allocation and cipher lookup; the output is identical to `AES256CTR.keystream`.
/// Not thread-safe: one per thread.
public final class AES256CTRContext {
    private let ctx: OpaquePointer

    /// Allocates the context.
    public init() throws(CryptoError) {
        guard let ctx = EVP_CIPHER_CTX_new() else { throw CryptoError(.openSSLFailure, "EVP_CIPHER_CTX_new failed") }
        guard EVP_EncryptInit_ex(ctx, EVP_aes_256_ctr(), nil, nil, nil) == 1 else {
            EVP_CIPHER_CTX_free(ctx)
            throw CryptoError(.openSSLFailure, "AES-256-CTR initialisation failed")
        }
        self.ctx = ctx
    }

    deinit {
        EVP_CIPHER_CTX_free(ctx)  // also cleanses the expanded key
    }

    /// Fills `output` with the keystream under the 32-byte `key` from the 16-byte big-endian `counterBlock`.
    public func keystream(
        key: UnsafeRawBufferPointer, counterBlock: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer
    ) throws(CryptoError) {
        guard key.count == AES256CTR.keyByteCount else { throw CryptoError(.invalidKey, "AES-256-CTR keys are 32 bytes") }
        guard counterBlock.count == AES256CTR.blockByteCount else { throw CryptoError(.invalidKey, "AES-256-CTR counter blocks are 16 bytes") }
        guard let out = output.baseAddress?.assumingMemoryBound(to: UInt8.self), output.count > 0, output.count <= Int(Int32.max) else {
            return
        }
        let k = key.baseAddress!.assumingMemoryBound(to: UInt8.self)
        let iv = counterBlock.baseAddress!.assumingMemoryBound(to: UInt8.self)
        guard EVP_EncryptInit_ex(ctx, nil, nil, k, iv) == 1 else { throw CryptoError(.openSSLFailure, "AES-256-CTR re-keying failed") }
        output.initializeMemory(as: UInt8.self, repeating: 0)
        var written: Int32 = 0
        guard EVP_EncryptUpdate(ctx, out, &written, out, Int32(output.count)) == 1, Int(written) == output.count else {
            throw CryptoError(.openSSLFailure, "AES-256-CTR keystream failed")
        }
    }

    /// Keys the context and sets its counter to the 16-byte big-endian `counterBlock`: the following
    /// `continueKeystream(into:)` calls return the keystream under `key` from that block, in order,
    /// as one `keystream(key:counterBlock:into:)` call over their total length would.
    public func start(key: UnsafeRawBufferPointer, counterBlock: UnsafeRawBufferPointer) throws(CryptoError) {
        guard key.count == AES256CTR.keyByteCount else { throw CryptoError(.invalidKey, "AES-256-CTR keys are 32 bytes") }
        guard counterBlock.count == AES256CTR.blockByteCount else { throw CryptoError(.invalidKey, "AES-256-CTR counter blocks are 16 bytes") }
        let k = key.baseAddress!.assumingMemoryBound(to: UInt8.self)
        let iv = counterBlock.baseAddress!.assumingMemoryBound(to: UInt8.self)
        guard EVP_EncryptInit_ex(ctx, nil, nil, k, iv) == 1 else { throw CryptoError(.openSSLFailure, "AES-256-CTR re-keying failed") }
    }

    /// Fills `output` with the next `output.count` bytes of the keystream begun by `start(key:counterBlock:)`
    /// (a reused buffer: no allocation, and a chunk small enough to stay in cache).
    public func continueKeystream(into output: UnsafeMutableRawBufferPointer) throws(CryptoError) {
        guard let out = output.baseAddress?.assumingMemoryBound(to: UInt8.self), output.count > 0, output.count <= Int(Int32.max) else {
            return
        }
        output.initializeMemory(as: UInt8.self, repeating: 0)
        var written: Int32 = 0
        guard EVP_EncryptUpdate(ctx, out, &written, out, Int32(output.count)) == 1, Int(written) == output.count else {
            throw CryptoError(.openSSLFailure, "AES-256-CTR keystream failed")
        }
    }
}
