import Hummingbird
import Logging

/// The greenmarkd HTTP application.
public enum GreenmarkApplication {
    /// An application serving the v1 routes on `host:port` (port 0 picks a free port); on
    /// SIGTERM, running generations get `generationGrace` and every open request `drainBound`.
    public static func make(
        services: GreenmarkServices, host: String = "127.0.0.1", port: Int = 8080,
        generationGrace: Duration = DaemonConfiguration().generationGrace,
        drainBound: Duration = DaemonConfiguration().drainBound, logger: Logger? = nil
    ) -> some ApplicationProtocol {
        var log = logger ?? Logger(label: "greenmarkd")
        if logger == nil { log.logLevel = .info }
        let application = Application(
            router: GreenmarkRoutes.router(services: services),
            configuration: .init(address: .hostname(host, port: port), serverName: "greenmarkd"),
            logger: log
        )
        // SIGTERM: generations drained within their grace, the whole drain within its bound (docs/daemon.md).
        return DrainingApplication(
            base: application, gate: services.gate,
            generationGrace: generationGrace, drainBound: drainBound)
    }
}
