import Foundation
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import WeftProtocol
import WeftStore
import YCRDT

/// The relay: listens on a Unix socket and serves every connection until told to stop.
///
/// Run it as a swift-service-lifecycle `Service`: on graceful shutdown (SIGTERM, SIGINT) it stops
/// accepting, tells every client why it is closing, lets queued writes go out, commits what is
/// pending and compacts loaded documents.
public final class RelayServer: Service, Sendable {
    private let core: RelayCore
    private var services: RelayServices { core.services }
    private var registry: RoomRegistry { core.registry }
    private var provisioner: Provisioner { core.provisioner }
    private let connections = ConnectionTable()
    private let group: MultiThreadedEventLoopGroup
    /// One per event loop of `group`: the connections with frames to write on it.
    private let writeSchedulers: [WriteScheduler]
    private let boundSocket = BoundSocket()
    private let metricsSocket = BoundSocket()

    /// Opens the SQLite database at `configuration.databasePath` and prepares the relay; call `run()`
    /// (or hand it to a ServiceGroup) to serve.
    public convenience init(configuration: RelayConfiguration, logger: Logger) throws {
        try self.init(store: WeftStore(path: configuration.databasePath), configuration: configuration, logger: logger)
    }

    /// Prepares a relay over a store the caller opened (SQLite, or one several relays share; then
    /// `configuration.databasePath` only names it in logs and errors and must not hold a password).
    public init(store: any WorkflowStorage, configuration: RelayConfiguration, logger: Logger) {
        self.core = RelayCore(store: store, configuration: configuration, logger: logger)
        self.group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        self.writeSchedulers = group.makeIterator().map { WriteScheduler(eventLoop: $0) }
    }

    /// Serves until graceful shutdown or cancellation.
    public func run() async throws {
        let configuration = services.configuration
        try Self.prepareSocketDirectory(for: configuration.socketPath, shared: configuration.isSharedMode)
        // A database only this relay writes (SQLite): hold its deploy lock while serving, so a `weft
        // deploy` pointed at another socket cannot write behind this relay and a second relay cannot open
        // the same database. A shared database (PostgreSQL) is served by several relays at once, each
        // hearing the others' writes: none holds the lock, and a direct deploy takes it only while it
        // writes, the relays serving on meanwhile.
        let holdsDeployLock = !services.store.isShared
        if holdsDeployLock {
            try await waitForDirectDeploy()
            guard try await services.store.acquireDeployLock(owner: Self.lockOwner, pid: getpid()) else {
                throw RelayStartError.databaseInUse(configuration.databasePath)
            }
        }
        let server = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .bind(unixDomainSocketPath: configuration.socketPath, cleanupExistingSocketFile: true) { channel in
                PeerCredentials.of(channel).flatMapThrowing { peer in
                    (try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel), peer)
                }
            }
        try Self.setSocketPermissions(configuration.socketPath, group: configuration.sharedGroup)
        await boundSocket.set(server.channel)
        services.logger.notice(
            "relay listening", metadata: ["socket": "\(configuration.socketPath)", "db": "\(configuration.databasePath)"])
        // With a shared database: hear what the other relays commit.
        let watcher = Task { [services, registry] in await StoreWatcher(services: services, registry: registry).run() }
        defer { watcher.cancel() }
        try await withGracefulShutdownHandler {
            try await withThrowingDiscardingTaskGroup { tasks in
                if let port = configuration.metricsPort {
                    let metricsServer = MetricsServer(port: port, socket: metricsSocket) { [weak self] in
                        await self?.renderMetrics() ?? []
                    }
                    let group = self.group
                    let logger = services.logger
                    tasks.addTask {
                        do { try await metricsServer.run(group: group) } catch {
                            logger.error("metrics server stopped", metadata: ["port": "\(port)", "error": "\(error)"])
                        }
                    }
                }
                try await server.executeThenClose { inbound in
                    for try await (channel, peer) in inbound {
                        tasks.addTask { await self.serve(channel, peer: peer) }
                    }
                }
            }
        } onGracefulShutdown: {
            Task { await self.beginShutdown() }
        }
        watcher.cancel()
        await watcher.value
        await registry.compactAll()
        try? FileManager.default.removeItem(atPath: configuration.socketPath)
        try await group.shutdownGracefully()
        if holdsDeployLock { _ = try? await services.store.releaseDeployLock(pid: getpid()) }
        services.logger.notice("relay stopped")
    }

    /// The deploy lock's owner name while a relay serves a database.
    public static let lockOwner = "weft relay"

    /// A `weft deploy` writing the database directly holds its deploy lock: start after it finishes.
    private func waitForDirectDeploy() async throws {
        var announced = false
        while let holder = try await services.store.deployLockHolder() {
            if holder.owner == Self.lockOwner, holder.pid != getpid() {
                throw RelayStartError.databaseInUse(
                    "\(services.configuration.databasePath) (relay pid \(holder.pid))")
            }
            if !announced {
                services.logger.notice(
                    "waiting for a direct deploy to finish", metadata: ["owner": "\(holder.owner)", "pid": "\(holder.pid)"])
                announced = true
            }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    private func beginShutdown() async {
        services.logger.notice("shutting down: no new connections; closing clients")
        await boundSocket.close()
        await metricsSocket.close()
        await connections.closeAll(reason: .error(.shuttingDown, "the relay is shutting down; reconnect later"))
    }

    /// The metrics in Prometheus's text format, gauges read now.
    func renderMetrics() async -> [UInt8] {
        let metrics = services.metrics
        metrics.openConnections.set(Int64(await connections.count))
        metrics.loadedRooms.set(Int64(await registry.loadedRooms.count))
        metrics.logQueueDepth.set(Int64(await services.logWriter.queueDepth))
        metrics.storeBytes.set((try? await services.store.storeSize()) ?? 0)
        return metrics.registry.emitToBuffer()
    }

    /// The relay's status, as `weft relay status` shows it.
    func status() async -> YAny {
        var rooms: [YAny] = []
        for room in await registry.loadedRooms { rooms.append(await room.status()) }
        let elapsed = services.now()
        return [
            "uptime_seconds": .integer(elapsed.components.seconds),
            "rooms": .array(rooms),
            "clients": .integer(Int64(await connections.count)),
            "log_queue": .integer(Int64(await services.logWriter.queueDepth)),
            "log_commits": .integer(Int64(await services.logWriter.committedBatches)),
            "presence_sends": .integer(Int64(services.presence.sentBatches)),
            "presence_signals": .integer(Int64(services.presence.sentSignals)),
            "send_queue_bytes": await connections.sendQueueBytes,
            "store_bytes": .integer((try? await services.store.storeSize()) ?? -1),
            "socket": .string(services.configuration.socketPath),
        ]
    }

    // MARK: Connections

    private func serve(_ channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>, peer: PeerCredentials?) async {
        let id = await connections.nextID()
        let queue = OutboundQueue(byteLimit: services.configuration.sendQueueBytes)
        let rawChannel = channel.channel
        let logger = services.logger
        let outbound = Outbound(queue: queue) {
            logger.warning("a client stopped reading; disconnecting it", metadata: ["connection": "\(id)"])
            rawChannel.close(promise: nil)
        }
        // Resumed when the relay gives up on this connection (shutdown): its reader stops even while it
        // waits on a store that keeps failing.
        let stop = Waiter()
        let writer = ChannelWriter(channel: rawChannel, queue: queue, scheduler: writeScheduler(for: rawChannel))
        await connections.add(id, outbound: outbound, channel: rawChannel, stop: stop)
        services.metrics.connectionsAccepted.increment()
        do {
            // Frames go out through `writer`, on the event loop; the async writer stays unused.
            try await channel.executeThenClose { inbound, _ in
                await withTaskGroup(of: Void.self) { reading in
                    reading.addTask {
                        let connection = Connection(
                            id: id, services: self.services, registry: self.registry,
                            provisioner: self.provisioner,
                            statusSource: { [weak self] in await self?.status() ?? .null }, outbound: outbound,
                            peer: peer)
                        await self.read(inbound, into: connection)
                        await connection.leave()
                    }
                    reading.addTask { try? await stop.wait() }
                    // The client stopped sending, or the relay stops the reader: end the other.
                    await reading.next()
                    reading.cancelAll()
                }
                // What was queued goes out before the channel closes (a last error says why).
                queue.finish()
                await writer.allWritten()
            }
        } catch {
            logger.debug("connection ended", metadata: ["connection": "\(id)", "error": "\(error)"])
        }
        await connections.remove(id)
    }

    private func writeScheduler(for channel: any Channel) -> WriteScheduler {
        writeSchedulers.first { $0.eventLoop === channel.eventLoop } ?? WriteScheduler(eventLoop: channel.eventLoop)
    }

    private func read(_ inbound: NIOAsyncChannelInboundStream<ByteBuffer>, into connection: Connection) async {
        var decoder = FrameDecoder(maximumPayloadSize: services.configuration.maximumFrameBytes)
        do {
            for try await buffer in inbound {
                decoder.append(buffer.readableBytesView)
                // Stopped by the relay (shutdown): frames already read stay unhandled, so an update
                // dropped while it waited is not followed by one that would take its number.
                while !Task.isCancelled {
                    let payload: [UInt8]
                    do {
                        guard let next = try decoder.nextFrame() else { break }
                        payload = next
                        services.metrics.framesReceived.increment()
                    } catch {
                        // The stream cannot be resynchronised after a bad frame header: say why, close.
                        connection.send(.error(error.code, error.description))
                        return
                    }
                    do {
                        await connection.handle(try WireMessage.decode(payload))
                    } catch {
                        connection.send(.error(error.code, error.description))
                        if error.isFatal { return }
                    }
                }
            }
        } catch {
            services.logger.debug("read failed", metadata: ["connection": "\(connection.id)", "error": "\(error)"])
        }
    }

    // MARK: The socket file

    /// Makes the socket's directory (0700 unless shared) if needed; refuses one someone else could
    /// tamper with.
    static func prepareSocketDirectory(for path: String, shared: Bool) throws {
        let directory = (path as NSString).deletingLastPathComponent
        guard !directory.isEmpty else { return }
        var isDirectory: ObjCBool = false
        if !FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) {
            try FileManager.default.createDirectory(
                atPath: directory, withIntermediateDirectories: true,
                attributes: [.posixPermissions: shared ? 0o750 : 0o700])
        }
        try checkSocketDirectory(directory)
    }

    /// The socket's directory must be ours (or root's) and writable by no one else unless sticky.
    /// Otherwise another user could have made it first in a shared `/tmp` (the default path when
    /// `XDG_RUNTIME_DIR` is unset) and could swap the socket for their own, so that every client's
    /// edits go to them.
    static func checkSocketDirectory(_ directory: String) throws {
        var info = stat()
        guard stat(directory, &info) == 0 else {
            throw RelayStartError.unsafeSocketDirectory(directory, String(cString: strerror(errno)))
        }
        guard info.st_mode & S_IFMT == S_IFDIR else {
            throw RelayStartError.unsafeSocketDirectory(directory, "it is not a directory")
        }
        guard info.st_uid == getuid() || info.st_uid == 0 else {
            throw RelayStartError.unsafeSocketDirectory(directory, "it belongs to user \(info.st_uid), not to you")
        }
        let writableByOthers = info.st_mode & (S_IWGRP | S_IWOTH) != 0
        let sticky = info.st_mode & S_ISVTX != 0
        guard !writableByOthers || sticky else {
            throw RelayStartError.unsafeSocketDirectory(
                directory, "others may write to it (mode \(String(info.st_mode & 0o7777, radix: 8))); chmod go-w it")
        }
    }

    /// 0600 for the user alone, or 0660 and the group for shared mode.
    static func setSocketPermissions(_ path: String, group: String?) throws {
        if let group {
            guard let entry = getgrnam(group) else { throw RelayStartError.unknownGroup(group) }
            guard chown(path, uid_t.max, entry.pointee.gr_gid) == 0 else {
                throw RelayStartError.socketPermissions(path, String(cString: strerror(errno)))
            }
            guard chmod(path, 0o660) == 0 else { throw RelayStartError.socketPermissions(path, String(cString: strerror(errno))) }
        } else {
            guard chmod(path, 0o600) == 0 else { throw RelayStartError.socketPermissions(path, String(cString: strerror(errno))) }
        }
    }
}

/// Why a relay could not start.
public enum RelayStartError: Error, CustomStringConvertible {
    case unknownGroup(String)
    case socketPermissions(String, String)
    case alreadyRunning(String)
    case databaseInUse(String)
    case unsafeSocketDirectory(String, String)

    public var description: String {
        switch self {
        case .unsafeSocketDirectory(let directory, let reason):
            "will not listen in \(directory): \(reason)"
        case .unknownGroup(let group): "no group named \(group)"
        case .socketPermissions(let path, let reason): "could not set the permissions of \(path): \(reason)"
        case .alreadyRunning(let path): "a relay is already listening on \(path)"
        case .databaseInUse(let path): "another relay is serving the database \(path); use its socket"
        }
    }
}

/// The listening channel, to close it on shutdown.
actor BoundSocket {
    private var channel: (any Channel)?

    func set(_ channel: any Channel) { self.channel = channel }

    func close() {
        channel?.close(promise: nil)
        channel = nil
    }
}

/// The open connections, to count them and close them on shutdown.
actor ConnectionTable {
    private var entries: [UInt64: (outbound: Outbound, channel: any Channel, stop: Waiter)] = [:]
    private var lastID: UInt64 = 0

    func nextID() -> UInt64 {
        lastID += 1
        return lastID
    }

    func add(_ id: UInt64, outbound: Outbound, channel: any Channel, stop: Waiter) {
        entries[id] = (outbound, channel, stop)
    }
    func remove(_ id: UInt64) { entries[id] = nil }
    var count: Int { entries.count }

    /// Unsent bytes queued for the clients: the total and the largest, to spot one falling behind.
    var sendQueueBytes: YAny {
        let depths = entries.values.map(\.outbound.queue.queuedBytes)
        return ["total": .integer(Int64(depths.reduce(0, +))), "largest": .integer(Int64(depths.max() ?? 0))]
    }

    /// Sends `reason` to every client, lets the queues drain, then closes them and stops their
    /// readers, also those waiting for commits a failing store cannot make (their updates were never
    /// acknowledged; what is queued is still committed, or compacted, on the way out if the store works).
    func closeAll(reason: ControlMessage) async {
        for entry in entries.values {
            entry.outbound.send(.control(reason))
            entry.outbound.finish()
        }
        try? await Task.sleep(for: .milliseconds(200))
        for entry in entries.values {
            entry.channel.close(promise: nil)
            entry.stop.resume()
        }
    }
}
