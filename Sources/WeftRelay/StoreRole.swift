import WeftStore

/// The store's project role. (Named here because `WeftStore.Role` would mean the store class.)
typealias ProjectRole = Role
