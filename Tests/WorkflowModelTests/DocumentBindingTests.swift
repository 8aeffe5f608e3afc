import Testing

@testable import WorkflowModel
@testable import YCRDT

/// The document binding: a workflow written into a doc in DESIGN.md's shape, and read back tolerantly.
@Suite struct DocumentBindingTests {
    @Test func richWorkflowRoundTrips() throws {
        let workflow = BindingSamples.rich()
        let doc = Doc(clientID: 1)
        WorkflowDocument.write(workflow, into: doc, origin: "test")
        #expect(WorkflowDocument.read(doc) == workflow)

        // Through update bytes into another replica (numbers come back in lib0's own forms).
        let replica = Doc(clientID: 2)
        try replica.applyUpdate(doc.encodeStateAsUpdate())
        #expect(WorkflowDocument.read(replica) == workflow)
    }

    @Test func writeMakesTheRootShapeOfTheDesign() throws {
        let workflow = BindingSamples.rich()
        let doc = Doc(clientID: 1)
        WorkflowDocument.write(workflow, into: doc)

        let root = doc.map("workflow")
        #expect(
            root.keys == [
                "concurrency", "deleted_at", "enable_job_logs", "id", "lock_version", "name", "state",
            ])
        if case .value(.integer(7)) = root["lock_version"] {
        } else {
            Issue.record("lock_version is not an integer 7")
        }
        #expect(root["deleted_at"]?.anyValue == .null, "nil is written as null, as Lightning does")

        let job = try #require(doc.array("jobs")[0]?.mapValue)
        #expect(
            job.keys.sorted()
                == [
                    "adaptor", "body", "id", "keychain_credential_id", "name", "project_credential_id",
                    "x_weft_note",
                ])
        #expect(job["body"]?.textValue?.string == workflow.jobs[0].body, "the body is a Y.Text")
        #expect(job["keychain_credential_id"]?.anyValue == .null)

        let kafka = try #require(doc.array("triggers")[2]?.mapValue?["kafka_configuration"]?.mapValue)
        #expect(kafka["hosts_string"]?.anyValue == "localhost:9092")
        #expect(doc.array("triggers")[0]?.mapValue?["kafka_configuration"]?.anyValue == .null)

        let edge = try #require(doc.array("edges")[0]?.mapValue)
        #expect(edge["condition_type"]?.anyValue == "always")
        #expect(edge["source_job_id"]?.anyValue == .null)

        #expect(doc.map("positions")["job-1"]?.anyValue == ["x": 120.0, "y": -40.5])
        #expect(doc.map("errors").count == 0)
        #expect(WorkflowDocument.readErrors(doc) == .object([:]))
    }

    /// Preliminary maps: each entity is one inserted type whose keys follow in the table's order, so a
    /// Yjs client sees the same struct order as from Lightning's serializer for the same fields.
    @Test func entityKeysAreWrittenInTheTableOrder() throws {
        let doc = Doc(clientID: 1)
        WorkflowDocument.write(BindingSamples.rich(), into: doc)
        // The order of keys as written: the item clocks of one job map increase in the table's order.
        let first = try #require(doc.array("jobs")[0]?.mapValue)
        let clocks = (DocumentKey.jobFields + ["x_weft_note"]).map { key in first.branch.map[key]!.id.clock }
        #expect(clocks == clocks.sorted())
        let edge = try #require(doc.array("edges")[0]?.mapValue)
        let edgeClocks = DocumentKey.edgeFields.map { key in edge.branch.map[key]!.id.clock }
        #expect(edgeClocks == Array(edgeClocks[0]..<(edgeClocks[0] + DocumentKey.edgeFields.count)))
    }

    @Test func writingTwiceDoesNotDuplicate() {
        let doc = Doc(clientID: 1)
        let workflow = BindingSamples.rich()
        WorkflowDocument.write(workflow, into: doc)
        WorkflowDocument.write(workflow, into: doc)
        #expect(WorkflowDocument.read(doc) == workflow)
    }

    @Test func emptyDocumentReadsAsDefaults() {
        let workflow = WorkflowDocument.read(Doc(clientID: 1))
        #expect(workflow == Workflow(id: "", name: ""))
    }

    /// What a pycrdt peer (or a hand-made Yjs doc) may hand us: floats for integers, keys missing,
    /// keys of the wrong type, keys we do not know, a plain-string body, junk in an array.
    @Test func readIsTolerant() throws {
        let doc = Doc(clientID: 9)
        try doc.transact { tx in
            let root = doc.map("workflow")
            root.set("id", "wf-1", in: tx)
            root.set("name", 42, in: tx)  // wrong type → ""
            root.set("lock_version", 3.0, in: tx)  // pycrdt's float
            root.set("concurrency", 2.0, in: tx)
            root.set("enable_job_logs", "yes", in: tx)  // wrong type → nil
            root.set("state", "draft", in: tx)  // unknown → extra
            try doc.array("jobs").insert(
                [
                    .map([
                        ("id", "j1"), ("name", "fetch"), ("body", .text("get('/x')")),
                        ("has_auth_method", true),
                    ]),
                    .map([("id", "j2"), ("body", "plain string body"), ("adaptor", .value(.null))]),
                    .value("not a job"),
                ], at: 0, in: tx)
            try doc.array("triggers").insert(
                [
                    .map([
                        ("id", "t1"), ("type", "kafka"),
                        (
                            "kafka_configuration",
                            .map([("connect_timeout", 30.0), ("hosts_string", "h:1"), ("ssl", true)])
                        ),
                    ]),
                    .map([("id", "t2"), ("type", "carrier pigeon"), ("enabled", 1.0)]),
                ], at: 0, in: tx)
            try doc.array("edges").insert(
                [
                    .map([
                        ("id", "e1"), ("source_trigger_id", "t1"), ("target_job_id", "j1"),
                        ("condition_type", "on_job_failure"),
                    ])
                ],
                at: 0, in: tx)
            let positions = doc.map("positions")
            positions.set("j1", .value(["x": 10.0, "y": 20]), in: tx)
            positions.set("j2", .map([("x", 1.5), ("y", 2.5)]), in: tx)
            positions.set("t1", .value(["x": 7]), in: tx)  // y missing → 0
            positions.set("junk", "somewhere", in: tx)  // skipped
        }
        let workflow = WorkflowDocument.read(doc)
        #expect(workflow.id == "wf-1")
        #expect(workflow.name == "")
        #expect(workflow.lockVersion == 3)
        #expect(workflow.concurrency == 2)
        #expect(workflow.enableJobLogs == nil)
        #expect(workflow.extra == ["state": "draft"])
        #expect(workflow.jobs.map(\.id) == ["j1", "j2"], "an element that is not a map is skipped")
        #expect(workflow.jobs[0].body == "get('/x')")
        #expect(workflow.jobs[0].adaptor == Job.defaultAdaptor, "a missing adaptor takes the default")
        #expect(workflow.jobs[0].extra == ["has_auth_method": true])
        #expect(workflow.jobs[1].name == "")
        #expect(workflow.jobs[1].body == "plain string body")
        #expect(workflow.jobs[1].adaptor == Job.defaultAdaptor)
        #expect(
            workflow.triggers[0].kafkaConfiguration
                == KafkaConfiguration(connectTimeout: 30, hostsString: "h:1", ssl: true))
        #expect(workflow.triggers[0].enabled, "missing enabled is true")
        #expect(workflow.triggers[1].type == .webhook, "an unknown type reads as the default")
        #expect(workflow.triggers[1].enabled, "a number is not a Bool: default")
        #expect(
            workflow.edges == [
                Edge(id: "e1", sourceTriggerID: "t1", targetJobID: "j1", conditionType: .onJobFailure)
            ])
        #expect(
            workflow.positions == [
                "j1": Position(x: 10, y: 20), "j2": Position(x: 1.5, y: 2.5), "t1": Position(x: 7, y: 0),
            ])
    }

    /// Roots of the wrong kind (a peer made `jobs` a map) read as empty, never crash.
    @Test func wrongRootKindsReadAsEmpty() throws {
        let doc = Doc(clientID: 3)
        try doc.map("jobs").set("j1", "nonsense")
        try doc.array("workflow").append(["odd"])
        let workflow = WorkflowDocument.read(doc)
        #expect(workflow.jobs.isEmpty)
        #expect(workflow.id == "")
    }

    @Test func errorsAreWrittenAndCleared() throws {
        let doc = Doc(clientID: 1)
        WorkflowDocument.write(BindingSamples.rich(), into: doc)
        let errors: YAny = [
            "workflow": ["name": ["can't be blank"]],
            "jobs": ["job-1": ["name": ["has already been taken"], "body": ["is invalid"]]],
            "edges": ["edge-1": ["condition_expression": ["can't be blank"]]],
        ]
        WorkflowDocument.writeErrors(errors, into: doc, origin: "save")
        #expect(WorkflowDocument.readErrors(doc) == errors)

        // Writing the same errors again changes nothing.
        let before = doc.stateVector
        WorkflowDocument.writeErrors(errors, into: doc)
        #expect(doc.stateVector == before)

        // A partial update removes the keys no longer there.
        WorkflowDocument.writeErrors(["jobs": ["job-1": ["name": ["has already been taken"]]]], into: doc)
        #expect(WorkflowDocument.readErrors(doc) == ["jobs": ["job-1": ["name": ["has already been taken"]]]])

        WorkflowDocument.writeErrors(.object([:]), into: doc)
        #expect(WorkflowDocument.readErrors(doc) == .object([:]))
        #expect(WorkflowDocument.read(doc) == BindingSamples.rich(), "errors do not touch the workflow")
    }
}

/// Workflows the binding, compare and reconcile tests share.
enum BindingSamples {
    /// Every field set somewhere, nil somewhere else, unknown keys on each kind.
    static func rich() -> Workflow {
        Workflow(
            id: "wf-1", name: "Daily sync ☕", lockVersion: 7, deletedAt: nil, concurrency: 3,
            enableJobLogs: true,
            jobs: [
                Job(
                    id: "job-1", name: "fetch", body: "get('/items');\nfn(state => state); // é 😀\n",
                    adaptor: "@openfn/language-http@latest", projectCredentialID: "cred-1",
                    extra: ["x_weft_note": "kept"]),
                Job(id: "job-2", name: "store", body: "upsert('items', $.data);\n"),
                Job(
                    id: "job-3", name: "notify", body: "", adaptor: "@openfn/language-mailgun@1.0.0",
                    keychainCredentialID: "kc-9"),
            ],
            triggers: [
                Trigger(id: "tr-1", type: .webhook, webhookReply: "after_completion"),
                Trigger(
                    id: "tr-2", type: .cron, enabled: false, cronExpression: "*/15 * * * *",
                    cronCursorJobID: "job-1"),
                Trigger(
                    id: "tr-3", type: .kafka,
                    kafkaConfiguration: KafkaConfiguration(
                        connectTimeout: 30, groupID: "g", hostsString: "localhost:9092",
                        initialOffsetResetPolicy: "earliest", sasl: "plain", ssl: false, topicsString: "a,b"),
                    extra: ["has_auth_method": true]),
            ],
            edges: [
                Edge(id: "edge-1", sourceTriggerID: "tr-1", targetJobID: "job-1", conditionType: .always),
                Edge(
                    id: "edge-2", sourceJobID: "job-1", targetJobID: "job-2", conditionType: .onJobSuccess,
                    conditionLabel: "ok"),
                Edge(
                    id: "edge-3", sourceJobID: "job-2", targetJobID: "job-3", conditionType: .jsExpression,
                    conditionExpression: "state.data.length > 0", enabled: false, extra: ["weight": 2.5]),
            ],
            positions: [
                "job-1": Position(x: 120, y: -40.5), "job-2": Position(x: 120, y: 80),
                "tr-1": Position(x: 0, y: 0),
            ],
            extra: ["state": "draft"])
    }
}
