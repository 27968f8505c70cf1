import Foundation

/// A fresh temporary directory path (not created), removed by the caller.
func temporaryDirectory() -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("gm-test-\(UUID().uuidString)").path
}
