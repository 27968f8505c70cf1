import Hummingbird

/// Builds the router with every v1 route.
public enum GreenmarkRoutes {
    /// The middleware every request passes, then each area's routes (`RouteArea`), the pages included.
    public static func router(services: GreenmarkServices) -> Router<GreenmarkRequestContext> {
        let router = Router(context: GreenmarkRequestContext.self)
        let routeTable = RouteTable()
        for middleware in middleware(services, routeTable) { router.add(middleware: middleware) }
        let areas: [any RouteArea] = [
            HealthRoutes(services: services.health), DetectionRoutes(services: services.detection),
            CertificateRoutes(detection: services.detection, issuing: services.issuing, trust: services.trust, log: services.log),
            TrustRoutes(trust: services.trust, keyringCache: services.detection.keyringCache), AdminRoutes(services: services.admin),
            LogRoutes(services: services.log), GenerationRoutes(services: services.generation, log: services.log), WebRoutes(),
            ModelRoutes(model: services.generation.model, tokenizer: services.detection.tokenizer),
        ]
        for area in areas { router.addRoutes(area.routes) }
        routeTable.load(from: router)
        return router
    }

    /// In order, outermost first: error bodies carry no server paths or storage internals
    /// (`PublicErrors`); nothing below (routing decisions, metrics, auth, rate limits, handlers)
    /// ever sees a non-canonical path (`CanonicalPath`); in-flight count and metrics; 405 for a
    /// known path with another method (`RouteTable`, filled once the router is complete); the
    /// token; the rate limit. Roles are checked per area (`RoleMiddleware`).
    static func middleware(_ services: GreenmarkServices, _ routeTable: RouteTable) -> [any Middleware] {
        var all: [any Middleware] = [
            PublicErrorMiddleware(home: services.home), CanonicalPathMiddleware(), InFlightMiddleware(),
            MetricsMiddleware(), MethodNotAllowedMiddleware(table: routeTable), AuthMiddleware(registry: services.registry),
        ]
        if let limiter = services.rateLimiter { all.append(RateLimitMiddleware(limiter: limiter)) }
        return all
    }

    typealias Middleware = MiddlewareProtocol<Request, Response, GreenmarkRequestContext>
}
