/*
 * err.h — filling an ac_err: every failing call reports what and where.
 */
#ifndef ALLOCCORE_ERR_H
#define ALLOCCORE_ERR_H

#include "alloccore/alloccore.h"

/* Writes code and a printf-style message into err (if not NULL); returns code. */
int ac_fail(ac_err *err, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
