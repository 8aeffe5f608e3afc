extension EditorState {
    /// Advances the editor by one event and returns what the world should do about it, in order.
    ///
    /// Pure: no I/O, no clock. Cheap for every event but a change of the workflow, which lays the graph
    /// out again (seeded from the current layout, so it does not reshuffle).
    public mutating func apply(_ event: EditorEvent) -> [EditorEffect] {
        switch event {
        case .key(let key):
            return handleKey(key)
        case .paste(let text):
            return handlePaste(text)
        case .resize(let width, let height):
            resize(Size(width: width, height: height))
            return []
        case .tick(let time):
            advanceClock(to: time)
            return []
        case .remoteChange(let change):
            let before = workflow
            let effects = applyRemoteChange(change)
            closeFormsOnVanishedEntities()
            keepInspectorOnItsField(from: before)
            return effects
        case .workflowSaved(let version):
            let before = workflow
            let effects = applyWorkflowSaved(version)
            closeFormsOnVanishedEntities()
            keepInspectorOnItsField(from: before)
            // A version saved by anyone clears the relay's messages (it validated).
            setRelayErrors(FieldErrors())
            return effects + saveIfRebaseWaited()
        case .localChange(let change):
            return applyLocalChange(change)
        case .saveRefused(let refusal):
            return applySaveRefused(refusal)
        case .saved(let version, let dirty):
            setLockVersion(version)
            setDirty(dirty)
            setRelayErrors(FieldErrors())
            setSavesAtVersion(nil)
            setPendingRebase(nil)
            toast(.info, "Saved version \(version).")
            if quitsAfterSave {
                setQuitsAfterSave(false)
                return [.quit]
            }
            return []
        case .saveFailed(let reason, let message):
            setQuitsAfterSave(false)
            toast(.error, "Not saved (\(reason)): \(message)")
            return []
        case .presence(let list):
            applyPresence(list)
            return []
        case .connection(let status):
            applyConnection(status)
            return []
        case .error(let message):
            toast(.error, message)
            return []
        case .notice(let message, let sticky):
            toast(.info, message, sticky: sticky)
            return []
        case .bodyCursorMoved(let jobID, let offset, let anchor):
            placeBodyCursor(jobID: jobID, utf16Offset: offset, anchor: anchor)
            return []
        case .validationErrors(let errors):
            setRelayErrors(errors)
            return []
        }
    }
}
