import GradientBoosting
import RemitApp
import RemitETL
import RemitSQL
import RemitStore
import RemitTesting
import Testing

/// The store's reduction of a range (`ChangeFeed.scanNetChanges`, what the nightly run reads) against the reduction's
/// definition in memory (`NetChangeReducer` over every change of the range, in feed order), on random histories.
struct NetChangeScanTests {
    struct Net: Equatable, CustomStringConvertible {
        var table: String
        var key: String
        var deleted: Bool
        var image: String
        var lsn: Int64
        var changeID: Int64
        var description: String { "\(table)/\(key) deleted=\(deleted) lsn=\(lsn) #\(changeID) \(image)" }
    }

    @Test(arguments: TestEngine.available)
    func theStoreReducesARangeAsTheChangesWouldFoldInMemory(engine: TestEngine) async throws {
        let app = try await RemitTestApp.make(engine)
        try await app.test { _ in
            let database = app.runtime.store.database
            let feed = ChangeFeed(database: database)
            // Above every LSN the set-up wrote (PostgreSQL's are transaction ids).
            let base = try await feed.latestWritten() + 1_000_000
            var random = SeededGenerator(seed: 5)
            // Per (table, key): whether the row exists, so each history is one a table could have.
            var exists: [String: Bool] = [:]
            var statements: [SQL] = []
            var lsn = base
            for transaction in 0..<300 {
                lsn += Int64.random(in: 1...3, using: &random)
                for _ in 0..<Int.random(in: 1...3, using: &random) {
                    let table = Bool.random(using: &random) ? "customers" : "charges"
                    let key = "k\(Int.random(in: 0..<25, using: &random))"
                    let id = "\(table)/\(key)"
                    let image = #"{"id":"\#(key)","v":\#(transaction)}"#
                    func change(_ op: ChangeRecord.Operation) -> SQL {
                        """
                        INSERT INTO change_log (tx_lsn, table_name, op, row_key, row_data, changed_at)
                        VALUES (\(lsn), \(table), \(op.rawValue), \(key), \(image), '2026-11-05T00:00:00.000Z')
                        """
                    }
                    // A row may already exist before the range: its first change in the range is then not an insert.
                    let present = exists[id] ?? Bool.random(using: &random)
                    if !present {
                        statements.append(change(.insert))
                        exists[id] = true
                    } else if Int.random(in: 0..<4, using: &random) == 0 {
                        statements.append(change(.delete))
                        exists[id] = false
                    } else {
                        statements.append(change(.updateBefore))
                        statements.append(change(.updateAfter))
                        exists[id] = true
                    }
                }
            }
            let top = lsn
            try await database.write { [statements] connection in
                for statement in statements { try await connection.execute(statement) }
            }
            // Every change of the whole history, in feed order, and ranges cut at random places in it.
            var all: [ChangeRecord] = []
            var position = FeedPosition(lsn: base, sequence: Int64.max)
            while true {
                let page = try await feed.changes(after: position, through: top, limit: 500)
                all += page
                guard let last = page.last, page.count == 500 else { break }
                position = last.position
            }
            #expect(all.count == statements.count)
            var ranges: [(Int64, Int64)] = [(base, top), (base, base), (top - 1, top)]
            for _ in 0..<6 {
                let a = Int64.random(in: base...top, using: &random), b = Int64.random(in: base...top, using: &random)
                ranges.append((min(a, b), max(a, b)))
            }
            for (after, through) in ranges {
                var reducer = NetChangeReducer()
                for change in all where change.position.lsn > after && change.position.lsn <= through { reducer.add(change) }
                var expected: [Net] = []
                for table in ["charges", "customers"] {
                    expected += reducer.changes(of: table).map { change in
                        Net(table: table, key: change.key, deleted: change.kind == .delete, image: change.rowData,
                            lsn: change.lsn, changeID: change.changeID)
                    }
                }
                let scanned = try await feed.scanNetChanges(after: after, through: through, tables: ["charges", "customers"],
                                                            into: [(first: Int64, net: Net)]()) { found, row in
                    row.withImage { image in
                        found.append((row.firstChangeID, Net(table: row.table, key: row.key, deleted: row.deleted,
                                                             image: String(decoding: image, as: UTF8.self), lsn: row.lsn,
                                                             changeID: row.changeID)))
                    }
                }
                // In the order rows first changed, table by table (as the reducer lists them).
                let ordered = ["charges", "customers"].flatMap { table in
                    scanned.filter { $0.net.table == table }.sorted { $0.first < $1.first }.map(\.net)
                }
                #expect(ordered == expected, "range (\(after), \(through)]")
                if through > after + 2 { #expect(!expected.isEmpty) }
            }
            let others = try await feed.scanNetChanges(after: base, through: top, tables: ["refunds"], into: 0) { count, _ in
                count += 1
            }
            #expect(others == 0, "only the tables asked for")
        }
    }
}
