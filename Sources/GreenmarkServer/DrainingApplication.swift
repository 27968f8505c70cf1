import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import ServiceLifecycle

/// The application with a bounded drain: on graceful shutdown (SIGTERM, SIGINT) the generation
/// gate stops admitting (queued generations get 503 `generation.shutting_down` at once) and
/// cancels the generations still running after `generationGrace`; Hummingbird closes the
/// listener and lets in-flight requests finish; whatever is still open after `drainBound` (a
/// client that never sends the rest of its body, one that stopped reading) is cancelled, its
/// connection closed, and `run()` returns. So the process always exits within `drainBound` of the
/// signal (docs/daemon.md).
///
/// Everything but `run()` is the base application's, so `HummingbirdTesting` (which runs the
/// base's parts in its own service group) tests the same router.
struct DrainingApplication<Base: ApplicationProtocol>: ApplicationProtocol {
    typealias Responder = Base.Responder

    let base: Base
    let gate: GenerationGate
    let generationGrace: Duration
    let drainBound: Duration

    var responder: Responder { get async throws { try await base.responder } }
    var server: HTTPServerBuilder { base.server }
    var eventLoopGroup: any EventLoopGroup { base.eventLoopGroup }
    var configuration: ApplicationConfiguration { base.configuration }
    var logger: Logger { base.logger }
    @Sendable func onServerRunning(_ channel: any Channel) async { await base.onServerRunning(channel) }
    var services: [any Service] { base.services }
    var processesRunBeforeServerStart: [@Sendable () async throws -> Void] { base.processesRunBeforeServerStart }

    private struct DrainBoundReached: Error {}

    func run() async throws {
        let (gate, grace, bound, logger) = (gate, generationGrace, drainBound, logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await base.run() }
            group.addTask {
                // Returns when graceful shutdown begins (throws if the group is cancelled first).
                try await gracefulShutdown()
                logger.info("shutting down: queued generations refused, running ones cancelled after \(grace), every request cut after \(bound)")
                gate.shutDown(grace: grace)
                try await Task.sleep(for: bound)
                throw DrainBoundReached()
            }
            do {
                try await group.next()
            } catch is DrainBoundReached {
                logger.warning("drain bound of \(bound) reached: cancelling the requests still open")
                group.cancelAll()
                while !group.isEmpty { _ = try? await group.next() }
                return
            }
            group.cancelAll()
            while !group.isEmpty { _ = try? await group.next() }
        }
    }
}
