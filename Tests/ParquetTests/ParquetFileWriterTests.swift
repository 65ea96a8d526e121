import Foundation
import Parquet
import Testing

struct ParquetFileWriterTests {
    let schema = ParquetSchema([
        ParquetColumn("id", .string),
        ParquetColumn("amount", .decimal(precision: 18, scale: 2)),
        ParquetColumn("currency", .string, dictionary: true),
        ParquetColumn("created", .timestampMicros),
        ParquetColumn("note", .string, optional: true),
    ])

    func path() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("pq-\(UUID().uuidString)/t.parquet").path
    }

    @Test func aFileAppearsOnlyWhenClosedAndIsFramedByMagic() throws {
        let path = path()
        let writer = try ParquetFileWriter(path: path, schema: schema)
        try writer.write(rowGroup: [
            .init(.string(["ch_1", "ch_2", "ch_3"])), .init(.int64([1000, 250, 99])),
            .init(.string(["usd", "eur", "usd"])), .init(.int64([1, 2, 3])),
            .init(.string(["x"]), present: [false, true, false]),
        ])
        #expect(!FileManager.default.fileExists(atPath: path))
        try writer.close()
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(Array(bytes.prefix(4)) == Array("PAR1".utf8))
        #expect(Array(bytes.suffix(4)) == Array("PAR1".utf8))
        let footerLength = bytes[bytes.count - 8..<bytes.count - 4].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        #expect(footerLength > 0 && footerLength < bytes.count - 12)
        #expect(!FileManager.default.fileExists(atPath: path + ".tmp"))
    }

    @Test func mismatchedColumnsAreRefusedAndADiscardedFileLeavesNothing() throws {
        let path = path()
        let writer = try ParquetFileWriter(path: path, schema: schema)
        #expect(throws: ParquetFileWriter.WriteError.self) {
            try writer.write(rowGroup: [.init(.string(["a"]))])
        }
        #expect(throws: ParquetFileWriter.WriteError.self) {
            try writer.write(rowGroup: [
                .init(.string(["a"])), .init(.int64([1])), .init(.string(["usd"])), .init(.int64([1])),
                .init(.string(["x", "y"]), present: [true, false]),
            ])
        }
        writer.discard()
        #expect(!FileManager.default.fileExists(atPath: path))
        #expect(!FileManager.default.fileExists(atPath: path + ".tmp"))
    }
}
