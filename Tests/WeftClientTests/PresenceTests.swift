import Foundation
import Testing
import WeftClient
import WeftProtocol
import WeftTestSupport
import WorkflowModel

extension RelaySessionSuite {
    /// Presence (DESIGN.md behaviour 8): people see each other's name, colour, selected node and body
    /// cursor; leaving removes them.
    @Suite("presence")
    struct Presence {
        @Test func eachSeesTheOthersNameSelectionAndCursor() throws {
            try withRelay { relay in
                let project = try CanonicalProject.deploy(to: relay)
                let ann = try RecordingSession(relay: relay, workflow: project.workflow1, as: "Ann Lee")
                let bob = try RecordingSession(relay: relay, workflow: project.workflow1, as: "Bob")
                let webhook = try ann.session.base.jobID(named: "webhook job")
                let onFail = try ann.session.base.jobID(named: "on fail")

                ann.session.select(nodeID: webhook)
                bob.session.select(nodeID: onFail)
                try pumpUntil([ann, bob], "each sees the other's selection") {
                    ann.session.collaborators.first?.selectedNodeID == onFail
                        && bob.session.collaborators.first?.selectedNodeID == webhook
                }
                let annAsBobSeesHer = try #require(bob.session.collaborators.first)
                #expect(bob.session.collaborators.count == 1)
                #expect(annAsBobSeesHer.name == "Ann Lee")
                #expect(annAsBobSeesHer.initials == "AL")
                #expect(annAsBobSeesHer.colour == UserColour.colour(forName: "Ann Lee"))
                #expect(annAsBobSeesHer.colour == ann.session.userColour)
                #expect(ann.session.collaborators.map(\.name) == ["Bob"])
                #expect(
                    bob.events.contains {
                        if case .presence(let people) = $0 {
                            people.contains { $0.name == "Ann Lee" }
                        } else {
                            false
                        }
                    })

                // A cursor in a body stays on its character while the text before it grows.
                try bob.session.setBodyCursor(jobID: webhook, utf16Offset: 5)
                try pumpUntil([ann, bob], "Ann sees Bob's cursor") {
                    ann.session.collaborators.first?.bodyCursor != nil
                }
                let cursor = try #require(ann.session.collaborators.first?.bodyCursor)
                #expect(cursor.jobID == webhook)
                #expect(ann.session.utf16Offset(of: cursor) == 5)
                try ann.session.edit { try $0.insertText("ab", intoBodyOf: webhook, atUTF16: 0) }
                #expect(ann.session.utf16Offset(of: cursor) == 7)

                // Leaving takes Bob off Ann's list.
                bob.session.close()
                try pumpUntil([ann], "Bob is gone") { ann.session.collaborators.isEmpty }
                #expect(ann.events.last == .presence([]))
            }
        }
    }
}
