import Foundation
import GreenmarkCertificates
import GreenmarkCore
import GreenmarkCrypto
import GreenmarkDocuments
import GreenmarkServer
import GreenmarkStorage
import GreenmarkTransparency
import Testing

/// The error codes the daemon can answer with and the ones `docs/openapi.yaml` names agree: the
/// API's own codes (`APIError.Code`) and the codes of the domain errors the server renders
/// (`HTTPCodedError`) and the trust checks it relays (`TrustState`).
@Suite("API error codes against docs/openapi.yaml")
struct APICodeCatalogTests {
    /// Every code the server can emit.
    static let emitted: Set<String> = {
        var codes = Set(APIError.Code.allCases.map(\.rawValue))
        codes.formUnion(GreenmarkError.allCodes)
        codes.formUnion(CertificateError.allCodes)
        codes.formUnion(StorageError.allCodes)
        codes.formUnion(TransparencyError.allCodes)
        codes.formUnion(KeySyncError.allCodes)
        // Documents sent to /v1/detect and /v1/certificates (DocumentError+HTTP.swift).
        codes.formUnion(DocumentError.allCodes)
        codes.formUnion(VerificationCode.allCases.map(\.rawValue))
        return codes
    }()

    /// The namespaces of those codes (`auth`, `input`, `trust`, …).
    static var namespaces: Set<String> { Set(emitted.map { String($0.prefix { $0 != "." }) }) }

    /// Every `namespace.name` token in the spec whose namespace is a code namespace (file names
    /// such as `signing.json` or `daemon.md` excluded).
    static var documented: Set<String> {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("docs/openapi.yaml")
        let text = (try? String(contentsOf: url, encoding: .utf8)) ?? ""
        let namespaces = Self.namespaces
        let tokens = text.matches(of: /(?:^|[^A-Za-z0-9_.\/-])([a-z]+(?:\.[a-z_]+)+)/).map { String($0.output.1) }
        return Set(
            tokens.filter { token in
                let parts = token.split(separator: ".")
                return namespaces.contains(String(parts[0])) && !["json", "md", "yaml", "html", "sqlite"].contains(String(parts.last!))
            })
    }

    @Test("every code docs/openapi.yaml names is one the server can emit")
    func documentedCodesExist() {
        let documented = Self.documented
        #expect(documented.count > 30)
        #expect(documented.subtracting(Self.emitted).sorted() == [], "named in docs/openapi.yaml, emitted by no error type")
    }

    @Test("every code of the API's own (APIError.Code) is documented in docs/openapi.yaml")
    func apiCodesDocumented() {
        let own = Set(APIError.Code.allCases.map(\.rawValue))
        #expect(own.subtracting(Self.documented).sorted() == [], "APIError.Code cases missing from docs/openapi.yaml")
    }

    @Test("the API's own codes do not shadow a domain code (a refusal a domain error names uses the domain's code)")
    func noShadowedCodes() {
        var domain = Set(GreenmarkError.allCodes).union(CertificateError.allCodes).union(StorageError.allCodes)
        domain.formUnion(TransparencyError.allCodes)
        domain.formUnion(KeySyncError.allCodes)
        #expect(Set(APIError.Code.allCases.map(\.rawValue)).intersection(domain).sorted() == [])
    }
}
