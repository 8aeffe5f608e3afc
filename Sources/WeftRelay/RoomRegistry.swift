import WeftStore
import WorkflowModel

/// The loaded rooms, one per workflow. Hands out the live room for a workflow, loading it on demand.
actor RoomRegistry {
    private let services: RelayServices
    private var rooms: [String: Room] = [:]

    init(services: RelayServices) {
        self.services = services
    }

    /// The room for a workflow, made (not yet loaded) if none is live.
    ///
    /// - Throws: `RelayError.workflowNotFound` when the database has no such workflow.
    func room(for workflowID: String) async throws -> Room {
        if let room = rooms[workflowID] { return room }
        guard let workflow = try await services.store.workflow(id: workflowID),
            let projectID = try await services.store.projectID(ofWorkflow: workflowID)
        else { throw RelayError.workflowNotFound(workflowID) }
        // Another caller may have made the room while the store was read: there is one room per workflow.
        if let room = rooms[workflowID] { return room }
        let room = Room(
            workflowID: workflowID, projectID: projectID, base: workflow, services: services,
            onUnloaded: { [weak self] room in await self?.remove(room) })
        rooms[workflowID] = room
        return room
    }

    /// Joins `session` to the workflow's room, retrying with a fresh room if the live one is unloading.
    func join(_ session: SessionHandle, workflowID: String) async throws -> Room {
        while true {
            let room = try await room(for: workflowID)
            switch try await room.join(session) {
            case .joined: return room
            case .retry:
                // The old room has finished unloading (and compacting): load the workflow anew.
                if rooms[workflowID] === room { rooms[workflowID] = nil }
            }
        }
    }

    private func remove(_ room: Room) {
        if rooms[room.workflowID] === room { rooms[room.workflowID] = nil }
    }

    /// The live room of a workflow, if loaded.
    func loadedRoom(_ workflowID: String) -> Room? { rooms[workflowID] }

    var loadedRooms: [Room] { Array(rooms.values) }

    /// Applies an external change to a workflow's document, loaded or not: an unloaded document is
    /// loaded, reconciled, committed and unloaded again after the grace period.
    func applyExternal(_ change: WorkflowChange, actor: ChangeActor, source: VersionSource) async throws
        -> RebaseOutcome
    {
        while true {
            let room = try await room(for: change.workflowID)
            if let outcome = try await room.applyExternal(change, actor: actor, source: source) { return outcome }
            // The room finished unloading (and compacting) meanwhile: apply it to a fresh one.
            if rooms[change.workflowID] === room { rooms[change.workflowID] = nil }
        }
    }

    /// Merges a kept draft into a workflow's document, loaded or not (see ``Room/applyDraft(_:editedOn:)``).
    func applyDraft(_ draft: Workflow, editedOn base: Workflow, workflowID: String) async throws
        -> (summary: ReconcileSummary, conflicts: [RebaseConflict])
    {
        while true {
            let room = try await room(for: workflowID)
            if let outcome = try await room.applyDraft(draft, editedOn: base) { return outcome }
            if rooms[workflowID] === room { rooms[workflowID] = nil }
        }
    }

    /// Tells the other relays that every room's clients are leaving, in one send (waiting a second at most
    /// for the send in flight), then commits what every loaded document has queued and compacts it (on
    /// shutdown).
    func compactAll() async {
        for room in rooms.values { await room.shareLeavingPresence() }
        await services.presence.sendWaiting()
        for room in rooms.values { await room.commitAndCompact() }
    }
}

/// Errors the relay reports to clients.
enum RelayError: Error, CustomStringConvertible {
    case workflowNotFound(String)

    var description: String {
        switch self {
        case .workflowNotFound(let key): "no workflow \(key)"
        }
    }
}
