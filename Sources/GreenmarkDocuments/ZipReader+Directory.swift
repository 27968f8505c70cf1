import Foundation

/// The central directory: APPNOTE.TXT 4.3.6 (layout), 4.3.14–4.3.16 (end records, ZIP64),
/// 4.5.3 (the ZIP64 extra field). Every read is bounds-checked; anything that does not fit is
/// `input.extraction_failed`.
extension ZipReader {
    /// Offset of the last end-of-central-directory record in the last 64 KiB + 22 bytes whose comment
    /// fits inside `data`.
    static func endRecordOffset(_ data: [UInt8]) -> Int? {
        guard data.count >= 22 else { return nil }
        var at = data.count - 22
        let lowest = max(0, data.count - 22 - 0xFFFF)
        while at >= lowest {
            if data[at] == 0x50, data[at + 1] == 0x4B, data[at + 2] == 0x05, data[at + 3] == 0x06 {
                return at + 22 + Int(UInt16(data, at + 20)) <= data.count ? at : nil
            }
            at -= 1
        }
        return nil
    }

    /// The members of `data`, with their data offsets, checked to lie inside the archive without overlapping.
    static func directory(of data: [UInt8]) throws(DocumentError) -> [Entry] {
        guard let end = endRecordOffset(data) else {
            throw damaged("no end-of-central-directory record")
        }
        var count = UInt64(UInt16(data, end + 10))
        var size = UInt64(UInt32(data, end + 12))
        var offset = UInt64(UInt32(data, end + 16))
        var directoryLimit = UInt64(end)  // the central directory ends before its end record
        if UInt16(data, end + 4) != 0 || UInt16(data, end + 6) != 0 { throw damaged("it is split over several disks") }
        if count == 0xFFFF || size == 0xFFFF_FFFF || offset == 0xFFFF_FFFF {
            // ZIP64: a locator just before the end record points at the ZIP64 end record.
            let locator = end - 20
            guard locator >= 56, UInt32(data, locator) == 0x0706_4B50 else { throw damaged("a ZIP64 archive without its locator") }
            let record = UInt64(data, locator + 8)
            guard record <= UInt64(locator) - 56, UInt32(data, Int(record)) == 0x0606_4B50 else {
                throw damaged("the ZIP64 end record is not where its locator says")
            }
            let at = Int(record)
            guard UInt32(data, at + 16) == 0, UInt32(data, at + 20) == 0 else { throw damaged("it is split over several disks") }
            (count, size, offset) = (UInt64(data, at + 32), UInt64(data, at + 40), UInt64(data, at + 48))
            directoryLimit = record
        }
        guard offset <= directoryLimit, size <= directoryLimit - offset else {
            throw damaged("the central directory lies outside the archive")
        }
        guard count <= size / 46 else { throw damaged("the central directory is shorter than its \(count) entries") }
        var entries: [Entry] = []
        entries.reserveCapacity(Int(count))
        var at = Int(offset)
        let directoryEnd = Int(offset + size)
        for _ in 0..<count {
            let (entry, next) = try centralRecord(data, at: at, end: directoryEnd)
            entries.append(entry)
            at = next
        }
        return try locateData(entries, in: data, before: Int(offset))
    }

    /// The central-directory record at `at` (which must end by `end`) and where the next one starts.
    private static func centralRecord(_ data: [UInt8], at: Int, end: Int) throws(DocumentError) -> (Entry, Int) {
        guard at + 46 <= end, UInt32(data, at) == 0x0201_4B50 else { throw damaged("a central-directory record is missing") }
        let nameLength = Int(UInt16(data, at + 28))
        let extraLength = Int(UInt16(data, at + 30))
        let commentLength = Int(UInt16(data, at + 32))
        let next = at + 46 + nameLength + extraLength + commentLength
        guard next <= end else { throw damaged("a central-directory record runs past the directory") }
        let flags = UInt16(data, at + 8)
        let name = Array(data[at + 46..<at + 46 + nameLength])
        var compressed = UInt64(UInt32(data, at + 20))
        var uncompressed = UInt64(UInt32(data, at + 24))
        var local = UInt64(UInt32(data, at + 42))
        // The ZIP64 extra field holds, in this order, only the values whose 32-bit field is all ones.
        let extra = at + 46 + nameLength
        var field = extra
        while field + 4 <= extra + extraLength {
            let id = UInt16(data, field)
            let length = Int(UInt16(data, field + 2))
            guard field + 4 + length <= extra + extraLength else { throw damaged("an extra field runs past its record") }
            if id == 0x0001 {
                var value = field + 4
                for slot in [0, 1, 2] {
                    let current = [uncompressed, compressed, local][slot]
                    guard current == 0xFFFF_FFFF else { continue }
                    guard value + 8 <= field + 4 + length else { throw damaged("a ZIP64 extra field is too short") }
                    let wide = UInt64(data, value)
                    if slot == 0 { uncompressed = wide } else if slot == 1 { compressed = wide } else { local = wide }
                    value += 8
                }
            }
            field += 4 + length
        }
        let path = flags & 0x0800 != 0 ? String(decoding: name, as: UTF8.self) : codePage437(name)
        let entry = Entry(
            path: path, kind: kind(path: path, madeBy: UInt16(data, at + 4), attributes: UInt32(data, at + 38)),
            method: UInt16(data, at + 10), flags: flags, crc32: UInt32(data, at + 16),
            compressedSize: compressed, uncompressedSize: uncompressed, localHeaderOffset: local)
        return (entry, next)
    }

    /// File, directory or symbolic link: the Unix mode when a Unix or macOS tool made the archive,
    /// the MS-DOS directory attribute, or a trailing slash.
    private static func kind(path: String, madeBy: UInt16, attributes: UInt32) -> Entry.Kind {
        let slash = path.hasSuffix("/") || path.hasSuffix("\\")
        switch madeBy >> 8 {
        case 3, 19:
            switch (attributes >> 16) & 0o170000 {
            case 0o120000: return .symlink
            case 0o040000: return .directory
            case 0o100000: return .file
            default: return slash ? .directory : .file
            }
        case 0: return slash || attributes & 0x10 != 0 ? .directory : .file
        default: return slash ? .directory : .file
        }
    }

    /// Each file's data offset from its local header; every file's header and data lie before the
    /// central directory at `limit`, and no two files' ranges overlap.
    private static func locateData(_ entries: [Entry], in data: [UInt8], before limit: Int) throws(DocumentError) -> [Entry] {
        var located = entries
        var ranges: [(start: UInt64, end: UInt64)] = []
        for i in located.indices where located[i].kind == .file {
            let header = located[i].localHeaderOffset
            guard header <= UInt64(limit), UInt64(limit) - header >= 30, UInt32(data, Int(header)) == 0x0403_4B50 else {
                throw damaged("\(located[i].path) has no local header where the directory says")
            }
            let at = Int(header)
            let dataStart = UInt64(at + 30 + Int(UInt16(data, at + 26)) + Int(UInt16(data, at + 28)))
            guard dataStart <= UInt64(limit), located[i].compressedSize <= UInt64(limit) - dataStart else {
                throw damaged("\(located[i].path)'s data runs past the archive")
            }
            located[i].dataOffset = dataStart
            ranges.append((header, dataStart + located[i].compressedSize))
        }
        ranges.sort { $0.start < $1.start }
        for (a, b) in zip(ranges, ranges.dropFirst()) where b.start < a.end {
            throw DocumentError(.tooLarge, "two members of the archive share their data (an overlapping ZIP bomb?)")
        }
        return located
    }

    /// Code page 437, the ZIP default for names without the UTF-8 flag (APPNOTE appendix D).
    static func codePage437(_ name: [UInt8]) -> String {
        var text = ""
        text.unicodeScalars.append(contentsOf: name.map { $0 < 0x80 ? Unicode.Scalar($0) : Self.highCodePage437[Int($0 - 0x80)] })
        return text
    }

    /// Code page 437's bytes 0x80–0xFF.
    private static let highCodePage437: [Unicode.Scalar] = Array(
        "ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u{00A0}"
            .unicodeScalars)

    private static func damaged(_ why: String) -> DocumentError {
        DocumentError(.extractionFailed, "the ZIP archive is damaged or truncated (\(why))")
    }
}

/// Little-endian reads from the archive's bytes (callers check the bounds).
extension UInt16 {
    fileprivate init(_ data: [UInt8], _ at: Int) { self = UInt16(data[at]) | UInt16(data[at + 1]) << 8 }
}

extension UInt32 {
    fileprivate init(_ data: [UInt8], _ at: Int) {
        self = UInt32(data[at]) | UInt32(data[at + 1]) << 8 | UInt32(data[at + 2]) << 16 | UInt32(data[at + 3]) << 24
    }
}

extension UInt64 {
    fileprivate init(_ data: [UInt8], _ at: Int) { self = UInt64(UInt32(data, at)) | UInt64(UInt32(data, at + 4)) << 32 }
}
