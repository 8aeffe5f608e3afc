import Foundation
import Testing
import WeftTestSupport

@testable import WeftTUI

/// docs/editor.md lists the keys from the same table the editor dispatches with.
@Suite struct KeyDocumentationTests {
    @Test func theEditorDocumentListsEveryKeyOfTheTable() throws {
        let url = try ProjectRoot.url().appendingPathComponent("docs/editor.md")
        let text = String(decoding: try Data(contentsOf: url), as: UTF8.self)
        #expect(
            text.contains(Keymap.standard.markdownRows),
            "docs/editor.md's key table must be exactly:\n\(Keymap.standard.markdownRows)")
    }
}
