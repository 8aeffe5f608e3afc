import Foundation
import Testing
import WeftProtocol
import WeftStore
import WeftTestSupport
import WorkflowModel
import YCRDT

extension RelaySuite {
    /// `weft sync` against a real relay (issue #8, part 3): the project file committed at HEAD of a git
    /// repository is deployed as the repository connection, and a second commit updates the same
    /// workflows.
    @Suite("git sync")
    struct GitSync {
        static func fixture() throws -> String {
            String(decoding: try Fixtures.data(ProjectFile.fixture), as: UTF8.self)
        }

        /// Two commits, two syncs: versions recorded with source `sync` by the repository connection, the
        /// same ids the second time, only the workflow the commit changed gets a version, an open editor
        /// sees it arrive, the working tree's uncommitted edits are ignored and the repository is not
        /// written.
        @Test func twoCommitsSyncIntoTheSameWorkflows() throws {
            try withRelay { relay in
                let repository = try TestRepository(in: relay.folder)
                try repository.write("project.yaml", try Self.fixture())
                let first = try repository.commit("first version")

                let synced = try relay.weftCommand(["sync", "--repo", repository.path]).standardOutputText
                #expect(synced.contains("synced commit \(first.prefix(12)) (first version)"), "\(synced)")
                #expect(synced.contains("2 workflow(s) changed"), "\(synced)")
                let listing = try #require(try relay.workflows()[ProjectFile.projectName])
                let one = try #require(listing["workflow 1"])
                let two = try #require(listing["workflow 2"])
                for id in [one.id, two.id] {
                    let versions = try relay.versions(of: id)
                    #expect(versions.map(\.source) == [.sync])
                    #expect(versions.first?.actor == .system("repository connection"))
                }

                let ann = try TestEditor(socket: relay.socket, workflow: one.id, as: "Ann")
                let webhook = try ann.base.jobID(named: "webhook job")
                try repository.write(
                    "project.yaml",
                    try Self.fixture().replacingOnce(
                        "console.log('webhook job')", with: "console.log('second commit')"))
                let second = try repository.commit("second version")
                // An uncommitted edit in the working tree is not what HEAD holds: it must not be synced.
                try repository.write(
                    "project.yaml",
                    try Self.fixture().replacingOnce(
                        "console.log('webhook job')", with: "console.log('not committed')"))

                let again = try relay.weftCommand(["sync", "--repo", repository.path]).standardOutputText
                #expect(again.contains("synced commit \(second.prefix(12)) (second version)"), "\(again)")
                #expect(again.contains("1 workflow(s) changed"), "\(again)")

                let after = try #require(try relay.workflows()[ProjectFile.projectName])
                #expect(after["workflow 1"]?.id == one.id && after["workflow 2"]?.id == two.id)
                #expect(after["workflow 1"]?.lockVersion == 2)
                #expect(after["workflow 2"]?.lockVersion == 1)
                let stored = try storedWorkflow(one.id, in: relay)
                #expect(stored.body(of: webhook).contains("second commit"))
                #expect(!stored.body(of: webhook).contains("not committed"))
                let versions = try relay.versions(of: one.id)
                #expect(versions.map(\.source) == [.sync, .sync])
                #expect(versions.last?.actor == .system("repository connection"))
                // `weft history` lists the syncs as what they were.
                let history = try relay.weft(["history", one.id, "--socket", relay.socket])
                #expect(history.status == 0, "\(history.standardErrorText)")
                let syncRows = history.standardOutputText.split(separator: "\n").filter {
                    $0.contains("sync") && $0.contains("repository connection")
                }
                #expect(syncRows.count == 2, "\(history.standardOutputText)")

                let notice = try ann.takeWorkflowSaved()
                #expect(notice.source == .sync)
                #expect(notice.actor.name == "repository connection" && notice.actor.kind == .system)
                try ann.waitUntil("the sync is in Ann's document") {
                    ann.workflow.body(of: webhook).contains("second commit")
                }
                #expect(!ann.isDirty)

                // Nothing was written into the repository: only our own uncommitted edit shows.
                let status = try repository.git(["status", "--porcelain", "--untracked-files=all"])
                #expect(
                    status.trimmingCharacters(in: .whitespacesAndNewlines) == "M project.yaml", "\(status)")
            }
        }

        /// With no relay running a sync writes the database directly, and the next sync through a relay
        /// finds the state it kept there.
        @Test func withNoRelayASyncWritesTheDatabaseDirectly() throws {
            try withRelay(start: false) { relay in
                let repository = try TestRepository(in: relay.folder)
                try repository.write("project.yaml", try Self.fixture())
                try repository.commit("first version")
                let direct = try relay.weftCommand(["sync", "--repo", repository.path])
                #expect(
                    direct.standardErrorText.contains("no relay is running"), "\(direct.standardErrorText)")

                try relay.start()
                let listing = try #require(try relay.workflows()[ProjectFile.projectName])
                let one = try #require(listing["workflow 1"])
                #expect(try relay.versions(of: one.id).map(\.source) == [.sync])
                try repository.write(
                    "project.yaml",
                    try Self.fixture().replacingOnce(
                        "console.log('webhook job')", with: "console.log('relayed')"))
                try repository.commit("second version")
                try relay.weftCommand(["sync", "--repo", repository.path])
                let after = try #require(try relay.workflows()[ProjectFile.projectName])
                #expect(after.count == 2 && after["workflow 1"]?.id == one.id)
                #expect(after["workflow 1"]?.lockVersion == 2)
            }
        }

        /// `--watch` syncs each new commit as it lands and says which.
        @Test func watchFollowsNewCommits() throws {
            try withRelay { relay in
                let repository = try TestRepository(in: relay.folder)
                try repository.write("project.yaml", try Self.fixture())
                try repository.commit("first version")
                let watcher = try RunningChild(
                    try WeftExecutable.url(),
                    arguments: [
                        "sync", "--repo", repository.path, "--watch", "--interval", "0.2", "--socket",
                        relay.socket,
                        "--db", relay.database,
                    ], folder: relay.folder, tag: "watch")
                defer { _ = watcher.wait(timeout: .zero) }
                try waitFor("the first sync") { try relay.workflows()[ProjectFile.projectName]?.count == 2 }
                let id = try #require(try relay.workflows()[ProjectFile.projectName]?["workflow 1"]?.id)
                try repository.write(
                    "project.yaml",
                    try Self.fixture().replacingOnce(
                        "console.log('webhook job')", with: "console.log('watched')"))
                let second = try repository.commit("watched change")
                try waitFor("the watched commit") { try storedWorkflow(id, in: relay).lockVersion == 2 }
                try waitFor("the progress line") {
                    ((try? String(contentsOfFile: relay.folder.file("watch.out"), encoding: .utf8)) ?? "")
                        .contains("synced commit \(second.prefix(12)) (watched change)")
                }
                #expect(try relay.versions(of: id).last?.source == .sync)
            }
        }

        /// A folder that is no repository, a repository without the file, and a file that is no project
        /// are refused plainly (exit 1), writing nothing.
        @Test func badRepositoriesAreRefusedPlainly() throws {
            try withRelay { relay in
                let plain = relay.folder.file("plain")
                try FileManager.default.createDirectory(atPath: plain, withIntermediateDirectories: true)
                let notRepository = try relay.weftCommand(["sync", "--repo", plain], expectSuccess: false)
                #expect(notRepository.status == 1)
                #expect(notRepository.standardErrorText.contains("is not a git repository"))

                let repository = try TestRepository(in: relay.folder)
                let empty = try relay.weftCommand(["sync", "--repo", repository.path], expectSuccess: false)
                #expect(empty.status == 1)
                #expect(empty.standardErrorText.contains("has no commits yet"), "\(empty.standardErrorText)")

                try repository.write("README", "no project here\n")
                try repository.commit("no project")
                try repository.write("project.yaml", try Self.fixture())  // in the working tree only
                let missing = try relay.weftCommand(
                    ["sync", "--repo", repository.path], expectSuccess: false)
                #expect(missing.status == 1)
                #expect(
                    missing.standardErrorText.contains("there is no project.yaml"),
                    "\(missing.standardErrorText)")

                try repository.write("project.yaml", "workflows: [1, 2\n")
                try repository.commit("broken")
                let broken = try relay.weftCommand(["sync", "--repo", repository.path], expectSuccess: false)
                #expect(broken.status == 1)
                #expect(broken.standardErrorText.contains("refused (invalid)"), "\(broken.standardErrorText)")
                #expect(try relay.workflows().isEmpty)
            }
        }
    }
}

/// Polls `condition` (every 50 ms) until it holds, or throws after `timeout`.
func waitFor(_ what: String, timeout: Duration = .seconds(20), _ condition: () throws -> Bool) throws {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if (try? condition()) == true { return }
        usleep(50_000)
    }
    throw TestSupportError("timed out waiting for \(what)")
}
