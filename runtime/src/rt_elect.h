/*
 * rt_elect.h — leader election and leader detection over a ZooKeeper group
 * path, in the form Mesos masters use: each contender creates an ephemeral
 * sequential child <path>/json.info_NNNNNNNNNN holding its MasterInfo JSON,
 * and the lowest sequence number leads. Tools that find a Mesos leader in
 * ZooKeeper find ours the same way.
 */
#ifndef RT_ELECT_H
#define RT_ELECT_H

#include <stdbool.h>
#include <stddef.h>

#include "rt_zk.h"

#define RT_ELECT_LABEL "json.info_"

/* Sequence number of a child name "json.info_0000000042", or -1 when the
 * name is not one of ours (other labels, other nodes). */
long long rt_elect_seq(const char *child);

typedef struct rt_contender rt_contender;
typedef struct rt_contender_cb {
	void (*elected)(void *ud);                  /* our node is now the lowest */
	void (*demoted)(void *ud, const char *why); /* stop acting as leader now */
	void *ud;
} rt_contender_cb;

/* Joins the election under path with data (the MasterInfo JSON). A standby
 * watches its predecessor only and, when that node goes, lists the children
 * again: it leads only if its own node is then the lowest. A leader is
 * demoted — once; it does not lead again — when its session expires, when
 * it has been without ZooKeeper for max_disconnect seconds, or when its
 * node vanishes. A standby whose session expired joins again with a new
 * node once a new session is up. The contender lives until rt_zk_close. */
rt_contender *rt_contender_start(rt_zk *zk, const char *path, const char *data, double max_disconnect,
                                 const rt_contender_cb *cb);
bool rt_contender_leading(const rt_contender *c);
/* Our node's name ("json.info_0000000003"), or "" before it exists. */
const char *rt_contender_node(const rt_contender *c);

typedef struct rt_detector rt_detector;
/* Watches path and calls fn with the leader's data (NUL-terminated) each
 * time the leading node changes, and with NULL when there is no leader. The
 * detector lives until rt_zk_close. */
rt_detector *rt_detector_start(rt_zk *zk, const char *path, void (*fn)(void *ud, const char *leader), void *ud);

/* The JSON a master writes into its node: Mesos's MasterInfo fields, keys
 * in alphabetical order (address{hostname,ip,port}, hostname, id, ip as a
 * network-order uint32, pid, port, version). Returns a malloc'd string. */
char *rt_master_info_json(const char *id, const char *ip, int port, const char *hostname, const char *version);
/* Where to reach the master a MasterInfo JSON describes: address.hostname
 * and address.port (else hostname and port). 0, or -1 when it names none. */
int rt_master_info_address(const char *json, char *host, size_t hostlen, int *port);

#endif
