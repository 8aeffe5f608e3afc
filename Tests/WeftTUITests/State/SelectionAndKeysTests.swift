import Testing
import WorkflowModel

@testable import WeftTUI

/// Keys in the graph, as a state machine: send events, check the state and the effects.
@Suite struct SelectionAndKeysTests {
    @Test func theFirstTriggerStartsSelectedAndTabWalksEveryNodeAndEdgeInReadingOrder() throws {
        var state = try Editors.canonical()
        #expect(state.selectedID == "webhook")

        var visited: [String?] = []
        for _ in 0..<7 {
            state.press(.tab)
            visited.append(state.selectedID)
        }
        #expect(
            visited == [
                "webhook->webhook-job", "webhook-job", "webhook-job->on-fail", "webhook-job->on-success", "on-fail",
                "on-success", "webhook",
            ])
        #expect(state.press(.backTab) == [.select("on-success")])
    }

    @Test func arrowsAndHjklMoveBetweenBoxesAndTellTheOthers() throws {
        var state = try Editors.canonical()

        #expect(state.press(.down) == [.select("webhook-job")])
        #expect(state.press(.character("j")) == [.select("on-fail")])
        #expect(state.press(.right) == [.select("on-success")])
        #expect(state.press(.character("l")) == [])
        #expect(state.press(.character("h")) == [.select("on-fail")])
        #expect(state.press(.up) == [.select("webhook-job")])
        #expect(state.press(.character("k")) == [.select("webhook")])
        #expect(state.press(.up) == [])
        #expect(state.press(.character("G")) == [.select("on-success")])
        #expect(state.press(.character("g")) == [.select("webhook")])
    }

    @Test func fromAnEdgeArrowsStartAtItsSource() throws {
        var state = try Editors.canonical()
        state.press(.tab, .tab, .tab)  // webhook-job → on-fail
        #expect(state.selectedID == "webhook-job->on-fail")

        #expect(state.press(.down) == [.select("on-fail")])
    }

    @Test func saveAsksTheLoopToSaveWhenConnectedAndSaysWhyNotOtherwise() throws {
        var state = try Editors.canonical(isDirty: true)
        #expect(state.press(.control("s")) == [.save])

        state.send(.connection(.reconnecting(attempt: 1, nextIn: .seconds(1))))
        #expect(state.press(.control("s")) == [])
        #expect(state.toasts.current?.text.contains("Not connected") == true)
    }

    @Test func quittingACleanWorkflowQuitsAtOnce() throws {
        var state = try Editors.canonical()
        #expect(state.press(.character("q")) == [.quit])
    }

    @Test func quittingWithUnsavedChangesAsksOnceAndAnyOtherKeyStays() throws {
        var state = try Editors.canonical(isDirty: true)

        #expect(state.press(.character("q")) == [])
        #expect(state.mode == .confirmQuit)
        #expect(state.press(.character("n")) == [])
        #expect(state.mode == .normal)

        state.press(.control("c"))
        #expect(state.press(.character("y")) == [.quit])
    }

    @Test func saveThenQuitWaitsForTheSavedAnswer() throws {
        var state = try Editors.canonical(isDirty: true)
        state.press(.character("q"))

        #expect(state.press(.character("s")) == [.save])
        #expect(state.apply(.saved(lockVersion: 4, isDirty: false)) == [.quit])
        #expect(state.lockVersion == 4)
        #expect(!state.isDirty)
    }

    @Test func aRefusedSaveCancelsTheQuitAndSaysWhy() throws {
        var state = try Editors.canonical(isDirty: true)
        state.type(":wq")

        #expect(state.press(.enter) == [.save])
        #expect(state.apply(.saveFailed(reason: "stale", message: "version 4 was saved meanwhile")) == [])
        #expect(state.apply(.saved(lockVersion: 5, isDirty: false)) == [])
        #expect(state.toasts.toasts.map(\.level).contains(.error))
    }

    @Test func theCommandLineSavesQuitsAndRefusesWhatItDoesNotKnow() throws {
        var state = try Editors.canonical(isDirty: true)

        state.type(":w")
        #expect(state.mode == .command("w"))
        #expect(state.press(.enter) == [.save])
        state.type(":q")
        #expect(state.press(.enter) == [])
        #expect(state.mode == .confirmQuit)
        state.press(.escape)
        state.type(":q!")
        #expect(state.press(.enter) == [.quit])
        state.type(":frobnicate")
        state.press(.enter)
        #expect(state.toasts.current?.text.hasPrefix("Not a command: :frobnicate") == true)
        state.type(":x")
        state.press(.backspace, .backspace, .backspace)
        #expect(state.mode == .normal)
    }

    @Test func searchJumpsAsYouTypeAndEscGoesBack() throws {
        var state = try Editors.canonical()

        state.press(.character("/"))
        #expect(state.type("SUCC") == [.select("on-success")])
        #expect(state.mode == .search("SUCC", origin: "webhook"))
        state.press(.escape)
        #expect(state.selectedID == "webhook")

        state.press(.character("/"))
        state.type("on ")
        state.press(.enter)
        #expect(state.selectedID == "on-fail")
        #expect(state.press(.character("n")) == [.select("on-success")])
        #expect(state.press(.character("n")) == [.select("on-fail")])
        #expect(state.press(.character("N")) == [.select("on-success")])
    }

    @Test func helpOpensWithQuestionMarkAndQClosesItNotTheEditor() throws {
        var state = try Editors.canonical()

        state.press(.character("?"))
        #expect(state.mode == .help(scroll: 0))
        state.press(.character("j"), .character("j"))
        #expect(state.mode == .help(scroll: 2))
        #expect(state.press(.character("q")) == [])
        #expect(state.mode == .normal)
    }

    @Test func iHidesAndShowsTheDetailsPane() throws {
        var state = try Editors.canonical()
        #expect(state.screen.detailPanel != nil)

        state.press(.character("i"))
        #expect(state.screen.detailPanel == nil)
        #expect(state.screen.graphPanel.width == 80)
        state.press(.character("i"))
        #expect(state.screen.detailPanel != nil)
    }

    @Test func ctrlLAsksForARedraw() throws {
        var state = try Editors.canonical()
        #expect(state.press(.control("l")) == [.redraw])
    }

    @Test func everyBindingOfTheKeymapIsInTheHelp() {
        let help = HelpOverlay.lines(.standard).map { $0.spans.map(\.text).joined() }.joined(separator: "\n")
        for binding in Keymap.standard.bindings {
            #expect(help.contains(binding.help))
            for key in binding.keys { #expect(help.contains(key.description)) }
        }
    }

    /// The body editor's keys are in the help too, each on its own line with its keys, under their own
    /// title and from the table the body editor dispatches with.
    @Test func everyBindingOfTheBodyKeymapIsInTheHelp() throws {
        let lines = HelpOverlay.lines(.standard).map { $0.spans.map(\.text).joined() }
        let title = try #require(lines.firstIndex(of: HelpOverlay.bodyGroup))
        let section = lines[(title + 1)...]
        for binding in BodyKeymap.standard.bindings {
            let keys = binding.keys.map(\.description).joined(separator: " ")
            #expect(
                section.contains { $0.hasPrefix("  " + keys + " ") && $0.hasSuffix(binding.help) },
                "\(keys): \(binding.help)")
        }
    }
}
