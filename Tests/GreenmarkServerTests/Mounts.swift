import Foundation

/// `mount(8)` for storage fault tests: a small tmpfs (a disk that fills up) and a read-only bind
/// mount (a read-only file system). Root only; `available` says whether this machine allows it.
enum Mounts {
    /// Runs `/bin/mount` or `/bin/umount`; its exit status.
    @discardableResult
    static func run(_ tool: String, _ arguments: [String]) -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/" + tool)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return -1 }
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// Mounts a tmpfs of `bytes` at `path` (created).
    static func tmpfs(at path: String, bytes: Int) -> Bool {
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return run("mount", ["-t", "tmpfs", "-o", "size=\(bytes)", "tmpfs", path]) == 0
    }

    /// Makes `path` read-only in place (a read-only bind mount over itself).
    static func readOnly(_ path: String) -> Bool {
        guard run("mount", ["--bind", path, path]) == 0 else { return false }
        guard run("mount", ["-o", "remount,ro,bind", path]) == 0 else {
            unmount(path)
            return false
        }
        return true
    }

    static func unmount(_ path: String) { run("umount", [path]) }

    /// Whether tmpfs and bind mounts work here (root with CAP_SYS_ADMIN).
    static let available: Bool = {
        let probe = FileManager.default.temporaryDirectory.appendingPathComponent("gm-mount-probe-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: probe) }
        guard tmpfs(at: probe, bytes: 65536) else { return false }
        unmount(probe)
        return true
    }()
}
