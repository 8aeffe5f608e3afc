import Prometheus

/// The relay's Prometheus metrics. Counters are bumped where things happen; gauges are read when
/// the metrics are scraped.
final class RelayMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    let updatesCommitted: Counter
    let commitBatches: Counter
    let connectionsAccepted: Counter
    let framesReceived: Counter
    let deploys: Counter
    let openConnections: Gauge
    let loadedRooms: Gauge
    let logQueueDepth: Gauge
    let storeBytes: Gauge

    init() {
        func name(_ metric: String, unit: String, _ help: String) -> MetricNameDescriptor {
            MetricNameDescriptor(namespace: "weft", metricName: metric, unitName: unit, helpText: help)
        }
        updatesCommitted = registry.makeCounter(
            descriptor: name("updates_committed", unit: "total", "Document updates committed to the store's log."))
        commitBatches = registry.makeCounter(
            descriptor: name("log_commits", unit: "total", "Log transactions (each commits a group of updates)."))
        connectionsAccepted = registry.makeCounter(
            descriptor: name("connections_accepted", unit: "total", "Client connections accepted."))
        framesReceived = registry.makeCounter(
            descriptor: name("frames_received", unit: "total", "Frames read from clients."))
        deploys = registry.makeCounter(
            descriptor: name("deploys", unit: "total", "Deploys handled, committed or refused."))
        openConnections = registry.makeGauge(
            descriptor: name("connections_open", unit: "", "Client connections open now."))
        loadedRooms = registry.makeGauge(descriptor: name("rooms_loaded", unit: "", "Workflow documents loaded now."))
        logQueueDepth = registry.makeGauge(
            descriptor: name("log_queue_depth", unit: "", "Updates waiting for the next commit."))
        storeBytes = registry.makeGauge(descriptor: name("store", unit: "bytes", "Size of the database file."))
    }
}
