/// A ZIP archive (PKWARE APPNOTE 6.3) written by hand with every entry stored (method 0), for
/// building test documents (.docx, .odt) and LMS submission exports without a ZIP library. It can
/// also lie: `declaredSize` puts another uncompressed size in the headers than the bytes stored,
/// as a hostile archive does.
public enum StoredZip {
    /// One member: its path inside the archive and its bytes.
    public struct Entry {
        public let path: String
        public let bytes: [UInt8]
        /// The uncompressed size the headers claim (nil: the true size).
        public let declaredSize: UInt32?

        public init(_ path: String, _ bytes: [UInt8], declaredSize: UInt32? = nil) {
            self.path = path
            self.bytes = bytes
            self.declaredSize = declaredSize
        }

        public init(_ path: String, _ text: String) { self.init(path, Array(text.utf8)) }
    }

    /// The archive's bytes: local headers and data, then the central directory and its end record.
    public static func make(_ entries: [Entry]) -> [UInt8] {
        var out: [UInt8] = []
        var central: [UInt8] = []
        for entry in entries {
            let name = Array(entry.path.utf8)
            let crc = crc32(entry.bytes)
            let size = UInt32(entry.bytes.count)
            let offset = UInt32(out.count)
            // Local file header.
            out += le32(0x0403_4b50) + le16(20) + le16(0x0800) + le16(0) + le16(0) + le16(0x21)
            out += le32(crc) + le32(size) + le32(entry.declaredSize ?? size) + le16(UInt16(name.count)) + le16(0) + name
            out += entry.bytes
            // Central directory header.
            central += le32(0x0201_4b50) + le16(20) + le16(20) + le16(0x0800) + le16(0) + le16(0) + le16(0x21)
            central += le32(crc) + le32(size) + le32(entry.declaredSize ?? size) + le16(UInt16(name.count)) + le16(0) + le16(0)
            central += le16(0) + le16(0) + le32(0) + le32(offset) + name
        }
        let centralOffset = UInt32(out.count)
        out += central
        out += le32(0x0605_4b50) + le16(0) + le16(0) + le16(UInt16(entries.count)) + le16(UInt16(entries.count))
        out += le32(UInt32(central.count)) + le32(centralOffset) + le16(0)
        return out
    }

    /// CRC-32 (IEEE 802.3, reflected, as ZIP uses it).
    public static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8)
        }
        return crc ^ 0xFFFF_FFFF
    }

    private static let table: [UInt32] = (0..<256).map { (n: UInt32) -> UInt32 in
        var c = n
        for _ in 0..<8 { c = c & 1 == 1 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    private static func le16(_ v: UInt16) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8)] }
    private static func le32(_ v: UInt32) -> [UInt8] { [UInt8(v & 0xFF), UInt8((v >> 8) & 0xFF), UInt8((v >> 16) & 0xFF), UInt8(v >> 24)] }
}
