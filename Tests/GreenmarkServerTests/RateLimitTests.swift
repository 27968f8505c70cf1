import Foundation
import GreenmarkServer
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// Per-caller token buckets: over real HTTP, and the bucket arithmetic.
@Suite("greenmarkd rate limits", .serialized)
struct RateLimitTests {
    @Test("a burst beyond the limit gets 429 rate.limited with Retry-After; another token and probes are unaffected")
    func burst() async throws {
        let s0 = try ServerTests().setup()
        defer { try? FileManager.default.removeItem(atPath: s0.home) }
        let services = GreenmarkServices(
            home: s0.home, tokenizer: ServerTests.tokenizer, registry: s0.services.registry,
            rateLimit: RateLimiter.Policy(ratePerSecond: 0.01, burst: 3))
        let body = ByteBuffer(string: #"{"text": "a few words to score"}"#)
        @Sendable func auth(_ token: String) -> HTTPFields { [.authorization: "Bearer \(token)", .contentType: "application/json"] }
        try await GreenmarkApplication.make(services: services, port: 0).test(.live) { client in
            for _ in 0..<3 {
                try await client.execute(uri: "/v1/detect", method: .post, headers: auth(s0.reader), body: body) { #expect($0.status == .ok) }
            }
            try await client.execute(uri: "/v1/detect", method: .post, headers: auth(s0.reader), body: body) { r in
                #expect(r.status == .tooManyRequests)
                let retryAfter = Int(r.headers[.retryAfter] ?? "") ?? 0
                // One request per 100 s refills the bucket: however slow this machine is, the 4th
                // request comes long before the refill, and Retry-After says when it will be.
                #expect((1...100).contains(retryAfter))
                let error = ErrorBody(r.body)
                #expect(error.code == "rate.limited")
                #expect(error.message?.isEmpty == false)
            }
            // Another token has its own bucket.
            try await client.execute(uri: "/v1/detect", method: .post, headers: auth(s0.issuer), body: body) { #expect($0.status == .ok) }
            // Requests without a token are counted per client address: 3 pass, the 4th is limited.
            for i in 0..<4 {
                try await client.execute(uri: "/v1/trust", method: .get) { #expect($0.status == (i < 3 ? .ok : .tooManyRequests)) }
            }
            // Probes and metrics are never limited.
            for _ in 0..<5 { try await client.execute(uri: "/healthz", method: .get) { #expect($0.status == .ok) } }
        }
    }

    @Test("buckets refill at the configured rate and cap at the burst")
    func refill() async throws {
        let limiter = RateLimiter(policy: .init(ratePerSecond: 20, burst: 2))
        #expect(limiter.acquire("a") == .allowed)
        #expect(limiter.acquire("a") == .allowed)
        #expect(limiter.acquire("a") == .limited(retryAfter: 1))
        #expect(limiter.acquire("b") == .allowed)
        try await Task.sleep(for: .milliseconds(120))  // 2.4 requests' worth, capped at 2
        #expect(limiter.acquire("a") == .allowed)
        #expect(limiter.acquire("a") == .allowed)
        #expect(limiter.acquire("a") == .limited(retryAfter: 1))
        let slow = RateLimiter(policy: .init(ratePerSecond: 0.25, burst: 1))
        #expect(slow.acquire("x") == .allowed)
        #expect(slow.acquire("x") == .limited(retryAfter: 4))
    }
}
