/// The layering of ../shared/DESIGN.md as data: which modules each of Weft's modules may import.
///
/// A module may import the toolchain's system modules and the modules in its row; nothing above it.
/// A new module under Sources/ needs a row here before the architecture tests pass.
enum Layering {
    /// Modules that come with the toolchain and any of our modules may import.
    static let systemModules: Set<String> = [
        "Swift", "_Concurrency", "_StringProcessing", "Foundation", "FoundationEssentials",
        "FoundationInternationalization", "Dispatch", "Synchronization", "Glibc", "Musl", "Darwin",
    ]

    /// What a module may import besides the system modules.
    enum Allowed {
        /// These modules; `nioModules` among them stands for every SwiftNIO module.
        case only(Set<String>)
        /// Anything: the command line sits on top of everything.
        case anything
    }

    /// Our modules and, for each, the project and third-party modules it may import. A row lists the whole
    /// set below its module, not only its direct dependencies.
    static let allowedImports: [String: Allowed] = [
        "YCRDT": .only([]),
        "WorkflowModel": .only(["YCRDT", "Yams"]),
        "WeftProtocol": .only(["YCRDT"]),
        "WeftStore": .only(["WorkflowModel", "YCRDT", "GRDB"]),
        // The same storage on PostgreSQL (issue #9): the protocol and values from WeftStore, postgres-nio below.
        "WeftStorePostgres": .only(["WeftStore", "WorkflowModel", "YCRDT", "PostgresNIO", nioModules, "Logging"]),
        "WeftRelay": .only([
            "WeftStore", "WeftProtocol", "WorkflowModel", "YCRDT", "GRDB", "Logging", "ServiceLifecycle",
            "Prometheus",  // metrics on a loopback port (issue #5)
            nioModules,
        ]),
        "WeftClient": .only(["WeftProtocol", "WorkflowModel", "YCRDT"]),
        "WeftTUI": .only(["WeftClient", "WorkflowModel", "WeftProtocol", "YCRDT", "TOMLKit"]),
        "WeftCurses": .only(["WeftTUI", "WeftClient", "WorkflowModel", "WeftProtocol", "YCRDT", "CNcursesw"]),
        "CNcursesw": .only([]),
        "weft": .anything,
    ]

    /// Stands for every SwiftNIO module (NIOCore, NIOPosix, …) in a row of `allowedImports`.
    static let nioModules = "NIO*"

    /// The only modules that may use SwiftNIO or call the socket API: the relay, and the client's
    /// connection.
    static let socketModules: Set<String> = ["WeftRelay", "WeftClient"]

    /// The only module that may call curses.
    static let cursesModules: Set<String> = ["WeftCurses"]

    /// Modules that do no I/O: they are pure values and algorithms, tested without files or sockets.
    static let noIOModules: Set<String> = ["YCRDT", "WorkflowModel", "WeftProtocol"]

    static func isNIO(_ module: String) -> Bool {
        module.hasPrefix("NIO") || module.hasPrefix("_NIO")
    }

    /// Whether `module` may import `imported`.
    static func allows(_ module: String, toImport imported: String) -> Bool {
        if systemModules.contains(imported) { return true }
        switch allowedImports[module] {
        case nil: return false
        case .anything: return true
        case .only(let allowed):
            return allowed.contains(imported) || (isNIO(imported) && allowed.contains(nioModules))
        }
    }
}
