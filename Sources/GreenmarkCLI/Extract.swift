import ArgumentParser
import Foundation
import GreenmarkDocuments

/// `greenmark extract`: the exact text Greenmark scores and certifies for a document.
struct Extract: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the exact text Greenmark scores and certifies for a document.",
        discussion: """
            The format is read from the content (.docx, .odt, .pdf, .html, .rtf; .txt and .md are printed as they are). \
            The output is byte for byte the text detect scores and certify digests, so it can be kept beside the \
            certificate and passed to greenmark verify --text. What each format keeps and drops: docs/documents.md.
            """
    )

    @Argument(help: ArgumentHelp("The document; - reads standard input.", valueName: "file")) var file: String
    @Option(name: [.short, .long], help: ArgumentHelp("Write the text here (default: standard output).", valueName: "path"))
    var output: String?
    @Flag(help: "Print JSON: format, extraction version, notes and the text.") var json = false

    /// `--json`: what was read and the text.
    struct Output: Encodable {
        let source: String
        let format: String
        let extraction: String?
        let notes: [String]
        let text: String
    }

    func run() throws {
        let input = try DocumentInput.read(path: file)
        let bytes: [UInt8] =
            json
            ? Array(
                try JSONOutput.encode(
                    Output(source: input.source, format: input.format.rawValue, extraction: input.extraction, notes: input.notes, text: input.text)
                ).utf8) + [0x0A]
            : Array(input.text.utf8)
        if let output {
            try Data(bytes).write(to: URL(fileURLWithPath: output), options: .atomic)
        } else {
            FileHandle.standardOutput.write(Data(bytes))
        }
        if !json {
            let notes = input.notes.isEmpty ? "" : "; " + input.notes.joined(separator: "; ")
            FileHandle.standardError.write(Data("greenmark: text \(input.provenance)\(notes)\n".utf8))
        }
    }
}
