import Synchronization

/// A thread-safe flag a consumer sets to stop a running generation at the next token.
public final class CancellationFlag: Sendable {
    private let state = Atomic<Bool>(false)

    public init() {}

    /// Asks the generation to stop.
    public func cancel() { state.store(true, ordering: .relaxed) }

    /// Whether cancellation was requested.
    public var isCancelled: Bool { state.load(ordering: .relaxed) }
}
