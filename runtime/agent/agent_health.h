/*
 * agent_health.h — TaskInfo.health_check of command tasks, run by the agent
 * on its loop (Mesos's command executor runs them; Meso's command tasks
 * have no executor process): COMMAND checks as processes in the sandbox,
 * HTTP and TCP checks as non-blocking connections to 127.0.0.1. Results
 * become TASK_RUNNING updates with `healthy`; too many failures kill the
 * task.
 */
#ifndef MESO_AGENT_HEALTH_H
#define MESO_AGENT_HEALTH_H

#include <stdbool.h>

struct agent;
struct a_task;

/* What one check's result means, by Mesos's rules. */
typedef enum agent_health_verdict {
	AGENT_HEALTH_QUIET,     /* nothing to say: still healthy, or a failure inside the grace period */
	AGENT_HEALTH_HEALTHY,   /* first success, or first after failures: report healthy */
	AGENT_HEALTH_UNHEALTHY, /* a failure: report unhealthy */
	AGENT_HEALTH_KILL       /* consecutive_failures reached: report and kill the task */
} agent_health_verdict;

typedef struct agent_health_state {
	bool ever_healthy; /* a check has passed: the grace period no longer applies */
	bool known;        /* a result has been reported */
	bool healthy;      /* the last one reported */
	unsigned failures; /* consecutive, outside the grace period */
} agent_health_state;

/* Updates s with one result: ok, since_start seconds after the task
 * started, with the check's grace period and consecutive_failures. Mesos's
 * health checker: failures before the first success within the grace
 * period are ignored; a success is reported when the last report was not
 * one; every counted failure is reported, and the one that reaches
 * max_failures (at least 1) kills. */
agent_health_verdict agent_health_judge(agent_health_state *s, bool ok, double since_start, double grace,
                                        unsigned max_failures);

/* Starts checking a task that has just started (or was adopted), if its
 * TaskInfo has a health check; nothing otherwise. */
void agent_health_start(struct agent *a, struct a_task *t);
/* Stops checking (the task ended): no check in flight or scheduled; the
 * last result stays for the task's final update. */
void agent_health_stop_checks(struct agent *a, struct a_task *t);
/* Stops checking and frees what start made (the task is forgotten). */
void agent_health_stop(struct agent *a, struct a_task *t);
/* The task's health as last reported: 1 healthy, 0 unhealthy, -1 unknown
 * (no check, or no result yet). Every later update of the task says it. */
int agent_health_known(const struct a_task *t);
/* Whether the task is being killed for its failed checks, and why (the
 * last failure). */
const char *agent_health_kill_reason(const struct a_task *t);

#endif
