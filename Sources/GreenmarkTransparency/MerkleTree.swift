import GreenmarkCrypto

/// RFC 9162 (RFC 6962) Merkle tree hashing over an append-only list of leaves: roots, inclusion
/// proofs and consistency proofs, and their verification (`docs/transparency-log.md`).
///
///     leaf hash = SHA-256(0x00 || data)        node hash = SHA-256(0x01 || left || right)
///     MTH({}) = SHA-256("")                    MTH(D[n]) = node(MTH(D[0:k]), MTH(D[k:n])), k the largest power of 2 < n
///
/// The tree keeps the root of every complete, aligned subtree (2^h leaves starting at a multiple
/// of 2^h) as appends complete it, about two hashes per leaf. Every subtree the RFC's recursion
/// visits is either such a complete subtree or the ragged right edge, so an append costs
/// O(log n) hashes and a root or a proof O(log² n) at most, instead of re-hashing all n leaves.
public struct MerkleTree: Sendable {
    /// A 32-byte hash.
    public typealias Hash = [UInt8]

    /// `levels[h]` holds the roots of the complete subtrees of 2^h leaves, in order, 32 bytes
    /// each, concatenated; `levels[0]` holds the leaf hashes.
    private var levels: [[UInt8]] = [[]]

    public init() {}

    /// A tree over these leaf hashes (32 bytes each), in order.
    public init(leafHashes: [Hash]) {
        levels[0].reserveCapacity(leafHashes.count * 32)
        for hash in leafHashes { append(leafHash: hash) }
    }

    public var size: Int { levels[0].count / 32 }

    /// The leaf hashes, in order (a copy: prefer `leafHash(at:)`).
    public var leafHashes: [Hash] { (0..<size).map { leafHash(at: $0) } }

    /// The hash of leaf `index`.
    public func leafHash(at index: Int) -> Hash { node(level: 0, index: index) }

    /// Appends the leaf `data` and returns its index.
    @discardableResult
    public mutating func append(_ data: some Collection<UInt8>) -> Int {
        append(leafHash: Self.leafHash(data))
    }

    /// Appends a leaf by its hash (32 bytes) and returns its index.
    @discardableResult
    public mutating func append(leafHash hash: Hash) -> Int {
        precondition(hash.count == 32, "a leaf hash has 32 bytes")
        let index = size
        levels[0].append(contentsOf: hash)
        var level = 0
        var i = index
        while i & 1 == 1 {  // a right child completes its parent
            let parent = Self.nodeHash(node(level: level, index: i - 1), node(level: level, index: i))
            level += 1
            i >>= 1
            if levels.count == level { levels.append([]) }
            levels[level].append(contentsOf: parent)
        }
        return index
    }

    public static func leafHash(_ data: some Collection<UInt8>) -> Hash { SHA256Digest.hash([0] + Array(data)) }

    public static func nodeHash(_ left: Hash, _ right: Hash) -> Hash { SHA256Digest.hash([1] + left + right) }

    /// SHA-256 of the empty string: the root of the empty tree.
    public static let emptyRoot: Hash = SHA256Digest.hash([UInt8]())

    /// The root of the first `size` leaves (default: all).
    public func root(size: Int? = nil) -> Hash {
        let n = size ?? self.size
        precondition(n >= 0 && n <= self.size, "size out of range")
        return n == 0 ? Self.emptyRoot : mth(0, n)
    }

    /// The audit path of leaf `index` in the tree of the first `size` leaves (RFC 9162 §2.1.3.1).
    public func inclusionProof(index: Int, size: Int? = nil) throws(TransparencyError) -> [Hash] {
        let n = size ?? self.size
        guard n <= self.size, index >= 0, index < n else {
            throw TransparencyError(.proofRange, "no leaf \(index) in a tree of \(n)")
        }
        return path(index, 0, n)
    }

    /// The proof that the tree of `oldSize` leaves is a prefix of the tree of `newSize` (RFC 9162 §2.1.4.1).
    public func consistencyProof(oldSize: Int, newSize: Int? = nil) throws(TransparencyError) -> [Hash] {
        let n = newSize ?? self.size
        guard n <= self.size, oldSize >= 0, oldSize <= n else {
            throw TransparencyError(.proofRange, "no consistency proof from \(oldSize) to \(n) leaves")
        }
        if oldSize == 0 || oldSize == n { return [] }
        return subproof(oldSize, 0, n, true)
    }

    /// The stored root of the complete subtree `index` at `level` (2^level leaves).
    private func node(level: Int, index: Int) -> Hash {
        let start = index * 32
        return Array(levels[level][start..<start + 32])
    }

    /// MTH of the `count` leaves from `start`. The RFC's recursion only ever asks for ranges whose
    /// start is a multiple of the largest power of two not above their length, so a power-of-two
    /// range is a stored complete subtree.
    private func mth(_ start: Int, _ count: Int) -> Hash {
        if count & (count - 1) == 0 {
            let level = count.trailingZeroBitCount
            return node(level: level, index: start >> level)
        }
        let k = Self.largestPowerOfTwo(below: count)
        return Self.nodeHash(mth(start, k), mth(start + k, count - k))
    }

    /// PATH(m, D[start..<start+count]).
    private func path(_ m: Int, _ start: Int, _ count: Int) -> [Hash] {
        if count <= 1 { return [] }
        let k = Self.largestPowerOfTwo(below: count)
        return m < k
            ? path(m, start, k) + [mth(start + k, count - k)]
            : path(m - k, start + k, count - k) + [mth(start, k)]
    }

    /// SUBPROOF(m, D[start..<start+count], complete).
    private func subproof(_ m: Int, _ start: Int, _ count: Int, _ complete: Bool) -> [Hash] {
        if m == count { return complete ? [] : [mth(start, count)] }
        let k = Self.largestPowerOfTwo(below: count)
        return m <= k
            ? subproof(m, start, k, complete) + [mth(start + k, count - k)]
            : subproof(m - k, start + k, count - k, false) + [mth(start, k)]
    }

    /// The largest power of two strictly below `n` (n >= 2).
    static func largestPowerOfTwo(below n: Int) -> Int {
        var k = 1
        while k << 1 < n { k <<= 1 }
        return k
    }
}
