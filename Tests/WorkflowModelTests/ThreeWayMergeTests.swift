import Foundation
import Testing
import YCRDT

@testable import WorkflowModel

/// webhook → fetch → (success) store, (failure) notify, at lock version 3, with positions.
private func baseWorkflow() -> Workflow {
    Workflow(
        id: "wf", name: "patients", lockVersion: 3,
        jobs: [
            Job(id: "fetch", name: "fetch", body: "get('/patients');\nfn(state => state);\n"),
            Job(id: "store", name: "store", body: "post('/store', state.data);\n"),
            Job(id: "notify", name: "notify", body: "sendEmail();\n"),
        ],
        triggers: [Trigger(id: "hook", type: .webhook)],
        edges: [
            Edge(id: "e1", sourceTriggerID: "hook", targetJobID: "fetch", conditionType: .always),
            Edge(id: "e2", sourceJobID: "fetch", targetJobID: "store", conditionType: .onJobSuccess),
            Edge(id: "e3", sourceJobID: "fetch", targetJobID: "notify", conditionType: .onJobFailure),
        ],
        positions: [
            "hook": Position(x: 0, y: 0), "fetch": Position(x: 0, y: 100), "store": Position(x: -50, y: 200),
            "notify": Position(x: 50, y: 200),
        ])
}

/// The new saved version: `base` with `change` applied and the lock version bumped.
private func saved(_ change: (inout Workflow) -> Void) -> Workflow {
    var workflow = baseWorkflow()
    change(&workflow)
    workflow.lockVersion += 1
    return workflow
}

private func edited(_ change: (inout Workflow) -> Void) -> Workflow {
    var workflow = baseWorkflow()
    change(&workflow)
    return workflow
}

private func merge(ours: Workflow, theirs: Workflow) -> (merged: Workflow, conflicts: [RebaseConflict]) {
    ThreeWayMerge.merge(base: baseWorkflow(), ours: ours, theirs: theirs)
}

@Suite struct ThreeWayMergeTests {
    // MARK: One side

    @Test func noEditsOnEitherSideGiveTheNewVersion() {
        let theirs = saved { _ in }
        let result = merge(ours: baseWorkflow(), theirs: theirs)
        #expect(result.merged == theirs)
        #expect(result.conflicts.isEmpty)
    }

    @Test func withoutUnsavedEditsTheMergeIsTheNewVersion() {
        let theirs = saved {
            $0.name = "patients v2"
            $0.jobs[1].body = "post('/v2/store', state.data);\n"
            $0.jobs.append(Job(id: "audit", name: "audit", body: "log();\n"))
            $0.edges.append(Edge(id: "e4", sourceJobID: "store", targetJobID: "audit"))
            $0.positions["audit"] = Position(x: 0, y: 300)
            $0.edges.removeAll { $0.id == "e3" }
            $0.jobs.removeAll { $0.id == "notify" }
            $0.positions["notify"] = nil
        }
        let result = merge(ours: baseWorkflow(), theirs: theirs)
        #expect(result.merged == theirs)
        #expect(result.conflicts.isEmpty)
    }

    @Test func withAnUnchangedNewVersionTheMergeIsOursAtTheNewLockVersion() {
        let ours = edited {
            $0.jobs[0].name = "fetch patients"
            $0.jobs.append(Job(id: "mine", name: "mine", body: "x\n"))
            $0.edges.append(Edge(id: "e-mine", sourceJobID: "store", targetJobID: "mine"))
            $0.positions["fetch"] = Position(x: 10, y: 110)
        }
        let result = merge(ours: ours, theirs: saved { _ in })
        var expected = ours
        expected.lockVersion = 4
        #expect(result.merged == expected)
        #expect(result.conflicts.isEmpty)
    }

    // MARK: Entities

    @Test func jobsAddedOnEitherSideAreBothKeptOursFirst() {
        let ours = edited { $0.jobs.append(Job(id: "mine", name: "mine", body: "mine();\n")) }
        let theirs = saved { $0.jobs.append(Job(id: "theirs", name: "theirs", body: "theirs();\n")) }
        let result = merge(ours: ours, theirs: theirs)
        #expect(result.merged.jobs.map(\.id) == ["fetch", "store", "notify", "mine", "theirs"])
        #expect(result.merged.lockVersion == 4)
        #expect(result.conflicts.isEmpty)
    }

    @Test func theSameIDAddedOnBothSidesMergesFieldsWithTheirsWinning() {
        let ours = edited {
            $0.jobs.append(Job(id: "new", name: "mine", body: "a();\n", adaptor: "@openfn/language-http@1"))
        }
        let theirs = saved {
            $0.jobs.append(Job(id: "new", name: "theirs", body: "b();\n", adaptor: "@openfn/language-http@1"))
        }
        let result = merge(ours: ours, theirs: theirs)
        let job = result.merged.job("new")
        #expect(job?.name == "theirs")
        #expect(job?.body == "b();\n")
        #expect(result.conflicts.map(\.field) == ["name", "body"])
        #expect(
            result.conflicts.allSatisfy { $0.reason == .bothChanged && $0.kind == .job && $0.id == "new" })
        #expect(result.conflicts.first?.ours == "mine")
        #expect(result.conflicts.first?.theirs == "theirs")
    }

    @Test func deletedByTheNewVersionButEditedHereIsDeletedAndReportedWithOurCopy() {
        let ours = edited { $0.jobs[2].body = "sendEmail('ops@example.org');\n" }
        let theirs = saved {
            $0.jobs.removeAll { $0.id == "notify" }
            $0.edges.removeAll { $0.id == "e3" }
            $0.positions["notify"] = nil
        }
        let result = merge(ours: ours, theirs: theirs)
        #expect(result.merged.job("notify") == nil)
        #expect(result.merged.edge("e3") == nil)
        #expect(result.merged.positions["notify"] == nil)
        #expect(result.conflicts.count == 1)
        let conflict = result.conflicts[0]
        #expect(conflict.reason == .editedButDeleted)
        #expect(conflict.kind == .job && conflict.id == "notify" && conflict.field == nil)
        #expect(conflict.ours?.objectValue?["body"] == "sendEmail('ops@example.org');\n")
        #expect(conflict.ours?.objectValue?["name"] == "notify")
        #expect(conflict.theirs == nil)
        #expect(conflict.message.contains("job \"notify\" was deleted by the new version"))
    }

    @Test func deletedByTheNewVersionAndUntouchedHereIsDeletedQuietly() {
        let ours = edited { $0.jobs[0].name = "fetch patients" }
        let theirs = saved {
            $0.jobs.removeAll { $0.id == "notify" }
            $0.edges.removeAll { $0.id == "e3" }
        }
        let result = merge(ours: ours, theirs: theirs)
        #expect(result.merged.job("notify") == nil)
        #expect(result.merged.job("fetch")?.name == "fetch patients")
        #expect(result.conflicts.isEmpty)
    }

    @Test func deletedHereButChangedByTheNewVersionComesBackAndIsReported() {
        let ours = edited {
            $0.jobs.removeAll { $0.id == "notify" }
            $0.edges.removeAll { $0.id == "e3" }
        }
        let theirs = saved { $0.jobs[2].body = "sendSMS();\n" }
        let result = merge(ours: ours, theirs: theirs)
        #expect(result.merged.job("notify")?.body == "sendSMS();\n")
        // The edge into it was deleted here and untouched by the new version: it stays deleted.
        #expect(result.merged.edge("e3") == nil)
        #expect(result.conflicts.map(\.reason) == [.deletedButEdited])
        #expect(result.conflicts.first?.theirs?.objectValue?["body"] == "sendSMS();\n")
        #expect(result.conflicts.first?.ours == nil)
    }

    @Test func deletedHereAndUntouchedByTheNewVersionStaysDeleted() {
        let ours = edited {
            $0.jobs.removeAll { $0.id == "notify" }
            $0.edges.removeAll { $0.id == "e3" }
            $0.positions["notify"] = nil
        }
        let result = merge(ours: ours, theirs: saved { $0.name = "renamed" })
        #expect(result.merged.job("notify") == nil)
        #expect(result.merged.edge("e3") == nil)
        #expect(result.merged.positions["notify"] == nil)
        #expect(result.merged.name == "renamed")
        #expect(result.conflicts.isEmpty)
    }

    @Test func deletedOnBothSidesIsGone() {
        let ours = edited { $0.triggers = [] }
        let theirs = saved { $0.triggers = [] }
        #expect(merge(ours: ours, theirs: theirs).merged.triggers.isEmpty)
    }

    // MARK: Fields

    @Test func differentFieldsChangedOnEachSideAreBothKept() {
        let ours = edited { $0.jobs[1].name = "store patients" }
        let theirs = saved { $0.jobs[1].adaptor = "@openfn/language-fhir@latest" }
        let result = merge(ours: ours, theirs: theirs)
        #expect(result.merged.job("store")?.name == "store patients")
        #expect(result.merged.job("store")?.adaptor == "@openfn/language-fhir@latest")
        #expect(result.conflicts.isEmpty)
    }

    @Test func oneFieldChangedDifferentlyOnBothSidesTakesTheirsAndIsReported() {
        let ours = edited { $0.jobs[1].name = "store locally" }
        let theirs = saved { $0.jobs[1].name = "store remotely" }
        let result = merge(ours: ours, theirs: theirs)
        #expect(result.merged.job("store")?.name == "store remotely")
        #expect(
            result.conflicts == [
                RebaseConflict(
                    kind: .job, id: "store", field: "name", reason: .bothChanged, ours: "store locally",
                    theirs: "store remotely",
                    message:
                        "job \"store remotely\": name was changed here to \"store locally\" and by the new "
                        + "version to \"store remotely\"; the new version's is kept")
            ])
    }

    @Test func theSameChangeOnBothSidesIsNoConflict() {
        let ours = edited { $0.edges[1].conditionType = .always }
        let theirs = saved { $0.edges[1].conditionType = .always }
        let result = merge(ours: ours, theirs: theirs)
        #expect(result.merged.edge("e2")?.conditionType == .always)
        #expect(result.conflicts.isEmpty)
    }

    @Test func changedIsDecidedAsTheMarkerDecidesIt() {
        // Ours only added spaces around the name and set an empty credential: not changes.
        let ours = edited {
            $0.jobs[0].name = "  fetch \n"
            $0.jobs[0].projectCredentialID = ""
            $0.triggers[0].webhookReply = "before_start"
        }
        let theirs = saved {
            $0.jobs[0].name = "fetch all"
            $0.jobs[0].projectCredentialID = "cred"
        }
        let result = merge(ours: ours, theirs: theirs)
        #expect(result.merged.job("fetch")?.name == "fetch all")
        #expect(result.merged.job("fetch")?.projectCredentialID == "cred")
        #expect(result.conflicts.isEmpty)
    }

    @Test func aCronExpressionSetToTheDefaultIsNotAChange() {
        var base = baseWorkflow()
        base.triggers[0] = Trigger(id: "hook", type: .cron)
        var ours = base
        ours.triggers[0].cronExpression = "0 0 * * *"
        var theirs = base
        theirs.triggers[0].cronExpression = "0 6 * * *"
        let result = ThreeWayMerge.merge(base: base, ours: ours, theirs: theirs)
        #expect(result.merged.triggers[0].cronExpression == "0 6 * * *")
        #expect(result.conflicts.isEmpty)
    }

    @Test func workflowFieldsMergeAndTheLockVersionIsTheNewOne() {
        let ours = edited {
            $0.name = "patients (mine)"
            $0.concurrency = 2
        }
        let theirs = saved {
            $0.name = "patients (theirs)"
            $0.enableJobLogs = true
        }
        let result = merge(ours: ours, theirs: theirs)
        #expect(result.merged.name == "patients (theirs)")
        #expect(result.merged.concurrency == 2)
        #expect(result.merged.enableJobLogs == true)
        #expect(result.merged.lockVersion == 4)
        #expect(result.conflicts.map(\.kind) == [.workflow])
        #expect(result.conflicts.first?.field == "name")
        #expect(result.conflicts.first?.id == "wf")
    }

    @Test func extraKeysMergeOneByOne() {
        let ours = edited {
            $0.jobs[0].extra["color"] = "red"
            $0.extra["tags"] = ["a"]
            $0.triggers[0].extra["has_auth_method"] = true
        }
        let theirs = saved {
            $0.jobs[0].extra["color"] = "blue"
            $0.extra["owner"] = "ops"
        }
        let result = merge(ours: ours, theirs: theirs)
        #expect(result.merged.jobs[0].extra == ["color": "blue"])
        #expect(result.merged.extra == ["tags": ["a"], "owner": "ops"])
        #expect(result.merged.triggers[0].extra == ["has_auth_method": true])
        #expect(result.conflicts.map(\.field) == ["color"])
    }

    @Test func anEdgeHasOneSourceAfterTheMerge() {
        // Ours moves the edge's source to the trigger; theirs moves it to another job.
        let ours = edited {
            $0.edges[2].sourceJobID = nil
            $0.edges[2].sourceTriggerID = "hook"
            $0.edges[2].conditionType = .always
        }
        let theirs = saved { $0.edges[2].sourceJobID = "store" }
        let result = merge(ours: ours, theirs: theirs)
        let edge = result.merged.edge("e3")
        #expect(edge?.sourceJobID == "store")
        #expect(edge?.sourceTriggerID == nil)
        #expect(edge?.conditionType == .always)  // changed only here
        #expect(result.conflicts.map(\.field) == ["source_job_id"])
        #expect(result.conflicts.first?.ours == "hook")
        #expect(result.conflicts.first?.theirs == "store")
    }

    // MARK: Bodies

    @Test func bodiesChangedOnDifferentLinesKeepBothChanges() {
        let ours = edited { $0.jobs[0].body = "get('/patients?active=true');\nfn(state => state);\n" }
        let theirs = saved { $0.jobs[0].body = "get('/patients');\nfn(state => ({ ...state, n: 1 }));\n" }
        let result = merge(ours: ours, theirs: theirs)
        #expect(
            result.merged.job("fetch")?.body
                == "get('/patients?active=true');\nfn(state => ({ ...state, n: 1 }));\n")
        #expect(result.conflicts.isEmpty)
    }

    @Test func bodiesChangedOnTheSameLineTakeTheirsAndReportTheHunks() {
        let ours = edited { $0.jobs[0].body = "get('/patients?mine');\nfn(state => state);\n" }
        let theirs = saved { $0.jobs[0].body = "get('/patients?theirs');\nfn(state => state);\n" }
        let result = merge(ours: ours, theirs: theirs)
        #expect(result.merged.job("fetch")?.body == "get('/patients?theirs');\nfn(state => state);\n")
        #expect(result.conflicts.count == 1)
        let conflict = result.conflicts[0]
        #expect(conflict.field == "body" && conflict.reason == .bothChanged)
        #expect(conflict.ours == .string("get('/patients?mine');\nfn(state => state);\n"))
        #expect(conflict.hunks.map(\.ours) == ["get('/patients?mine');\n"])
        #expect(conflict.hunks.map(\.theirs) == ["get('/patients?theirs');\n"])
        #expect(conflict.message.contains("in 1 place"))
    }

    @Test func aBodyEditedOnlyInWhitespaceHereTakesTheNewBody() {
        let ours = edited { $0.jobs[1].body = "post('/store', state.data);\n\n\n" }
        let theirs = saved { $0.jobs[1].body = "post('/v2', state.data);\n" }
        let result = merge(ours: ours, theirs: theirs)
        #expect(result.merged.job("store")?.body == "post('/v2', state.data);\n")
        #expect(result.conflicts.isEmpty)
    }

    // MARK: Positions and dangling edges

    @Test func positionsMergePerNode() {
        let ours = edited { $0.positions["fetch"] = Position(x: 5, y: 105) }
        let theirs = saved { $0.positions["store"] = Position(x: -60, y: 220) }
        let result = merge(ours: ours, theirs: theirs)
        #expect(result.merged.positions["fetch"] == Position(x: 5, y: 105))
        #expect(result.merged.positions["store"] == Position(x: -60, y: 220))
        #expect(result.conflicts.isEmpty)
    }

    @Test func aNodeMovedDifferentlyOnBothSidesTakesTheirPlace() {
        let ours = edited { $0.positions["fetch"] = Position(x: 5, y: 105) }
        let theirs = saved { $0.positions["fetch"] = Position(x: 9, y: 99) }
        let result = merge(ours: ours, theirs: theirs)
        #expect(result.merged.positions["fetch"] == Position(x: 9, y: 99))
        #expect(result.conflicts.map(\.kind) == [.position])
        #expect(result.conflicts.first?.id == "fetch")
        #expect(result.conflicts.first?.ours == ["x": 5.0, "y": 105.0])
        #expect(result.conflicts.first?.message.contains("job \"fetch\" was moved") == true)
    }

    @Test func positionsOfNodesThatAreGoneAreDropped() {
        // Ours moved notify; theirs deleted it (without removing its position).
        let ours = edited { $0.positions["notify"] = Position(x: 70, y: 210) }
        let theirs = saved {
            $0.jobs.removeAll { $0.id == "notify" }
            $0.edges.removeAll { $0.id == "e3" }
        }
        let result = merge(ours: ours, theirs: theirs)
        // Theirs keeps a stale position: the merge keeps theirs' value, not our move of a deleted node.
        #expect(result.merged.positions["notify"] == Position(x: 50, y: 200))
        #expect(result.conflicts.isEmpty)
        // Ours adds a position for a node that does not exist anywhere: dropped.
        let stray = merge(
            ours: edited { $0.positions["ghost"] = Position(x: 1, y: 1) }, theirs: saved { _ in })
        #expect(stray.merged.positions["ghost"] == nil)
    }

    @Test func anEdgeWhoseEndVanishedIsDroppedAndReported() {
        // Ours connects store → notify; theirs deletes notify.
        let ours = edited { $0.edges.append(Edge(id: "e-new", sourceJobID: "store", targetJobID: "notify")) }
        let theirs = saved {
            $0.jobs.removeAll { $0.id == "notify" }
            $0.edges.removeAll { $0.id == "e3" }
        }
        let result = merge(ours: ours, theirs: theirs)
        #expect(result.merged.edge("e-new") == nil)
        #expect(result.conflicts.map(\.reason) == [.edgeDropped])
        #expect(result.conflicts.first?.id == "e-new")
        #expect(result.conflicts.first?.ours?.objectValue?["target_job_id"] == "notify")
        #expect(
            result.conflicts.first?.message
                == "the edge from \"store\" to \"notify\" was dropped: its target job is no longer in the workflow"
        )
    }

    @Test func aDanglingEdgeTheNewVersionItselfHasIsKept() {
        let theirs = saved { $0.edges.append(Edge(id: "odd", sourceJobID: "store", targetJobID: "nowhere")) }
        let result = merge(ours: edited { $0.name = "x" }, theirs: theirs)
        #expect(result.merged.edge("odd") != nil)
        #expect(result.conflicts.isEmpty)
    }

    // MARK: Conflicts as values

    @Test func aConflictRoundTripsThroughJSON() throws {
        let conflict = RebaseConflict(
            kind: .job, id: "fetch", field: "body", reason: .bothChanged, ours: "a\n", theirs: .null,
            hunks: [
                LineMerge.Conflict(
                    baseStart: 0, baseCount: 1, mergedStart: 0, mergedCount: 0, base: "x\n", ours: "a\n",
                    theirs: "")
            ], message: "m")
        let data = try JSONEncoder().encode(conflict)
        #expect(try JSONDecoder().decode(RebaseConflict.self, from: data) == conflict)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains("\"reason\":\"both_changed\""))
        #expect(text.contains("\"base_start\":0"))
        let whole = RebaseConflict(
            kind: .edge, id: "e", reason: .edgeDropped, ours: ["id": "e"], theirs: nil, message: "m")
        #expect(try JSONDecoder().decode(RebaseConflict.self, from: JSONEncoder().encode(whole)) == whole)
    }

    // MARK: Properties

    @Test func randomMergesKeepOneSidedChangesAndNeverLoseAnEditSilently() {
        var random = MergeTestRandom(seed: 11)
        for _ in 0..<300 {
            let base = baseWorkflow()
            let ours = perturb(base, tag: "o", using: &random)
            let theirs = perturb(base, tag: "t", using: &random)
            let result = ThreeWayMerge.merge(base: base, ours: ours, theirs: theirs)
            #expect(result.merged.lockVersion == theirs.lockVersion)
            // Unchanged ours: the merge is theirs (same entities; order is ours' then theirs' new ones).
            let onlyTheirs = ThreeWayMerge.merge(base: base, ours: base, theirs: theirs)
            #expect(onlyTheirs.conflicts.isEmpty)
            #expect(sorted(onlyTheirs.merged) == sorted(theirs))
            // Every job we have that is not in the merge is accounted for by a conflict, or was
            // unchanged from the base (a deletion by theirs of something we did not touch).
            for job in ours.jobs where result.merged.job(job.id) == nil {
                let untouched = base.job(job.id) == job
                let reported = result.conflicts.contains { $0.id == job.id && $0.kind == .job }
                #expect(untouched || reported)
            }
            // The merged edges all have ends, unless theirs has the edge so.
            for edge in result.merged.edges where theirs.edge(edge.id) != edge {
                #expect(result.merged.job(edge.targetJobID) != nil)
            }
            // Every field conflict resolved to theirs.
            for conflict in result.conflicts where conflict.reason == .bothChanged && conflict.kind == .job {
                #expect(
                    result.merged.job(conflict.id)?.name == theirs.job(conflict.id)?.name
                        || conflict.field != "name")
            }
        }
    }

    @Test func theMergeAndTheUnsavedChangesMarkerAgreeOnWhatIsAChange() {
        // Edits the marker does not see (spaces around strings, nil for empty, Lightning's defaults) are
        // not changes to the merge either: merging them onto any new version gives that version.
        var random = MergeTestRandom(seed: 5)
        var base = baseWorkflow()
        base.triggers.append(Trigger(id: "cron", type: .cron, cronExpression: nil))
        base.jobs[0].projectCredentialID = ""
        for _ in 0..<300 {
            var ours = base
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                switch Int.random(in: 0...6, using: &random) {
                case 0: ours.name = " \(ours.name)\t"
                case 1: ours.jobs[1].body += "\n\n"
                case 2: ours.jobs[0].projectCredentialID = nil
                case 3: ours.triggers[1].cronExpression = "0 0 * * *"
                case 4: ours.triggers[0].webhookReply = "before_start"
                case 5: ours.edges[1].conditionLabel = "  "
                default: ours.jobs[2].name = "notify\n"
                }
            }
            #expect(!UnsavedChanges.differ(document: ours, base: base))
            let theirs = perturb(base, tag: "t", using: &random)
            let result = ThreeWayMerge.merge(base: base, ours: ours, theirs: theirs)
            #expect(result.merged == theirs)
            #expect(result.conflicts.isEmpty)
        }
    }

    private func sorted(_ workflow: Workflow) -> Workflow {
        var copy = workflow
        copy.jobs.sort { $0.id < $1.id }
        copy.triggers.sort { $0.id < $1.id }
        copy.edges.sort { $0.id < $1.id }
        return copy
    }

    private func perturb(_ workflow: Workflow, tag: String, using random: inout MergeTestRandom) -> Workflow {
        var result = workflow
        for _ in 0..<Int.random(in: 0...4, using: &random) {
            let pick = Int.random(in: 0...6, using: &random)
            let number = Int.random(in: 0...99, using: &random)
            switch pick {
            case 0 where !result.jobs.isEmpty:
                result.jobs[Int.random(in: 0..<result.jobs.count, using: &random)].name = "\(tag)\(number)"
            case 1 where !result.jobs.isEmpty:
                let index = Int.random(in: 0..<result.jobs.count, using: &random)
                result.jobs[index].body += "\(tag)\(number)();\n"
            case 2:
                let id = "\(tag)-job-\(number)"
                if result.job(id) == nil {
                    result.jobs.append(Job(id: id, name: id, body: "x\n"))
                    if let source = result.jobs.first?.id {
                        result.edges.append(
                            Edge(id: "\(tag)-edge-\(number)", sourceJobID: source, targetJobID: id))
                    }
                }
            case 3 where !result.jobs.isEmpty:
                let removed = result.jobs.remove(at: Int.random(in: 0..<result.jobs.count, using: &random))
                result.edges.removeAll { $0.sourceJobID == removed.id || $0.targetJobID == removed.id }
            case 4 where !result.edges.isEmpty:
                result.edges[Int.random(in: 0..<result.edges.count, using: &random)].enabled.toggle()
            case 5:
                result.positions["fetch"] = Position(x: Double(number), y: 0)
            default:
                result.name = "\(tag)\(number)"
            }
        }
        if tag == "t" { result.lockVersion += 1 }
        return result
    }
}

/// SplitMix64, so a failing case reproduces.
private struct MergeTestRandom: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }
}
