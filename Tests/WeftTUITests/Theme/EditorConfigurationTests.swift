import Testing

@testable import WeftTUI

@Suite struct EditorConfigurationTests {
    @Test func theCommandLineThenTheFileThenNoColourThenTheDefaultDecideTheTheme() {
        let file = EditorConfiguration.parse("theme = \"light\"\nascii = true\n", source: "config.toml")
        let none = EditorConfiguration()
        let noColour = ["NO_COLOR": "1"]

        #expect(file.ascii == true)
        #expect(file.themeName(commandLine: "high-contrast", environment: noColour) == "high-contrast")
        #expect(file.themeName(commandLine: nil, environment: noColour) == "light")
        #expect(none.themeName(commandLine: nil, environment: noColour) == "mono")
        #expect(none.themeName(commandLine: nil, environment: ["NO_COLOR": ""]) == "default")
        #expect(none.themeName(commandLine: nil, environment: [:]) == "default")
    }

    @Test func aBrokenFileIsReportedAndIgnored() {
        let broken = EditorConfiguration.parse("theme = ", source: "config.toml")
        #expect(broken.theme == nil)
        #expect(broken.problems.count == 1)
        let odd = EditorConfiguration.parse("colour = \"red\"", source: "config.toml")
        #expect(odd.problems == ["config.toml: unknown setting colour"])
    }
}
