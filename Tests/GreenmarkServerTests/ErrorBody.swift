import Foundation
import Hummingbird

/// The fields of greenmarkd's JSON error body, `{"error": {"code": …, "message": …}}`, that the
/// tests check; nil fields when the body is not such an object.
struct ErrorBody {
    let code: String?
    let message: String?

    init(_ json: [String: Any]) {
        let error = json["error"] as? [String: Any]
        code = error?["code"] as? String
        message = error?["message"] as? String
    }

    init(_ buffer: ByteBuffer) {
        self.init((try? JSONSerialization.jsonObject(with: Data(buffer.readableBytesView))) as? [String: Any] ?? [:])
    }
}
