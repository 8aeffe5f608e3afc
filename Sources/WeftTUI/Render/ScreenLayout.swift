/// Where each part of the screen goes for a terminal size: the graph panel, the details panel, the
/// status bar and the message line under it (helix's status line + message line).
public struct ScreenLayout: Hashable, Sendable {
    public var size: Size
    /// The graph's panel (with its frame); empty when the details take the whole width.
    public var graphPanel: Rect
    /// The details panel (with its frame); nil when hidden.
    public var detailPanel: Rect?
    public var statusRow: Int
    public var messageRow: Int

    /// The narrowest terminal that shows the graph and the details side by side.
    public static let sideBySideWidth = 60
    /// The smallest terminal the editor draws in; smaller ones get a one-line notice.
    public static let minimumSize = Size(width: 20, height: 6)

    public init(size: Size, showsDetails: Bool) {
        self.size = size
        statusRow = max(0, size.height - 2)
        messageRow = max(0, size.height - 1)
        let panelHeight = max(0, size.height - 2)
        if showsDetails && size.width >= Self.sideBySideWidth {
            let detailWidth = min(64, max(32, size.width * 2 / 5))
            graphPanel = Rect(x: 0, y: 0, width: size.width - detailWidth, height: panelHeight)
            detailPanel = Rect(x: size.width - detailWidth, y: 0, width: detailWidth, height: panelHeight)
        } else if showsDetails {
            graphPanel = Rect(x: 0, y: 0, width: 0, height: 0)
            detailPanel = Rect(x: 0, y: 0, width: size.width, height: panelHeight)
        } else {
            graphPanel = Rect(x: 0, y: 0, width: size.width, height: panelHeight)
            detailPanel = nil
        }
    }

    /// Where the graph's canvas shows: inside the frame, with a column of air on either side.
    public var graphArea: Rect {
        let inner = graphPanel.inset(by: 1)
        return Rect(x: inner.x + 1, y: inner.y, width: inner.width - 2, height: inner.height)
    }

    /// Where the details' lines go: inside the frame, with a column of air on the left.
    public var detailArea: Rect? {
        detailPanel.map { panel in
            let inner = panel.inset(by: 1)
            return Rect(x: inner.x + 1, y: inner.y, width: inner.width - 1, height: inner.height)
        }
    }

    public var isTooSmall: Bool { size.width < Self.minimumSize.width || size.height < Self.minimumSize.height }
}

/// A terminal's size in cells.
public struct Size: Hashable, Sendable {
    public var width: Int
    public var height: Int

    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }
}
