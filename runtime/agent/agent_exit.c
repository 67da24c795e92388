/*
 * agent_exit.c — exit records, the one line a supervisor writes when its
 * task or executor ends (wait status, OOM, killed for the recovery timeout,
 * output lost) over a record of the same size made when it started, and the
 * CRC-32 and write loop they share with the checkpoint files. Kept apart
 * from agent_checkpoint.c (protobuf) so that the supervisor program links
 * with libc alone.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "agent.h"

#define EXIT_TAG "meso-exit 1 " /* an exit record's first words */

/* CRC-32 (IEEE 802.3, reflected), table built on first use. */
uint32_t agent_crc32(const uint8_t *p, size_t n)
{
	static uint32_t table[256];
	if (!table[1])
		for (uint32_t i = 0; i < 256; i++) {
			uint32_t c = i;
			for (int k = 0; k < 8; k++)
				c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
			table[i] = c;
		}
	uint32_t c = 0xFFFFFFFFu;
	for (size_t i = 0; i < n; i++)
		c = table[(c ^ p[i]) & 0xFF] ^ (c >> 8);
	return c ^ 0xFFFFFFFFu;
}

int agent_write_all(int fd, const void *buf, size_t n)
{
	const uint8_t *p = buf;
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

size_t agent_exit_record_format(const agent_exit_record *r, char *buf, size_t len)
{
	char line[AGENT_EXIT_RECORD_LEN];
	int n = snprintf(line, sizeof line, EXIT_TAG "status=%d oom=%d timeout=%d out_lost=%llu err_lost=%llu",
	                 r->wait_status, r->oom ? 1 : 0, r->recovery_timeout ? 1 : 0, (unsigned long long)r->out_lost,
	                 (unsigned long long)r->err_lost);
	uint32_t crc = agent_crc32((const uint8_t *)line, (size_t)n);
	int m = snprintf(buf, len, "%s crc=%08x\n", line, crc);
	return m < 0 || (size_t)m >= len ? 0 : (size_t)m;
}

int agent_exit_record_parse(const char *buf, size_t len, agent_exit_record *r, char *why, size_t whylen)
{
	memset(r, 0, sizeof *r);
	const char *nl = memchr(buf, '\n', len);
	if (!nl) {
		snprintf(why, whylen, "no complete line");
		return -1;
	}
	size_t n = (size_t)(nl - buf);
	if (n >= AGENT_EXIT_RECORD_LEN) {
		snprintf(why, whylen, "line too long");
		return -1;
	}
	char line[AGENT_EXIT_RECORD_LEN];
	memcpy(line, buf, n);
	line[n] = '\0';
	if (strcmp(line, EXIT_TAG "running") == 0)
		return 0;
	char *crc_at = strstr(line, " crc=");
	unsigned crc;
	int status, oom, timeout, end = 0;
	unsigned long long out_lost, err_lost;
	if (strncmp(line, EXIT_TAG, strlen(EXIT_TAG)) != 0 || !crc_at ||
	    sscanf(crc_at, " crc=%8x%n", &crc, &end) != 1 || crc_at[end] != '\0' ||
	    agent_crc32((const uint8_t *)line, (size_t)(crc_at - line)) != crc) {
		snprintf(why, whylen, "not an exit record, or damaged (CRC)");
		return -1;
	}
	*crc_at = '\0';
	end = 0;
	if (sscanf(line + strlen(EXIT_TAG), "status=%d oom=%d timeout=%d out_lost=%llu err_lost=%llu%n", &status, &oom,
	           &timeout, &out_lost, &err_lost, &end) != 5 ||
	    line[strlen(EXIT_TAG) + (size_t)end] != '\0') {
		snprintf(why, whylen, "malformed exit record");
		return -1;
	}
	r->wait_status = status;
	r->oom = oom != 0;
	r->recovery_timeout = timeout != 0;
	r->out_lost = out_lost;
	r->err_lost = err_lost;
	return 1;
}
