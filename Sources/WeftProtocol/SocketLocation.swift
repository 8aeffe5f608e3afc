/// Where the relay listens by default, computed the same way by the relay and every client.
///
/// `$XDG_RUNTIME_DIR/weft/relay.sock` when `XDG_RUNTIME_DIR` is set to an absolute path; otherwise
/// `${TMPDIR:-/tmp}/weft-<uid>/relay.sock`, a directory per user. The relay makes the directory 0700
/// (and checks that it owns it: a shared `/tmp` lets anyone create a name first) and the socket 0600,
/// or 0660 to a group when told to share it. This is a pure function of its inputs; reading the
/// environment and the user id is the caller's part.
public enum SocketLocation {
    /// The socket's file name inside its directory.
    public static let socketName = "relay.sock"

    /// The default directory of the socket.
    ///
    /// - Parameters:
    ///   - environment: the process environment (`ProcessInfo.processInfo.environment`).
    ///   - userID: the real user id (`getuid()`).
    public static func defaultDirectory(environment: [String: String], userID: UInt32) -> String {
        if let runtime = environment["XDG_RUNTIME_DIR"], runtime.hasPrefix("/") {
            return joined(runtime, "weft")
        }
        let temporary = environment["TMPDIR"].flatMap { $0.hasPrefix("/") ? $0 : nil } ?? "/tmp"
        return joined(temporary, "weft-\(userID)")
    }

    /// The default path of the socket: ``defaultDirectory(environment:userID:)`` + `relay.sock`.
    public static func defaultPath(environment: [String: String], userID: UInt32) -> String {
        joined(defaultDirectory(environment: environment, userID: userID), socketName)
    }

    private static func joined(_ directory: String, _ name: String) -> String {
        var directory = Substring(directory)
        while directory.count > 1, directory.hasSuffix("/") { directory = directory.dropLast() }
        return directory == "/" ? "/" + name : directory + "/" + name
    }
}
