import Foundation
import ZIPFoundation

/// A ZIP writer written from APPNOTE.TXT for the reader's tests, independent of `ZipReader`: stored
/// members, optionally in ZIP64 form (all-ones 32-bit fields, the ZIP64 extra field, the ZIP64 end
/// record and locator), and the raw records so that tests can corrupt them.
struct RawZip {
    /// One member.
    struct Member {
        var name: [UInt8]
        var data: [UInt8]
        var flags: UInt16 = 0
        var method: UInt16 = 0
        var crc: UInt32? = nil
        /// The compressed size the headers state (nil: the data's length).
        var statedCompressedSize: UInt64? = nil
    }

    var members: [Member]
    var zip64 = false
    /// Extra central-directory records that repeat member 0's (pointing at the same data).
    var repeatFirst = 0

    static func le16(_ v: UInt16) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8)] }
    static func le32(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8((v >> (8 * $0)) & 0xFF) } }
    static func le64(_ v: UInt64) -> [UInt8] { (0..<8).map { UInt8((v >> (8 * UInt64($0))) & 0xFF) } }

    /// The archive's bytes.
    var bytes: [UInt8] {
        var out: [UInt8] = []
        var central: [UInt8] = []
        var records = 0
        for (index, m) in members.enumerated() {
            let offset = UInt64(out.count)
            let crc = m.crc ?? Data(m.data).crc32(checksum: 0)
            let size = m.statedCompressedSize ?? UInt64(m.data.count)
            out += Self.le32(0x0403_4B50) + Self.le16(20) + Self.le16(m.flags) + Self.le16(m.method) + Self.le32(0) + Self.le32(crc)
            out += Self.le32(UInt32(truncatingIfNeeded: size)) + Self.le32(UInt32(m.data.count))
            out += Self.le16(UInt16(m.name.count)) + Self.le16(0) + m.name + m.data
            let wide: [UInt8] = Self.le16(1) + Self.le16(24) + Self.le64(UInt64(m.data.count)) + Self.le64(size) + Self.le64(offset)
            var record = Self.le32(0x0201_4B50) + Self.le16(0x0314) + Self.le16(zip64 ? 45 : 20) + Self.le16(m.flags) + Self.le16(m.method)
            record += Self.le32(0) + Self.le32(crc)
            record +=
                zip64
                ? Self.le32(0xFFFF_FFFF) + Self.le32(0xFFFF_FFFF) : Self.le32(UInt32(truncatingIfNeeded: size)) + Self.le32(UInt32(m.data.count))
            record += Self.le16(UInt16(m.name.count)) + Self.le16(zip64 ? UInt16(wide.count) : 0) + Self.le16(0) + Self.le16(0) + Self.le16(0)
            record += Self.le32(0o100644 << 16) + (zip64 ? Self.le32(0xFFFF_FFFF) : Self.le32(UInt32(offset))) + m.name + (zip64 ? wide : [])
            central += record
            records += 1
            if index == 0 {
                for _ in 0..<repeatFirst {
                    central += record
                    records += 1
                }
            }
        }
        let directoryOffset = UInt64(out.count)
        out += central
        if zip64 {
            let record = UInt64(out.count)
            out += Self.le32(0x0606_4B50) + Self.le64(44) + Self.le16(45) + Self.le16(45) + Self.le32(0) + Self.le32(0)
            out += Self.le64(UInt64(records)) + Self.le64(UInt64(records)) + Self.le64(UInt64(central.count)) + Self.le64(directoryOffset)
            out += Self.le32(0x0706_4B50) + Self.le32(0) + Self.le64(record) + Self.le32(1)
            out += Self.le32(0x0605_4B50) + Self.le16(0) + Self.le16(0) + Self.le16(0xFFFF) + Self.le16(0xFFFF)
            out += Self.le32(0xFFFF_FFFF) + Self.le32(0xFFFF_FFFF) + Self.le16(0)
        } else {
            out += Self.le32(0x0605_4B50) + Self.le16(0) + Self.le16(0) + Self.le16(UInt16(records)) + Self.le16(UInt16(records))
            out += Self.le32(UInt32(central.count)) + Self.le32(UInt32(directoryOffset)) + Self.le16(0)
        }
        return out
    }
}
