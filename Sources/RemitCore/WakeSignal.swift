import Synchronization

/// A coalescing wake-up for one waiting task: `signal()` wakes the waiter, or the next `wait` returns at once.
/// Any number of signals before a wait count as one. A timeout or a cancellation ends one wait and leaves no
/// signal behind (a stale signal would make every later wait return at once: a busy loop).
public final class WakeSignal: Sendable {
    private struct State {
        var signaled = false
        var waiter: (id: Int, continuation: CheckedContinuation<Void, Never>)?
        var nextID = 0
    }

    private let state = Mutex(State())

    public init() {}

    public func signal() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            if let waiter = state.waiter {
                state.waiter = nil
                return waiter.continuation
            }
            state.signaled = true
            return nil
        }
        waiter?.resume()
    }

    /// Returns when signaled (since the last wait), after `timeout`, or once the task is cancelled.
    /// One waiter at a time.
    public func wait(upTo timeout: Duration) async {
        let id = state.withLock { state in
            state.nextID += 1
            return state.nextID
        }
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                do { try await Task.sleep(for: timeout) } catch { return }
                self.endWait(id)
            }
            await withTaskCancellationHandler {
                await withCheckedContinuation { park(id, $0, unlessCancelled: true) }
            } onCancel: {
                self.endWait(id)
            }
            group.cancelAll()
        }
    }

    /// Returns when signaled (since the last wait), whether or not the task is cancelled: for a task that must
    /// outlive its cancellation until someone tells it to stop (in a loop, `wait(upTo:)` would return at once, over
    /// and over). The signaller must come.
    public func waitForSignal() async {
        let id = state.withLock { state in
            state.nextID += 1
            return state.nextID
        }
        await withCheckedContinuation { park(id, $0, unlessCancelled: false) }
    }

    /// Waits with `continuation` as wait `id`, or resumes it at once: when a signal is pending (consumed), or when
    /// `unlessCancelled` and the task is cancelled.
    private func park(_ id: Int, _ continuation: CheckedContinuation<Void, Never>, unlessCancelled: Bool) {
        let now = state.withLock { state -> Bool in
            if state.signaled {
                state.signaled = false
                return true
            }
            if unlessCancelled && Task.isCancelled { return true }
            state.waiter = (id, continuation)
            return false
        }
        if now { continuation.resume() }
    }

    /// Ends wait `id` if it is still waiting, without leaving a signal.
    private func endWait(_ id: Int) {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard let waiter = state.waiter, waiter.id == id else { return nil }
            state.waiter = nil
            return waiter.continuation
        }
        waiter?.resume()
    }
}
