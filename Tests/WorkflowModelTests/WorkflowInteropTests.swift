import Foundation
import Testing
import WeftTestSupport
import WorkflowModel
import YCRDT

/// A pycrdt client (the project venv's pycrdt) reads a workflow document Weft wrote, edits it as a
/// third-party client would, and Weft reads the edit back. Without the venv the test fails, naming
/// scripts/bootstrap.
@Suite struct WorkflowInteropTests {
    /// The pycrdt side: the update arrives on stdin, Weft's state vector as argv[1] (hex); prints one
    /// JSON object with what pycrdt read and its edit as an update (hex).
    static let script = #"""
        import json, sys
        from pycrdt import Doc, Map, Array, Text

        doc = Doc(client_id=2002)
        doc.apply_update(sys.stdin.buffer.read())
        workflow = doc.get("workflow", type=Map)
        jobs = doc.get("jobs", type=Array)
        triggers = doc.get("triggers", type=Array)
        edges = doc.get("edges", type=Array)
        positions = doc.get("positions", type=Map)
        errors = doc.get("errors", type=Map)

        read = {
            "workflow": workflow.to_py(),
            "jobs": jobs.to_py(),
            "triggers": triggers.to_py(),
            "edges": edges.to_py(),
            "positions": positions.to_py(),
            "body_types": [type(job["body"]).__name__ for job in jobs],
            "kafka_types": [type(t["kafka_configuration"]).__name__ for t in triggers],
        }

        def u8(text, chars):
            return len(str(text)[:chars].encode())

        # The edits a person makes in another client: rename a job, edit its body, connect an edge.
        first = jobs[0]
        first["name"] = "fetch (py) ✓"
        body = first["body"]
        at = str(body).index("fn(")
        body.insert(u8(body, at), "// from pycrdt é\n")
        body.insert(u8(body, len(str(body))), "log('done');\n")
        edges.append(Map({
            "id": "edge-py", "source_job_id": "job-3", "source_trigger_id": None, "target_job_id": "job-1",
            "condition_type": "on_job_failure", "condition_expression": None, "condition_label": "retry",
            "enabled": True,
        }))
        positions["job-3"] = {"x": 42, "y": 7.5}
        workflow["concurrency"] = 5

        update = doc.get_update(bytes.fromhex(sys.argv[1]))
        print(json.dumps({"read": read, "update": update.hex()}, ensure_ascii=False))
        """#

    @Test func pycrdtReadsEditsAndWeftReadsBack() throws {
        let workflow = BindingSamples.rich()
        let doc = Doc(clientID: 1001)
        WorkflowDocument.write(workflow, into: doc)

        let result = try VenvPython.run(
            script: Self.script, stdin: Data(doc.encodeStateAsUpdate()),
            arguments: [doc.encodeStateVector().map { String(format: "%02x", $0) }.joined()])
        try #require(result.status == 0, "pycrdt failed:\n\(result.stderr)")
        let answer = try JSON.parse(String(decoding: result.stdout, as: UTF8.self))
        let read = try #require(answer.objectValue?["read"]?.objectValue)

        // pycrdt sees the shape of DESIGN.md: Y.Text bodies, a nested map for Kafka, plain positions.
        #expect(read["body_types"] == ["Text", "Text", "Text"])
        #expect(read["kafka_types"] == ["NoneType", "NoneType", "Map"])
        #expect(read["workflow"].map(numbersAsDoubles) == numbersAsDoubles(doc.map("workflow").json))
        #expect(read["jobs"].map(numbersAsDoubles) == numbersAsDoubles(doc.array("jobs").json))
        #expect(read["triggers"].map(numbersAsDoubles) == numbersAsDoubles(doc.array("triggers").json))
        #expect(read["edges"].map(numbersAsDoubles) == numbersAsDoubles(doc.array("edges").json))
        #expect(read["positions"].map(numbersAsDoubles) == numbersAsDoubles(doc.map("positions").json))

        // Weft reads pycrdt's edit back (pycrdt writes its numbers as floats).
        let hex = try #require(answer.objectValue?["update"]?.stringValue)
        try doc.applyUpdate(bytes(hex))
        let edited = WorkflowDocument.read(doc)
        var expected = workflow
        expected.concurrency = 5
        expected.jobs[0].name = "fetch (py) ✓"
        expected.jobs[0].body = "get('/items');\n// from pycrdt é\nfn(state => state); // é 😀\nlog('done');\n"
        expected.edges.append(
            Edge(
                id: "edge-py", sourceJobID: "job-3", targetJobID: "job-1", conditionType: .onJobFailure,
                conditionLabel: "retry"))
        expected.positions["job-3"] = Position(x: 42, y: 7.5)
        #expect(edited == expected)
        #expect(!UnsavedChanges.differ(document: edited, base: expected))

        // And a reconcile back to the original undoes exactly pycrdt's edits.
        let summary = Reconciler.reconcile(doc, to: workflow)
        #expect(summary.removed == [.init(kind: .edge, id: "edge-py"), .init(kind: .position, id: "job-3")])
        #expect(
            summary.changed == [
                .init(kind: .workflow, id: "wf-1", fields: ["concurrency"]),
                .init(kind: .job, id: "job-1", fields: ["name", "body"]),
            ])
        #expect(WorkflowDocument.read(doc) == workflow)
    }

    private func numbersAsDoubles(_ value: YAny) -> YAny {
        switch value {
        case .integer(let number): .double(Double(number))
        case .array(let items): .array(items.map(numbersAsDoubles))
        case .object(let object):
            .object(YObject(object.entries.map { ($0.key, numbersAsDoubles($0.value)) }))
        default: value
        }
    }

    private func bytes(_ hex: String) throws -> [UInt8] {
        let digits = Array(hex.utf8)
        guard digits.count % 2 == 0 else { throw TestSupportError("odd hex length") }
        return try stride(from: 0, to: digits.count, by: 2).map { index in
            guard let byte = UInt8(String(decoding: digits[index..<index + 2], as: UTF8.self), radix: 16)
            else {
                throw TestSupportError("not hex: \(hex.prefix(20))…")
            }
            return byte
        }
    }
}
