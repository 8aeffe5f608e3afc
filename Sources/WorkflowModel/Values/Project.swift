/// A project: a named set of workflows and the credentials their jobs refer to.
public struct Project: Codable, Hashable, Sendable, Identifiable {
    public var id: String
    public var name: String
    public var description: String?
    public var workflows: [Workflow]
    public var credentials: [ProjectCredential]

    public init(
        id: String, name: String, description: String? = nil, workflows: [Workflow] = [],
        credentials: [ProjectCredential] = []
    ) {
        self.id = id
        self.name = name
        self.description = description
        self.workflows = workflows
        self.credentials = credentials
    }

    public func workflow(_ id: String) -> Workflow? { workflows.first { $0.id == id } }
}

/// A credential a project's jobs may use, by reference (Weft never holds the secret).
public struct ProjectCredential: Codable, Hashable, Sendable, Identifiable {
    public var id: String
    public var name: String
    /// The owner's e-mail, as OpenFn names a credential (`owner|name`).
    public var owner: String?

    public init(id: String, name: String, owner: String? = nil) {
        self.id = id
        self.name = name
        self.owner = owner
    }
}
