/*
 * multirole.h — what core.c needs of multirole.c (the ac_mfw_* tables hang
 * off the core, made on first use): freeing them and counting their bytes.
 */
#ifndef ALLOCCORE_MULTIROLE_H
#define ALLOCCORE_MULTIROLE_H

#include <stddef.h>

#include "alloccore/alloccore.h"

void ac__mfws_free(ac_core *c);
size_t ac__mfws_bytes(const ac_core *c);

#endif
