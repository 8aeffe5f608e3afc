import Foundation
struct PeerBenchmarks { let fixtures: FixtureFiles; let packageRoot: URL; func run(into report: inout Report) {} }
