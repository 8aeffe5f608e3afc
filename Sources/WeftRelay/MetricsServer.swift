import NIOCore
import NIOHTTP1
import NIOPosix

/// Serves `GET /metrics` in Prometheus's text format on a loopback port.
///
/// Only loopback addresses are accepted: the metrics name workflows and people.
struct MetricsServer: Sendable {
    let port: Int
    /// Holds the listening channel so shutdown can close it.
    let socket: BoundSocket
    let render: @Sendable () async -> [UInt8]

    /// Binds 127.0.0.1:`port` and serves until the task is cancelled.
    func run(group: any EventLoopGroup) async throws {
        let server = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    return try NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>(
                        wrappingChannelSynchronously: channel)
                }
            }
        await socket.set(server.channel)
        try await withThrowingDiscardingTaskGroup { tasks in
            try await server.executeThenClose { inbound in
                for try await connection in inbound {
                    tasks.addTask { try? await self.serve(connection) }
                }
            }
        }
    }

    private func serve(_ connection: NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>) async throws {
        try await connection.executeThenClose { inbound, outbound in
            var path = ""
            for try await part in inbound {
                switch part {
                case .head(let head): path = head.uri
                case .body: break
                case .end:
                    let found = path == "/metrics" || path.hasPrefix("/metrics?")
                    let body = found ? await render() : Array("try /metrics\n".utf8)
                    var headers = HTTPHeaders()
                    headers.add(name: "Content-Type", value: found ? "text/plain; version=0.0.4" : "text/plain")
                    headers.add(name: "Content-Length", value: String(body.count))
                    try await outbound.write(
                        .head(HTTPResponseHead(version: .http1_1, status: found ? .ok : .notFound, headers: headers)))
                    try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: body))))
                    try await outbound.write(.end(nil))
                }
            }
        }
    }
}
