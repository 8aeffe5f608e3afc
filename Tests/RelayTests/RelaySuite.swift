import Testing

/// Integration tests of the real `weft relay` process (issue #5, "Show"): each test starts the built
/// binary on a scratch socket and database under /tmp, drives it over the socket with the Swift client
/// (``TestEditor``), pycrdt and the `weft` CLI, and stops it (SIGTERM, then SIGKILL) even when it fails.
///
/// The suites run one after another: they start processes, kill them and time things, and a 2-core
/// CI machine running several relays at once would only make the timings noisy.
@Suite("weft relay", .serialized)
struct RelaySuite {}
