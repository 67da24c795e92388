/*
 * rt_pbcheck.h — checks of decoded protobuf messages that protobuf-c leaves
 * to us: every `string` field, at any depth, must be valid UTF-8 (proto2
 * says so and Mesos's C++ parser refuses it; protobuf-c does not look).
 * The scheduler, executor and operator APIs (rt_api_decode_call) and both
 * ends of the agent link run it on what they receive.
 */
#ifndef RT_PBCHECK_H
#define RT_PBCHECK_H

#include <protobuf-c/protobuf-c.h>
#include <stddef.h>

/* 0 when every string field of m is valid UTF-8; else -1 with the field's
 * path ("subscribe.framework_info.name", "launch.task_infos[2].name") in
 * field. */
int rt_pb_check_utf8(const ProtobufCMessage *m, char *field, size_t fieldlen);
/* The same walk for the first string field holding `mark`: -1 with its
 * path, else 0. (rt_api marks where a JSON body was not UTF-8 with it.) */
int rt_pb_find_mark(const ProtobufCMessage *m, const char *mark, char *field, size_t fieldlen);

#endif
