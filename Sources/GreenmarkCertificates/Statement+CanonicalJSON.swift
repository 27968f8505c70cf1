extension Statement {
    /// The statement as `JWS.canonicalEncoder` encodes it, written directly (members in the sorted
    /// order the encoder gives them, optional members left out when nil, as `encodeIfPresent`
    /// does); nil for a statement this writer does not cover (a subject digest other than exactly
    /// one algorithm), which callers then encode with `JWS.canonicalEncoder`.
    func canonicalJSON() -> [UInt8]? {
        guard subject.allSatisfy({ $0.digest.count == 1 }) else { return nil }
        var w = CanonicalJSONWriter()
        w.beginObject()
        w.key("_type")
        w.string(type)
        w.key("predicate")
        switch predicate {
        case .detection(let p): p.write(to: &w)
        case .generation(let p): p.write(to: &w)
        }
        w.key("predicateType")
        w.string(predicateType)
        w.key("subject")
        w.beginArray()
        for s in subject {
            let (algorithm, value) = s.digest.first!
            w.beginObject()
            w.key("digest")
            w.beginObject()
            w.dynamicKey(algorithm)
            w.string(value)
            w.endObject()
            w.key("name")
            w.string(s.name)
            w.endObject()
        }
        w.endArray()
        w.endObject()
        return w.bytes
    }
}

extension SignedScheme {
    func write(to w: inout CanonicalJSONWriter) {
        w.beginObject()
        w.key("gamma")
        w.string(gamma)
        w.key("gamma_threshold")
        w.integer(gammaThreshold)
        w.key("h")
        w.integer(h)
        w.key("prf")
        w.string(prf)
        w.endObject()
    }
}

extension DetectionPredicate {
    /// The predicate object: its members and the common fields, in sorted order.
    func write(to w: inout CanonicalJSONWriter) {
        w.beginObject()
        w.key("certificate_id")
        w.string(common.certificateID)
        if let greenTokens {
            w.key("green_tokens")
            w.integer(greenTokens)
        }
        w.key("issued_at")
        w.string(common.issuedAt)
        w.key("issuer_key_id")
        w.string(common.issuerKeyID)
        w.key("keys_tried")
        w.integer(keysTried)
        w.key("log10_p_value")
        w.string(log10PValue)
        w.key("min_tokens")
        w.integer(minTokens)
        if let pThreshold {
            w.key("p_threshold")
            w.string(pThreshold)
        }
        w.key("p_value")
        w.string(pValue)
        if let scheme = common.scheme {
            w.key("scheme")
            scheme.write(to: &w)
        }
        if let score {
            w.key("score")
            w.string(score)
        }
        if let searchSpans {
            w.key("search_spans")
            w.bool(searchSpans)
        }
        w.key("text_canonicalization")
        w.string(common.textCanonicalization)
        w.key("tokenizer")
        w.beginObject()
        w.key("name")
        w.string(tokenizer.name)
        w.key("vocabulary")
        w.string(tokenizer.vocabulary)
        w.endObject()
        w.key("tokens_scored")
        w.integer(tokensScored)
        w.key("verdict")
        w.string(verdict)
        common.writeWatermarkKey(to: &w)
        if case .green(_, let zScore, let zThreshold) = statistic {
            w.key("z_score")
            w.string(zScore)
            w.key("z_threshold")
            w.string(zThreshold)
        }
        w.endObject()
    }
}

extension GenerationPredicate {
    /// The predicate object: its members and the common fields, in sorted order.
    func write(to w: inout CanonicalJSONWriter) {
        w.beginObject()
        w.key("certificate_id")
        w.string(common.certificateID)
        w.key("delta")
        w.string(delta)
        w.key("finish_reason")
        w.string(finishReason)
        w.key("generated_at")
        w.string(generatedAt)
        w.key("issued_at")
        w.string(common.issuedAt)
        w.key("issuer_key_id")
        w.string(common.issuerKeyID)
        w.key("model")
        w.beginObject()
        w.key("name")
        w.string(model.name)
        w.key("sha256")
        w.string(model.sha256)
        w.endObject()
        w.key("prompt_sha256")
        w.string(promptSHA256)
        w.key("sampling")
        w.beginObject()
        if let seed = sampling.seed {
            w.key("seed")
            w.string(seed)
        }
        w.key("temperature")
        w.string(sampling.temperature)
        w.key("top_k")
        w.integer(sampling.topK)
        w.key("top_p")
        w.string(sampling.topP)
        w.endObject()
        if let scheme = common.scheme {
            w.key("scheme")
            scheme.write(to: &w)
        }
        w.key("text_canonicalization")
        w.string(common.textCanonicalization)
        w.key("tokens")
        w.integer(tokens)
        common.writeWatermarkKey(to: &w)
        w.endObject()
    }
}

extension CommonFields {
    /// `watermark_key_commitment` and `watermark_key_id`, each when present.
    func writeWatermarkKey(to w: inout CanonicalJSONWriter) {
        if let watermarkKeyCommitment {
            w.key("watermark_key_commitment")
            w.string(watermarkKeyCommitment)
        }
        if let watermarkKeyID {
            w.key("watermark_key_id")
            w.string(watermarkKeyID)
        }
    }
}
