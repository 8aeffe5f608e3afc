import Foundation
import Testing
import WeftStore

@Suite struct BackupTests {
    @Test func aBackupTakenWhileRunningOpensWithEverything() throws {
        let folder = try ScratchFolder()
        let store = try WeftStore(path: folder.path("live.sqlite"))
        try store.createProject(id: "p", name: "P")
        _ = try store.createWorkflow(Samples.richWorkflow(), in: "p", actor: Samples.person, source: .editor)
        try store.appendUpdates((1...50).map { (docID: "wf-rich", update: [UInt8($0)]) })

        let copyPath = folder.path("backup.sqlite")
        try store.backup(to: copyPath)
        // The store keeps working, and the copy does not see what came after it.
        try store.appendUpdate(docID: "wf-rich", update: [51])
        #expect(!FileManager.default.fileExists(atPath: copyPath + "-wal"))

        let copy = try WeftStore(path: copyPath)
        #expect(try copy.workflow(id: "wf-rich") == Samples.richWorkflow().with(lockVersion: 1))
        #expect(try copy.loadDocument("wf-rich").updates.count == 50)
        #expect(try copy.settings().synchronous == 2)
        #expect(throws: (any Error).self) { try store.backup(to: copyPath) }
    }
}
