import Foundation
import Testing
import WeftClient
import WeftProtocol
import WeftTestSupport
import WorkflowModel

extension RelaySuite {
    /// A store that keeps failing (a full disk): nothing is acknowledged, a save is refused saying
    /// why, and the relay still shuts down cleanly on SIGTERM (issue #5: graceful shutdown). Before the
    /// connections' waits ended on shutdown, a reader waiting for a commit that never came kept the
    /// relay running until SIGKILL.
    @Suite("a failing store")
    struct FailingStore {
        @Test func aSaveIsRefusedAsUnavailableAndSIGTERMStillEndsTheRelay() throws {
            try withRelay { relay in
                let project = try DeployedProject.deploy(to: relay)
                let ann = try TestEditor(socket: relay.socket, workflow: project.workflow1, as: "Ann")
                let webhook = try ann.base.jobID(named: "webhook job")
                try ann.waitForAcks()
                let ackedBefore = ann.acked

                // From now on every append to the document log fails, as on a full disk.
                try Self.failLogWrites(in: relay.database)
                for index in 0..<50 { try ann.append("<\(index)>", toBodyOf: webhook) }
                try ann.pump(for: .milliseconds(300))
                #expect(ann.acked == ackedBefore, "nothing the store could not write is acknowledged")

                let answer = try ann.save()
                guard case .saveFailed(let reason, let message, _, _, _) = answer else {
                    Issue.record("expected save_failed, got \(answer)")
                    return
                }
                #expect(reason == .unavailable)
                #expect(message?.contains("nothing was saved") == true, "\(message ?? "")")
                #expect(!ann.isClosed, "a refused save keeps the connection")

                // A second client whose sync waits for those commits.
                let bob = try relay.connect()
                try bob.send(.control(.join(workflow: project.workflow1, as: "Bob")))
                try bob.send(.sync(.step1(stateVector: [0])))
                Thread.sleep(forTimeInterval: 0.3)

                let started = ContinuousClock.now
                let status = relay.stop(grace: .seconds(15))
                let took = ContinuousClock.now - started
                #expect(status == 0, "the relay exits by itself (status \(status.map(String.init) ?? "none"))")
                #expect(took < .seconds(10), "shutdown took \(took)")
                #expect(relay.log.contains("could not commit updates"), "the failure is logged")
                bob.close()
            }
        }

        /// Makes every insert into the document log fail, through a second connection to the relay's
        /// SQLite database (WAL lets it in while the relay runs).
        static func failLogWrites(in database: String) throws {
            let script = """
                import sqlite3, sys
                db = sqlite3.connect(sys.argv[1], timeout=10)
                db.execute("CREATE TRIGGER test_disk_full BEFORE INSERT ON document_log "
                           "BEGIN SELECT RAISE(FAIL, 'database or disk is full (test)'); END")
                db.commit()
                """
            let result = try ChildProcess.run(
                URL(fileURLWithPath: "/usr/bin/python3"), arguments: ["-c", script, database], timeout: 30)
            guard result.status == 0 else {
                throw TestSupportError("could not add the trigger: \(String(decoding: result.standardError, as: UTF8.self))")
            }
        }
    }
}
