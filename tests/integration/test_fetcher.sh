#!/usr/bin/env bash
# CommandInfo.uris fetched into the sandbox before the task starts
# (meso-fetcher, Mesos's fetcher): fetch_scheduler.py serves files over
# HTTP and checks each kind of URI, a failed fetch, refused URIs and the
# cache. The files are made here with tar, gzip and zip's Python module.
. "$(dirname "$0")/lib.sh" "$1"
HERE=$(cd "$(dirname "$0")" && pwd)
command -v python3 >/dev/null || { echo "SKIP: needs python3" >&2; exit 77; }
command -v unzip >/dev/null || { echo "SKIP: needs unzip (scripts/install-deps.sh)" >&2; exit 77; }

W="$T/www"
mkdir -p "$W" "$T/src/data"
printf '#!/bin/sh\necho script-ran\n' >"$W/run.sh"
echo 'hello from the archive' >"$T/src/data/hello.txt"
tar -C "$T/src" -czf "$W/app.tgz" data
echo '{"gz": true}' | gzip >"$W/conf.json.gz"
echo zipped >"$T/src/z.txt"
python3 -c 'import sys, zipfile; z = zipfile.ZipFile(sys.argv[1], "w"); z.write(sys.argv[2], "z.txt"); z.close()' \
	"$W/files.zip" "$T/src/z.txt"
echo renamed >"$W/plain.txt"
echo v1 >"$W/cached.txt"
echo local-file >"$T/local.txt"
cp "$HERE/custom_executor.py" "$W/"

start_master
start_agent a1 "cpus:2;mem:1024"
run_scheduler 90 "$HERE/fetch_scheduler.py" "$MASTER_PORT" "$T"
ls "$T/a1/fetch_cache/"*-cached.txt >/dev/null 2>&1 || fail "nothing in the agent's fetch cache: $(ls -la "$T/a1/fetch_cache")"
grep -rqs "Failed to fetch 'http://127.0.0.1:[0-9]*/missing.tgz'" "$T/a1/frameworks" ||
	fail "the failed fetch is not in its sandbox's stderr"
echo "PASS"
