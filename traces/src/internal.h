/*
 * internal.h — private helpers shared by the readers of traces/.
 */
#ifndef TRACES_INTERNAL_H
#define TRACES_INTERNAL_H

#include "traces/traces.h"

/* Fills err (if not NULL) with code and a formatted message. */
void tr__err_set(tr_err *err, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
char *tr__strdup(const char *s);
/* Appends a copy of fw (role NULL: "*") to src's frameworks. */
int tr__add_framework(tr_source *src, const tr_framework *fw);
/* Frees the frameworks and roles of src. */
void tr__source_free_common(tr_source *src);

#endif
