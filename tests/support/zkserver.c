/*
 * zkserver.c — starting and stopping a real ZooKeeper for tests. Readiness
 * is the four-letter command `srvr` answering "Mode: standalone": `ruok`
 * answers before the server accepts sessions.
 */
#define _POSIX_C_SOURCE 200809L
#include "zkserver.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *jar = "/usr/share/java/zookeeper.jar";

static int free_port(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof a;
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) || getsockname(fd, (struct sockaddr *)&a, &len)) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	return ntohs(a.sin_port);
}

/* Sends a four-letter command; true when the answer contains want. */
static int four_letter(int port, const char *cmd, const char *want)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {
	        .sin_family = AF_INET, .sin_port = htons((uint16_t)port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	int ok = 0;
	/* Whatever holds the port may not be ZooKeeper (the free port can be
	 * taken between free_port() and the server's bind): never wait long. */
	struct timeval tv = {1, 0};
	if (fd >= 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	if (fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof a) == 0 && write(fd, cmd, 4) == 4) {
		char buf[2048];
		size_t n = 0;
		ssize_t r;
		while (n < sizeof buf - 1 && (r = read(fd, buf + n, sizeof buf - 1 - n)) > 0)
			n += (size_t)r;
		buf[n] = 0;
		ok = strstr(buf, want) != NULL;
	}
	if (fd >= 0)
		close(fd);
	return ok;
}

static int spawn(zk_server *s)
{
	char cfg[512], log[512];
	snprintf(cfg, sizeof cfg, "%s/zoo.cfg", s->dir);
	snprintf(log, sizeof log, "%s/server.log", s->dir);
	s->pid = fork();
	if (s->pid < 0)
		return -1;
	if (s->pid == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0644);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		setpgid(0, 0);
		execlp("java", "java", "-Xmx256m", "-cp", jar, "org.apache.zookeeper.server.ZooKeeperServerMain", cfg,
		       (char *)NULL);
		_exit(127);
	}
	/* Up to 60 s: the JVM starts slowly on a loaded machine. */
	for (int i = 0; i < 600; i++) {
		if (four_letter(s->port, "srvr", "Mode: standalone"))
			return 0;
		int st;
		if (waitpid(s->pid, &st, WNOHANG) == s->pid) {
			fprintf(stderr, "zkserver: java exited (status %d); see %s\n", st, log);
			s->pid = 0;
			return -1;
		}
		nanosleep(&(struct timespec){0, 100 * 1000 * 1000}, NULL);
	}
	fprintf(stderr, "zkserver: not serving after 60 s; see %s\n", log);
	zk_server_kill(s);
	return -1;
}

int zk_server_start(zk_server *s)
{
	memset(s, 0, sizeof *s);
	if (access(jar, R_OK) != 0) {
		fprintf(stderr, "zkserver: %s missing: install Debian's zookeeper package\n", jar);
		return -1;
	}
	snprintf(s->dir, sizeof s->dir, "/tmp/meso-zk-XXXXXX");
	if (!mkdtemp(s->dir) || (s->port = free_port()) < 0)
		return -1;
	/* The port found free may be taken before the server binds it: then
	 * the server exits or never answers, and we try another port. */
	for (int attempt = 0; attempt < 3; attempt++) {
		if (attempt && (s->port = free_port()) < 0)
			return -1;
		snprintf(s->hosts, sizeof s->hosts, "127.0.0.1:%d", s->port);
		char path[512];
		snprintf(path, sizeof path, "%s/zoo.cfg", s->dir);
		FILE *f = fopen(path, "w");
		if (!f)
			return -1;
		fprintf(f,
		        "tickTime=100\ndataDir=%s/data\nclientPort=%d\nclientPortAddress=127.0.0.1\n"
		        "admin.enableServer=false\n4lw.commands.whitelist=srvr,ruok\n"
		        "minSessionTimeout=200\nmaxSessionTimeout=60000\n",
		        s->dir, s->port);
		fclose(f);
		if (spawn(s) == 0)
			return 0;
	}
	return -1;
}

void zk_server_kill(zk_server *s)
{
	if (s->pid > 0) {
		kill(-s->pid, SIGKILL);
		kill(s->pid, SIGKILL);
		waitpid(s->pid, NULL, 0);
	}
	s->pid = 0;
}

int zk_server_restart(zk_server *s)
{
	return spawn(s);
}

void zk_server_stop(zk_server *s)
{
	zk_server_kill(s);
	if (s->dir[0]) {
		char cmd[300];
		snprintf(cmd, sizeof cmd, "rm -rf '%s'", s->dir);
		if (system(cmd) != 0)
			fprintf(stderr, "zkserver: could not remove %s\n", s->dir);
		s->dir[0] = 0;
	}
}
