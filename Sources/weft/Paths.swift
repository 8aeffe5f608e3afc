import ArgumentParser
import Foundation
import WeftClient
import WeftProtocol

/// Where Weft keeps its socket and its database unless told otherwise.
enum DefaultPaths {
    /// `$XDG_RUNTIME_DIR/weft/relay.sock`, or a per-user directory under the temporary folder.
    static var socket: String {
        SocketLocation.defaultPath(environment: ProcessInfo.processInfo.environment, userID: getuid())
    }

    /// `$XDG_DATA_HOME/weft/weft.sqlite`, or `~/.local/share/weft/weft.sqlite` — the database a relay
    /// that `weft edit` starts uses too.
    static var database: String {
        let directory = RelayLauncher.defaultDataDirectory(
            environment: ProcessInfo.processInfo.environment, homeDirectory: NSHomeDirectory())
        return (directory as NSString).appendingPathComponent("weft.sqlite")
    }
}

/// Options every command that talks to a relay shares.
struct RelayLocationOptions: ParsableArguments {
    @Option(name: .long, help: "The relay's socket (default: $XDG_RUNTIME_DIR/weft/relay.sock).")
    var socket: String?

    var socketPath: String { socket ?? DefaultPaths.socket }
}
