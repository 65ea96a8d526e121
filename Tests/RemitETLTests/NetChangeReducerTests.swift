import RemitCore
@testable import RemitETL
import RemitStore
import Testing

struct NetChangeReducerTests {
    var lsn: Int64 = 0

    mutating func change(_ operation: ChangeRecord.Operation, _ key: String, _ image: String, table: String = "customers")
        -> ChangeRecord {
        lsn += 1
        return ChangeRecord(position: FeedPosition(lsn: lsn, sequence: lsn), table: table, operation: operation,
                            rowKey: key, rowData: image, changedAt: "2026-11-25T00:00:0\(lsn % 10).000Z")
    }

    @Test mutating func insertThenUpdateIsOneUpsertOfTheFinalImage() {
        var reducer = NetChangeReducer()
        reducer.add(change(.insert, "cus_1", #"{"v":1}"#))
        reducer.add(change(.updateBefore, "cus_1", #"{"v":1}"#))
        reducer.add(change(.updateAfter, "cus_1", #"{"v":2}"#))
        let net = reducer.changes(of: "customers")
        #expect(net.map(\.kind) == [.upsert])
        #expect(net.first?.rowData == #"{"v":2}"#)
        #expect(net.first?.lsn == 3)
    }

    @Test mutating func insertThenDeleteNetsToNothing() {
        var reducer = NetChangeReducer()
        reducer.add(change(.insert, "cus_1", "{}"))
        reducer.add(change(.delete, "cus_1", "{}"))
        #expect(reducer.changes(of: "customers").isEmpty)
    }

    @Test mutating func aRowFromBeforeTheRangeIsDeletedWithItsLastImage() {
        var reducer = NetChangeReducer()
        reducer.add(change(.updateBefore, "cus_1", #"{"v":1}"#))
        reducer.add(change(.updateAfter, "cus_1", #"{"v":2}"#))
        reducer.add(change(.delete, "cus_1", #"{"v":2}"#))
        let net = reducer.changes(of: "customers")
        #expect(net.map(\.kind) == [.delete])
        #expect(net.first?.rowData == #"{"v":2}"#)
    }

    @Test mutating func deletedThenInsertedAgainIsAnUpsertAndTablesStaySeparate() {
        var reducer = NetChangeReducer()
        reducer.add(change(.delete, "cus_1", #"{"v":1}"#))
        reducer.add(change(.insert, "cus_1", #"{"v":3}"#))
        reducer.add(change(.insert, "ch_1", "{}", table: "charges"))
        reducer.add(change(.insert, "cus_0", "{}"))
        #expect(reducer.changes(of: "customers").map(\.key) == ["cus_1", "cus_0"], "in the order rows first changed")
        #expect(reducer.changes(of: "customers").first?.kind == .upsert)
        #expect(reducer.changes(of: "charges").map(\.key) == ["ch_1"])
    }
}

struct ChangeTimeTests {
    @Test func captureStampsAndOtherISOInstantsParseToMicroseconds() {
        #expect(Timestamp.unixMicroseconds(iso: "1970-01-01T00:00:00.000Z") == 0)
        // Python: datetime(2026, 11, 25, 20, 15, 40, 123000, tzinfo=UTC).timestamp() * 1e6
        #expect(Timestamp.unixMicroseconds(iso: "2026-11-25T20:15:40.123Z") == 1_795_637_740_123_000)
        #expect(Timestamp.unixMicroseconds(iso: "2026-11-25T20:15:40Z") == 1_795_637_740_000_000)
        #expect(Timestamp.unixMicroseconds(iso: "2026-11-25T20:15:40.1234567Z") == 1_795_637_740_123_456, "kept to the µs")
        #expect(Timestamp.unixMicroseconds(iso: "2026-11-25T21:15:40+01:00") == 1_795_637_740_000_000)
        #expect(Timestamp.unixMicroseconds(iso: "2026-11-25 15:15:40-0500") == 1_795_637_740_000_000)
        #expect(Timestamp.unixMicroseconds(iso: "2026-11-25T20:15:40") == 1_795_637_740_000_000, "no zone: UTC")
        #expect(Timestamp.unixMicroseconds(iso: "1969-12-31T23:59:59.5Z") == -500_000)
        for bad in ["", "2026-11-25", "2026-13-01T00:00:00Z", "2026-02-29T00:00:00Z", "2026-11-25T20:15:40.Z",
                    "2026-11-25T20:15:40Zjunk", "2026-11-25T24:00:00Z"] {
            #expect(Timestamp.unixMicroseconds(iso: bad) == nil, "\(bad) is refused")
        }
        #expect(Timestamp.days(fromISODate: "2024-02-29") == 19_782)
        #expect(Timestamp.days(fromISODate: "2023-02-29") == nil)
        #expect(Timestamp.isoDate(days: 19_782) == "2024-02-29")
    }
}

struct DateKeyTests {
    @Test func daysCarryTheirKeyAndISOWeekday() {
        // Python's date.isoweekday(): 1970-01-01 Thursday (4), 2026-11-25 Wednesday (3), 1969-12-31 Wednesday (3).
        let thursday = WarehouseTransform.day(ofMicroseconds: 0)
        #expect(thursday.key == 19_700_101 && thursday.weekday == 4)
        let wednesday = WarehouseTransform.day(ofMicroseconds: 20_782 * 86_400_000_000 + 1)
        #expect(wednesday.iso == "2026-11-25" && wednesday.weekday == 3)
        let before = WarehouseTransform.day(ofMicroseconds: -1)
        #expect(before.iso == "1969-12-31" && before.weekday == 3)
    }
}
