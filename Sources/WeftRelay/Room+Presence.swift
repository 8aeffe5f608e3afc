import Foundation
import Logging
import WeftProtocol
import WeftStore
import WorkflowModel
import YCRDT

// Presence across relays (issue #9): this room's clients' awareness for the other relays, and theirs
// for this room's clients.

extension Room {
    /// Takes presence another relay sent for this workflow (several relays on one database). An update is
    /// applied with the usual rules, the presence timeout included, and passed on to this relay's clients;
    /// it never changes the clients of this relay's own connections, which speak for themselves. A query
    /// is answered with this relay's clients' states. A room nobody has joined ignores both.
    func receiveRemotePresence(_ signal: PresenceSignal) {
        guard !sessions.isEmpty else { return }
        let own = awarenessClients.values.reduce(into: Set<ClientID>()) { $0.formUnion($1) }
        switch signal {
        case .query:
            sharePresence(of: own.filter { awareness.states[$0] != nil }.sorted())
        case .update(let bytes):
            guard let update = try? AwarenessUpdate(decoding: bytes) else {
                services.logger.debug(
                    "ignored invalid presence from another relay", metadata: ["workflow": "\(workflowID)"])
                return
            }
            let theirs = update.entries.filter { !own.contains($0.clientID) && $0.clientID != awareness.clientID }
            remoteClients.formUnion(theirs.map(\.clientID))
            let changed = awareness.apply(AwarenessUpdate(theirs), origin: nil, now: services.now()).changedClients
            if !changed.isEmpty { broadcast(.awareness(awareness.encodeUpdate(clients: changed)), except: nil) }
        }
    }

    /// Asks the other relays serving this workflow who is present on them (the first join).
    func askOtherRelaysForPresence() {
        guard services.store.isShared else { return }
        services.presence.ask(workflowID: workflowID)
    }

    /// Passes the current entries of these clients of this relay to the other relays, with the relay's
    /// next presence send (``PresenceSender``: at most once per ``RelayServices/presenceShareInterval``
    /// for all rooms, the newest entry of each client winning meanwhile).
    func sharePresence(of clients: [ClientID]) {
        guard services.store.isShared, !clients.isEmpty else { return }
        let entries = clients.compactMap { client in
            awareness.meta[client].map {
                AwarenessUpdate.Entry(clientID: client, clock: $0.clock, state: awareness.states[client])
            }
        }
        services.presence.share(entries, workflowID: workflowID)
    }

    /// The relay is stopping: marks any client still here offline for the other relays, with the next
    /// send (which the registry makes at once for every room: ``RoomRegistry/compactAll()``), so they need
    /// not wait for the presence timeout.
    func shareLeavingPresence() {
        guard services.store.isShared else { return }
        let own = awarenessClients.values.reduce(into: Set<ClientID>()) { $0.formUnion($1) }
        // Offline at the clock the others know wins (y-protocols awareness).
        let gone = own.sorted().compactMap { client in
            awareness.meta[client].map { AwarenessUpdate.Entry(clientID: client, clock: $0.clock, state: nil) }
        }
        services.presence.share(gone, workflowID: workflowID)
    }

    func startPresenceSweep() {
        guard presenceSweep == nil else { return }
        // y-protocols checks a tenth of the timeout; at most every 3 s.
        let interval = min(services.configuration.presenceTimeout / 10, .seconds(3))
        presenceSweep = Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                guard !Task.isCancelled else { return }
                await self?.expirePresence()
            }
        }
    }

    /// Drops presence not renewed within the timeout and tells everyone it went offline.
    private func expirePresence() {
        let changes = awareness.removeOutdated(now: services.now())
        guard !changes.removed.isEmpty else { return }
        for (session, clients) in awarenessClients {
            awarenessClients[session] = clients.subtracting(changes.removed)
        }
        broadcast(.awareness(awareness.encodeUpdate(clients: changes.removed)), except: nil)
    }
}
