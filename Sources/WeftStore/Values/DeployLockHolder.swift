import Foundation

/// Who holds the deploy lock: a direct `weft deploy` writing the database with no relay running.
public struct DeployLockHolder: Hashable, Sendable {
    public var owner: String
    public var pid: Int32
    public var acquiredAt: Date
}
