import GreenmarkCertificates
import GreenmarkCore
import GreenmarkStorage
import GreenmarkTransparency
import HTTPTypes
import Logging
import Testing

@testable import GreenmarkServer

/// The domain errors render themselves (`HTTPCodedError`) with the statuses, codes and
/// `Retry-After` the API has always answered with, and the storage redaction (`PublicErrors`).
@Suite("Domain errors over HTTP")
struct DomainErrorHTTPTests {
    @Test("GreenmarkError: bad input 400, unknown key 404, unusable key 422, transition 409, missing keyring and sealed secrets 503, else 500")
    func greenmarkError() {
        let expected: [GreenmarkError.Code: HTTPResponse.Status] = [
            .emptyText: .badRequest, .invalidUTF8: .badRequest, .unreadableInput: .badRequest, .invalidScheme: .badRequest,
            .keyNotFound: .notFound, .keyNotUsable: .unprocessableContent, .vocabularyMismatch: .unprocessableContent,
            .invalidKeyTransition: .conflict, .keyringMissing: .serviceUnavailable, .noPrimaryKey: .serviceUnavailable,
            .wrongMasterKey: .serviceUnavailable, .authenticationFailed: .serviceUnavailable,
            .keyringWriteFailed: .internalServerError, .tokenizerFailure: .internalServerError,
        ]
        for (code, status) in expected {
            let answer = GreenmarkError(code, "why").apiError
            #expect(answer.status == status, "\(code)")
            #expect(answer.code == code.rawValue && answer.message == "why" && answer.retryAfter == nil)
        }
    }

    @Test("CertificateError: unknown issuing key 404; no signing keys, no active issuer, unreadable trust, sealed secrets 503; else 500")
    func certificateError() {
        let expected: [CertificateError.Code: HTTPResponse.Status] = [
            .unknownKey: .notFound, .signingKeysMissing: .serviceUnavailable, .noActiveIssuer: .serviceUnavailable,
            .trustUnreadable: .serviceUnavailable, .masterKeyRequired: .serviceUnavailable, .writeFailed: .internalServerError,
            .keyCommitmentMissing: .internalServerError,
        ]
        for (code, status) in expected {
            #expect(CertificateError(code, "why").apiError.status == status, "\(code)")
        }
    }

    @Test("StorageError: 409 duplicate, else 503; Retry-After 5 when retrying helps; the reason never reaches the body")
    func storageError() {
        let reason = "cannot connect to postgresql://greenmark@10.0.0.5:5432/registry: connection refused"
        for code in StorageError.Code.allCases {
            let answer = StorageError(code, reason).apiError
            #expect(answer.status == (code == .duplicate ? .conflict : .serviceUnavailable), "\(code)")
            #expect(answer.retryAfter == ([.openFailed, .writeFailed, .readFailed].contains(code) ? 5 : nil), "\(code)")
            #expect(answer.code == code.rawValue && !answer.message.contains("10.0.0.5") && !answer.message.contains("postgresql"))
        }
    }

    @Test("TransparencyError: a proof outside the tree 400, else 503; KeySyncError: a concurrent change 409, else 503")
    func logAndKeySync() {
        #expect(TransparencyError(.proofRange, "").apiError.status == .badRequest)
        #expect(TransparencyError(.logKeyUnusable, "").apiError.status == .serviceUnavailable)
        #expect(KeySyncError(.conflict, "").apiError.status == .conflict)
        #expect(KeySyncError(.storage, "").apiError.status == .serviceUnavailable)
    }

    @Test("on the way out a message loses the server's paths (home as HOME), whatever the error type")
    func scrubbed() {
        let logger = Logger(label: "test")
        let keyring = PublicErrors.answer(GreenmarkError(.keyringMissing, "no keyring at /srv/gm/keyring.json"), home: "/srv/gm", logger: logger)
        #expect(keyring.message == "no keyring at HOME/keyring.json" && keyring.code == "keyring.missing")
        let api = PublicErrors.answer(
            APIError(.notFound, code: .certificateNotFound, "see /var/lib/x/y and /v1/certificates/1"),
            home: "/srv/gm", logger: logger)
        #expect(api.message == "see <path> and /v1/certificates/1")
    }
}
