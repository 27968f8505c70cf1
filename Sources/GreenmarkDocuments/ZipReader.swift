import Foundation
import ZIPFoundation

/// A ZIP archive, read member by member under `DocumentLimits`: members are inflated
/// through a counting consumer that aborts past the size or compression-ratio limit (whatever the
/// headers claim), and nothing is ever extracted to disk.
struct ZipReader {
    /// The archive (ZIPFoundation, over an open file whose private copy is already deleted).
    let archive: Archive
    /// The limits reads run under.
    let limits: DocumentLimits

    /// Opens `data` as a ZIP archive, or refuses it with `input.extraction_failed` (truncated, damaged).
    init(_ data: [UInt8], limits: DocumentLimits) throws(DocumentError) {
        // Checked first: ZIPFoundation's scan for the record reads the whole file backwards, byte by byte.
        guard Self.hasEndRecord(data) else {
            throw DocumentError(.extractionFailed, "the ZIP archive is damaged or truncated (no end-of-central-directory record)")
        }
        // A real FILE, not ZIPFoundation's in-memory backend (which traps reading at an offset past the
        // end of its data): the copy is unlinked as soon as it is open, so nothing stays on disk.
        let file = try PrivateFile(data, purpose: "zip", name: "input.zip")
        defer { file.remove() }
        do {
            archive = try Archive(url: file.url, accessMode: .read)
        } catch {
            throw DocumentError(.extractionFailed, "the ZIP archive is damaged or truncated (no readable central directory)")
        }
        self.limits = limits
    }

    /// Whether the last end-of-central-directory signature (`PK\u{5}\u{6}`) lies in the last 64 KiB + 22
    /// bytes with its whole record and comment inside `data`: the record ZIPFoundation's scan (which
    /// takes the signature nearest the end) then parses.
    static func hasEndRecord(_ data: [UInt8]) -> Bool {
        guard data.count >= 22 else { return false }
        var at = data.count - 22
        let lowest = max(0, data.count - 22 - 0xFFFF)
        while at >= lowest {
            if data[at] == 0x50, data[at + 1] == 0x4B, data[at + 2] == 0x05, data[at + 3] == 0x06 {
                let comment = Int(data[at + 20]) | Int(data[at + 21]) << 8
                return at + 22 + comment <= data.count
            }
            at -= 1
        }
        return false
    }

    /// Whether a member named exactly `path` exists.
    func contains(_ path: String) -> Bool { archive[path] != nil }

    /// Every member, in central-directory order.
    var entries: [Entry] { Array(archive) }

    /// The inflated bytes of member `path`: at most `limit` bytes (default `maxArchiveEntryBytes`),
    /// within `maxCompressionRatio`; `input.extraction_failed` when it is missing or damaged.
    func read(_ path: String, limit: Int? = nil) throws(DocumentError) -> [UInt8] {
        guard let entry = archive[path] else { throw DocumentError(.extractionFailed, "the archive has no member \(path)") }
        return try read(entry, limit: limit ?? limits.maxArchiveEntryBytes)
    }

    /// The inflated bytes of `entry`, counted as they arrive: over `limit` bytes, or over the compression
    /// ratio limit once past `compressionRatioFloorBytes`, the read stops with `input.too_large`.
    func read(_ entry: Entry, limit: Int) throws(DocumentError) -> [UInt8] {
        let name = entry.path
        guard entry.type == .file else { throw DocumentError(.extractionFailed, "\(name) is not a file") }
        if entry.uncompressedSize > UInt64(limit) {
            throw DocumentError(.tooLarge, "\(name) inflates to \(entry.uncompressedSize) bytes; at most \(limit) are read")
        }
        let compressed = max(entry.compressedSize, 1)
        var bytes: [UInt8] = []
        var refusal: DocumentError?
        do {
            _ = try archive.extract(entry, bufferSize: 16 * 1024, skipCRC32: false) { chunk in
                if bytes.count + chunk.count > limit {
                    refusal = DocumentError(.tooLarge, "\(name) inflates past \(limit) bytes")
                } else if bytes.count + chunk.count > limits.compressionRatioFloorBytes,
                    UInt64(bytes.count + chunk.count) / compressed > UInt64(limits.maxCompressionRatio)
                {
                    refusal = DocumentError(
                        .tooLarge, "\(name) inflates more than \(limits.maxCompressionRatio) times its compressed size (a ZIP bomb?)")
                }
                if refusal != nil { throw CancellationError() }
                bytes.append(contentsOf: chunk)
            }
        } catch {
            throw refusal ?? DocumentError(.extractionFailed, "\(name) cannot be inflated (damaged archive or checksum mismatch)")
        }
        return bytes
    }
}
