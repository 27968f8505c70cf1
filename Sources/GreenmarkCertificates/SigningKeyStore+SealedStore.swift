import GreenmarkCrypto

/// `signing.json` as a sealed store: `isSealed`, `seal(previous:holding:)` and the home lock.
extension SigningKeyStore: SealedStore {
    package var missing: CertificateError { CertificateError(.signingKeysMissing, "no signing keys at \(path); run `greenmark trust init`") }
    package static var writeFailed: CertificateError.Code { .writeFailed }
    package static var cryptoFailed: CertificateError.Code { .cryptoFailure }
    package static var corrupt: CertificateError.Code { .signingKeysCorrupt }
    package static var insecure: CertificateError.Code { .signingKeysCorrupt }
    package static var purpose: SealedFile.Purpose { .signing }

    package func reading(with masterKey: MasterKeySource) -> SigningKeyStore {
        SigningKeyStore(directory: directory, masterKey: masterKey, trustValidity: trustValidity)
    }

    package func readSecret(acceptingPlaintext: Bool) throws(CertificateError) -> State { try load(acceptingPlaintext: acceptingPlaintext) }

    package func writeSecret(_ contents: State) throws(CertificateError) {
        var state = contents
        try writeSecret(&state)
    }
}
