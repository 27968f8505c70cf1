import Foundation

/// A certificate as stored and exchanged: a flattened JWS JSON serialization (RFC 7515 section
/// 7.2.2) whose unprotected header carries the issuing key's endorsement by the root.
public struct SignedCertificate: Codable, Sendable, Equatable {
    /// JWS `typ` of certificates.
    public static let type = "application/vnd.greenmark.certificate+jws"

    public struct UnprotectedHeader: Codable, Sendable, Equatable {
        public let endorsement: Endorsement

        public init(endorsement: Endorsement) {
            self.endorsement = endorsement
        }
    }

    public let payload: String
    public let protected: String
    public let signature: String
    public let header: UnprotectedHeader

    public init(payload: String, protected: String, signature: String, header: UnprotectedHeader) {
        self.payload = payload
        self.protected = protected
        self.signature = signature
        self.header = header
    }

    /// The certificate as a pretty-printed JSON file (the signature covers the base64url fields,
    /// so whitespace around them does not matter).
    public func fileBytes() throws -> [UInt8] {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return Array(try e.encode(self)) + [0x0a]
    }
}
