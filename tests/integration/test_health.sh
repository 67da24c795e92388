#!/usr/bin/env bash
# TaskInfo.health_check on command tasks (COMMAND, HTTP, HTTPS, TCP, over
# IPv4 and IPv6; Mesos's
# fields and rules), run by the agent: health_scheduler.py checks healthy
# and unhealthy updates, the kill after consecutive failures, and the
# master's validation.
. "$(dirname "$0")/lib.sh" "$1"
HERE=$(cd "$(dirname "$0")" && pwd)
command -v python3 >/dev/null || { echo "SKIP: needs python3" >&2; exit 77; }
command -v openssl >/dev/null || { echo "SKIP: needs openssl" >&2; exit 77; }
# A throwaway self-signed certificate for the HTTPS check's server.
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 -keyout "$T/key.pem" -out "$T/cert.pem" \
	2>/dev/null || fail "openssl could not make a certificate"

start_master
start_agent a1 "cpus:2;mem:1024" --kill_grace 1
run_scheduler 90 "$HERE/health_scheduler.py" "$MASTER_PORT" "$T"
echo "PASS"
