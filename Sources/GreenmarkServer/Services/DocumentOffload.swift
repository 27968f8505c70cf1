import NIOPosix

/// Document extraction's own two threads, apart from `offload`'s pool: reading a hostile PDF may
/// hold a thread until its child process is killed at the time limit (`DocumentLimits`), and that
/// must not hold up scoring, registry calls or health checks. At most two documents are read at
/// once; further uploads wait for a thread.
enum DocumentOffload {
    /// The pool, started on first use and kept for the life of the process.
    static let pool: NIOThreadPool = {
        let pool = NIOThreadPool(numberOfThreads: 2)
        pool.start()
        return pool
    }()

    /// Runs `work` on the document threads; its errors come out as thrown.
    static func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await pool.runIfActive(work)
    }
}
