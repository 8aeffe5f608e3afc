import Foundation
import Testing

@testable import WorkflowModel
@testable import YCRDT

/// Unknown keys of a Kafka configuration (Lightning's `partition_timestamps` and `reset_request`, or a
/// key a newer Lightning adds) survive every way through Weft: the document, the store's JSON, the
/// provisioning JSON, and project.yaml with its state file.
@Suite struct KafkaExtraTests {
    // Small numbers: lib0 writes integers past 2^31 as floats, which read back as `.double`.
    static let timestamps: YAny = .object(["0": .integer(1_720)])
    static let extra: [String: YAny] = [
        "partition_timestamps": timestamps,
        "reset_request": .object(["requested_at": .null, "reset_to": .null]),
    ]

    static func kafka(extra: [String: YAny] = KafkaExtraTests.extra) -> KafkaConfiguration {
        KafkaConfiguration(
            connectTimeout: 30, groupID: "lightning-1", hostsString: "localhost:9092",
            initialOffsetResetPolicy: "earliest", topicsString: "events", extra: extra)
    }

    static func workflow(_ kafka: KafkaConfiguration) -> Workflow {
        let trigger = "00000000-0000-4000-8000-0000000000a2"
        let job = "00000000-0000-4000-8000-0000000000a3"
        return Workflow(
            id: "00000000-0000-4000-8000-0000000000a1", name: "w",
            jobs: [Job(id: job, name: "a", body: "fn()", adaptor: "@openfn/language-common@latest")],
            triggers: [Trigger(id: trigger, type: .kafka, kafkaConfiguration: kafka)],
            edges: [
                Edge(
                    id: "00000000-0000-4000-8000-0000000000a4", sourceTriggerID: trigger, targetJobID: job,
                    conditionType: .always)
            ])
    }

    @Test func theDocumentKeepsUnknownKafkaKeys() throws {
        let workflow = Self.workflow(Self.kafka())
        let doc = Doc(clientID: 1)
        WorkflowDocument.write(workflow, into: doc)
        let nested = try #require(doc.array("triggers")[0]?.mapValue?["kafka_configuration"]?.mapValue)
        #expect(nested["partition_timestamps"]?.anyValue == Self.timestamps)
        #expect(WorkflowDocument.read(doc) == workflow)

        // Through update bytes into another replica.
        let replica = Doc(clientID: 2)
        try replica.applyUpdate(doc.encodeStateAsUpdate())
        #expect(WorkflowDocument.read(replica).triggers[0].kafkaConfiguration?.extra == Self.extra)
    }

    /// A plain object (as Lightning's first reconciler wrote) keeps its unknown keys too, on read and when
    /// the reconciler turns it into a map.
    @Test func aPlainKafkaObjectKeepsItsUnknownKeys() throws {
        let doc = Doc(clientID: 3)
        let workflow = Self.workflow(Self.kafka(extra: [:]))
        WorkflowDocument.write(workflow, into: doc)
        let trigger = try #require(doc.array("triggers")[0]?.mapValue)
        try trigger.set(
            "kafka_configuration",
            .value(.object(["hosts_string": .string("localhost:9092"), "future_key": .string("kept")])))
        #expect(WorkflowDocument.read(doc).triggers[0].kafkaConfiguration?.extra == ["future_key": "kept"])

        Reconciler.reconcile(doc, to: workflow)
        let nested = try #require(trigger["kafka_configuration"]?.mapValue)
        #expect(nested["future_key"]?.anyValue == "kept")
        #expect(nested["topics_string"]?.anyValue == "events")
    }

    /// The reconciler sets a changed unknown key, and leaves one the target does not name.
    @Test func reconcilingEditsUnknownKeysAndKeepsOnesTheTargetLacks() throws {
        let doc = Doc(clientID: 4)
        WorkflowDocument.write(Self.workflow(Self.kafka()), into: doc)
        var changed = Self.kafka(extra: ["partition_timestamps": .object(["0": .integer(5)])])
        changed.topicsString = "other"
        Reconciler.reconcile(doc, to: Self.workflow(changed))
        let read = try #require(WorkflowDocument.read(doc).triggers[0].kafkaConfiguration)
        #expect(read.topicsString == "other")
        #expect(read.extra["partition_timestamps"] == .object(["0": .integer(5)]))
        #expect(read.extra["reset_request"] == Self.extra["reset_request"])
    }

    /// The store keeps the configuration as JSON: unknown keys round-trip, and a configuration without
    /// any encodes exactly as before `extra` existed.
    @Test func theStoredJSONKeepsUnknownKafkaKeys() throws {
        let kafka = Self.kafka()
        let data = try JSONEncoder().encode(kafka)
        #expect(try JSONDecoder().decode(KafkaConfiguration.self, from: data) == kafka)

        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let plain = try encoder.encode(KafkaConfiguration(connectTimeout: 30, hostsString: "h:1"))
        #expect(String(decoding: plain, as: UTF8.self) == #"{"connect_timeout":30,"hosts_string":"h:1"}"#)
        let old = Data(#"{"connect_timeout":30,"ssl":true}"#.utf8)
        let decoded = try JSONDecoder().decode(KafkaConfiguration.self, from: old)
        #expect(decoded == KafkaConfiguration(connectTimeout: 30, ssl: true))
    }

    /// Lightning's provisioning output holds keys Weft has no field for: they are read, kept and
    /// written back.
    @Test func theProvisioningJSONKeepsUnknownKafkaKeys() throws {
        let json = """
            {"id": "00000000-0000-4000-8000-000000000001", "name": "p", "workflows": [
              {"id": "00000000-0000-4000-8000-000000000002", "name": "w", "jobs": [], "edges": [],
               "triggers": [{"id": "00000000-0000-4000-8000-000000000003", "type": "kafka",
                 "kafka_configuration": {"hosts": [["localhost", "9092"]], "topics": ["t"],
                   "partition_timestamps": {"0": 1720}, "future_key": "kept"}}]}]}
            """
        let document = try ProvisioningJSON.parse(json, file: "p.json")
        let kafka = try #require(document.project.workflows[0].triggers[0].kafkaConfiguration)
        #expect(kafka.extra == ["partition_timestamps": Self.timestamps, "future_key": "kept"])
        #expect(kafka.topicsString == "t")
        let reread = try ProvisioningJSON.parse(ProvisioningJSON.write(document), file: "again.json")
        #expect(reread.project == document.project)
    }

    /// project.yaml holds the CLI's four Kafka keys; the rest lives in the state file beside it and comes
    /// back on deploy.
    @Test func projectYAMLAndItsStateKeepUnknownKafkaKeys() throws {
        let project = Project(
            id: "00000000-0000-4000-8000-0000000000a0", name: "p", workflows: [Self.workflow(Self.kafka())])
        let (spec, state) = ProjectSpec.exporting(project)
        let yaml = ProjectYAML.write(spec)
        #expect(!yaml.contains("partition_timestamps"))
        let readSpec = try ProjectYAML.parse(yaml, file: "p.yaml")
        let readState = try ProjectState.parse(state.write(), file: ".state.json")
        let (deployed, _) = ProjectState.resolve(
            spec: readSpec, state: readState, makeID: FormatTests.Counter().next)
        #expect(deployed.workflows[0].triggers[0].kafkaConfiguration == Self.kafka())
    }
}
