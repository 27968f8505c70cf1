import NIOPosix

/// Runs blocking work on NIO's thread pool: CPU-heavy scoring (normalizing, tokenizing and scoring
/// a text of up to 500,000 characters) and every registry call (GRDB and libpq are synchronous),
/// so neither holds the cooperative threads that answer health checks and run the graceful
/// shutdown on SIGTERM. Errors come out as thrown; domain errors render themselves.
func offload<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await NIOThreadPool.singleton.runIfActive(work)
}
