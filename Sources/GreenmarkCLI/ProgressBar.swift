import Foundation
import GreenmarkModel

/// A progress line on standard error: stage, bar, counts, elapsed time and an estimate.
final class ProgressBar {
    private var stage = ""
    private var start = Date()

    func update(_ stage: String, _ done: Int, _ total: Int) {
        if stage != self.stage {
            if !self.stage.isEmpty { FileHandle.standardError.write(Data("\n".utf8)) }
            self.stage = stage
            start = Date()
        }
        let elapsed = Date().timeIntervalSince(start)
        let eta = elapsed / Double(max(done, 1)) * Double(total - done)
        let width = 30
        let filled = total > 0 ? width * min(done, total) / total : width
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        FileHandle.standardError.write(Data(String(format: "\r%@ [%@] %d/%d, %.0f s, ~%.0f s left ", stage, bar, done, total, elapsed, eta).utf8))
    }

    func finish() { FileHandle.standardError.write(Data("\n".utf8)) }

    /// Loads the model at `path` with `threads` llama.cpp threads and runs `evaluation` on it,
    /// its progress on a new bar (the line is ended when the evaluation returns).
    static func evaluate<Report>(
        modelAt path: String, threads: Int, _ evaluation: (LlamaModel, _ progress: (String, Int, Int) -> Void) throws -> Report
    ) throws -> Report {
        let llama = try LlamaModel(path: path, threads: threads)
        let bar = ProgressBar()
        let report = try evaluation(llama, bar.update)
        bar.finish()
        return report
    }
}
