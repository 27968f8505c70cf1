import Foundation
import GreenmarkCore

#if canImport(Glibc)
    import Glibc
#endif
#if canImport(CoreFoundation)
    import CoreFoundation  // stat's members in a release build (MemberImportVisibility)
#endif

/// Reads the bytes to score from a file or standard input (`DocumentInput` turns them into text).
enum InputReader {
    /// Reads `path` ("-" or nil for standard input) as text, whatever its name: no document extraction.
    static func readText(path: String?) throws(GreenmarkError) -> String {
        let text = try TextInput.decodeUTF8(try readBytes(path: path))
        try TextInput.requireContent(text)
        return text
    }

    /// The bytes of `path` ("-" or nil for standard input; nil refuses a terminal).
    static func readBytes(path: String?) throws(GreenmarkError) -> [UInt8] {
        let bytes: [UInt8]
        if path == nil || path == "-" {
            if path == nil, isatty(STDIN_FILENO) == 1 {
                throw GreenmarkError(.unreadableInput, "no input: give a FILE, or pipe text on standard input (use - to read a terminal)")
            }
            bytes = try readAll(fd: STDIN_FILENO, name: "standard input")
        } else {
            let path = path!
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else {
                throw GreenmarkError(.unreadableInput, "cannot read \(path): \(String(cString: strerror(errno)))")
            }
            defer { close(fd) }
            var st = stat()
            if fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR {
                throw GreenmarkError(.unreadableInput, "cannot read \(path): it is a directory")
            }
            bytes = try readAll(fd: fd, name: path)
        }
        return bytes
    }

    private static func readAll(fd: Int32, name: String) throws(GreenmarkError) -> [UInt8] {
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw GreenmarkError(.unreadableInput, "cannot read \(name): \(String(cString: strerror(errno)))")
            }
            if n == 0 { return out }
            out.append(contentsOf: chunk[0..<n])
        }
    }
}
