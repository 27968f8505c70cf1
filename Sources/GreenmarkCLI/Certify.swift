import ArgumentParser
import Foundation
import GreenmarkCertificates
import GreenmarkCore
import GreenmarkModel

/// `greenmark certify`: detect, then issue a signed detection attestation.
struct Certify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Score a text and issue a signed detection attestation for it.",
        discussion: """
            A document (.docx, .odt, .pdf, .html, .rtf) is certified by its extracted text: the certificate names the \
            canonical SHA-256 of exactly that text (greenmark extract prints it), and greenmark verify --text accepts \
            the same document or that text. A .txt or .md file is certified as it is.
            """
    )

    @Argument(
        help: ArgumentHelp("Text or document to certify (.txt, .md, .docx, .odt, .pdf, .html, .rtf); - reads standard input.", valueName: "file"))
    var file: String
    @Option(name: [.short, .long], help: "Write the certificate here (default: standard output).") var output: String?
    @Flag(help: "Write a provenance bundle (certificate, text, trusted roots) instead of the certificate alone.") var bundle = false
    @Flag(name: .customLong("digest-only"), help: "With --bundle: put only the text's canonical SHA-256 in the bundle, not the text.")
    var digestOnly = false
    @Option(help: "Key id to score under (default: every primary and enabled key, Bonferroni-corrected).") var key: String?
    @OptionGroup var home: HomeOptions
    @OptionGroup var model: ModelOptions

    func validate() throws {
        if digestOnly, !bundle { throw ValidationError("--digest-only goes with --bundle") }
    }

    func run() throws {
        let input = try DocumentInput.read(path: file)
        let text = input.text
        let keys = try home.detectionKeys(id: key)
        let issuer = try home.signingStore.activeIssuer()
        let tokenizer = try model.tokenizer()
        let result = try Detector(tokenizer: tokenizer).detect(text, keys: keys, includeMask: false)
        let certificate = try issuer.attestDetection(
            text: text, result: result, vocabulary: tokenizer.vocabularyID,
            keyCommitment: keys.first { $0.id == result.keyID }?.commitment)
        let bytes =
            bundle
            ? try BundleDocument(
                certificate: certificate, text: text, digestOnly: digestOnly,
                trustedRoots: BundleDocument.trustedRootFiles(in: home.signingStore.trustDirectory)
            ).fileBytes()
            : try certificate.fileBytes()
        if let output {
            try Data(bytes).write(to: URL(fileURLWithPath: output), options: .atomic)
            let what = bundle ? "bundle" : "certificate"
            let statistic = result.score.map { String(format: "score %.2f", $0) } ?? String(format: "z = %.2f", result.zScore)
            var line = "Certified: \(result.verdict.plainWords) (\(statistic), \(result.tokensScored) tokens); \(what) written to \(output)\n"
            if input.isExtracted { line += "The certificate is about the text \(input.provenance); greenmark extract prints it.\n" }
            FileHandle.standardError.write(Data(line.utf8))
        } else {
            FileHandle.standardOutput.write(Data(bytes))
            if input.isExtracted {
                FileHandle.standardError.write(Data("greenmark: the certificate is about the text \(input.provenance)\n".utf8))
            }
        }
    }
}
