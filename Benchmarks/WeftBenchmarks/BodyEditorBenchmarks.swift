import Foundation
import WeftClient
import WeftTUI
import WorkflowModel

/// A keystroke in a 2,000-line job body to the updated frame (issue #7, target ≤ 16 ms): the key
/// through ``EditorDriver`` (the state, the edit made in the session's Y.Text, the document read back
/// as ``EditorEvent/localChange(_:)``, the cursor published as presence), then the loop's change check
/// and the frame. The session is offline, so the network is left out; everything the editor does per
/// key is in. Also the state and frame alone, without the document.
enum BodyEditorBenchmarks {
    static let lineCount = 2_000

    static func run(into report: inout Report) {
        progress("editor: keystrokes in a \(lineCount)-line body")
        var workflow = EditorBenchmarks.largeWorkflow(jobCount: 20)
        workflow.jobs[0].body = longBody(lines: lineCount)
        let size = Size(width: 132, height: 40)

        let session = EditorSession(
            configuration: .init(socketPath: "/nonexistent/weft.sock", userName: "ann"))
        session.edit { $0.apply(workflow) }
        let driver = EditorDriver(session: session, size: size, clock: EditorSession.monotonicClock())
        driver.apply(openMiddleOfBody())
        let withDocument = keystrokes {
            driver.apply([.key($0)])
        } state: {
            driver.state
        }
        report.add(
            "editor: body key → frame, \(lineCount) lines, p99 of 200 (with the document)",
            milliseconds: withDocument.p99, target: "≤ 16 ms")
        report.add(
            "editor: body key → frame, \(lineCount) lines, median (with the document)",
            milliseconds: withDocument.median, target: "-")

        var state = EditorState(workflow: workflow, userName: "ann", size: size)
        for event in openMiddleOfBody() { _ = state.apply(event) }
        let stateOnly = keystrokes {
            _ = state.apply(.key($0))
        } state: {
            state
        }
        report.add(
            "editor: body key → frame, \(lineCount) lines, p99 of 200 (state and frame only)",
            milliseconds: stateOnly.p99, target: "-")
    }

    /// Finds job 0, opens its body and goes to its middle line.
    static func openMiddleOfBody() -> [EditorEvent] {
        "/job 0".map { EditorEvent.key(.character($0)) } + [.key(.enter), .key(.character("b"))]
            + Array(repeating: .key(.down), count: lineCount / 2) + [.key(.end)]
    }

    /// 200 keys (typing and Backspace in turn, so the body keeps its size), each timed from the key to
    /// the frame drawn when the state changed, as the curses loop does.
    static func keystrokes(_ press: (Key) -> Void, state: () -> EditorState) -> (p99: Double, median: Double)
    {
        var lastDrawn = state()
        var times: [Double] = []
        for index in 0..<200 {
            let key: Key = index % 2 == 0 ? .character("x") : .backspace
            times.append(
                measure {
                    press(key)
                    let now = state()
                    if now != lastDrawn {
                        _ = ScreenRenderer.render(now)
                        lastDrawn = now
                    }
                })
        }
        times.sort()
        return (times[times.count * 99 / 100], times[times.count / 2])
    }

    /// A plausible job body: `lines` lines of JavaScript of varied length, some indented with tabs.
    static func longBody(lines: Int) -> String {
        var text = ""
        for index in 0..<lines {
            switch index % 4 {
            case 0: text += "fn(state => {\n"
            case 1:
                text +=
                    "\tconst value\(index) = state.data.items.filter(item => item.id > \(index)).length;\n"
            case 2: text += "\treturn { ...state, value\(index) }; // keep the count for the next step\n"
            default: text += "});\n"
            }
        }
        return text
    }
}
