import WeftProtocol
import WorkflowModel
import YCRDT

/// Applying what the relay sends, one message at a time in arrival order.
extension EditorSession {
    func handle(_ message: WireMessage) {
        switch message {
        case .sync(let sync):
            handleSync(sync)
        case .awareness(let update):
            applyAwareness(update)
        case .queryAwareness:
            announcePresence()
        case .auth:
            break  // The relay says no with `error`; y-protocols' auth message means nothing here.
        case .control(let control):
            handleControl(control)
        }
    }

    // MARK: Sync

    private func handleSync(_ message: SyncMessage) {
        // Nothing of a workflow comes before `joined`.
        guard phase == .syncing || phase == .live else { return }
        if case .step1 = message {
        } else if valueBeforeRemoteUpdates == nil {
            valueBeforeRemoteUpdates = workflow
        }
        let replies: [ProtocolMessage]
        do {
            replies = try sync.receive(message)
        } catch {
            pendingEvents.append(
                .error(
                    code: ErrorCode.updateRejected.rawValue,
                    message: "the relay's update could not be applied: \(error)"))
            return
        }
        for reply in replies {
            guard let wire = WireMessage(reply) else { continue }
            guard send(wire) else { return }
            if case .sync(.step2) = wire { ledger.recordSentStep2() }
        }
        if case .step2 = message, phase == .syncing { finishSync() }
    }

    /// The step 2 answering ours arrived: the replica has everything the relay had.
    private func finishSync() {
        phase = .live
        if isInitialJoin {
            // The first sync fills an empty replica: that is the workflow, not someone's change.
            valueBeforeRemoteUpdates = nil
        } else {
            flushRemoteChange()
        }
        if let (workflow, version) = rejoinBase {
            rejoinBase = nil
            let previous = base
            let previousVersion = lockVersion
            setBase(workflow, lockVersion: version)
            if version != previousVersion {
                pendingEvents.append(
                    .workflowSaved(
                        WorkflowSavedNotice(
                            lockVersion: version, actor: nil, source: nil,
                            summary: RemoteChange.between(previous, workflow).summary, conflicts: [],
                            isDirty: isDirty)))
            }
        }
        reconnectAttempt = 0
        setConnectionState(.connected)
        pendingEvents.append(.synced)
        flushOutgoing()
    }

    /// Reports the remote updates applied since the last report as one ``RemoteChange`` (if they
    /// changed anything a person edits).
    func flushRemoteChange() {
        guard let before = valueBeforeRemoteUpdates else { return }
        valueBeforeRemoteUpdates = nil
        let change = RemoteChange.between(before, workflow)
        if !change.isEmpty { pendingEvents.append(.remoteChange(change)) }
    }

    // MARK: Control

    private func handleControl(_ control: ControlMessage) {
        switch control {
        case .joined(let workflowJSON, let version, let role, let clientID):
            handleJoined(workflowJSON, lockVersion: version, role: role, clientID: clientID)
        case .saved(let version, let workflowJSON):
            flushRemoteChange()
            savesOutstanding = max(0, savesOutstanding - 1)
            resetBase(workflowJSON, lockVersion: version)
            pendingEvents.append(.saved(lockVersion: version))
        case .saveFailed(let reason, let message, let errors, let current, let moved):
            savesOutstanding = max(0, savesOutstanding - 1)
            pendingEvents.append(
                .saveFailed(
                    SaveFailure(
                        reason: reason, message: message, errors: errors, currentLockVersion: current,
                        moved: moved)))
        case .workflowSaved(let version, let workflowJSON, let actor, let source, let summary, let conflicts):
            flushRemoteChange()
            resetBase(workflowJSON, lockVersion: version)
            pendingEvents.append(
                .workflowSaved(
                    WorkflowSavedNotice(
                        lockVersion: version, actor: actor, source: source,
                        summary: WireValues.summary(from: summary),
                        conflicts: WireValues.conflicts(from: conflicts), isDirty: isDirty)))
        case .ack(let updates):
            ledger.acknowledge(updates)
        case .error(let code, let message):
            handleError(code: code, message: message)
        case .join, .leave, .save, .deploy, .ping, .status, .list, .deployed, .deployFailed, .statusReply,
            .listReply, .pong, .unknown:
            break  // Not for an editor (or newer than this client): ignored, as the protocol asks.
        case .history, .showVersion, .restore, .export, .drafts, .restoreDraft, .historyReply, .versionReply,
            .restored, .exported, .draftsReply, .draftRestored:
            break  // The history commands' requests and answers: not for an editor.
        case .sandboxCreate, .sandboxList, .sandboxDiff, .sandboxMerge, .sync, .sandboxCreated, .sandboxListReply,
            .sandboxDiffReply, .sandboxMerged, .sandboxFailed, .synced, .syncFailed:
            break  // Not for an editor (or newer than this client): ignored, as the protocol asks.
        }
    }

    private func handleJoined(_ workflowJSON: YAny, lockVersion version: Int, role: Role, clientID: UInt64?) {
        guard phase == .joining else {
            pendingEvents.append(
                .error(code: ErrorCode.unexpectedMessage.rawValue, message: "joined arrived unasked"))
            return
        }
        self.role = role
        relayClientID = clientID
        do {
            let workflow = try WireValues.workflow(from: workflowJSON)
            if isInitialJoin {
                setBase(workflow, lockVersion: version)
            } else {
                rejoinBase = (workflow, version)
            }
        } catch {
            pendingEvents.append(
                .error(
                    code: ErrorCode.malformedControl.rawValue,
                    message: "the base in joined is not a workflow: \(error)"))
        }
        ledger.startConnection()
        sync = SyncSession(doc: doc, options: .client, origin: AnyHashable(RelayOrigin()))
        phase = .syncing
        for message in sync.start() {
            guard let wire = WireMessage(message), send(wire) else { return }
        }
        // A new clock: a relay that saw us before (and cleared us when we dropped) keeps our old
        // one and would ignore the same clock again.
        awareness.renewLocalState(now: clock())
        announcePresence()
    }

    private func handleError(code: String, message: String) {
        guard phase == .joining else {
            pendingEvents.append(.error(code: code, message: message))
            return
        }
        // The answer to our join.
        if isInitialJoin {
            initialJoinFailure = .joinRefused(code: code, message: message)
            return
        }
        pendingEvents.append(.error(code: code, message: message))
        switch ErrorCode(rawValue: code) {
        case .internal?, .shuttingDown?, .rateLimited?, nil:
            connectionDropped(reason: message)  // Worth another try later.
        default:
            giveUpReconnecting()  // The workflow is gone or no longer ours to edit.
        }
    }

    // MARK: The base

    /// Resets the base to a workflow the relay sent; the marker follows on the next read.
    private func resetBase(_ workflowJSON: YAny, lockVersion version: Int) {
        do {
            setBase(try WireValues.workflow(from: workflowJSON), lockVersion: version)
        } catch {
            lockVersion = version
            pendingEvents.append(
                .error(
                    code: ErrorCode.malformedControl.rawValue,
                    message: "the relay's workflow could not be read: \(error)"))
        }
    }

    func setBase(_ workflow: Workflow, lockVersion version: Int) {
        base = workflow
        lockVersion = version
        baseGeneration &+= 1
    }
}
