Ì

ip	127.0.0.1

port34367

hostnamemaster.example

work_dirm

allocation_interval1secs

offer_timeout0secs

agent_timeout15secs
#
agent_reregister_timeout600secs

heartbeat_interval5secs

zk_session_timeout10secs
%
framework_recovery_timeout120secs

max_completed_frameworks50
)
!max_completed_tasks_per_framework1000

max_completed_tasks100000

max_frameworks1000

registry	in_memory

	allocatordrf