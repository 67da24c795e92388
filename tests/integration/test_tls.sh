#!/usr/bin/env bash
# TLS (issue 17, item 3): a throwaway CA and certificates made with openssl
# at test time; a master and an agent serving HTTPS only
# (LIBPROCESS_SSL_ENABLED and its files, as Mesos's libprocess); the agent
# registers over TLS, verifying the master with the CA; meso-execute runs
# a task over https; a plain-http client and a client trusting another CA
# are refused, and an agent that does not trust the master's certificate
# never registers; with LIBPROCESS_SSL_SUPPORT_DOWNGRADE both are served.
. "$(dirname "$0")/lib.sh" "$1"
command -v openssl >/dev/null || { echo "SKIP: needs openssl" >&2; exit 77; }

# ca NAME: a self-signed CA; cert NAME CA: a certificate for 127.0.0.1 signed by CA.
ca() {
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=$1" -keyout "$T/$1.key" -out "$T/$1.pem" \
		2>/dev/null || fail "openssl: CA $1"
}
cert() {
	openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" -keyout "$T/$1.key" -out "$T/$1.csr" 2>/dev/null
	printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' >"$T/$1.ext"
	openssl x509 -req -in "$T/$1.csr" -CA "$T/$2.pem" -CAkey "$T/$2.key" -CAcreateserial -days 2 \
		-extfile "$T/$1.ext" -out "$T/$1.pem" 2>/dev/null || fail "openssl: certificate $1"
}
ca ca
ca otherca
cert server ca

export LIBPROCESS_SSL_ENABLED=true LIBPROCESS_SSL_CERT_FILE="$T/server.pem" LIBPROCESS_SSL_KEY_FILE="$T/server.key" \
	LIBPROCESS_SSL_CA_FILE="$T/ca.pem" LIBPROCESS_SSL_VERIFY_CERT=true
# lib.sh's helpers speak plain http: these use https with our CA.
https_get() { curl -sf --max-time 5 --cacert "$T/ca.pem" "https://127.0.0.1:$1$2"; }
mkdir -p "$T/master" "$T/a1"
"$BIN/meso-master" --port 0 --work_dir "$T/master" --allocation_interval 0.1 2>"$T/master.log" &
PIDS+=($!)
wait_for 10 "master port file" test -s "$T/master/master.port"
MASTER_PORT=$(cat "$T/master/master.port")
wait_for 10 "master /health over https" https_get "$MASTER_PORT" /health
"$BIN/meso-agent" --master "127.0.0.1:$MASTER_PORT" --port 0 --work_dir "$T/a1" --resources "cpus:2;mem:256" \
	--switch_user=false 2>"$T/a1.log" &
PIDS+=($!)
wait_for 10 "agent port file" test -s "$T/a1/agent.port"
AGENT_PORT=$(cat "$T/a1/agent.port")
wait_for 10 "the agent registered over TLS" bash -c "curl -sf --cacert $T/ca.pem https://127.0.0.1:$AGENT_PORT/state | grep -q '\"registered\":true'"

# A scheduler over https.
"$BIN/meso-execute" --master "127.0.0.1:$MASTER_PORT" --name tls --command 'echo over-tls' \
	>"$T/tls.out" 2>"$T/tls.log" || fail "meso-execute over TLS failed: $(cat "$T/tls.out" "$T/tls.log")"
grep -q TASK_FINISHED "$T/tls.out" || fail "no TASK_FINISHED over TLS: $(cat "$T/tls.out")"
grep -rq over-tls "$T"/a1/frameworks/*/tasks/tls-*/stdout || fail "the task did not run"
# A plain-http client is refused (no answer), as is one that trusts another CA.
curl -s --max-time 5 "http://127.0.0.1:$MASTER_PORT/health" >"$T/plain.out" 2>&1 && fail "plain http was served"
grep -q ok "$T/plain.out" && fail "plain http got an answer"
curl -s --max-time 5 --cacert "$T/otherca.pem" "https://127.0.0.1:$MASTER_PORT/health" >/dev/null 2>&1 &&
	fail "a client trusting another CA was served"
LIBPROCESS_SSL_CA_FILE="$T/otherca.pem" "$BIN/meso-execute" --master "127.0.0.1:$MASTER_PORT" --name wrongca \
	--command true >"$T/wrongca.out" 2>"$T/wrongca.log" && fail "meso-execute trusting another CA succeeded"
grep -q "certificate verify failed" "$T/wrongca.log" || fail "meso-execute did not say why: $(cat "$T/wrongca.log")"
# An agent trusting another CA never registers, and says why.
mkdir -p "$T/a2"
LIBPROCESS_SSL_CA_FILE="$T/otherca.pem" "$BIN/meso-agent" --master "127.0.0.1:$MASTER_PORT" --port 0 \
	--work_dir "$T/a2" --resources "cpus:1;mem:64" --switch_user=false 2>"$T/a2.log" &
PIDS+=($!)
wait_for 10 "the agent trusting another CA refused" grep -q "certificate verify failed" "$T/a2.log"
[ "$(https_get "$MASTER_PORT" /state | grep -o '"port":[0-9]*,"connected"' | wc -l)" = 1 ] ||
	fail "the master should list one agent"
# LIBPROCESS_SSL_SUPPORT_DOWNGRADE: one port serves both (as Mesos during a migration).
mkdir -p "$T/m2"
LIBPROCESS_SSL_SUPPORT_DOWNGRADE=true "$BIN/meso-master" --port 0 --work_dir "$T/m2" 2>"$T/m2.log" &
PIDS+=($!)
wait_for 10 "second master port file" test -s "$T/m2/master.port"
M2=$(cat "$T/m2/master.port")
wait_for 10 "https on the downgrading master" https_get "$M2" /health
http_get "$M2" /health | grep -q ok || fail "plain http not served with LIBPROCESS_SSL_SUPPORT_DOWNGRADE"
echo "ok: master and agent over TLS; plain http and a wrong CA refused; downgrade serves both"
