import COpenSSL

/// An Ed25519 signing key (RFC 8032) held by OpenSSL; the 32-byte seed is the private key.
public final class Ed25519PrivateKey: @unchecked Sendable {
    // EVP_PKEY is reference-counted and immutable after creation; signing only reads it.
    private let key: OpaquePointer
    /// The matching public key.
    public let publicKey: Ed25519PublicKey

    /// Loads a private key from its 32-byte seed.
    public init(seed: [UInt8]) throws(CryptoError) {
        guard seed.count == 32 else { throw CryptoError(.invalidKey, "Ed25519 private keys are 32 bytes") }
        guard let key = seed.withUnsafeBufferPointer({ gm_ed25519_private_key($0.baseAddress) }) else {
            throw CryptoError(.openSSLFailure, "EVP_PKEY_new_raw_private_key(Ed25519) failed")
        }
        var raw = [UInt8](repeating: 0, count: 32)
        guard raw.withUnsafeMutableBufferPointer({ gm_ed25519_raw_public(key, $0.baseAddress) }) == 1 else {
            EVP_PKEY_free(key)
            throw CryptoError(.openSSLFailure, "cannot derive the Ed25519 public key")
        }
        self.key = key
        self.publicKey = try Ed25519PublicKey(rawRepresentation: raw)
    }

    /// A new random key; returns the key and its seed (to be stored encrypted or mode 0600).
    public static func generate() throws(CryptoError) -> (key: Ed25519PrivateKey, seed: [UInt8]) {
        let seed = try SecureRandom.bytes(count: 32)
        return (try Ed25519PrivateKey(seed: seed), seed)
    }

    deinit { EVP_PKEY_free(key) }

    /// Signs `message` (pure Ed25519: the message itself, no pre-hash).
    public func signature(for message: some Collection<UInt8>) throws(CryptoError) -> [UInt8] {
        let m = Array(message)
        var sig = [UInt8](repeating: 0, count: 64)
        let ok = m.withUnsafeBufferPointer { mp in
            sig.withUnsafeMutableBufferPointer { gm_ed25519_sign(key, mp.baseAddress, mp.count, $0.baseAddress) }
        }
        guard ok == 1 else { throw CryptoError(.openSSLFailure, "Ed25519 signing failed") }
        return sig
    }
}

/// An Ed25519 public key (32 raw bytes).
public final class Ed25519PublicKey: @unchecked Sendable, Equatable {
    private let key: OpaquePointer
    /// The 32-byte encoding (RFC 8032 section 5.1.5).
    public let rawRepresentation: [UInt8]

    /// Loads a public key; rejects anything that is not 32 bytes.
    public init(rawRepresentation raw: [UInt8]) throws(CryptoError) {
        guard raw.count == 32 else { throw CryptoError(.invalidKey, "Ed25519 public keys are 32 bytes") }
        guard let key = raw.withUnsafeBufferPointer({ gm_ed25519_public_key($0.baseAddress) }) else {
            throw CryptoError(.invalidKey, "not an Ed25519 public key")
        }
        self.key = key
        self.rawRepresentation = raw
    }

    deinit { EVP_PKEY_free(key) }

    /// Whether `signature` is a valid signature of `message` under this key.
    public func isValidSignature(_ signature: some Collection<UInt8>, for message: some Collection<UInt8>) -> Bool {
        let s = Array(signature)
        let m = Array(message)
        return m.withUnsafeBufferPointer { mp in
            s.withUnsafeBufferPointer { sp in gm_ed25519_verify(key, mp.baseAddress, mp.count, sp.baseAddress, sp.count) }
        } == 1
    }

    public static func == (lhs: Ed25519PublicKey, rhs: Ed25519PublicKey) -> Bool {
        lhs.rawRepresentation == rhs.rawRepresentation
    }
}
