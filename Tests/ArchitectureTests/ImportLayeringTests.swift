import Testing

/// Each module imports only what DESIGN.md's layering allows it, read from the source files themselves,
/// so the rule holds for what the code does, not only for what Package.swift declares.
@Suite struct ImportLayeringTests {
    @Test func everyModuleUnderSourcesHasARowInTheLayeringTable() throws {
        let modules = Set(try SourceFile.all().map(\.module))

        #expect(!modules.isEmpty)
        for module in modules.sorted() {
            #expect(
                Layering.allowedImports[module] != nil, "Sources/\(module) is not in Layering.allowedImports")
        }
    }

    @Test func noModuleImportsOneAboveIt() throws {
        for file in try SourceFile.all() {
            for (imported, line) in file.imports where !Layering.allows(file.module, toImport: imported) {
                Issue.record(
                    "\(file.path):\(line): \(file.module) may not import \(imported) (DESIGN.md layering)")
            }
        }
    }

    @Test func onlyWeftCursesImportsCurses() throws {
        for file in try SourceFile.all() where !Layering.cursesModules.contains(file.module) {
            for (imported, line) in file.imports where imported == "CNcursesw" {
                Issue.record("\(file.path):\(line): only WeftCurses may use curses")
            }
        }
    }

    @Test func onlyTheRelayAndClientUseSwiftNIO() throws {
        for file in try SourceFile.all() where !Layering.socketModules.contains(file.module) {
            for (imported, line) in file.imports where Layering.isNIO(imported) {
                Issue.record(
                    "\(file.path):\(line): only WeftRelay and WeftClient may use SwiftNIO (\(imported))")
            }
        }
    }

    @Test func onlyTheRelayAndClientCallTheSocketAPI() throws {
        for file in try SourceFile.all() where !Layering.socketModules.contains(file.module) {
            for needle in ["socket(", "sockaddr_un", "AF_UNIX", "PF_UNIX"] {
                for line in file.codeLines(containing: needle) {
                    Issue.record(
                        "\(file.path):\(line): only WeftRelay and WeftClient may use sockets (\(needle))")
                }
            }
        }
    }

    @Test func theCRDTAndTheWorkflowModelDoNoFileOrProcessIO() throws {
        let ioCalls = [
            "FileManager", "FileHandle", "Process(", "URLSession", "fopen(", "Data(contentsOf:",
            "String(contentsOf", "contentsOfFile:",
        ]
        for file in try SourceFile.all() where Layering.noIOModules.contains(file.module) {
            for needle in ioCalls {
                for line in file.codeLines(containing: needle) {
                    Issue.record("\(file.path):\(line): \(file.module) does no I/O (\(needle))")
                }
            }
        }
    }

    @Test func importScanningSeesEveryFormOfImport() {
        let file = SourceFile(
            module: "Example", path: "Sources/Example/Example.swift",
            lines: [
                "import Foundation", "@preconcurrency import CNcursesw", "@testable import YCRDT",
                "import struct NIOCore.ByteBuffer", "  import   WeftStore", "// import WeftTUI",
                "let important = 1",
            ])

        #expect(file.imports.map(\.module) == ["Foundation", "CNcursesw", "YCRDT", "NIOCore", "WeftStore"])
        #expect(file.imports.map(\.line) == [1, 2, 3, 4, 5])
    }
}
