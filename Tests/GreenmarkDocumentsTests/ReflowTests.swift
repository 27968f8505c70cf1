import Foundation
import GreenmarkCore
import Testing

@testable import GreenmarkDocuments

/// `Reflow` (reflow-v1): the rules of its doc comment, one case each, idempotence, and clean text
/// that keeps its tokens.
@Suite("Reflow")
struct ReflowTests {
    static let clean = """
        Rivers carve their valleys slowly. Over thousands of years the water wears the rock away, \
        grain by grain, and carries it to the sea.

        Floods change the land faster: a single storm can move a riverbed by a mile.
        - silt settles on the plain
        - the banks grow higher

        A well-known example is the Nile, whose yearly flood fed Egypt for millennia.
        """

    @Test("Text and Markdown come back unchanged, whatever they contain")
    func plainTextUnchanged() {
        let odd = "a\u{00A0}b \u{FB01}ne co\u{00AD}operate\nline one\nline two\u{0C}page 2\n3\n"
        for format in [DocumentFormat.plainText, .markdown] {
            #expect(Reflow.apply(odd, format: format) == odd)
            #expect(Reflow.apply(Self.clean, format: format) == Self.clean)
        }
    }

    @Test("Text without a form feed keeps its lines in every document format")
    func flowedTextKeepsLines() {
        for format in DocumentFormat.allCases {
            #expect(Reflow.apply(Self.clean, format: format) == Self.clean)
        }
    }

    @Test("Ligatures, no-break spaces and soft hyphens")
    func characters() {
        let raw = "\u{FB00} \u{FB01} \u{FB02} \u{FB03} \u{FB04} \u{FB05} \u{FB06}|a\u{00A0}b\u{2007}c\u{202F}d|co\u{00AD}operate"
        #expect(Reflow.apply(raw, format: .docx) == "ff fi fl ffi ffl st st|a b c d|cooperate")
    }

    @Test("Clean text gives the normalizer's tokens in every format: reflow adds nothing it would not do")
    func cleanTextSameNormalizedText() {
        let normalizer = TextNormalizer()
        let texts = [
            Self.clean, "The \u{FB01}rst o\u{FB03}ce\u{00A0}hour, co\u{00AD}operate, \u{201C}quoted\u{201D}.\n\nNext  paragraph,  two spaces.",
        ]
        for text in texts {
            for format in DocumentFormat.allCases {
                #expect(normalizer.normalize(Reflow.apply(text, format: format)).text == normalizer.normalize(text).text)
            }
        }
    }

    @Test("pdftotext lines: wrapped lines join with a space, a short last line ends its paragraph")
    func wrappedLines() {
        let raw = """
            Rivers carve their valleys slowly. Over thousands of years the water
            wears the rock away and carries it to the sea.
            Floods change the land faster: a single storm can move a riverbed
            by a mile.
            A well-known example is the Nile, whose yearly flood fed Egypt for
            millennia.
            \u{0C}
            """
        #expect(
            Reflow.apply(raw, format: .pdf) == """
                Rivers carve their valleys slowly. Over thousands of years the water wears the rock away and carries it to \
                the sea.

                Floods change the land faster: a single storm can move a riverbed by a mile.

                A well-known example is the Nile, whose yearly flood fed Egypt for millennia.
                """)
    }

    @Test("Blank lines are paragraph breaks; list items after a short line get a single newline")
    func blankLinesAndLists() {
        let raw =
            "Floods change the land faster: a single storm can move a riverbed by\na mile, and then:\n- silt settles on the plain\n"
            + "- the banks grow higher\n\n\nNext paragraph starts here and runs on for a while to fill its line too,\nthen ends.\n\u{0C}"
        #expect(
            Reflow.apply(raw, format: .pdf)
                == "Floods change the land faster: a single storm can move a riverbed by a mile, and then:\n- silt settles on the plain\n"
                + "- the banks grow higher\n\nNext paragraph starts here and runs on for a while to fill its line too, then ends.")
    }

    @Test("A paragraph continues across a page break")
    func acrossPages() {
        let raw =
            "The first page ends in the middle of a sentence that goes on and on\n"
            + "until it reaches the very end of the page and keeps on going to the\n\u{0C}next page without a break.\n\u{0C}"
        #expect(
            Reflow.apply(raw, format: .pdf)
                == "The first page ends in the middle of a sentence that goes on and on until it reaches the very end of the page "
                + "and keeps on going to the next page without a break.")
    }

    @Test(
        "Line-end hyphens: the typesetter's go, compounds stay",
        arguments: [
            ("a water-\nmark in every line of the long essay", "a watermark in every line of the long essay"),
            ("a self-\naware essay, self-aware as ever, is long", "a self-aware essay, self-aware as ever, is long"),
            ("the state-of-\nthe-art detector of a long line", "the state-of-the-art detector of a long line"),
            ("when across-\nthe-border trade of a long line", "when across-the-border trade of a long line"),
            ("an anti-\nAmerican stance in a very long line", "an anti-American stance in a very long line"),
            ("the COVID-\n19 pandemic in a very long line of text", "the COVID-19 pandemic in a very long line of text"),
            ("exam\u{00AD}\nple of a soft hyphen in a long line", "example of a soft hyphen in a long line"),
            ("a dash\u{2014}\nglued to its word in a long line", "a dash\u{2014}glued to its word in a long line"),
            ("a long line that ends in a spaced dash -\nis no hyphen", "a long line that ends in a spaced dash - is no hyphen"),
        ])
    func hyphens(raw: String, expected: String) {
        #expect(Reflow.apply(raw + "\n\u{0C}", format: .pdf) == expected)
    }

    @Test("Running headers and footers and page numbers are dropped")
    func pageFurniture() {
        let body = [
            "Rivers carve their valleys slowly. Over thousands of years the water\nwears the rock away, grain by grain, and carries it down to the sea.",
            "Floods change the land faster than any river: a single storm can\nmove a riverbed by a mile and bury a village under a yard of silt.",
            "The Nile's yearly flood fed Egypt for millennia.",
        ]
        let raw = body.enumerated().map { i, text in
            "Essay on rivers \u{2014} J. Smith\n\(text)\nPage \(i + 1) of 3\n\u{0C}"
        }.joined()
        #expect(
            Reflow.apply(raw, format: .pdf)
                == "Rivers carve their valleys slowly. Over thousands of years the water wears the rock away, grain by grain, and "
                + "carries it down to the sea. Floods change the land faster than any river: a single storm can move a riverbed by "
                + "a mile and bury a village under a yard of silt. The Nile's yearly flood fed Egypt for millennia.")
        let numbered = "12\nFirst line of the page with words that fill it to the margin\nand more.\n\u{0C}- 13 -\nNext page.\n\u{0C}"
        #expect(Reflow.apply(numbered, format: .pdf) == "First line of the page with words that fill it to the margin and more.\n\nNext page.")
    }

    @Test(
        "Page numbers: what counts",
        arguments: [
            ("7", true), ("- 7 -", true), ("Page 7", true), ("7 of 12", true), ("7/12", true), ("(7)", true), ("[12]", true),
            ("2026", true), ("12345", false), ("7 rivers", false), ("Page seven", false), ("", false), ("1.", false),
        ])
    func pageNumbers(line: String, isNumber: Bool) {
        #expect(Reflow.isPageNumber(line) == isNumber)
    }

    @Test("A browser's print header and footer on a single page: the date, URL and page number go, the title stays")
    func browserMarks() {
        let raw =
            "12/1/26, 9:25 PM\n\nEssay\n\nRivers carve their valleys slowly. Over thousands of years the water\n"
            + "wears the rock away.\n\nfile:///home/student/essay.html\n\n1/1\n\u{0C}"
        #expect(
            Reflow.apply(raw, format: .pdf) == "Essay\n\nRivers carve their valleys slowly. Over thousands of years the water wears the rock away.")
    }

    @Test(
        "URLs and dates that count as page marks",
        arguments: [
            ("https://example.org/essay", true), ("file:///tmp/a.html", true), ("www.example.org", true), ("see https://x.org", false),
            ("https://", false), ("12/1/26, 9:25 PM", true), ("2026-12-01", true), ("01.12.2026 21:25", true), ("9:25 AM", true),
            ("1.", false), ("2026", false), ("May 4, 2026", false), ("1/2 cup of flour", false),
        ])
    func pageMarks(line: String, isMark: Bool) {
        #expect((Reflow.isURL(line) || Reflow.isDateTime(line)) == isMark)
    }

    @Test("Lines that differ at the pages' tops are kept; one page has no running lines")
    func notRunning() {
        let raw = "Chapter one begins here\nwith words.\n\u{0C}Another page starts\nwith other words.\n\u{0C}"
        #expect(Reflow.apply(raw, format: .pdf) == "Chapter one begins here with words.\n\nAnother page starts with other words.")
        let titled = "My essay\nRivers carve their valleys slowly. Over thousands of years the water\nwears the rock away.\n\u{0C}"
        #expect(
            Reflow.apply(titled, format: .pdf)
                == "My essay\n\nRivers carve their valleys slowly. Over thousands of years the water wears the rock away.")
    }

    @Test("Idempotent on every case above and on the clean text")
    func idempotent() {
        let inputs = [
            Self.clean, Self.clean.replacingOccurrences(of: "\n\n", with: "\n\u{0C}"),
            "a water-\nmark\u{00AD}\nof lines\n12\n\u{0C}x\u{FB01}y\u{00A0}z  \n\n\n\u{0C}\u{0C}\r\nend\r\u{0C}",
            "\u{0C}", "", "\n\n\u{0C}\n", "- a\n- b\n1. c\n\u{0C}",
        ]
        for raw in inputs {
            for format in DocumentFormat.allCases {
                let once = Reflow.apply(raw, format: format)
                #expect(Reflow.apply(once, format: format) == once, "\(format): \(raw.debugDescription)")
                if format == .pdf { #expect(!once.unicodeScalars.contains("\u{0C}")) }
            }
        }
    }
}
