import ArgumentParser
import Logging
import TandemRuntime

enum LogFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}

/// `--log-format` and `--log-level`, shared by the commands that run services.
struct LogOptions: ParsableArguments {
    @Option(help: "Log format: text or json (one JSON object per line).")
    var logFormat: LogFormat = .text

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: Logger.Level = .info

    /// Sets up logging to standard error once per process, and returns the root logger.
    func bootstrap() -> Logger {
        let format = logFormat
        let level = logLevel
        LoggingSystem.bootstrap { label in
            var handler: any LogHandler =
                format == .json ? JSONLogHandler(label: label) : StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        return Logger(label: "tandem")
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
