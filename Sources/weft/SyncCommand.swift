import ArgumentParser
import Foundation
import WeftProtocol
import WeftRelay
import YCRDT

struct Sync: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Deploy the project file committed at HEAD of a local git repository.",
        discussion: """
            Reads the project file (project.yaml by default) as committed at HEAD — never the working \
            tree — and deploys it as the system actor "repository connection": each workflow it changes \
            gets a version with source `sync`, and editors open on it see the change arrive live. The \
            repository is never written: which names map to which ids is kept in the database, per \
            repository and project, so the next sync updates the same workflows.

            With --watch, keeps running and syncs each new commit (polling HEAD), printing a line per \
            commit synced. Works through the running relay, or directly on the database when none runs.

            Example:
              weft sync --repo ~/src/acme-workflows
              weft sync --repo . --file openfn/project.yaml --project acme
              weft sync --repo . --watch
            """)

    @Option(name: .long, help: "The git repository (any folder inside it).") var repo: String
    @Option(name: .long, help: "Deploy under this project name instead of the one in the file.") var project:
        String?
    @Option(name: .long, help: "The project file's path from the repository's top.") var file = "project.yaml"
    @Flag(name: .long, help: "Keep running and sync each new commit.") var watch = false
    @Option(name: .long, help: "With --watch, how often to look for a new commit, in seconds.") var interval =
        2.0
    @OptionGroup var location: SandboxLocationOptions

    func validate() throws {
        guard interval > 0 else { throw ValidationError("--interval must be more than 0 seconds") }
    }

    func run() async throws {
        let repository: GitRepository
        do { repository = try GitRepository(at: repo) } catch {
            FileHandleOutput.standardError("weft sync: \(error)\n")
            throw ExitCode(1)
        }
        var last: String?
        do {
            last = try await syncHead(of: repository, quiet: false)
        } catch let failure as GitRepository.Failure {
            FileHandleOutput.standardError("weft sync: \(failure)\n")
            if !watch { throw ExitCode(1) }
        } catch let exit as ExitCode {
            if !watch { throw exit }  // refused and reported; a watch goes on to the next commit
            last = try? repository.head()
        }
        guard watch else { return }
        FileHandleOutput.standardOutput("watching \(repository.root) for new commits (Ctrl-C stops)\n")
        while true {
            try await Task.sleep(for: .seconds(interval))
            let head: String
            do { head = try repository.head() } catch { continue }
            guard head != last else { continue }
            do {
                last = try await syncHead(of: repository, quiet: true)
            } catch let failure as GitRepository.Failure {
                FileHandleOutput.standardError("weft sync: \(failure)\n")
                last = head  // told once; the next commit is tried again
            } catch is ExitCode {
                last = head  // refused and reported; keep watching
            }
        }
    }

    /// Syncs the commit at HEAD and prints what it did; returns the commit.
    private func syncHead(of repository: GitRepository, quiet: Bool) async throws -> String {
        let commit = try repository.head()
        let yaml = try repository.show(file, at: commit)
        let answer = try await location.request("sync").perform(
            .sync(repository: repository.root, commit: commit, file: file, yaml: yaml, project: project),
            quiet: quiet,
            isAnswer: {
                switch $0 {
                case .synced, .syncFailed: true
                default: false
                }
            },
            direct: { core, _ in
                await core.sync(
                    repository: repository.root, commit: commit, file: file, yaml: yaml, project: project)
            })
        let short = String(commit.prefix(12))
        switch answer {
        case .synced(let sync):
            let object = sync.objectValue ?? YObject()
            let name = object["project"]?.objectValue?["name"]?.stringValue ?? "project"
            let workflows = (object["workflows"]?.arrayValue ?? []).compactMap(\.objectValue)
            let subject = repository.subject(of: commit)
            FileHandleOutput.standardOutput(
                "synced commit \(short) (\(subject)) into \(name): "
                    + (workflows.isEmpty ? "nothing changed\n" : "\(workflows.count) workflow(s) changed\n"))
            for workflow in workflows {
                let state =
                    workflow["deleted"]?.boolValue == true
                    ? "deleted" : "→ v\(workflow["lock_version"]?.integerValue ?? 0)"
                FileHandleOutput.standardOutput("  \(workflow["name"]?.stringValue ?? "?")  \(state)\n")
            }
        case .syncFailed(let reason, let message, let errors):
            FileHandleOutput.standardError("weft sync: commit \(short) refused (\(reason)): \(message)\n")
            for problem in errors?.arrayValue ?? [] {
                FileHandleOutput.standardError("  \(problem.stringValue ?? JSON.stringify(problem))\n")
            }
            throw ExitCode(1)
        case .error(let code, let message):
            FileHandleOutput.standardError("weft sync: \(code): \(message)\n")
            throw ExitCode(1)
        default:
            FileHandleOutput.standardError("weft sync: unexpected answer \(answer.type)\n")
            throw ExitCode(1)
        }
        return commit
    }
}
