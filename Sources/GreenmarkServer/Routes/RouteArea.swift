import Hummingbird

/// The routes of one area of the API (health, detection, certificates, trust, admin, log,
/// generation, web pages), built from that area's services only; `GreenmarkRoutes.router` adds each.
protocol RouteArea {
    var routes: RouteCollection<GreenmarkRequestContext> { get }
}
