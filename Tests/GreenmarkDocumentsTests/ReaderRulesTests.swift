import Foundation
import GreenmarkDocuments
import Testing

/// The keep-and-drop rules of `docs/documents.md`, one format at a time, on documents built in the
/// test (the extracted text is compared after `Reflow`, which leaves these flowed texts alone).
@Suite("Reader rules")
struct ReaderRulesTests {
    /// The text of `data` read as `filename`.
    static func text(_ data: [UInt8], _ filename: String) throws -> String {
        try DocumentExtractor().extract(data, filename: filename).text
    }

    @Test(".docx: runs, tabs, breaks and entities kept; deletions, field codes and fallbacks dropped; any prefix works")
    func docx() throws {
        let body = """
            <w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="720"/></w:tabs></w:pPr>\
            <w:r><w:t xml:space="preserve">Rivers &amp; </w:t></w:r><w:del><w:r><w:delText>old </w:delText></w:r></w:del>\
            <w:ins><w:r><w:t>seas</w:t></w:r></w:ins><w:r><w:tab/><w:t>&#8220;gift&#x201D;</w:t><w:br/><w:t>line</w:t></w:r></w:p>\
            <w:p><w:r><w:instrText> PAGE </w:instrText><w:t>shown</w:t><w:noBreakHyphen/><w:t>result</w:t></w:r></w:p>\
            <w:p><w:r><mc:AlternateContent xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006">\
            <mc:Choice Requires="wps"><w:txbxContent><w:p><w:r><w:t>box</w:t></w:r></w:p></w:txbxContent></mc:Choice>\
            <mc:Fallback><w:txbxContent><w:p><w:r><w:t>box</w:t></w:r></w:p></w:txbxContent></mc:Fallback>\
            </mc:AlternateContent></w:r></w:p><w:p/><w:p><w:r><w:t>   </w:t></w:r></w:p>
            """
        #expect(try Self.text(try TestZip.docx(body: body), "a.docx") == "Rivers & seas\t“gift”\nline\n\nshown-result\n\nbox")
        let prefixed = try TestZip.docx(
            documentXML: "<x:document xmlns:x=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><x:body>"
                + "<x:p><x:r><x:t>any prefix</x:t></x:r></x:p></x:body></x:document>")
        #expect(try Self.text(prefixed, "a.docx") == "any prefix")
    }

    @Test(".odt: white space collapses, text:s/tab/line-break kept, notes, annotations and changes dropped")
    func odt() throws {
        let content = """
            <?xml version="1.0" encoding="UTF-8"?>
            <office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" \
            xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:text>
              <text:tracked-changes><text:changed-region><text:deletion><text:p>deleted</text:p></text:deletion>\
            </text:changed-region></text:tracked-changes>
              <text:h text:outline-level="1">The   Title</text:h>
              <text:p>  Two <text:s text:c="2"/>more<text:tab/>tab<text:line-break/>next\
            <text:note><text:note-citation>1</text:note-citation><text:note-body><text:p>a note</text:p></text:note-body></text:note>\
            <office:annotation><text:p>a comment</text:p></office:annotation> end  </text:p>
              <text:list><text:list-item><text:p>item</text:p></text:list-item></text:list>
            </office:text></office:body></office:document-content>
            """
        let odt = try TestZip.make([
            .init("mimetype", bytes: Array("application/vnd.oasis.opendocument.text".utf8), deflate: false),
            .init("content.xml", content),
        ])
        #expect(try Self.text(odt, "a.odt") == "The Title\n\nTwo   more\ttab\nnext end\n\nitem")
    }

    @Test(".html: blocks are paragraphs, scripts, styles and titles dropped, entities decoded, pre kept")
    func html() throws {
        let html = """
            <!DOCTYPE html><html><head><title>Not text</title><style>p { color: red }</style></head><body>
            <h1>Heading</h1><p>One   <b>bold</b>
            word&nbsp;&amp;&eacute;&#233;&#x2014;&unknown; x < y</p><script>document.write("<p>no</p>")</script>
            <!-- a comment --><ul><li>first<li>second</ul><p>line<br>break</p><pre>  two
              lines</pre></body></html>
            """
        let text = try Self.text(Array(html.utf8), "a.html")
        #expect(
            text
                == "Heading\n\nOne bold word &éé—&unknown; x < y\n\nfirst\n\nsecond\n\nline\nbreak\n\n  two\n  lines")
    }

    @Test(".rtf: body text, paragraphs, Unicode and code-page characters; tables, info and {\\*} groups dropped")
    func rtf() throws {
        let rtf = #"""
            {\rtf1\ansi\deff0{\fonttbl{\f0 Times;}}{\colortbl;\red0\green0\blue0;}{\info{\title Secret}}
            {\*\generator Writer;}\f0 Caf\'e9 \u8220?quoted\u8221? {\b bold}\tab tab\line next\par
            Second\~paragraph \{braces\}\emdash end{\footnote a note}\par}
            """#
        #expect(try Self.text(Array(rtf.utf8), "a.rtf") == "Café “quoted” bold\ttab\nnext\n\nSecond paragraph {braces}—end")
    }
}
