/*
 * names.c — name checks, the name hash and the name index (names.h).
 */
#include "names.h"

#include <stdlib.h>
#include <string.h>

#include "err.h"

char *ac__str_dup_n(const char *s, size_t len)
{
	char *d = malloc(len + 1);
	if (d) {
		memcpy(d, s, len);
		d[len] = 0;
	}
	return d;
}

char *ac__str_dup(const char *s)
{
	return ac__str_dup_n(s, strlen(s));
}

/* FNV-1a: names are short; this only spreads them over the hash map. */
uint64_t ac__name_hash(const char *s, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 0x100000001b3ULL;
	return h == AC__HMAP_EMPTY ? 0 : h;
}

int ac__name_check(const char *what, const char *name, ac_err *err)
{
	if (!name || !*name)
		return ac__fail(err, AC_EINVAL, "%s name is empty", what);
	size_t len = strlen(name);
	if (len > 1024)
		return ac__fail(err, AC_EINVAL, "%s name is longer than 1024 bytes", what);
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)name[i] < 0x20 || name[i] == 0x7f)
			return ac__fail(err, AC_EINVAL, "%s name has a control byte at offset %zu", what, i);
	return 0;
}

uint32_t ac__names_find(const ac_core *c, const hmap *m, ac__name_of_fn name_of, ac__next_of_fn next_of,
                        const char *name)
{
	uint32_t *head = ac__hmap_get(m, ac__name_hash(name, strlen(name)));
	for (uint32_t s = head ? *head : 0; s; s = *next_of((ac_core *)c, s))
		if (strcmp(name_of(c, s), name) == 0)
			return s;
	return 0;
}

int ac__names_add(ac_core *c, hmap *m, ac__next_of_fn next_of, const char *name, uint32_t slot)
{
	uint64_t h = ac__name_hash(name, strlen(name));
	uint32_t *head = ac__hmap_get(m, h);
	*next_of(c, slot) = head ? *head : 0;
	return ac__hmap_put(m, h, slot);
}

void ac__names_del(ac_core *c, hmap *m, ac__next_of_fn next_of, const char *name, uint32_t slot)
{
	uint64_t h = ac__name_hash(name, strlen(name));
	uint32_t *head = ac__hmap_get(m, h);
	if (*head == slot) {
		if (*next_of(c, slot))
			*head = *next_of(c, slot);
		else
			ac__hmap_del(m, h);
		return;
	}
	for (uint32_t s = *head; s; s = *next_of(c, s))
		if (*next_of(c, s) == slot) {
			*next_of(c, s) = *next_of(c, slot);
			return;
		}
}
