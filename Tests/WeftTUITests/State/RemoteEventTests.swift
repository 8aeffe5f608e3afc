import Testing
import WorkflowModel

@testable import WeftTUI

/// What arrives from the relay: someone else's edits, new versions, presence and the connection.
@Suite struct RemoteEventTests {
    static func renamed(_ workflow: Workflow, job id: String, to name: String) -> Workflow {
        var workflow = workflow
        if let index = workflow.jobs.firstIndex(where: { $0.id == id }) { workflow.jobs[index].name = name }
        return workflow
    }

    @Test func aTeammatesEditBadgesWhatChangedSaysWhoAndMarksTheDocumentDirty() throws {
        var state = try Editors.canonical()
        let changed = Self.renamed(state.workflow, job: "on-fail", to: "notify on failure")

        let effects = state.apply(
            .remoteChange(.init(workflow: changed, isDirty: true, changedIDs: ["on-fail"], author: "Bob Stone")))

        #expect(effects == [])
        #expect(state.isDirty)
        #expect(state.workflow.job("on-fail")?.name == "notify on failure")
        #expect(state.badges["on-fail"]?.initials == "BS")
        #expect(state.toasts.current?.text == "Bob Stone changed “notify on failure”.")
        #expect(state.toasts.current?.isSticky == false)
    }

    @Test func badgesAndMessagesExpireWithTheInjectedClock() throws {
        var state = try Editors.canonical()
        let changed = Self.renamed(state.workflow, job: "on-fail", to: "x")
        state.send(.remoteChange(.init(workflow: changed, isDirty: true, changedIDs: ["on-fail"], author: "bob")))

        state.send(.tick(.seconds(3)))
        #expect(state.toasts.current != nil)
        state.send(.tick(.seconds(5)))
        #expect(state.toasts.current == nil)
        #expect(state.badges["on-fail"] != nil)
        #expect(state.nextDeadline == .seconds(15))
        state.send(.tick(.seconds(15)))
        #expect(state.badges.isEmpty)
        #expect(state.nextDeadline == nil)
    }

    @Test func aDeployThatTouchesTheSelectionLeavesAMessageUntilDismissed() throws {
        var state = try Editors.canonical(isDirty: true)
        state.press(.down)  // webhook job
        let changed = Self.renamed(state.workflow, job: "webhook-job", to: "receive")

        state.send(
            .workflowSaved(
                .init(
                    lockVersion: 4, workflow: changed, isDirty: false, author: "deploy by carol", source: "deploy",
                    changedIDs: ["webhook-job"])))

        #expect(state.lockVersion == 4)
        #expect(!state.isDirty)
        #expect(state.badges["webhook-job"]?.initials == "")
        let sticky = try #require(state.toasts.current)
        #expect(sticky.isSticky)
        #expect(sticky.text == "deploy by carol changed “receive”, which you have selected.")
        #expect(state.toasts.toasts.first?.text == "Version 4 from deploy by carol (deploy): changed “receive”. Nothing unsaved.")

        state.send(.tick(.seconds(60)))
        #expect(state.toasts.current == sticky)
        state.press(.escape)
        #expect(state.toasts.current == nil)
    }

    @Test func aDeployElsewhereLeavesOnlyAPassingMessage() throws {
        var state = try Editors.canonical(isDirty: true)
        let changed = Self.renamed(state.workflow, job: "on-success", to: "celebrate")

        state.send(
            .workflowSaved(
                .init(
                    lockVersion: 4, workflow: changed, isDirty: true, author: "deploy", source: "deploy",
                    changedIDs: ["on-success"])))

        #expect(state.toasts.toasts.count == 1)
        #expect(state.toasts.current?.text == "Version 4 from deploy (deploy): changed “celebrate”. Unsaved changes remain.")
        #expect(state.isDirty)
    }

    @Test func conflictsWithOurUnsavedEditsStayOnScreen() throws {
        var state = try Editors.canonical(isDirty: true)
        state.send(
            .workflowSaved(
                .init(
                    lockVersion: 4, isDirty: true, author: "deploy", source: "deploy", changedIDs: [],
                    conflicts: ["Your change to “on fail”'s body gave way to the deploy's."])))

        #expect(state.toasts.current?.isSticky == true)
        #expect(state.toasts.current?.text.hasPrefix("1 unsaved edit gave way to deploy's version") == true)
    }

    @Test func whenTheSelectedJobIsRemovedTheSelectionMovesAndSaysSo() throws {
        var state = try Editors.canonical()
        state.press(.down, .down)  // on fail
        var without = state.workflow
        without.jobs.removeAll { $0.id == "on-fail" }
        without.edges.removeAll { $0.targetJobID == "on-fail" }

        let effects = state.apply(
            .remoteChange(
                .init(workflow: without, isDirty: true, changedIDs: ["on-fail", "webhook-job->on-fail"], author: "bob")))

        #expect(effects == [.select("webhook")])
        #expect(state.selectedID == "webhook")
        #expect(state.toasts.current?.text == "bob removed “on fail”, which you had selected.")
        #expect(state.toasts.current?.isSticky == true)
    }

    @Test func aMergeKeepsEveryBoxWhereItWas() throws {
        var state = try Editors.canonical()
        var grown = state.workflow
        grown.jobs.append(Job(id: "audit", name: "audit"))
        grown.edges.append(Edge(id: "s-a", sourceJobID: "on-success", targetJobID: "audit"))
        let before = state.layout.nodes.map { ($0.id, $0.layer, $0.frame.x) }

        state.send(.remoteChange(.init(workflow: grown, isDirty: true, changedIDs: ["audit", "s-a"], author: "bob")))

        let after = state.layout.nodes.filter { $0.id != "audit" }
        let order = Dictionary(grouping: after, by: \.layer).mapValues { $0.sorted { $0.frame.x < $1.frame.x }.map(\.id) }
        let orderBefore = Dictionary(grouping: before, by: \.1).mapValues { $0.sorted { $0.2 < $1.2 }.map(\.0) }
        #expect(order == orderBefore)
    }

    @Test func peopleArrivingAndLeavingAreAnnounced() throws {
        var state = EditorState(
            workflow: try SampleWorkflows.canonical(), userName: "ann", size: Size(width: 80, height: 24),
            participants: [Participant(id: "1", name: "bob")])
        state.send(.presence([Participant(id: "1", name: "bob")]))
        #expect(state.toasts.current == nil)  // who was already here is not news

        state.send(.presence([Participant(id: "1", name: "bob"), Participant(id: "2", name: "carol")]))
        #expect(state.toasts.current?.text == "carol joined.")
        state.send(.presence([Participant(id: "2", name: "carol")]))
        #expect(state.toasts.current?.text == "bob left.")
        #expect(state.participants.map(\.name) == ["carol"])
    }

    @Test func theConnectionDroppingAndComingBackIsSaid() throws {
        var state = try Editors.canonical()
        state.send(.connection(.reconnecting(attempt: 1, nextIn: .seconds(2))))
        #expect(state.toasts.current?.level == .warning)
        state.send(.connection(.connected))
        #expect(state.toasts.current?.text == "Reconnected.")
    }

    @Test func aResizeKeepsTheSelectionInView() {
        var state = EditorState(
            workflow: SampleWorkflows.large(jobCount: 60), userName: "ann", size: Size(width: 120, height: 40))
        state.press(.character("G"))
        let last = try! #require(state.selectedID.flatMap { state.layout.node($0) })

        for size in [Size(width: 80, height: 24), Size(width: 60, height: 15), Size(width: 132, height: 40)] {
            state.send(.resize(width: size.width, height: size.height))
            let area = state.screen.graphArea
            let window = Rect(x: state.graphScroll.x, y: state.graphScroll.y, width: area.width, height: area.height)
            #expect(window.intersection(last.frame) == last.frame, "at \(size)")
        }
    }
}
