import Foundation
import WeftClient
import WeftProtocol
import YCRDT

#if canImport(Glibc)
import Glibc
#endif

/// What the load generator needs to know of one incoming message.
enum Incoming {
    /// A sync update or step 2 whose first struct is `client`'s, starting at `clock`.
    case update(client: ClientID, clock: UInt64)
    case control(ControlMessage)
    case other
}

/// Cuts frames out of a socket's bytes without copying them, for the measuring loops.
///
/// RelayConnection's `receive` allocates a fresh 64 KiB buffer and decodes every message into arrays;
/// at half a million frames a second that is the load generator's own bottleneck, so once a client has
/// joined and synced its socket is read here instead. Control messages are still decoded by
/// `WireMessage.decode`.
final class FrameReader {
    private var storage: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private var start = 0
    private var end = 0

    init(capacity: Int = 256 * 1024) {
        self.capacity = capacity
        storage = .allocate(capacity: capacity)
    }

    deinit { storage.deallocate() }

    enum ReadResult { case data, wouldBlock, closed }

    /// One non-blocking read of whatever the socket holds.
    func read(from descriptor: Int32) -> ReadResult {
        if start > 0, capacity - end < 64 * 1024 {
            let pending = end - start
            if pending > 0 { memmove(storage, storage + start, pending) }
            start = 0
            end = pending
        }
        if end == capacity {  // one frame larger than the buffer: grow
            let larger = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity * 2)
            larger.update(from: storage, count: end)
            storage.deallocate()
            storage = larger
            capacity *= 2
        }
        while true {
            let count = recv(descriptor, storage + end, capacity - end, Int32(MSG_DONTWAIT))
            if count > 0 {
                end += count
                return .data
            }
            if count == 0 { return .closed }
            switch errno {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: return .wouldBlock
            default: return .closed
            }
        }
    }

    /// Hands every complete frame's payload to `body`.
    func forEachFrame(_ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        while end - start >= 4 {
            let length =
                Int(storage[start]) << 24 | Int(storage[start + 1]) << 16 | Int(storage[start + 2]) << 8
                | Int(storage[start + 3])
            guard end - start - 4 >= length else {
                if 4 + length > capacity - start, start == 0 {
                    // Make room for the whole frame on the next read.
                    let larger = UnsafeMutablePointer<UInt8>.allocate(capacity: 4 + length + 64 * 1024)
                    larger.update(from: storage, count: end)
                    storage.deallocate()
                    storage = larger
                    capacity = 4 + length + 64 * 1024
                }
                break
            }
            body(UnsafeBufferPointer(start: storage + start + 4, count: length))
            start += 4 + length
        }
        if start == end {
            start = 0
            end = 0
        }
    }

    /// Reads the few varints at the head of a message that tell an update apart (no copies).
    static func classify(_ payload: UnsafeBufferPointer<UInt8>) -> Incoming {
        guard payload.count >= 2 else { return .other }
        switch payload[0] {
        case 0 where payload[1] == 1 || payload[1] == 2:
            // sync step 2 / update: varUint8Array(update v1); update := numClients numStructs client clock …
            var offset = 2
            guard readVarUInt(payload, &offset) != nil,  // the array's length
                let clients = readVarUInt(payload, &offset), clients > 0,
                let structs = readVarUInt(payload, &offset), structs > 0,
                let client = readVarUInt(payload, &offset),
                let clock = readVarUInt(payload, &offset)
            else { return .other }
            return .update(client: client, clock: clock)
        case 16:
            guard case .control(let control) = try? WireMessage.decode(Array(payload)) else { return .other }
            return .control(control)
        default:
            return .other
        }
    }

    private static func readVarUInt(_ bytes: UnsafeBufferPointer<UInt8>, _ offset: inout Int) -> UInt64? {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while offset < bytes.count, shift < 63 {
            let byte = bytes[offset]
            offset += 1
            value |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return value }
            shift += 7
        }
        return nil
    }
}

/// The update of the last local transaction, filled by the document's observer.
private final class Outbox {
    var update: [UInt8] = []
}

/// One simulated editor: a connection, a replica, and the body of one job it types into.
///
/// Used by one thread at a time (handed over by thread start and join), hence `@unchecked Sendable`.
final class BenchClient: @unchecked Sendable {
    let name: String
    let connection: RelayConnection
    let reader = FrameReader()
    let doc = Doc()
    private let outbox = Outbox()
    private var body: YText?
    /// Characters this client has typed: its own run at the start of the body grows by one each time.
    private(set) var typed = 0
    /// Document updates sent since the join (the relay acks by this count).
    private(set) var updatesSent = 0
    private(set) var acked = 0
    private(set) var lockVersion = 0
    private(set) var closed = false

    var descriptor: Int32 { connection.fileDescriptor }
    var clientID: ClientID { doc.clientID }

    init(socket: String, name: String) throws {
        self.name = name
        connection = try RelayConnection(path: socket)
        let outbox = self.outbox
        doc.observeUpdates { update, _ in outbox.update = update }
    }

    /// Joins a workflow and runs the sync handshake until the replica has the document and the relay
    /// acked our step 2; afterwards the socket is read through ``reader``.
    func join(_ workflow: String, typeIntoJob jobIndex: Int? = 0) throws {
        try connection.send(.control(.join(workflow: workflow, as: name)))
        var joined = false
        var synced = false
        _ = try connection.receive(timeout: .seconds(60)) { message -> Bool? in
            switch message {
            case .control(.joined(_, let version, _, _)):
                joined = true
                lockVersion = version
                try connection.send(.sync(.step1(stateVector: doc.encodeStateVector())))
            case .control(.error(let code, let text)):
                throw BenchError.refused("join \(workflow): \(code): \(text)")
            case .control(.ack(let count)):
                acked = count
            case .sync(.step1(let stateVector)):
                try connection.send(
                    .sync(.step2(update: try doc.encodeStateAsUpdate(sinceEncoded: stateVector))))
                updatesSent += 1
            case .sync(.step2(let update)), .sync(.update(let update)):
                try doc.applyUpdate(update, origin: "relay")
                if case .sync(.step2) = message { synced = true }
            default:
                break
            }
            return joined && synced && updatesSent > 0 && acked >= updatesSent ? true : nil
        }
        // Everything the relay sent before the pong has been read: the reader starts on a frame boundary.
        try connection.send(.control(.ping(id: .integer(1))))
        _ = try connection.receive(timeout: .seconds(30)) { message -> Bool? in
            if case .control(.pong) = message { return true }
            return nil
        }
        if let jobIndex {
            guard case .map(let job)? = doc.array("jobs")[jobIndex], case .text(let text)? = job["body"]
            else {
                throw BenchError.refused("workflow \(workflow) has no job \(jobIndex) with a text body")
            }
            body = text
        }
    }

    /// The frame of one more typed character: a one-character insert at the end of this client's run.
    func nextEditFrame() -> [UInt8] {
        guard let body else { fatalError("\(name) has no job body to type into") }
        outbox.update = []
        do {
            try body.insert("x", atUTF16: typed)
        } catch {
            fatalError("insert failed: \(error)")
        }
        typed += 1
        return Frame.encode(WireMessage.sync(.update(outbox.update)))
    }

    /// Sends a document update frame (counted for acks).
    func sendUpdate(_ frame: [UInt8]) throws {
        try connection.sendFrame(frame)
        updatesSent += 1
    }

    func send(_ control: ControlMessage) throws {
        try connection.send(.control(control))
    }

    /// Reads what has arrived (up to a few reads) and hands each message to `handle`.
    /// Acks are noted before `handle` sees them. Returns false once the relay closed the connection.
    @discardableResult
    func pump(_ handle: (Incoming) -> Void) -> Bool {
        guard !closed else { return false }
        for _ in 0..<4 {
            switch reader.read(from: descriptor) {
            case .data:
                reader.forEachFrame { payload in
                    let incoming = FrameReader.classify(payload)
                    if case .control(.ack(let count)) = incoming { acked = max(acked, count) }
                    handle(incoming)
                }
            case .wouldBlock:
                return true
            case .closed:
                closed = true
                return false
            }
        }
        return true
    }

    func close() { connection.close() }
}

enum BenchError: Error, CustomStringConvertible {
    case refused(String)

    var description: String {
        switch self {
        case .refused(let message): message
        }
    }
}

/// Waits until one of `descriptors` is readable or `nanoseconds` passed (rounded up to a millisecond,
/// poll's resolution; a reader wakes as soon as data arrives whatever the timeout).
func waitReadable(_ descriptors: inout [pollfd], nanoseconds: UInt64) -> Int {
    let milliseconds =
        nanoseconds == 0 ? 0 : Int32(min(UInt64(Int32.max), (nanoseconds + 999_999) / 1_000_000))
    for index in descriptors.indices { descriptors[index].revents = 0 }
    while true {
        let ready = poll(&descriptors, nfds_t(descriptors.count), milliseconds)
        if ready >= 0 || errno != EINTR { return Int(ready) }
    }
}
