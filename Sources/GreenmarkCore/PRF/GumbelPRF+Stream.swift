import GreenmarkCrypto

extension GumbelPRF {
    /// Tokens per chunk of `forEachUniformChunk`: 64 KB of keystream, which stays in cache.
    public static let defaultChunkTokens = 8192

    /// u_v from the keystream word of token v as it lies in memory (8 bytes, big-endian): the top
    /// 53 bits. `forEachUniformChunk` hands out such words.
    @inlinable
    public static func bits(word: UInt64) -> UInt64 { UInt64(bigEndian: word) >> 11 }

    /// The keystream behind u_v for every token v in `0 ..< vocabularySize`, in order, one chunk at a
    /// time: the same bits as `uniformBits(context:vocabularySize:)` (one HMAC and
    /// ceil(vocabularySize / 2) AES blocks) without a vocabulary-sized array. `body(base, words)`
    /// gets tokens `base ..< base + words.count`; u_v is `bits(word: words[v - base])`. The words
    /// live in one reused buffer, valid only during the call. `chunkTokens` is even and positive.
    public func forEachUniformChunk(
        context: some Collection<UInt32>, vocabularySize: Int, chunkTokens: Int = defaultChunkTokens,
        _ body: (Int, UnsafeBufferPointer<UInt64>) -> Void
    ) {
        precondition(vocabularySize >= 0 && vocabularySize <= 1 << 32, "vocabulary size out of range")
        precondition(chunkTokens > 0 && chunkTokens % 2 == 0, "chunks hold whole AES blocks: an even, positive number of tokens")
        guard vocabularySize > 0 else { return }
        let key = streamKey(context: context)
        let zero = [UInt8](repeating: 0, count: AES256CTR.blockByteCount)
        guard let cipher = try? AES256CTRContext() else { fatalError("AES-256-CTR: no OpenSSL cipher context") }
        key.withUnsafeBytes { k in
            zero.withUnsafeBytes { iv in
                do throws(CryptoError) {
                    try cipher.start(key: k, counterBlock: iv)
                } catch {
                    fatalError("AES-256-CTR failed: \(error.description)")
                }
            }
        }
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: min(chunkTokens, vocabularySize + 1)) { words in
            var base = 0
            while base < vocabularySize {
                let n = min(words.count, vocabularySize - base)
                // Whole blocks: an odd last token still gets the first half of its block.
                let raw = UnsafeMutableRawBufferPointer(start: words.baseAddress, count: (n + 1) / 2 * AES256CTR.blockByteCount)
                do throws(CryptoError) {
                    try cipher.continueKeystream(into: raw)
                } catch {
                    fatalError("AES-256-CTR failed: \(error.description)")
                }
                // The keystream was written as bytes: bind the memory back to UInt64 for the reader.
                _ = raw.bindMemory(to: UInt64.self)
                body(base, UnsafeBufferPointer(start: words.baseAddress, count: n))
                base += n
            }
        }
    }
}
