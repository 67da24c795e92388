#!/usr/bin/env python3
"""fetch_scheduler.py MASTER_PORT WORK — the framework side of
test_fetcher.sh: command tasks with CommandInfo.uris, served by an HTTP
server of its own (on 127.0.0.1) and from local files in WORK.

  f1  http: an executable script, a .tgz (extracted), a .json.gz
      (gunzipped), a .zip (unzipped); a file:// URI; output_file into a
      subfolder. The task checks each and ends TASK_FINISHED.
  f2  an http URI that answers 404: TASK_FAILED, REASON_CONTAINER_LAUNCH_FAILED,
      "Failed to fetch all URIs", naming the 404.
  f3  a scheme Meso does not fetch (hdfs://), f4 an output_file outside the
      sandbox: TASK_FAILED before anything runs, saying why.
  f5-f7  cache=true: v1 fetched into the cache; the file on the server then
      changes to v2; f6 (cache=true) still gets v1 from the cache, f7
      (cache=false) gets v2.
  f8  a custom executor whose program is a URI (custom_executor.py over
      http): fetched before it starts, it runs its task to TASK_FINISHED.
  f9  an executor whose URI answers 404: its task TASK_FAILED, saying why.

Prints one line per check; exits 0 when all hold, 1 with "FAIL: ..." otherwise.
"""
import functools
import http.server
import os
import sys
import threading

from simple_framework import Framework, fail

PORT = int(sys.argv[1])
WORK = sys.argv[2]
WWW = os.path.join(WORK, "www")


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def main():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=WWW))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = "http://127.0.0.1:%d" % server.server_address[1]
    fw = Framework(PORT, "fetch-it")

    def run(tid, uris, command="true"):
        fw.launch([(tid, {}, {"value": command, "uris": uris})])

    def ended(tid):
        return lambda: any(s in fw.states(tid) for s in ("TASK_FINISHED", "TASK_FAILED", "TASK_LOST", "TASK_ERROR"))

    checks = " && ".join([
        "test -x run.sh", "./run.sh | grep -qx script-ran",
        "grep -qx 'hello from the archive' data/hello.txt", "test -f app.tgz",
        "grep -qx '{\"gz\": true}' conf.json",
        "grep -qx zipped z.txt",
        "grep -qx local-file local.txt",
        "grep -qx renamed etc/renamed.txt",
    ])
    run("f1", [{"value": base + "/run.sh", "executable": True},
               {"value": base + "/app.tgz"},
               {"value": base + "/conf.json.gz"},
               {"value": base + "/files.zip"},
               {"value": "file://" + os.path.join(WORK, "local.txt")},
               {"value": base + "/plain.txt", "output_file": "etc/renamed.txt"}], checks)
    fw.wait("f1 to end", ended("f1"))
    if fw.states("f1")[-1] != "TASK_FINISHED":
        fail("f1 (every kind of URI) ended %s: %s" % (fw.states("f1"), fw.status("f1", fw.states("f1")[-1])))
    if fw.states("f1").index("TASK_RUNNING") < fw.states("f1").index("TASK_STARTING"):
        fail("f1 went %s" % fw.states("f1"))
    print("f1: script, tgz, gz, zip, file:// and output_file fetched; the task saw them", flush=True)

    run("f2", [{"value": base + "/missing.tgz"}])
    fw.wait("f2 to end", ended("f2"))
    st = fw.status("f2", fw.states("f2")[-1])
    if st["state"] != "TASK_FAILED" or st.get("reason") != "REASON_CONTAINER_LAUNCH_FAILED" or \
            "Failed to fetch all URIs" not in st.get("message", "") or "404" not in st.get("message", ""):
        fail("f2 (a URI answering 404): %s" % st)
    if "TASK_RUNNING" in fw.states("f2"):
        fail("f2 was RUNNING before its URIs were fetched: %s" % fw.states("f2"))
    print("f2: %s" % st["message"], flush=True)

    for tid, uri, words in (("f3", {"value": "hdfs://nn/app.tgz"}, "scheme"),
                            ("f4", {"value": base + "/plain.txt", "output_file": "../../escape"},
                             "inside the sandbox")):
        run(tid, [uri])
        fw.wait(tid + " to end", ended(tid))
        st = fw.status(tid, fw.states(tid)[-1])
        if st["state"] != "TASK_FAILED" or words not in st.get("message", ""):
            fail("%s (%s): %s" % (tid, uri, st))
        print("%s: %s" % (tid, st["message"]), flush=True)
    if os.path.exists(os.path.join(WORK, "escape")):
        fail("f4 wrote outside its sandbox")

    cached = {"value": base + "/cached.txt", "cache": True, "output_file": "c.txt"}
    run("f5", [cached], "grep -qx v1 c.txt")
    fw.wait("f5 to end", ended("f5"))
    with open(os.path.join(WWW, "cached.txt"), "w") as f:
        f.write("v2\n")
    run("f6", [cached], "grep -qx v1 c.txt")
    fw.wait("f6 to end", ended("f6"))
    run("f7", [dict(cached, cache=False)], "grep -qx v2 c.txt")
    fw.wait("f7 to end", ended("f7"))
    got = [fw.states(t)[-1] for t in ("f5", "f6", "f7")]
    if got != ["TASK_FINISHED"] * 3:
        fail("cache: f5 f6 f7 ended %s (f6 must read v1 from the cache, f7 v2 from the server)" % got)
    print("f5-f7: cache=true served the cached v1 after the server's file changed; cache=false got v2", flush=True)
    # Custom executors' URIs: fetched by the agent before the executor
    # starts (the executor program itself comes over HTTP); a 404 fails
    # the task with the fetcher's reason.
    def executor(eid, uris):
        return {"executor_id": {"value": eid}, "command": {
            "value": "exec python3 custom_executor.py", "uris": uris,
            "environment": {"variables": [{"name": "EXECUTOR_LOG", "value": os.path.join(WORK, "executors.log")}]}},
            "resources": [{"name": "cpus", "type": "SCALAR", "scalar": {"value": 0.1}},
                          {"name": "mem", "type": "SCALAR", "scalar": {"value": 32}}]}
    fw.launch([("f8", {"executor": executor("e8", [{"value": base + "/custom_executor.py"}]),
                       "data": "ZmluaXNo"}, None)])  # "finish"
    fw.wait("f8 to end", ended("f8"))
    if fw.states("f8")[-1] != "TASK_FINISHED":
        fail("f8 (an executor fetched over http) ended %s" % fw.status("f8", fw.states("f8")[-1]))
    print("f8: a custom executor fetched over http ran its task to TASK_FINISHED", flush=True)
    fw.launch([("f9", {"executor": executor("e9", [{"value": base + "/no-such-executor.py"}]),
                       "data": "ZmluaXNo"}, None)])
    fw.wait("f9 to end", ended("f9"))
    st = fw.status("f9", fw.states("f9")[-1])
    if st["state"] != "TASK_FAILED" or "Failed to fetch all URIs" not in st.get("message", "") or \
            "404" not in st.get("message", ""):
        fail("f9 (an executor whose URI answers 404): %s" % st)
    print("f9: %s" % st["message"], flush=True)
    server.shutdown()
    print("PASS", flush=True)


if __name__ == "__main__":
    main()
