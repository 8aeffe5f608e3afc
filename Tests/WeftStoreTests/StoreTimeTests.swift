import Foundation
import GRDB
import Testing

@testable import WeftStore

/// The store writes timestamps as text it formats itself (without GRDB's ICU-backed DateFormatter, to
/// keep a relay's memory down); that text must be exactly what GRDB writes and reads for a `Date`.
@Suite struct StoreTimeTests {
    static let instants: [Date] = [
        Date(timeIntervalSince1970: 0),
        Date(timeIntervalSince1970: 1_795_000_000.042),
        Date(timeIntervalSince1970: 1_795_000_000.9999),  // rounds into the next second, as GRDB does
        Date(timeIntervalSince1970: 1_795_000_000.0004),
        Date(timeIntervalSince1970: 951_782_400.5),  // 2000-02-29
        Date(timeIntervalSince1970: -86_400.25),  // before 1970
        Date(timeIntervalSince1970: -2_208_988_800.5),  // 1900-01-01, before the epoch
        Date(timeIntervalSince1970: 4_102_444_799.999),  // 2099-12-31 23:59:59.999
    ]

    @Test(arguments: instants)
    func theTextIsWhatGRDBWritesForTheSameDate(date: Date) throws {
        guard case .string(let grdb) = date.databaseValue.storage else {
            throw TestFailure("GRDB wrote no text for \(date)")
        }
        #expect(date.storeText == grdb)
    }

    @Test func aTimestampWrittenAsTextReadsBackAsTheSameDate() throws {
        let queue = try DatabaseQueue()
        let date = Date(timeIntervalSince1970: 1_795_000_123.456)
        let read = try queue.write { db -> Date? in
            try db.execute(sql: "CREATE TABLE t (at DATETIME NOT NULL)")
            try db.execute(sql: "INSERT INTO t (at) VALUES (?)", arguments: [date.storeText])
            return try Date.fetchOne(db, sql: "SELECT at FROM t")
        }
        let back = try #require(read)
        #expect(abs(back.timeIntervalSince1970 - date.timeIntervalSince1970) < 0.001)
    }
}

private struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
