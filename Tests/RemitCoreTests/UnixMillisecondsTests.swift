import RemitCore
import Testing

@Suite struct UnixMillisecondsTests {
    @Test func secondsAndMillisecondsConvertOnlyByName() {
        let instant = UnixMilliseconds(1_765_000_123_999)
        #expect(instant.seconds == 1_765_000_123, "rounded down, as Stripe's created")
        #expect(UnixMilliseconds(seconds: 1_765_000_123).value == 1_765_000_123_000)
        #expect(UnixMilliseconds(-1).seconds == -1, "before 1970 too: down, not toward zero")
        #expect(instant.startOfUTCDay.value == 1_764_979_200_000)
    }

    @Test func durationsMoveAnInstantToTheMillisecond() {
        let instant = UnixMilliseconds(10_000)
        #expect((instant + .seconds(90)).value == 100_000)
        #expect((instant - .milliseconds(1)).value == 9_999)
        #expect((instant + .microseconds(1_999)).value == 10_001, "sub-millisecond parts round down")
        #expect(UnixMilliseconds(12_500) - instant == .milliseconds(2_500))
        #expect(instant < instant + .milliseconds(1))
    }
}
