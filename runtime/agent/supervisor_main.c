/*
 * supervisor_main.c — meso-agent-supervisor, the program the agent starts
 * between itself and each task or executor (agent_supervise.c). Linked with
 * libc alone: a supervisor per task is started in every launch, and the
 * agent's own libraries (jemalloc, libstdc++, libev, ...) would triple what
 * that exec costs.
 */
#define _GNU_SOURCE /* PATH_MAX in agent.h */
#include "agent.h"

int main(int argc, char **argv)
{
	return agent_supervise_main(argc, argv);
}
