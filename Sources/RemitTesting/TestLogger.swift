import Logging

/// A quiet logger for tests (warnings and errors only).
public func makeTestLogger() -> Logger {
    var logger = Logger(label: "remit.test")
    logger.logLevel = .warning
    return logger
}
