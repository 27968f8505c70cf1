import Foundation
import GreenmarkCrypto
import GreenmarkTestSupport
import GreenmarkTransparency
import Testing

/// `SignedNote` and `Checkpoint` against the C2SP signed-note and tlog-checkpoint vectors of
/// golang.org/x/mod (`sumdb/note`, `sumdb/tlog`), transparency-dev/formats (`log`) and the C2SP spec
/// (`../shared/external-vectors/c2sp-signed-note/vectors.json`, read at run time, never copied):
/// key strings and key IDs, byte-exact signing, the 22 notes with their expected outcomes (a real
/// sum.golang.org checkpoint among them), bad keys, checkpoint bodies and multi-signer checkpoints.
@Suite(
    "C2SP signed notes and checkpoints (golang.org/x/mod, transparency-dev/formats, C2SP)",
    .enabled(
        if: ExternalVectors.enabled("c2sp-signed-note"),
        "needs ../shared/external-vectors/c2sp-signed-note (never copied here); always runs when CI is set"))
struct SignedNoteVectorTests {
    struct Vectors: Decodable {
        struct Key: Decodable {
            let name, vkey, key_id: String
            let skey: String?
        }
        struct Want: Decodable {
            struct Checkpoint: Decodable {
                let origin: String
                let size: Int
                let root_hash_b64: String
            }
            let ok: Bool
            let text: String?
            let error: String?
            let verified: [String]?
            let unverified: [String]?
            let unverified_count: Int?
            let checkpoint: Checkpoint?
            let origin_mismatch_must_fail: String?
        }
        struct Note: Decodable {
            let id: String
            let text: String?
            let signer_skeys: [String]?
            let want_signed_note: String?
            let note_hex: String?
            let verifier_vkeys: [String]?
            let want: Want?
        }
        struct BadKeys: Decodable {
            struct Explicit: Decodable { let vkey, why: String }
            let explicit: [Explicit]
        }
        struct SignError: Decodable {
            struct Existing: Decodable {
                let name: String
                let hash: String?
                let base64: String
            }
            let text: String
            let existing_sig: Existing?
        }
        let keys: [Key]
        let valid: [Note]
        let invalid: [Note]
        let bad_verifier_keys: BadKeys
        let sign_errors: [SignError]
    }

    static func vectors() throws -> Vectors {
        try JSONDecoder().decode(Vectors.self, from: ExternalVectors.data("c2sp-signed-note", "vectors.json"))
    }

    /// Parses and opens a note with the given verifier key strings, as Go's `note.Open`.
    static func open(_ note: Vectors.Note) throws -> SignedNote.Opened {
        let verifiers = try (note.verifier_vkeys ?? []).map { try SignedNote.Verifier(verifierKey: $0) }
        return try SignedNote.parse(Hex.decode(note.note_hex ?? "")).open(verifiers)
    }

    @Test("the 8 keys: verifier keys parse and re-encode, key IDs are SHA-256(name || 0x0A || 0x01 || key)[0..4], signer keys match")
    func keys() throws {
        let v = try Self.vectors()
        var signers = 0
        for k in v.keys {
            let verifier = try SignedNote.Verifier(verifierKey: k.vkey)
            #expect(verifier.name == k.name && Hex.encode(verifier.keyID) == k.key_id, "\(k.name)")
            #expect(verifier.verifierKey == k.vkey && Checkpoint.keyID(name: k.name, publicKey: verifier.publicKey) == verifier.keyID)
            if let skey = k.skey {
                let signer = try SignedNote.Signer(signerKey: skey)
                #expect(signer.verifier.verifierKey == k.vkey && signer.keyID == verifier.keyID, "\(k.name)")
                signers += 1
            }
        }
        #expect(v.keys.count == 8 && signers == 6)
    }

    @Test("the 8 valid notes: 2 signed byte for byte, 6 open with the expected verified and unverified keys (sum.golang.org included)")
    func valid() throws {
        let v = try Self.vectors()
        var (signed, opened) = (0, 0)
        for note in v.valid {
            if let text = note.text, let skeys = note.signer_skeys, let want = note.want_signed_note {
                let signers = try skeys.map { try SignedNote.Signer(signerKey: $0) }
                #expect(try SignedNote(text: text).signed(by: signers).encoded == want, "\(note.id)")
                // Adding the signatures one at a time (ExampleSign_add_signatures) gives the same note.
                var incremental = try SignedNote(text: text)
                for signer in signers { incremental = try SignedNote.parse(Array(incremental.signed(by: [signer]).encoded.utf8)) }
                #expect(incremental.encoded == want, "\(note.id)")
                signed += 1
                continue
            }
            let want = try #require(note.want, "\(note.id)")
            #expect(want.ok)
            let result = try Self.open(note)
            #expect(result.verified.map(\.keyName) == want.verified, "\(note.id)")
            if let unverified = want.unverified { #expect(result.unverified.map(\.keyName) == unverified, "\(note.id)") }
            if let count = want.unverified_count { #expect(result.unverified.count == count, "\(note.id)") }
            if let text = want.text { #expect(result.text == text, "\(note.id)") }
            if let c = want.checkpoint {
                let verifier = try SignedNote.Verifier(verifierKey: try #require(note.verifier_vkeys?.first))
                let bytes = try Hex.decode(note.note_hex ?? "")
                let checkpoint = try Checkpoint.open(note: bytes, origin: c.origin, verifier: verifier).checkpoint
                #expect(checkpoint.origin == c.origin && checkpoint.size == c.size, "\(note.id)")
                #expect(Data(checkpoint.root).base64EncodedString() == c.root_hash_b64, "\(note.id)")
                let wrongOrigin = try #require(want.origin_mismatch_must_fail)
                #expect(throws: TransparencyError.self, "\(note.id)") { try Checkpoint.open(note: bytes, origin: wrongOrigin, verifier: verifier) }
            }
            opened += 1
        }
        #expect(v.valid.count == 8 && signed == 2 && opened == 6)
    }

    @Test("the 14 invalid notes are rejected with the reference's reason: malformed, no verifiable signature, invalid signature, ambiguous key")
    func invalid() throws {
        let v = try Self.vectors()
        for note in v.invalid {
            let want = try #require(note.want, "\(note.id)")
            #expect(!want.ok)
            do {
                let result = try Self.open(note)
                Issue.record("\(note.id): accepted, verified \(result.verified.map(\.keyName))")
            } catch let error as TransparencyError {
                switch want.error {
                case "malformed note"?: #expect(error.code == .checkpointMalformed, "\(note.id): \(error.reason)")
                case let reason?: #expect(error.code == .checkpointSignature && error.reason == reason, "\(note.id): \(error.reason)")
                case nil: #expect(error.code == .checkpointSignature, "\(note.id): \(error.reason)")
                }
            }
        }
        #expect(v.invalid.count == 14 && v.valid.count + v.invalid.count == 22)
    }

    @Test("bad key strings: the 2 explicit ones, every proper substring and every one-byte increment of PeterNeumann's vkey and skey")
    func badKeys() throws {
        let v = try Self.vectors()
        for bad in v.bad_verifier_keys.explicit {
            #expect(throws: TransparencyError.self, "\(bad.why)") { try SignedNote.Verifier(verifierKey: bad.vkey) }
        }
        let peter = try #require(v.keys.first { $0.name == "PeterNeumann" })
        let (vkey, skey) = (Array(peter.vkey.utf8), Array(try #require(peter.skey).utf8))
        var checked = 0
        for (key, parse) in [
            (vkey, { (s: String) throws in _ = try SignedNote.Verifier(verifierKey: s) }),
            (skey, { (s: String) throws in _ = try SignedNote.Signer(signerKey: s) }),
        ] {
            try parse(String(decoding: key, as: UTF8.self))
            for start in 0..<key.count {
                for end in (start + 1)...key.count where end - start < key.count {
                    let s = String(decoding: key[start..<end], as: UTF8.self)
                    #expect(throws: TransparencyError.self, "\(s)") { try parse(s) }
                    checked += 1
                }
            }
            for i in key.indices {
                var changed = key
                changed[i] &+= 1
                let s = String(decoding: changed, as: UTF8.self)
                #expect(throws: TransparencyError.self, "\(s)") { try parse(s) }
                checked += 1
            }
        }
        let substrings = { (n: Int) in n * (n + 1) / 2 - 1 }
        #expect(v.bad_verifier_keys.explicit.count == 2 && checked == substrings(vkey.count) + vkey.count + substrings(skey.count) + skey.count)
    }

    @Test("the 3 signing errors: a text without final newline, an existing signature with an invalid name or a key ID its base64 contradicts")
    func signErrors() throws {
        let v = try Self.vectors()
        let peter = try SignedNote.Signer(signerKey: try #require(v.keys.first { $0.name == "PeterNeumann" }?.skey))
        for e in v.sign_errors {
            #expect(throws: TransparencyError.self, "\(e.text)") {
                var signatures = [SignedNote.Signature]()
                if let s = e.existing_sig {
                    signatures.append(try SignedNote.Signature(name: s.name, base64: s.base64, keyID: try s.hash.map { try Hex.decode($0) }))
                }
                _ = try SignedNote(text: e.text, signatures: signatures).signed(by: [peter])
            }
        }
        #expect(v.sign_errors.count == 3)
    }

    @Test("Greenmark's own log: its served verifier key reads as a C2SP key and its checkpoint opens next to a known witness's cosignature")
    func greenmarkLog() throws {
        let home = NSTemporaryDirectory() + "greenmark-signednote-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(atPath: home) }
        let key = try LogKey.loadOrCreate(directory: home)
        let verifier = try SignedNote.Verifier(verifierKey: key.verifierKey)
        #expect(verifier.name == key.origin && verifier.publicKey == key.key.publicKey && verifier.verifierKey == key.verifierKey)
        let note = try Checkpoint(origin: key.origin, size: 3, root: MerkleTree.emptyRoot).signed(name: key.origin, key: key.key)
        let witness = try SignedNote.Signer(signerKey: try #require(Self.vectors().keys.first { $0.name == "Known" }?.skey))
        let cosigned = try SignedNote.parse(Array(note.utf8)).signed(by: [witness]).encoded
        let (checkpoint, opened) = try Checkpoint.open(note: Array(cosigned.utf8), origin: key.origin, verifier: verifier, others: [witness.verifier])
        #expect(checkpoint.size == 3 && opened.verified.count == 2)
        #expect(try Checkpoint.verify(note: cosigned, name: key.origin, publicKey: key.key.publicKey) == checkpoint)
    }

    struct CheckpointVectors: Decodable {
        struct Body: Decodable {
            struct Marshal: Decodable {
                let origin: String
                let size: Int
                let hash_ascii, want: String
            }
            struct Unmarshal: Decodable {
                let desc, m: String
                let wantErr: Bool?
                let want: Want?
            }
            struct Want: Decodable {
                let origin: String
                let size: Int
            }
            let marshal: [Marshal]
            let unmarshal: [Unmarshal]
        }
        struct MultiSigner: Decodable {
            struct Case: Decodable {
                let signers: [String]
                let wantErr: Bool
                let wantSigs: Int?
                let body, origin: String?
            }
            let checkpoint_text, log_vkey: String
            let other_verifiers: [String]
            let cases: [Case]
        }
        struct TreeNote: Decodable {
            struct Format: Decodable {
                let n: Int
                let hash_b64, want: String
            }
            let format_tree: Format
            let bad_trees: [String]
        }
        struct SpecExamples: Decodable {
            let checkpoint: String
            let cosigned_checkpoint_signature_lines: [String]
        }
        let keys: [Vectors.Key]
        let checkpoint_body: Body
        let checkpoint_multi_signer: MultiSigner
        let sumdb_tree_note: TreeNote
        let spec_examples_parse_only: SpecExamples
    }

    static func checkpointVectors() throws -> CheckpointVectors {
        try JSONDecoder().decode(CheckpointVectors.self, from: ExternalVectors.data("c2sp-signed-note", "vectors.json"))
    }

    /// `m` with its root line (the third) re-encoded as a 32-byte hash, when it is base64: formats'
    /// test hashes are 7 and 37 bytes, and a checkpoint of an RFC 6962 log has a SHA-256 root.
    static func withSHA256Root(_ m: String) -> String {
        var lines = m.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard lines.count >= 3, let hash = Data(base64Encoded: lines[2]) else { return m }
        lines[2] = Data((Array(hash) + [UInt8](repeating: 0, count: 32)).prefix(32)).base64EncodedString()
        return lines.joined(separator: "\n")
    }

    @Test("checkpoint bodies: formats' 2 marshal and 11 unmarshal cases (roots made 32 bytes), and Greenmark refuses the other root sizes")
    func checkpointBodies() throws {
        let body = try Self.checkpointVectors().checkpoint_body
        for m in body.marshal {
            // Checkpoint holds only 32-byte roots, so the line format is checked on a padded root too.
            let root = (Array(m.hash_ascii.utf8) + [UInt8](repeating: 0, count: 32)).prefix(32)
            let want = Self.withSHA256Root(m.want)
            #expect(try Checkpoint(origin: m.origin, size: m.size, root: Array(root)).body == want, "\(m.origin)")
            #expect(throws: TransparencyError.self) { try Checkpoint.parse(body: m.want) }
        }
        var (accepted, rejected) = (0, 0)
        for u in body.unmarshal {
            let m = Self.withSHA256Root(u.m)
            if u.wantErr == true {
                #expect(throws: TransparencyError.self, "\(u.desc)") { try Checkpoint.parse(body: m) }
                rejected += 1
            } else {
                let want = try #require(u.want, "\(u.desc)")
                let c = try Checkpoint.parse(body: m)
                #expect(c.origin == want.origin && c.size == want.size, "\(u.desc)")
                #expect(throws: TransparencyError.self, "\(u.desc): the body with its short root") { try Checkpoint.parse(body: u.m) }
                accepted += 1
            }
        }
        #expect(body.marshal.count == 2 && accepted == 4 && rejected == 7)
    }

    @Test("formats' 11 multi-signer checkpoint cases: the log's signature is required, known witnesses count once, unknown ones are ignored")
    func multiSigner() throws {
        let v = try Self.checkpointVectors()
        let ms = v.checkpoint_multi_signer
        let log = try SignedNote.Verifier(verifierKey: ms.log_vkey)
        let others = try ms.other_verifiers.map { try SignedNote.Verifier(verifierKey: $0) }
        var signers = [String: SignedNote.Signer]()
        for k in v.keys { if let skey = k.skey { signers[k.name] = try SignedNote.Signer(signerKey: skey) } }
        for c in ms.cases {
            let text = c.body ?? ms.checkpoint_text
            let note = try SignedNote(text: text).signed(by: c.signers.map { try #require(signers[$0]) })
            let label = "\(c.signers) \(c.body ?? "") \(c.origin ?? "")"
            // formats' ParseCheckpoint: the log's signature verified, the body a checkpoint of `origin`.
            let result = Result { () throws -> Int in
                let opened = try SignedNote.parse(Array(note.encoded.utf8)).open([log] + others)
                guard opened.verified.contains(where: { $0.keyID == log.keyID }) else {
                    throw TransparencyError(.checkpointSignature, "no log signature")
                }
                let lines = opened.text.split(separator: "\n", omittingEmptySubsequences: false)
                guard lines.count >= 4, lines[0] == (c.origin ?? "TestParseCheckpoint"), Int(lines[1]) != nil else {
                    throw TransparencyError(.checkpointMalformed, "not this log's checkpoint")
                }
                return opened.verified.count
            }
            switch result {
            case .success(let count): #expect(!c.wantErr && count == c.wantSigs, "\(label): \(count) signatures")
            case .failure(let error): #expect(c.wantErr, "\(label): \(error)")
            }
            // The body's root is 6 bytes ("abcdef"), so Checkpoint itself refuses every one of them.
            #expect(throws: TransparencyError.self) { try Checkpoint.open(note: Array(note.encoded.utf8), verifier: log, others: others) }
            // With a SHA-256 root, Checkpoint.open gives the same verdicts and signature counts.
            let padded = try SignedNote(text: Self.withSHA256Root(text)).signed(by: c.signers.map { try #require(signers[$0]) })
            let origin = c.origin ?? "TestParseCheckpoint"
            let opened = Result { try Checkpoint.open(note: Array(padded.encoded.utf8), origin: origin, verifier: log, others: others) }
            #expect((try? opened.get().note.verified.count) == (c.wantErr ? nil : c.wantSigs), "\(label)")
        }
        #expect(ms.cases.count == 11)
    }

    @Test("go.sum database tree notes: the formatted tree, its RFC 6962 record hash, and 3 bad trees")
    func sumdbTree() throws {
        let tree = try Self.checkpointVectors().sumdb_tree_note
        let hash = try #require(Data(base64Encoded: tree.format_tree.hash_b64))
        #expect(Array(hash) == MerkleTree.leafHash(Array("hello world".utf8)))
        let c = try Checkpoint(origin: "go.sum database tree", size: tree.format_tree.n, root: Array(hash))
        #expect(c.body == tree.format_tree.want)
        #expect(try Checkpoint.parse(body: tree.format_tree.want) == c)
        for bad in tree.bad_trees {
            // The origin is the only thing a well-formed body can get wrong here.
            #expect((try? Checkpoint.parse(body: bad))?.origin != "go.sum database tree", "\(bad)")
        }
        #expect(tree.bad_trees.count == 3)
    }

    @Test("the C2SP spec's checkpoint and its timestamped cosignature parse; with no known key nothing verifies")
    func specExamples() throws {
        let spec = try Self.checkpointVectors().spec_examples_parse_only
        let note = try SignedNote.parse(Array(spec.checkpoint.utf8))
        let c = try Checkpoint.parse(body: note.text)
        #expect(c.origin == "example.com/behind-the-sofa" && c.size == 20_852_163 && note.signatures.count == 1)
        let cosigned = note.text + "\n" + spec.cosigned_checkpoint_signature_lines.map { $0 + "\n" }.joined()
        let parsed = try SignedNote.parse(Array(cosigned.utf8))
        // tlog-cosignature: key ID, 8-byte timestamp, 64-byte signature.
        #expect(parsed.signatures.map(\.signature.count) == [64, 72] && parsed.encoded == cosigned)
        #expect(throws: TransparencyError.self) { try parsed.open([]) }
    }
}
