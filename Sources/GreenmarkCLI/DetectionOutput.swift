import GreenmarkCore

/// `greenmark detect --json` for one input: the detection result's members as they always were,
/// plus `document`, what was read (format, extraction version, notes).
struct DetectionOutput: Encodable {
    let result: DetectionResult
    let document: DocumentInput.Summary

    private enum Key: String, CodingKey { case document }

    func encode(to encoder: any Encoder) throws {
        try result.encode(to: encoder)
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(document, forKey: .document)
    }
}
