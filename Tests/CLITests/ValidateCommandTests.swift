import Foundation
import Testing
import WeftTestSupport

/// `weft validate`, from the built binary: OpenFn project files checked without deploying them.
@Suite struct ValidateCommandTests {
    static let canonical = "openfn/lightning-canonical_project.yaml"

    /// A new temporary folder holding `files` (name → text); returns the folder.
    static func folder(_ files: [String: String]) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "weft-validate-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for (name, text) in files {
            try Data(text.utf8).write(to: folder.appendingPathComponent(name))
        }
        return folder
    }

    static func fixtureText(_ name: String) throws -> String {
        String(decoding: try Fixtures.data(name), as: UTF8.self)
    }

    static func lines(_ text: String) -> [String] {
        text.split(separator: "\n").map(String.init)
    }

    @Test func theCanonicalProjectIsValidAndSummarised() throws {
        let file = try Fixtures.url(Self.canonical)

        let result = try WeftExecutable.run(["validate", file.path])

        #expect(result.status == 0, "stderr:\n\(result.standardErrorText)")
        #expect(result.standardErrorText.isEmpty)
        #expect(
            Self.lines(result.standardOutputText) == [
                "\(file.path): project-as-code v1 for project \"a-test-project\": valid",
                "  workflow-1 \"workflow 1\"  3 jobs, 1 trigger, 3 edges",
                "  workflow-2 \"workflow 2\"  2 jobs, 1 trigger, 2 edges",
                "  total: 2 workflows, 5 jobs, 2 triggers, 5 edges, 1 credential",
            ])
    }

    @Test func theProvisioningPayloadIsValidWithItsWarningPrinted() throws {
        let file = try Fixtures.url("openfn/kit-deploy-lightningProjectPayload.json")

        let result = try WeftExecutable.run(["validate", file.path])

        #expect(result.status == 0, "stderr:\n\(result.standardErrorText)")
        let output = Self.lines(result.standardOutputText)
        #expect(
            output.first
                == "\(file.path): provisioning JSON for project \"my-sample-project\": valid (1 warning)")
        #expect(output.contains("  \"OpenHIE Workflow\"    4 jobs, 1 trigger, 4 edges"))
        #expect(output.last == "  total: 2 workflows, 5 jobs, 2 triggers, 5 edges, 1 credential")
        // The job behind the disabled edge runs from no trigger: a warning, with its place in the arrays.
        let warnings = Self.lines(result.standardErrorText)
        #expect(warnings.count == 1)
        #expect(warnings.first?.hasPrefix("\(file.path):69:9: warning: workflows[0].jobs[2]: ") == true)
    }

    @Test func aBrokenCopyFailsWithEveryProblemAndItsPlace() throws {
        var text = try Self.fixtureText(Self.canonical)
        text = text.replacingOccurrences(
            of: "name: webhook job\n", with: "name: webhook job\n        adaptr: nope\n")
        text = text.replacingOccurrences(of: "target_job: on-fail\n", with: "target_job: on-fial\n")
        text = text.replacingOccurrences(
            of: "credential: email-0@example.com-new-credential", with: "credential: someone@example.com-old")
        text = text.replacingOccurrences(
            of: "cron_expression: '0 23 * * *'", with: "cron_expression: 'every night'")
        let folder = try Self.folder(["project.yaml": text])
        let file = folder.appendingPathComponent("project.yaml").path

        let result = try WeftExecutable.run(["validate", file])

        #expect(result.status == 1)
        #expect(result.standardOutput.isEmpty)
        let lines = Self.lines(result.standardErrorText)
        #expect(
            lines == [
                "\(file):14:9: error: workflows.workflow-1.jobs.webhook-job.adaptr: unknown key \"adaptr\" in job \"webhook-job\"; "
                    + "did you mean \"adaptor\"?",
                "\(file):16:21: error: workflows.workflow-1.jobs.webhook-job.credential: no credential \"someone@example.com-old\" "
                    + "in the project's credentials (it has: email-0@example.com-new-credential)",
                "\(file):48:21: error: workflows.workflow-1.edges.webhook-job->on-fail.target_job: no job \"on-fial\" in this "
                    + "workflow (it has: on-fail, on-success, webhook-job)",
                "\(file): 3 errors",
            ])
    }

    /// Once the file reads, the workflow checks run: their errors carry the spec's path and line too.
    @Test func validationErrorsPointIntoTheSpec() throws {
        var text = try Self.fixtureText(Self.canonical)
        text = text.replacingOccurrences(
            of: "cron_expression: '0 23 * * *'", with: "cron_expression: 'every night'")
        text = text.replacingOccurrences(
            of:
                "      webhook->webhook-job:\n        source_trigger: webhook\n        target_job: webhook-job\n        condition_type: always",
            with:
                "      webhook->webhook-job:\n        source_trigger: webhook\n        target_job: webhook-job\n        condition_type: on_job_failure"
        )
        let folder = try Self.folder(["project.yaml": text])
        let file = folder.appendingPathComponent("project.yaml").path

        let result = try WeftExecutable.run(["validate", file])

        #expect(result.status == 1)
        let lines = Self.lines(result.standardErrorText)
        #expect(
            lines.contains {
                $0.hasPrefix(
                    "\(file):43:25: error: workflows.workflow-1.edges.webhook->webhook-job.condition_type: ")
            })
        #expect(
            lines.contains {
                $0.hasPrefix("\(file):75:26: error: workflows.workflow-2.triggers.cron.cron_expression: ")
            })
        #expect(lines.last == "\(file): 2 errors")
    }

    @Test func aBodyPathIsReadBesideTheFile() throws {
        let spec = try Self.fixtureText("openfn/kit-deploy-fullExampleSpec.json")
        let withBody = try Self.folder(["spec.json": spec, "somefile.js": "fn(state => state);\n"])
        let without = try Self.folder(["spec.json": spec])

        let good = try WeftExecutable.run(["validate", withBody.appendingPathComponent("spec.json").path])
        let bad = try WeftExecutable.run(["validate", without.appendingPathComponent("spec.json").path])

        #expect(good.status == 0, "stderr:\n\(good.standardErrorText)")
        #expect(good.standardOutputText.contains("project-as-code v1 for project \"my project\": valid"))
        #expect(bad.status == 1)
        let file = without.appendingPathComponent("spec.json").path
        #expect(
            Self.lines(bad.standardErrorText) == [
                "\(file):13:21: error: workflows.workflow-one.jobs.job-a.body.path: cannot read the body file \"somefile.js\": no such file",
                "\(file): 1 error",
            ])
    }

    @Test func theStateFileIsRecognised() throws {
        let file = try Fixtures.url("openfn/kit-deploy-fullExampleState.json")

        let result = try WeftExecutable.run(["validate", file.path])

        #expect(result.status == 0, "stderr:\n\(result.standardErrorText)")
        #expect(
            result.standardOutputText.hasPrefix(
                "\(file.path): OpenFn CLI state file for project \"my project\": valid\n"))
    }

    @Test func formatJSONReadsTheFileAsProvisioningJSON() throws {
        let file = try Fixtures.url(Self.canonical)

        let result = try WeftExecutable.run(["validate", "--format", "json", file.path])

        #expect(result.status == 1)
        #expect(
            result.standardErrorText.hasPrefix("\(file.path):1:1: error: not valid JSON: unexpected 'n'\n"))
    }

    @Test func aMissingFileFailsClearly() throws {
        let missing = FileManager.default.temporaryDirectory.appendingPathComponent(
            "weft-no-such-\(UUID().uuidString).yaml")

        let result = try WeftExecutable.run(["validate", missing.path])

        #expect(result.status == 1)
        #expect(result.standardErrorText == "weft: cannot read \(missing.path): no such file\n")
    }

    @Test func aMissingArgumentIsAUsageError() throws {
        let result = try WeftExecutable.run(["validate"])

        #expect(result.status == 64)
        #expect(result.standardErrorText.contains("Missing expected argument '<file>'"))
    }

    @Test func helpExplainsTheFormatsWithAnExample() throws {
        let result = try WeftExecutable.run(["validate", "--help"])

        #expect(result.status == 0)
        let help = result.standardOutputText
        for needle in [
            "project-as-code v1", "provisioning JSON", "--format <yaml|json>", "warning:", "Examples:",
            "weft validate project.yaml", "Exit status:",
        ] {
            #expect(help.contains(needle), "help lacks \(needle)")
        }
        // The help fits the 80 columns the test runs it in.
        #expect(help.split(separator: "\n").allSatisfy { $0.count <= 80 })
    }
}
