import ArgumentParser
import Foundation
import WeftClient
import WeftCurses
import WeftProtocol
import WeftTUI
import YCRDT

struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Start a relay and an editor on a sample workflow and watch a deploy arrive.",
        discussion: """
            The main job for a newcomer. Starts a private relay (on a temporary socket and database, \
            removed afterwards), deploys a sample OpenFn project, and opens the editor on one of its \
            workflows as "you". Then a scripted teammate, ada, joins, selects a job and edits it — \
            the unsaved marker appears — and saves; then a deploy of a changed project file arrives \
            live. Watch the presence initials, the badges on what changed, the messages and the \
            marker. The editor stays open afterwards: ? shows the keys, q quits.

            With --headless (or --script, or when standard input is not a terminal) the same scenario runs with no \
            terminal and prints what happened and the screens as text.

            Example:
              weft demo
              weft demo --headless
            """)

    @Flag(
        name: [.customLong("headless"), .customLong("script")],
        help: "Run the scenario without a terminal and print the transcript and the final screens.")
    var script = false

    @Option(name: .long, help: "Use the relay on this socket instead of starting a private one.")
    var socket: String?

    @Option(name: .long, help: "The database of the private relay: a file (default: a temporary one) or a postgres:// URL.")
    var db: String?

    @Option(name: .long, help: "A theme name or a path to a theme file.")
    var theme: String?

    @Flag(name: .long, help: "Draw with ASCII only, whatever the locale.")
    var ascii = false

    func run() throws {
        let headless = script || isatty(STDIN_FILENO) != 1 || isatty(STDOUT_FILENO) != 1
        let relay = try DemoRelay.start(socket: socket, databasePath: db)
        defer { relay.stop() }
        let say: (String) -> Void = { line in
            // In the terminal the editor takes the screen; these go to standard error before it opens.
            headless ? print(line) : FileHandleOutput.standardError(line + "\n")
        }
        say(relay.description)
        let deployState = try DemoProject.deploy(DemoProject.original, socketPath: relay.socketPath, state: nil, say: say)
        let clock = EditorSession.monotonicClock()
        let session = try EditorLaunch.join(DemoProject.workflowReference, socketPath: relay.socketPath, userName: "you", clock: clock)
        defer { session.close() }
        let scenario = DemoScenario(socketPath: relay.socketPath, deployState: deployState, clock: clock)
        defer { scenario.close() }
        if headless {
            try scenario.runHeadless(session: session, ascii: ascii || !DemoScenario.localeIsUTF8, say: say)
        } else {
            let chosenTheme = try EditorLaunch.loadTheme(theme, configuration: EditorLaunch.configuration())
            try EditorLaunch.runEditor(
                session: session, theme: chosenTheme, ascii: ascii, clock: clock,
                sidecar: { driver in scenario.advance(driver) })
            for line in scenario.log { FileHandleOutput.standardError(line + "\n") }
        }
    }
}

/// The demo's relay: a private one on a temporary socket (stopped and removed afterwards), or the
/// one `--socket` names.
struct DemoRelay: CustomStringConvertible {
    var socketPath: String
    var databasePath: String?
    var startedPID: Int32?
    var temporaryFolder: String?

    static func start(socket: String?, databasePath: String?) throws -> DemoRelay {
        if let socket {
            try EditorLaunch.ensureRelay(socketPath: socket, databasePath: databasePath)
            return DemoRelay(socketPath: socket, databasePath: databasePath)
        }
        // A short path: a Unix socket's path must fit in 108 bytes.
        var template = Array("/tmp/weft-demo-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else {
            FileHandleOutput.standardError("weft demo: cannot make a temporary folder\n")
            throw ExitCode(1)
        }
        let folder = String(cString: made)
        let database = databasePath ?? folder + "/weft.sqlite"
        let launcher = RelayLauncher(
            executablePath: RelayLauncher.resolveExecutable(CommandLine.arguments[0]),
            socketPath: folder + "/relay.sock", databasePath: database, logPath: folder + "/relay.log")
        do {
            let outcome = try launcher.ensureRunning()
            var pid: Int32?
            if case .started(let started) = outcome { pid = started }
            return DemoRelay(socketPath: launcher.socketPath, databasePath: database, startedPID: pid, temporaryFolder: folder)
        } catch {
            FileHandleOutput.standardError("weft demo: \(error)\n")
            try? FileManager.default.removeItem(atPath: folder)
            throw ExitCode(1)
        }
    }

    var description: String {
        startedPID != nil
            ? "weft demo: a private relay on \(socketPath), database \(databasePath ?? "?")"
            : "weft demo: the relay on \(socketPath)"
    }

    /// Stops the relay this demo started and removes its folder.
    func stop() {
        guard let pid = startedPID else { return }
        kill(pid, SIGTERM)
        // The relay may be our child (reap it) or not (watch it go).
        var status: Int32 = 0
        for _ in 0..<50 {
            if waitpid(pid, &status, WNOHANG) == pid || kill(pid, 0) != 0 { break }
            usleep(100_000)
        }
        if let temporaryFolder { try? FileManager.default.removeItem(atPath: temporaryFolder) }
    }
}

/// The sample project: Lightning's canonical project file (Tests/WeftTestSupport/Fixtures/openfn,
/// credited in its NOTICE.md), and the changed version the demo deploys later.
enum DemoProject {
    static let workflowReference = "a-test-project/workflow 1"

    static let original = #"""
        name: a-test-project
        description: This is only a test
        credentials:
          email-0@example.com-new-credential:
            name: new credential
            owner: email-0@example.com
        # globals:
        workflows:
          workflow-1:
            name: workflow 1
            jobs:
              webhook-job:
                name: webhook job
                adaptor: '@openfn/language-common@latest'
                credential: email-0@example.com-new-credential
                # globals:
                body: |
                  console.log('webhook job')
                  fn(state => state)
              on-fail:
                name: on fail
                adaptor: '@openfn/language-common@latest'
                # credential:
                # globals:
                body: |
                  console.log('on fail')
                  fn(state => state)
              on-success:
                name: on success
                adaptor: '@openfn/language-common@latest'
                # credential:
                # globals:
                body: |
                  console.log('hello!');
            triggers:
              webhook:
                type: webhook
                enabled: true
            edges:
              webhook->webhook-job:
                source_trigger: webhook
                target_job: webhook-job
                condition_type: always
                enabled: true
              webhook-job->on-fail:
                source_job: webhook-job
                target_job: on-fail
                condition_type: on_job_failure
                enabled: true
              webhook-job->on-success:
                source_job: webhook-job
                target_job: on-success
                condition_type: on_job_success
                enabled: true
          workflow-2:
            name: workflow 2
            jobs:
              some-cronjob:
                name: some cronjob
                adaptor: '@openfn/language-common@latest'
                # credential:
                # globals:
                body: |
                  console.log('hello!');
              on-cron-failure:
                name: on cron failure
                adaptor: '@openfn/language-common@latest'
                # credential:
                # globals:
                body: |
                  console.log('hello!');
            triggers:
              cron:
                type: cron
                cron_expression: '0 23 * * *'
                enabled: true
            edges:
              cron->some-cronjob:
                source_trigger: cron
                target_job: some-cronjob
                condition_type: always
                enabled: true
              some-cronjob->on-cron-failure:
                source_job: some-cronjob
                target_job: on-cron-failure
                condition_type: on_job_success
                enabled: true
        """#

    /// What the deploy brings: ada's saved rename kept, a new line in "webhook job" and a new job
    /// "audit" after "on success".
    static var changed: String {
        original
            .replacingOccurrences(of: "        name: on fail\n", with: "        name: notify on failure\n")
            .replacingOccurrences(
                of: "          console.log('webhook job')\n",
                with: "          console.log('webhook job')\n          fn(state => ({ ...state, receivedAt: new Date() }))\n")
            .replacingOccurrences(
                of: "    triggers:\n      webhook:",
                with: """
                          audit:
                            name: audit
                            adaptor: '@openfn/language-common@latest'
                            body: |
                              fn(state => { console.log('audited'); return state; })
                        triggers:
                          webhook:
                    """)
            .replacingOccurrences(
                of: "        condition_type: on_job_success\n        enabled: true\n  workflow-2:",
                with: """
                            condition_type: on_job_success
                            enabled: true
                          on-success->audit:
                            source_job: on-success
                            target_job: audit
                            condition_type: always
                            enabled: true
                      workflow-2:
                    """)
    }

    /// Deploys `yaml` through the relay; returns the state the relay answers with (ids by name).
    static func deploy(_ yaml: String, socketPath: String, state: YAny?, say: (String) -> Void) throws -> YAny? {
        let connection = try connectOrExplain(socketPath)
        defer { connection.close() }
        let payload: YObject = ["yaml": .string(yaml), "file": "demo-project.yaml"]
        try connection.send(.control(.deploy(project: .object(payload), allowStale: true, state: state)))
        let reply = try connection.receive(timeout: .seconds(60)) { message -> ControlMessage? in
            guard case .control(let control) = message else { return nil }
            switch control {
            case .deployed, .deployFailed, .error: return control
            default: return nil
            }
        }
        switch reply {
        case .deployed(_, let workflows, let newState):
            let versions = workflows.compactMap { entry -> String? in
                guard let object = entry.objectValue else { return nil }
                return "\(object["name"]?.stringValue ?? "?") v\(object["lock_version"]?.integerValue ?? 0)"
            }
            say("weft demo: deployed the sample project (\(versions.isEmpty ? "nothing changed" : versions.joined(separator: ", ")))")
            return newState
        case .deployFailed(let reason, let message, _, _):
            FileHandleOutput.standardError("weft demo: the deploy was refused (\(reason)): \(message ?? "")\n")
            throw ExitCode(1)
        case .error(let code, let message):
            FileHandleOutput.standardError("weft demo: \(code): \(message)\n")
            throw ExitCode(1)
        default:
            throw ExitCode(1)
        }
    }
}

/// The demo's script: a teammate who joins, edits and saves, then a deploy. The same steps run in
/// the editor (one per turn of its loop, spaced out so a person can watch) and headless (each
/// waited for until the editor shows it).
final class DemoScenario {
    struct Step {
        /// How long after the previous step it comes, in the editor.
        var pause: Duration
        var title: String
        var perform: (DemoScenario) throws -> Void
        /// Whether the editor shows what the step did.
        var hasArrived: (EditorState) -> Bool
        /// Headless: print the screen once it arrived.
        var showsScreen: Bool
    }

    let socketPath: String
    var deployState: YAny?
    let clock: () -> Duration
    var teammate: EditorSession?
    /// What happened, in order.
    private(set) var log: [String] = []
    private var nextStep = 0
    private var nextStepAt: Duration?
    private var started = false

    static let teammateName = "ada"
    static let renamed = "notify on failure"

    init(socketPath: String, deployState: YAny?, clock: @escaping () -> Duration) {
        self.socketPath = socketPath
        self.deployState = deployState
        self.clock = clock
    }

    static var localeIsUTF8: Bool { CursesTerminal.localeIsUTF8() }

    lazy var steps: [Step] = [
        Step(
            pause: .seconds(3), title: "ada joins and selects “on fail”",
            perform: { scenario in try scenario.teammateJoins() },
            hasArrived: { state in state.participants.contains { $0.name == Self.teammateName && $0.selectedID != nil } },
            showsScreen: false),
        Step(
            pause: .seconds(4), title: "ada renames it “\(Self.renamed)” (not saved yet: the marker shows)",
            perform: { scenario in scenario.teammateRenames() },
            hasArrived: { state in state.isDirty && state.workflow.jobs.contains { $0.name == Self.renamed } },
            showsScreen: true),
        Step(
            pause: .seconds(5), title: "ada saves version 2 (the marker clears)",
            perform: { scenario in try scenario.teammate?.save() },
            hasArrived: { state in state.lockVersion == 2 && !state.isDirty },
            showsScreen: false),
        Step(
            pause: .seconds(5), title: "a deploy of a changed project file arrives: version 3",
            perform: { scenario in try scenario.deployChangedProject() },
            hasArrived: { state in state.lockVersion == 3 && state.workflow.jobs.contains { $0.name == "audit" } },
            showsScreen: true),
    ]

    private func teammateJoins() throws {
        let session = EditorSession(
            configuration: .init(socketPath: socketPath, userName: Self.teammateName), clock: clock)
        try session.join(workflow: DemoProject.workflowReference)
        teammate = session
        session.select(nodeID: session.workflow.jobs.first { $0.name == "on fail" }?.id)
    }

    private func teammateRenames() {
        teammate?.update { workflow in
            if let index = workflow.jobs.firstIndex(where: { $0.name == "on fail" }) {
                workflow.jobs[index].name = Self.renamed
            }
        }
    }

    private func deployChangedProject() throws {
        deployState = try DemoProject.deploy(DemoProject.changed, socketPath: socketPath, state: deployState) { line in
            self.log.append(line)
        }
    }

    func close() { teammate?.close() }

    // MARK: In the editor

    /// One turn of the editor's loop: keeps the teammate's session going and runs the step that is due.
    func advance(_ driver: EditorDriver) {
        _ = teammate?.pump()
        let now = clock()
        if !started {
            started = true
            driver.apply([
                .notice("Demo: in a moment a teammate, ada, joins and edits; then a deploy arrives. ? keys, q quits.", sticky: false)
            ])
            nextStepAt = now + (steps.first?.pause ?? .zero)
        }
        guard nextStep < steps.count, let due = nextStepAt, now >= due else { return }
        let step = steps[nextStep]
        do {
            try step.perform(self)
            log.append("weft demo: \(step.title)")
        } catch {
            log.append("weft demo: \(step.title) failed: \(error)")
            driver.apply([.error("The demo's step “\(step.title)” failed: \(error)")])
        }
        nextStep += 1
        if nextStep < steps.count {
            nextStepAt = now + steps[nextStep].pause
        } else {
            nextStepAt = nil
            driver.apply([
                .notice("That was the demo. Look around (Tab, arrows, Enter), or q to quit; the relay stops with it.", sticky: true)
            ])
        }
    }

    // MARK: Headless

    /// Runs every step without a terminal, waiting for the editor to show each, and prints the
    /// messages the editor gave and the screens as text.
    func runHeadless(session: EditorSession, ascii: Bool, say: (String) -> Void) throws {
        let start = clock()
        let driver = EditorDriver(session: session, size: Size(width: 100, height: 30), clock: clock)
        let options = RenderOptions(glyphs: ascii ? .ascii : .unicode, isMonochrome: ascii)
        say("weft demo: opened “workflow 1” as you (headless, 100×30)")
        var failed = false
        for step in steps {
            say("")
            say("== \(step.title)")
            do {
                try step.perform(self)
            } catch {
                say("   failed: \(error)")
                failed = true
                break
            }
            for line in log { say("   " + line) }
            log.removeAll()
            guard wait(driver, timeout: .seconds(20), until: step.hasArrived) else {
                say("   the editor did not show it within 20 s")
                failed = true
                break
            }
            for message in driver.messages.dropFirst(printedMessages) {
                say("   [\(Self.seconds(message.time - start))] \(message.text)")
            }
            printedMessages = driver.messages.count
            if step.showsScreen {
                say("")
                say(ScreenRenderer.render(driver.state, options: options).text)
            }
        }
        say("")
        say("== the editor at the end")
        say(ScreenRenderer.render(driver.state, options: options).text)
        if failed { throw ExitCode(1) }
    }

    private var printedMessages = 0

    private func wait(_ driver: EditorDriver, timeout: Duration, until arrived: (EditorState) -> Bool) -> Bool {
        let deadline = clock() + timeout
        while clock() < deadline {
            driver.pumpSession(timeout: .milliseconds(20))
            _ = teammate?.pump(timeout: .milliseconds(5))
            if arrived(driver.state) {
                // A moment more for what follows right behind (the toast of a version after its edits).
                let settle = clock() + .milliseconds(200)
                while clock() < settle {
                    driver.pumpSession(timeout: .milliseconds(20))
                    _ = teammate?.pump()
                }
                return true
            }
        }
        return false
    }

    static func seconds(_ duration: Duration) -> String {
        let milliseconds = duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
        return String(format: "%5.1fs", Double(milliseconds) / 1000)
    }
}
