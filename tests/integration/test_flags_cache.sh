#!/usr/bin/env bash
# Mesos's flag forms on real processes, and the fetcher cache's size bound.
# 1. meso-fetcher with --cache_size: the least recently used file goes
#    first, a file larger than the cache reaches the sandbox but is not
#    kept, a temporary left by a killed fetch is removed, a size of 0 turns
#    the cache off.
# 2. meso-master and meso-agent configured as a Mesos operator would:
#    durations as "1mins", sizes as "1MB", flags from MESOS_* variables (the
#    command line wins), a value from file://, Mesos's flags that have no
#    counterpart here (--quorum, --registry, --containerizers, --launcher),
#    Mesos's isolator list and logging flags; the state endpoints say what
#    they took, and a malformed value stops them with the flag's name.
. "$(dirname "$0")/lib.sh" "$1"

F="$BIN/meso-fetcher"
C="$T/cache"
mkdir -p "$C" "$T/src"
head -c 1000 /dev/zero >"$T/src/a.bin"
head -c 1000 /dev/zero >"$T/src/b.bin"
head -c 1500 /dev/zero >"$T/src/c.bin"
head -c 5000 /dev/zero >"$T/src/big.bin"
# One URI argument as the agent encodes it: executable, extract, cache,
# then the output file's length, ':', the output file and the URI.
uri() { local o="$1.out"; echo "001${#o}:$o$T/src/$1.bin"; }
fetch() { # fetch SIZE NAME: into a fresh sandbox through the cache
	local sb="$T/sb-$2-$RANDOM"
	mkdir -p "$sb"
	"$F" --sandbox="$sb" --cache_dir="$C" --cache_size="$1" "$(uri "$2")" 2>>"$T/fetcher.log" ||
		fail "fetching $2 failed: $(tail -3 "$T/fetcher.log")"
	cmp -s "$sb/$2.out" "$T/src/$2.bin" || fail "$2 did not reach its sandbox whole"
}
cached() { ls "$C" | grep -q -- "-$1.bin\$"; }

fetch 3000 a
fetch 3000 b
cached a && cached b || fail "a and b are not both cached: $(ls "$C")"
fetch 3000 a # a hit: a becomes the most recently used
grep -q "'$T/src/a.bin' from the cache" "$T/fetcher.log" || fail "the second fetch of a did not use the cache"
fetch 3000 c # 3500 bytes > 3000: the least recently used (b) goes
cached b && fail "b, the least recently used, was not evicted: $(ls -l "$C")"
cached a && cached c || fail "a or c was evicted instead of b: $(ls "$C")"
grep -q "evicted .*-b.bin (1000 bytes)" "$T/fetcher.log" || fail "the eviction of b is not logged"
fetch 3000 big # larger than the whole cache: delivered, not kept
cached big && fail "a file larger than the cache was kept"
cached a && cached c || fail "fetching a too large file evicted others: $(ls "$C")"
# A temporary left by a killed fetch an hour ago goes; one under way stays.
touch -d '1 hour ago' "$C/0000-x.bin.fetch-OLD123"
touch "$C/0000-y.bin.fetch-NEW123"
rm -f "$C"/*-a.bin
fetch 3000 a
[ -e "$C/0000-x.bin.fetch-OLD123" ] && fail "a stale temporary was not removed"
[ -e "$C/0000-y.bin.fetch-NEW123" ] || fail "a fresh temporary (a download under way) was removed"
rm -f "$C"/*
fetch 0 a # size 0: no cache at all
[ -z "$(ls "$C")" ] || fail "--cache_size=0 still cached: $(ls "$C")"
"$F" --sandbox="$T" --cache_size=2GB "$(uri a)" 2>/dev/null && fail "meso-fetcher took a malformed --cache_size"

# 2. A master and an agent configured the Mesos way.
start_master --quorum=1 --registry=replicated_log --cluster=prod-east --agent_ping_timeout=2secs \
	--max_agent_ping_timeouts=3 --logging_level=INFO
state=$(http_get "$MASTER_PORT" /master/state)
echo "$state" | grep -q '"cluster":"prod-east"' || fail "/master/state has no cluster"
http_get "$MASTER_PORT" /flags | grep -q '"agent_timeout":"6secs"' || fail "--agent_ping_timeout x --max_agent_ping_timeouts is not 6secs"
grep -q "registry in memory (no --zk); the flags have no effect" "$T/master.log" ||
	fail "the master does not say --quorum/--registry have no effect"
echo 2weeks >"$T/gc_delay"
MESOS_EXECUTOR_REGISTRATION_TIMEOUT=5mins MESOS_FETCHER_CACHE_SIZE=1MB MESOS_master_timeout=20secs \
	start_agent a1 "cpus:1;mem:256" --executor_registration_timeout=1mins --gc_delay="file://$T/gc_delay" \
	--executor_shutdown_grace_period=1500ms --containerizers=mesos --launcher=linux --no-systemd_enable_support \
	--isolation=posix/cpu,posix/mem,docker/runtime --logging_level=warning --log_dir="$T/logs" --quiet
flags=$(http_get "${AGENT_PORT[a1]}" "/slave(1)/state")
for kv in '"executor_registration_timeout":"1mins"' '"fetcher_cache_size":"1MB"' '"master_timeout":"20secs"' \
	'"gc_delay":"2weeks"' '"executor_shutdown_grace_period":"1500ms"'; do
	echo "$flags" | grep -q "$kv" || fail "/slave(1)/state's flags lack $kv: $(echo "$flags" | grep -o '"flags":{[^}]*}')"
done
echo "$flags" | grep -q '"isolation":"none:' || fail "posix isolators did not mean no cgroups"
# --quiet: nothing on stderr; --log_dir: the log, at WARNING, in its file.
grep -q "Meso has no docker/runtime isolator; ignored" "$T/logs/meso-agent.log" ||
	fail "the ignored isolator is not in $T/logs/meso-agent.log: $(cat "$T/logs/meso-agent.log")"
grep -q " I meso-agent" "$T/logs/meso-agent.log" && fail "--logging_level=warning still logs info lines"
[ -s "$T/a1.log" ] && fail "--quiet still wrote to stderr: $(head -3 "$T/a1.log")"
# Malformed values stop it at once, naming the flag and the variable.
if MESOS_GC_DELAY=1fortnight "$BIN/meso-agent" --master "127.0.0.1:$MASTER_PORT" --work_dir "$T/a2" \
	2>"$T/bad.err"; then
	fail "the agent started with MESOS_GC_DELAY=1fortnight"
fi
grep -q "environment variable MESOS_GC_DELAY (flag '--gc_delay'): '1fortnight': unknown duration unit 'fortnight'" \
	"$T/bad.err" || fail "unclear refusal: $(cat "$T/bad.err")"
if "$BIN/meso-agent" --master "127.0.0.1:$MASTER_PORT" --work_dir "$T/a3" --containerizers=docker,mesos \
	2>"$T/bad.err"; then
	fail "the agent started with --containerizers=docker,mesos"
fi
grep -q "Meso has only the mesos containerizer" "$T/bad.err" || fail "unclear refusal: $(cat "$T/bad.err")"
if "$BIN/meso-master" --port 0 --offer_timeout=5 --agent_reregister_timeout=10minutes 2>"$T/bad.err"; then
	fail "the master started with --agent_reregister_timeout=10minutes"
fi
grep -q "flag '--agent_reregister_timeout': '10minutes': unknown duration unit 'minutes'" "$T/bad.err" ||
	fail "unclear refusal: $(cat "$T/bad.err")"
echo "PASS"
