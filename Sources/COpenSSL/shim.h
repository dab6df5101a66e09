// OpenSSL's libcrypto, for HMAC-SHA256 (Slack's request signatures). Debian: libssl-dev.
#include <openssl/hmac.h>
#include <openssl/evp.h>
#include <openssl/crypto.h>
