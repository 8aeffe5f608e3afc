import Testing
import WeftProtocol

/// The default socket path that relay and clients both compute (docs/protocol.md, "The socket").
@Suite struct SocketLocationTests {
    @Test func theRuntimeDirectoryComesFirst() {
        #expect(
            SocketLocation.defaultPath(
                environment: ["XDG_RUNTIME_DIR": "/run/user/1000", "TMPDIR": "/var/tmp"], userID: 1000)
                == "/run/user/1000/weft/relay.sock")
        #expect(
            SocketLocation.defaultPath(environment: ["XDG_RUNTIME_DIR": "/run/user/1000/"], userID: 1000)
                == "/run/user/1000/weft/relay.sock")
    }

    @Test func withoutItAPerUserDirectoryInTheTemporaryFolder() {
        #expect(SocketLocation.defaultPath(environment: [:], userID: 501) == "/tmp/weft-501/relay.sock")
        #expect(
            SocketLocation.defaultPath(environment: ["TMPDIR": "/var/folders/xy/T/"], userID: 501)
                == "/var/folders/xy/T/weft-501/relay.sock")
        // Relative or empty values are not trusted.
        #expect(
            SocketLocation.defaultPath(environment: ["XDG_RUNTIME_DIR": "", "TMPDIR": "tmp"], userID: 7)
                == "/tmp/weft-7/relay.sock")
        #expect(
            SocketLocation.defaultDirectory(environment: ["XDG_RUNTIME_DIR": "run"], userID: 7)
                == "/tmp/weft-7")
    }
}
