import Foundation
import WeftClient
import WeftTUI

/// The editor's event loop: one thread, a `poll` over the terminal and the session's socket
/// (reference §5, option A).
///
/// Each turn: draw the state if it changed; wait until the keyboard or the socket has something, or
/// a message expires, or the session's timer is due; then pump the session, read the keys (a resize
/// arrives as one: ncurses owns SIGWINCH and reports `KEY_RESIZE`, and the signal wakes `poll`),
/// and apply all of it, carrying out the effects. Nothing else ever calls curses.
public final class EditorLoop {
    private let driver: EditorDriver
    private let terminal: CursesTerminal
    private let theme: ResolvedTheme
    private let options: RenderOptions
    /// Called once per turn with the driver: the demo's scripted teammate and deploy live here.
    private let sidecar: ((EditorDriver) -> Void)?

    /// A loop for `driver` on `terminal` in `theme` (resolved for the terminal's colours; a monochrome
    /// theme or terminal gets the `[+]` marker).
    public init(driver: EditorDriver, terminal: CursesTerminal, theme: Theme, sidecar: ((EditorDriver) -> Void)? = nil) {
        self.driver = driver
        self.terminal = terminal
        self.theme = theme.resolved(depth: terminal.colourDepth)
        self.options = RenderOptions(
            glyphs: terminal.isUnicode ? .unicode : .ascii, isMonochrome: self.theme.isMonochrome)
        self.sidecar = sidecar
    }

    /// Runs until the editor quits, or SIGTERM or SIGHUP arrives.
    public func run() {
        var lastDrawn: EditorState?
        TerminationSignals.install()
        defer { TerminationSignals.uninstall() }
        driver.apply([.resize(width: terminal.size.width, height: terminal.size.height)])
        while !driver.wantsQuit && !TerminationSignals.wasReceived {
            if driver.wantsRedraw {
                terminal.invalidate()
                lastDrawn = nil
                driver.wantsRedraw = false
            }
            if lastDrawn != driver.state {
                terminal.draw(ScreenRenderer.render(driver.state, options: options), theme: theme)
                lastDrawn = driver.state
            }
            waitForInput()
            driver.pumpSession()
            driver.apply(terminal.readEvents())
            sidecar?(driver)
        }
    }

    /// Blocks until standard input or the session's socket is readable, or the next deadline (at most
    /// a second; a tenth with a sidecar). A signal (SIGWINCH) ends the wait early.
    private func waitForInput() {
        var descriptors = [pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)]
        if let socket = driver.session.fileDescriptor {
            descriptors.append(pollfd(fd: socket, events: Int16(POLLIN), revents: 0))
        }
        let cap: Duration = sidecar == nil ? .seconds(1) : .milliseconds(100)
        let wait = min(driver.timeUntilNextWakeUp ?? cap, cap)
        let milliseconds = Int32(max(0, wait.components.seconds * 1000 + wait.components.attoseconds / 1_000_000_000_000_000))
        _ = poll(&descriptors, nfds_t(descriptors.count), milliseconds)
    }
}
