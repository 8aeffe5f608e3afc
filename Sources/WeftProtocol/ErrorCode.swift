/// The `code` of an `error` control message: what went wrong, for programs; the message says it for
/// people.
///
/// ``ControlMessage/error(code:message:)`` carries the code as a string so that a code added by a
/// newer relay still decodes; ``ControlMessage/errorCode`` reads it back as this type when it is known.
public enum ErrorCode: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    // The bytes (ProtocolError.code): the first two close the connection.

    /// A frame's length is above the limit (16 MiB by default). The connection is closed.
    case frameTooLarge = "frame_too_large"
    /// A frame or y-protocols message is not well formed: zero length, bad varint, truncated body,
    /// bytes left over. A zero length closes the connection; a bad message inside a whole frame is
    /// dropped and the connection stays.
    case malformedFrame = "malformed_frame"
    /// A message type (or sync sub-type) the relay does not know.
    case unknownMessageType = "unknown_message_type"
    /// A control message that is not a JSON object with a string `type`, or whose fields have the
    /// wrong types.
    case malformedControl = "malformed_control"
    /// A well-formed control message of a type the relay does not know.
    case unknownControlType = "unknown_control_type"
    /// A message the relay does not accept from a client (a `joined`, say, or an awareness update
    /// for another client).
    case unexpectedMessage = "unexpected_message"

    // Sessions.

    /// A document, awareness or save message before `join`.
    case notJoined = "not_joined"
    /// A second `join` on a connection that has joined (send `leave` first).
    case alreadyJoined = "already_joined"
    /// No workflow with that id or `project/workflow` name.
    case workflowNotFound = "workflow_not_found"
    /// No project with that id or name (list, deploy).
    case projectNotFound = "project_not_found"
    /// The connection's user has no role that allows this (joining a project it cannot see, deploying).
    case forbidden = "forbidden"
    /// A viewer sent a document update; it was not applied.
    case readOnly = "read_only"
    /// The workflow has no version with that lock_version (`show_version`, `restore`).
    case versionNotFound = "version_not_found"
    /// No discarded draft with that id (`restore_draft`).
    case draftNotFound = "draft_not_found"
    /// The draft was restored before; it is not applied twice.
    case draftAlreadyRestored = "draft_already_restored"

    // Documents and limits.

    /// A document update that cannot be applied (not a valid update, or it breaks the document's
    /// shape); nothing of it was applied.
    case updateRejected = "update_rejected"
    /// Applying the update would make the document larger than the relay's limit.
    case documentTooLarge = "document_too_large"
    /// The connection sends faster than the relay allows.
    case rateLimited = "rate_limited"
    /// The connection does not read what the relay sends; its queue is full and it is disconnected.
    case slowConsumer = "slow_consumer"

    // The relay itself.

    /// The relay failed; the message says how. The request may be retried.
    case `internal` = "internal"
    /// The relay is stopping; connect again later.
    case shuttingDown = "shutting_down"

    public var description: String { rawValue }
}
