import ArgumentParser
import Foundation
import WorkflowModel

struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check an OpenFn project file for errors without deploying it.",
        discussion: """
            Reads FILE the way `weft deploy` would and checks every workflow in it, \
            without connecting to anything. FILE is one of OpenFn's formats:

              project-as-code v1   project.yaml as Lightning exports it and
                                   `openfn deploy` reads it: workflows, jobs,
                                   triggers and edges keyed by name (the same
                                   shape in JSON reads too). A job body written
                                   as {path: ...} is read from that path,
                                   relative to FILE.
              provisioning JSON    what Lightning's provisioning API takes and
                                   returns: arrays of entities with UUIDs, and
                                   {"id": ..., "delete": true} to remove one.

            The format is told from the name and the content; --format says it \
            outright (yaml reads any YAML, JSON included, as project-as-code). An \
            OpenFn CLI state file (.state.json) is recognised and its shape checked.

            When all is well, a summary goes to standard output: each workflow's \
            jobs, triggers and edges, then the totals. Otherwise every problem goes \
            to standard error, one a line, with where it is:

              project.yaml:14:9: error: workflows.ingest.jobs.fetch.adaptr:
                unknown key "adaptr" in job "fetch"; did you mean "adaptor"?

            Unknown keys are refused, and so are names that refer to nothing (an \
            edge's job, a job's credential). Warnings (a job no trigger reaches, an \
            edge that closes a cycle, a blank body) are printed the same way, marked \
            `warning:`, and do not fail the check.

            Examples:
              weft validate project.yaml
              weft validate --format json lightning-project.json

            Exit status: 0 when FILE is valid (warnings or not), 1 when it has \
            errors or cannot be read, 64 for a usage error.
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case yaml, json
    }

    @Argument(help: ArgumentHelp("The project file to check.", valueName: "file"))
    var file: String

    @Option(
        help: ArgumentHelp("The file's format, when its name and content do not say.", valueName: "yaml|json")
    )
    var format: Format?

    func run() throws {
        let text = readFile()
        let kind: ProjectFileKind
        switch format {
        case .yaml?: kind = .projectSpec
        case .json?:
            kind = ProjectFileKind.detect(fileName: file, text: text) == .state ? .state : .provisioning
        case nil: kind = ProjectFileKind.detect(fileName: file, text: text)
        }
        let report: ValidationReport
        do {
            switch kind {
            case .projectSpec: report = try checkSpec(text)
            case .provisioning: report = try checkProvisioning(text)
            case .state: report = try checkState(text)
            }
        } catch {
            fail(
                error.problems.map {
                    "\($0.location): error: \($0.path.isEmpty ? "" : "\($0.path): ")\($0.message)"
                }, warnings: 0)
        }
        let warnings = report.issues.filter { $0.severity == .warning }
        let errors = report.issues.filter { $0.severity == .error }
        if !errors.isEmpty {
            fail(report.issues.map(\.line), warnings: warnings.count)
        }
        for warning in warnings { FileHandleOutput.standardError(warning.line + "\n") }
        FileHandleOutput.standardOutput(report.summary(file: file, kind: kind, warnings: warnings.count))
    }

    // MARK: Input

    private func readFile() -> String {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: file, isDirectory: &isDirectory) else {
            fail(["weft: cannot read \(file): no such file"])
        }
        guard !isDirectory.boolValue else { fail(["weft: cannot read \(file): it is a directory"]) }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: file))
        } catch {
            fail(["weft: cannot read \(file): \(error.localizedDescription)"])
        }
        guard let text = String(data: data, encoding: .utf8) else {
            fail(["\(file): error: the file is not UTF-8 text"], warnings: 0)
        }
        return text
    }

    /// Reads a job body's `path`, relative to the project file, as `openfn deploy` does.
    private func readBody(_ path: String) throws -> String {
        let base = URL(fileURLWithPath: file).deletingLastPathComponent()
        let url = path.hasPrefix("/") ? URL(fileURLWithPath: path) : base.appendingPathComponent(path)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw BodyFileError(reason: "no such file")
        }
        do {
            return try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw BodyFileError(reason: error.localizedDescription)
        }
    }

    private struct BodyFileError: Error, CustomStringConvertible {
        var reason: String
        var description: String { reason }
    }

    // MARK: Checks

    private func checkSpec(_ text: String) throws(FormatError) -> ValidationReport {
        let (spec, locations) = try ProjectYAML.parseLocated(text, file: file, readBody: readBody)
        var counter = 0
        let (project, state) = ProjectState.resolve(spec: spec, state: nil) {
            counter += 1
            let digits = String(counter)
            return "00000000-0000-4000-8000-" + String(repeating: "0", count: max(0, 12 - digits.count))
                + digits
        }
        var report = ValidationReport(project: project, deletions: [])
        report.workflowLabels = spec.workflows.map { "\($0.key) \"\($0.name)\"" }
        for workflow in project.workflows {
            for issue in WorkflowValidator.validate(workflow) {
                var path =
                    (issue.entityID.flatMap { state.specPath(ofEntity: $0) }
                        ?? state.specPath(ofEntity: workflow.id)) ?? .root
                if let field = Self.specField(issue) { path = path / field }
                report.add(issue, path: path, location: locations.nearest(path), file: file)
            }
        }
        return report
    }

    /// The spec's name for a field the validator names in the document's terms.
    private static func specField(_ issue: ValidationIssue) -> String? {
        switch issue.field {
        case "id": nil
        case "project_credential_id", "keychain_credential_id": "credential"
        case "cron_cursor_job_id": "cron_cursor_job"
        case "source_job_id": "source_job"
        case "source_trigger_id": "source_trigger"
        case "target_job_id": "target_job"
        default: issue.field
        }
    }

    private func checkProvisioning(_ text: String) throws(FormatError) -> ValidationReport {
        let (document, locations) = try ProvisioningJSON.parseLocated(text, file: file)
        var report = ValidationReport(project: document.project, deletions: document.deletions)
        report.workflowLabels = document.project.workflows.map { "\"\($0.name)\"" }
        for (index, workflow) in document.project.workflows.enumerated() {
            let workflowPath = (FormatPath.root / "workflows").appending(index: index)
            for issue in WorkflowValidator.validate(workflow) {
                var path = workflowPath
                if let id = issue.entityID {
                    if let position = workflow.jobs.firstIndex(where: { $0.id == id }) {
                        path = (path / "jobs").appending(index: position)
                    } else if let position = workflow.triggers.firstIndex(where: { $0.id == id }) {
                        path = (path / "triggers").appending(index: position)
                    } else if let position = workflow.edges.firstIndex(where: { $0.id == id }) {
                        path = (path / "edges").appending(index: position)
                    }
                }
                if issue.field != "id" || issue.entityID == nil { path = path / issue.field }
                report.add(issue, path: path, location: locations.nearest(path), file: file)
            }
        }
        return report
    }

    private func checkState(_ text: String) throws(FormatError) -> ValidationReport {
        let state = try ProjectState.parse(text, file: file)
        let workflows = state.workflows.compactMap { entry in
            entry.value.map { value in
                Workflow(
                    id: entry.id, name: value.name, jobs: value.jobs.compactMap(\.value),
                    triggers: value.triggers.compactMap(\.value), edges: value.edges.compactMap(\.value))
            }
        }
        var report = ValidationReport(
            project: Project(
                id: state.id, name: state.name, workflows: workflows,
                credentials: state.credentials.compactMap(\.value)),
            deletions: state.deletions)
        report.workflowLabels = state.workflows.filter { $0.value != nil }.map {
            "\($0.key) \"\($0.value?.name ?? "")\""
        }
        return report
    }

    // MARK: Output

    private func fail(_ lines: [String], warnings: Int? = nil) -> Never {
        for line in lines { FileHandleOutput.standardError(line + "\n") }
        if let warnings {
            let errors = lines.count - warnings
            FileHandleOutput.standardError(
                "\(file): \(Self.count(errors, "error"))\(warnings > 0 ? ", " + Self.count(warnings, "warning") : "")\n"
            )
        }
        Foundation.exit(1)
    }

    static func count(_ number: Int, _ noun: String) -> String {
        "\(number) \(noun)\(number == 1 ? "" : "s")"
    }
}

/// What `weft validate` found in one file.
private struct ValidationReport {
    struct Issue {
        var severity: ValidationIssue.Severity
        var line: String
    }

    let project: Project
    let deletions: [ProvisioningDeletion]
    var workflowLabels: [String] = []
    var issues: [Issue] = []

    init(project: Project, deletions: [ProvisioningDeletion]) {
        self.project = project
        self.deletions = deletions
    }

    mutating func add(_ issue: ValidationIssue, path: FormatPath, location: FormatLocation?, file: String) {
        let place = location.map { "\(file):\($0.line):\($0.column)" } ?? file
        let pathText = path.components.isEmpty ? "" : "\(path): "
        issues.append(
            Issue(
                severity: issue.severity,
                line: "\(place): \(issue.severity.rawValue): \(pathText)\(issue.message)"))
    }

    func summary(file: String, kind: ProjectFileKind, warnings: Int) -> String {
        let count = Validate.count
        var out = "\(file): \(kind.title) for project \"\(project.name)\": valid"
        out += warnings > 0 ? " (\(count(warnings, "warning")))\n" : "\n"
        let width = workflowLabels.map(\.count).max() ?? 0
        for (label, workflow) in zip(workflowLabels, project.workflows) {
            let padding = String(repeating: " ", count: width - label.count)
            out +=
                "  \(label)\(padding)  \(count(workflow.jobs.count, "job")), "
                + "\(count(workflow.triggers.count, "trigger")), \(count(workflow.edges.count, "edge"))\n"
        }
        let workflows = project.workflows
        out +=
            "  total: \(count(workflows.count, "workflow")), \(count(workflows.map(\.jobs.count).reduce(0, +), "job")), "
            + "\(count(workflows.map(\.triggers.count).reduce(0, +), "trigger")), "
            + "\(count(workflows.map(\.edges.count).reduce(0, +), "edge")), \(count(project.credentials.count, "credential"))\n"
        if !deletions.isEmpty {
            let kinds = ProvisioningDeletion.Kind.allCases.compactMap { kind -> String? in
                let number = deletions.filter { $0.kind == kind }.count
                return number == 0 ? nil : count(number, kind.rawValue)
            }
            out += "  deletes: \(kinds.joined(separator: ", "))\n"
        }
        return out
    }
}
