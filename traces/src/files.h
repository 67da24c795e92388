/*
 * files.h — private: finds the files of a table in a trace directory
 * (DIR/<table>/ parts, or DIR/<table>*.csv[.gz]), sorted by name.
 */
#ifndef TRACES_FILES_H
#define TRACES_FILES_H

#include <stddef.h>

/* Lists the files of `table` under dir: the regular files ending in .csv or
 * .csv.gz of DIR/<table>/ if that folder exists, else those of DIR whose
 * name contains `table`. Sorted by name. *out (malloc'd, each string too;
 * free with tr__files_free) may be empty. 0, or -1 when dir cannot be read. */
int tr__files_find(const char *dir, const char *table, char ***out, size_t *n);
void tr__files_free(char **v, size_t n);
/* 1 when path is a regular file, 0 otherwise. */
int tr__files_is_regular(const char *path);

#endif
