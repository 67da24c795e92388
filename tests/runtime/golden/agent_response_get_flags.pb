õ

master127.0.0.1:39055

ip	127.0.0.1

port41087

hostname	127.0.0.1
!
work_dir/tmp/agentapi-live2/a
/
	resources"cpus:2;mem:256;ports:[31000-31009]


attributesrack:r1;cores:8
;
	isolation.none: process groups only, limits not enforced

recover	reconnect

recovery_timeout900secs
'
executor_registration_timeout60secs
(
executor_reregistration_timeout2secs
'
executor_shutdown_grace_period3secs

gc_delay
604800secs

gc_disk_headroom0.1

disk_watch_interval60secs

zk_session_timeout10secs

master_timeout10secs

status_retry_interval1secs

status_retry_max60secs