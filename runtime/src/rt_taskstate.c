/*
 * rt_taskstate.c — task state names and terminality (rt_taskstate.h).
 */
#include "rt_taskstate.h"

const char *rt_task_state_name(Mesos__V1__TaskState s)
{
	const ProtobufCEnumValue *v = protobuf_c_enum_descriptor_get_value(&mesos__v1__task_state__descriptor, s);
	return v ? v->name : "TASK_UNKNOWN";
}

bool rt_task_state_terminal(Mesos__V1__TaskState s)
{
	switch (s) {
	case MESOS__V1__TASK_STATE__TASK_FINISHED:
	case MESOS__V1__TASK_STATE__TASK_FAILED:
	case MESOS__V1__TASK_STATE__TASK_KILLED:
	case MESOS__V1__TASK_STATE__TASK_ERROR:
	case MESOS__V1__TASK_STATE__TASK_LOST:
	case MESOS__V1__TASK_STATE__TASK_DROPPED:
	case MESOS__V1__TASK_STATE__TASK_GONE:
	case MESOS__V1__TASK_STATE__TASK_GONE_BY_OPERATOR:
		return true;
	default:
		return false;
	}
}
