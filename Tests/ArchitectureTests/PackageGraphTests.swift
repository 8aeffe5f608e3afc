import Foundation
import Testing
import WeftTestSupport

/// The dependencies that Package.swift declares follow the same layering as the imports: no target
/// depends on one above it.
@Suite struct PackageGraphTests {
    @Test func noTargetDeclaresADependencyAboveIt() throws {
        let targets = try Self.declaredTargets()

        #expect(!targets.isEmpty)
        // The product's modules: not tests, test support or benchmarks, which live outside Sources/.
        for target in targets where target.type != "test" && (target.path ?? "Sources").hasPrefix("Sources") {
            guard Layering.allowedImports[target.name] != nil else {
                Issue.record("target \(target.name) is not in Layering.allowedImports")
                continue
            }
            for dependency in target.dependencyNames where !Layering.allows(target.name, toImport: dependency)
            {
                Issue.record("target \(target.name) may not depend on \(dependency) (DESIGN.md layering)")
            }
        }
    }

    struct Target {
        var name: String
        var type: String
        var path: String?
        var dependencyNames: [String]
    }

    /// The targets of Package.swift as `swift package dump-package` reads them.
    static func declaredTargets() throws -> [Target] {
        let root = try ProjectRoot.url()
        // A scratch folder of its own, so that it never waits on the lock of the build running these
        // tests; a fixed one, so that runs reuse it and leave nothing behind in the temporary folder.
        let scratch = root.appendingPathComponent(".build/architecture-tests-manifest")
        let result = try ChildProcess.run(
            URL(fileURLWithPath: "/usr/bin/env"),
            arguments: ["swift", "package", "--scratch-path", scratch.path, "dump-package"],
            currentDirectory: root, timeout: 120)
        guard result.status == 0 else {
            throw TestSupportError("swift package dump-package failed:\n\(result.standardErrorText)")
        }
        guard let manifest = try JSONSerialization.jsonObject(with: result.standardOutput) as? [String: Any],
            let targets = manifest["targets"] as? [[String: Any]]
        else {
            throw TestSupportError("swift package dump-package printed no targets")
        }
        return targets.map { target in
            let dependencies = target["dependencies"] as? [[String: Any]] ?? []
            return Target(
                name: target["name"] as? String ?? "",
                type: target["type"] as? String ?? "",
                path: target["path"] as? String,
                dependencyNames: dependencies.compactMap { dependency in
                    // Each is {"byName" | "target" | "product": [name, …]}.
                    dependency.values.compactMap { ($0 as? [Any])?.first as? String }.first
                })
        }
    }
}
