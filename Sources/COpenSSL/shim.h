#ifndef GREENMARK_COPENSSL_SHIM_H
#define GREENMARK_COPENSSL_SHIM_H

/* The SHA256_* block API is deprecated in OpenSSL 3 in favour of EVP, but it is the only way to
 * snapshot a SHA-256 state with a plain struct copy, which makes keyed PRF evaluation cost exactly
 * two compression-function calls. It still dispatches to OpenSSL's assembly (SHA-NI/AVX2). */
#define OPENSSL_SUPPRESS_DEPRECATED 1

#include <stdint.h>
#include <limits.h>
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

/* AES-256-GCM (NIST SP 800-38D) through EVP: 32-byte key, 12-byte nonce, 16-byte tag. `ct` has
 * room for pt_len bytes. Returns 1 on success. EVP_CIPHER_CTX_free cleanses the context. */
static inline int gm_aes256gcm_seal(const uint8_t *key, const uint8_t *nonce,
                                    const uint8_t *aad, size_t aad_len,
                                    const uint8_t *pt, size_t pt_len,
                                    uint8_t *ct, uint8_t *tag) {
    if (aad_len > INT32_MAX || pt_len > INT32_MAX) return 0;
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    if (ctx == NULL) return 0;
    int len = 0;
    uint8_t final_block[16];
    int ok = EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, NULL, NULL) == 1
          && EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, 12, NULL) == 1
          && EVP_EncryptInit_ex(ctx, NULL, NULL, key, nonce) == 1
          && (aad_len == 0 || EVP_EncryptUpdate(ctx, NULL, &len, aad, (int)aad_len) == 1)
          && (pt_len == 0 || (EVP_EncryptUpdate(ctx, ct, &len, pt, (int)pt_len) == 1 && (size_t)len == pt_len))
          && EVP_EncryptFinal_ex(ctx, final_block, &len) == 1 && len == 0
          && EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, 16, tag) == 1;
    EVP_CIPHER_CTX_free(ctx);
    return ok;
}

/* Opens AES-256-GCM: returns 1 when the tag verifies (OpenSSL compares it in constant time),
 * 0 on a wrong tag, -1 on any other failure. On anything but 1, `pt` is cleansed: unauthenticated
 * plaintext never reaches the caller. */
static inline int gm_aes256gcm_open(const uint8_t *key, const uint8_t *nonce,
                                    const uint8_t *aad, size_t aad_len,
                                    const uint8_t *ct, size_t ct_len,
                                    const uint8_t *tag, uint8_t *pt) {
    if (aad_len > INT32_MAX || ct_len > INT32_MAX) return -1;
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    if (ctx == NULL) return -1;
    int len = 0;
    uint8_t final_block[16];
    uint8_t tag_copy[16];
    memcpy(tag_copy, tag, 16);
    int ok = EVP_DecryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, NULL, NULL) == 1
          && EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, 12, NULL) == 1
          && EVP_DecryptInit_ex(ctx, NULL, NULL, key, nonce) == 1
          && (aad_len == 0 || EVP_DecryptUpdate(ctx, NULL, &len, aad, (int)aad_len) == 1)
          && (ct_len == 0 || (EVP_DecryptUpdate(ctx, pt, &len, ct, (int)ct_len) == 1 && (size_t)len == ct_len))
          && EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, 16, tag_copy) == 1;
    int result = -1;
    if (ok) result = EVP_DecryptFinal_ex(ctx, final_block, &len) == 1 ? 1 : 0;
    EVP_CIPHER_CTX_free(ctx);
    if (result != 1 && ct_len > 0) OPENSSL_cleanse(pt, ct_len);
    return result;
}

/* Wipes `len` bytes at `p` (a call the optimizer cannot drop). */
static inline void gm_cleanse(void *p, size_t len) {
    if (p != NULL && len > 0) OPENSSL_cleanse(p, len);
}

#endif
