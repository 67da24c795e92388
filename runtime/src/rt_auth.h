/*
 * rt_auth.h — HTTP Basic authentication as Mesos's default "basic" HTTP
 * authenticator does it: credentials files in Mesos's JSON form, the
 * Authorization header checked with a constant-time comparison, and the
 * header a client sends. The master checks frameworks, operators and agents
 * with it; meso-agent and meso-execute send it.
 */
#ifndef RT_AUTH_H
#define RT_AUTH_H

#include <stdbool.h>
#include <stddef.h>

typedef struct rt_credential {
	char *principal;
	char *secret;
} rt_credential;

typedef struct rt_credentials {
	rt_credential *v;
	size_t n;
} rt_credentials;

/* Reads a credentials file (a path, or Mesos's "file:///path"): Mesos's
 * {"credentials":[{"principal":P,"secret":S},...]}, one {"principal":P,
 * "secret":S} (an agent's --credential), or Mesos's older text form, one
 * "principal secret" per line. Returns 0, or -1 with a message naming the
 * file and what is wrong. The caller frees with rt_credentials_free. */
int rt_credentials_load(const char *path, rt_credentials *out, char *err, size_t errlen);
/* The same from text already read (what the loader and the tests use). */
int rt_credentials_parse(const char *text, size_t len, rt_credentials *out, char *err, size_t errlen);
void rt_credentials_free(rt_credentials *c);

/* What an Authorization header proves. */
enum { RT_AUTH_OK = 0, RT_AUTH_MISSING = -1, RT_AUTH_INVALID = -2 };
/* Checks "Basic base64(principal:secret)" against the credentials. Every
 * secret is compared in constant time (its length aside), and every
 * credential is looked at, so the time taken does not say which principal
 * exists. On RT_AUTH_OK *principal points into c. */
int rt_auth_basic_check(const rt_credentials *c, const char *authorization, const char **principal);
/* Equal bytes, in time that depends only on the lengths. */
bool rt_auth_equal(const char *a, size_t alen, const char *b, size_t blen);

/* "Authorization: Basic ...\r\n" for principal and secret into out (a
 * header line for extra_headers); false when it does not fit. */
bool rt_auth_basic_header(const char *principal, const char *secret, char *out, size_t outlen);
/* The credential a client sends, from --principal/--secret or a
 * --credential file (not both). Returns 0 with *principal and *secret
 * malloc'd (NULL when not given: a principal without a secret is only
 * named, as Mesos's tools do, and no header is sent), or -1 with a
 * message. */
int rt_auth_client_credential(const char *principal, const char *secret, const char *file, char **out_principal,
                              char **out_secret, char *err, size_t errlen);

#endif
