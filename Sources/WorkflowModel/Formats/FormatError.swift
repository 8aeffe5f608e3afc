/// Everything wrong with one project file, each problem with its place: the file, the path inside it
/// and, when the reader knows it, the line and column.
///
/// Readers collect every problem they find before they throw, so one run of `weft validate` lists them
/// all rather than the first.
public struct FormatError: Error, Hashable, Sendable, CustomStringConvertible {
    public var problems: [FormatProblem]

    public init(problems: [FormatProblem]) {
        self.problems = problems
    }

    /// One line per problem, in the order they were found.
    public var description: String {
        problems.map(\.description).joined(separator: "\n")
    }
}

/// One thing wrong in a project file.
///
/// Its description reads `project.yaml:14:9: workflows.ingest.jobs.fetch.adaptor: must be a string,
/// not a mapping` — the file, the line and column when known, the path of the value inside the file, and
/// what is wrong with it.
public struct FormatProblem: Hashable, Sendable, CustomStringConvertible {
    public enum Kind: String, Hashable, Sendable, CaseIterable {
        /// The text is not YAML or JSON at all (or not UTF-8).
        case syntax
        /// A key the format does not have; refused, so that a typo never passes silently.
        case unknownKey = "unknown key"
        /// A key the format requires is not there.
        case missingKey = "missing key"
        /// The same key twice in one mapping, or one id used by two entities.
        case duplicate
        /// A value of the wrong type: a mapping where a string belongs, a string where a number does.
        case wrongType = "wrong type"
        /// A value of the right type that the format does not allow.
        case invalidValue = "invalid value"
        /// A name or id that refers to something the file does not have.
        case brokenReference = "broken reference"
        /// A job body's `path` that could not be read.
        case unreadableFile = "unreadable file"
    }

    /// The file as the caller named it.
    public var file: String
    /// Where inside the file: `workflows.ingest.jobs.fetch.adaptor`, `workflows[0].edges[2].target_job_id`;
    /// empty for the file as a whole.
    public var path: String
    /// 1-based line and column, when the reader knows them.
    public var line: Int?
    public var column: Int?
    public var kind: Kind
    /// What is wrong, for a person.
    public var message: String

    public init(file: String, path: String, line: Int? = nil, column: Int? = nil, kind: Kind, message: String)
    {
        self.file = file
        self.path = path
        self.line = line
        self.column = column
        self.kind = kind
        self.message = message
    }

    /// `file:line:column: path: message`, leaving out what is not known.
    public var description: String {
        var text = location
        if !path.isEmpty { text += ": " + path }
        return text + ": " + message
    }

    /// `file:line:column`, or less when the line is not known.
    public var location: String {
        var text = file
        if let line {
            text += ":\(line)"
            if let column { text += ":\(column)" }
        }
        return text
    }
}

/// A place inside a project file, as a list of mapping keys and sequence indices.
///
/// Written with dots between keys (`workflows.ingest.jobs.fetch`) and brackets for indices
/// (`workflows[0].jobs[1]`); a key that holds a dot, a bracket, a quote, a space or nothing at all is
/// written in double quotes, so `credentials."me@example.com-api".owner` still reads back unambiguously.
public struct FormatPath: Hashable, Sendable, CustomStringConvertible {
    public enum Component: Hashable, Sendable {
        case key(String)
        case index(Int)
    }

    public var components: [Component]

    public init(_ components: [Component] = []) {
        self.components = components
    }

    public static let root = FormatPath()

    public func appending(_ key: String) -> FormatPath {
        FormatPath(components + [.key(key)])
    }

    public func appending(index: Int) -> FormatPath {
        FormatPath(components + [.index(index)])
    }

    public static func / (path: FormatPath, key: String) -> FormatPath { path.appending(key) }

    public var description: String {
        var text = ""
        for component in components {
            switch component {
            case .index(let index):
                text += "[\(index)]"
            case .key(let key):
                if !text.isEmpty { text += "." }
                text +=
                    Self.needsQuotes(key)
                    ? "\"" + key.replacingOccurrences(of: "\"", with: "\\\"") + "\"" : key
            }
        }
        return text
    }

    private static func needsQuotes(_ key: String) -> Bool {
        key.isEmpty
            || key.unicodeScalars.contains {
                ".[]\"".unicodeScalars.contains($0) || $0.properties.isWhitespace
            }
    }
}
