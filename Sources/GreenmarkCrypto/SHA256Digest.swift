import COpenSSL

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// SHA-256 through OpenSSL's EVP interface.
public enum SHA256Digest {
    /// Digest length in bytes.
    public static let byteCount = 32

    /// Returns SHA-256 of `bytes`.
    public static func hash(_ bytes: some Collection<UInt8>) -> [UInt8] {
        let input = Array(bytes)
        var out = [UInt8](repeating: 0, count: byteCount)
        var outLen: UInt32 = 0
        let ok = input.withUnsafeBufferPointer { inp in
            out.withUnsafeMutableBufferPointer { op in
                EVP_Digest(inp.baseAddress, inp.count, op.baseAddress, &outLen, EVP_sha256(), nil)
            }
        }
        // EVP_Digest with SHA-256 cannot fail short of memory exhaustion.
        precondition(ok == 1 && outLen == 32, "EVP_Digest(SHA-256) failed")
        return out
    }

    /// Returns SHA-256 of the file at `path`, read in 1 MiB chunks.
    public static func hash(fileAtPath path: String) throws(CryptoError) -> [UInt8] {
        guard let file = fopen(path, "rb") else {
            throw CryptoError(.unreadableFile, "cannot open \(path) for hashing")
        }
        defer { fclose(file) }
        guard let ctx = EVP_MD_CTX_new() else { throw CryptoError(.openSSLFailure, "EVP_MD_CTX_new failed") }
        defer { EVP_MD_CTX_free(ctx) }
        guard EVP_DigestInit_ex(ctx, EVP_sha256(), nil) == 1 else {
            throw CryptoError(.openSSLFailure, "EVP_DigestInit_ex failed")
        }
        let chunk = 1 << 20
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: chunk, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let n = fread(buffer, 1, chunk, file)
            if n > 0 { EVP_DigestUpdate(ctx, buffer, n) }
            if n < chunk {
                if ferror(file) != 0 { throw CryptoError(.unreadableFile, "read error while hashing \(path)") }
                break
            }
        }
        var out = [UInt8](repeating: 0, count: byteCount)
        var outLen: UInt32 = 0
        let ok = out.withUnsafeMutableBufferPointer { EVP_DigestFinal_ex(ctx, $0.baseAddress, &outLen) }
        guard ok == 1 else { throw CryptoError(.openSSLFailure, "EVP_DigestFinal_ex failed") }
        return out
    }
}
