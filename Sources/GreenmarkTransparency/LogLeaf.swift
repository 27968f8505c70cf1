import Foundation
import GreenmarkCrypto

/// What a certificate's leaf in the transparency log is (`docs/transparency-log.md`, "Leaves").
///
/// - **v2** (every certificate logged since v2 existed): the leaf input is
///   `"greenmark-log-leaf/v2\n" || protected || "." || payload || "." || signature`, the JWS
///   compact form of the certificate's signed parts, so re-serializing the certificate file
///   (whitespace, member order, the unsigned endorsement) never breaks its inclusion proof.
/// - **v1** (leaves appended before, kept as they are: the log stays append-only): the leaf input
///   is the certificate file's exact bytes.
///
/// The v2 input starts with `g`, a JSON file with `{` or whitespace, so no input is both.
public enum LogLeaf {
    /// The v2 prefix.
    public static let v2Prefix = Array("greenmark-log-leaf/v2\n".utf8)

    /// The v2 leaf input of a certificate file, or nil when it has no string `protected`,
    /// `payload` and `signature` members made of base64url characters.
    public static func v2Input(certificate: [UInt8]) -> [UInt8]? {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(certificate))) as? [String: Any],
            let protected = object["protected"] as? String, let payload = object["payload"] as? String,
            let signature = object["signature"] as? String,
            [protected, payload, signature].allSatisfy({ $0.utf8.allSatisfy(isBase64URL) })
        else { return nil }
        return v2Prefix + Array("\(protected).\(payload).\(signature)".utf8)
    }

    /// The leaf hash the log gives a certificate it appends now: v2 (v1 for a file without the
    /// three members, which the issuer never writes).
    public static func hash(certificate: [UInt8]) -> [UInt8] {
        MerkleTree.leafHash(v2Input(certificate: certificate) ?? certificate)
    }

    /// Every leaf hash the certificate may have been logged under: v2, then v1.
    public static func candidateHashes(certificate: [UInt8]) -> [[UInt8]] {
        (v2Input(certificate: certificate).map { [MerkleTree.leafHash($0)] } ?? []) + [MerkleTree.leafHash(certificate)]
    }

    private static func isBase64URL(_ c: UInt8) -> Bool {
        (0x41...0x5A).contains(c) || (0x61...0x7A).contains(c) || (0x30...0x39).contains(c) || c == 0x2D || c == 0x5F
    }
}
