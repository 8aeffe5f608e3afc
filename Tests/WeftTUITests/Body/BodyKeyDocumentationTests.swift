import Foundation
import Testing
import WeftTestSupport

@testable import WeftTUI

/// docs/editor.md lists the body editor's keys from the table it dispatches with.
@Suite struct BodyKeyDocumentationTests {
    @Test func theEditorDocumentListsEveryKeyOfTheBodyTable() throws {
        let url = try ProjectRoot.url().appendingPathComponent("docs/editor.md")
        let text = String(decoding: try Data(contentsOf: url), as: UTF8.self)
        #expect(
            text.contains(BodyKeymap.standard.markdownRows),
            "docs/editor.md's body key table must be exactly:\n\(BodyKeymap.standard.markdownRows)")
    }
}
