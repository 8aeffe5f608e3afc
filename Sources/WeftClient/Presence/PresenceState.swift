import Foundation
import YCRDT

/// The awareness state Weft's clients publish, as JSON:
///
/// ```json
/// {"user": {"name": "Ann", "color": "#4ECDC4"},
///  "selected_node": "<node id>" | null,
///  "cursor": {"job_id": "<job id>", "position": "<base64 of an encoded Y.RelativePosition>",
///             "anchor": "<the same, for the selection's other end>" (only with a selection)} | null}
/// ```
///
/// `user` has Lightning's shape (`name`, `color`), so its clients show Weft's people and the other
/// way round. Reading is tolerant: a state without a `user` object (or with an empty name) is not a
/// person and is left out; unreadable `selected_node` and `cursor` read as absent.
enum PresenceState {
    static func encode(name: String, colour: String, selectedNodeID: String?, bodyCursor: BodyCursor?) -> YAny
    {
        var state: YObject = ["user": ["name": .string(name), "color": .string(colour)]]
        state["selected_node"] = selectedNodeID.map(YAny.string) ?? .null
        if let bodyCursor {
            var cursor: YObject = [
                "job_id": .string(bodyCursor.jobID),
                "position": .string(Data(bodyCursor.position.encoded()).base64EncodedString()),
            ]
            if let anchor = bodyCursor.anchor {
                cursor["anchor"] = .string(Data(anchor.encoded()).base64EncodedString())
            }
            state["cursor"] = .object(cursor)
        } else {
            state["cursor"] = .null
        }
        return .object(state)
    }

    static func collaborator(clientID: ClientID, state: YAny) -> Collaborator? {
        guard case .object(let object) = state, case .object(let user)? = object["user"],
            let name = user["name"]?.stringValue, !name.isEmpty
        else { return nil }
        let colour = user["color"]?.stringValue ?? UserColour.colour(forName: name)
        var cursor: BodyCursor?
        if case .object(let entry)? = object["cursor"], let jobID = entry["job_id"]?.stringValue,
            let encoded = entry["position"]?.stringValue, let bytes = Data(base64Encoded: encoded),
            let position = try? RelativePosition(decoding: Array(bytes))
        {
            let anchor = entry["anchor"]?.stringValue.flatMap { Data(base64Encoded: $0) }
                .flatMap { try? RelativePosition(decoding: Array($0)) }
            cursor = BodyCursor(jobID: jobID, position: position, anchor: anchor)
        }
        return Collaborator(
            clientID: clientID, name: name, colour: colour,
            selectedNodeID: object["selected_node"]?.stringValue, bodyCursor: cursor)
    }
}
