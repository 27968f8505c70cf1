import Foundation
import Testing

/// The module edges of `docs/architecture.md`, checked on the text of `Package.swift` and the
/// `import` lines under `Sources/`: C shims have one importer each, `GreenmarkCore` is pure,
/// `GreenmarkModel` does not reach certificates, storage or the server, only `GreenmarkCLI` among
/// the libraries parses command lines, and dependencies point one way (down the layers).
@Suite("Module edges (docs/architecture.md)")
struct ModuleEdgeTests {
    /// Layers, lowest first: a target may depend only on targets of a lower layer.
    static let layers: [String: Int] = [
        "COpenSSL": 0, "CLlama": 0, "CLibPQ": 0,
        "GreenmarkCrypto": 1,
        "GreenmarkCore": 2, "GreenmarkTransparency": 2,
        "GreenmarkKeys": 3, "GreenmarkCertificates": 3, "GreenmarkDocuments": 3, "GreenmarkModel": 3, "GreenmarkStorage": 3,
        "GreenmarkEval": 4,
        "GreenmarkServer": 5, "GreenmarkCLI": 5,
        "greenmark": 6, "greenmarkd": 6,
    ]

    /// The only module allowed to import each C shim.
    static let shimOwners = ["COpenSSL": "GreenmarkCrypto", "CLlama": "GreenmarkModel", "CLibPQ": "GreenmarkStorage"]

    /// What `GreenmarkCore` may import: Foundation, the crypto façade, and the C library (for `lgamma`, `log1p`).
    static let coreImports: Set<String> = ["Foundation", "GreenmarkCrypto", "Glibc", "Darwin"]

    /// Names that mean file or process I/O; none may appear in `GreenmarkCore`.
    static let fileIO = [
        "FileManager", "fopen", "Data(contentsOf", "contentsOfFile", "write(to", "AtomicFileWriter", "HomeLock",
        "SealedFile", "MasterKey", "ProcessInfo", "FileHandle",
    ]

    /// Every `import` in each target under `Sources/`: target name → file path → imported modules.
    static func sourceImports() throws -> [String: [String: Set<String>]] {
        let sources = repositoryRoot.appendingPathComponent("Sources")
        var result: [String: [String: Set<String>]] = [:]
        for target in try FileManager.default.contentsOfDirectory(atPath: sources.path) {
            let root = sources.appendingPathComponent(target)
            guard let files = FileManager.default.enumerator(atPath: root.path) else { continue }
            for case let file as String in files where file.hasSuffix(".swift") {
                let text = try String(contentsOf: root.appendingPathComponent(file), encoding: .utf8)
                let modules = text.split(separator: "\n").compactMap { line -> String? in
                    let words = line.split(separator: " ").filter { !$0.hasPrefix("@") }
                    return words.count == 2 && words[0] == "import" ? String(words[1]) : nil
                }
                result[target, default: [:]]["Sources/\(target)/\(file)"] = Set(modules)
            }
        }
        return result
    }

    /// The dependencies each target declares in `Package.swift`: target names and product names alike.
    static func declaredDependencies() throws -> [String: Set<String>] {
        let manifest = try String(contentsOf: repositoryRoot.appendingPathComponent("Package.swift"), encoding: .utf8)
        let target = try Regex(#"\.(?:target|executableTarget|testTarget|systemLibrary|plugin|binaryTarget)\(\s*name: "(\w+)""#)
        let starts = manifest.matches(of: target)
        var result: [String: Set<String>] = [:]
        for (i, match) in starts.enumerated() {
            let end = i + 1 < starts.count ? starts[i + 1].range.lowerBound : manifest.endIndex
            let block = manifest[match.range.upperBound..<end]
            var names: Set<String> = []
            if let list = try Regex(#"dependencies: \[([^\]]*)\]"#).firstMatch(in: block), let body = list.output[1].substring {
                for quoted in body.matches(of: try Regex(#"(package: )?"([\w.-]+)""#)) where quoted.output[1].substring == nil {
                    names.insert(String(quoted.output[2].substring!))
                }
            }
            result[String(match.output[1].substring!)] = names
        }
        return result
    }

    @Test("each C shim is imported only by its owner")
    func shims() throws {
        for (target, files) in try Self.sourceImports() {
            for (file, modules) in files {
                for (shim, owner) in Self.shimOwners where modules.contains(shim) {
                    #expect(target == owner, "\(file) imports \(shim); only \(owner) may")
                }
            }
        }
    }

    @Test("GreenmarkCore imports only Foundation, GreenmarkCrypto and the C library, and does no file I/O")
    func corePure() throws {
        let core = try #require(try Self.sourceImports()["GreenmarkCore"])
        for (file, modules) in core {
            #expect(modules.isSubset(of: Self.coreImports), "\(file) imports \(modules.subtracting(Self.coreImports).sorted())")
            let text = try String(contentsOf: repositoryRoot.appendingPathComponent(file), encoding: .utf8)
            for name in Self.fileIO {
                #expect(
                    text.range(of: #"(?<![A-Za-z])"# + NSRegularExpression.escapedPattern(for: name), options: .regularExpression) == nil,
                    "\(file) mentions \(name): file I/O belongs in GreenmarkKeys or above")
            }
        }
    }

    @Test("GreenmarkModel imports no certificates, keys, storage or server")
    func modelEdges() throws {
        let forbidden: Set<String> = ["GreenmarkCertificates", "GreenmarkKeys", "GreenmarkStorage", "GreenmarkServer"]
        for (file, modules) in try #require(try Self.sourceImports()["GreenmarkModel"]) {
            #expect(modules.isDisjoint(with: forbidden), "\(file) imports \(modules.intersection(forbidden).sorted())")
        }
        #expect(try Self.declaredDependencies()["GreenmarkModel"]?.isDisjoint(with: forbidden) == true)
    }

    @Test("among the libraries only GreenmarkCLI parses command lines (ArgumentParser)")
    func argumentParser() throws {
        let parsers: Set<String> = ["greenmark", "greenmarkd", "GreenmarkCLI"]
        for (target, files) in try Self.sourceImports() where !parsers.contains(target) {
            for (file, modules) in files {
                #expect(!modules.contains("ArgumentParser"), "\(file) imports ArgumentParser; command lines belong to the executables")
            }
        }
        for (target, dependencies) in try Self.declaredDependencies() where Self.layers[target] != nil && !parsers.contains(target) {
            #expect(!dependencies.contains("ArgumentParser"), "\(target) depends on ArgumentParser")
        }
    }

    @Test("dependencies point one way, and every first-party import is a declared dependency")
    func layering() throws {
        let declared = try Self.declaredDependencies()
        for (target, dependencies) in declared {
            guard let layer = Self.layers[target] else { continue }  // test targets and test support
            for dependency in dependencies {
                guard let below = Self.layers[dependency] else { continue }  // products of other packages
                #expect(below < layer, "\(target) (layer \(layer)) depends on \(dependency) (layer \(below))")
            }
        }
        for (target, files) in try Self.sourceImports() {
            #expect(Self.layers[target] != nil, "Sources/\(target) is not in ModuleEdgeTests.layers (add it and docs/architecture.md)")
            let allowed = declared[target] ?? []
            for (file, modules) in files {
                for module in modules where Self.layers[module] != nil && module != target {
                    #expect(allowed.contains(module), "\(file) imports \(module), which \(target) does not declare in Package.swift")
                }
            }
        }
    }
}
