import Foundation
import WeftProtocol
import YCRDT

/// Presence: this person's name, colour, selected node and body cursor out; everyone else's in.
extension EditorSession {
    /// Everyone else present, by name (then client id). Recomputed from the awareness states.
    public var collaborators: [Collaborator] {
        awareness.states
            .compactMap { client, state in
                client == awareness.clientID
                    ? nil : PresenceState.collaborator(clientID: client, state: state)
            }
            .sorted { ($0.name, $0.clientID) < ($1.name, $1.clientID) }
    }

    /// Tells the others which node (job, trigger or edge id) this person has selected; nil for none.
    public func select(nodeID: String?) {
        guard nodeID != selectedNodeID else { return }
        selectedNodeID = nodeID
        publishPresence()
    }

    /// Tells the others where this person's cursor is in a job body, and the other end of their
    /// selection when `anchorUTF16` is given. The positions are relative (they stay on their
    /// characters while others type); offsets past the end are clamped.
    ///
    /// - Throws: ``EditorSessionError/noSuchEntity(kind:id:)``, ``EditorSessionError/bodyIsNotText(jobID:)``.
    public func setBodyCursor(jobID: String, utf16Offset: Int, anchorUTF16: Int? = nil) throws {
        guard let job = jobMap(jobID) else { throw EditorSessionError.noSuchEntity(kind: .job, id: jobID) }
        guard let text = job["body"]?.textValue else { throw EditorSessionError.bodyIsNotText(jobID: jobID) }
        let clamp = { (offset: Int) in max(0, min(offset, text.utf16Count)) }
        bodyCursor = BodyCursor(
            jobID: jobID, position: text.relativePosition(atUTF16: clamp(utf16Offset)),
            anchor: anchorUTF16.map { text.relativePosition(atUTF16: clamp($0)) })
        publishPresence()
    }

    /// This person's own body cursor as last set, relative: resolve it with ``utf16Offset(of:)`` to
    /// learn where it stands after others' edits.
    public var ownBodyCursor: BodyCursor? { bodyCursor }

    /// The cursor leaves the body (the job is closed).
    public func clearBodyCursor() {
        guard bodyCursor != nil else { return }
        bodyCursor = nil
        publishPresence()
    }

    /// Where a cursor stands now in its job's body, in UTF-16 units; nil when the job or the text
    /// it pointed at is not in the replica (yet).
    public func utf16Offset(of cursor: BodyCursor) -> Int? {
        jobMap(cursor.jobID)?["body"]?.textValue?.utf16Offset(of: cursor.position)
    }

    /// Where a cursor's selection anchor stands now, in UTF-16 units; nil without one, or as
    /// ``utf16Offset(of:)``.
    public func utf16OffsetOfAnchor(of cursor: BodyCursor) -> Int? {
        guard let anchor = cursor.anchor else { return nil }
        return jobMap(cursor.jobID)?["body"]?.textValue?.utf16Offset(of: anchor)
    }

    private func jobMap(_ jobID: String) -> YMap? {
        for value in doc.array(DocumentRoot.jobs).values {
            if let job = value.mapValue, job["id"]?.anyValue?.stringValue == jobID { return job }
        }
        return nil
    }

    // MARK: Inside

    func presenceState() -> YAny {
        PresenceState.encode(
            name: configuration.userName, colour: userColour, selectedNodeID: selectedNodeID,
            bodyCursor: bodyCursor)
    }

    func publishPresence() {
        awareness.setLocalState(presenceState(), now: clock())
        announcePresence()
    }

    /// Sends our awareness entry (when joined).
    func announcePresence() {
        guard phase == .syncing || phase == .live else { return }
        send(.awareness(awareness.encodeUpdate(clients: [awareness.clientID])))
    }

    func applyAwareness(_ update: [UInt8]) {
        guard phase == .syncing || phase == .live else { return }
        let changes: AwarenessChanges
        do {
            changes = try awareness.apply(update: update, origin: AnyHashable(RelayOrigin()), now: clock())
        } catch {
            pendingEvents.append(.error(code: ErrorCode.malformedFrame.rawValue, message: "\(error)"))
            return
        }
        if changes.reassertedLocalState { announcePresence() }
        if changes.hasStateChanges { pendingEvents.append(.presence(collaborators)) }
    }

    /// Renews our state before the others time it out, and drops those not heard from.
    func maintainPresence() {
        let now = clock()
        if phase == .live, awareness.needsRenewal(now: now) {
            awareness.renewLocalState(now: now)
            announcePresence()
        }
        if now - lastPresenceExpiryCheck >= Self.presenceExpiryInterval {
            lastPresenceExpiryCheck = now
            if awareness.removeOutdated(now: now).hasStateChanges {
                pendingEvents.append(.presence(collaborators))
            }
        }
    }

    /// The connection dropped: the others' states are unknown until the rejoin brings them again.
    /// A fresh awareness keeps our own state and clock, so the next announcement outbids the one the
    /// relay last saw.
    func forgetRemotePresence() {
        let hadOthers = !collaborators.isEmpty
        let now = clock()
        let own = AwarenessUpdate([
            .init(
                clientID: awareness.clientID, clock: awareness.clock(of: awareness.clientID) ?? 0,
                state: awareness.localState)
        ])
        awareness = Awareness(
            clientID: awareness.clientID, now: now, outdatedTimeout: configuration.presenceTimeout)
        awareness.apply(own, origin: nil, now: now)
        if hadOthers { pendingEvents.append(.presence([])) }
    }
}
