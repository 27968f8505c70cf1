import COpenSSL

/// Secret bytes in memory this type allocates and owns, overwritten with `OPENSSL_cleanse` when
/// the last reference goes away (or on `wipe()`).
///
/// This covers only this buffer. Swift cannot promise more: `[UInt8]`, `String` and `Data`
/// copies made from it (by JSON coding, hex decoding, string interpolation, or copy-on-write)
/// are ordinary heap memory that is freed without wiping, and the optimizer may keep copies in
/// registers or on the stack. Callers keep such copies short-lived and wipe the ones they own.
public final class SecretBytes: @unchecked Sendable {
    // Immutable after init except through `wipe()`; readers get a borrowed pointer.
    private let buffer: UnsafeMutableRawBufferPointer

    /// Copies `bytes` into owned memory. The caller should wipe its own copy.
    public init(_ bytes: some Collection<UInt8>) {
        buffer = .allocate(byteCount: max(bytes.count, 1), alignment: 16)
        buffer.initializeMemory(as: UInt8.self, repeating: 0)
        _ = UnsafeMutableRawBufferPointer(rebasing: buffer[0..<bytes.count]).initializeMemory(as: UInt8.self, from: bytes)
        count = bytes.count
    }

    /// `count` zero bytes, to be filled through `withUnsafeMutableBytes`.
    init(zeroedCount: Int) {
        buffer = .allocate(byteCount: max(zeroedCount, 1), alignment: 16)
        buffer.initializeMemory(as: UInt8.self, repeating: 0)
        count = zeroedCount
    }

    /// The number of bytes.
    public let count: Int

    deinit {
        gm_cleanse(buffer.baseAddress, buffer.count)
        buffer.deallocate()
    }

    /// Overwrites the bytes with zeros now.
    public func wipe() { gm_cleanse(buffer.baseAddress, buffer.count) }

    /// Calls `body` with the bytes (valid only inside `body`).
    public func withUnsafeBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        try body(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
    }

    func withUnsafeMutableBytes<R, E: Error>(_ body: (UnsafeMutableRawBufferPointer) throws(E) -> R) throws(E) -> R {
        try body(UnsafeMutableRawBufferPointer(rebasing: buffer[0..<count]))
    }

    /// A `[UInt8]` copy, for APIs that need one; the caller wipes it (`ConstantTime.wipe`).
    public func copyBytes() -> [UInt8] {
        withUnsafeBytes { Array($0) }
    }
}
