import ArgumentParser
import Foundation
import GreenmarkCertificates
import GreenmarkCore
import GreenmarkCrypto
import GreenmarkStorage
import GreenmarkTransparency

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
        } catch let error as GreenmarkError {
            fail(error.reason, code: error.code.rawValue)
        } catch let error as CertificateError {
            fail(error.reason, code: error.code.rawValue)
        } catch let error as StorageError {
            fail(error.reason, code: error.code.rawValue)
        } catch let error as CryptoError {
            fail(error.reason, code: error.code.rawValue)
        } catch let error as TransparencyError {
            fail(error.reason, code: error.code.rawValue)
        } catch let error as FileError {
            fail(error.reason, code: error.code.rawValue)
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

    private static func fail(_ message: String, code: String) -> Never {
        FileHandle.standardError.write(Data("greenmark: error: \(message) [\(code)]\n".utf8))
        exit(1)
    }
}
