import Foundation
import GRDB

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension WeftStore {
    /// Marks "a direct deploy is running": a `weft deploy` writing the database with no relay, which a
    /// relay starting meanwhile waits for. Returns false while another live process holds the lock.
    ///
    /// A holder whose process is gone (it crashed or was killed) holds nothing: its row is taken over.
    /// Acquiring again from the holder's own pid succeeds (and refreshes the row). Only meaningful between
    /// processes of one machine, since liveness is checked by pid.
    public func acquireDeployLock(owner: String, pid: Int32) throws -> Bool {
        try pool.write { db in
            if let holder = try Self.fetchDeployLock(db), holder.pid != pid, Self.processIsAlive(holder.pid) {
                return false
            }
            try db.execute(
                sql: """
                    INSERT INTO deploy_lock (id, owner, pid, acquired_at) VALUES (1, ?, ?, ?)
                    ON CONFLICT (id) DO UPDATE SET
                        owner = excluded.owner, pid = excluded.pid, acquired_at = excluded.acquired_at
                    """, arguments: [owner, pid, Date().storeText])
            return true
        }
    }

    /// Releases the deploy lock if `pid` holds it; returns whether it did.
    @discardableResult
    public func releaseDeployLock(pid: Int32) throws -> Bool {
        try pool.write { db in
            try db.execute(sql: "DELETE FROM deploy_lock WHERE id = 1 AND pid = ?", arguments: [pid])
            return db.changesCount > 0
        }
    }

    /// Who holds the deploy lock, or nil when nobody does (a row left by a dead process counts as nobody).
    public func deployLockHolder() throws -> DeployLockHolder? {
        try pool.read { db in
            guard let holder = try Self.fetchDeployLock(db), Self.processIsAlive(holder.pid) else {
                return nil
            }
            return holder
        }
    }

    private static func fetchDeployLock(_ db: Database) throws -> DeployLockHolder? {
        try Row.fetchOne(db, sql: "SELECT owner, pid, acquired_at FROM deploy_lock WHERE id = 1").map {
            DeployLockHolder(owner: $0["owner"], pid: $0["pid"], acquiredAt: $0["acquired_at"])
        }
    }

    /// Whether a process with this pid exists (`kill(pid, 0)`: EPERM means it exists as another user's).
    static func processIsAlive(_ pid: Int32) -> Bool {
        guard pid > 0 else { return false }
        return kill(pid, 0) == 0 || errno == EPERM
    }
}
