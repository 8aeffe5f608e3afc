import Foundation

#if canImport(Glibc)
    import Glibc
#endif

extension Date {
    /// This instant as the store writes it: the text GRDB itself writes for a `Date`
    /// (`yyyy-MM-dd HH:mm:ss.SSS` in UTC, to the nearest millisecond) and reads back as one, so rows
    /// written either way read alike. (Proleptic Gregorian: before 1582 it differs from ICU's Julian
    /// dates, which no timestamp of the store can be.)
    ///
    /// Formatted here with `gmtime_r` rather than by GRDB, whose `DateFormatter` loads ICU's locale and
    /// calendar data on first use: 5–6 MB of a relay's memory for a timestamp (docs/benchmarks.md, "Idle
    /// RSS"). Every timestamp the store writes is bound as this text.
    var storeText: String {
        let interval = timeIntervalSince1970
        var seconds = time_t(interval.rounded(.down))
        // Rounded to the nearest millisecond, as GRDB's formatter does.
        var milliseconds = Int(((interval - Double(seconds)) * 1000).rounded())
        if milliseconds >= 1000 {
            seconds += 1
            milliseconds -= 1000
        }
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func padded(_ value: Int, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(padded(Int(parts.tm_year) + 1900, 4))-\(padded(Int(parts.tm_mon) + 1, 2))-"
            + "\(padded(Int(parts.tm_mday), 2)) \(padded(Int(parts.tm_hour), 2)):\(padded(Int(parts.tm_min), 2)):"
            + "\(padded(Int(parts.tm_sec), 2)).\(padded(milliseconds, 3))"
    }
}
