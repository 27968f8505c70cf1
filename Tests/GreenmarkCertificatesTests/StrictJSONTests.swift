import Foundation
import Testing

@testable import GreenmarkCertificates

/// Repeated member names (`StrictJSON`): found wherever they are, never reported where a name
/// merely recurs in another object or as a value.
@Suite("Repeated JSON member names")
struct StrictJSONTests {
    func dup(_ s: String) -> Bool { StrictJSON.hasDuplicateKeys(Array(s.utf8)) }

    @Test("repeated names are found at any depth, also when spelled with escapes")
    func found() {
        #expect(dup(#"{"alg":"none","alg":"EdDSA"}"#))
        #expect(dup(#"{"a":{"b":1,"c":[{"d":1,"d":2}]}}"#))
        #expect(dup(#"[{"x":1},{"y":1,"y":1}]"#))
        #expect(dup(#"{"alg":1,"\u0061lg":2}"#))
        #expect(dup(#"{"a\"b":1,"a\u0022b":2}"#))
        #expect(dup(#"{ "a" : 1 , "a" : 2 }"#))
    }

    @Test("no false alarm: the same name in sibling or nested objects, names as values, escaped quotes and braces in strings")
    func notFound() {
        #expect(!dup(#"{"subject":[{"name":"text","digest":{"sha256":"ab"}},{"name":"other","digest":{"sha256":"cd"}}]}"#))
        #expect(!dup(#"{"a":{"a":{"a":1}},"b":"a"}"#))
        #expect(!dup(#"{"k":"va\"l,\"k\":{","j":"}]["}"#))
        #expect(!dup(#"{"a\\":1,"a":2}"#))
        #expect(!dup("{\"\u{E9}\":1,\"e\u{301}\":2}"))  // NFC and NFD spellings are different names in JSON
        #expect(!dup(#"[1,"a","a",{"a":1}]"#))
        #expect(!dup("{}"))
    }

    @Test("every shipped example and positive conformance certificate has no repeated name")
    func examples() throws {
        for name in ConformanceTests.caseNames where name.hasPrefix("valid-") {
            let bytes = Array(try Data(contentsOf: ConformanceTests.root.appendingPathComponent("\(name)/certificate.json")))
            #expect(!StrictJSON.hasDuplicateKeys(bytes), "\(name)")
        }
    }
}
