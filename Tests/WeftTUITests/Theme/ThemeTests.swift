import Foundation
import Testing
import WeftTestSupport

@testable import WeftTUI

@Suite struct ThemeTests {
    @Test func theBuiltInThemesAreTheFilesOfTheThemesFolder() throws {
        let folder = try ProjectRoot.url().appendingPathComponent("themes")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".toml") }
        #expect(Set(files.map { String($0.dropLast(5)) }) == Set(BuiltInThemes.texts.keys))
        for file in files {
            let text = String(decoding: try Data(contentsOf: folder.appendingPathComponent(file)), as: UTF8.self)
            #expect(
                BuiltInThemes.texts[String(file.dropLast(5))].map { $0 + "\n" } == text,
                "Sources/WeftTUI/Theme/BuiltInThemes.swift must hold themes/\(file) as it is")
        }
    }

    @Test func everyBuiltInThemeParsesWithoutWarnings() throws {
        let catalog = ThemeCatalog(userDirectory: nil)
        for name in BuiltInThemes.texts.keys {
            let theme = try catalog.load(name)
            #expect(theme.warnings.isEmpty, "\(name): \(theme.warnings)")
            #expect(theme.name == name)
        }
    }

    @Test func rolesFallBackToTheirLongestPrefixThenText() throws {
        let theme = try ThemeParser.parse(
            """
            name = "t"
            [styles]
            "text" = { fg = "white" }
            "edge" = { fg = "blue" }
            "edge.on_job_failure" = { fg = "red", modifiers = ["bold"] }
            """, source: "t.toml")
        let resolved = theme.resolved(depth: .ansi16)

        #expect(resolved.style(for: .edge(.onJobFailure)) == ResolvedStyle(foreground: .indexed(1), modifiers: [.bold]))
        #expect(resolved.style(for: .edge(.always)).foreground == .indexed(4))
        #expect(resolved.style(for: .nodeJob).foreground == .indexed(7))
    }

    @Test func aChildThemeOverridesItsParentKeyByKey() throws {
        let light = try ThemeCatalog(userDirectory: nil).load("light")
        let resolved = light.resolved(depth: .ansi16)

        #expect(resolved.style(for: .accent).foreground == .indexed(4))  // light's blue
        #expect(resolved.style(for: .edge(.onJobSuccess)).foreground == .indexed(2))  // default's style, light's palette
        #expect(resolved.style(for: .status).modifiers == [.reverse])  // inherited
    }

    @Test func colourFallsBackFromRGBTo256To16To8AndToNoneInMonochrome() throws {
        let theme = try ThemeParser.parse(
            """
            name = "rgb"
            [palette]
            teal = { rgb = "#008787", ansi = "cyan" }
            grey = "#808080"
            [styles]
            "accent" = { fg = "teal", bg = "bright-red", modifiers = ["bold"] }
            "muted" = { fg = "grey" }
            """, source: "rgb.toml")

        #expect(theme.resolved(depth: .xterm256).style(for: .accent).foreground == .indexed(30))
        #expect(theme.resolved(depth: .xterm256).style(for: .muted).foreground == .indexed(244))
        #expect(theme.resolved(depth: .ansi16).style(for: .accent) == ResolvedStyle(foreground: .indexed(6), background: .indexed(9), modifiers: [.bold]))
        #expect(theme.resolved(depth: .ansi8).style(for: .accent).background == .indexed(1))
        #expect(theme.resolved(depth: .monochrome).style(for: .accent) == ResolvedStyle(modifiers: [.bold]))
        #expect(theme.resolved(depth: .monochrome).isMonochrome)
    }

    @Test func theMonoThemeIsMonochromeAndKeepsTheSelectionVisible() throws {
        let mono = try ThemeCatalog(userDirectory: nil).load("mono").resolved(depth: .xterm256)

        #expect(mono.isMonochrome)
        #expect(mono.style(for: .nodeSelected).modifiers.contains(.reverse))
        #expect(mono.style(for: .status).modifiers.contains(.reverse))
    }

    @Test func unknownKeysAreWarningsAndBrokenFilesSayWhere() throws {
        let theme = try ThemeParser.parse(
            """
            name = "odd"
            colour = "blue"
            [styles]
            "text" = { fg = "chartreuse", modifiers = ["blink"] }
            """, source: "odd.toml")
        #expect(theme.warnings.count == 3)

        #expect(throws: ThemeError.self) { try ThemeParser.parse("name = ", source: "bad.toml") }
        #expect(throws: ThemeError.self) { try ThemeCatalog(userDirectory: nil).load("no-such-theme") }
    }

    @Test func aUserThemeInheritsABuiltInOne() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("weft-themes-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data("name = \"mine\"\ninherits = \"default\"\n[palette]\naccent = \"yellow\"\n".utf8)
            .write(to: folder.appendingPathComponent("mine.toml"))

        let theme = try ThemeCatalog(userDirectory: folder.path).load("mine")
        #expect(theme.resolved(depth: .ansi16).style(for: .accent).foreground == .indexed(3))
        #expect(ThemeCatalog(userDirectory: folder.path).availableNames.contains("mine"))
    }
}
