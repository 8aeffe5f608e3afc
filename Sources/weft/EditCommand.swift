import ArgumentParser
import Foundation
import WeftClient
import WeftCurses
import WeftProtocol
import WeftTUI
import YCRDT

struct Edit: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Open a workflow in the terminal editor, live with everyone else on it.",
        discussion: """
            Shows the workflow as a graph (triggers on top), the details of what is selected, and a \
            status bar with the version, the unsaved-changes marker (● or [+]), the connection and \
            who else is here. Teammates' edits and deploys arrive as they happen. b on a job edits its \
            body, live with everyone else on it (Esc goes back). Press ? for the keys.

            Starts a relay in the background when none listens on the socket (as tmux starts its \
            server), with its database under the data directory unless --db says otherwise. Without \
            WORKFLOW, lists the workflows to choose from.

            Themes: default, light, high-contrast, mono, or a .toml file; NO_COLOR selects mono unless \
            --theme or ~/.config/weft/config.toml (theme = "light", ascii = true) says otherwise. Needs a \
            terminal; the locale (LANG) decides between UTF-8 and ASCII drawing.

            Example:
              weft edit "my project/ingest"
              weft edit 6f1c… --as ann --theme light
            """)

    @Argument(help: "The workflow to open: its id, or PROJECT/WORKFLOW by name.")
    var workflow: String?

    @OptionGroup var location: RelayLocationOptions

    @Option(
        name: .long,
        help: "The database for a relay started here: a SQLite file (default: ~/.local/share/weft/weft.sqlite) or a postgres:// URL.")
    var db: String?

    @Option(name: .customLong("as"), help: "Your name, as others see it (default: $USER).")
    var userName: String?

    @Option(name: .long, help: "A theme name or a path to a theme file.")
    var theme: String?

    @Flag(name: .long, help: "Draw with ASCII only, whatever the locale.")
    var ascii = false

    func run() throws {
        let socketPath = location.socketPath
        try EditorLaunch.ensureRelay(socketPath: socketPath, databasePath: db)
        let reference = try workflow ?? EditorLaunch.pickWorkflow(socketPath: socketPath)
        let settings = EditorLaunch.configuration()
        let chosenTheme = try EditorLaunch.loadTheme(theme, configuration: settings)
        let clock = EditorSession.monotonicClock()
        let session = try EditorLaunch.join(
            reference, socketPath: socketPath, userName: userName ?? EditorLaunch.defaultUserName, clock: clock)
        defer { session.close() }
        try EditorLaunch.runEditor(
            session: session, theme: chosenTheme, ascii: ascii || settings.ascii == true, clock: clock)
    }
}

/// What `weft edit` and `weft demo` share: the relay, the theme, the join and the terminal.
enum EditorLaunch {
    static var defaultUserName: String {
        let environment = ProcessInfo.processInfo.environment
        return environment["USER"].flatMap { $0.isEmpty ? nil : $0 } ?? ProcessInfo.processInfo.userName
    }

    /// Starts a relay in the background unless one listens on `socketPath`.
    static func ensureRelay(socketPath: String, databasePath: String?, extraArguments: [String] = []) throws {
        var launcher = RelayLauncher.defaults(executablePath: RelayLauncher.resolveExecutable(CommandLine.arguments[0]))
        launcher.socketPath = socketPath
        if let databasePath { launcher.databasePath = databasePath }
        launcher.extraArguments = extraArguments
        do {
            if case .started(let pid) = try launcher.ensureRunning() {
                FileHandleOutput.standardError(
                    "weft: started a relay (pid \(pid)) on \(socketPath); its log is \(launcher.logPath)\n")
            }
        } catch {
            FileHandleOutput.standardError("weft: \(error)\n")
            throw ExitCode(1)
        }
    }

    /// The user's settings file (`~/.config/weft/config.toml`); its problems are said on standard error.
    static func configuration() -> EditorConfiguration {
        let environment = ProcessInfo.processInfo.environment
        let configuration = EditorConfiguration.load(
            path: EditorConfiguration.defaultPath(environment: environment, homeDirectory: NSHomeDirectory()))
        for problem in configuration.problems { FileHandleOutput.standardError("weft: \(problem)\n") }
        return configuration
    }

    /// The theme to use: `name` when given, else the settings file's, else `mono` under NO_COLOR, else
    /// `default`.
    static func loadTheme(_ name: String?, configuration: EditorConfiguration = EditorConfiguration()) throws -> Theme {
        let environment = ProcessInfo.processInfo.environment
        let catalog = ThemeCatalog(
            userDirectory: ThemeCatalog.userThemesDirectory(environment: environment, homeDirectory: NSHomeDirectory()))
        do {
            return try catalog.load(configuration.themeName(commandLine: name, environment: environment))
        } catch {
            FileHandleOutput.standardError("weft: \(error)\n")
            throw ExitCode(1)
        }
    }

    static func join(
        _ reference: String, socketPath: String, userName: String, clock: @escaping () -> Duration
    ) throws -> EditorSession {
        let session = EditorSession(
            configuration: .init(socketPath: socketPath, userName: userName), clock: clock)
        do {
            try session.join(workflow: reference)
        } catch {
            FileHandleOutput.standardError("weft: cannot open \(reference): \(error)\n")
            throw ExitCode(1)
        }
        return session
    }

    /// Runs the curses editor on a joined session until it quits; the terminal is restored on the way out.
    static func runEditor(
        session: EditorSession, theme: Theme, ascii: Bool, clock: @escaping () -> Duration,
        sidecar: ((EditorDriver) -> Void)? = nil
    ) throws {
        let terminal: CursesTerminal
        do {
            terminal = try CursesTerminal(preferASCII: ascii)
        } catch {
            FileHandleOutput.standardError("weft: \(error)\n")
            throw ExitCode(1)
        }
        defer { terminal.close() }
        let driver = EditorDriver(session: session, size: terminal.size, clock: clock)
        EditorLoop(driver: driver, terminal: terminal, theme: theme, sidecar: sidecar).run()
    }

    /// Lists the relay's workflows and asks which to open (or opens the only one).
    static func pickWorkflow(socketPath: String) throws -> String {
        let connection = try connectOrExplain(socketPath)
        defer { connection.close() }
        try connection.send(.control(.list))
        let projects = try connection.receive(until: { message -> YAny? in
            if case .control(.listReply(let projects)) = message { return projects }
            return nil
        })
        var choices: [(label: String, id: String)] = []
        for project in projects.arrayValue ?? [] {
            let projectName = project.objectValue?["name"]?.stringValue ?? "?"
            for workflow in project.objectValue?["workflows"]?.arrayValue ?? [] {
                let entry = workflow.objectValue ?? YObject()
                guard let id = entry["id"]?.stringValue else { continue }
                let editors = (entry["editors"]?.arrayValue ?? []).compactMap(\.stringValue)
                choices.append(
                    ("\(projectName) / \(entry["name"]?.stringValue ?? id)  v\(entry["lock_version"]?.integerValue ?? 0)"
                        + (editors.isEmpty ? "" : "  (editing: \(editors.joined(separator: ", ")))"), id))
            }
        }
        guard !choices.isEmpty else {
            FileHandleOutput.standardError("weft: no workflows yet — deploy a project with `weft deploy project.yaml`\n")
            throw ExitCode(1)
        }
        if choices.count == 1 { return choices[0].id }
        for (index, choice) in choices.enumerated() { print("  \(index + 1)) \(choice.label)") }
        print("Open which workflow? [1-\(choices.count)] ", terminator: "")
        guard let answer = readLine(), let number = Int(answer.trimmingCharacters(in: .whitespaces)),
            (1...choices.count).contains(number)
        else {
            FileHandleOutput.standardError("weft: no workflow chosen\n")
            throw ExitCode(1)
        }
        return choices[number - 1].id
    }
}
