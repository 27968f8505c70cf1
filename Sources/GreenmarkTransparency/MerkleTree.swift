import GreenmarkCrypto

/// RFC 9162 (RFC 6962) Merkle tree hashing over an append-only list of leaves: roots, inclusion
/// proofs and consistency proofs, and their verification (`docs/transparency-log.md`).
///
///     leaf hash = SHA-256(0x00 || data)        node hash = SHA-256(0x01 || left || right)
///     MTH({}) = SHA-256("")                    MTH(D[n]) = node(MTH(D[0:k]), MTH(D[k:n])), k the largest power of 2 < n
public struct MerkleTree: Sendable {
    /// A 32-byte hash.
    public typealias Hash = [UInt8]

    /// The leaf hashes, in order.
    public private(set) var leafHashes: [Hash] = []

    public init() {}

    public init(leafHashes: [Hash]) { self.leafHashes = leafHashes }

    public var size: Int { leafHashes.count }

    /// Appends the leaf `data` and returns its index.
    @discardableResult
    public mutating func append(_ data: some Collection<UInt8>) -> Int {
        leafHashes.append(Self.leafHash(data))
        return leafHashes.count - 1
    }

    public static func leafHash(_ data: some Collection<UInt8>) -> Hash { SHA256Digest.hash([0] + Array(data)) }

    public static func nodeHash(_ left: Hash, _ right: Hash) -> Hash { SHA256Digest.hash([1] + left + right) }

    /// SHA-256 of the empty string: the root of the empty tree.
    public static let emptyRoot: Hash = SHA256Digest.hash([UInt8]())

    /// The root of the first `size` leaves (default: all).
    public func root(size: Int? = nil) -> Hash {
        let n = size ?? leafHashes.count
        precondition(n >= 0 && n <= leafHashes.count, "size out of range")
        return n == 0 ? Self.emptyRoot : Self.mth(leafHashes[0..<n])
    }

    /// The audit path of leaf `index` in the tree of the first `size` leaves (RFC 9162 §2.1.3.1).
    public func inclusionProof(index: Int, size: Int? = nil) throws(TransparencyError) -> [Hash] {
        let n = size ?? leafHashes.count
        guard n <= leafHashes.count, index >= 0, index < n else {
            throw TransparencyError(.proofRange, "no leaf \(index) in a tree of \(n)")
        }
        return Self.path(index, leafHashes[0..<n])
    }

    /// The proof that the tree of `oldSize` leaves is a prefix of the tree of `newSize` (RFC 9162 §2.1.4.1).
    public func consistencyProof(oldSize: Int, newSize: Int? = nil) throws(TransparencyError) -> [Hash] {
        let n = newSize ?? leafHashes.count
        guard n <= leafHashes.count, oldSize >= 0, oldSize <= n else {
            throw TransparencyError(.proofRange, "no consistency proof from \(oldSize) to \(n) leaves")
        }
        if oldSize == 0 || oldSize == n { return [] }
        return Self.subproof(oldSize, leafHashes[0..<n], true)
    }

    static func mth(_ d: ArraySlice<Hash>) -> Hash {
        if d.count == 1 { return d[d.startIndex] }
        let k = largestPowerOfTwo(below: d.count)
        return nodeHash(mth(d.prefix(k)), mth(d.dropFirst(k)))
    }

    static func path(_ m: Int, _ d: ArraySlice<Hash>) -> [Hash] {
        if d.count <= 1 { return [] }
        let k = largestPowerOfTwo(below: d.count)
        return m < k ? path(m, d.prefix(k)) + [mth(d.dropFirst(k))] : path(m - k, d.dropFirst(k)) + [mth(d.prefix(k))]
    }

    static func subproof(_ m: Int, _ d: ArraySlice<Hash>, _ complete: Bool) -> [Hash] {
        if m == d.count { return complete ? [] : [mth(d)] }
        let k = largestPowerOfTwo(below: d.count)
        return m <= k ? subproof(m, d.prefix(k), complete) + [mth(d.dropFirst(k))]
                      : subproof(m - k, d.dropFirst(k), false) + [mth(d.prefix(k))]
    }

    /// The largest power of two strictly below `n` (n >= 2).
    static func largestPowerOfTwo(below n: Int) -> Int {
        var k = 1
        while k << 1 < n { k <<= 1 }
        return k
    }
}
