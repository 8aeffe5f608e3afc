import YCRDT

/// A workflow as a value: triggers start it, jobs run JavaScript bodies, edges decide what runs next.
///
/// Field names follow the document table of DESIGN.md (and Lightning's), in Swift case; `Codable`
/// uses the snake_case names of the document and of OpenFn's provisioning JSON. Ids are UUID
/// strings made by whoever creates the entity.
public struct Workflow: Codable, Hashable, Sendable, Identifiable {
    public var id: String
    public var name: String
    /// The version this value was saved as; bumped by every save. Not part of the unsaved compare.
    public var lockVersion: Int
    /// ISO 8601 time of deletion, or nil for a live workflow.
    public var deletedAt: String?
    /// How many runs may execute at once (nil = unlimited).
    public var concurrency: Int?
    public var enableJobLogs: Bool?
    public var jobs: [Job]
    public var triggers: [Trigger]
    public var edges: [Edge]
    /// Node id → canvas position. Empty means automatic layout.
    public var positions: [String: Position]
    /// Keys of the document's `workflow` map this version of Weft does not know, kept as they came.
    public var extra: [String: YAny]

    public init(
        id: String, name: String, lockVersion: Int = 0, deletedAt: String? = nil, concurrency: Int? = nil,
        enableJobLogs: Bool? = nil, jobs: [Job] = [], triggers: [Trigger] = [], edges: [Edge] = [],
        positions: [String: Position] = [:], extra: [String: YAny] = [:]
    ) {
        self.id = id
        self.name = name
        self.lockVersion = lockVersion
        self.deletedAt = deletedAt
        self.concurrency = concurrency
        self.enableJobLogs = enableJobLogs
        self.jobs = jobs
        self.triggers = triggers
        self.edges = edges
        self.positions = positions
        self.extra = extra
    }

    enum CodingKeys: String, CodingKey {
        case id, name, jobs, triggers, edges, positions, concurrency, extra
        case lockVersion = "lock_version"
        case deletedAt = "deleted_at"
        case enableJobLogs = "enable_job_logs"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        name = try container.decodeIfPresent(String.self, forKey: .name) ?? ""
        lockVersion = try container.decodeIfPresent(Int.self, forKey: .lockVersion) ?? 0
        deletedAt = try container.decodeIfPresent(String.self, forKey: .deletedAt)
        concurrency = try container.decodeIfPresent(Int.self, forKey: .concurrency)
        enableJobLogs = try container.decodeIfPresent(Bool.self, forKey: .enableJobLogs)
        jobs = try container.decodeIfPresent([Job].self, forKey: .jobs) ?? []
        triggers = try container.decodeIfPresent([Trigger].self, forKey: .triggers) ?? []
        edges = try container.decodeIfPresent([Edge].self, forKey: .edges) ?? []
        positions = try container.decodeIfPresent([String: Position].self, forKey: .positions) ?? [:]
        extra = try container.decodeIfPresent([String: YAny].self, forKey: .extra) ?? [:]
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(name, forKey: .name)
        try container.encode(lockVersion, forKey: .lockVersion)
        try container.encode(deletedAt, forKey: .deletedAt)
        try container.encode(concurrency, forKey: .concurrency)
        try container.encode(enableJobLogs, forKey: .enableJobLogs)
        try container.encode(jobs, forKey: .jobs)
        try container.encode(triggers, forKey: .triggers)
        try container.encode(edges, forKey: .edges)
        try container.encode(positions, forKey: .positions)
        if !extra.isEmpty { try container.encode(extra, forKey: .extra) }
    }

    /// The job with this id.
    public func job(_ id: String) -> Job? { jobs.first { $0.id == id } }
    public func trigger(_ id: String) -> Trigger? { triggers.first { $0.id == id } }
    public func edge(_ id: String) -> Edge? { edges.first { $0.id == id } }
}

/// A node's place on the canvas.
public struct Position: Codable, Hashable, Sendable {
    public var x: Double
    public var y: Double

    public init(x: Double, y: Double) {
        self.x = x
        self.y = y
    }
}
