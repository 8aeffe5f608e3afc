import YCRDT

/// A step of a workflow: an adaptor and a JavaScript body.
public struct Job: Codable, Hashable, Sendable, Identifiable {
    public var id: String
    public var name: String
    /// The JavaScript the job runs (a text CRDT in the document).
    public var body: String
    /// The adaptor package, for example `@openfn/language-http@latest`.
    public var adaptor: String
    public var projectCredentialID: String?
    public var keychainCredentialID: String?
    /// Keys of the job's map this version of Weft does not know, kept as they came.
    public var extra: [String: YAny]

    public init(
        id: String, name: String, body: String = "", adaptor: String = Job.defaultAdaptor,
        projectCredentialID: String? = nil, keychainCredentialID: String? = nil, extra: [String: YAny] = [:]
    ) {
        self.id = id
        self.name = name
        self.body = body
        self.adaptor = adaptor
        self.projectCredentialID = projectCredentialID
        self.keychainCredentialID = keychainCredentialID
        self.extra = extra
    }

    /// The adaptor a new job gets.
    public static let defaultAdaptor = "@openfn/language-common@latest"

    enum CodingKeys: String, CodingKey {
        case id, name, body, adaptor, extra
        case projectCredentialID = "project_credential_id"
        case keychainCredentialID = "keychain_credential_id"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        name = try container.decodeIfPresent(String.self, forKey: .name) ?? ""
        body = try container.decodeIfPresent(String.self, forKey: .body) ?? ""
        adaptor = try container.decodeIfPresent(String.self, forKey: .adaptor) ?? Job.defaultAdaptor
        projectCredentialID = try container.decodeIfPresent(String.self, forKey: .projectCredentialID)
        keychainCredentialID = try container.decodeIfPresent(String.self, forKey: .keychainCredentialID)
        extra = try container.decodeIfPresent([String: YAny].self, forKey: .extra) ?? [:]
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(name, forKey: .name)
        try container.encode(body, forKey: .body)
        try container.encode(adaptor, forKey: .adaptor)
        try container.encode(projectCredentialID, forKey: .projectCredentialID)
        try container.encode(keychainCredentialID, forKey: .keychainCredentialID)
        if !extra.isEmpty { try container.encode(extra, forKey: .extra) }
    }
}
