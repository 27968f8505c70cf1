import ArgumentParser
import Dispatch
import Foundation
import GreenmarkCertificates

#if canImport(Glibc)
    import Glibc
#endif

/// `greenmark verify DIR|FILES… --trust …`: many bundles, one row each. The pin, the updates and
/// the log key are read once and the trust chain is built once (`BundleVerifier` keeps it while
/// the bundles carry the same trusted roots); the bundles are verified on `--jobs` threads (default:
/// every core), each taking the next file, so the order of the rows is the order of the files.
struct VerifyBatch {
    /// One file's outcome.
    struct Row: Encodable, Sendable {
        let file: String
        let valid: Bool
        /// The failing check's code (nil when valid or unreadable).
        let code: String?
        let detail: String?
        let certificateID: String?
        let issuedAt: String?
        /// Set when the file could not be read (a usage error, exit 2).
        let error: String?

        enum CodingKeys: String, CodingKey {
            case file, valid, code, detail, error
            case certificateID = "certificate_id"
            case issuedAt = "issued_at"
        }

        /// Every member in every row, `null` when not applicable, so each row has the same shape.
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(file, forKey: .file)
            try c.encode(valid, forKey: .valid)
            let optional: [(CodingKeys, String?)] = [
                (.code, code), (.detail, detail), (.certificateID, certificateID), (.issuedAt, issuedAt),
                (.error, error),
            ]
            for (key, value) in optional {
                if let value { try c.encode(value, forKey: key) } else { try c.encodeNil(forKey: key) }
            }
        }
    }

    /// Files read from directories (recursively, in name order).
    static let extensions: Set<String> = ["json"]

    /// The files named by `inputs`: files as given, directories searched for `.json` files.
    static func collect(_ inputs: [String]) throws -> [String] {
        var files: [String] = []
        let fm = FileManager.default
        for input in inputs {
            var isDirectory: ObjCBool = false
            guard fm.fileExists(atPath: input, isDirectory: &isDirectory) else {
                throw ValidationError("cannot read \(input): no such file or directory")
            }
            guard isDirectory.boolValue else {
                files.append(input)
                continue
            }
            let found = (fm.enumerator(atPath: input)?.compactMap { $0 as? String } ?? [])
                .filter { extensions.contains(($0 as NSString).pathExtension.lowercased()) }
                .sorted()
                .map { (input as NSString).appendingPathComponent($0) }
            guard !found.isEmpty else { throw ValidationError("no .json bundles in \(input)") }
            files += found
        }
        return files
    }

    let verifier: BundleVerifier
    let at: Date

    /// Verifies one file.
    func row(_ file: String) -> Row {
        guard let handle = FileHandle(forReadingAtPath: file) else {
            return Row(file: file, valid: false, code: nil, detail: nil, certificateID: nil, issuedAt: nil, error: "cannot read \(file)")
        }
        defer { try? handle.close() }
        let bytes = Array(((try? handle.read(upToCount: BundleDocument.maximumBytes + 1)) ?? nil) ?? Data())
        let report = verifier.verify(bundle: bytes, at: at)
        let failed = report.checks.first { !$0.passed }
        let common = report.statement?.predicate.common
        return Row(
            file: file, valid: report.status == .valid, code: failed?.code, detail: failed?.detail,
            certificateID: common?.certificateID, issuedAt: common?.issuedAt, error: nil)
    }

    /// Verifies every file on `jobs` threads; `progress(done, total)` is called as files finish
    /// (from the worker threads, one call at a time).
    func run(files: [String], jobs: Int, progress: @escaping @Sendable (Int, Int) -> Void) -> [Row] {
        let state = State(count: files.count)
        DispatchQueue.concurrentPerform(iterations: max(1, min(jobs, files.count))) { _ in
            while let i = state.next() {
                let row = row(files[i])
                state.store(row, at: i, progress)
            }
        }
        return state.rows.map { $0! }
    }

    /// The shared work counter and results.
    final class State: @unchecked Sendable {
        private let lock = NSLock()
        private var nextIndex = 0
        private var done = 0
        private let count: Int
        private(set) var rows: [Row?]

        init(count: Int) {
            self.count = count
            rows = Array(repeating: nil, count: count)
        }

        func next() -> Int? {
            lock.withLock {
                guard nextIndex < count else { return nil }
                defer { nextIndex += 1 }
                return nextIndex
            }
        }

        /// Stores a row and moves the progress bar every 1 % (under the lock: one call at a time).
        func store(_ row: Row, at i: Int, _ progress: (Int, Int) -> Void) {
            lock.withLock {
                rows[i] = row
                done += 1
                if done == count || done % max(1, count / 100) == 0 { progress(done, count) }
            }
        }
    }

    /// RFC 4180 CSV, one row per file; every cell through `BatchDetection.cell` (OWASP "CSV Injection").
    static func csv(_ rows: [Row]) -> String {
        var out = "file,valid,code,detail,certificate_id,issued_at,error\r\n"
        for r in rows {
            let fields = [r.file, r.valid ? "yes" : "no", r.code ?? "", r.detail ?? "", r.certificateID ?? "", r.issuedAt ?? "", r.error ?? ""]
            out += fields.map(BatchDetection.cell).joined(separator: ",") + "\r\n"
        }
        return out
    }
}

extension Verify {
    /// Verifies a batch of bundles: a progress bar on a terminal, a summary (or `--json` rows),
    /// `--csv`. Exit 0 when every bundle is valid, 1 when one is not, 2 when a file cannot be read.
    func runBatch() throws {
        let files = try VerifyBatch.collect(self.files)
        let jobs = self.jobs ?? ProcessInfo.processInfo.activeProcessorCount
        let batch = VerifyBatch(verifier: try bundleVerifier(), at: trustOptions.time)
        let bar = isatty(2) == 1 ? ProgressBar() : nil
        let barBox = BarBox(bar)
        let start = Date()
        let rows = batch.run(files: files, jobs: jobs) { done, total in barBox.update(done, total) }
        bar?.finish()
        let seconds = Date().timeIntervalSince(start)
        let valid = rows.count { $0.valid }
        let unreadable = rows.count { $0.error != nil }
        if let csv { try VerifyBatch.csv(rows).write(toFile: csv, atomically: true, encoding: .utf8) }
        if json {
            print(try JSONOutput.encode(rows))
        } else {
            for r in rows where !r.valid { print("FAIL \(r.file): \(r.code ?? "error"): \(r.detail ?? r.error ?? "")") }
            let invalid = rows.count - valid - unreadable
            print("\(valid) of \(rows.count) bundles valid, \(invalid) invalid" + (unreadable > 0 ? ", \(unreadable) unreadable" : ""))
        }
        let rate = Double(rows.count) / max(seconds, 1e-9)
        let timing = String(format: "verified %d bundles in %.3f s (%.0f/s) on %d threads\n", rows.count, seconds, rate, jobs)
        FileHandle.standardError.write(Data(timing.utf8))
        if unreadable > 0 { throw ExitCode(2) }
        if valid < rows.count { throw ExitCode(1) }
    }

    /// The progress bar, called from worker threads one at a time (`VerifyBatch.State` serializes the calls).
    final class BarBox: @unchecked Sendable {
        let bar: ProgressBar?
        init(_ bar: ProgressBar?) { self.bar = bar }
        func update(_ done: Int, _ total: Int) { bar?.update("Verifying", done, total) }
    }
}
