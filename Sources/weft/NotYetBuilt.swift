import ArgumentParser

/// Thrown by a command whose issue has not landed yet: it says so and exits with EX_UNAVAILABLE.
struct NotYetBuilt: Error, CustomStringConvertible {
    let command: String
    let issue: Int

    var description: String {
        "`weft \(command)` is not built yet (it arrives with issue #\(issue)). Nothing was done."
    }
}

extension ParsableCommand {
    /// Reports that this command's issue has not landed and exits non-zero (69, EX_UNAVAILABLE).
    func refuseUnbuilt(_ command: String, issue: Int) throws -> Never {
        FileHandleOutput.standardError("weft: \(NotYetBuilt(command: command, issue: issue))\n")
        throw ExitCode(69)
    }
}
