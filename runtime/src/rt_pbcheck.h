/*
 * rt_pbcheck.h — checks of decoded protobuf messages that protobuf-c leaves
 * to us, where Mesos's C++ parser refuses the input: every `string` field,
 * at any depth, must be valid UTF-8 (proto2 says so), and no message may
 * hold a field numbered 0 (protobuf-c keeps one as an unknown field). The
 * scheduler, executor and operator APIs (rt_api_decode_call) and both ends
 * of the agent link run it on what they receive.
 */
#ifndef RT_PBCHECK_H
#define RT_PBCHECK_H

#include <protobuf-c/protobuf-c.h>
#include <stddef.h>

/* 0 when every string field of m is valid UTF-8 and no message of it
 * holds a field numbered 0; else -1 with the path of the string or of the
 * message ("subscribe.framework_info.name", "launch.task_infos[2]"; "" for
 * m itself) in field, and in *why what is wrong ("is not valid UTF-8",
 * "holds a field numbered 0"). */
int rt_pb_check(const ProtobufCMessage *m, char *field, size_t fieldlen, const char **why);
/* The same walk for the first string field holding `mark`: -1 with its
 * path, else 0. (rt_api marks where a JSON body was not UTF-8 with it.) */
int rt_pb_find_mark(const ProtobufCMessage *m, const char *mark, char *field, size_t fieldlen);

#endif
