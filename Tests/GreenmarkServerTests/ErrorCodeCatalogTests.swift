import Foundation
import GreenmarkCertificates
import GreenmarkCore
import GreenmarkCrypto
import GreenmarkDocuments
import GreenmarkServer
import GreenmarkStorage
import GreenmarkTransparency
import Testing

/// `docs/error-codes.md` is generated from the error types' `Code` enums (their cases and doc
/// comments), so outsiders see every code with its meaning and the page cannot drift from the code.
@Suite("Error code catalogue")
struct ErrorCodeCatalogTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let page = repository.appendingPathComponent("docs/error-codes.md")

    /// Every domain error type, its module and its source file, in the order the page lists them.
    static let types: [(type: any CodedError.Type, module: String, file: String)] = [
        (GreenmarkError.self, "GreenmarkCore", "Sources/GreenmarkCore/Errors/GreenmarkError.swift"),
        (CertificateError.self, "GreenmarkCertificates", "Sources/GreenmarkCertificates/CertificateError.swift"),
        (StorageError.self, "GreenmarkStorage", "Sources/GreenmarkStorage/StorageError.swift"),
        (TransparencyError.self, "GreenmarkTransparency", "Sources/GreenmarkTransparency/TransparencyError.swift"),
        (CryptoError.self, "GreenmarkCrypto", "Sources/GreenmarkCrypto/CryptoError.swift"),
        (FileError.self, "GreenmarkCrypto", "Sources/GreenmarkCrypto/FileError.swift"),
        (KeySyncError.self, "GreenmarkServer", "Sources/GreenmarkServer/KeySyncError.swift"),
        (DaemonConfigurationError.self, "GreenmarkServer", "Sources/GreenmarkServer/DaemonConfigurationError.swift"),
        (DocumentError.self, "GreenmarkDocuments", "Sources/GreenmarkDocuments/DocumentError.swift"),
    ]

    /// A type's doc summary and each code with the doc comment of the `case` that declares it.
    struct Documented {
        var summary = ""
        var codes: [(code: String, meaning: String)] = []
    }

    /// Reads the doc comments of `type`'s declaration and of its `Code` cases from its source.
    static func documented(_ type: String, source: String) -> Documented {
        var result = Documented()
        var doc: [String] = []
        var caseDoc = ""
        var continuing = false
        var lastWasDoc = false
        // A case directly below another case, with no doc comment of its own, shares the group's
        // comment (the relayed codes: one comment over a block of cases).
        var lastWasCase = false
        for line in source.split(separator: "\n", omittingEmptySubsequences: false) {
            let t = line.trimmingCharacters(in: .whitespaces)
            if t.hasPrefix("///") {
                if !lastWasDoc { doc = [] }
                doc.append(String(t.dropFirst(3)).trimmingCharacters(in: .whitespaces))
                lastWasDoc = true
                continue
            }
            lastWasDoc = false
            if t.hasPrefix("public struct \(type)") { result.summary = doc.filter { !$0.isEmpty }.joined(separator: " ") }
            if t.hasPrefix("case ") {
                if !doc.isEmpty || !lastWasCase { caseDoc = doc.joined(separator: " ") }
                lastWasCase = true
            } else if !continuing {
                doc = []
                lastWasCase = false
                continue
            }
            result.codes += t.matches(of: /\w+ = "([^"]+)"/).map { (String($0.output.1), caseDoc) }
            continuing = t.hasSuffix(",")
            doc = []
        }
        return result
    }

    /// `text` broken into lines of at most `width` columns at spaces.
    static func wrap(_ text: String, width: Int = 110) -> String {
        var lines: [String] = []
        for word in text.split(separator: " ") {
            if let last = lines.last, last.count + 1 + word.count <= width {
                lines[lines.count - 1] += " " + word
            } else {
                lines.append(String(word))
            }
        }
        return lines.joined(separator: "\n")
    }

    /// The whole of `docs/error-codes.md`.
    static func render() throws -> String {
        var page = """
            # Error codes

            Every Greenmark error carries a stable code and a human reason. The CLI prints
            `greenmark: error: REASON [CODE]` and exits 1; the daemon answers
            `{"error":{"code":CODE,"message":...}}` with the HTTP status `docs/openapi.yaml` gives. Codes never
            change (tests and clients match on them); reasons may. A verifier's check codes (`trust.stale`,
            `key.revoked`, ...) are results, not errors: `docs/certificate-format.md`, "Verification".

            Generated from the error types' `Code` enums and their doc comments by `ErrorCodeCatalogTests`
            (`GREENMARK_REGENERATE_ERROR_CODES=1 swift test --filter ErrorCodeCatalogTests`); the test fails when
            this page and the code disagree.

            """
        for (type, module, file) in types {
            let name = String(describing: type)
            let documented = documented(name, source: try String(contentsOf: repository.appendingPathComponent(file), encoding: .utf8))
            let relayed = documented.codes.filter { $0.meaning.hasPrefix("Relayed unchanged") }.map(\.code)
            page += "\n## \(name) (`\(module)`)\n\n\(wrap(documented.summary))\n\n| code | meaning |\n|---|---|\n"
            for (code, meaning) in documented.codes where !relayed.contains(code) {
                page += "| `\(code)` | \(meaning.replacingOccurrences(of: "|", with: "\\|")) |\n"
            }
            if !relayed.isEmpty {
                page +=
                    "\n"
                    + wrap(
                        "Passed on unchanged from `CryptoError` and `FileError` (same meaning): "
                            + relayed.map { "`\($0)`" }.joined(separator: ", ") + ".") + "\n"
            }
        }
        return page
    }

    @Test("every case of every error type is documented, in declaration order")
    func everyCaseParsed() throws {
        for (type, _, file) in Self.types {
            let source = try String(contentsOf: Self.repository.appendingPathComponent(file), encoding: .utf8)
            let documented = Self.documented(String(describing: type), source: source)
            #expect(documented.codes.map(\.code) == type.allCodes, "\(type)")
            #expect(documented.codes.allSatisfy { !$0.meaning.isEmpty }, "\(type): a case without a doc comment")
            #expect(!documented.summary.isEmpty, "\(type)")
        }
    }

    @Test("docs/error-codes.md lists every code of every error type with its meaning")
    func pageIsCurrent() throws {
        let expected = try Self.render()
        if ProcessInfo.processInfo.environment["GREENMARK_REGENERATE_ERROR_CODES"] == "1" {
            try Data(expected.utf8).write(to: Self.page)
        }
        #expect(
            try String(contentsOf: Self.page, encoding: .utf8) == expected,
            "GREENMARK_REGENERATE_ERROR_CODES=1 swift test --filter ErrorCodeCatalogTests rewrites docs/error-codes.md")
    }

    @Test("the stores relay every crypto and file code under their own type, never falling back")
    func relayedCodesAreCases() {
        let crypto = CryptoError.relayedCodes.map(\.rawValue)
        let file = FileError.relayedCodes.map(\.rawValue)
        for type in [GreenmarkError.self, CertificateError.self, TransparencyError.self] as [any CodedError.Type] {
            #expect(Set(crypto + file).isSubset(of: type.allCodes), "\(type)")
        }
        #expect(Set(file).isSubset(of: KeySyncError.allCodes))
        let relayed = GreenmarkError(relaying: CryptoError(.wrongMasterKey, "sealed under mk-1"), else: .cryptoFailure)
        #expect(relayed.code == .wrongMasterKey && relayed.reason == "sealed under mk-1")
        let written = CertificateError(relaying: FileError(.writeFailed, "disk full"), else: .writeFailed, "signing.json: disk full")
        #expect(written.code == .writeFailed && written.reason == "signing.json: disk full")
        #expect(TransparencyError(relaying: FileError(.lockFailed, ""), else: .logKeyUnusable).code.rawValue == "file.lock_failed")
    }

    @Test("no code string belongs to two error types unless it is relayed")
    func codesAreDistinct() {
        let relayed = Set((CryptoError.relayedCodes.map(\.rawValue) + FileError.relayedCodes.map(\.rawValue)))
        var owner: [String: String] = [:]
        for (type, _, _) in Self.types {
            for code in type.allCodes where !relayed.contains(code) {
                #expect(owner[code] == nil, "\(code) is a code of \(owner[code] ?? "") and \(type)")
                owner[code] = String(describing: type)
            }
        }
    }
}
