/// The collaborators list (`w`, `:who`): everyone on the workflow, by initials in their colour and
/// name, with what each has selected; you first.
public enum WhoOverlay {
    public static func lines(for state: EditorState) -> [StyledLine] {
        var lines: [StyledLine] = []
        let you = Participant.initials(of: state.userName)
        lines.append(
            StyledLine([
                .init(DisplayWidth.pad(you, toColumns: 4), .accent),
                .init(DisplayWidth.pad(state.userName + " (you)", toColumns: 18)),
                .init(state.lookingAt(state.selectedID), .muted),
            ]))
        for participant in state.participants {
            lines.append(
                StyledLine([
                    .init(
                        DisplayWidth.pad(participant.initials, toColumns: 4),
                        .presence(participant.colourIndex)),
                    .init(DisplayWidth.pad(participant.name, toColumns: 18)),
                    .init(state.lookingAt(participant.selectedID), .muted),
                ]))
        }
        if state.participants.isEmpty {
            lines.append(.empty)
            lines.append(StyledLine("Nobody else is here now.", .muted))
        }
        return lines
    }
}
