// WeftProtocol: the wire between the relay and its clients (docs/protocol.md), as pure values.
//
// - Frame / FrameDecoder: 4-byte big-endian length + payload, with a size limit.
// - WireMessage: a payload — y-protocols sync (0), awareness (1), auth (2), query awareness (3), or a
//   Weft control message (16).
// - ControlMessage: the JSON control messages (join, joined, save, saved, workflow_saved, ack, …).
// - ErrorCode / ProtocolError: what goes wrong, for the peer and for the code that reads the bytes.
// - SocketLocation: where the relay's socket is by default.
//
// No I/O: bytes in, values out. Sockets belong to WeftRelay and WeftClient.
