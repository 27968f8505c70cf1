import COpenSSL

/// AES-256-GCM authenticated encryption (NIST SP 800-38D) through OpenSSL's EVP interface:
/// 32-byte keys, 12-byte nonces, 16-byte tags, optional associated data.
///
/// Opening checks the tag before any plaintext is returned (OpenSSL compares tags in constant
/// time); on failure the output buffer is cleansed and `CryptoError.authenticationFailed` thrown.
public enum AES256GCM {
    /// Key length in bytes.
    public static let keyByteCount = 32
    /// Nonce length in bytes (the 96-bit IV that GCM processes without GHASH).
    public static let nonceByteCount = 12
    /// Tag length in bytes.
    public static let tagByteCount = 16

    /// Encrypts `plaintext` under `key` and `nonce`, authenticating `aad` too; returns the
    /// ciphertext (same length as the plaintext) and the tag. A nonce must never repeat under one
    /// key: callers draw it from `SecureRandom` unless they reproduce a test vector.
    public static func seal(_ plaintext: [UInt8], key: SecretBytes, nonce: [UInt8], aad: [UInt8] = []) throws(CryptoError) -> (
        ciphertext: [UInt8], tag: [UInt8]
    ) {
        guard key.count == keyByteCount else { throw CryptoError(.invalidKey, "AES-256-GCM keys are 32 bytes") }
        guard nonce.count == nonceByteCount else { throw CryptoError(.invalidKey, "AES-256-GCM nonces are 12 bytes") }
        var ciphertext = [UInt8](repeating: 0, count: plaintext.count)
        var tag = [UInt8](repeating: 0, count: tagByteCount)
        let ok = key.withUnsafeBytes { k in
            nonce.withUnsafeBufferPointer { n in
                aad.withUnsafeBufferPointer { a in
                    plaintext.withUnsafeBufferPointer { p in
                        ciphertext.withUnsafeMutableBufferPointer { c in
                            tag.withUnsafeMutableBufferPointer { t in
                                gm_aes256gcm_seal(
                                    k.baseAddress?.assumingMemoryBound(to: UInt8.self), n.baseAddress, a.baseAddress, a.count,
                                    p.baseAddress, p.count, c.baseAddress, t.baseAddress)
                            }
                        }
                    }
                }
            }
        }
        guard ok == 1 else { throw CryptoError(.openSSLFailure, "AES-256-GCM encryption failed") }
        return (ciphertext, tag)
    }

    /// Decrypts `ciphertext` and checks `tag` over it and `aad`; throws `authenticationFailed`
    /// (never returning plaintext) when anything was changed or the key is wrong. The plaintext
    /// comes back in `SecretBytes`, wiped when released.
    public static func open(_ ciphertext: [UInt8], tag: [UInt8], key: SecretBytes, nonce: [UInt8], aad: [UInt8] = []) throws(CryptoError)
        -> SecretBytes
    {
        guard key.count == keyByteCount else { throw CryptoError(.invalidKey, "AES-256-GCM keys are 32 bytes") }
        guard nonce.count == nonceByteCount else { throw CryptoError(.invalidKey, "AES-256-GCM nonces are 12 bytes") }
        guard tag.count == tagByteCount else { throw CryptoError(.authenticationFailed, "AES-256-GCM tags are 16 bytes") }
        let plaintext = SecretBytes(zeroedCount: ciphertext.count)
        let result = key.withUnsafeBytes { k in
            nonce.withUnsafeBufferPointer { n in
                aad.withUnsafeBufferPointer { a in
                    ciphertext.withUnsafeBufferPointer { c in
                        tag.withUnsafeBufferPointer { t in
                            plaintext.withUnsafeMutableBytes { p in
                                gm_aes256gcm_open(
                                    k.baseAddress?.assumingMemoryBound(to: UInt8.self), n.baseAddress, a.baseAddress, a.count,
                                    c.baseAddress, c.count, t.baseAddress, p.baseAddress?.assumingMemoryBound(to: UInt8.self))
                            }
                        }
                    }
                }
            }
        }
        switch result {
        case 1: return plaintext
        case 0: throw CryptoError(.authenticationFailed, "AES-256-GCM authentication failed: the data was changed or the key is wrong")
        default: throw CryptoError(.openSSLFailure, "AES-256-GCM decryption failed")
        }
    }
}
