import RemitSQL
import Synchronization

/// Group commit for SQLite's single writer: concurrent write transactions are queued, and one of their
/// own tasks (the leader) runs a batch of them inside one `BEGIN IMMEDIATE … COMMIT`, each in its own
/// `SAVEPOINT`, so each stays all-or-nothing while the batch shares one WAL commit.
///
/// No result is delivered before the batch's COMMIT succeeded. A body that throws rolls back to its
/// savepoint and fails alone. Leadership passes to the next queued transaction's task after each batch,
/// so no caller drains the queue for others forever. No extra task is created.
final class GroupCommit: Sendable {
    /// Transactions per batch: bounds how long a leader works for others.
    static let batchMax = 64

    private struct State {
        var queue: [Job] = []
        var head = 0
        var leaderActive = false

        var pending: Int { queue.count - head }

        mutating func take(_ count: Int) -> [Job] {
            let batch = Array(queue[head..<min(queue.count, head + count)])
            head += batch.count
            if head > 256 && head * 2 > queue.count {
                queue.removeFirst(head)
                head = 0
            }
            return batch
        }
    }

    private let state = Mutex(State())
    private let handle: SQLiteHandle

    init(handle: SQLiteHandle) {
        self.handle = handle
    }

    func write<T: Sendable>(_ body: @Sendable @escaping (any SQLConnection) async throws -> T) async throws -> T {
        let box = ResultBox<T>()
        let job = Job(run: { connection in box.value = try await body(connection) })
        let lead = state.withLock { state in
            state.queue.append(job)
            if state.leaderActive { return false }
            state.leaderActive = true
            return true
        }
        var outcome = lead ? Job.Outcome.lead : await job.signal.wait()
        if case .lead = outcome {
            await runBatch()
            outcome = await job.signal.wait()
        }
        switch outcome {
        case .committed: return box.value!
        case .failed(let error): throw error
        case .lead: preconditionFailure("a job is led once")
        }
    }

    /// Runs the next batch (which starts with the leader's own job), then hands leadership on.
    private func runBatch() async {
        let batch = state.withLock { $0.take(Self.batchMax) }
        precondition(!batch.isEmpty, "a leader always has its own job queued")
        let connection = SQLiteConnection(handle: handle)
        var outcomes: [Job.Outcome] = []
        var batchError: (any Error)?
        do {
            try handle.exec("BEGIN IMMEDIATE")
            for job in batch {
                try handle.exec("SAVEPOINT job")
                do {
                    try await job.run(connection)
                    try handle.exec("RELEASE job")
                    outcomes.append(.committed)
                } catch {
                    // If SQLite already rolled the whole transaction back, this throws and fails the batch.
                    try handle.exec("ROLLBACK TO job")
                    try handle.exec("RELEASE job")
                    outcomes.append(.failed(error))
                }
            }
            try handle.exec("COMMIT")
        } catch {
            try? handle.exec("ROLLBACK")
            batchError = error
        }
        for (index, job) in batch.enumerated() {
            if let batchError {
                job.signal.send(.failed(batchError))
            } else {
                job.signal.send(outcomes[index])
            }
        }
        let next: Job? = state.withLock { state in
            guard state.pending > 0 else {
                state.leaderActive = false
                return nil
            }
            return state.queue[state.head]
        }
        next?.signal.send(.lead)
    }
}

/// One queued transaction.
final class Job: Sendable {
    enum Outcome: Sendable {
        case committed
        case failed(any Error)
        /// This job's task must now run a batch.
        case lead
    }

    let run: @Sendable (any SQLConnection) async throws -> Void
    let signal = Signal()

    init(run: @escaping @Sendable (any SQLConnection) async throws -> Void) {
        self.run = run
    }

    /// Delivers outcomes in order to the job's task, whether it is already waiting or not.
    final class Signal: Sendable {
        private let state = Mutex<(outcomes: [Outcome], waiter: CheckedContinuation<Outcome, Never>?)>(([], nil))

        func send(_ outcome: Outcome) {
            let waiter: CheckedContinuation<Outcome, Never>? = state.withLock { state in
                if let waiter = state.waiter {
                    state.waiter = nil
                    return waiter
                }
                state.outcomes.append(outcome)
                return nil
            }
            waiter?.resume(returning: outcome)
        }

        func wait() async -> Outcome {
            await withCheckedContinuation { continuation in
                let ready: Outcome? = state.withLock { state in
                    if !state.outcomes.isEmpty { return state.outcomes.removeFirst() }
                    state.waiter = continuation
                    return nil
                }
                if let ready { continuation.resume(returning: ready) }
            }
        }
    }
}

/// Where a job's body leaves its value until the batch commits. Written by the leader's task before
/// the job's outcome is signalled, read by the job's task after: the signal's lock orders the two.
final class ResultBox<T: Sendable>: @unchecked Sendable {
    var value: T?
}
