import Foundation
import GradientBoosting
import Testing

@Suite struct CSVReaderTests {
    func parse(_ text: String, columns: [String]? = nil, keepLines: Bool = false) throws -> CSVReader.Result {
        try CSVReader.parse(Data(text.utf8), columns: columns, keepLines: keepLines, source: "rows.csv")
    }

    func same(_ a: [Float], _ b: [Float]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { $0.isNaN && $1.isNaN || $0 == $1 }
    }

    @Test func numbersMissingValuesAndLineEndings() throws {
        let read = try parse("\u{FEFF}a, b ,c\r\n1, 2.5 ,-3e2\n,nan,NA\r\n 0.1 ,NaN,null\n\n  \n")
        #expect(read.table.columnNames == ["a", "b", "c"])
        #expect(read.header == "a, b ,c")
        #expect(same(read.table.values, [1, 2.5, -300, .nan, .nan, .nan, Float(0.1), .nan, .nan]))
    }

    @Test func quotedFieldsHoldCommasAndDoubledQuotes() throws {
        let read = try parse("id,\"x, y\",label\n\"row \"\"one\"\", with a comma\",\"4.25\",1\nplain,5,0\n",
                             columns: ["x, y", "label"], keepLines: true)
        #expect(read.table.values == [4.25, 1, 5, 0])
        #expect(read.lines == ["\"row \"\"one\"\", with a comma\",\"4.25\",1", "plain,5,0"])
    }

    @Test func wantedColumnsInTheirOrderOthersMayHoldAnything() throws {
        let read = try parse("name,f1,f0\nalice,2,1\nbob,4,3\n", columns: ["f0", "f1"])
        #expect(read.table.columnNames == ["f0", "f1"])
        #expect(read.table.values == [1, 2, 3, 4])
    }

    @Test func doublesAreRoundedToFloatAsNumpyLoadsThem() throws {
        let read = try parse("v\n0.1000000000000000055511151231257827\n16777217\n")
        #expect(read.table.values == [Float(0.1), 16_777_216])
    }

    @Test func badInputIsRefusedWithWhereAndWhy() throws {
        #expect(throws: DataError.self) { try parse("") }
        do {
            _ = try parse("a,b\n1,2\n3,x7\n")
            Issue.record("a cell that is not a number was accepted")
        } catch {
            #expect("\(error)" == "rows.csv line 3, column b: \"x7\" is not a number")
        }
        do {
            _ = try parse("a,b\n1,2,3\n")
            Issue.record("a row with too many fields was accepted")
        } catch {
            #expect("\(error)" == "rows.csv line 2: 3 fields, the header has 2")
        }
        do {
            _ = try parse("a,b\n1,2\n", columns: ["c"])
            Issue.record("a missing column was accepted")
        } catch {
            #expect("\(error)" == "rows.csv: no column named c (columns: a, b)")
        }
        #expect(throws: DataError.self) { try parse("a\n1.5abc\n") }
        #expect(throws: DataError.self) { try parse("a\n\"1\u{0}2\"\n") }
    }
}
