/*
 * err.h — how alloccore reports a failure: the code goes back as the return
 * value and, for the caller of a public function, a message into its ac_err.
 * The bottom layer: it knows nothing of a core.
 */
#ifndef ALLOCCORE_ERR_H
#define ALLOCCORE_ERR_H

#include "alloccore/alloccore.h"

/* Writes code and a printf-style message into err (if not NULL); returns code. */
int ac__fail(ac_err *err, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
