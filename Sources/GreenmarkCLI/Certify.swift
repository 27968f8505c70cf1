import ArgumentParser
import Foundation
import GreenmarkCertificates
import GreenmarkCore
import GreenmarkModel

/// `greenmark certify`: detect, then issue a signed detection attestation.
struct Certify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Score a text and issue a signed detection attestation for it."
    )

    @Argument(help: ArgumentHelp("Text file to certify; - reads standard input.", valueName: "file")) var file: String
    @Option(name: [.short, .long], help: "Write the certificate here (default: standard output).") var output: String?
    @Option(help: "Key id to score under (default: every primary and enabled key, Bonferroni-corrected).") var key: String?
    @OptionGroup var home: HomeOptions
    @OptionGroup var model: ModelOptions

    func run() throws {
        let text = try InputReader.readText(path: file)
        let keys = try home.detectionKeys(id: key)
        let issuer = try home.signingStore.activeIssuer()
        let tokenizer = try model.tokenizer()
        let result = try Detector(tokenizer: tokenizer).detect(text, keys: keys, includeMask: false)
        let certificate = try issuer.attestDetection(text: text, result: result, vocabulary: tokenizer.vocabularyID,
                                                     keyCommitment: keys.first { $0.id == result.keyID }?.commitment)
        let bytes = try certificate.fileBytes()
        if let output {
            try Data(bytes).write(to: URL(fileURLWithPath: output), options: .atomic)
            FileHandle.standardError.write(Data("Certified: \(result.verdict.plainWords) (z = \(String(format: "%.2f", result.zScore)), \(result.tokensScored) tokens); certificate written to \(output)\n".utf8))
        } else {
            FileHandle.standardOutput.write(Data(bytes))
        }
    }
}
