import Foundation
import Testing
import WeftStore
import YCRDT

@Suite struct RoleTests {
    @Test func grantRevokeAndRead() throws {
        let store = try WeftStore.temporary()
        try store.createProject(id: "p", name: "P")
        try store.createProject(id: "q", name: "Q")
        try store.grant(user: "ann", project: "p", role: .owner)
        try store.grant(user: "bob", project: "p", role: .viewer)
        try store.grant(user: "bob", project: "q", role: .editor)
        try store.addUser("cy")

        #expect(try store.users() == ["ann", "bob", "cy"])
        #expect(try store.role(of: "ann", in: "p") == .owner)
        #expect(try store.role(of: "bob", in: "p") == .viewer)
        #expect(try store.role(of: "bob", in: "q") == .editor)
        #expect(try store.role(of: "cy", in: "p") == nil)
        #expect(try store.roles(in: "p").map(\.user) == ["ann", "bob"])

        try store.grant(user: "bob", project: "p", role: .admin)  // replaces
        #expect(try store.role(of: "bob", in: "p") == .admin)
        #expect(try store.revoke(user: "bob", project: "p"))
        #expect(try !store.revoke(user: "bob", project: "p"))
        #expect(try store.role(of: "bob", in: "p") == nil)
        #expect(throws: StoreError.projectNotFound("nope")) {
            try store.grant(user: "ann", project: "nope", role: .viewer)
        }
    }

    @Test func whatEachRoleMayDo() {
        #expect(Role.allCases.filter(\.canEdit) == [.owner, .admin, .editor])
        #expect(Role.allCases.filter(\.canAdmin) == [.owner, .admin])
        #expect(Role.viewer < .editor && Role.editor < .admin && Role.admin < .owner)
    }
}

@Suite struct AuditTests {
    @Test func linesComeBackNewestFirstWithTheirDetails() throws {
        let store = try WeftStore.temporary()
        try store.audit(actor: "ann", action: "role.granted", subject: "bob", details: ["role": "editor"])
        try store.audit(actor: "deploy", action: "relay.started", subject: "relay")
        try store.audit(actor: "ann", action: "role.revoked", subject: "bob", details: ["n": .integer(2)])

        let all = try store.auditTrail()
        #expect(all.map(\.action) == ["role.revoked", "relay.started", "role.granted"])
        #expect(all[2].details == ["role": .string("editor")])
        #expect(all[0].details == ["n": .integer(2)])
        #expect(all[0].id > all[1].id)
        #expect(abs(all[0].time.timeIntervalSinceNow) < 60)
        #expect(try store.auditTrail(limit: 1).map(\.action) == ["role.revoked"])
        #expect(try store.auditTrail(subject: "bob").map(\.action) == ["role.revoked", "role.granted"])
    }
}

@Suite struct DeployLockTests {
    @Test func oneLiveHolderAtATime() throws {
        let store = try WeftStore.temporary()
        let me = ProcessInfo.processInfo.processIdentifier
        #expect(try store.deployLockHolder() == nil)
        #expect(try store.acquireDeployLock(owner: "weft deploy", pid: me))
        #expect(try store.deployLockHolder()?.pid == me)
        #expect(try store.deployLockHolder()?.owner == "weft deploy")
        #expect(try store.acquireDeployLock(owner: "weft deploy", pid: me), "the holder may take it again")
        // PID 1 is always alive: a second live process is refused.
        #expect(try !store.acquireDeployLock(owner: "other", pid: 1))
        #expect(try !store.releaseDeployLock(pid: 1), "only the holder releases")
        #expect(try store.releaseDeployLock(pid: me))
        #expect(try store.deployLockHolder() == nil)
        #expect(try store.acquireDeployLock(owner: "other", pid: 1))
    }

    @Test func aDeadHoldersLockIsBroken() throws {
        let store = try WeftStore.temporary()
        // A process that has exited: its pid is free (and, this soon, not reused).
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/true")
        try process.run()
        process.waitUntilExit()
        let dead = process.processIdentifier
        #expect(try store.acquireDeployLock(owner: "crashed deploy", pid: dead))
        #expect(try store.deployLockHolder() == nil, "a dead holder holds nothing")
        let me = ProcessInfo.processInfo.processIdentifier
        #expect(try store.acquireDeployLock(owner: "weft relay", pid: me))
        #expect(try store.deployLockHolder()?.owner == "weft relay")
    }
}
