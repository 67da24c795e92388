/*
 * internal.h — private helpers shared by the readers of traces/.
 */
#ifndef TRACES_INTERNAL_H
#define TRACES_INTERNAL_H

#include "traces/traces.h"

char *tr_strdup(const char *s);
/* Appends a copy of fw (role NULL: "*") to src's frameworks. */
int tr_add_framework(tr_source *src, const tr_framework *fw);
/* Frees the frameworks and roles of src. */
void tr_source_free_common(tr_source *src);

#endif
