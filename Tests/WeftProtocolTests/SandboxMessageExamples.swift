import WeftProtocol
import YCRDT

extension ControlMessageTests {
    /// The sandbox and git sync messages with their JSON (docs/protocol.md and docs/sandboxes.md).
    static let sandboxExamples: [(ControlMessage, String)] = [
        (
            .sandboxCreate(project: "acme", name: "acme-try"),
            #"{"type":"sandbox_create","project":"acme","name":"acme-try"}"#
        ),
        (.sandboxList(), #"{"type":"sandbox_list"}"#),
        (.sandboxList(project: "acme"), #"{"type":"sandbox_list","project":"acme"}"#),
        (.sandboxDiff(sandbox: "acme-try"), #"{"type":"sandbox_diff","sandbox":"acme-try"}"#),
        (
            .sandboxMerge(sandbox: "acme-try", force: true),
            #"{"type":"sandbox_merge","sandbox":"acme-try","force":true}"#
        ),
        (
            .sync(repository: "/src/acme", commit: "9f2c", file: "project.yaml", yaml: "name: acme\n"),
            #"{"type":"sync","repository":"/src/acme","commit":"9f2c","file":"project.yaml","yaml":"name: acme\n"}"#
        ),
        (
            .sandboxCreated(sandbox: [
                "id": "s1", "name": "acme-try", "parent": ["id": "p1", "name": "acme"],
            ]),
            #"{"type":"sandbox_created","sandbox":{"id":"s1","name":"acme-try","parent":{"id":"p1","name":"acme"}}}"#
        ),
        (
            .sandboxListReply(sandboxes: [["id": "s1", "name": "acme-try"]]),
            #"{"type":"sandbox_list_reply","sandboxes":[{"id":"s1","name":"acme-try"}]}"#
        ),
        (
            .sandboxDiffReply(diff: ["sandbox": "acme-try", "workflows": []]),
            #"{"type":"sandbox_diff_reply","diff":{"sandbox":"acme-try","workflows":[]}}"#
        ),
        (
            .sandboxMerged(merge: ["sandbox": "acme-try", "workflows": []]),
            #"{"type":"sandbox_merged","merge":{"sandbox":"acme-try","workflows":[]}}"#
        ),
        (
            .sandboxFailed(reason: "conflicts", message: "2 conflicts", conflicts: [["workflow": "Nightly"]]),
            #"{"type":"sandbox_failed","reason":"conflicts","message":"2 conflicts","conflicts":[{"workflow":"Nightly"}]}"#
        ),
        (
            .sandboxFailed(reason: "not_found", message: "no sandbox x"),
            #"{"type":"sandbox_failed","reason":"not_found","message":"no sandbox x"}"#
        ),
        (
            .synced(sync: ["commit": "9f2c", "workflows": []]),
            #"{"type":"synced","sync":{"commit":"9f2c","workflows":[]}}"#
        ),
        (
            .syncFailed(reason: "invalid", message: "bad yaml", errors: ["line 3"]),
            #"{"type":"sync_failed","reason":"invalid","message":"bad yaml","errors":["line 3"]}"#
        ),
    ]
}
