/*
 * err.c — the error codes' messages (ac_strerror) and ac__fail, the one
 * place that writes an ac_err (err.h).
 */
#include "err.h"

#include <stdarg.h>
#include <stdio.h>

int ac__fail(ac_err *err, int code, const char *fmt, ...)
{
	if (err) {
		va_list ap;
		va_start(ap, fmt);
		err->code = code;
		vsnprintf(err->msg, sizeof err->msg, fmt, ap);
		va_end(ap);
	}
	return code;
}

const char *ac_strerror(int code)
{
	switch (code) {
	case AC_OK:
		return "ok";
	case AC_EINVAL:
		return "invalid argument";
	case AC_ENOENT:
		return "no such object";
	case AC_EEXIST:
		return "already exists";
	case AC_ERANGE:
		return "amount out of range";
	case AC_ENOSPC:
		return "capacity exceeded";
	case AC_ENOMEM:
		return "out of memory";
	case AC_ESTATE:
		return "not allowed in this state";
	default:
		return "unknown error";
	}
}
