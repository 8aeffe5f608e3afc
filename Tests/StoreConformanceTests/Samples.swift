import Foundation
import WeftStore
import WorkflowModel
import YCRDT

enum Samples {
    static let person = ChangeActor.person("ann")
    static let deployer = ChangeActor.system("deploy")

    /// A workflow using every field the model has: each trigger kind, Kafka settings, every edge condition,
    /// credentials, unknown keys in `extra`, positions, text with trailing whitespace and non-ASCII.
    static func richWorkflow(id: String = "wf-rich", name: String = "Rich workflow") -> Workflow {
        Workflow(
            id: id, name: name, lockVersion: 0, deletedAt: nil, concurrency: 3, enableJobLogs: false,
            jobs: [
                Job(
                    id: "job-fetch", name: "Fetch patients",
                    body: "get('/patients');\nfn(state => ({ ...state, fetched: true }));\n  ",
                    adaptor: "@openfn/language-http@6.4.3", projectCredentialID: "cred-http",
                    extra: ["retries": .integer(3), "tags": .array([.string("a"), .string("ü ✓")])]),
                Job(
                    id: "job-upload", name: "Upload", body: "", adaptor: "@openfn/language-dhis2@latest",
                    keychainCredentialID: "keychain-1"),
            ],
            triggers: [
                Trigger(id: "trig-webhook", type: .webhook, enabled: true, webhookReply: "after_completion"),
                Trigger(
                    id: "trig-cron", type: .cron, enabled: false, cronExpression: "0 6 * * 1-5",
                    cronCursorJobID: "job-upload"),
                Trigger(
                    id: "trig-kafka", type: .kafka, enabled: true,
                    kafkaConfiguration: KafkaConfiguration(
                        connectTimeout: 30, groupID: "weft", hostsString: "localhost:9092",
                        initialOffsetResetPolicy: "earliest", password: nil, sasl: "plain", ssl: true,
                        topicsString: "patients", username: "kafka-user"),
                    extra: ["note": .string("kept")]),
            ],
            edges: [
                Edge(
                    id: "edge-1", sourceTriggerID: "trig-webhook", targetJobID: "job-fetch",
                    conditionType: .always),
                Edge(
                    id: "edge-2", sourceJobID: "job-fetch", targetJobID: "job-upload",
                    conditionType: .jsExpression, conditionExpression: "state.fetched && !state.errors",
                    conditionLabel: "fetched ok"),
                Edge(
                    id: "edge-3", sourceTriggerID: "trig-cron", targetJobID: "job-upload",
                    conditionType: .onJobFailure, enabled: false),
            ],
            positions: ["trig-webhook": Position(x: 0, y: 0), "job-fetch": Position(x: 120.5, y: -40.25)],
            extra: ["color": .string("teal"), "nested": .object(YObject([(key: "k", value: .bool(true))]))])
    }

    static func simpleWorkflow(id: String, name: String, body: String = "fn(state => state);\n") -> Workflow {
        Workflow(
            id: id, name: name,
            jobs: [Job(id: "\(id)-job", name: "Only job", body: body)],
            triggers: [Trigger(id: "\(id)-trigger", type: .webhook)],
            edges: [Edge(id: "\(id)-edge", sourceTriggerID: "\(id)-trigger", targetJobID: "\(id)-job")])
    }
}

extension Workflow {
    /// The value with another lock_version: what the database should hold after a save.
    func with(lockVersion: Int) -> Workflow {
        var copy = self
        copy.lockVersion = lockVersion
        return copy
    }
}
