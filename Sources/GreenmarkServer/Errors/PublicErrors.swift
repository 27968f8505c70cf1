import Foundation
import GreenmarkStorage
import HTTPTypes
import Hummingbird
import Logging

/// What error bodies may say (#17, "no leaks"). Error messages are written for operators, and many
/// name files (`no keyring at /var/lib/greenmark/keyring.json`) or quote the storage driver
/// (`cannot connect to postgresql://…@10.0.0.5:5432/…: connection refused`). Every error body is
/// rewritten before it leaves the daemon: the home directory becomes `HOME`, any other absolute
/// filesystem path becomes `<path>`, and storage errors say only what failed and what to do (the
/// code is unchanged, so clients and tests still match on it). The full reason goes to the
/// daemon's log. The same rules apply to every caller: authenticated callers do not need server
/// paths either, and one rule cannot be bypassed by calling without a token.
public enum PublicErrors {
    static let logger = Logger(label: "greenmarkd.errors")

    /// `message` without server paths: the home (as configured, absolute and resolved) → `HOME`,
    /// other absolute paths of two or more segments → `<path>`. API paths (`/v1/…`) are kept.
    public static func scrub(_ message: String, home: String) -> String {
        var text = message
        let absolute = URL(fileURLWithPath: home).standardizedFileURL.path
        let resolved = URL(fileURLWithPath: absolute).resolvingSymlinksInPath().path
        for form in Set([resolved, absolute, home]).filter({ !$0.isEmpty && $0 != "/" }).sorted(by: { $0.count > $1.count }) {
            text = text.replacingOccurrences(of: form, with: "HOME")
        }
        return scrubAbsolutePaths(text)
    }

    /// Replaces each absolute path (a token starting with `/` after the start, a space, a quote,
    /// a bracket, `=` or `,`, with at least two segments, not `/v1/…`) with `<path>`.
    static func scrubAbsolutePaths(_ text: String) -> String {
        let delimiters: Set<Character> = [" ", "\t", "\n", "\"", "'", "(", ")", "[", "]", ",", ";", "<", ">", "`"]
        let before: Set<Character> = [" ", "\t", "\n", "\"", "'", "(", "[", "=", ",", "`"]
        var out = ""
        var i = text.startIndex
        while i < text.endIndex {
            let c = text[i]
            let starts = c == "/" && (i == text.startIndex || before.contains(text[text.index(before: i)]))
            guard starts else {
                out.append(c)
                i = text.index(after: i)
                continue
            }
            var end = text[i...].firstIndex(where: { delimiters.contains($0) }) ?? text.endIndex
            // Punctuation that ends a sentence or a clause is not part of the path.
            while end > i, ".:,;!?".contains(text[text.index(before: end)]) { end = text.index(before: end) }
            let token = text[i..<end]
            out += token.split(separator: "/").count >= 2 && !token.hasPrefix("/v1/") ? "<path>" : String(token)
            i = end
        }
        return out
    }

    /// What a storage error's body says: the failure and what to do, never the driver's text.
    static func storageMessage(_ error: StorageError) -> String {
        switch error.code {
        case .openFailed: "the registry database cannot be reached; retry shortly (the daemon's log has the reason)"
        case .readFailed: "reading the registry database failed; retry shortly (the daemon's log has the reason)"
        case .writeFailed: "writing to the registry database failed (a full or read-only disk?); retry shortly (the daemon's log has the reason)"
        case .duplicate: "a record with this id exists already"
        case .conflict: "the record was changed by someone else at the same time; retry"
        default: "the registry database failed (the daemon's log has the reason)"
        }
    }

    /// Logs a storage error's full reason (the location is already redacted by the storage layer).
    static func log(_ error: StorageError) {
        logger.error("registry error", metadata: ["code": "\(error.code.rawValue)", "reason": "\(error.reason)"])
    }
}

/// Turns every error that knows its answer (`HTTPCodedError`: `APIError` and the domain errors)
/// into an `APIError` whose message went through `PublicErrors.scrub`, logs the full reason of
/// every storage error and the original of every 5xx. The outermost middleware.
struct PublicErrorMiddleware: RouterMiddleware {
    typealias Context = GreenmarkRequestContext
    let home: String

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as any HTTPCodedError {
            throw PublicErrors.answer(error, home: home, logger: context.logger)
        }
    }
}

extension PublicErrors {
    /// `error`'s answer with the message scrubbed; storage reasons and 5xx originals logged.
    static func answer(_ error: any HTTPCodedError, home: String, logger: Logger) -> APIError {
        if let storage = error as? StorageError { log(storage) }
        var answer = error.apiError
        if answer.status.code >= 500 {
            logger.warning("request failed", metadata: ["code": "\(answer.code)", "reason": "\(answer.message)"])
        }
        answer.message = scrub(answer.message, home: home)
        return answer
    }
}
