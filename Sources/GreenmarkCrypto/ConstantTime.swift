import COpenSSL

/// Comparisons of secrets whose running time does not depend on where the inputs differ.
public enum ConstantTime {
    /// True when `a` and `b` have the same length and bytes, compared with `CRYPTO_memcmp`.
    ///
    /// Only the length is allowed to leak (it is not secret for keys and tokens of fixed size).
    public static func equals(_ a: some Collection<UInt8>, _ b: some Collection<UInt8>) -> Bool {
        let x = Array(a)
        let y = Array(b)
        guard x.count == y.count else { return false }
        if x.isEmpty { return true }
        return x.withUnsafeBytes { xp in
            y.withUnsafeBytes { yp in CRYPTO_memcmp(xp.baseAddress, yp.baseAddress, x.count) == 0 }
        }
    }

    /// Overwrites `bytes` with zeros in a way the optimizer cannot remove (`OPENSSL_cleanse`).
    public static func wipe(_ bytes: inout [UInt8]) {
        bytes.withUnsafeMutableBytes { if let base = $0.baseAddress { OPENSSL_cleanse(base, $0.count) } }
    }
}
