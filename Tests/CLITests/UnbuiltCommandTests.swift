import Testing
import WeftTestSupport

/// A command whose issue has not landed says so plainly and exits 69 (EX_UNAVAILABLE); it never
/// pretends to work.
@Suite struct UnbuiltCommandTests {
    /// The commands that only refuse for now. When a command's issue lands, take it out of this list and
    /// test what it does. `edit` and `demo` are left out because, once built, they are interactive and
    /// are driven under tmux instead; `doc` has a subcommand and comes with the CRDT.
    static let unbuiltCommands = ["export", "history"]

    @Test(arguments: unbuiltCommands)
    func unbuiltCommandRefusesWithExitStatus69(command: String) throws {
        let result = try WeftExecutable.run([command], timeout: 30)

        #expect(result.status == 69)
        #expect(result.standardErrorText.contains("`weft \(command)` is not built yet"))
        #expect(result.standardOutput.isEmpty)
    }
}
