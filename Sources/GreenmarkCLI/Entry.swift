import ArgumentParser
import Foundation
import GreenmarkCrypto

#if canImport(Glibc)
    import Glibc
#endif

/// Runs the command line, turning typed errors into one clear line on stderr and exit code 1.
public enum GreenmarkEntry {
    public static func main(_ arguments: [String]? = nil) -> Never {
        do {
            var command = try Greenmark.parseAsRoot(arguments)
            try command.run()
            exit(0)
        } catch let error as any CodedError {
            // Every domain error (GreenmarkError, CertificateError, StorageError, CryptoError, ...).
            FileHandle.standardError.write(Data("greenmark: error: \(error.reason) [\(error.code.rawValue)]\n".utf8))
            exit(1)
        } catch {
            // `verify` promises 0 valid / 1 invalid / 2 usage error, so its parse errors exit 2.
            let args = arguments ?? Array(CommandLine.arguments.dropFirst())
            if args.first == "verify", Greenmark.exitCode(for: error) != .success, !(error is ExitCode) {
                FileHandle.standardError.write(Data((Greenmark.fullMessage(for: error) + "\n").utf8))
                exit(2)
            }
            Greenmark.exit(withError: error)
        }
    }
}
