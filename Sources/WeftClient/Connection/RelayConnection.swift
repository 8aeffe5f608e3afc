import Foundation
import WeftProtocol

#if canImport(Glibc)
    import Glibc
#endif

/// Why talking to the relay failed.
public enum RelayConnectionError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Nothing listens on the socket (no relay running, or a stale socket file).
    case noRelay(path: String, reason: String)
    /// The relay closed the connection.
    case closed
    /// No message arrived in time.
    case timedOut
    /// The bytes the relay sent are not valid frames or messages.
    case protocolViolation(String)
    case io(String)

    public var description: String {
        switch self {
        case .noRelay(let path, let reason): "no relay is listening on \(path) (\(reason))"
        case .closed: "the relay closed the connection"
        case .timedOut: "the relay did not answer in time"
        case .protocolViolation(let reason): "the relay sent something unreadable: \(reason)"
        case .io(let reason): reason
        }
    }
}

/// A framed connection to the relay over its Unix socket, with blocking sends and receives.
///
/// The client's only socket code. Not thread-safe: one owner at a time. `fileDescriptor` lets an
/// event loop (the editor's) poll it together with the terminal.
public final class RelayConnection {
    public let path: String
    public private(set) var fileDescriptor: Int32
    private var decoder: FrameDecoder

    /// Connects to the relay's socket.
    ///
    /// - Throws: ``RelayConnectionError/noRelay(path:reason:)`` when nothing listens there.
    public init(path: String, maximumFrameBytes: Int = Frame.defaultMaximumPayloadSize) throws {
        self.path = path
        self.decoder = FrameDecoder(maximumPayloadSize: maximumFrameBytes)
        // Close-on-exec: a relay this process starts must not inherit (and so keep open) a connection.
        let type = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
        let descriptor = socket(AF_UNIX, type, 0)
        guard descriptor >= 0 else { throw RelayConnectionError.io("socket(): \(String(cString: strerror(errno)))") }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard path.utf8.count < capacity else {
            Glibc.close(descriptor)
            throw RelayConnectionError.noRelay(path: path, reason: "the path is longer than \(capacity - 1) bytes")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            for (index, byte) in path.utf8.enumerated() { buffer[index] = byte }
            buffer[path.utf8.count] = 0
        }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard result == 0 else {
            let reason = String(cString: strerror(errno))
            Glibc.close(descriptor)
            throw RelayConnectionError.noRelay(path: path, reason: reason)
        }
        fileDescriptor = descriptor
    }

    deinit {
        if fileDescriptor >= 0 { Glibc.close(fileDescriptor) }
    }

    /// Closes the connection.
    public func close() {
        if fileDescriptor >= 0 {
            Glibc.close(fileDescriptor)
            fileDescriptor = -1
        }
    }

    /// Whether anything is listening on `path` (a quick connect and close).
    public static func isRelayListening(at path: String) -> Bool {
        (try? RelayConnection(path: path)) != nil
    }

    /// Sends one message, blocking until it is written.
    public func send(_ message: WireMessage) throws {
        try sendFrame(Frame.encode(message))
    }

    /// Sends raw frame bytes (tests use it to send malformed frames).
    public func sendFrame(_ bytes: [UInt8]) throws {
        guard fileDescriptor >= 0 else { throw RelayConnectionError.closed }
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { buffer in
                Glibc.send(fileDescriptor, buffer.baseAddress, buffer.count, Int32(MSG_NOSIGNAL))
            }
            if written < 0 {
                if errno == EINTR { continue }
                throw errno == EPIPE || errno == ECONNRESET
                    ? RelayConnectionError.closed : RelayConnectionError.io("send(): \(String(cString: strerror(errno)))")
            }
            offset += written
        }
    }

    /// The next message, waiting at most `timeout` (nil waits for ever).
    ///
    /// - Throws: ``RelayConnectionError/timedOut``, ``RelayConnectionError/closed``,
    ///   ``RelayConnectionError/protocolViolation(_:)``.
    public func receive(timeout: Duration? = .seconds(10)) throws -> WireMessage {
        let deadline = timeout.map { ContinuousClock.now + $0 }
        while true {
            do {
                if let payload = try decoder.nextFrame() { return try WireMessage.decode(payload) }
            } catch {
                throw RelayConnectionError.protocolViolation(error.description)
            }
            try readAvailable(until: deadline)
        }
    }

    /// A message if one is complete already or arrives within `timeout`; nil otherwise.
    public func poll(timeout: Duration = .zero) throws -> WireMessage? {
        do {
            return try receive(timeout: timeout)
        } catch RelayConnectionError.timedOut {
            return nil
        }
    }

    /// Receives until `match` returns a value, handing every other message to `other`.
    public func receive<Value>(
        timeout: Duration = .seconds(10), until match: (WireMessage) throws -> Value?,
        other: (WireMessage) -> Void = { _ in }
    ) throws -> Value {
        let deadline = ContinuousClock.now + timeout
        while true {
            let remaining = deadline - ContinuousClock.now
            guard remaining > .zero else { throw RelayConnectionError.timedOut }
            let message = try receive(timeout: remaining)
            if let value = try match(message) { return value }
            other(message)
        }
    }

    private func readAvailable(until deadline: ContinuousClock.Instant?) throws {
        guard fileDescriptor >= 0 else { throw RelayConnectionError.closed }
        var descriptor = pollfd(fd: fileDescriptor, events: Int16(POLLIN), revents: 0)
        let wait: Int32
        if let deadline {
            // A deadline that has passed still reads what is already waiting (a poll of zero), so
            // `poll(timeout: .zero)` sees data the relay sent, not only frames buffered before.
            let remaining = deadline - ContinuousClock.now
            if remaining > .zero {
                let (seconds, attoseconds) = remaining.components
                wait = Int32(min(Int64(Int32.max), seconds * 1000 + attoseconds / 1_000_000_000_000_000 + 1))
            } else {
                wait = 0
            }
        } else {
            wait = -1
        }
        let ready = Glibc.poll(&descriptor, 1, wait)
        if ready < 0 {
            if errno == EINTR { return }
            throw RelayConnectionError.io("poll(): \(String(cString: strerror(errno)))")
        }
        guard ready > 0 else { throw RelayConnectionError.timedOut }
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        let count = buffer.withUnsafeMutableBytes { recv(fileDescriptor, $0.baseAddress, $0.count, 0) }
        if count < 0 {
            if errno == EINTR || errno == EAGAIN { return }
            if errno == ECONNRESET { throw RelayConnectionError.closed }
            throw RelayConnectionError.io("recv(): \(String(cString: strerror(errno)))")
        }
        guard count > 0 else { throw RelayConnectionError.closed }
        decoder.append(buffer[0..<count])
    }
}
