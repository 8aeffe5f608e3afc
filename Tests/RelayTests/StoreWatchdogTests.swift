import Foundation
import Testing

@testable import WeftRelay

/// A store call that never answers must not stall the relay's log writer for good: its caller stops
/// waiting after the limit and gets an error it retries on (StoreWatchdog).
@Suite struct StoreWatchdogTests {
    @Test func aCallThatNeverAnswersFailsAtTheLimit() async throws {
        let started = ContinuousClock.now
        await #expect(throws: StoreWatchdog.Unanswered.self) {
            try await StoreWatchdog.answer(within: .milliseconds(200)) { () async throws -> Int in
                // Never answers (ignores cancellation, as a hung network call would).
                await withCheckedContinuation { (_: CheckedContinuation<Void, Never>) in }
                return 1
            }
        }
        let waited = ContinuousClock.now - started
        #expect(waited >= .milliseconds(200) && waited < .seconds(5), "waited \(waited)")
    }

    @Test func anAnswerOrAnErrorWithinTheLimitIsPassedOn() async throws {
        let value = try await StoreWatchdog.answer(within: .seconds(5)) { 42 }
        #expect(value == 42)
        struct Refused: Error {}
        await #expect(throws: Refused.self) {
            try await StoreWatchdog.answer(within: .seconds(5)) { () async throws -> Int in throw Refused() }
        }
    }
}
