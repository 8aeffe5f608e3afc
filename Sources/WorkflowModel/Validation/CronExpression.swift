/// A five-field cron schedule, parsed: the minutes, hours, days of the month, months and days of the week
/// it fires on.
///
/// The grammar is Vixie cron's, which is what OpenFn accepts: five fields separated by blanks
/// (`minute hour day-of-month month day-of-week`); each field a comma-separated list of `*`, `*/n`, `a`,
/// `a-b` or `a-b/n`; months may be written `JAN`–`DEC` and days of the week `SUN`–`SAT` (any case), and
/// day of week 7 is Sunday as 0 is. The nicknames `@yearly`, `@annually`, `@monthly`, `@weekly`, `@daily`,
/// `@midnight` and `@hourly` stand for their five-field forms. Refused, with a message naming the field:
/// a sixth field (seconds or years), a step after a single number (`5/15`, write `5-59/15`), a range that
/// runs backwards (`FRI-MON`), a step of 0 or wider than the field, and values out of range.
public struct CronExpression: Hashable, Sendable {
    /// One of the five fields, in the order they are written.
    public enum Field: Int, CaseIterable, Hashable, Sendable {
        case minute, hour, dayOfMonth, month, dayOfWeek

        /// The field's name as a person reads it in a message.
        public var name: String {
            switch self {
            case .minute: "minute"
            case .hour: "hour"
            case .dayOfMonth: "day-of-month"
            case .month: "month"
            case .dayOfWeek: "day-of-week"
            }
        }

        /// The values the field may hold (day of week 7 is Sunday, stored as 0).
        public var bounds: ClosedRange<Int> {
            switch self {
            case .minute: 0...59
            case .hour: 0...23
            case .dayOfMonth: 1...31
            case .month: 1...12
            case .dayOfWeek: 0...7
            }
        }

        /// The names a value of the field may be written as, in value order from `namesStart`.
        var names: [String] {
            switch self {
            case .month: ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
            case .dayOfWeek: ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]
            default: []
            }
        }

        var namesStart: Int { self == .month ? 1 : 0 }
    }

    /// Why an expression is not a valid schedule: the field at fault (nil when the expression as a whole
    /// is wrong, such as the wrong number of fields) and a message saying what is wrong.
    public struct ParseError: Error, Hashable, Sendable, CustomStringConvertible {
        public var field: Field?
        public var message: String
        public var description: String { message }
    }

    /// The text this schedule was parsed from, trimmed.
    public var source: String
    public var minutes: Set<Int>
    public var hours: Set<Int>
    public var daysOfMonth: Set<Int>
    public var months: Set<Int>
    /// 0 is Sunday; a 7 in the expression is stored as 0.
    public var daysOfWeek: Set<Int>
    /// Whether the day-of-month field is `*` (cron matches a day when either day field matches, unless
    /// one of them is `*`).
    public var isEveryDayOfMonth: Bool
    public var isEveryDayOfWeek: Bool

    static let nicknames: [String: String] = [
        "@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *", "@monthly": "0 0 1 * *",
        "@weekly": "0 0 * * 0", "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@hourly": "0 * * * *",
    ]

    /// Parses `text`.
    ///
    /// - Throws: `ParseError` naming the field that is wrong and how.
    public init(parsing text: String) throws(ParseError) {
        let trimmed = text.strippingWhitespace
        guard !trimmed.isEmpty else {
            throw ParseError(field: nil, message: "the cron expression is empty; it needs five fields")
        }
        var expanded = trimmed
        if trimmed.hasPrefix("@") {
            guard let fields = Self.nicknames[trimmed.lowercased()] else {
                throw ParseError(
                    field: nil,
                    message: "\"\(trimmed)\" is not a cron nickname (known: "
                        + Self.nicknames.keys.sorted().joined(separator: ", ") + ")")
            }
            expanded = fields
        }
        let parts = expanded.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard parts.count == 5 else {
            let extra =
                parts.count == 6
                ? " (a sixth field for seconds or years is not supported)"
                : parts.count < 5 ? " (minute hour day-of-month month day-of-week)" : ""
            throw ParseError(
                field: nil, message: "the cron expression has \(parts.count) fields, it needs 5\(extra)")
        }
        var sets: [Set<Int>] = []
        for field in Field.allCases {
            sets.append(try Self.parseField(parts[field.rawValue], as: field))
        }
        source = trimmed
        minutes = sets[0]
        hours = sets[1]
        daysOfMonth = sets[2]
        months = sets[3]
        daysOfWeek = Set(sets[4].map { $0 == 7 ? 0 : $0 })
        isEveryDayOfMonth = parts[2] == "*"
        isEveryDayOfWeek = parts[4] == "*"
    }

    /// The message a validator shows for `text`, or nil when it is a valid schedule.
    public static func problem(in text: String) -> String? {
        do {
            _ = try CronExpression(parsing: text)
            return nil
        } catch {
            return error.message
        }
    }

    // MARK: Parsing one field

    private static func parseField(_ text: String, as field: Field) throws(ParseError) -> Set<Int> {
        var values = Set<Int>()
        let items = text.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        for item in items {
            guard !item.isEmpty else {
                throw ParseError(
                    field: field, message: "the \(field.name) field \"\(text)\" has an empty list item")
            }
            values.formUnion(try parseItem(item, of: text, as: field))
        }
        return values
    }

    /// One list item: `*`, `*/n`, `a`, `a-b` or `a-b/n`.
    private static func parseItem(
        _ item: String, of fieldText: String, as field: Field
    ) throws(ParseError)
        -> Set<Int>
    {
        func fail(_ message: String) -> ParseError {
            ParseError(field: field, message: "the \(field.name) field \"\(fieldText)\": \(message)")
        }
        let stepParts = item.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard stepParts.count <= 2 else { throw fail("\"\(item)\" has more than one step (/)") }
        let rangeText = stepParts[0]
        var step = 1
        if stepParts.count == 2 {
            guard let value = Int(stepParts[1]), stepParts[1].allSatisfy(\.isASCIIDigit) else {
                throw fail("the step \"\(stepParts[1])\" is not a number")
            }
            let span = field.bounds.upperBound - field.bounds.lowerBound + 1
            guard value >= 1, value <= span else {
                throw fail("the step \(value) is not between 1 and \(span)")
            }
            step = value
        }
        let range: ClosedRange<Int>
        if rangeText == "*" {
            range = field == .dayOfWeek ? 0...6 : field.bounds
        } else {
            let ends = rangeText.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
            switch ends.count {
            case 1:
                let value = try value(ends[0], in: fieldText, as: field)
                guard stepParts.count == 1 else {
                    throw fail(
                        "a step needs a range or *: write \(rangeText)-\(field.bounds.upperBound)/\(step) "
                            + "or */\(step)")
                }
                range = value...value
            case 2:
                let low = try value(ends[0], in: fieldText, as: field)
                let high = try value(ends[1], in: fieldText, as: field)
                guard low <= high else {
                    throw fail("the range \(rangeText) runs backwards (\(low) is after \(high))")
                }
                range = low...high
            default:
                throw fail("\"\(rangeText)\" is not a value or a range a-b")
            }
        }
        return Set(stride(from: range.lowerBound, through: range.upperBound, by: step))
    }

    private static func value(_ text: String, in fieldText: String, as field: Field) throws(ParseError) -> Int
    {
        let bounds = field.bounds
        if !text.isEmpty, text.allSatisfy(\.isASCIIDigit) {
            guard let number = Int(text), bounds.contains(number) else {
                throw ParseError(
                    field: field,
                    message: "the \(field.name) field \"\(fieldText)\": \(text) is out of range "
                        + "\(bounds.lowerBound)-\(bounds.upperBound)")
            }
            return number
        }
        if let index = field.names.firstIndex(of: text.uppercased()) {
            return index + field.namesStart
        }
        var hint = "a number \(bounds.lowerBound)-\(bounds.upperBound)"
        if let first = field.names.first, let last = field.names.last {
            hint += " or a name \(first)-\(last)"
        }
        throw ParseError(
            field: field,
            message: "the \(field.name) field \"\(fieldText)\": \"\(text)\" is not \(hint)")
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
