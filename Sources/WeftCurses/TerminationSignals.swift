import Foundation
import Synchronization

/// SIGTERM and SIGHUP while the editor runs: the loop notices, leaves, and the terminal is restored
/// (`endwin`) instead of being left in raw mode. In raw mode Ctrl-C is a key, not SIGINT.
///
/// The handler only sets a flag (async-signal-safe); the signal also wakes the loop's `poll`.
enum TerminationSignals {
    private static let requested = Atomic<Bool>(false)

    /// Whether a termination signal arrived since ``install()``.
    static var wasReceived: Bool { requested.load(ordering: .relaxed) }

    static func install() {
        requested.store(false, ordering: .relaxed)
        for signalNumber in [SIGTERM, SIGHUP] {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = terminationHandler
            sigemptyset(&action.sa_mask)
            action.sa_flags = 0
            sigaction(signalNumber, &action, nil)
        }
    }

    /// Puts the default actions back.
    static func uninstall() {
        signal(SIGTERM, SIG_DFL)
        signal(SIGHUP, SIG_DFL)
    }

    fileprivate static func note() { requested.store(true, ordering: .relaxed) }
}

private func terminationHandler(_ signal: Int32) {
    TerminationSignals.note()
}
