/*
 * zkserver.h — a real ZooKeeper server (Debian's zookeeper package) for the
 * tests: started on 127.0.0.1 with its own data directory and a free port,
 * waited for until it really serves, and stopped and removed afterwards.
 */
#ifndef MESO_TESTS_ZKSERVER_H
#define MESO_TESTS_ZKSERVER_H

#include <sys/types.h>

typedef struct zk_server {
	pid_t pid;
	int port;
	char dir[256];
	char hosts[64]; /* "127.0.0.1:PORT" */
} zk_server;

/* Starts a standalone server with a short tick (100 ms; sessions of 200 ms
 * to 60 s allowed). Returns 0, or -1 with a message on stderr (no Java or
 * no ZooKeeper: run scripts/install-deps.sh). */
int zk_server_start(zk_server *s);
/* Stops it (SIGKILL: as a crash) and keeps the data; start it again with
 * zk_server_restart on the same port. */
void zk_server_kill(zk_server *s);
int zk_server_restart(zk_server *s);
/* Stops it and removes its directory. */
void zk_server_stop(zk_server *s);

#endif
