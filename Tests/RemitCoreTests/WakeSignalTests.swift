import RemitCore
import Testing

struct WakeSignalTests {
    @Test func aSignalBeforeTheWaitIsKeptAndCoalesced() async {
        let signal = WakeSignal()
        signal.signal()
        signal.signal()
        let start = ContinuousClock.now
        await signal.wait(upTo: .seconds(120))
        // Far under the timeout, not "at once": a loaded machine (the whole suite on two cores) took 13 s to resume.
        #expect(ContinuousClock.now - start < .seconds(60))
    }

    @Test func aTimedOutWaitLeavesNoSignalBehind() async {
        let signal = WakeSignal()
        await signal.wait(upTo: .milliseconds(10))
        // A stale signal from the timeout would make this wait return at once, and a loop around it spin.
        let start = ContinuousClock.now
        await signal.wait(upTo: .milliseconds(200))
        #expect(ContinuousClock.now - start >= .milliseconds(200))
    }

    @Test func aSignalledWaitLeavesNoSignalBehind() async {
        let signal = WakeSignal()
        let waiting = Task { await signal.wait(upTo: .seconds(30)) }
        try? await Task.sleep(for: .milliseconds(20))
        signal.signal()
        await waiting.value
        let start = ContinuousClock.now
        await signal.wait(upTo: .milliseconds(200))
        #expect(ContinuousClock.now - start >= .milliseconds(200))
    }

    @Test func cancellationEndsAWait() async {
        let signal = WakeSignal()
        let waiting = Task { await signal.wait(upTo: .seconds(30)) }
        try? await Task.sleep(for: .milliseconds(20))
        let start = ContinuousClock.now
        waiting.cancel()
        await waiting.value
        #expect(ContinuousClock.now - start < .seconds(10))
    }
}
