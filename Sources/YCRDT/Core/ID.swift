/// A client's identity in a document. Yjs makes 32-bit ids; ids up to 2^53 occur in the wild.
public typealias ClientID = UInt64

/// The identity of one unit of content: the client that made it and that client's clock.
public struct ID: Hashable, Sendable, CustomStringConvertible {
    public var client: ClientID
    public var clock: Int

    public init(client: ClientID, clock: Int) {
        self.client = client
        self.clock = clock
    }

    public var description: String { "\(client):\(clock)" }
}

/// For each client, the next clock this document expects from it (everything below is known).
public struct StateVector: Hashable, Sendable {
    public var clocks: [ClientID: Int]

    public init(_ clocks: [ClientID: Int] = [:]) {
        self.clocks = clocks
    }

    public subscript(client: ClientID) -> Int {
        get { clocks[client] ?? 0 }
        set { clocks[client] = newValue }
    }

    /// The v1 (and v2) encoding: count, then (client, clock) pairs, clients descending as Yjs writes.
    public func encoded() -> [UInt8] {
        var encoder = Lib0Encoder()
        encoder.writeVarUInt(clocks.count)
        for client in clocks.keys.sorted(by: >) {
            encoder.writeVarUInt(client)
            encoder.writeVarUInt(clocks[client]!)
        }
        return encoder.bytes
    }

    /// Reads an encoded state vector.
    public init(decoding bytes: [UInt8]) throws(DecodingError) {
        var decoder = Lib0Decoder(bytes)
        self = try StateVector(reading: &decoder)
    }

    init(reading decoder: inout Lib0Decoder) throws(DecodingError) {
        let count = try decoder.readCount(minimumBytesEach: 2)
        var clocks: [ClientID: Int] = [:]
        clocks.reserveCapacity(count)
        for _ in 0..<count {
            let client = try decoder.readVarUInt()
            clocks[client] = try decoder.readVarInt()
        }
        self.clocks = clocks
    }
}
