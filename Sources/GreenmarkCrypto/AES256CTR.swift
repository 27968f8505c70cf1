import COpenSSL

/// AES-256 in counter mode (NIST SP 800-38A) through OpenSSL's EVP interface, used as a seekable
/// keystream: the keystream starting at any 128-bit counter block is `E_K(block) || E_K(block + 1) || ...`,
/// with the whole 16-byte block incremented as one big-endian integer (OpenSSL's `EVP_aes_256_ctr`).
///
/// Greenmark uses it only as a PRF expander (`docs/prf.md`, gumbel-v1): no plaintext is encrypted,
/// the keystream itself is the output.
public enum AES256CTR {
    /// Key length in bytes.
    public static let keyByteCount = 32
    /// Counter block length in bytes.
    public static let blockByteCount = 16

    /// Fills `output` with the keystream under `key` starting at the 16-byte big-endian `counterBlock`.
    public static func keystream(
        key: UnsafeRawBufferPointer, counterBlock: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer
    ) throws(CryptoError) {
        guard key.count == keyByteCount else { throw CryptoError(.invalidKey, "AES-256-CTR keys are 32 bytes") }
        guard counterBlock.count == blockByteCount else { throw CryptoError(.invalidKey, "AES-256-CTR counter blocks are 16 bytes") }
        guard let out = output.baseAddress?.assumingMemoryBound(to: UInt8.self), output.count > 0 else { return }
        guard let ctx = EVP_CIPHER_CTX_new() else { throw CryptoError(.openSSLFailure, "EVP_CIPHER_CTX_new failed") }
        defer { EVP_CIPHER_CTX_free(ctx) }  // also cleanses the expanded key
        let k = key.baseAddress!.assumingMemoryBound(to: UInt8.self)
        let iv = counterBlock.baseAddress!.assumingMemoryBound(to: UInt8.self)
        guard EVP_EncryptInit_ex(ctx, EVP_aes_256_ctr(), nil, k, iv) == 1 else {
            throw CryptoError(.openSSLFailure, "AES-256-CTR initialisation failed")
        }
        // The keystream is the encryption of zeros; CTR mode allows in-place operation.
        output.initializeMemory(as: UInt8.self, repeating: 0)
        var offset = 0
        while offset < output.count {
            let chunk = min(output.count - offset, 1 << 30)
            var written: Int32 = 0
            guard EVP_EncryptUpdate(ctx, out + offset, &written, out + offset, Int32(chunk)) == 1, Int(written) == chunk else {
                throw CryptoError(.openSSLFailure, "AES-256-CTR keystream failed")
            }
            offset += chunk
        }
    }

    /// The keystream of `count` bytes under `key` starting at `counterBlock`, as an array.
    public static func keystream(key: [UInt8], counterBlock: [UInt8], count: Int) throws(CryptoError) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        let failure: CryptoError? = key.withUnsafeBytes { k in
            counterBlock.withUnsafeBytes { iv in
                out.withUnsafeMutableBytes { o in
                    do throws(CryptoError) {
                        try keystream(key: k, counterBlock: iv, into: o)
                        return nil
                    } catch {
                        return error
                    }
                }
            }
        }
        if let failure { throw failure }
        return out
    }
}
