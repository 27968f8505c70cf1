import Foundation

/// How the keyring, signing-key and log-key stores read and re-seal their secret files.
extension SealedFile {
    /// Turns `data`, the bytes read from the secret file at `path` (a keyring, signing keys or log
    /// key), into its plaintext, as every store reads one: a sealed file is opened with `masterKey`
    /// for `purpose` (a failure keeps `open`'s code, its reason prefixed with the path) and the
    /// sealed bytes are wiped; a plaintext file is refused while a master key is configured
    /// (`plaintextRefused`) unless `acceptingPlaintext` (only the stores' `seal` passes it), else
    /// left as it is. The caller wipes `data` when done with it.
    public static func unseal(
        _ data: inout Data, at path: String, purpose: Purpose, masterKey: MasterKey?,
        acceptingPlaintext: Bool = false
    ) throws(CryptoError) {
        if isSealed(data) {
            let plaintext: SecretBytes
            do { plaintext = try open(data, purpose: purpose, masterKey: masterKey) } catch {
                throw CryptoError(error.code, "\(path): \(error.reason)")
            }
            data.resetBytes(in: 0..<data.count)
            data = plaintext.withUnsafeBytes { Data($0) }
        } else if masterKey != nil, !acceptingPlaintext {
            throw plaintextRefused(path: path)
        }
    }

    /// Seals `data`, the plaintext of the secret file at `path`, for `purpose` under `masterKey`, in
    /// place (the plaintext is wiped), as every store does before writing the file; leaves it as it
    /// is when `masterKey` is nil. A failure keeps `seal`'s code, its reason "cannot seal PATH: …".
    public static func seal(_ data: inout Data, at path: String, purpose: Purpose, masterKey: MasterKey?) throws(CryptoError) {
        guard let masterKey else { return }
        let sealed: [UInt8]
        do { sealed = try seal(data, purpose: purpose, masterKey: masterKey) } catch {
            throw CryptoError(error.code, "cannot seal \(path): \(error.reason)")
        }
        data.resetBytes(in: 0..<data.count)
        data = Data(sealed)
    }

    /// Whether the file at `path` is sealed (false when it is missing or plaintext).
    public static func isSealed(fileAt path: String) -> Bool {
        FileManager.default.contents(atPath: path).map { isSealed($0) } ?? false
    }

    /// What a store's `seal` throws when no master key is configured (`secrets.master_key_required`).
    public static var sealingNeedsMasterKey: CryptoError {
        CryptoError(.masterKeyRequired, "sealing needs a master key; set \(MasterKey.fileEnvironmentVariable) or \(MasterKey.environmentVariable)")
    }
}
