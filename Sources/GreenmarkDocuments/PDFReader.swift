import Foundation

/// `.pdf`: the text layer, read by poppler's `pdftotext` (Debian's poppler-utils) in a separate
/// process under `DocumentLimits` (address space, CPU time, wall-clock timeout, output size, no
/// files written).
///
/// The PDF is written to a fresh private temporary directory (mode 0700, removed afterwards),
/// the only file this touches. `pdftotext` runs in reading order (not `-layout`) with UTF-8 output and
/// LF line ends; every page ends with a form feed, which `Reflow` uses to recognize pages. Kept:
/// the text layer of the first `pdfMaxPages` pages. Dropped: images (a scan has no text:
/// `input.no_text`), annotations and form fields' appearance. A PDF that needs a password to open is
/// `input.encrypted`.
struct PDFReader {
    /// The limits reads run under.
    let limits: DocumentLimits

    /// The raw text of the PDF `data`.
    func read(_ data: [UInt8], notes: inout [String]) throws(DocumentError) -> String {
        guard FileManager.default.isExecutableFile(atPath: limits.pdftotextPath) else {
            throw DocumentError(.extractorUnavailable, "\(limits.pdftotextPath) is not installed (Debian: apt-get install poppler-utils)")
        }
        let input = try PrivateFile(data, purpose: "pdf", name: "input.pdf")
        defer { input.remove() }
        let child = ChildProcess(
            executable: limits.pdftotextPath,
            arguments: ["-enc", "UTF-8", "-eol", "unix", "-l", "\(limits.pdfMaxPages)", input.url.path, "-"],
            memoryBytes: limits.pdfMemoryBytes, cpuSeconds: limits.pdfCPUSeconds, timeoutSeconds: limits.pdfTimeoutSeconds,
            maxOutput: limits.maxExtractedBytes + 1)
        let result = try child.run()
        let stderr = String(decoding: result.stderr, as: UTF8.self)
        if result.overflowed {
            throw DocumentError(.tooLarge, "the PDF's text passes \(limits.maxExtractedBytes) bytes")
        }
        if result.timedOut || (result.signaled && (result.status == SIGXCPU || result.status == SIGKILL)) {
            throw DocumentError(.extractionTimeout, "pdftotext ran past its time limit on this PDF and was killed")
        }
        if result.signaled {
            throw DocumentError(.extractionFailed, "pdftotext crashed on this PDF (signal \(result.status)): damaged, or past the memory limit")
        }
        if result.status != 0 {
            if stderr.contains("Incorrect password") || result.status == 3 {
                throw DocumentError(.encrypted, "the PDF is password-protected; save a copy without a password")
            }
            if ["failed to map segment", "annot allocate", "bad_alloc", "Out of memory"].contains(where: stderr.contains) {
                throw DocumentError(.tooLarge, "reading the PDF passes the memory limit of \(limits.pdfMemoryBytes) bytes")
            }
            let last = stderr.split(separator: "\n").last.map { String($0.prefix(200)) } ?? "exit status \(result.status)"
            throw DocumentError(.extractionFailed, "the PDF cannot be read: \(last)")
        }
        let text = String(decoding: result.stdout, as: UTF8.self)
        if text.utf8.reduce(0, { $0 + ($1 == 0x0C ? 1 : 0) }) >= limits.pdfMaxPages {
            notes.append("only the first \(limits.pdfMaxPages) pages were read")
        }
        return text
    }
}
