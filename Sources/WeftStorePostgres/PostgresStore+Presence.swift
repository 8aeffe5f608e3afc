import Foundation
import PostgresNIO
import WeftStore

extension PostgresStore {
    /// Sends presence to every other store listening on the database (``changes()``), on the same channel
    /// as the changes, in a transaction of its own: the others get it at once, this store never. An update too
    /// large for one notification is split by client; a client's state that alone exceeds PostgreSQL's
    /// 8,000-byte limit is left out, and a notification that cannot be sent is dropped, each with a debug
    /// log: presence is best effort, and the presence timeout clears what is never renewed.
    public func sendPresence(_ signal: PresenceSignal, workflowID: String) async {
        await sendPresence([WorkflowPresenceSignal(workflowID: workflowID, signal: signal)])
    }

    /// Sends several workflows' presence as ``sendPresence(_:workflowID:)`` sends one's, all in one
    /// statement of one transaction: however many workflows it holds, the batch takes one connection of
    /// the pool once, and PostgreSQL's notification lock once.
    public func sendPresence(_ batch: [WorkflowPresenceSignal]) async {
        var payloads: [String] = []
        for item in batch {
            let (sent, dropped) = PresenceNotice.payloads(
                item.signal, workflowID: item.workflowID, origin: presenceOrigin)
            if dropped > 0 {
                logger.debug(
                    "presence too large for a notification was not sent to the other relays",
                    metadata: ["workflow": "\(item.workflowID)", "clients": "\(dropped)"])
            }
            payloads += sent
        }
        guard !payloads.isEmpty else { return }
        do {
            // Nothing to make durable: the commit that delivers the notifications need not wait for the disk.
            try await autocommitSession { sql in
                try await sql.run(
                    """
                    SELECT set_config('synchronous_commit', 'off', true), pg_notify(\(sql.channel), p)
                    FROM UNNEST(\(payloads)::TEXT[]) AS p
                    """)
            }
        } catch {
            logger.debug(
                "presence was not sent to the other relays",
                metadata: ["workflows": "\(Set(batch.map(\.workflowID)).count)", "error": "\(error)"])
        }
    }
}
