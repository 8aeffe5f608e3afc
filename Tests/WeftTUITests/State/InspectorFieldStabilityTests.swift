import Testing
import WorkflowModel

@testable import WeftTUI

/// The inspector's focus follows its field when someone else changes which fields an entity has
/// (review finding): text typed as an edge's label must never be committed as its JavaScript
/// condition because the condition type changed meanwhile.
@Suite struct InspectorFieldStabilityTests {
    @Test func typingALabelStaysOnTheLabelWhenTheConditionBecomesAnExpression() throws {
        var (state, session) = try EditingTests.start()
        let edge = try #require(state.workflow.edges.first { $0.sourceJobID != nil && $0.conditionType != .jsExpression })
        state.select(edge.id)
        session.press(&state, .character("e"))
        // To the label (the second field of [condition, label, enabled]) and type.
        session.press(&state, .character("j"), .enter)
        #expect(state.mode.inspector?.focusedField(in: state.workflow) == .edgeLabel)
        session.press(&state, .control("u"))
        session.type(&state, "retry path")

        // Bob makes it a js_expression edge: the fields are now [condition, expression, label, enabled].
        var theirs = state.workflow
        let index = try #require(theirs.edges.firstIndex { $0.id == edge.id })
        theirs.edges[index].conditionType = .jsExpression
        theirs.edges[index].conditionExpression = "state.ok"
        session.document = theirs
        session.drive(&state, .remoteChange(.init(workflow: theirs, isDirty: true, changedIDs: [edge.id], author: "Bob")))
        #expect(state.mode.inspector?.focusedField(in: state.workflow) == .edgeLabel)

        session.press(&state, .enter)
        #expect(state.workflow.edge(edge.id)?.conditionLabel == "retry path")
        #expect(state.workflow.edge(edge.id)?.conditionExpression == "state.ok", "the expression is untouched")
    }

    @Test func typingIntoAFieldThatDisappearsIsDroppedWithAMessage() throws {
        var (state, session) = try EditingTests.start()
        let edge = try #require(state.workflow.edges.first { $0.sourceJobID != nil })
        var expression = state.workflow
        let index = try #require(expression.edges.firstIndex { $0.id == edge.id })
        expression.edges[index].conditionType = .jsExpression
        expression.edges[index].conditionExpression = "state.ok"
        session.document = expression
        session.drive(&state, .remoteChange(.init(workflow: expression, isDirty: true, changedIDs: [edge.id])))
        state.select(edge.id)
        session.press(&state, .character("e"), .character("j"), .enter)
        #expect(state.mode.inspector?.focusedField(in: state.workflow) == .edgeExpression)
        session.type(&state, " && state.ready")
        #expect(state.mode.inspector?.editing != nil)

        // Bob makes it an on_job_failure edge: the expression field is gone, the label took its place.
        var theirs = state.workflow
        theirs.edges[index].conditionType = .onJobFailure
        session.document = theirs
        session.drive(&state, .remoteChange(.init(workflow: theirs, isDirty: true, changedIDs: [edge.id], author: "Bob")))

        #expect(state.mode.inspector?.editing == nil)
        #expect(state.toasts.toasts.contains { $0.text.contains("is gone") }, "\(state.toasts.toasts.map(\.text))")
        session.press(&state, .enter)
        #expect(state.workflow.edge(edge.id)?.conditionLabel == theirs.edges[index].conditionLabel, "nothing typed went into the label")
    }
}
