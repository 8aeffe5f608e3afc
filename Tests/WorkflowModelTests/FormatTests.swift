import Foundation
import Testing
import WeftTestSupport
import WorkflowModel
import Yams

/// OpenFn's formats: project-as-code v1 YAML, the provisioning JSON and the CLI's state file, read from
/// the real files in Fixtures/openfn and written back without losing a field.
@Suite struct FormatTests {
    static let yamlFixture = "openfn/lightning-canonical_project.yaml"
    static let payloadFixture = "openfn/kit-deploy-lightningProjectPayload.json"
    static let specFixture = "openfn/kit-deploy-fullExampleSpec.json"
    static let stateFixture = "openfn/kit-deploy-fullExampleState.json"

    static func text(_ fixture: String) throws -> String {
        String(decoding: try Fixtures.data(fixture), as: UTF8.self)
    }

    /// Ids 00000000-0000-4000-8000-000000000001, …02, … in order of asking.
    final class Counter: @unchecked Sendable {
        var count = 0
        func next() -> String {
            count += 1
            let digits = String(count)
            return "00000000-0000-4000-8000-" + String(repeating: "0", count: 12 - digits.count) + digits
        }
    }

    // MARK: YAML

    @Test func theCanonicalYAMLReadsEveryField() throws {
        let spec = try ProjectYAML.parse(Self.text(Self.yamlFixture), file: "project.yaml")

        #expect(spec.name == "a-test-project")
        #expect(spec.description == "This is only a test")
        #expect(
            spec.credentials == [
                CredentialSpec(
                    key: "email-0@example.com-new-credential", name: "new credential",
                    owner: "email-0@example.com")
            ])
        #expect(spec.workflows.map(\.key) == ["workflow-1", "workflow-2"])
        let first = try #require(spec.workflow("workflow-1"))
        #expect(first.name == "workflow 1")
        #expect(first.jobs.map(\.key) == ["webhook-job", "on-fail", "on-success"])
        let webhookJob = try #require(first.job("webhook-job"))
        #expect(webhookJob.adaptor == "@openfn/language-common@latest")
        #expect(webhookJob.credential == "email-0@example.com-new-credential")
        #expect(webhookJob.body == .inline("console.log('webhook job')\nfn(state => state)\n"))
        #expect(first.triggers == [TriggerSpec(key: "webhook", type: .webhook, enabled: true)])
        #expect(
            first.edges.map(\.key) == [
                "webhook->webhook-job", "webhook-job->on-fail", "webhook-job->on-success",
            ])
        #expect(
            first.edge("webhook-job->on-fail")
                == EdgeSpec(
                    key: "webhook-job->on-fail", sourceJob: "webhook-job", targetJob: "on-fail",
                    conditionType: .onJobFailure, enabled: true))
        let second = try #require(spec.workflow("workflow-2"))
        #expect(second.triggers.first?.cronExpression == "0 23 * * *")
        #expect(second.edges.map(\.conditionType) == [.always, .onJobSuccess])
    }

    @Test func yamlToSpecToYAMLKeepsEveryField() throws {
        let original = try Self.text(Self.yamlFixture)
        let spec = try ProjectYAML.parse(original, file: "project.yaml")
        let written = ProjectYAML.write(spec)

        #expect(try Plain(yaml: written) == Plain(yaml: original))
        #expect(try ProjectYAML.parse(written, file: "written.yaml") == spec)
        // From the first write on, writing is byte-stable.
        #expect(ProjectYAML.write(try ProjectYAML.parse(written, file: "written.yaml")) == written)
    }

    @Test func yamlWritesInLightningsStyle() throws {
        let written = ProjectYAML.write(
            try ProjectYAML.parse(Self.text(Self.yamlFixture), file: "project.yaml"))

        #expect(written.hasPrefix("name: a-test-project\ndescription: This is only a test\ncredentials:\n"))
        #expect(written.contains("        adaptor: '@openfn/language-common@latest'\n"))
        #expect(
            written.contains(
                "        body: |\n          console.log('webhook job')\n          fn(state => state)\n"))
        #expect(written.contains("        cron_expression: '0 23 * * *'\n"))
        #expect(written.contains("      webhook->webhook-job:\n        source_trigger: webhook\n"))
    }

    @Test func yamlToProjectToYAMLKeepsEveryField() throws {
        let original = try Self.text(Self.yamlFixture)
        let spec = try ProjectYAML.parse(original, file: "project.yaml")
        let ids = Counter()
        let (project, state) = ProjectState.resolve(spec: spec, state: nil, makeID: ids.next)

        #expect(project.workflows.count == 2)
        #expect(project.credentials.count == 1)
        let job = try #require(project.workflows[0].jobs.first)
        #expect(job.projectCredentialID == project.credentials[0].id)
        let edge = try #require(project.workflows[0].edges.first)
        #expect(edge.sourceTriggerID == project.workflows[0].triggers[0].id)
        #expect(edge.targetJobID == job.id)

        let (exported, exportedState) = ProjectSpec.exporting(project, state: state)
        #expect(exported == spec)
        #expect(exportedState == state)
        #expect(try Plain(yaml: ProjectYAML.write(exported)) == Plain(yaml: original))
    }

    @Test func theSpecInJSONReadsAndWritesBack() throws {
        let original = try Self.text(Self.specFixture)
        let spec = try ProjectYAML.parse(original, file: "spec.json")

        let job = try #require(spec.workflow("workflow-one")?.job("job-a"))
        #expect(job.body == .file(path: "somefile.js", content: ""))
        #expect(job.credential == nil)
        #expect(job.emptyKeys["credential"] == .null)
        #expect(spec.emptyKeys["credentials"] == .emptyMapping)
        let edge = try #require(spec.workflow("workflow-one")?.edge("job-a->job-b"))
        #expect(edge.conditionExpression == "state.data > 18")
        #expect(edge.conditionLabel == "not-minor")

        #expect(try Plain(json: ProjectYAML.writeJSON(spec)) == Plain(json: original))
        #expect(try Plain(yaml: ProjectYAML.write(spec)) == Plain(json: original))
    }

    @Test func aBodyPathIsKeptAndCanBeRead() throws {
        let yaml = """
            name: p
            workflows:
              w:
                name: w
                jobs:
                  a:
                    name: a
                    adaptor: '@openfn/language-common@latest'
                    body:
                      path: ./jobs/a.js
            """
        let unread = try ProjectYAML.parse(yaml, file: "p.yaml")
        let job = try #require(unread.workflow("w")?.job("a"))
        #expect(job.body == .file(path: "./jobs/a.js", content: nil))
        #expect(job.bodyText == nil)
        #expect(unread.unresolvedBodies.map(\.path) == ["./jobs/a.js"])
        #expect(ProjectYAML.write(unread).contains("body:\n          path: ./jobs/a.js\n"))

        var asked: [String] = []
        let read = try ProjectYAML.parse(yaml, file: "p.yaml") { path in
            asked.append(path)
            return "fn(state => state);\n"
        }
        #expect(asked == ["./jobs/a.js"])
        #expect(read.workflow("w")?.job("a")?.bodyText == "fn(state => state);\n")
        #expect(read.unresolvedBodies.isEmpty)
        // The text read is not written into the project file: it stays a path.
        #expect(ProjectYAML.write(read) == ProjectYAML.write(unread))
        let (project, _) = ProjectState.resolve(spec: read, state: nil, makeID: Counter().next)
        #expect(project.workflows[0].jobs[0].body == "fn(state => state);\n")
    }

    @Test func anUnreadableBodyFileIsAProblemAtItsPath() throws {
        struct Missing: Error, CustomStringConvertible {
            var description: String { "no such file" }
        }
        let yaml = """
            name: p
            workflows:
              w:
                name: w
                jobs:
                  a:
                    name: a
                    adaptor: x
                    body: {path: gone.js}
            """
        let error = try #require(throws: FormatError.self) {
            try ProjectYAML.parse(yaml, file: "p.yaml") { _ in throw Missing() }
        }
        #expect(error.problems.map(\.path) == ["workflows.w.jobs.a.body.path"])
        #expect(error.problems.first?.kind == .unreadableFile)
        #expect(error.problems.first?.message.contains("gone.js") == true)
        #expect(error.problems.first?.message.contains("no such file") == true)
    }

    @Test func credentialsResolveByKeyOrByOwnerAndName() throws {
        let yaml = """
            name: p
            credentials:
              me@example.com-api:
                name: api
                owner: me@example.com
            workflows:
              w:
                name: w
                jobs:
                  a: {name: a, adaptor: x, credential: me@example.com-api}
                  b: {name: b, adaptor: x, credential: me@example.com|api}
            """
        let spec = try ProjectYAML.parse(yaml, file: "p.yaml")
        let (project, _) = ProjectState.resolve(spec: spec, state: nil, makeID: Counter().next)
        let credential = try #require(project.credentials.first)
        #expect(project.workflows[0].jobs.map(\.projectCredentialID) == [credential.id, credential.id])
        #expect(ProjectYAML.write(spec).contains("credential: me@example.com|api"))
    }

    @Test func emptyKeysAreWrittenBackAsTheyWereSpelled() throws {
        let yaml = """
            name: p
            description: null
            credentials: {}
            collections:
            workflows:
              w:
                name: w
                jobs:
                  a:
                    name: a
                    adaptor: x
                    credential: null
                    body: ''
                triggers: {}
                edges: null
            """
        let spec = try ProjectYAML.parse(yaml, file: "p.yaml")
        #expect(spec.emptyKeys == ["description": .null, "credentials": .emptyMapping, "collections": .null])
        #expect(try Plain(yaml: ProjectYAML.write(spec)) == Plain(yaml: yaml))
    }

    @Test func triggerAndKafkaFieldsRoundTrip() throws {
        let yaml = """
            name: p
            workflows:
              w:
                name: w
                jobs:
                  a: {name: a, adaptor: x, body: 'fn()'}
                triggers:
                  webhook:
                    type: webhook
                    webhook_reply: after_completion
                    webhook_response_config:
                      success_code: 201
                      error_code: 500
                    enabled: false
                  cron:
                    type: cron
                    cron_expression: '*/5 * * * *'
                    cron_cursor_job: a
                  kafka:
                    type: kafka
                    enabled: true
                    kafka_configuration:
                      hosts: ['localhost:9092', 'other:9093']
                      topics: [events]
                      initial_offset_reset_policy: earliest
                      connect_timeout: 30
            """
        let spec = try ProjectYAML.parse(yaml, file: "p.yaml")
        #expect(try Plain(yaml: ProjectYAML.write(spec)) == Plain(yaml: yaml))

        let (project, state) = ProjectState.resolve(spec: spec, state: nil, makeID: Counter().next)
        let triggers = project.workflows[0].triggers
        #expect(triggers[0].webhookReply == "after_completion")
        #expect(triggers[0].enabled == false)
        #expect(triggers[1].cronCursorJobID == project.workflows[0].jobs[0].id)
        #expect(triggers[1].enabled == true)
        #expect(triggers[2].kafkaConfiguration?.hostsString == "localhost:9092, other:9093")
        #expect(triggers[2].kafkaConfiguration?.connectTimeout == 30)

        let (exported, _) = ProjectSpec.exporting(project, state: state)
        #expect(
            exported.workflows[0].triggers[0].webhookResponseConfig
                == WebhookResponseConfigSpec(successCode: 201, errorCode: 500))
        #expect(
            exported.workflows[0].triggers[2].kafkaConfiguration?.hosts == ["localhost:9092", "other:9093"])
        // Through the provisioning JSON too.
        let document = ProvisioningDocument(project: project, state: state)
        let reread = try ProvisioningJSON.parse(ProvisioningJSON.write(document), file: "payload.json")
        #expect(reread.project == project)
    }

    /// Strings that need quoting, escapes or block indicators come back as they went in.
    @Test(arguments: [
        "", " ", "yes", "no", "null", "~", "true", "1.5", "0x1F", "012", "1_000", "2023-08-25", "12:30", "-",
        "- a",
        "a: b", "a #b", "#x", "@x", "`x`", "'q'", "\"dq\"", "tab\there", "line\nbreak", "\nleading break",
        "trailing break\n", "two trailing\n\n", "  indented\nfirst line", "\n  indented after a blank",
        "a\r\nb",
        "nel\u{85}x", "emoji 🎉", "bom\u{FEFF}", "bell\u{07}", "ends with space ", "[x]", "{x}", "x:", "%x",
        "!x", "&x", "*x",
        "|", ">", "?", ",", "<<", "=", "...", "---", "a\n\n\nb\n", "\t\n", "é",
    ])
    func awkwardStringsSurviveAWriteAndARead(text: String) throws {
        let blank = text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
        let spec = ProjectSpec(
            name: blank ? "x" : text, description: text,
            workflows: [
                WorkflowSpec(
                    key: blank ? "w" : text, name: text,
                    jobs: [
                        JobSpec(key: "a", name: text, adaptor: blank ? "x" : text, body: .inline(text)),
                        JobSpec(key: "b", name: "b", body: .file(path: "p", content: text)),
                    ],
                    edges: [
                        EdgeSpec(
                            key: "a->b", sourceJob: "a", targetJob: "b", conditionType: .jsExpression,
                            conditionExpression: text, conditionLabel: text)
                    ])
            ])
        let written = ProjectYAML.write(spec)
        let reread = try ProjectYAML.parse(written, file: "w.yaml")
        #expect(reread == spec, "written as:\n\(written)")
        let rereadJSON = try ProjectYAML.parse(ProjectYAML.writeJSON(spec), file: "w.json")
        #expect(rereadJSON == spec)
    }

    // MARK: Provisioning JSON

    @Test func theProvisioningPayloadReadsIntoValues() throws {
        let document = try ProvisioningJSON.parse(Self.text(Self.payloadFixture), file: "payload.json")
        let project = document.project

        #expect(project.id == "ad186ffd-f7a9-4bbe-9a47-ef80779ad996")
        #expect(project.name == "my-sample-project")
        #expect(project.description == nil)
        #expect(
            project.credentials == [
                ProjectCredential(
                    id: "25f48989-d349-4eb8-99c3-923ebba5b116", name: "Basic Auth", owner: "email@test.com")
            ])
        #expect(project.workflows.map(\.name) == ["OpenHIE Workflow", "silent-shadow-9317"])
        let workflow = project.workflows[0]
        #expect(workflow.jobs.count == 4)
        #expect(workflow.jobs[0].projectCredentialID == "25f48989-d349-4eb8-99c3-923ebba5b116")
        #expect(workflow.jobs[0].adaptor == "@openfn/language-http@latest")
        #expect(
            workflow.edges.map(\.conditionType) == [.always, .onJobSuccess, .onJobSuccess, .onJobFailure])
        #expect(workflow.edges.map(\.enabled) == [true, true, false, true])
        #expect(workflow.triggers == [Trigger(id: "951fb278-3829-40e6-b86d-c5a6603a0df1", type: .webhook)])
        #expect(document.serverFields["requires_mfa"] == .bool(false))
        #expect(document.workflowServerFields[workflow.id]?["project_id"] == .string(project.id))
        #expect(document.deletions.isEmpty)
    }

    @Test func jsonToValuesToJSONKeepsEveryField() throws {
        let original = try Self.text(Self.payloadFixture)
        let document = try ProvisioningJSON.parse(original, file: "payload.json")
        let written = ProvisioningJSON.write(document)

        // Every field of the original is in the output with its value (null and missing are the same to
        // Lightning); what the output adds are the defaults Weft's values carry, spelled out.
        let before = try Plain(json: original)
        let after = try Plain(json: written)
        #expect(before.isContained(in: after), "lost: \(before.missing(from: after))")
        // Added: only values the file left to their defaults.
        #expect(
            after.missing(from: before) == [
                ".workflows[0].lock_version", ".workflows[0].triggers[0].enabled",
                ".workflows[1].lock_version", ".workflows[1].triggers[0].enabled",
            ])
        #expect(try ProvisioningJSON.parse(written, file: "written.json") == document)
        #expect(ProvisioningJSON.write(try ProvisioningJSON.parse(written, file: "written.json")) == written)
    }

    @Test func deletionsAreReadAndWrittenInTheirLists() throws {
        let json = """
            {
              "id": "00000000-0000-4000-8000-000000000001", "name": "p",
              "project_credentials": [],
              "collections": [{"id": "00000000-0000-4000-8000-000000000009", "delete": true}],
              "workflows": [
                {"id": "00000000-0000-4000-8000-000000000002", "name": "w",
                 "jobs": [
                   {"id": "00000000-0000-4000-8000-000000000003", "name": "a", "adaptor": "x", "body": ""},
                   {"id": "00000000-0000-4000-8000-000000000004", "delete": true}
                 ],
                 "triggers": [{"id": "00000000-0000-4000-8000-000000000005", "delete": true}],
                 "edges": [{"id": "00000000-0000-4000-8000-000000000006", "delete": true}]},
                {"id": "00000000-0000-4000-8000-000000000007", "delete": true}
              ]
            }
            """
        let document = try ProvisioningJSON.parse(json, file: "p.json")
        let w = "00000000-0000-4000-8000-000000000002"
        #expect(
            document.deletions == [
                ProvisioningDeletion(kind: .collection, id: "00000000-0000-4000-8000-000000000009"),
                ProvisioningDeletion(kind: .job, id: "00000000-0000-4000-8000-000000000004", workflowID: w),
                ProvisioningDeletion(
                    kind: .trigger, id: "00000000-0000-4000-8000-000000000005", workflowID: w),
                ProvisioningDeletion(kind: .edge, id: "00000000-0000-4000-8000-000000000006", workflowID: w),
                ProvisioningDeletion(kind: .workflow, id: "00000000-0000-4000-8000-000000000007"),
            ])
        #expect(document.project.workflows.map(\.jobs.count) == [1])
        let written = ProvisioningJSON.write(document)
        #expect(try ProvisioningJSON.parse(written, file: "w.json") == document)
        #expect(try Plain(json: json).isContained(in: Plain(json: written)))
    }

    @Test func kafkaCredentialsAreRefusedInJSON() throws {
        let json = """
            {"id": "00000000-0000-4000-8000-000000000001", "name": "p", "workflows": [{
              "id": "00000000-0000-4000-8000-000000000002", "name": "w", "jobs": [], "edges": [],
              "triggers": [{"id": "00000000-0000-4000-8000-000000000003", "type": "kafka",
                "kafka_configuration": {"hosts": [["localhost", "9092"]], "topics": ["t"], "password": "hunter2"}}]
            }]}
            """
        let error = try #require(throws: FormatError.self) {
            try ProvisioningJSON.parse(json, file: "p.json")
        }
        #expect(error.problems.map(\.path) == ["workflows[0].triggers[0].kafka_configuration.password"])
        #expect(error.problems.first?.message.contains("dashboard") == true)
    }

    @Test func theKindOfEachFixtureIsDetected() throws {
        #expect(
            ProjectFileKind.detect(fileName: "project.yaml", text: try Self.text(Self.yamlFixture))
                == .projectSpec)
        #expect(
            ProjectFileKind.detect(fileName: "spec.json", text: try Self.text(Self.specFixture))
                == .projectSpec)
        #expect(
            ProjectFileKind.detect(fileName: "p.json", text: try Self.text(Self.payloadFixture))
                == .provisioning)
        #expect(
            ProjectFileKind.detect(fileName: ".state.json", text: try Self.text(Self.stateFixture)) == .state)
        #expect(ProjectFileKind.detect(fileName: "broken.json", text: "{not json") == .provisioning)
        #expect(ProjectFileKind.detect(fileName: "project", text: "{name: p}") == .projectSpec)
    }

    // MARK: State file

    @Test func theStateFileRoundTrips() throws {
        let original = try Self.text(Self.stateFixture)
        let state = try ProjectState.parse(original, file: ".state.json")

        #expect(state.id == "be156ab1-8426-4151-9a18-4045142f9ec0")
        let workflow = try #require(state.workflow("workflow-one"))
        #expect(workflow.id == "8124e88c-566f-472f-be38-363e588af55a")
        #expect(workflow.value?.jobs.map(\.key) == ["job-a", "job-b"])
        #expect(workflow.value?.edges.first?.value?.sourceTriggerID == "71f0cbf1-4d8e-443e-afca-8a479ec281a1")
        #expect(try Plain(json: state.write()) == Plain(json: original))
        #expect(try ProjectState.parse(state.write(), file: ".state.json") == state)
    }

    @Test func theSpecDeployedOverItsStateKeepsEveryID() throws {
        let spec = try ProjectYAML.parse(Self.text(Self.specFixture), file: "spec.json")
        let state = try ProjectState.parse(Self.text(Self.stateFixture), file: ".state.json")

        let (project, next) = ProjectState.resolve(spec: spec, state: state) {
            Issue.record("no new id should be needed")
            return "00000000-0000-4000-8000-00000000dead"
        }

        #expect(project.id == state.id)
        #expect(next == state, "the state after deploying the same spec is the state it had")
        let workflow = try #require(project.workflows.first)
        #expect(workflow.id == "8124e88c-566f-472f-be38-363e588af55a")
        #expect(
            workflow.jobs.map(\.id) == [
                "68e172b8-1cca-4085-aadf-8534761ef7c2", "e1bf76a8-4deb-44ff-9881-fbf676537b37",
            ])
        #expect(workflow.edges[1].sourceJobID == workflow.jobs[0].id)
        #expect(workflow.edges[1].conditionExpression == "state.data > 18")
        #expect(workflow.triggers[0].cronExpression == "0 0 1 1 *")
    }

    @Test func deployingTwiceMapsTheSameKeysToTheSameIDs() throws {
        let spec = try ProjectYAML.parse(Self.text(Self.yamlFixture), file: "project.yaml")
        let ids = Counter()
        let (first, firstState) = ProjectState.resolve(spec: spec, state: nil, makeID: ids.next)
        let made = ids.count
        #expect(made == 1 + 1 + 2 + 5 + 2 + 5)  // project, credential, workflows, jobs, triggers, edges

        // The state goes to disk and comes back.
        let saved = try ProjectState.parse(firstState.write(), file: ".state.json")
        #expect(saved == firstState)
        let (second, secondState) = ProjectState.resolve(spec: spec, state: saved, makeID: ids.next)
        #expect(ids.count == made, "a second deploy makes no new ids")
        #expect(second == first)
        #expect(secondState == firstState)
        #expect(secondState.deletions.isEmpty)
    }

    @Test func newKeysGetNewIDsAndRemovedKeysBecomeDeletions() throws {
        var spec = try ProjectYAML.parse(Self.text(Self.yamlFixture), file: "project.yaml")
        let ids = Counter()
        let (first, state) = ProjectState.resolve(spec: spec, state: nil, makeID: ids.next)

        // Drop on-fail (and its edge), add a new job, and drop workflow-2 altogether.
        spec.workflows[0].jobs.removeAll { $0.key == "on-fail" }
        spec.workflows[0].edges.removeAll { $0.key == "webhook-job->on-fail" }
        spec.workflows[0].jobs.append(JobSpec(key: "notify", name: "notify", body: .inline("fn(s => s)")))
        spec.workflows[0].edges.append(
            EdgeSpec(
                key: "on-success->notify", sourceJob: "on-success", targetJob: "notify",
                conditionType: .onJobSuccess))
        spec.workflows.removeLast()

        let before = ids.count
        let (second, next) = ProjectState.resolve(spec: spec, state: state, makeID: ids.next)
        #expect(ids.count == before + 2)

        let oldWorkflow = first.workflows[0]
        let newWorkflow = second.workflows[0]
        #expect(second.workflows.count == 1)
        #expect(newWorkflow.id == oldWorkflow.id)
        #expect(newWorkflow.job(oldWorkflow.jobs[0].id)?.name == "webhook job")
        let onFail = oldWorkflow.jobs[1]
        let onFailEdge = oldWorkflow.edges[1]
        #expect(newWorkflow.job(onFail.id) == nil)
        #expect(
            next.deletions == [
                ProvisioningDeletion(kind: .job, id: onFail.id, workflowID: oldWorkflow.id),
                ProvisioningDeletion(kind: .edge, id: onFailEdge.id, workflowID: oldWorkflow.id),
                ProvisioningDeletion(kind: .workflow, id: first.workflows[1].id),
            ])

        // The provisioning document carries the deletions; once deployed, the state forgets them.
        let document = ProvisioningDocument(project: second, state: next)
        let written = ProvisioningJSON.write(document)
        #expect(written.contains("\"id\": \"\(onFail.id)\",\n          \"delete\": true"))
        #expect(try ProvisioningJSON.parse(written, file: "p.json").deletions == next.deletions)
        let settled = next.withoutDeletions()
        #expect(settled.deletions.isEmpty)
        #expect(settled.workflows.map(\.key) == ["workflow-1"])
        #expect(
            settled.workflow("workflow-1")?.value?.jobs.map(\.key) == ["webhook-job", "on-success", "notify"])
    }

    @Test func anIDTheSpecPinsIsUsedForANewKey() throws {
        var spec = try ProjectYAML.parse(Self.text(Self.yamlFixture), file: "project.yaml")
        spec.workflows[0].id = "11111111-2222-4333-8444-555555555555"
        spec.workflows[0].jobs[0].id = "11111111-2222-4333-8444-666666666666"

        let (project, state) = ProjectState.resolve(spec: spec, state: nil, makeID: Counter().next)
        #expect(project.workflows[0].id == "11111111-2222-4333-8444-555555555555")
        #expect(project.workflows[0].jobs[0].id == "11111111-2222-4333-8444-666666666666")
        #expect(
            state.specPath(ofEntity: "11111111-2222-4333-8444-666666666666")?.description
                == "workflows.workflow-1.jobs.webhook-job")
    }

    @Test func aFieldTheSpecLeavesOutKeepsItsDeployedValue() throws {
        var spec = try ProjectYAML.parse(Self.text(Self.yamlFixture), file: "project.yaml")
        let ids = Counter()
        var (_, state) = ProjectState.resolve(spec: spec, state: nil, makeID: ids.next)
        // Someone disabled the trigger in Lightning; the CLI pulled that into the state.
        state.workflows[0].value?.triggers[0].value?.enabled = false
        spec.workflows[0].triggers[0].enabled = nil

        let (project, _) = ProjectState.resolve(spec: spec, state: state, makeID: ids.next)
        #expect(project.workflows[0].triggers[0].enabled == false)
    }

    // MARK: Errors

    static let brokenYAML = """
        name: broken
        credentials:
          me-api:
            name: api
            owner: me@example.com
        workflows:
          ingest:
            name: ingest
            jobs:
              fetch:
                name: fetch
                adaptr: '@openfn/language-http@latest'
                credential: someone-else
                body: get('/x')
              store:
                name: store
                adaptor: '@openfn/language-common@latest'
                adaptor: again
                body: [not, a, string]
            triggers:
              nightly:
                type: cron
                cron_expression: '0 0 * * *'
                cron_cursor_job: nowhere
                enabled: sometimes
            edges:
              nightly->fetch:
                source_trigger: nightly
                target_job: fetch
                condition_type: whenever
              fetch->ghost:
                source_job: fetch
                target_job: ghost
                condition_type: on_job_success
              orphan:
                target_job: store
                condition_type: always
        """

    @Test func everyProblemIsReportedWithItsPathAndLine() throws {
        let error = try #require(throws: FormatError.self) {
            try ProjectYAML.parse(Self.brokenYAML, file: "broken.yaml")
        }
        let found = error.problems.map { "\($0.kind.rawValue) \($0.path)" }

        // In the order of the file.
        #expect(
            found == [
                "missing key workflows.ingest.jobs.fetch.adaptor",
                "unknown key workflows.ingest.jobs.fetch.adaptr",
                "broken reference workflows.ingest.jobs.fetch.credential",
                "duplicate workflows.ingest.jobs.store.adaptor",
                "wrong type workflows.ingest.jobs.store.body",
                "broken reference workflows.ingest.triggers.nightly.cron_cursor_job",
                "wrong type workflows.ingest.triggers.nightly.enabled",
                "invalid value workflows.ingest.edges.nightly->fetch.condition_type",
                "broken reference workflows.ingest.edges.fetch->ghost.target_job",
                "missing key workflows.ingest.edges.orphan",
            ])
        guard error.problems.count == 10 else { return }
        #expect(
            error.problems[0].description
                == "broken.yaml:11:9: workflows.ingest.jobs.fetch.adaptor: job \"fetch\" has no \"adaptor\"")
        #expect(
            error.problems[1].description
                == "broken.yaml:12:9: workflows.ingest.jobs.fetch.adaptr: unknown key \"adaptr\" in job \"fetch\"; did you mean \"adaptor\"?"
        )
        #expect(error.problems[2].message.contains("\"someone-else\""))
        #expect(error.problems[2].message.contains("me-api"))
        #expect(error.problems[3].line == 18)
        #expect(error.problems[3].message.contains("first on line 17"))
        #expect(error.problems[6].message == "must be true or false, not \"sometimes\"")
        #expect(
            error.problems[7].message
                == "\"whenever\" is not one of always, on_job_success, on_job_failure, js_expression")
        #expect(error.problems[8].message.hasPrefix("no job \"ghost\" in this workflow"))
        #expect(error.problems[9].message.contains("has no source"))
        #expect(error.description.split(separator: "\n").count == error.problems.count)
    }

    @Test func unknownKeysAreRefusedAtEveryLevel() throws {
        let yaml = """
            name: p
            globals: {}
            credentials:
              c: {name: c, owner: o, secret: x}
            workflows:
              w:
                name: w
                concurrency: 2
                jobs:
                  a: {name: a, adaptor: x, body: {path: a.js, text: y}}
                triggers:
                  t: {type: webhook, kafka_configuration: {hosts: ['h:1'], password: p}}
                edges:
                  e: {source_trigger: t, target_job: a, condition_type: always, condition: x}
            """
        let error = try #require(throws: FormatError.self) { try ProjectYAML.parse(yaml, file: "p.yaml") }
        #expect(error.problems.allSatisfy { $0.kind == .unknownKey })
        #expect(
            error.problems.map(\.path) == [
                "globals", "credentials.c.secret", "workflows.w.concurrency", "workflows.w.jobs.a.body.text",
                "workflows.w.triggers.t.kafka_configuration.password", "workflows.w.edges.e.condition",
            ])
    }

    @Test func syntaxErrorsGiveTheLine() throws {
        let error = try #require(throws: FormatError.self) {
            try ProjectYAML.parse("name: p\nworkflows:\n  w:\n    name: [unclosed\n", file: "bad.yaml")
        }
        #expect(error.problems.count == 1)
        #expect(error.problems[0].kind == .syntax)
        #expect(error.problems[0].line != nil)
        #expect(error.problems[0].description.hasPrefix("bad.yaml:"))

        let json = try #require(throws: FormatError.self) {
            try ProvisioningJSON.parse("{\n  \"id\": \"x\",\n  \"name\": oops\n}", file: "bad.json")
        }
        #expect(json.problems.map(\.description) == ["bad.json:3:11: not valid JSON: unexpected 'o'"])
    }

    @Test func provisioningProblemsNameTheirPlaceInTheArrays() throws {
        let json = """
            {
              "id": "00000000-0000-4000-8000-000000000001", "name": "p", "colour": "red",
              "project_credentials": [],
              "workflows": [{
                "id": "00000000-0000-4000-8000-000000000002", "name": "w",
                "jobs": [
                  {"id": "00000000-0000-4000-8000-000000000003", "name": "a", "project_credential_id": "00000000-0000-4000-8000-00000000000c"},
                  {"id": "job-b", "name": "b"},
                  {"id": "00000000-0000-4000-8000-000000000004", "name": "gone", "delete": true}
                ],
                "triggers": [{"id": "00000000-0000-4000-8000-000000000003", "type": "email"}],
                "edges": [
                  {"id": "00000000-0000-4000-8000-000000000005", "source_job_id": "00000000-0000-4000-8000-000000000003",
                   "target_job_id": "00000000-0000-4000-8000-0000000000ff", "condition_type": "on_job_success"}
                ]
              }]
            }
            """
        let error = try #require(throws: FormatError.self) {
            try ProvisioningJSON.parse(json, file: "p.json")
        }
        #expect(
            error.problems.map { "\($0.kind.rawValue) \($0.path)" } == [
                "unknown key colour",
                "broken reference workflows[0].jobs[0].project_credential_id",
                "invalid value workflows[0].jobs[1].id",
                "invalid value workflows[0].jobs[2].name",
                "invalid value workflows[0].triggers[0].type",
                "broken reference workflows[0].edges[0].target_job_id",
            ])
        #expect(
            error.problems[2].message
                == "\"job-b\" is not a UUID; every id in a provisioning document is a UUID")
        #expect(error.problems[3].message.contains("cannot change or add a record while deleting"))
        #expect(error.problems.allSatisfy { $0.line != nil })
    }

    @Test func anIDUsedTwiceIsADuplicate() throws {
        let json = """
            {"id": "00000000-0000-4000-8000-000000000001", "name": "p", "workflows": [{
              "id": "00000000-0000-4000-8000-000000000002", "name": "w",
              "jobs": [{"id": "00000000-0000-4000-8000-000000000003", "name": "a"}],
              "triggers": [{"id": "00000000-0000-4000-8000-000000000003", "type": "webhook"}]
            }]}
            """
        let error = try #require(throws: FormatError.self) {
            try ProvisioningJSON.parse(json, file: "p.json")
        }
        #expect(error.problems.map(\.kind) == [.duplicate])
        #expect(error.problems[0].path == "workflows[0].triggers[0].id")
        #expect(error.problems[0].message.contains("workflows[0].jobs[0]"))
    }

    @Test func pathsQuoteKeysThatHoldDots() {
        let path = FormatPath.root / "credentials" / "me@example.com-api" / "owner"
        #expect(path.description == "credentials.\"me@example.com-api\".owner")
        #expect(
            (FormatPath.root / "workflows").appending(index: 2).appending("name").description
                == "workflows[2].name")
    }
}

/// A parsed YAML or JSON document as plain comparable values, for comparing structures: null and a
/// missing key are the same, as they are to Lightning.
indirect enum Plain: Hashable, CustomStringConvertible, Decodable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case list([Plain])
    case map([String: Plain])

    init(yaml: String) throws {
        self.init(any: try Yams.load(yaml: yaml) as Any)
    }

    /// JSON through Foundation's decoder, a reader independent of Weft's own.
    init(json: String) throws {
        self = try JSONDecoder().decode(Plain.self, from: Data(json.utf8))
    }

    init(any value: Any) {
        switch value {
        case let value as Bool where type(of: value as Any) == Bool.self: self = .bool(value)
        case let value as Int: self = .number(Double(value))
        case let value as Double: self = .number(value)
        case let value as String: self = .string(value)
        case let value as [Any]: self = .list(value.map(Plain.init(any:)))
        case let value as [String: Any]: self = .map(value.mapValues(Plain.init(any:))).withoutNulls
        default: self = .null
        }
    }

    /// Maps without their null values, at every depth.
    var withoutNulls: Plain {
        switch self {
        case .map(let map): .map(map.compactMapValues { $0 == .null ? nil : $0.withoutNulls })
        case .list(let items): .list(items.map(\.withoutNulls))
        default: self
        }
    }

    /// Whether every value of `self` is in `other` (maps may have more keys there).
    func isContained(in other: Plain) -> Bool { missing(from: other).isEmpty }

    /// The paths of `self` whose values `other` lacks or differs in.
    func missing(from other: Plain, at path: String = "") -> [String] {
        switch (self, other) {
        case (.map(let mine), .map(let theirs)):
            return mine.keys.sorted().flatMap { key in
                theirs[key].map { mine[key]!.missing(from: $0, at: path + "." + key) } ?? [path + "." + key]
            }
        case (.list(let mine), .list(let theirs)) where mine.count == theirs.count:
            return zip(mine, theirs).enumerated().flatMap {
                $0.element.0.missing(from: $0.element.1, at: path + "[\($0.offset)]")
            }
        default:
            return self == other ? [] : [path]
        }
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([Plain].self) {
            self = .list(value)
        } else {
            self = Plain.map(try container.decode([String: Plain].self)).withoutNulls
        }
    }

    var description: String {
        switch self {
        case .null: "null"
        case .bool(let value): "\(value)"
        case .number(let value): "\(value)"
        case .string(let value): "\"\(value)\""
        case .list(let items): "[" + items.map(\.description).joined(separator: ", ") + "]"
        case .map(let map): "{" + map.keys.sorted().map { "\($0): \(map[$0]!)" }.joined(separator: ", ") + "}"
        }
    }
}
