/// The versioned normalization every extracted text goes through before it is scored or
/// certified (`reflow-v1`, `docs/documents.md`, "Extraction and the watermark").
///
/// Extraction must not cost the watermark: the detector re-tokenizes the text, so a single newline
/// where the author had a space, a ligature glyph or a page number between two sentences changes
/// tokens and lowers z. The rules, in order:
///
/// 1. `.txt` and `.md` are returned unchanged: they are the author's own characters (and the
///    detector's normalizer, `greenmark-normalizer-v2`, handles their Unicode variants).
/// 2. Every other format: the ligatures ﬀ ﬁ ﬂ ﬃ ﬄ ﬅ ﬆ become their letters, no-break spaces
///    (U+00A0, U+2007, U+202F) become spaces and soft hyphens (U+00AD) are removed.
/// 3. Text laid out in pages (`pdftotext`'s output: every page ends with a form feed) is reflowed;
///    text without a form feed is already flowed and only gets rule 2. Per page, lines are trimmed;
///    a line repeated (digits aside) among the first or last two lines of more than half of the pages
///    (at least two) is a running header or footer and is dropped, and so is, among a page's first
///    two and last two lines, a line that is only a page number (`7`, `- 7 -`, `Page 7`, `7 of 12`,
///    `7/12`), only a URL or only a date and time (a browser's print header and footer). The remaining lines are
///    joined across page breaks: a blank line is a paragraph break; a line ending in a soft hyphen
///    joins the next without anything between; a line ending in `-` after a letter or digit joins
///    the next without a space, and loses the hyphen when both sides are lowercase letters, neither
///    half has another hyphen and the hyphenated spelling does not occur elsewhere in the text
///    (`water-`/`mark` → `watermark`, `self-`/`aware` stays `self-aware` when the text also says
///    `self-aware`); a line ending in an em or en dash after a non-space joins without a space;
///    otherwise a line is *wrapped* when its next line's first word would not have fitted on it
///    (its length plus one plus that word's exceeds 88 % of the page width, taken as the
///    second-longest line, the longest below six lines) and joins with a space, and is a paragraph's last line when it would have:
///    a paragraph break, or a single newline before a list item (`- `, `* `, `• `, `1. `, `a) `).
///
/// Deterministic and idempotent: the output of rule 3 contains no form feed, so a second pass
/// applies rule 2 only, which changes nothing.
public enum Reflow {
    /// Version tag of the reflow rules; part of `ExtractedDocument.extraction`.
    public static let version = "reflow-v1"

    /// `raw` as extracted from a document of `format`, reflowed by the rules above.
    public static func apply(_ raw: String, format: DocumentFormat) -> String {
        switch format {
        case .plainText, .markdown: return raw
        case .docx, .odt, .html, .rtf, .pdf: break
        }
        guard raw.unicodeScalars.contains("\u{0C}") else { return fixCharacters(raw, keepSoftHyphens: false) }
        return reflowPages(fixCharacters(raw, keepSoftHyphens: true))
    }

    /// Rule 2: ligatures to letters, no-break spaces to spaces, soft hyphens removed (kept when
    /// `keepSoftHyphens`, for the page reflow to see them at line ends).
    static func fixCharacters(_ text: String, keepSoftHyphens: Bool) -> String {
        guard text.unicodeScalars.contains(where: { $0.value >= 0xA0 }) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0xFB00: out.append(contentsOf: "ff".unicodeScalars)
            case 0xFB01: out.append(contentsOf: "fi".unicodeScalars)
            case 0xFB02: out.append(contentsOf: "fl".unicodeScalars)
            case 0xFB03: out.append(contentsOf: "ffi".unicodeScalars)
            case 0xFB04: out.append(contentsOf: "ffl".unicodeScalars)
            case 0xFB05, 0xFB06: out.append(contentsOf: "st".unicodeScalars)
            case 0xA0, 0x2007, 0x202F: out.append(" ")
            case 0xAD where !keepSoftHyphens: continue
            default: out.append(scalar)
            }
        }
        return String(out)
    }
}
