import Foundation
import Logging
import RemitCore
import RemitStore
import StreamEngine

extension StreamProcessor {
    /// The state of one run: the partitions this processor holds and what has not been committed yet.
    struct Loop {
        let processor: StreamProcessor
        /// Indexed by partition; nil where another processor (or nobody) holds it.
        var partitions = [PartitionState?](repeating: nil, count: APILogPartitions.count)
        var part: Int64
        var summary = Summary()
        var lastRebalanceMs: Int64 = 0
        var lastCommitMs: Int64 = 0
        var surplus: [Int] = []
        var pending = StreamStateStore.Commit()
        var imports: [APILogImport] = []
        /// The next batch, read while the previous one was processed: valid from `after`, for `partitions`.
        var prefetched: (after: FeedPosition, partitions: [Int]?, documents: [APILogEvent])?
        /// The source of the last document processed in this step's batch.
        var lastSource: (partition: Int, name: String, index: Int)?

        init(processor: StreamProcessor, part: Int64) {
            self.processor = processor
            self.part = part
        }

        var owned: [Int] { partitions.indices.filter { partitions[$0] != nil } }

        var hasPending: Bool {
            !pending.rows.isEmpty || !pending.transitions.isEmpty || !pending.quarantine.isEmpty
                || partitions.contains { $0?.dirty == true }
        }

        var queries: [WindowQuery] { processor.configuration.sinks.map(\.query) }

        /// Forgets everything not committed: the next step reloads the partitions from their checkpoints.
        mutating func dropUncommittedState() {
            partitions = [PartitionState?](repeating: nil, count: APILogPartitions.count)
            pending = StreamStateStore.Commit()
            surplus = []
            lastRebalanceMs = 0
            lastSource = nil
            prefetched = nil
        }

        /// One batch: read, process, close, commit when due. Returns whether the feed is caught up.
        mutating func step(untilCaughtUp: Bool = false) async throws -> Bool {
            lastSource = nil  // closing windows and rebalancing renumber sources: the cache lives one batch
            let now = processor.clock.unixMilliseconds().value  // the stream counts event time in raw milliseconds, as StreamEngine does
            try await rebalanceIfDue(now: now)
            let owned = self.owned
            guard !owned.isEmpty else { return true }
            let feed = ChangeFeed(database: processor.store)
            let horizon = try await feed.horizon()
            let cursor = owned.map { partitions[$0]!.position }.min()!
            let limit = processor.configuration.batchSize
            let filter = owned.count == APILogPartitions.count ? nil : owned
            let batch: [APILogEvent]
            if let prefetched, prefetched.after == cursor, prefetched.partitions == filter {
                batch = prefetched.documents
            } else {
                batch = try await feed.apiLogEvents(after: cursor, through: horizon, limit: limit, partitions: filter)
            }
            prefetched = nil
            // While this batch is processed and committed, the next one is read (the feed's reader and the engine
            // run on different cores).
            let full = batch.count == limit
            let nextAfter = batch.last?.position ?? cursor
            async let upcoming: [APILogEvent]? = full
                ? feed.apiLogEvents(after: nextAfter, through: horizon, limit: limit, partitions: filter) : nil
            let before = counters()
            var unconverted: [(position: FeedPosition, reason: String)] = []
            for document in batch {
                guard partitions[document.partition] != nil,
                      document.position > partitions[document.partition]!.position else { continue }
                partitions[document.partition]!.position = document.position
                partitions[document.partition]!.dirty = true
                if let reason = process(document) { unconverted.append((document.position, reason)) }
            }
            let conversionErrors = Int64(unconverted.count)
            if !unconverted.isEmpty { try await quarantine(unconverted, from: feed) }
            if let last = batch.last?.position {
                for partition in owned where partitions[partition]!.position < last {
                    partitions[partition]!.position = last
                }
            }
            let caughtUp = batch.count < limit
            let after = counters()
            processor.stats.input(events: Int64(batch.count), conversionErrors: conversionErrors,
                                  late: after.late - before.late, outOfOrder: after.outOfOrder - before.outOfOrder,
                                  dropped: after.dropped - before.dropped, atMs: now)
            summary.events += Int64(batch.count)
            summary.conversionErrors += conversionErrors
            if caughtUp { heartbeat(now: now) }
            try await endFinishedImports(scannedThrough: caughtUp ? horizon : (batch.last?.position.lsn ?? cursor.lsn) - 1,
                                         refresh: caughtUp || imports.isEmpty)
            close()
            let dirty = partitions.contains { $0?.dirty == true }
            let due = !pending.rows.isEmpty || !pending.transitions.isEmpty || !pending.quarantine.isEmpty || !surplus.isEmpty
                || (dirty && (untilCaughtUp && caughtUp || now - lastCommitMs >= processor.configuration.checkpointInterval.milliseconds))
            if due { try await commit(now: processor.clock.unixMilliseconds().value) }
            if let documents = try await upcoming { prefetched = (nextAfter, filter, documents) }
            processor.stats.progress(watermarkDelayMs: watermarkDelay(now: now), owned: self.owned,
                                     firing: partitions.compactMap { $0 }.reduce(0) { total, state in
                                         total + state.engine.sources.reduce(0) { $0 + ($1.alerts?.firing.count ?? 0) }
                                     })
            return caughtUp
        }

        /// Converts and admits one document; the reason when it cannot be converted.
        mutating func process(_ document: APILogEvent) -> String? {
            guard let micros = document.eventTimeMicros else {
                return "timestamp is not an ISO-8601 instant: \((document.unparsedTimestamp ?? "").prefix(64))"
            }
            guard document.latencyMs.isFinite, document.latencyMs >= 0 else {
                return "latency_ms is not a duration: \(document.latencyMs)"
            }
            guard let status = Int32(exactly: document.statusCode), (100...999).contains(status) else {
                return "status_code is not an HTTP status: \(document.statusCode)"
            }
            let partition = document.partition
            let name = document.source ?? "live"
            let source: Int
            // Documents come in runs of one source: the last one's index saves a lookup by name per document.
            if let last = lastSource, last.partition == partition, last.name == name {
                source = last.index
            } else {
                source = partitions[partition]!.engine.source(name)
                lastSource = (partition, name, source)
            }
            let merchant = partitions[partition]!.engine.interner.id(document.merchantID)
            let endpoint = partitions[partition]!.engine.interner.id(document.endpoint)
            partitions[partition]!.engine.process(source: source, eventTime: micros.floorDiv(1000), arrival: document.receivedMs,
                                                  merchant: merchant, endpoint: endpoint, statusCode: status,
                                                  latency: document.latencyMs)
            return nil
        }

        /// Documents that could not be converted go to the quarantine whole: read back from the store by position.
        mutating func quarantine(_ unconverted: [(position: FeedPosition, reason: String)], from feed: ChangeFeed)
            async throws
        {
            let documents = try await feed.apiLogs(at: unconverted.map(\.position))
            for (position, reason) in unconverted {
                let entry = documents[position]  // nil only if the row was deleted since it was read
                pending.quarantine.append((position, entry?.logID ?? "", reason, entry.map(Self.describe) ?? "{}"))
            }
        }

        static func describe(_ entry: APILogEntry) -> String {
            JSONValue.object([
                ("log_id", .string(entry.logID)), ("merchant_id", .optional(entry.merchantID)),
                ("endpoint", .string(entry.endpoint)), ("method", .string(entry.method)),
                ("status_code", .int(Int64(entry.statusCode))), ("latency_ms", .double(entry.latencyMs)),
                ("timestamp", .string(entry.timestamp)), ("request_id", .string(entry.requestID)),
            ]).rendered()
        }

        func counters() -> StreamEngine.Counters {
            var total = StreamEngine.Counters()
            for state in partitions.compactMap({ $0 }) {
                total.late += state.engine.counters.late
                total.outOfOrder += state.engine.counters.outOfOrder
                total.dropped += state.engine.counters.dropped
            }
            return total
        }

        /// Caught up with the feed: no live document still to come is older than now less the late tolerance (less
        /// a margin for documents committed just after they were stamped), so the live watermark may move there.
        mutating func heartbeat(now: Int64) {
            let floor = now - processor.configuration.policy.lateArrivalToleranceMs - processor.configuration.heartbeatMarginMs
            for partition in owned {
                if let live = partitions[partition]!.engine.existingSource("live") {
                    partitions[partition]!.engine.heartbeat(source: live, floor: floor)
                }
            }
        }

        /// Imports whose every document has been read have ended: their last windows may close.
        mutating func endFinishedImports(scannedThrough lsn: Int64, refresh: Bool) async throws {
            if refresh { imports = try await ChangeFeed(database: processor.store).apiLogImports() }
            for finished in imports where finished.lastLSN <= lsn {
                for partition in owned {
                    if let source = partitions[partition]!.engine.existingSource(finished.source),
                       !partitions[partition]!.engine.sources[source].watermark.ended {
                        partitions[partition]!.engine.end(source: source)
                        partitions[partition]!.dirty = true
                    }
                }
            }
        }

        /// Takes every window the watermarks have passed into the pending commit.
        mutating func close() {
            for partition in owned {
                let (rows, transitions) = partitions[partition]!.engine.closeReady()
                var closed = Set<String>()
                for row in rows where closed.insert("\(row.source)|\(row.query)|\(row.windowEnd)").inserted {
                    pending.closedWindows.append((partition, row.source, row.query, row.windowEnd))
                }
                pending.rows += rows
                pending.transitions += transitions
                _ = partitions[partition]!.engine.removeFinishedSources()
                if !rows.isEmpty || !transitions.isEmpty { partitions[partition]!.dirty = true }
            }
        }

        mutating func commit(now: Int64) async throws {
            var commit = pending
            for partition in owned {
                for delta in partitions[partition]!.engine.takeDeltas() { commit.parts.append((partition, delta)) }
                commit.checkpoints.append((partition, partitions[partition]!.position,
                                           PartitionCheckpoint(partitions[partition]!.engine).json))
            }
            let leaseMs = processor.leases.durationMs
            do {
                try await processor.stateStore.write(commit, part: part, owner: processor.node, leaseUntil: now + leaseMs,
                                                     now: now)
            } catch {
                // takeDeltas marked the parts durable: only a reload from the checkpoints is right now.
                dropUncommittedState()
                throw error
            }
            part += 1
            lastCommitMs = now
            let live = commit.rows.filter { $0.source == "live" }.map { now - $0.windowEnd }
            processor.stats.emitted(windows: Int64(commit.rows.count), liveLatenciesMs: live, atMs: now)
            summary.windows += Int64(commit.rows.count)
            for (_, transition) in commit.transitions {
                if case .fired = transition { summary.alertsFired += 1 } else { summary.alertsResolved += 1 }
            }
            pending = StreamStateStore.Commit()
            for partition in owned { partitions[partition]!.dirty = false }
            if !commit.transitions.isEmpty { try await processor.notifyPending() }
            if !surplus.isEmpty {
                for partition in surplus { partitions[partition] = nil }
                try await processor.leases.release(surplus)
                surplus = []
            }
        }

        mutating func rebalanceIfDue(now: Int64) async throws {
            let interval = processor.leases.durationMs / 3
            guard owned.isEmpty || now - lastRebalanceMs >= interval || now < lastRebalanceMs else { return }
            lastRebalanceMs = now
            let (held, extra) = try await processor.leases.rebalance(now: now)
            for partition in partitions.indices where partitions[partition] != nil && !held.contains(partition) {
                processor.logger.warning("stream partition taken over by another processor", metadata: ["partition": "\(partition)"])
                partitions[partition] = nil
            }
            for partition in held.sorted() where partitions[partition] == nil {
                partitions[partition] = try await load(partition)
            }
            surplus = extra
            summary.partitions = held.count
        }

        func load(_ partition: Int) async throws -> PartitionState {
            let (position, checkpoint, parts) = try await processor.stateStore.load(partition: partition)
            var engine = StreamEngine(queries: queries, policy: processor.configuration.policy, alertQuery: "merchant_errors")
            for (name, source) in checkpoint.sources.sorted(by: { $0.key < $1.key }) {
                engine.restore(source: name, watermark: source.watermark, alerts: source.alerts)
            }
            for part in parts { engine.restore(part) }
            return PartitionState(engine: engine, position: position)
        }

        /// Wall clock minus the oldest live watermark this processor holds.
        func watermarkDelay(now: Int64) -> Int64? {
            let watermarks = partitions.compactMap { state -> Int64? in
                guard let state, let live = state.engine.existingSource("live") else { return nil }
                let watermark = state.engine.sources[live].watermark.watermark
                return watermark == Int64.min ? nil : watermark
            }
            return watermarks.min().map { now - $0 }
        }
    }
}

extension Duration {
    var milliseconds: Int64 { components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000 }
}
