import ArgumentParser
import WeftClient
import WeftProtocol
import YCRDT

struct List: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ls", abstract: "List projects and workflows, with who is editing what.",
        discussion: """
            Asks the running relay. Each workflow shows its id, name, saved version and the people \
            who have it open.

            Example:
              weft ls
              weft ls --json
            """)

    @Flag(name: .long, help: "Print JSON instead of a table.")
    var json = false

    @OptionGroup var location: RelayLocationOptions

    func run() async throws {
        let connection = try connectOrExplain(location.socketPath)
        try connection.send(.control(.list))
        let projects = try connection.receive(until: { message -> YAny? in
            if case .control(.listReply(let projects)) = message { return projects }
            return nil
        })
        if json {
            print(JSON.stringify(projects))
            return
        }
        let entries = projects.arrayValue ?? []
        if entries.isEmpty {
            print("no projects yet — deploy one with `weft deploy project.yaml`")
            return
        }
        for project in entries {
            let object = project.objectValue ?? YObject()
            let parent = object["sandbox_of"]?.stringValue.map { "  sandbox of \($0)" } ?? ""
            print("\(object["name"]?.stringValue ?? "?")  (\(object["id"]?.stringValue ?? "?"))\(parent)")
            for workflow in object["workflows"]?.arrayValue ?? [] {
                let entry = workflow.objectValue ?? YObject()
                let editors = (entry["editors"]?.arrayValue ?? []).compactMap(\.stringValue)
                print(
                    "  \(entry["name"]?.stringValue ?? "?")  v\(entry["lock_version"]?.integerValue ?? 0)  \(entry["id"]?.stringValue ?? "?")\(editors.isEmpty ? "" : "  editing: " + editors.joined(separator: ", "))"
                )
            }
        }
    }
}
