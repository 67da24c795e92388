/*
 * rt_attributes.h — an agent's attributes in Mesos's text format
 * ("rack:r1;zone:b;cores:8;ports:[100-200]") to and from mesos.v1.Attribute
 * messages, typed as Mesos types them: a non-negative number is a SCALAR,
 * "[a-b,...]" RANGES, anything else TEXT (spaces dropped); sets are refused.
 */
#ifndef RT_ATTRIBUTES_H
#define RT_ATTRIBUTES_H

#include <jansson.h>
#include <stddef.h>

#include "mesos.pb-c.h"
#include "rt_util.h"

/* Parses text into *n attributes allocated in ar (they live as long as it).
 * Returns 0, or -1 with a message naming the offending pair in err; NULL or
 * "" is no attributes. */
int rt_attributes_parse(const char *text, rt_arena *ar, Mesos__V1__Attribute ***out, size_t *n, char *err,
                        size_t errlen);

/* Appends attrs to out in the same text format (scalars with %g, ranges as
 * "[a-b,c-d]"), NUL-terminated; what it cannot render is left out. */
void rt_attributes_format(Mesos__V1__Attribute *const *attrs, size_t n, rt_buf *out);

/* Attributes text ("k:v;k2:v2") as Mesos's v0 attributes object: numbers
 * where the value parses as one, text otherwise (/master/state, the agent's
 * /slave(1)/state). */
json_t *rt_attributes_model(const char *text);

#endif
