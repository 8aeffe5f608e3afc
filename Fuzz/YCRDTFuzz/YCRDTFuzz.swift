// A libFuzzer target over YCRDT's update v1 decoder and its integration into a document.
//
// Two builds of one file (docs/fuzzing.md has the commands):
//
// - `swift build` (no flags): a replay tool. `YCRDTFuzz FILE_OR_DIR...` runs the fuzzer's check on
//   each input — a crash input libFuzzer saved replays here under a debugger — and
//   `YCRDTFuzz --make-corpus OUT FIXTURES` writes a seed corpus from the project's fixtures.
// - with `-sanitize=fuzzer,address -D FUZZING -enable-experimental-feature Extern`: a libFuzzer
//   binary. SwiftPM links every executable with `main` aliased to the module's `@main` entry point,
//   so libFuzzer's own `main` cannot be used; instead our `@main` hands the command line to
//   `LLVMFuzzerRunDriver`, libFuzzer's documented entry for programs that have their own `main`,
//   which then calls `LLVMFuzzerTestOneInput` with each input it generates.
import Foundation
import YCRDT

/// What one input must satisfy. Any violation traps, which is what libFuzzer reports as a crash.
///
/// 1. Applying it to a fresh document either throws a `DecodingError` — and then the document is
///    exactly as it was — or succeeds (content may wait as pending structs or deletes).
/// 2. If it succeeds, the document's own encoding must apply to a second fresh document without an
///    error, and give the same state vector, the same content in every root and the same encoding.
/// 3. Applying the input a second time changes nothing (updates are idempotent).
/// 4. The encoding-only operations (`Updates.stateVector`, `diff`, `merge`) never trap either, and
///    merging the input with itself applies to the same state.
func checkOneInput(_ input: [UInt8]) {
    let empty = Doc(clientID: 1).encodeStateAsUpdate()
    let first = Doc(clientID: 1)
    do {
        try first.applyUpdate(input)
    } catch {
        // The error is typed: `applyUpdate` throws only `DecodingError`.
        let after = first.encodeStateAsUpdate()
        require(after == empty, "a rejected update changed the document", input)
        exerciseEncodingOperations(input)
        return
    }
    let encoded = first.encodeStateAsUpdate()
    let second = Doc(clientID: 2)
    do {
        try second.applyUpdate(encoded)
    } catch {
        fail("the document's own encoding does not apply: \(error)", input)
    }
    require(second.stateVector == first.stateVector, "state vectors differ after a round trip", input)
    require(second.contentJSON().isEquivalent(to: first.contentJSON()), "content differs after a round trip", input)
    require(second.encodeStateAsUpdate() == encoded, "the encoding differs after a round trip", input)

    do {
        try first.applyUpdate(input)
    } catch {
        fail("an update that applied once fails the second time: \(error)", input)
    }
    require(first.encodeStateAsUpdate() == encoded, "applying the same update twice changed the document", input)

    exerciseEncodingOperations(input)
    if let merged = try? Updates.merge([input, input]) {
        let third = Doc(clientID: 3)
        do {
            try third.applyUpdate(merged)
        } catch {
            fail("an update merged with itself does not apply: \(error)", input)
        }
        require(third.stateVector == first.stateVector, "an update merged with itself has another state", input)
    }
}

/// The update operations that need no document must not trap on any input.
func exerciseEncodingOperations(_ input: [UInt8]) {
    _ = try? Updates.stateVector(of: input)
    _ = try? Updates.diff(input, since: StateVector([1: 1, 0: 3, 0xFFFF_FFFF: 2]))
    _ = try? StateVector(decoding: input)
}

func require(_ condition: Bool, _ message: @autoclosure () -> String, _ input: [UInt8]) {
    if !condition { fail(message(), input) }
}

func fail(_ message: String, _ input: [UInt8]) -> Never {
    let hex = input.prefix(512).map { String(format: "%02x", $0) }.joined()
    fatalError("YCRDTFuzz: \(message); input (\(input.count) bytes): \(hex)")
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    checkOneInput(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}

#if FUZZING
    @_extern(c, "LLVMFuzzerRunDriver")
    func LLVMFuzzerRunDriver(
        _ argc: UnsafeMutablePointer<CInt>,
        _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
        _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt
    ) -> CInt

    /// libFuzzer takes over: its options and corpus directories are this program's arguments.
    @main
    enum YCRDTFuzzMain {
        static func main() {
            var argc = CommandLine.argc
            var argv = CommandLine.unsafeArgv
            exit(LLVMFuzzerRunDriver(&argc, &argv, fuzz))
        }
    }
#else
    /// Without libFuzzer: replay inputs, or write a seed corpus.
    @main
    enum YCRDTFuzzMain {
        static func main() throws {
            var arguments = Array(CommandLine.arguments.dropFirst())
            if arguments.first == "--make-corpus" {
                arguments.removeFirst()
                guard arguments.count == 2 else { usage() }
                try SeedCorpus.write(to: URL(fileURLWithPath: arguments[0]), fixtures: URL(fileURLWithPath: arguments[1]))
                return
            }
            guard !arguments.isEmpty, !arguments.contains(where: { $0.hasPrefix("-") }) else { usage() }
            var count = 0
            for path in arguments {
                for file in try files(at: URL(fileURLWithPath: path)) {
                    checkOneInput([UInt8](try Data(contentsOf: file)))
                    count += 1
                }
            }
            print("YCRDTFuzz: \(count) inputs checked, no failure")
        }

        static func files(at url: URL) throws -> [URL] {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
                throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: url.path])
            }
            guard isDirectory.boolValue else { return [url] }
            return try FileManager.default.contentsOfDirectory(at: url, includingPropertiesForKeys: nil)
                .filter { !$0.lastPathComponent.hasPrefix(".") }
                .sorted { $0.path < $1.path }
        }

        static func usage() -> Never {
            let message = """
                usage: YCRDTFuzz FILE_OR_DIRECTORY...       check each input as the fuzzer does
                       YCRDTFuzz --make-corpus OUT FIXTURES  write seed inputs from the fixtures folder
                (built with -sanitize=fuzzer -D FUZZING it is a libFuzzer binary instead; docs/fuzzing.md)

                """
            FileHandle.standardError.write(Data(message.utf8))
            exit(2)
        }
    }

    /// Seed inputs: real updates, small enough for libFuzzer's default 4 KB input size.
    enum SeedCorpus {
        static let maximumSize = 4096

        static func write(to directory: URL, fixtures: URL) throws {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            var seeds: [[UInt8]] = []
            // The annotated example of the wire reference, §1.6, and its one-char delete.
            seeds.append(hexBytes("010401000701046a6f627301280001000269640177016128000100046e616d6501770178040104626f647902686900"))
            seeds.append(hexBytes("000101010301"))
            // Updates made here: nested maps, arrays of maps, text with emoji, deletes, every Any kind.
            seeds.append(contentsOf: try generatedUpdates())
            // Every 40th case of y-crdt's conformance set: each update, and all of them merged.
            let dataset = fixtures.appendingPathComponent("yjs/small-test-dataset.bin")
            if let data = try? Data(contentsOf: dataset) {
                var decoder = Lib0Decoder([UInt8](data))
                let cases = try decoder.readCount()
                for number in 0..<cases {
                    var updates: [[UInt8]] = []
                    for _ in 0..<(try decoder.readCount()) { updates.append(Array(try decoder.readVarBytes())) }
                    _ = try decoder.readVarString()
                    _ = try decoder.readAny()
                    _ = try decoder.readAny()
                    guard number % 40 == 0 else { continue }
                    seeds.append(contentsOf: updates)
                    seeds.append(try Updates.merge(updates))
                }
            } else {
                print("YCRDTFuzz: no \(dataset.path); seeding without the conformance set")
            }
            var written = 0
            for seed in Set(seeds) where seed.count <= maximumSize {
                let name = String(format: "seed-%04d", written)
                try Data(seed).write(to: directory.appendingPathComponent(name))
                written += 1
            }
            print("YCRDTFuzz: wrote \(written) seed inputs to \(directory.path)")
        }

        static func generatedUpdates() throws -> [[UInt8]] {
            var updates: [[UInt8]] = []
            let doc = Doc(clientID: 1 << 40 | 3)
            let subscription = doc.observeUpdates { update, _ in updates.append(update) }
            defer { subscription.cancel() }
            try doc.map("workflow").set("name", "héllo 😀")
            try doc.array("jobs").insert(
                [.map(["id": "a", "body": .text("fn(state => state) // é😀"), "n": .value(.integer(1 << 40))])], at: 0)
            try doc.array("jobs").insert(
                [.value(.null), .value(.bool(true)), .value(.double(0.5)), .value(.binary([0, 255])),
                 .value(["k": [1, "x"]]), .value(.undefined), .value(.bigInt(-7))], at: 1)
            if let body = doc.array("jobs")[0]?.mapValue?["body"]?.textValue {
                try body.insert("ü", at: 3)
                try body.delete(1..<5)
            }
            try doc.text("t").insert("a👍🏽b🇫🇷c", at: 0)
            try doc.text("t").insert("\u{301}", at: 1)
            try doc.text("t").delete(2..<3)
            try doc.array("jobs").delete(at: 2, count: 3)
            try doc.map("workflow").remove("name")
            updates.append(doc.encodeStateAsUpdate())
            return updates
        }

        static func hexBytes(_ hex: String) -> [UInt8] {
            var bytes: [UInt8] = []
            var index = hex.startIndex
            while index < hex.endIndex {
                let next = hex.index(index, offsetBy: 2)
                bytes.append(UInt8(hex[index..<next], radix: 16)!)
                index = next
            }
            return bytes
        }
    }
#endif
