import RemitWebhooks
import Testing

struct RetryScheduleTests {
    @Test func seedProfileIsOneTwoFourEightSixteenMinutesThenDead() {
        let schedule = RetrySchedule.seed
        #expect(schedule.maxAttempts == 6)
        let delays = (1...5).map { schedule.delay(afterAttempts: $0, jitter: 0) }
        #expect(delays == [1, 2, 4, 8, 16].map { .seconds($0 * 60) })
        #expect(schedule.delay(afterAttempts: 6, jitter: 0) == nil)
    }

    @Test func liveProfileSpansAboutThreeDays() {
        let total = RetrySchedule.live.delays.reduce(Duration.zero, +)
        #expect(total == .seconds(71 * 3600 + 36 * 60))
        #expect(RetrySchedule.live.maxAttempts == 10)
    }

    @Test func jitterOnlyAddsUpToATenthOfTheStep() {
        #expect(RetrySchedule.seed.delay(afterAttempts: 1, jitter: 0.5) == .seconds(66))
        #expect(RetrySchedule.seed.delay(afterAttempts: 1, jitter: 0.999)! < .seconds(72))
    }

    @Test func retryAfterIsHonouredWithinOneToTwoSteps() {
        let schedule = RetrySchedule.seed
        #expect(schedule.delay(afterAttempts: 1, jitter: 0, retryAfter: .seconds(90)) == .seconds(90))
        #expect(schedule.delay(afterAttempts: 1, jitter: 0, retryAfter: .seconds(1)) == .seconds(60))
        #expect(schedule.delay(afterAttempts: 1, jitter: 0, retryAfter: .seconds(86_400)) == .seconds(120))
    }

    @Test func explicitListsParse() {
        #expect(RetrySchedule(parsing: "1s,2s,5s")?.delays == [.seconds(1), .seconds(2), .seconds(5)])
        #expect(RetrySchedule(parsing: "500ms, 1m,2h,1d")?.delays
                == [.milliseconds(500), .seconds(60), .seconds(7200), .seconds(86_400)])
        #expect(RetrySchedule(parsing: "live") == .live)
        #expect(RetrySchedule(parsing: "1x") == nil)
        #expect(RetrySchedule(parsing: "") == nil)
    }
}
