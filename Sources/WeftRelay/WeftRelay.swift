import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import WeftProtocol
import WeftStore

/// The headless relay: rooms, sessions, saves, the provisioner and the reconciler (issue #5).
public enum WeftRelayModule {
    /// The issue that builds this module.
    public static let issue = 5
}
