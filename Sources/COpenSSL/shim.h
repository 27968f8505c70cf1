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

/* Ed25519 (RFC 8032) through EVP: raw 32-byte keys, 64-byte signatures, pure EdDSA (no prehash). */
static inline EVP_PKEY *gm_ed25519_private_key(const uint8_t *seed) {
    return EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, seed, 32);
}

static inline EVP_PKEY *gm_ed25519_public_key(const uint8_t *pub) {
    return EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, pub, 32);
}

static inline int gm_ed25519_raw_public(const EVP_PKEY *key, uint8_t *out) {
    size_t len = 32;
    return EVP_PKEY_get_raw_public_key(key, out, &len) == 1 && len == 32;
}

static inline int gm_ed25519_sign(EVP_PKEY *key, const uint8_t *msg, size_t len, uint8_t *sig) {
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    if (ctx == NULL) return 0;
    size_t sig_len = 64;
    int ok = EVP_DigestSignInit(ctx, NULL, NULL, NULL, key) == 1
          && EVP_DigestSign(ctx, sig, &sig_len, msg, len) == 1
          && sig_len == 64;
    EVP_MD_CTX_free(ctx);
    return ok;
}

static inline int gm_ed25519_verify(EVP_PKEY *key, const uint8_t *msg, size_t len, const uint8_t *sig, size_t sig_len) {
    if (sig_len != 64) return 0;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    if (ctx == NULL) return 0;
    int ok = EVP_DigestVerifyInit(ctx, NULL, NULL, NULL, key) == 1
          && EVP_DigestVerify(ctx, sig, sig_len, msg, len) == 1;
    EVP_MD_CTX_free(ctx);
    return ok;
}

#endif
