import WeftClient
import WeftProtocol
import WorkflowModel

/// Turns what an ``EditorSession`` reports into the editor's events, reading the session for the
/// document and marker as they stand after the report.
enum SessionEvents {
    static func events(for event: SessionEvent, session: EditorSession) -> [EditorEvent] {
        switch event {
        case .synced:
            // After a join or a reconnect: the document as it is now, without badges or messages.
            return [.remoteChange(.init(workflow: session.workflow, isDirty: session.isDirty, changedIDs: []))]
        case .remoteChange(let change):
            guard !change.isEmpty else { return [] }
            return [
                .remoteChange(
                    .init(
                        workflow: session.workflow, isDirty: session.isDirty, changedIDs: change.entityIDs,
                        author: likelyAuthor(of: change.entityIDs, among: session.collaborators)))
            ]
        case .saved(let lockVersion):
            return [.saved(lockVersion: lockVersion, isDirty: session.isDirty)]
        case .saveFailed(let failure):
            var message = failure.message ?? "the relay refused it"
            if let current = failure.currentLockVersion { message += " (the saved version is now \(current))" }
            let stale = failure.currentLockVersion.map { current in
                StaleSave(
                    currentLockVersion: current,
                    moved: failure.moved?.arrayValue?.compactMap(\.stringValue) ?? [])
            }
            return [
                .saveRefused(
                    SaveRefusal(
                        reason: failure.reason.rawValue, message: message, errors: FieldErrors(errorsMap: failure.errors),
                        stale: stale))
            ]
        case .workflowSaved(let notice):
            return [
                .workflowSaved(
                    .init(
                        lockVersion: notice.lockVersion, workflow: session.workflow, isDirty: notice.isDirty,
                        author: notice.actor?.name, authorIsPerson: notice.actor?.kind == .person,
                        source: notice.source?.rawValue, changedIDs: entityIDs(of: notice.summary),
                        conflicts: notice.conflicts.map(\.message)))
            ]
        case .presence(let collaborators):
            return [.presence(collaborators.map { participant($0, in: session) })]
        case .connection(let state):
            return [.connection(status(state))]
        case .error(let code, let message):
            return [.error("\(message) (\(code))")]
        }
    }

    /// A collaborator as the editor shows them; their body cursor resolved against `session`'s
    /// replica (left out while it points at text the replica has not received yet).
    static func participant(_ collaborator: Collaborator, in session: EditorSession) -> Participant {
        let bodyCursor = collaborator.bodyCursor.flatMap { cursor in
            session.utf16Offset(of: cursor).map {
                BodyPresence(jobID: cursor.jobID, utf16Offset: $0, anchor: session.utf16OffsetOfAnchor(of: cursor))
            }
        }
        return Participant(
            id: String(describing: collaborator.clientID), name: collaborator.name,
            colourIndex: UserColour.palette.firstIndex(of: collaborator.colour.uppercased())
                ?? Int(UserColour.fnv1a(collaborator.name) % 8),
            selectedID: collaborator.selectedNodeID, bodyCursor: bodyCursor)
    }

    /// Whether a report means the replica's document changed.
    static func changesDocument(_ event: SessionEvent) -> Bool {
        switch event {
        case .synced, .remoteChange, .workflowSaved: true
        default: false
        }
    }

    static func status(_ state: ConnectionState) -> ConnectionStatus {
        switch state {
        case .connected: .connected
        case .disconnected: .disconnected
        case .reconnecting(let attempt, let nextIn): .reconnecting(attempt: attempt, nextIn: nextIn)
        }
    }

    /// Every entity a summary names (a position's id is its node's).
    static func entityIDs(of summary: ReconcileSummary) -> Set<String> {
        Set((summary.added + summary.removed + summary.changed).map(\.id))
    }

    /// Who most likely made a live edit: the one collaborator whose selection is among what
    /// changed. Nil when that is not exactly one person — a wrong name is worse than none.
    static func likelyAuthor(of ids: Set<String>, among collaborators: [Collaborator]) -> String? {
        let candidates = collaborators.filter { $0.selectedNodeID.map(ids.contains) ?? false }
        let names = Set(candidates.map(\.name))
        return names.count == 1 ? names.first : nil
    }
}

extension UserColour {
    /// The same FNV-1a hash the palette is indexed with.
    static func fnv1a(_ text: String) -> UInt32 {
        var hash: UInt32 = 2_166_136_261
        for byte in text.utf8 {
            hash ^= UInt32(byte)
            hash = hash &* 16_777_619
        }
        return hash
    }
}
