/// Lifecycle state of a watermark key (after Tink's and Vault's key states).
public enum KeyState: String, Codable, Sendable, CaseIterable {
    /// Watermarks new generations and is tried at detection. Exactly one key is primary.
    case primary
    /// Tried at detection only (an old primary after rotation, or a key staged for promotion).
    case enabled
    /// Kept but not used; can be enabled again.
    case disabled
    /// Secret erased; the id is kept so old outputs still name a known key.
    case destroyed

    /// Whether detection may use the key.
    public var detects: Bool { self == .primary || self == .enabled }
}
