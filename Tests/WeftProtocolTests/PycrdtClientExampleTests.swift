import Foundation
import Testing
import WeftProtocol
import WeftTestSupport
import YCRDT

/// The pycrdt client of docs/protocol.md, run verbatim against a relay played by this module: the
/// example speaks the protocol as written, and WeftProtocol reads what a real pycrdt client sends.
@Suite(.serialized) struct PycrdtClientExampleTests {
    static let base: YAny = [
        "id": "7d1c", "name": "Nightly", "lock_version": 3, "jobs": [], "triggers": [], "edges": [],
        "positions": [:],
    ]

    @Test func theDocumentedClientJoinsSyncsEditsSavesAndPrintsNotices() throws {
        let script = try Self.example()
        let directory = URL(fileURLWithPath: "/tmp").appendingPathComponent(
            "weft-proto-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("relay.sock").path
        let listener = try TestSocket.listen(at: path)

        let child = ChildOutcome()
        Thread.detachNewThread {
            child.finish {
                try VenvPython.run(script: script, arguments: ["acme/nightly", "Renamed by pycrdt", path])
            }
        }

        // The relay's side: one document, one connection.
        let doc = Doc()
        let workflow = doc.map("workflow")
        try workflow.set("id", "7d1c")
        try workflow.set("name", "Nightly")
        try workflow.set("lock_version", 3)
        let session = SyncSession(doc: doc, options: .server)
        var seen: [String] = []
        var presentNames: [String] = []
        var updates = 0
        do {
            let connection = try listener.accept(timeout: 60)
            func send(_ message: WireMessage) throws { try connection.send(Frame.encode(message)) }
            var decoder = FrameDecoder()
            var done = false
            while !done {
                let bytes = try connection.receive(timeout: 60)
                if bytes.isEmpty {
                    try decoder.finish()
                    break
                }
                decoder.append(bytes)
                while !done, let message = try decoder.nextMessage() {
                    seen.append(Self.name(of: message))
                    switch message {
                    case .control(.join(let reference, let name)):
                        #expect(reference == "acme/nightly")
                        #expect(name == "pycrdt example")
                        try send(
                            .control(.joined(workflow: Self.base, lockVersion: 3, role: .editor, clientID: 1))
                        )
                        for opening in session.start() { try send(try #require(WireMessage(opening))) }
                    case .sync(let sync):
                        if sync.kind != .step1 { updates += 1 }
                        for reply in try session.receive(sync) { try send(try #require(WireMessage(reply))) }
                        if sync.kind != .step1 { try send(.control(.ack(updates: updates))) }
                    case .awareness(let bytes):
                        for entry in try AwarenessUpdate(decoding: bytes).entries {
                            if case .string(let name)? = entry.state?.objectValue?["user"]?.objectValue?[
                                "name"]
                            {
                                presentNames.append(name)
                            }
                        }
                    case .control(.save(let lockVersion)):
                        #expect(lockVersion == 3)
                        // The update sent before the save is already applied: messages are handled in order.
                        #expect(workflow["name"]?.anyValue == "Renamed by pycrdt")
                        var saved = try #require(Self.base.objectValue)
                        saved["name"] = "Renamed by pycrdt"
                        saved["lock_version"] = 4
                        try send(.control(.saved(lockVersion: 4, workflow: .object(saved))))
                        saved["lock_version"] = 5
                        try send(
                            .control(
                                .workflowSaved(
                                    lockVersion: 5, workflow: .object(saved), actor: .system("deploy"),
                                    source: .deploy,
                                    summary: [
                                        "changed": [["kind": "workflow", "id": "7d1c", "fields": ["name"]]]
                                    ],
                                    conflicts: [])))
                        done = true  // closing the connection ends the client
                    default:
                        Issue.record("unexpected message from the client: \(message)")
                    }
                }
            }
        }

        let result = try child.wait()
        #expect(result.status == 0, "the example failed:\n\(result.stderr)")
        #expect(
            seen == [
                "join", "sync step 1", "awareness", "sync step 2", "sync update", "save",
            ])
        #expect(presentNames == ["pycrdt example"])
        let lines = String(decoding: result.stdout, as: UTF8.self).split(separator: "\n").map(String.init)
        #expect(lines.first == "joined 'Nightly' at version 3 as editor")
        #expect(lines.contains("durable: 2 of 2 updates"))
        #expect(
            Array(lines.suffix(3)) == [
                "saved as version 4",
                "workflow_saved: version 5 by deploy (system) via deploy, 0 conflicts",
                "the relay closed the connection",
            ])
    }

    /// The Python block under `<!-- example: weft_client.py -->` in docs/protocol.md.
    static func example() throws -> String {
        let document = try String(
            contentsOf: ProjectRoot.url().appendingPathComponent("docs/protocol.md"), encoding: .utf8)
        let lines = document.components(separatedBy: "\n")
        guard let marker = lines.firstIndex(of: "<!-- example: weft_client.py -->"),
            lines.indices.contains(marker + 1), lines[marker + 1] == "```python",
            let end = lines[(marker + 2)...].firstIndex(of: "```")
        else { throw TestSupportError("docs/protocol.md has no example block under its marker") }
        return lines[(marker + 2)..<end].joined(separator: "\n")
    }

    static func name(of message: WireMessage) -> String {
        switch message {
        case .sync(let sync): sync.kind.description
        case .awareness: "awareness"
        case .auth: "auth"
        case .queryAwareness: "query awareness"
        case .control(let control): control.type
        }
    }
}

/// What a child process run on another thread ended with.
final class ChildOutcome: @unchecked Sendable {
    typealias Result = (stdout: Data, stderr: String, status: Int32)
    private var result: Swift.Result<Result, any Error>?
    private let done = DispatchSemaphore(value: 0)

    func finish(_ body: () throws -> Result) {
        result = Swift.Result(catching: body)
        done.signal()
    }

    func wait() throws -> Result {
        done.wait()
        return try result!.get()
    }
}
