import Testing
import WorkflowModel
import YCRDT

@testable import WeftTUI

/// Every editing action on the state machine, with a stand-in session that carries the edits out:
/// the inspector's fields, structure edits, undo and redo, deleting, connecting, saving from
/// anywhere, and what a refused save does.
@Suite struct EditingTests {
    static func start() throws -> (EditorState, FakeSession) {
        let workflow = try SampleWorkflows.canonical()
        return (
            EditorState(workflow: workflow, userName: "ann", size: Size(width: 100, height: 30), idSeed: 42),
            FakeSession(workflow)
        )
    }

    // MARK: Renaming and undo

    @Test func renamingAJobIsOneUndoStepAndRedoBringsItBack() throws {
        var (state, session) = try Self.start()
        state.press(.down)
        #expect(state.selectedID == "webhook-job")

        session.press(&state, .character("r"))
        #expect(state.mode.inspector?.editing?.text == "webhook job", "r opens the name for typing")
        session.press(&state, .control("u"))
        session.type(&state, "fetch patients")
        #expect(session.requests.isEmpty, "nothing is written while typing")
        session.press(&state, .enter)

        #expect(session.requests == [.setField(.jobName, value: .text("fetch patients"), of: "webhook-job")])
        #expect(state.workflow.job("webhook-job")?.name == "fetch patients")
        #expect(state.mode == .normal, "a rename goes back to the graph")
        #expect(state.isDirty && state.canUndo && !state.canRedo)

        #expect(session.press(&state, .character("u")).contains(.undo))
        #expect(state.workflow.job("webhook-job")?.name == "webhook job")
        #expect(!state.isDirty && !state.canUndo && state.canRedo)

        #expect(session.press(&state, .control("r")).contains(.redo))
        #expect(state.workflow.job("webhook-job")?.name == "fetch patients")
        #expect(state.isDirty)
    }

    @Test func undoWithNothingOfOursToUndoAsksNothingOfTheSession() throws {
        var (state, session) = try Self.start()
        // Someone else's edit: it is not ours to undo.
        var theirs = state.workflow
        theirs.jobs[1].name = "notify"
        session.drive(
            &state,
            .remoteChange(.init(workflow: theirs, isDirty: true, changedIDs: ["on-fail"], author: "Bob")))
        #expect(session.press(&state, .character("u")) == [])
        #expect(state.toasts.current?.text == "Nothing of yours to undo.")
        #expect(session.press(&state, .control("r")) == [])
        #expect(state.workflow.job("on-fail")?.name == "notify")
    }

    @Test func escWhileTypingKeepsTheOldValueAndWritesNothing() throws {
        var (state, session) = try Self.start()
        state.press(.down)
        session.press(&state, .character("r"))
        session.type(&state, "xyz")
        session.press(&state, .escape)
        #expect(state.mode == .normal)
        #expect(session.requests.isEmpty)
        #expect(state.workflow.job("webhook-job")?.name == "webhook job")
    }

    // MARK: The inspector

    @Test func theInspectorEditsEveryFieldOfAJob() throws {
        var (state, session) = try Self.start()
        state.press(.down)
        session.press(&state, .enter)
        #expect(state.mode.inspector == Inspector(entityID: "webhook-job", focus: 0))
        #expect(
            FormField.fields(for: "webhook-job", in: state.workflow).map(\.key) == [
                "name", "adaptor", "project_credential_id", "keychain_credential_id",
            ])

        session.press(&state, .character("j"), .enter, .control("u"))
        session.type(&state, "@openfn/language-http@latest")
        session.press(&state, .tab)  // keeps it and types the credential
        #expect(state.mode.inspector?.focus == 2)
        #expect(state.mode.inspector?.editing?.text == "id-2")
        session.press(&state, .control("u"), .enter)  // an empty credential is unset
        session.press(&state, .character("j"), .enter)
        session.type(&state, "keychain-1")
        session.press(&state, .enter)

        let job = try #require(state.workflow.job("webhook-job"))
        #expect(job.adaptor == "@openfn/language-http@latest")
        #expect(job.projectCredentialID == nil)
        #expect(job.keychainCredentialID == "keychain-1")
        #expect(session.requests.count == 3, "one request per field kept")
        #expect(session.requests[1] == .setField(.jobCredential, value: .text(nil), of: "webhook-job"))

        session.press(&state, .escape)
        #expect(state.mode == .normal)
        session.press(&state, .character("u"), .character("u"), .character("u"))
        #expect(state.workflow.job("webhook-job") == (try SampleWorkflows.canonical()).job("webhook-job"))
    }

    @Test func problemsShowAtTheFieldAsYouType() throws {
        var (state, session) = try Self.start()
        state.press(.down)
        session.press(&state, .character("r"), .control("u"))
        session.type(&state, "On Fail ")
        let inspector = try #require(state.mode.inspector)
        let problems = state.problems(at: .jobName, of: inspector)
        #expect(problems.count == 1)
        #expect(problems.first?.severity == .error)
        #expect(problems.first?.message.contains("unique") == true, "another job is called “on fail”")

        session.press(&state, .backspace, .backspace, .backspace, .backspace, .backspace)
        #expect(state.problems(at: .jobName, of: try #require(state.mode.inspector)).isEmpty, "“On ” is fine")
        session.press(&state, .control("u"))
        #expect(
            state.problems(at: .jobName, of: try #require(state.mode.inspector)).map(\.message) == [
                "a job needs a name"
            ])
    }

    @Test func aTriggersTypeCronExpressionAndEnabled() throws {
        var (state, session) = try Self.start()
        #expect(state.selectedID == "webhook")
        session.press(&state, .enter)
        #expect(
            FormField.fields(for: "webhook", in: state.workflow).map(\.key) == [
                "type", "webhook_reply", "enabled",
            ])

        session.press(&state, .character(" "))
        #expect(state.workflow.trigger("webhook")?.type == .cron)
        #expect(state.mode.inspector?.focus == 0, "the focus stays on the type though the fields changed")
        #expect(
            FormField.fields(for: "webhook", in: state.workflow).map(\.key) == [
                "type", "cron_expression", "enabled",
            ])

        session.press(&state, .character("j"), .enter)
        session.type(&state, "61 * * * *")
        let typing = try #require(state.mode.inspector)
        #expect(state.problems(at: .triggerCron, of: typing).first?.severity == .error)
        session.press(&state, .control("u"))
        session.type(&state, "0 6 * * 1-5")
        #expect(state.problems(at: .triggerCron, of: try #require(state.mode.inspector)).isEmpty)
        session.press(&state, .enter)
        #expect(state.workflow.trigger("webhook")?.cronExpression == "0 6 * * 1-5")

        session.press(&state, .character("j"), .character(" "))
        #expect(state.workflow.trigger("webhook")?.enabled == false)
        session.press(&state, .left)
        #expect(state.workflow.trigger("webhook")?.enabled == true)
        #expect(session.requests.count == 4)
    }

    @Test func aWebhooksReplyStepsThroughWhatOpenFnKnows() throws {
        var (state, session) = try Self.start()
        session.press(&state, .enter, .character("j"), .right)
        #expect(state.workflow.trigger("webhook")?.webhookReply == "after_completion")
        session.press(&state, .left)
        #expect(state.workflow.trigger("webhook")?.webhookReply == nil)
        session.press(&state, .left)
        #expect(state.workflow.trigger("webhook")?.webhookReply == "custom", "the choices wrap around")
    }

    @Test func anEdgesConditionExpressionLabelAndEnabled() throws {
        var (state, session) = try Self.start()
        state.press(.down, .tab)
        #expect(state.selectedID == "webhook-job->on-fail")
        session.press(&state, .enter)
        #expect(
            FormField.fields(for: "webhook-job->on-fail", in: state.workflow).map(\.key) == [
                "condition_type", "condition_label", "enabled",
            ])
        session.press(&state, .right)
        #expect(state.workflow.edge("webhook-job->on-fail")?.conditionType == .jsExpression)
        // The expression field appears, and with it what is missing.
        let inspector = try #require(state.mode.inspector)
        #expect(state.problems(at: .edgeExpression, of: inspector).first?.severity == .error)

        session.press(&state, .character("j"), .enter)
        session.type(&state, "state.errors.length > 0")
        session.press(&state, .tab)
        session.type(&state, "has errors")
        session.press(&state, .enter, .character("j"), .character(" "))
        let edge = try #require(state.workflow.edge("webhook-job->on-fail"))
        #expect(edge.conditionExpression == "state.errors.length > 0")
        #expect(edge.conditionLabel == "has errors")
        #expect(!edge.enabled)
        #expect(state.problems(at: .edgeExpression, of: try #require(state.mode.inspector)).isEmpty)
    }

    @Test func withNothingSelectedTheFormIsTheWorkflows() throws {
        var state = EditorState(
            workflow: Workflow(id: "w", name: "empty"), userName: "ann", size: Size(width: 100, height: 30))
        var session = FakeSession(state.workflow)
        #expect(state.selectedID == nil)
        session.press(&state, .character("r"), .control("u"))
        session.type(&state, "nightly")
        session.press(&state, .enter)
        #expect(state.workflow.name == "nightly")
    }

    // MARK: Structure

    @Test func aJobAddedBelowTheSelectionIsWiredSelectedAndNamedAndNothingElseMoves() throws {
        var (state, session) = try Self.start()
        state.press(.down)
        let before = state.layout
        session.press(&state, .character("a"))

        guard case .addJob(let job, let edge) = session.requests.first else {
            Issue.record("no job added: \(session.requests)")
            return
        }
        #expect(job.name == "New job")
        #expect(edge?.sourceJobID == "webhook-job")
        #expect(edge?.targetJobID == job.id)
        #expect(edge?.conditionType == .onJobSuccess)
        #expect(state.selectedID == job.id)
        #expect(state.mode.inspector?.editing?.text == "New job", "its name is open for typing")
        #expect(state.workflow.jobs.count == 4)
        #expect(job.id.count == 36, "a UUID, as Lightning's ids")

        // The others keep their layers and their order within them.
        for node in before.nodes {
            #expect(state.layout.node(node.id)?.layer == node.layer)
        }
        let order = { (layout: GraphLayout) in
            layout.nodes.filter { $0.id != job.id }.sorted { ($0.layer, $0.frame.x) < ($1.layer, $1.frame.x) }
                .map(\.id)
        }
        #expect(order(state.layout) == order(before))
        #expect((state.layout.node(job.id)?.layer ?? 0) == (before.node("webhook-job")?.layer ?? 0) + 1)

        session.press(&state, .control("u"))
        session.type(&state, "archive")
        session.press(&state, .enter)
        #expect(state.workflow.job(job.id)?.name == "archive")

        // Two steps: the name, then the job with its edge.
        session.press(&state, .character("u"))
        #expect(state.workflow.job(job.id)?.name == "New job")
        session.press(&state, .character("u"))
        #expect(state.workflow.job(job.id) == nil)
        #expect(state.workflow.edges.count == 3)
        #expect(state.selectedID != job.id, "the selection left the undone job")
        #expect(!state.isDirty)
    }

    @Test func aJobAddedBelowATriggerIsWiredWithAlwaysAndNamesStayUnique() throws {
        var (state, session) = try Self.start()
        session.press(&state, .character("a"), .escape)
        session.press(&state, .character("g"), .character("a"), .escape)
        let added = state.workflow.jobs.dropFirst(3)
        #expect(added.map(\.name) == ["New job", "New job 2"])
        let edges = state.workflow.edges.filter { $0.sourceTriggerID == "webhook" }
        #expect(edges.count == 3)
        #expect(edges.dropFirst().allSatisfy { $0.conditionType == .always })
        #expect(WorkflowValidator.errors(in: state.workflow).isEmpty)
    }

    @Test func aTriggerIsAddedWithItsFormOpenOnTheType() throws {
        var (state, session) = try Self.start()
        session.press(&state, .character("T"))
        #expect(state.workflow.triggers.count == 2)
        let trigger = try #require(state.workflow.triggers.last)
        #expect(trigger.type == .webhook)
        #expect(state.selectedID == trigger.id)
        #expect(state.mode.inspector == Inspector(entityID: trigger.id, focus: 0))
        session.press(&state, .character(" "), .escape, .character("u"))
        #expect(state.workflow.trigger(trigger.id)?.type == .webhook)
        session.press(&state, .character("u"))
        #expect(state.workflow.triggers.count == 1)
    }

    @Test func deletingAsksOnceAndTakesTheEdgesThatHangOnTheNode() throws {
        var (state, session) = try Self.start()
        state.press(.down)
        session.press(&state, .character("d"))
        #expect(state.mode == .confirmDelete("webhook-job"))
        #expect(state.deletionDescription(of: "webhook-job") == "job “webhook job” and its 3 edges")
        session.press(&state, .character("n"))
        #expect(state.mode == .normal)
        #expect(session.requests.isEmpty)

        session.press(&state, .delete, .character("y"))
        #expect(session.requests == [.delete("webhook-job")])
        #expect(state.workflow.job("webhook-job") == nil)
        #expect(state.workflow.edges.isEmpty)
        #expect(state.selectedID == "webhook", "the selection goes to the parent")

        session.press(&state, .character("u"))
        #expect(state.workflow == (try SampleWorkflows.canonical()))
    }

    @Test func deletingAnEdgeLeavesItsNodes() throws {
        var (state, session) = try Self.start()
        state.press(.down, .tab)
        session.press(&state, .character("d"))
        #expect(state.deletionDescription(of: "webhook-job->on-fail") == "edge “webhook job → on fail”")
        session.press(&state, .character("y"))
        #expect(state.workflow.jobs.count == 3)
        #expect(state.workflow.edges.map(\.id) == ["webhook->webhook-job", "webhook-job->on-success"])
    }

    @Test func connectingPicksTheSourceThenTheTarget() throws {
        var (state, session) = try Self.start()
        session.press(&state, .character("c"))
        #expect(state.mode == .connect(source: nil))
        state.press(.down, .down)
        let failID = "on-fail"
        if state.selectedID != failID { state.press(.left) }
        #expect(state.selectedID == failID)
        session.press(&state, .enter)
        #expect(state.mode == .connect(source: failID))
        state.press(.right)
        #expect(state.selectedID == "on-success")
        session.press(&state, .enter)

        guard case .addEdge(let edge) = session.requests.first else {
            Issue.record("no edge added: \(session.requests)")
            return
        }
        #expect(edge.sourceJobID == failID)
        #expect(edge.targetJobID == "on-success")
        #expect(edge.conditionType == .onJobSuccess)
        #expect(state.selectedID == edge.id)
        #expect(state.mode.inspector?.entityID == edge.id, "the new edge's form, on its condition")
        session.press(&state, .character(" "))
        #expect(state.workflow.edge(edge.id)?.conditionType == .onJobFailure)
    }

    @Test func aTriggersEdgeOffersOnlyTheConditionsATriggerAllows() throws {
        var (state, session) = try Self.start()
        state.press(.tab)
        #expect(state.selectedID == "webhook->webhook-job")
        session.press(&state, .enter, .character(" "))
        #expect(state.workflow.edge("webhook->webhook-job")?.conditionType == .jsExpression)
        session.press(&state, .character(" "))
        #expect(state.workflow.edge("webhook->webhook-job")?.conditionType == .always)
    }

    @Test func connectingRefusesATriggerAsTargetAndAJobToItself() throws {
        var (state, session) = try Self.start()
        state.press(.down)
        session.press(&state, .character("c"), .enter)
        #expect(state.mode == .connect(source: "webhook-job"))
        session.press(&state, .enter)
        #expect(state.mode == .connect(source: "webhook-job"), "not to itself")
        state.press(.up)
        session.press(&state, .enter)
        #expect(state.mode == .connect(source: "webhook-job"), "not into a trigger")
        #expect(session.requests.isEmpty)
        session.press(&state, .escape)
        #expect(state.mode == .normal)
    }

    @Test func anEntityDeletedBySomeoneElseClosesItsForm() throws {
        var (state, session) = try Self.start()
        state.press(.down)
        session.press(&state, .enter)
        var theirs = state.workflow
        try WorkflowChangeRequest.delete("webhook-job").apply(to: &theirs)
        session.drive(
            &state,
            .remoteChange(.init(workflow: theirs, isDirty: true, changedIDs: ["webhook-job"], author: "Bob")))
        #expect(state.mode == .normal)
    }

    // MARK: Saving

    @Test func ctrlSSavesFromEveryModeKeepingWhatIsBeingTyped() throws {
        var (state, session) = try Self.start()
        state.press(.down)
        session.press(&state, .character("r"), .control("u"))
        session.type(&state, "fetch")
        let effects = session.press(&state, .control("s"))
        #expect(effects.first == .edit(.setField(.jobName, value: .text("fetch"), of: "webhook-job")))
        #expect(effects.contains(.save))
        #expect(state.workflow.job("webhook-job")?.name == "fetch")

        for opening in [
            Key.enter, .character("w"), .character("c"), .character("d"), .character("/"), .character("?"),
        ] {
            var copy = state
            copy.send(.key(.escape))
            copy.send(.key(opening))
            #expect(copy.mode != .normal, "\(opening) opened something")
            #expect(copy.apply(.key(.control("s"))) == [.save], "Ctrl-S saves from \(copy.mode)")
        }
        var command = state
        command.send(.key(.escape))
        command.press(.character(":"))
        command.type("w")
        #expect(command.apply(.key(.enter)) == [.save])
    }

    @Test func theRelaysMessagesShowAtTheirFieldsUntilTheFieldChanges() throws {
        var (state, session) = try Self.start()
        let errors: YAny = .object([
            "jobs": .object(["on-fail": .object(["name": .array([.string("is taken")])])])
        ])
        session.drive(
            &state,
            .saveRefused(
                SaveRefusal(reason: "invalid", message: "1 problem", errors: FieldErrors(errorsMap: errors))))
        #expect(state.toasts.current?.text.contains("“on fail” name: is taken") == true)
        #expect(state.relayErrors.messages(for: "on-fail", field: "name") == ["is taken"])

        state.press(.down, .down)
        if state.selectedID != "on-fail" { state.press(.left) }
        let details = DetailPane.lines(for: state, width: 60, glyphs: .unicode).map {
            $0.spans.map(\.text).joined()
        }
        #expect(
            details.contains("✗ name: is taken (at the last save)"),
            "the details say it before the form opens")
        session.press(&state, .enter)
        let inspector = try #require(state.mode.inspector)
        #expect(
            state.problems(at: .jobName, of: inspector) == [
                FieldProblem(message: "is taken", severity: .error, fromRelay: true)
            ])

        session.press(&state, .enter, .character("2"), .enter)
        #expect(state.problems(at: .jobName, of: try #require(state.mode.inspector)).isEmpty)
        #expect(state.relayErrors.isEmpty)
    }

    @Test func aStaleRefusalSaysWhatMovedAndRebasesOnceTheNewVersionIsHere() throws {
        var (state, session) = try Self.start()
        #expect(state.lockVersion == 3)
        let stale = StaleSave(currentLockVersion: 4, moved: ["changed job on-fail name"])
        session.drive(&state, .saveRefused(SaveRefusal(reason: "stale", message: "moved", stale: stale)))
        #expect(state.mode == .confirmRebase(stale))
        #expect(state.movedDescription(stale) == "changed “on fail” name")

        #expect(session.press(&state, .character("r")) == [])
        #expect(state.savesAtVersion == 4, "version 4 has not arrived: the save waits for it")
        let effects = session.drive(
            &state, .workflowSaved(.init(lockVersion: 4, isDirty: true, author: "Bob", source: "editor")))
        #expect(effects.contains(.save))
        #expect(state.savesAtVersion == nil)
    }

    @Test func aStaleRefusalAfterTheNewVersionArrivedSavesAtOnceOrNotAtAll() throws {
        var (state, session) = try Self.start()
        session.drive(&state, .workflowSaved(.init(lockVersion: 4, isDirty: true)))
        let stale = StaleSave(currentLockVersion: 4, moved: [])
        session.drive(&state, .saveRefused(SaveRefusal(reason: "stale", message: "moved", stale: stale)))
        #expect(session.press(&state, .enter) == [.save])

        session.drive(&state, .saveRefused(SaveRefusal(reason: "stale", message: "moved", stale: stale)))
        #expect(session.press(&state, .escape) == [])
        #expect(state.mode == .normal)

        session.drive(&state, .saveRefused(SaveRefusal(reason: "stale", message: "moved", stale: stale)))
        #expect(session.press(&state, .control("s")) == [.save], "Ctrl-S at the question rebases too")
        #expect(state.mode == .normal)
    }

    // MARK: Who is here

    @Test func theCollaboratorsListSaysWhatEachIsLookingAt() throws {
        var (state, session) = try Self.start()
        state.send(
            .presence([
                Participant(id: "7", name: "Bob Stone", colourIndex: 1, selectedID: "on-fail"),
                Participant(id: "9", name: "carol"),
            ]))
        session.press(&state, .character("w"))
        #expect(state.mode == .who(scroll: 0))
        let text = WhoOverlay.lines(for: state).map { $0.spans.map(\.text).joined() }
        #expect(text.count == 3)
        #expect(text[0].contains("ann (you)") && text[0].contains("trigger “webhook”"))
        #expect(text[1].hasPrefix("BS") && text[1].contains("job “on fail”"))
        #expect(text[2].contains("carol") && text[2].contains("nothing selected"))
        session.press(&state, .escape)
        #expect(state.mode == .normal)

        state.press(.character(":"))
        state.type("who")
        state.press(.enter)
        #expect(state.mode == .who(scroll: 0))
    }
}
