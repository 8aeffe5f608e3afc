// swift-tools-version: 6.1
// Weft: a collaborative workflow editor for the terminal.
// The targets follow the layering of DESIGN.md: each module imports only those below it.
import Foundation
import PackageDescription

let strictSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
]

// How `weft` is linked on Linux, for the idle relay's memory (issue #5; docs/benchmarks.md "Idle RSS").
// - `-static-stdlib` links with `-export-dynamic`, which exports every Swift symbol of the binary; the
//   loader then reads 2.5 MB of symbol tables at start (each shared library's lookups search the
//   executable first). Nothing looks our symbols up at run time, so they are not exported (a crash's
//   fallback trace then names our frames by address: docs/operations.md says how to symbolise them).
// - Where it can, the relocations the loader applies at start (3 MB) are packed (DT_RELR, with lld). A
//   packed binary needs glibc 2.36 or later, so that is done only when the glibc building it has 2.36's
//   `GLIBC_ABI_DT_RELR` (a binary built here runs here) and the toolchain's `ld.lld` is on PATH.
// Together: an idle self-contained relay holds ~25 MB instead of ~33 MB.
let weftLinkerSettings: [LinkerSetting] = {
    var flags = ["-Xlinker", "--no-export-dynamic"]
    if buildMachineCanPackRelocations() {
        flags += ["-use-ld=lld", "-Xlinker", "-z", "-Xlinker", "pack-relative-relocs"]
    }
    return [.unsafeFlags(flags, .when(platforms: [.linux]))]
}()

/// Whether this machine's glibc loads packed relative relocations and an `ld.lld` is on PATH.
func buildMachineCanPackRelocations() -> Bool {
    #if os(Linux)
        let libcPaths = [
            "/lib/x86_64-linux-gnu/libc.so.6", "/usr/lib/x86_64-linux-gnu/libc.so.6",
            "/lib/aarch64-linux-gnu/libc.so.6", "/usr/lib/aarch64-linux-gnu/libc.so.6", "/lib64/libc.so.6",
        ]
        guard let libc = libcPaths.lazy.compactMap({ FileManager.default.contents(atPath: $0) }).first,
            libc.range(of: Data("GLIBC_ABI_DT_RELR".utf8)) != nil
        else { return false }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        return path.split(separator: ":").contains { FileManager.default.isExecutableFile(atPath: "\($0)/ld.lld") }
    #else
        return false
    #endif
}

let package = Package(
    name: "Weft",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "weft", targets: ["weft"]),
        .library(name: "YCRDT", targets: ["YCRDT"]),
        .library(name: "WorkflowModel", targets: ["WorkflowModel"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        // Latency percentiles for the relay load generator (Benchmarks/RelayBenchmarks) only.
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
        // The PostgreSQL store (WeftStorePostgres, issue #9).
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        // Layer 0: the CRDT. Foundation only, no I/O.
        .target(
            name: "YCRDT",
            swiftSettings: strictSettings + [
                // Exclusivity stays checked in debug builds (and every test run); release builds skip
                // the dynamic checks on the hot item-list paths.
                .unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))
            ],
            linkerSettings: [.linkedLibrary("m")]),
        // Layer 1: workflows as values and as documents. No I/O.
        .target(
            name: "WorkflowModel",
            dependencies: ["YCRDT", .product(name: "Yams", package: "Yams")],
            swiftSettings: strictSettings),
        // Layer 1: the wire shared by relay and client.
        .target(name: "WeftProtocol", dependencies: ["YCRDT"], swiftSettings: strictSettings),
        // Layer 2: the database.
        .target(
            name: "WeftStore",
            dependencies: ["WorkflowModel", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: strictSettings),
        // Layer 2: the same storage on PostgreSQL, for several relays sharing one database (issue #9).
        .target(
            name: "WeftStorePostgres",
            dependencies: [
                "WeftStore", "WorkflowModel", "YCRDT",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings),
        // Layer 3: the relay (the only server-side socket code).
        .target(
            name: "WeftRelay",
            dependencies: [
                "WeftStore", "WeftProtocol",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: strictSettings),
        // Layer 3: the client side of a connection: replica, base workflow, marker.
        .target(
            name: "WeftClient", dependencies: ["WeftProtocol", "WorkflowModel", "YCRDT"],
            swiftSettings: strictSettings),
        // Layer 4: the editor as a value: events in, effects out, rendered into a cell grid.
        .target(
            name: "WeftTUI",
            dependencies: [
                "WeftClient", "WorkflowModel", .product(name: "TOMLKit", package: "TOMLKit"),
            ],
            swiftSettings: strictSettings),
        // The only curses code.
        .systemLibrary(name: "CNcursesw", path: "Sources/CNcursesw"),
        .target(name: "WeftCurses", dependencies: ["WeftTUI", "CNcursesw"], swiftSettings: strictSettings),
        // The command line.
        .executableTarget(
            name: "weft",
            dependencies: [
                "YCRDT", "WorkflowModel", "WeftProtocol", "WeftStore", "WeftStorePostgres", "WeftRelay", "WeftClient",
                "WeftTUI", "WeftCurses",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings,
            linkerSettings: weftLinkerSettings),
        // Benchmarks: a plain release-mode executable that prints numbers (docs/benchmarks.md).
        .executableTarget(
            name: "WeftBenchmarks", dependencies: ["YCRDT", "WorkflowModel", "WeftClient", "WeftTUI", "CHeapStats"],
            path: "Benchmarks/WeftBenchmarks",
            swiftSettings: strictSettings),
        .target(name: "CHeapStats", path: "Benchmarks/CHeapStats"),
        // The relay load generator: starts the release `weft relay` in its own process and drives it
        // over the socket (docs/benchmarks.md, issue #5).
        .executableTarget(
            name: "RelayBenchmarks",
            dependencies: [
                "WeftClient", "WeftProtocol", "YCRDT", "WorkflowModel",
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ],
            path: "Benchmarks/RelayBenchmarks",
            swiftSettings: strictSettings),
        // A libFuzzer target over the update decoder; a plain replay tool without -D FUZZING (docs/fuzzing.md).
        .executableTarget(
            name: "YCRDTFuzz", dependencies: ["YCRDT"], path: "Fuzz/YCRDTFuzz", swiftSettings: strictSettings),

        // Tests.
        .target(
            name: "WeftTestSupport", dependencies: ["YCRDT"], path: "Tests/WeftTestSupport",
            resources: [.copy("Fixtures")], swiftSettings: strictSettings),
        .testTarget(
            name: "YCRDTTests", dependencies: ["YCRDT", "WeftTestSupport"],
            swiftSettings: strictSettings),
        .testTarget(
            name: "WorkflowModelTests", dependencies: ["WorkflowModel", "YCRDT", "WeftTestSupport"],
            swiftSettings: strictSettings),
        .testTarget(
            name: "InteropTests", dependencies: ["YCRDT", "WeftTestSupport"],
            swiftSettings: strictSettings),
        .testTarget(
            name: "WeftProtocolTests", dependencies: ["WeftProtocol", "YCRDT", "WeftTestSupport"],
            swiftSettings: strictSettings),
        .testTarget(
            name: "ArchitectureTests", dependencies: ["WeftTestSupport"], exclude: ["__Goldens__"],
            swiftSettings: strictSettings),
        .testTarget(
            name: "CLITests", dependencies: ["WeftTestSupport"], exclude: ["__Goldens__"],
            swiftSettings: strictSettings),
        // The real `weft relay` process driven over its socket by Swift clients and pycrdt (issue #5).
        .testTarget(
            name: "RelayTests",
            dependencies: [
                "WeftClient", "WeftProtocol", "WorkflowModel", "YCRDT", "WeftStore", "WeftRelay", "WeftTestSupport",
                // Several relays on one PostgreSQL (MultiRelayTests): a schema per test, dropped after.
                "WeftStorePostgres",
            ],
            swiftSettings: strictSettings),
        // EditorSession and RelayLauncher against the real `weft relay` process (issue #6).
        .testTarget(
            name: "WeftClientTests",
            dependencies: ["WeftClient", "WeftProtocol", "WorkflowModel", "YCRDT", "WeftTestSupport"],
            swiftSettings: strictSettings),
        .testTarget(
            name: "WeftStoreTests",
            dependencies: [
                "WeftStore", "WorkflowModel", "YCRDT", "WeftTestSupport",
                // To open a store's file the way another tool would, and read its pragmas directly.
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: strictSettings),
        // One storage conformance suite run against both stores: SQLite in a temp file and PostgreSQL
        // (WEFT_TEST_POSTGRES_URL, started by scripts/postgres-test-cluster; issue #9).
        .testTarget(
            name: "StoreConformanceTests",
            dependencies: ["WeftStore", "WeftStorePostgres", "WorkflowModel", "YCRDT", "WeftTestSupport"],
            swiftSettings: strictSettings),
        // The editor as a value: state-machine scenarios, layout and golden screens (issue #6).
        .testTarget(
            name: "WeftTUITests", dependencies: ["WeftTUI", "WeftClient", "WorkflowModel", "WeftTestSupport"],
            exclude: ["__Goldens__"], swiftSettings: strictSettings),
        // The built `weft edit` in tmux against a real relay (issue #6).
        .testTarget(
            name: "EditorEndToEndTests", dependencies: ["WeftClient", "WeftTUI", "WorkflowModel", "WeftTestSupport"],
            swiftSettings: strictSettings),
    ]
)
