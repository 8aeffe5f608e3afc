import Foundation
import Testing
import WeftProtocol
import WeftStore
import WeftTestSupport
import WorkflowModel
import YCRDT

extension RelaySuite {
    /// A connection's updates are pipelined (issue #5, durable acks): the relay takes the next update
    /// while the last one is still being committed, so one connection's updates share group commits.
    /// What must not change: nothing reaches anyone before it is committed, acks come in order and
    /// count exactly, a refusal's error comes before the ack that covers it, and a save sees every
    /// update sent before it.
    @Suite("pipelined updates")
    struct PipelinedUpdates {
        @Test func updatesSentBackToBackShareCommitsAndNothingIsForwardedBeforeItIsStored() throws {
            try withRelay { relay in
                let project = try DeployedProject.deploy(to: relay)
                let ann = try TestEditor(socket: relay.socket, workflow: project.workflow1, as: "Ann")
                let bob = try TestEditor(socket: relay.socket, workflow: project.workflow1, as: "Bob")
                let webhook = try ann.base.jobID(named: "webhook job")
                try ann.waitForAcks()
                let commitsBefore = try Self.logCommits(relay)
                let ackedBefore = ann.acked
                let count = 300
                // Sent without reading anything in between: one connection, many updates in flight.
                for index in 0..<count { try ann.append("<\(index)>", toBodyOf: webhook) }

                // Whatever Bob has been sent is already in the store, at every point of the stream.
                var seen = 0
                var checks = 0
                while seen < count {
                    try bob.pumpOne(timeout: .seconds(10))
                    let markers = Self.markers(in: bob.workflow.body(of: webhook))
                    guard markers.count > seen else { continue }
                    seen = markers.count
                    #expect(markers == Set(0..<seen), "Bob gets Ann's updates in order")
                    let stored = try Self.storedMarkers(relay, workflow: project.workflow1, job: webhook)
                    #expect(
                        stored.isSuperset(of: markers),
                        "Bob had \(seen) updates; the store only \(stored.count)")
                    checks += 1
                }
                #expect(checks > 0)

                try ann.waitForAcks()
                let acks = ann.ackLog.map(\.updates).filter { $0 > ackedBefore }
                #expect(acks == acks.sorted() && Set(acks).count == acks.count, "acks only go up: \(acks)")
                #expect(acks.last == ann.updatesSent)
                // Without pipelining each of Ann's updates is a commit of its own (300 of 300); pipelined, a
                // commit carries whatever arrived while the last one was written.
                let commits = try Self.logCommits(relay) - commitsBefore
                #expect(commits <= count / 3, "\(count) updates took \(commits) commits")
                #expect(ann.errors.isEmpty && bob.errors.isEmpty, "\(ann.errors) \(bob.errors)")
                try bob.pump()
                #expect(bob.contents == ann.contents)
            }
        }

        @Test func aRefusedUpdateAmongPipelinedOnesGetsItsErrorBeforeTheAckThatCoversIt() throws {
            try withRelay { relay in
                let project = try DeployedProject.deploy(to: relay)
                let ann = try TestEditor(socket: relay.socket, workflow: project.workflow1, as: "Ann")
                let webhook = try ann.base.jobID(named: "webhook job")
                try ann.waitForAcks()
                for index in 0..<50 { try ann.append("<\(index)>", toBodyOf: webhook) }
                try ann.send(.sync(.update([0xFF, 0x01, 0x02])))
                let refused = ann.updatesSent
                for index in 50..<100 { try ann.append("<\(index)>", toBodyOf: webhook) }
                try ann.waitForAcks()

                #expect(ann.errors.count == 1, "\(ann.errors)")
                if case .error(let code, _) = ann.errors.first {
                    #expect(code == ErrorCode.updateRejected.rawValue)
                }
                for ack in ann.ackLog {
                    #expect(ack.errorsBefore == (ack.updates >= refused ? 1 : 0), "ack \(ack.updates)")
                }
                #expect(ann.acked == ann.updatesSent)
                let check = try TestEditor(socket: relay.socket, workflow: project.workflow1, as: "check")
                #expect(Self.markers(in: check.workflow.body(of: webhook)) == Set(0..<100))
            }
        }

        @Test func aSaveRightAfterABurstHoldsEveryUpdateAndFollowsTheirAcks() throws {
            try withRelay { relay in
                let project = try DeployedProject.deploy(to: relay)
                let ann = try TestEditor(socket: relay.socket, workflow: project.workflow1, as: "Ann")
                let bob = try TestEditor(socket: relay.socket, workflow: project.workflow1, as: "Bob")
                let webhook = try ann.base.jobID(named: "webhook job")
                for index in 0..<200 { try ann.append("<\(index)>", toBodyOf: webhook) }
                // Bob edits meanwhile too; his updates may or may not make it into Ann's save.
                for index in 0..<20 { try bob.append("[\(index)]", toBodyOf: webhook) }
                let sentBeforeSave = ann.updatesSent
                let answer = try ann.save()
                // The save's answer came after the acks of every update sent before it.
                #expect(ann.acked == sentBeforeSave)
                guard case .saved(_, let workflowJSON) = answer else {
                    Issue.record("the save failed: \(answer)")
                    return
                }
                let saved = try TestEditor.workflow(from: workflowJSON)
                #expect(Self.markers(in: saved.body(of: webhook)) == Set(0..<200))
                try bob.waitForAcks()
            }
        }

        static func logCommits(_ relay: RelayProcess) throws -> Int {
            guard case .statusReply(let status) = try relay.request(.status),
                case .integer(let commits) = status.objectValue?["log_commits"]
            else { throw TestSupportError("no log_commits in the relay's status") }
            return Int(commits)
        }

        /// The `<n>` markers in a body.
        static func markers(in body: String) -> Set<Int> {
            var found: Set<Int> = []
            for part in body.split(separator: "<").dropFirst() {
                if let end = part.firstIndex(of: ">"), let number = Int(part[..<end]) { found.insert(number) }
            }
            return found
        }

        /// The markers in a job's body as the store holds the document now (snapshot and log).
        static func storedMarkers(_ relay: RelayProcess, workflow: String, job: String) throws -> Set<Int> {
            let stored = try WeftStore(path: relay.database).loadDocument(workflow)
            let doc = Doc()
            if let snapshot = stored.snapshot { try doc.applyUpdate(snapshot) }
            for logged in stored.updates { try doc.applyUpdate(logged.bytes) }
            return markers(in: WorkflowDocument.read(doc).body(of: job))
        }
    }
}
