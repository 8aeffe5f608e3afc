import Foundation
import WeftProtocol

/// Where Weft keeps its socket and its database unless told otherwise.
enum DefaultPaths {
    /// `$XDG_RUNTIME_DIR/weft/relay.sock`, or a per-user directory under the temporary folder.
    static var socket: String {
        SocketLocation.defaultPath(environment: ProcessInfo.processInfo.environment, userID: getuid())
    }

    /// `$XDG_DATA_HOME/weft/weft.sqlite`, or `~/.local/share/weft/weft.sqlite`.
    static var database: String {
        let environment = ProcessInfo.processInfo.environment
        let dataHome = environment["XDG_DATA_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (NSHomeDirectory() as NSString).appendingPathComponent(".local/share")
        return ((dataHome as NSString).appendingPathComponent("weft") as NSString).appendingPathComponent("weft.sqlite")
    }
}

/// Options every command that talks to a relay shares.
struct RelayLocationOptions: ParsableArguments {
    @Option(name: .long, help: "The relay's socket (default: $XDG_RUNTIME_DIR/weft/relay.sock).")
    var socket: String?

    var socketPath: String { socket ?? DefaultPaths.socket }
}

import ArgumentParser
