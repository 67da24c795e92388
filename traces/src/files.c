/*
 * files.c — locating the parts of a table in a trace directory; files.h.
 */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "files.h"

int tr__files_is_regular(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static int ends_with(const char *s, const char *suf)
{
	size_t n = strlen(s), m = strlen(suf);
	return n >= m && strcmp(s + n - m, suf) == 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void tr__files_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

int tr__files_find(const char *dir, const char *table, char ***out, size_t *n)
{
	char sub[4096];
	struct stat st;
	if (snprintf(sub, sizeof sub, "%s/%s", dir, table) >= (int)sizeof sub)
		return -1;
	int in_sub = stat(sub, &st) == 0 && S_ISDIR(st.st_mode);
	const char *where = in_sub ? sub : dir;
	DIR *d = opendir(where);
	*out = NULL;
	*n = 0;
	if (!d)
		return -1;
	size_t cap = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.' || !(ends_with(e->d_name, ".csv") || ends_with(e->d_name, ".csv.gz")))
			continue;
		if (!in_sub && !strstr(e->d_name, table))
			continue;
		char path[8192];
		if (snprintf(path, sizeof path, "%s/%s", where, e->d_name) >= (int)sizeof path ||
		    !tr__files_is_regular(path))
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			char **v = realloc(*out, cap * sizeof *v);
			if (!v)
				goto oom;
			*out = v;
		}
		size_t len = strlen(path) + 1;
		char *c = malloc(len);
		if (!c)
			goto oom;
		memcpy(c, path, len);
		(*out)[(*n)++] = c;
	}
	closedir(d);
	if (*n > 1)
		qsort(*out, *n, sizeof **out, by_name);
	return 0;
oom:
	closedir(d);
	tr__files_free(*out, *n);
	*out = NULL;
	*n = 0;
	return -1;
}
