import ArgumentParser
import Foundation
import RemitCommandSupport
import RemitAPI
import RemitCore

struct BenchForm: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "form",
        abstract: "Time the form parser on 1 MiB bodies shaped to be its worst cases (refused or parsed).")

    @Option(help: "Parses per body.")
    var repetitions = 20

    @Option(name: .customLong("write-bodies"), help: "Also write each body to this directory (for scripts/bench-hostile).")
    var writeBodies: String?

    func run() throws {
        if let directory = writeBodies {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            for (index, body) in FormWorstCases.all.enumerated() {
                let path = (directory as NSString).appendingPathComponent(String(format: "%02d.body", index))
                try Data(body.bytes).write(to: URL(fileURLWithPath: path))
                try Data(body.name.utf8).write(to: URL(fileURLWithPath: path + ".name"))
            }
        }
        print("body (\(APILimits.bodyBytesMax) bytes at most)".padding(toLength: 70, withPad: " ", startingAt: 0)
              + "  outcome                              median ms   max ms")
        for body in FormWorstCases.all {
            var times: [Double] = []
            var outcome = ""
            for _ in 0..<repetitions {
                let started = ContinuousClock.now
                do {
                    let form = try Form.parse(bytes: body.bytes)
                    outcome = "parsed, \(form.entries.count) top-level keys"
                } catch {
                    outcome = "400 param \(String((error.param ?? "-").prefix(20)))"
                }
                let elapsed = ContinuousClock.now - started
                times.append(Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1e3)
            }
            times.sort()
            print(body.name.padding(toLength: 70, withPad: " ", startingAt: 0) + "  "
                  + outcome.padding(toLength: 36, withPad: " ", startingAt: 0)
                  + String(format: " %9.2f %8.2f", times[times.count / 2], times.last ?? 0))
        }
    }
}
