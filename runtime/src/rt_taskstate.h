/*
 * rt_taskstate.h — Mesos task states as the master, the agent and
 * meso-execute all need them: their names and which ones are terminal.
 */
#ifndef RT_TASKSTATE_H
#define RT_TASKSTATE_H

#include <stdbool.h>

#include "mesos.pb-c.h"

/* "TASK_RUNNING", or "TASK_UNKNOWN" for a value the .proto does not have. */
const char *rt_task_state_name(Mesos__V1__TaskState s);
/* True for the states a task never leaves (FINISHED, FAILED, KILLED, ERROR,
 * LOST, DROPPED, GONE, GONE_BY_OPERATOR). */
bool rt_task_state_terminal(Mesos__V1__TaskState s);

#endif
