import Foundation
import WeftTestSupport

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A blocking Unix stream socket for tests that play the relay's side against a real client process.
/// (WeftProtocol itself does no I/O; this lives in the tests only.)
final class TestSocket {
    let descriptor: Int32

    private init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }

    /// A socket listening at `path`.
    static func listen(at path: String) throws -> TestSocket {
        let fd = socket(AF_UNIX, streamSocketType, 0)
        guard fd >= 0 else { throw TestSupportError("socket() failed: errno \(errno)") }
        let listener = TestSocket(descriptor: fd)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        let bytes = Array(path.utf8)
        guard bytes.count < capacity else { throw TestSupportError("socket path too long: \(path)") }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard bound == 0 else { throw TestSupportError("bind(\(path)) failed: errno \(errno)") }
        guard systemListen(fd, 1) == 0 else { throw TestSupportError("listen() failed: errno \(errno)") }
        return listener
    }

    /// The next connection, waiting at most `timeout` seconds.
    func accept(timeout: Int32) throws -> TestSocket {
        var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        guard poll(&poller, 1, timeout * 1000) == 1 else { throw TestSupportError("no client connected") }
        let fd = systemAccept(descriptor)
        guard fd >= 0 else { throw TestSupportError("accept() failed: errno \(errno)") }
        return TestSocket(descriptor: fd)
    }

    /// Bytes that arrived (empty at the end of the stream), waiting at most `timeout` seconds.
    func receive(timeout: Int32) throws -> [UInt8] {
        var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        guard poll(&poller, 1, timeout * 1000) == 1 else { throw TestSupportError("the client sent nothing") }
        var buffer = [UInt8](repeating: 0, count: 65536)
        let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
        guard count >= 0 else { throw TestSupportError("recv() failed: errno \(errno)") }
        return Array(buffer.prefix(count))
    }

    func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { systemSend(descriptor, $0) }
            guard sent > 0 else { throw TestSupportError("send() failed: errno \(errno)") }
            offset += sent
        }
    }
}

// The C calls under names the class's own methods do not shadow.

#if os(Linux)
private let streamSocketType = Int32(SOCK_STREAM.rawValue)
private let sendFlags = Int32(MSG_NOSIGNAL)
#else
private let streamSocketType = SOCK_STREAM
private let sendFlags: Int32 = 0
#endif

private func systemListen(_ fd: Int32, _ backlog: Int32) -> Int32 { listen(fd, backlog) }

private func systemAccept(_ fd: Int32) -> Int32 { accept(fd, nil, nil) }

private func systemSend(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Int {
    send(fd, bytes.baseAddress, bytes.count, sendFlags)
}
