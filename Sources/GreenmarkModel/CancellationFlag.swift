import Synchronization

/// A thread-safe flag a consumer sets to stop a running generation at the next token; handlers
/// registered with `onCancel` run once, when it is set.
public final class CancellationFlag: Sendable {
    private let state = Atomic<Bool>(false)
    private let handlers = Mutex<[@Sendable () -> Void]?>([])

    public init() {}

    /// Asks the generation to stop, and runs the handlers (once, on the calling thread).
    public func cancel() {
        state.store(true, ordering: .releasing)
        let pending = handlers.withLock { h -> [@Sendable () -> Void] in
            defer { h = nil }
            return h ?? []
        }
        for handler in pending { handler() }
    }

    /// Whether cancellation was requested.
    public var isCancelled: Bool { state.load(ordering: .acquiring) }

    /// Runs `handler` when the flag is cancelled; at once (on this thread) if it already is.
    public func onCancel(_ handler: @escaping @Sendable () -> Void) {
        let runNow = handlers.withLock { h -> Bool in
            guard h != nil else { return true }
            h!.append(handler)
            return false
        }
        if runNow { handler() }
    }
}
