#ifndef GREENMARK_COPENSSL_SHIM_H
#define GREENMARK_COPENSSL_SHIM_H

/* The SHA256_* block API is deprecated in OpenSSL 3 in favour of EVP, but it is the only way to
 * snapshot a SHA-256 state with a plain struct copy, which makes keyed PRF evaluation cost exactly
 * two compression-function calls. It still dispatches to OpenSSL's assembly (SHA-NI/AVX2). */
#define OPENSSL_SUPPRESS_DEPRECATED 1

#include <stdint.h>
#include <string.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

/* HMAC-SHA256 with the key schedule done once: the inner and outer SHA-256 states after
 * absorbing (K xor ipad) and (K xor opad), per RFC 2104. */
typedef struct {
    SHA256_CTX inner;
    SHA256_CTX outer;
} gm_hmac_sha256_key;

/* Prepares `state` for key `key` (any length; keys longer than the 64-byte block are hashed). */
static inline int gm_hmac_sha256_key_init(gm_hmac_sha256_key *state, const uint8_t *key, size_t key_len) {
    uint8_t block[64];
    uint8_t pad[64];
    memset(block, 0, sizeof block);
    if (key_len > sizeof block) {
        if (SHA256(key, key_len, block) == NULL) return 0;
    } else if (key_len > 0) {
        memcpy(block, key, key_len);
    }
    for (size_t i = 0; i < sizeof pad; i++) pad[i] = block[i] ^ 0x36;
    int ok = SHA256_Init(&state->inner) && SHA256_Update(&state->inner, pad, sizeof pad);
    for (size_t i = 0; i < sizeof pad; i++) pad[i] = block[i] ^ 0x5c;
    ok = ok && SHA256_Init(&state->outer) && SHA256_Update(&state->outer, pad, sizeof pad);
    OPENSSL_cleanse(block, sizeof block);
    OPENSSL_cleanse(pad, sizeof pad);
    return ok;
}

/* HMAC-SHA256(key, msg) into out[32], from a prepared key state. */
static inline void gm_hmac_sha256(const gm_hmac_sha256_key *state, const uint8_t *msg, size_t msg_len, uint8_t *out) {
    SHA256_CTX ctx = state->inner;
    uint8_t inner_digest[SHA256_DIGEST_LENGTH];
    SHA256_Update(&ctx, msg, msg_len);
    SHA256_Final(inner_digest, &ctx);
    ctx = state->outer;
    SHA256_Update(&ctx, inner_digest, sizeof inner_digest);
    SHA256_Final(out, &ctx);
    OPENSSL_cleanse(&ctx, sizeof ctx);
}

/* Wipes a prepared key state. */
static inline void gm_hmac_sha256_key_clear(gm_hmac_sha256_key *state) {
    OPENSSL_cleanse(state, sizeof *state);
}

/* One-shot HMAC-SHA256 through OpenSSL's own HMAC(): the reference path. */
static inline int gm_hmac_sha256_oneshot(const uint8_t *key, size_t key_len, const uint8_t *msg, size_t msg_len, uint8_t *out) {
    unsigned int out_len = 0;
    return HMAC(EVP_sha256(), key, (int)key_len, msg, msg_len, out, &out_len) != NULL && out_len == 32;
}

#endif
