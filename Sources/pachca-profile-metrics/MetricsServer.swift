import NIOCore
import NIOHTTP1
import NIOPosix

/// `/metrics` and `/healthz` over HTTP/1.1 on SwiftNIO (its parser, its connection handling):
/// one event-loop thread, GET and HEAD only, answers computed by `respond` per request.
final class MetricsServer: Sendable {
    struct Reply: Sendable {
        var status: Int
        var contentType: String
        var body: String
    }

    private let group: MultiThreadedEventLoopGroup
    private let channel: any Channel
    /// `HOST:PORT` actually bound (the port chosen when 0 was asked for).
    let boundAddress: String

    private init(group: MultiThreadedEventLoopGroup, channel: any Channel, boundAddress: String) {
        self.group = group; self.channel = channel; self.boundAddress = boundAddress
    }

    static func start(host: String, port: Int, respond: @escaping @Sendable (String) -> Reply) async throws -> MetricsServer {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.backlog, value: 32)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(Handler(respond: respond))
                }
            }
            .childChannelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
        do {
            let channel = try await bootstrap.bind(host: host, port: port).get()
            let bound = channel.localAddress?.port ?? port
            let shown = host.contains(":") ? "[\(host)]" : host
            return MetricsServer(group: group, channel: channel, boundAddress: "\(shown):\(bound)")
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
    }

    func stop() async {
        try? await channel.close()
        try? await group.shutdownGracefully()
    }

    private final class Handler: ChannelInboundHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart

        let respond: @Sendable (String) -> Reply
        private var head: HTTPRequestHead?

        init(respond: @escaping @Sendable (String) -> Reply) { self.respond = respond }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let request): head = request
            case .body: break
            case .end:
                guard let request = head else { return }
                head = nil
                let reply: Reply = request.method == .GET || request.method == .HEAD
                    ? respond(request.uri)
                    : Reply(status: 405, contentType: "text/plain; charset=utf-8", body: "only GET and HEAD\n")
                var headers = HTTPHeaders()
                headers.add(name: "Content-Type", value: reply.contentType)
                headers.add(name: "Content-Length", value: String(reply.body.utf8.count))
                headers.add(name: "Cache-Control", value: "no-store")
                if reply.status == 405 { headers.add(name: "Allow", value: "GET, HEAD") }
                let keepAlive = request.isKeepAlive
                if !keepAlive { headers.add(name: "Connection", value: "close") }
                let status = HTTPResponseStatus(statusCode: reply.status)
                context.write(wrapOutboundOut(.head(HTTPResponseHead(version: request.version, status: status, headers: headers))),
                              promise: nil)
                if request.method != .HEAD {
                    context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(string: reply.body)))),
                                  promise: nil)
                }
                let channel = context.channel
                context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in
                    if !keepAlive { channel.close(promise: nil) }
                }
            }
        }
    }
}
