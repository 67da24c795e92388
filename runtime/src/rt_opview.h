/*
 * rt_opview.h — pieces of the v1 operator API's messages that the master's
 * (master_opview.c) and the agent's (agent_operator.c) answers share: a
 * flag as {name, value}, this build's VersionInfo, a TimeInfo, the host's
 * metrics, and a protobuf-c allocator that puts an unpacked message in an
 * arena.
 */
#ifndef RT_OPVIEW_H
#define RT_OPVIEW_H

#include <jansson.h>
#include <protobuf-c/protobuf-c.h>
#include <stddef.h>

#include "mesos.pb-c.h"
#include "rt_util.h"

/* The version both programs report (GET_VERSION, /version, MasterInfo). */
#define RT_MESO_VERSION "1.11.0-meso"

/* Appends {name, printf(fmt, ...)} to out[*n] (room is the caller's). */
void rt_opview_flag_add(rt_arena *a, Mesos__V1__Flag **out, size_t *n, const char *name, const char *fmt, ...)
        __attribute__((format(printf, 5, 6)));

/* Flags as the classic endpoints show them (/flags, the state endpoints'
 * "flags"): an object of name -> value. */
json_t *rt_opview_flags_json(Mesos__V1__Flag *const *flags, size_t n);

/* This build's VersionInfo: the version, and the build date, time, user
 * and git sha/branch CMake found when it configured the build (each left
 * out when unknown). */
Mesos__V1__VersionInfo *rt_opview_version(rt_arena *a);

/* Mesos's host metrics, as the kernel says them now, added to a metrics
 * snapshot object: system/cpus_total, system/load_{1,5,15}min,
 * system/mem_{total,free}_bytes (free: not counting caches). */
void rt_opview_system_metrics(json_t *snapshot);

/* A metrics snapshot object (name -> number) as Metric messages in *out,
 * allocated in a; returns how many. */
size_t rt_opview_metrics(rt_arena *a, json_t *snapshot, Mesos__V1__Metric ***out);

/* A TimeInfo of wall-clock seconds. */
Mesos__V1__TimeInfo *rt_opview_time(rt_arena *a, double wall_seconds);

/* An allocator for protobuf_c_message_unpack whose allocations live in the
 * arena (freeing them is a no-op): the message goes with the arena. */
ProtobufCAllocator rt_opview_allocator(rt_arena *a);

#endif
