import Foundation
import Testing
import WeftTestSupport
import YCRDT

@testable import WorkflowModel

/// A small valid workflow: webhook → fetch → (success) store, (failure) notify; the shape of workflow 1
/// of OpenFn's canonical project.
private func sampleWorkflow() -> Workflow {
    Workflow(
        id: "wf", name: "workflow 1",
        jobs: [
            Job(id: "fetch", name: "webhook job", body: "fn(state => state)\n"),
            Job(id: "store", name: "on success", body: "console.log('hello!');\n"),
            Job(id: "notify", name: "on fail", body: "fn(state => state)\n"),
        ],
        triggers: [Trigger(id: "hook", type: .webhook)],
        edges: [
            Edge(id: "e1", sourceTriggerID: "hook", targetJobID: "fetch", conditionType: .always),
            Edge(id: "e2", sourceJobID: "fetch", targetJobID: "store", conditionType: .onJobSuccess),
            Edge(id: "e3", sourceJobID: "fetch", targetJobID: "notify", conditionType: .onJobFailure),
        ])
}

/// The issues of `workflow` about one entity.
private func issues(of workflow: Workflow, about id: String?) -> [ValidationIssue] {
    WorkflowValidator.validate(workflow).filter { $0.entityID == id }
}

private func hasError(
    _ workflow: Workflow, _ id: String?, _ field: String, containing text: String = ""
) -> Bool {
    WorkflowValidator.validate(workflow).contains {
        $0.severity == .error && $0.entityID == id && $0.field == field
            && (text.isEmpty || $0.message.contains(text))
    }
}

private func hasWarning(
    _ workflow: Workflow, _ id: String?, _ field: String, containing text: String = ""
) -> Bool {
    WorkflowValidator.validate(workflow).contains {
        $0.severity == .warning && $0.entityID == id && $0.field == field
            && (text.isEmpty || $0.message.contains(text))
    }
}

@Suite struct ValidationTests {
    // MARK: Valid workflows

    @Test func aValidWorkflowHasNoIssues() {
        #expect(WorkflowValidator.validate(sampleWorkflow()) == [])
    }

    @Test func theCanonicalProjectsCronWorkflowIsValid() {
        // Workflow 2 of Lightning's canonical_project.yaml, by hand until the Formats reader lands.
        let workflow = Workflow(
            id: "wf2", name: "workflow 2",
            jobs: [
                Job(id: "cronjob", name: "some cronjob", body: "console.log('hello!');\n"),
                Job(id: "failure", name: "on cron failure", body: "console.log('hello!');\n"),
            ],
            triggers: [Trigger(id: "cron", type: .cron, cronExpression: "0 23 * * *")],
            edges: [
                Edge(id: "e1", sourceTriggerID: "cron", targetJobID: "cronjob", conditionType: .always),
                Edge(id: "e2", sourceJobID: "cronjob", targetJobID: "failure", conditionType: .onJobSuccess),
            ])
        #expect(WorkflowValidator.validate(workflow) == [])
    }

    @Test func everyWorkflowOfOpenFnsCanonicalProjectIsValid() throws {
        let text = String(
            decoding: try Fixtures.data("openfn/lightning-canonical_project.yaml"), as: UTF8.self)
        let spec = try ProjectYAML.parse(text, file: "canonical_project.yaml")
        var counter = 0
        let (project, _) = ProjectState.resolve(spec: spec, state: nil) {
            counter += 1
            return "id-\(counter)"
        }
        #expect(project.workflows.count == 2)
        for workflow in project.workflows {
            #expect(WorkflowValidator.validate(workflow) == [], "\(workflow.name)")
        }
        // Break one of them the ways a hand-edited file breaks.
        var broken = try #require(project.workflows.first { $0.name == "workflow 2" })
        let cron = try #require(broken.triggers.firstIndex { $0.type == .cron })
        broken.triggers[cron].cronExpression = "0 23 * *"
        broken.jobs[1].name = broken.jobs[0].name.uppercased()
        let errors = WorkflowValidator.errors(in: broken)
        #expect(errors.map(\.field).sorted() == ["cron_expression", "name", "name"])
    }

    @Test func everyWorkflowOfTheKitDeployPayloadValidates() throws {
        let document = try ProvisioningJSON.parse(
            try Fixtures.data("openfn/kit-deploy-lightningProjectPayload.json"), file: "payload.json")
        #expect(!document.project.workflows.isEmpty)
        for workflow in document.project.workflows {
            #expect(WorkflowValidator.errors(in: workflow) == [], "\(workflow.name)")
        }
    }

    // MARK: Workflow and ids

    @Test func theWorkflowNeedsANameAndAnID() {
        var workflow = sampleWorkflow()
        workflow.name = "  "
        workflow.id = ""
        #expect(hasError(workflow, nil, "name"))
        #expect(hasError(workflow, nil, "id"))
        let workflowIssues = WorkflowValidator.validate(workflow).filter { $0.entityKind == .workflow }
        #expect(workflowIssues.count == 2)
    }

    @Test func anIDUsedTwiceIsAnErrorOnTheSecondUseWhateverTheKinds() {
        var workflow = sampleWorkflow()
        workflow.jobs.append(Job(id: "store", name: "another", body: "x"))
        workflow.triggers.append(Trigger(id: "fetch", type: .webhook))
        workflow.edges.append(Edge(id: "e1", sourceJobID: "store", targetJobID: "notify"))
        let duplicates = WorkflowValidator.validate(workflow).filter {
            $0.field == "id" && $0.severity == .error
        }
        #expect(duplicates.map(\.entityKind) == [.job, .trigger, .edge])
        #expect(duplicates[0].message.contains("job \"on success\""))
        #expect(duplicates[1].message.contains("job \"webhook job\""))
        #expect(duplicates[2].message.contains("an edge"))
    }

    @Test func anEntityWithoutAnIDIsAnError() {
        var workflow = sampleWorkflow()
        workflow.edges.append(Edge(id: "", sourceJobID: "store", targetJobID: "notify"))
        #expect(hasError(workflow, "", "id", containing: "every edge needs an id"))
    }

    // MARK: Jobs

    @Test func aJobNeedsANameThatIsNotOnlySpaces() {
        var workflow = sampleWorkflow()
        workflow.jobs[1].name = " \t"
        #expect(hasError(workflow, "store", "name", containing: "needs a name"))
    }

    @Test func jobNamesAreUniqueIgnoringCaseAndSurroundingSpaces() {
        var workflow = sampleWorkflow()
        workflow.jobs[1].name = "Webhook Job "
        #expect(hasError(workflow, "fetch", "name", containing: "unique"))
        #expect(hasError(workflow, "store", "name", containing: "2 jobs are called \"Webhook Job\""))
        #expect(!hasError(workflow, "notify", "name"))
        workflow.jobs[1].name = "webhook job 2"
        #expect(!hasError(workflow, "fetch", "name"))
    }

    @Test func aJobNameHasAtMostAHundredCharacters() {
        var workflow = sampleWorkflow()
        workflow.jobs[0].name = String(repeating: "a", count: 100)
        #expect(!hasError(workflow, "fetch", "name"))
        workflow.jobs[0].name = String(repeating: "a", count: 101)
        #expect(hasError(workflow, "fetch", "name", containing: "at most 100"))
    }

    @Test func aNameOpenFnWouldRefuseIsAWarning() {
        var workflow = sampleWorkflow()
        workflow.jobs[0].name = "fetch: patients"
        #expect(hasWarning(workflow, "fetch", "name", containing: "OpenFn accepts only"))
        #expect(!hasError(workflow, "fetch", "name"))
    }

    @Test func aJobNeedsAnAdaptorAndAtMostOneCredential() {
        var workflow = sampleWorkflow()
        workflow.jobs[0].adaptor = ""
        workflow.jobs[1].projectCredentialID = "pc"
        workflow.jobs[1].keychainCredentialID = "kc"
        workflow.jobs[2].projectCredentialID = "pc"
        #expect(hasError(workflow, "fetch", "adaptor"))
        #expect(hasError(workflow, "store", "keychain_credential_id", containing: "not both"))
        #expect(issues(of: workflow, about: "notify") == [])
    }

    @Test func aBlankBodyIsAWarning() {
        var workflow = sampleWorkflow()
        workflow.jobs[2].body = "  \n"
        #expect(hasWarning(workflow, "notify", "body"))
        #expect(WorkflowValidator.errors(in: workflow) == [])
    }

    // MARK: Triggers

    @Test func aCronTriggerNeedsAValidFiveFieldSchedule() {
        var workflow = sampleWorkflow()
        workflow.triggers[0] = Trigger(id: "hook", type: .cron, cronExpression: "0 23 * * *")
        #expect(WorkflowValidator.validate(workflow) == [])
        workflow.triggers[0].cronExpression = "0 25 * * *"
        #expect(hasError(workflow, "hook", "cron_expression", containing: "the hour field \"25\""))
        workflow.triggers[0].cronExpression = "0 0 0 * * *"
        #expect(hasError(workflow, "hook", "cron_expression", containing: "6 fields"))
        workflow.triggers[0].cronExpression = nil
        #expect(hasWarning(workflow, "hook", "cron_expression", containing: "0 0 * * *"))
        #expect(WorkflowValidator.errors(in: workflow) == [])
    }

    @Test func aCronCursorJobMustBeAJobOfTheWorkflow() {
        var workflow = sampleWorkflow()
        workflow.triggers[0] = Trigger(
            id: "hook", type: .cron, cronExpression: "@daily", cronCursorJobID: "store")
        #expect(WorkflowValidator.validate(workflow) == [])
        workflow.triggers[0].cronCursorJobID = "gone"
        #expect(hasError(workflow, "hook", "cron_cursor_job_id", containing: "gone"))
    }

    @Test func aWebhookReplyIsOneOpenFnKnows() {
        var workflow = sampleWorkflow()
        workflow.triggers[0].webhookReply = "after_completion"
        #expect(WorkflowValidator.validate(workflow) == [])
        workflow.triggers[0].webhookReply = "later"
        #expect(hasError(workflow, "hook", "webhook_reply", containing: "\"later\""))
    }

    @Test func aKafkaTriggerNeedsHostsAndTopics() {
        var workflow = sampleWorkflow()
        workflow.triggers[0] = Trigger(
            id: "hook", type: .kafka, kafkaConfiguration: KafkaConfiguration(hostsString: "localhost:9092"))
        #expect(hasError(workflow, "hook", "kafka_configuration", containing: "needs topics"))
        workflow.triggers[0].kafkaConfiguration?.topicsString = "events"
        #expect(WorkflowValidator.validate(workflow) == [])
        workflow.triggers[0].kafkaConfiguration = nil
        #expect(hasError(workflow, "hook", "kafka_configuration", containing: "needs hosts and topics"))
    }

    // MARK: Edges

    @Test func anEdgeHasExactlyOneSource() {
        var workflow = sampleWorkflow()
        workflow.edges[1].sourceJobID = nil
        #expect(hasError(workflow, "e2", "source_job_id", containing: "needs a source"))
        workflow.edges[1].sourceJobID = "fetch"
        workflow.edges[1].sourceTriggerID = "hook"
        #expect(hasError(workflow, "e2", "source_job_id", containing: "not both"))
    }

    @Test func eachEndOfAnEdgeNamesAnEntityOfTheRightKind() {
        var workflow = sampleWorkflow()
        workflow.edges[1].sourceJobID = "hook"
        #expect(hasError(workflow, "e2", "source_job_id", containing: "is a trigger"))
        workflow.edges[1].sourceJobID = "nowhere"
        #expect(hasError(workflow, "e2", "source_job_id", containing: "no job nowhere"))
        workflow.edges[0].sourceTriggerID = "fetch"
        #expect(hasError(workflow, "e1", "source_trigger_id", containing: "is a job"))
        workflow.edges[0].sourceTriggerID = "nowhere"
        #expect(hasError(workflow, "e1", "source_trigger_id", containing: "no trigger nowhere"))
        workflow.edges[2].targetJobID = "nowhere"
        #expect(hasError(workflow, "e3", "target_job_id", containing: "no job nowhere"))
        workflow.edges[2].targetJobID = ""
        #expect(hasError(workflow, "e3", "target_job_id", containing: "needs a target"))
    }

    @Test func nothingPointsIntoATrigger() {
        var workflow = sampleWorkflow()
        workflow.edges.append(Edge(id: "back", sourceJobID: "store", targetJobID: "hook"))
        #expect(hasError(workflow, "back", "target_job_id", containing: "nothing may point into a trigger"))
    }

    @Test func aJobDoesNotLeadToItself() {
        var workflow = sampleWorkflow()
        workflow.edges.append(Edge(id: "loop", sourceJobID: "store", targetJobID: "store"))
        #expect(hasError(workflow, "loop", "target_job_id", containing: "to itself"))
        // A self-loop is an error, not also a cycle warning.
        #expect(issues(of: workflow, about: "loop").count == 1)
    }

    @Test func aTriggersEdgeRunsAlwaysOrOnAnExpression() {
        var workflow = sampleWorkflow()
        workflow.edges[0].conditionType = .onJobSuccess
        #expect(hasError(workflow, "e1", "condition_type", containing: "on_job_success"))
        workflow.edges[0].conditionType = .jsExpression
        workflow.edges[0].conditionExpression = "state.data.ok"
        #expect(issues(of: workflow, about: "e1") == [])
    }

    @Test func aJSExpressionEdgeNeedsAnExpression() {
        var workflow = sampleWorkflow()
        workflow.edges[1].conditionType = .jsExpression
        #expect(hasError(workflow, "e2", "condition_expression", containing: "needs a JavaScript expression"))
        workflow.edges[1].conditionExpression = "   "
        #expect(hasError(workflow, "e2", "condition_expression"))
        workflow.edges[1].conditionExpression = "!state.errors"
        #expect(issues(of: workflow, about: "e2") == [])
    }

    @Test func labelsAndExpressionsFitInTwoHundredFiftyFiveCharacters() {
        var workflow = sampleWorkflow()
        workflow.edges[1].conditionLabel = String(repeating: "l", count: 256)
        workflow.edges[2].conditionType = .jsExpression
        workflow.edges[2].conditionExpression = String(repeating: "x", count: 256)
        #expect(hasError(workflow, "e2", "condition_label", containing: "255"))
        #expect(hasError(workflow, "e3", "condition_expression", containing: "255"))
    }

    // MARK: The graph

    @Test func aJobNoTriggerReachesIsAWarning() {
        var workflow = sampleWorkflow()
        workflow.jobs.append(Job(id: "island", name: "island", body: "x"))
        workflow.jobs.append(Job(id: "after-island", name: "after island", body: "x"))
        workflow.edges.append(Edge(id: "e4", sourceJobID: "island", targetJobID: "after-island"))
        #expect(hasWarning(workflow, "island", "id", containing: "job \"island\" is not reachable"))
        #expect(hasWarning(workflow, "after-island", "id", containing: "not reachable"))
        #expect(WorkflowValidator.errors(in: workflow) == [])
    }

    @Test func aJobReachedOnlyThroughDisabledEdgesIsAWarning() {
        var workflow = sampleWorkflow()
        workflow.edges[1].enabled = false
        #expect(hasWarning(workflow, "store", "id", containing: "only through disabled edges"))
        #expect(!hasWarning(workflow, "notify", "id"))
    }

    @Test func aWorkflowWithoutTriggersReachesNoJob() {
        var workflow = sampleWorkflow()
        workflow.triggers = []
        workflow.edges.removeFirst()
        let unreachable = WorkflowValidator.validate(workflow).filter { $0.message.contains("not reachable") }
        #expect(Set(unreachable.compactMap(\.entityID)) == ["fetch", "store", "notify"])
    }

    @Test func eachEdgeThatClosesACycleIsAWarningNamingTheCycle() {
        var workflow = sampleWorkflow()
        workflow.edges.append(Edge(id: "back", sourceJobID: "store", targetJobID: "fetch"))
        let cycles = WorkflowValidator.validate(workflow).filter { $0.message.contains("cycle") }
        #expect(cycles.count == 1)
        #expect(cycles.first?.entityID == "back")
        #expect(cycles.first?.severity == .warning)
        #expect(
            cycles.first?.message
                == "this edge closes a cycle: \"webhook job\" → \"on success\" → \"webhook job\"")
    }

    @Test func aDiamondIsNotACycle() {
        var workflow = sampleWorkflow()
        workflow.jobs.append(Job(id: "join", name: "join", body: "x"))
        workflow.edges.append(Edge(id: "e4", sourceJobID: "store", targetJobID: "join"))
        workflow.edges.append(Edge(id: "e5", sourceJobID: "notify", targetJobID: "join"))
        #expect(WorkflowValidator.validate(workflow) == [])
    }

    @Test func aLongChainIsCheckedWithoutRecursion() {
        var workflow = Workflow(id: "wf", name: "long", triggers: [Trigger(id: "t", type: .webhook)])
        let count = 20_000
        for index in 0..<count {
            workflow.jobs.append(Job(id: "j\(index)", name: "job \(index)", body: "x"))
            workflow.edges.append(
                index == 0
                    ? Edge(id: "e0", sourceTriggerID: "t", targetJobID: "j0", conditionType: .always)
                    : Edge(id: "e\(index)", sourceJobID: "j\(index - 1)", targetJobID: "j\(index)"))
        }
        workflow.edges.append(Edge(id: "back", sourceJobID: "j\(count - 1)", targetJobID: "j0"))
        let result = WorkflowValidator.validate(workflow)
        #expect(result.count == 1)
        #expect(result.first?.entityID == "back")
    }

    // MARK: The errors map

    @Test func errorsGoIntoTheDocumentsErrorsMapShape() {
        var workflow = sampleWorkflow()
        workflow.name = ""
        workflow.jobs[1].name = ""
        workflow.jobs[1].adaptor = ""
        workflow.edges[2].targetJobID = "hook"
        workflow.jobs.append(Job(id: "island", name: "island", body: "x"))  // a warning only
        let map = ValidationIssue.errorsMap(WorkflowValidator.validate(workflow))
        let expected: YAny = [
            "workflow": ["name": ["the workflow needs a name"]],
            "jobs": [
                "store": [
                    "name": ["a job needs a name"],
                    "adaptor": [.string("a job needs an adaptor, for example \(Job.defaultAdaptor)")],
                ]
            ],
            "edges": [
                "e3": [
                    "target_job_id": [
                        "hook is a trigger, and nothing may point into a trigger; an edge's target is a job"
                    ]
                ]
            ],
        ]
        #expect(map == expected)
    }

    @Test func warningsHaveTheSameShapeApart() {
        var workflow = sampleWorkflow()
        workflow.jobs.append(Job(id: "island", name: "island", body: "x"))
        let issues = WorkflowValidator.validate(workflow)
        #expect(ValidationIssue.errorsMap(issues) == .object(YObject()))
        let warnings = ValidationIssue.documentMap(issues, severity: .warning)
        #expect(
            warnings == [
                "jobs": [
                    "island": ["id": ["job \"island\" is not reachable from any trigger, so it never runs"]]
                ]
            ])
    }

    @Test func aRepeatedMessageForOneFieldIsListedOnce() {
        let issue = ValidationIssue.error(.job, "a", "name", "bad")
        let map = ValidationIssue.errorsMap([issue, issue, .error(.job, "a", "name", "worse")])
        #expect(map == ["jobs": ["a": ["name": ["bad", "worse"]]]])
    }

    @Test func anIssueRoundTripsThroughJSONInSnakeCase() throws {
        let issue = ValidationIssue.warning(.edge, "e1", "target_job_id", "closes a cycle")
        let data = try JSONEncoder().encode(issue)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains("\"entity_kind\":\"edge\""))
        #expect(text.contains("\"entity_id\":\"e1\""))
        #expect(try JSONDecoder().decode(ValidationIssue.self, from: data) == issue)
        #expect(issue.description == "warning: edge e1 target_job_id: closes a cycle")
    }
}

@Suite struct CronExpressionTests {
    @Test(arguments: [
        "* * * * *", "0 23 * * *", "0 0 1 1 *", "*/15 * * * *", "0 9-17 * * MON-FRI", "0 9-17/2 * * 1-5",
        "5,10,15-20 0 1,15 * *", "0 0 * jan,jul sun", "0 0 * * 7", "59 23 31 12 6", "0 0 * * sat",
        "  0 0 * * *  ", "0\t0 * * *", "@daily", "@HOURLY", "@weekly", "@monthly", "@yearly", "@annually",
        "@midnight", "*/59 */23 */31 */12 */7", "0-59/60 * * * *",
    ])
    func acceptsValidSchedules(_ text: String) throws {
        _ = try CronExpression(parsing: text)
        #expect(CronExpression.problem(in: text) == nil)
    }

    @Test(arguments: [
        ("", "empty"),
        ("0 0 * *", "has 4 fields, it needs 5"),
        ("0 0 0 * * *", "6 fields, it needs 5 (a sixth field for seconds or years is not supported)"),
        ("60 * * * *", "the minute field \"60\": 60 is out of range 0-59"),
        ("* 24 * * *", "the hour field \"24\": 24 is out of range 0-23"),
        ("* * 0 * *", "the day-of-month field \"0\": 0 is out of range 1-31"),
        ("* * 32 * *", "the day-of-month field \"32\""),
        ("* * * 13 *", "the month field \"13\""),
        ("* * * * 8", "the day-of-week field \"8\""),
        ("* * * FOO *", "the month field \"FOO\": \"FOO\" is not a number 1-12 or a name JAN-DEC"),
        (
            "* * * * MONDAY",
            "the day-of-week field \"MONDAY\": \"MONDAY\" is not a number 0-7 or a name SUN-SAT"
        ),
        ("* * * * JAN", "the day-of-week field"),
        ("* JAN * * *", "the hour field \"JAN\": \"JAN\" is not a number 0-23"),
        ("*/0 * * * *", "the step 0 is not between 1 and 60"),
        ("*/61 * * * *", "the step 61"),
        ("5/15 * * * *", "a step needs a range or *: write 5-59/15 or */15"),
        ("* * * * FRI-MON", "the range FRI-MON runs backwards (5 is after 1)"),
        ("1,,2 * * * *", "has an empty list item"),
        ("1- * * * *", "\"\" is not a number"),
        ("1-2-3 * * * *", "is not a value or a range"),
        ("*/2/3 * * * *", "more than one step"),
        ("*/x * * * *", "the step \"x\" is not a number"),
        ("-1 * * * *", "the minute field"),
        ("? * * * *", "the minute field"),
        ("@reboot", "not a cron nickname"),
        ("hello world", "has 2 fields"),
        ("0 0 * * * garbage", "6 fields"),
        ("٣ * * * *", "the minute field"),
    ])
    func refusesGarbageSayingWhichFieldIsWrong(_ text: String, _ expected: String) {
        let problem = CronExpression.problem(in: text)
        #expect(problem?.contains(expected) == true, "\(text): \(problem ?? "accepted")")
    }

    @Test func theErrorNamesTheField() {
        #expect(throws: CronExpression.ParseError.self) { try CronExpression(parsing: "0 0 * 13 *") }
        do {
            _ = try CronExpression(parsing: "0 0 * 13 *")
        } catch {
            #expect(error.field == .month)
        }
    }

    @Test func parsesToTheSetsItFiresOn() throws {
        let cron = try CronExpression(parsing: "*/15 9-17/4 1,15 JAN-MAR mon-fri")
        #expect(cron.minutes == [0, 15, 30, 45])
        #expect(cron.hours == [9, 13, 17])
        #expect(cron.daysOfMonth == [1, 15])
        #expect(cron.months == [1, 2, 3])
        #expect(cron.daysOfWeek == [1, 2, 3, 4, 5])
        #expect(!cron.isEveryDayOfMonth)
        #expect(!cron.isEveryDayOfWeek)
    }

    @Test func sundayIsZeroOrSevenAndStarIsTheWholeWeek() throws {
        #expect(try CronExpression(parsing: "0 0 * * 7").daysOfWeek == [0])
        #expect(try CronExpression(parsing: "0 0 * * 5-7").daysOfWeek == [5, 6, 0])
        let every = try CronExpression(parsing: "0 0 * * *")
        #expect(every.daysOfWeek == Set(0...6))
        #expect(every.isEveryDayOfMonth && every.isEveryDayOfWeek)
    }

    @Test func nicknamesStandForTheirFiveFields() throws {
        let daily = try CronExpression(parsing: "@daily")
        #expect(daily.minutes == [0] && daily.hours == [0] && daily.daysOfMonth == Set(1...31))
        #expect(daily.source == "@daily")
        #expect(try CronExpression(parsing: "@hourly").hours == Set(0...23))
    }
}
