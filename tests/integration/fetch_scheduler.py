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
    server.shutdown()
    print("PASS", flush=True)


if __name__ == "__main__":
    main()
