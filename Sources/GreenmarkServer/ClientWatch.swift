import Foundation
import GreenmarkModel
import NIOCore

/// Watches a client's connection while its generation waits or runs: the client resetting the
/// connection (TCP RST), closing it or its sending side (FIN), or the connection failing cancels
/// `gone`. Hummingbird does not cancel a handler whose client left, and a generation writes
/// nothing until its first token (or, without streaming, until the end), so without a watch the
/// daemon would notice only when it answers.
///
/// The watch is a handler at the front of the connection's pipeline that passes everything on
/// and looks at connection events only; it is removed when the generation is done, so the
/// connection stays usable for the client's next request.
enum ClientWatch {
    /// Starts watching `channel`; returns the function that stops. A connection already closed
    /// cancels `gone` at once.
    static func start(_ channel: any Channel, gone: CancellationFlag) async -> @Sendable () -> Void {
        let name = "greenmark.client-watch.\(UUID().uuidString)"
        do {
            try await channel.eventLoop.submit {
                guard channel.isActive else { throw ChannelError.ioOnClosedChannel }
                try channel.pipeline.syncOperations.addHandler(Watcher(gone: gone), name: name, position: .first)
            }.get()
        } catch {
            gone.cancel()
            return {}
        }
        return { channel.pipeline.removeHandler(name: name, promise: nil) }
    }

    private final class Watcher: ChannelInboundHandler, RemovableChannelHandler {
        typealias InboundIn = ByteBuffer
        let gone: CancellationFlag

        init(gone: CancellationFlag) { self.gone = gone }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            context.fireChannelRead(data)
        }

        func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
            if let event = event as? ChannelEvent, event == .inputClosed { gone.cancel() }
            context.fireUserInboundEventTriggered(event)
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            gone.cancel()
            context.fireErrorCaught(error)
        }

        func channelInactive(context: ChannelHandlerContext) {
            gone.cancel()
            context.fireChannelInactive()
        }
    }
}
