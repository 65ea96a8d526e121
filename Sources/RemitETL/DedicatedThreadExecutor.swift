import Foundation

/// A task executor with one operating-system thread of its own, outside Swift's cooperative pool.
///
/// A run's read ahead runs here. Its store reads are synchronous SQLite calls that hold a thread for seconds. On the
/// cooperative pool (one thread per core: two here), they took the threads the slice's transform and load needed,
/// and the run got slower (BENCHMARKS.md, 10M payments). On a thread of its own, the read competes for a core with
/// the load through the kernel's scheduler, and never holds back the tasks waiting for a pool thread.
///
/// Jobs run one at a time, in the order they were enqueued. ``shutdown()`` lets the thread finish its queue and end.
final class DedicatedThreadExecutor: TaskExecutor, @unchecked Sendable {
    // @unchecked: `jobs` and `stopped` are only touched with `condition` locked.
    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []
    private var stopped = false

    init(name: String) {
        let thread = Thread { [self] in runJobs() }
        thread.name = name
        thread.start()
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    /// Ends the thread once its queued jobs have run. Jobs enqueued afterwards still run first: the thread ends only
    /// with an empty queue.
    func shutdown() {
        condition.lock()
        stopped = true
        condition.signal()
        condition.unlock()
    }

    private func runJobs() {
        while true {
            condition.lock()
            while jobs.isEmpty && !stopped { condition.wait() }
            if jobs.isEmpty {
                condition.unlock()
                return
            }
            let job = jobs.removeFirst()
            condition.unlock()
            job.runSynchronously(on: asUnownedTaskExecutor())
        }
    }
}
