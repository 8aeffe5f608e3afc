/// Which of OpenFn's files a text is, told from its name and its content.
public enum ProjectFileKind: String, Hashable, Sendable, CaseIterable {
    /// Project-as-code v1, keyed by name: `project.yaml`, or the same shape in JSON.
    case projectSpec
    /// Lightning's provisioning JSON: arrays of entities with UUIDs.
    case provisioning
    /// The OpenFn CLI's state file: the spec's keys mapped to UUIDs.
    case state

    /// What a person calls it.
    public var title: String {
        switch self {
        case .projectSpec: "project-as-code v1"
        case .provisioning: "provisioning JSON"
        case .state: "OpenFn CLI state file"
        }
    }

    /// The kind of `text`: a JSON object whose `workflows` is a list is a provisioning document; one
    /// whose `workflows` are keyed and carry `id`s beside the project's own `id` is a state file;
    /// anything else (YAML included) is a project spec. A `.json` file that is not valid JSON is taken
    /// as provisioning JSON, so its syntax error is reported as JSON's.
    public static func detect(fileName: String, text: String) -> ProjectFileKind {
        let lowered = fileName.lowercased()
        let isJSONName = lowered.hasSuffix(".json")
        let start = text.unicodeScalars.first { !$0.properties.isWhitespace && $0 != "\u{FEFF}" }
        guard start == "{" || isJSONName else { return .projectSpec }
        guard case .success(let root) = FormatNode.parseJSON(text, file: fileName),
            case .mapping(let members) = root.content
        else { return isJSONName ? .provisioning : .projectSpec }
        let workflows = members.first { $0.key == "workflows" }?.value
        switch workflows?.content {
        case .sequence?:
            return .provisioning
        case .mapping(let entries)?:
            let hasIDs = entries.contains { entry in
                if case .mapping(let fields) = entry.value.content {
                    return fields.contains { $0.key == "id" }
                }
                return false
            }
            // A spec has no project id; a state file always has one.
            return hasIDs && members.contains { $0.key == "id" } ? .state : .projectSpec
        default:
            return members.contains { $0.key == "project_credentials" } ? .provisioning : .projectSpec
        }
    }
}
