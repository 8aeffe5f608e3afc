import Logging
import WeftStore

/// Keeps a relay's loaded documents in step with what other relays sharing its database commit
/// (issue #9, docs/operations.md): it listens to the store's change notifications and, because a
/// notification can be lost, also looks at every loaded document every
/// ``RelayConfiguration/storeCheckInterval``. A database only this relay writes (SQLite) needs neither.
///
/// A room that hears of updates logged beyond what it holds reads them from the log, applies them and
/// forwards them to its clients; one that hears of a newer saved version takes it as its base and tells
/// its clients (``Room/noteWorkflowSaved(lockVersion:)``). Presence other relays send for a loaded
/// workflow goes to its room (``Room/receiveRemotePresence(_:)``).
struct StoreWatcher: Sendable {
    let services: RelayServices
    let registry: RoomRegistry

    /// Runs until cancelled.
    func run() async {
        guard services.store.isShared else { return }
        await withDiscardingTaskGroup { tasks in
            tasks.addTask { await listen() }
            tasks.addTask { await poll() }
        }
    }

    private func listen() async {
        while !Task.isCancelled {
            do {
                for await change in try await services.store.changes() {
                    await handle(change)
                }
            } catch {
                services.logger.warning(
                    "not listening to the database's change notifications; checking it periodically instead",
                    metadata: ["error": "\(error)", "interval": "\(services.configuration.storeCheckInterval)"])
            }
            guard !Task.isCancelled else { return }
            // The stream ended (the listening connection was lost): whatever it missed, look now.
            await checkAll()
            try? await Task.sleep(for: .seconds(1))
        }
    }

    private func poll() async {
        while !Task.isCancelled {
            try? await Task.sleep(for: services.configuration.storeCheckInterval)
            guard !Task.isCancelled else { return }
            await checkAll()
        }
    }

    /// Hands a change to the room it concerns without waiting for it, so one slow room does not hold
    /// back the others' notifications.
    private func handle(_ change: StoreChange) async {
        switch change {
        case .documentLog(let docID, let seq):
            guard let room = await registry.loadedRoom(docID) else { return }
            Task { await room.noteStoreLog(through: seq) }
        case .workflowSaved(let workflowID, let lockVersion):
            guard let room = await registry.loadedRoom(workflowID) else { return }
            Task { await room.noteWorkflowSaved(lockVersion: lockVersion) }
        case .resync:
            Task { await checkAll() }
        case .presence(let workflowID, let signal):
            // Presence never loads a room: a workflow nobody here edits has nobody to show it to.
            guard let room = await registry.loadedRoom(workflowID) else { return }
            Task { await room.receiveRemotePresence(signal) }
        }
    }

    private func checkAll() async {
        await withDiscardingTaskGroup { tasks in
            for room in await registry.loadedRooms {
                tasks.addTask { await room.checkStore() }
            }
        }
    }
}
