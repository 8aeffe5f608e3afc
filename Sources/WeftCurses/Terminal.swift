@preconcurrency import CNcursesw
import WeftTUI

/// The terminal over ncursesw: the only code in Weft that calls curses (issue #6).
///
/// Until the editor lands this only reports what the linked curses library is, which proves the
/// system-library shim builds and links on this machine.
public enum CursesTerminal {
    /// The version string of the linked ncursesw library, for example `ncurses 6.4.20221231`.
    public static var libraryVersion: String {
        guard let version = curses_version() else { return "unknown" }
        return String(cString: version)
    }
}
