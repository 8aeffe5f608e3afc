import Foundation
import Testing
import WeftTestSupport

@testable import WorkflowModel
@testable import YCRDT

/// A workflow document from a hostile peer: reading it must neither overflow the stack nor give Weft a
/// value it cannot write back for its peers to read.
@Suite struct HostileDocumentTests {
    /// A job whose unknown key holds 100,000 arrays, each inside the one before (about 700 KB of
    /// update). The key is kept in `extra` as its JSON, cut at the depth a peer's decoder accepts.
    @Test func aJobFieldNestedVeryDeepIsReadCutAndWrittenBackReadably() throws {
        let doc = Doc(clientID: 1)
        try doc.applyUpdate(DeepNesting.jobUpdate(depth: 100_000))
        let workflow = WorkflowDocument.read(doc)
        #expect(workflow.jobs.map(\.id) == ["deep-job"])
        let deep = try #require(workflow.jobs.first?.extra["deep"])
        #expect(DeepNesting.levels(of: deep) == Lib0Decoder.maxAnyDepth)

        // Written by Weft into a fresh document, then sent to a peer: the value decodes there.
        let copy = Doc(clientID: 2)
        WorkflowDocument.write(workflow, into: copy)
        let peer = Doc(clientID: 3)
        try peer.applyUpdate(copy.encodeStateAsUpdate())
        #expect(WorkflowDocument.read(peer) == workflow)
        // The store keeps entities as JSON: the value encodes and decodes.
        let json = try JSONEncoder().encode(workflow)
        #expect(try JSONDecoder().decode(Workflow.self, from: json) == workflow)
    }
}
