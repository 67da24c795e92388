/*
 * array.h — the one way alloccore grows an array: geometrically, at least
 * doubling. The bottom layer: it knows nothing of a core.
 */
#ifndef ALLOCCORE_ARRAY_H
#define ALLOCCORE_ARRAY_H

#include <stddef.h>
#include <stdint.h>

/* Makes *arr (of *cap elements of elem bytes) hold at least need elements.
 * When it must grow, the new capacity is the largest of need, twice the
 * old one and 16: one element more at a time, a capacity that starts at 0
 * or a power of two stays a power of two. Returns 0, or AC_ENOMEM with *arr
 * and *cap unchanged. Moves the array: pointers into it do not survive a
 * call that grows it. */
int ac__array_grow(void **arr, uint32_t *cap, uint32_t need, size_t elem);

/* Appends x to the u32 array *v of *n elements and capacity *cap. 0 or
 * AC_ENOMEM (nothing changed). */
int ac__u32_push(uint32_t **v, uint32_t *n, uint32_t *cap, uint32_t x);
/* Removes the first element equal to x, if any, keeping the order of the
 * others. */
void ac__u32_remove(uint32_t *v, uint32_t *n, uint32_t x);

#endif
