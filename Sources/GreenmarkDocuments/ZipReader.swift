import Foundation
import ZIPFoundation

/// A ZIP archive, read from memory under `DocumentLimits`: the end record (ZIP64 too), the central
/// directory and every member's local header are parsed here, with every offset and size checked
/// against the bytes before anything is read; members whose data overlap (the non-recursive "overlapping
/// files" bomb) are refused. ZIPFoundation only inflates, through a provider that never reads outside
/// the member's compressed data, into a counting consumer that aborts past the size or
/// compression-ratio limit (whatever the headers claim). Nothing is written to disk.
struct ZipReader {
    /// One member, as the central directory describes it.
    struct Entry: Sendable, Equatable {
        /// What a member is.
        enum Kind: Sendable, Equatable {
            case file, directory, symlink
        }

        /// Its path: UTF-8 when the archive says so (general-purpose flag bit 11), else code page 437.
        let path: String
        let kind: Kind
        /// 0 stored, 8 deflated; others are refused when read.
        let method: UInt16
        /// General-purpose flags (bit 0: encrypted).
        let flags: UInt16
        let crc32: UInt32
        let compressedSize: UInt64
        let uncompressedSize: UInt64
        /// Where the member's local header starts.
        let localHeaderOffset: UInt64
        /// Where its compressed data starts (after the local header's name and extra field).
        var dataOffset: UInt64 = 0
    }

    /// The archive's bytes.
    let bytes: [UInt8]
    /// Every member, in central-directory order.
    let entries: [Entry]
    /// The limits reads run under.
    let limits: DocumentLimits

    /// Parses `data` as a ZIP archive, or refuses it with `input.extraction_failed` (truncated,
    /// damaged, split over disks, members overlapping).
    init(_ data: [UInt8], limits: DocumentLimits) throws(DocumentError) {
        bytes = data
        self.limits = limits
        entries = try Self.directory(of: data)
    }

    /// Whether a member named exactly `path` exists.
    func contains(_ path: String) -> Bool { entries.contains { $0.path == path } }

    /// The inflated bytes of member `path`: at most `limit` bytes (default `maxArchiveEntryBytes`),
    /// within `maxCompressionRatio`; `input.extraction_failed` when it is missing or damaged.
    func read(_ path: String, limit: Int? = nil) throws(DocumentError) -> [UInt8] {
        guard let entry = entries.first(where: { $0.path == path }) else {
            throw DocumentError(.extractionFailed, "the archive has no member \(path)")
        }
        return try read(entry, limit: limit ?? limits.maxArchiveEntryBytes)
    }

    /// The inflated bytes of `entry`, counted as they arrive: over `limit` bytes, or over the compression
    /// ratio limit once past `compressionRatioFloorBytes`, the read stops with `input.too_large`; a
    /// checksum that differs from the central directory's is `input.extraction_failed`.
    func read(_ entry: Entry, limit: Int) throws(DocumentError) -> [UInt8] {
        let name = entry.path
        guard entry.kind == .file else { throw DocumentError(.extractionFailed, "\(name) is not a file") }
        if entry.flags & 1 != 0 { throw DocumentError(.encrypted, "\(name) is encrypted in the archive") }
        if entry.uncompressedSize > UInt64(limit) {
            throw DocumentError(.tooLarge, "\(name) inflates to \(entry.uncompressedSize) bytes; at most \(limit) are read")
        }
        let start = Int(entry.dataOffset)
        let count = Int(entry.compressedSize)
        let checksum: UInt32
        var output: [UInt8] = []
        switch entry.method {
        case 0:
            guard entry.compressedSize == entry.uncompressedSize else {
                throw DocumentError(.extractionFailed, "\(name) is stored with two different sizes (damaged archive)")
            }
            output = Array(bytes[start..<start + count])
            checksum = Data(output).crc32(checksum: 0)
        case 8:
            checksum = try inflate(name, start: start, count: count, limit: limit, into: &output)
        default:
            throw DocumentError(.extractionFailed, "\(name) uses compression method \(entry.method); only stored and deflated members are read")
        }
        guard checksum == entry.crc32 else {
            throw DocumentError(.extractionFailed, "\(name) fails its checksum (damaged archive)")
        }
        return output
    }

    /// Inflates the raw deflate stream at `start..<start + count` into `output`; returns its CRC-32.
    private func inflate(_ name: String, start: Int, count: Int, limit: Int, into output: inout [UInt8]) throws(DocumentError) -> UInt32 {
        let compressed = UInt64(max(count, 1))
        var refusal: DocumentError?
        var inflated: [UInt8] = []
        let bytes = self.bytes
        let ratio = UInt64(limits.maxCompressionRatio)
        let floor = limits.compressionRatioFloorBytes
        do {
            let crc = try Data.decompress(
                size: Int64(count), bufferSize: Self.chunk, skipCRC32: false,
                provider: { position, size in
                    // ZIPFoundation hands zlib `size` bytes whatever the chunk holds: always give exactly
                    // that many, the member's own bytes and zeros past its end, and refuse to go on past it
                    // (a stream that does not end inside its member is damaged).
                    guard position >= 0, position < Int64(count) else { throw CancellationError() }
                    var chunk = Data(count: size)
                    let from = start + Int(position)
                    let to = min(start + count, from + size)
                    chunk.withUnsafeMutableBytes { target in
                        bytes.withUnsafeBufferPointer { source in
                            target.baseAddress!.copyMemory(from: source.baseAddress! + from, byteCount: to - from)
                        }
                    }
                    return chunk
                },
                consumer: { piece in
                    let total = inflated.count + piece.count
                    if total > limit {
                        refusal = DocumentError(.tooLarge, "\(name) inflates past \(limit) bytes")
                    } else if total > floor, UInt64(total) / compressed > ratio {
                        refusal = DocumentError(.tooLarge, "\(name) inflates more than \(ratio) times its compressed size (a ZIP bomb?)")
                    }
                    if refusal != nil { throw CancellationError() }
                    inflated.append(contentsOf: piece)
                })
            output = inflated
            return crc
        } catch {
            throw refusal ?? DocumentError(.extractionFailed, "\(name) cannot be inflated (damaged archive)")
        }
    }

    /// Bytes handed to zlib at a time.
    static let chunk = 16 * 1024
}
