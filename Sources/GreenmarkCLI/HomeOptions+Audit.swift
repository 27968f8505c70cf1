import Foundation
import GreenmarkCore
import GreenmarkKeys
import GreenmarkStorage

#if canImport(Glibc)
    import Glibc
#endif

extension HomeOptions {
    /// Records a key or trust change in the registry's audit log (the same log `greenmarkd`'s admin
    /// routes write, `GET /v1/admin/audit`), with the actor `cli:<user>`. The registry is the
    /// home's (or `$GREENMARK_DATABASE`). The change is already made when this runs, so a failure
    /// to record it is a warning on standard error, not a failed command.
    func audit(_ action: String, _ detail: String) {
        let fromEnvironment = ProcessInfo.processInfo.environment["GREENMARK_DATABASE"].flatMap { $0.isEmpty ? nil : $0 }
        do {
            let registry = try Registry.open(home: GreenmarkHome.resolve(explicit: home), database: fromEnvironment)
            try registry.audit(actor: Self.actor, action: action, detail: detail)
        } catch {
            FileHandle.standardError.write(Data("greenmark: warning: the change was made but could not be written to the audit log: \(error)\n".utf8))
        }
    }

    /// `cli:` and the name of the user running the command (or its uid).
    static var actor: String {
        let uid = getuid()
        if let entry = getpwuid(uid), let name = entry.pointee.pw_name { return "cli:" + String(cString: name) }
        return "cli:uid-\(uid)"
    }
}
