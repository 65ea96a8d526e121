import RemitStore
import RemitSQL

/// Reads the pages of the slice after next while the run works on the two before it (``ChangeFeed/prefetchPages(after:through:)``),
/// on a thread of its own: the read waits on the disk, not on a core, and the slice's extraction then finds its pages
/// in memory.
///
/// Requests are best effort: when the prefetcher falls behind, an older request is dropped for the newest, and a
/// failed read is ignored (the extraction reads and retries as before). Its work is structured: it ends with the
/// body that asked for it.
struct ChangePagePrefetcher: Sendable {
    let store: any SQLDatabase

    /// Runs `body` with a function that asks for a range's pages to be read.
    func withPrefetching<T: Sendable>(
        _ body: (_ prefetch: @Sendable ((after: Int64, through: Int64)) -> Void) async throws -> T
    ) async throws -> T {
        let thread = DedicatedThreadExecutor(name: "remit-etl-prefetch")
        defer { thread.shutdown() }
        let (requests, continuation) = AsyncStream.makeStream(of: (after: Int64, through: Int64).self,
                                                               bufferingPolicy: .bufferingNewest(1))
        let feed = ChangeFeed(database: store)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for await range in requests {
                    _ = try? await withTaskExecutorPreference(thread) {
                        try await feed.prefetchPages(after: range.after, through: range.through)
                    }
                }
            }
            defer { continuation.finish() }
            return try await body { continuation.yield($0) }
        }
    }
}
