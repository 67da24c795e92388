#!/usr/bin/env bash
# Installs the Debian 12 packages Meso needs to build and test, and only
# those that are missing. Safe to run again; used by `make demo`/`make check`.
set -euo pipefail

packages=(
  build-essential cmake pkg-config
  libjemalloc-dev  # allocator of the programs
  libcmocka-dev    # unit tests
  zlib1g-dev       # traces/: gzip'd public traces
  nettle-dev       # sim/: SHA-256 of inputs and outputs in manifest.json
  libev-dev libprotobuf-c-dev protobuf-c-compiler  # runtime/: event loops, wire messages
  libhttp-parser-dev libjansson-dev curl            # runtime/: HTTP parsing, /state JSON; integration tests
  libzookeeper-st-dev zookeeper                     # runtime/: leader election; a real server for the tests
  uthash-dev                                        # runtime/: the master's hash maps (header-only)
  libcurl4-openssl-dev unzip                        # runtime/: meso-fetcher (URLs; .zip archives)
  libssl-dev openssl                                # runtime/: TLS (LIBPROCESS_SSL_*); test certificates
  g++ libbenchmark-dev  # bench/: Google Benchmark and its C++ shim
  jq gnuplot-nox        # bench/: results summary and plot (make bench)
  python3 python3-protobuf protobuf-compiler  # tests/integration/mesos_client: the docs-only scheduler
  chromium              # tests/integration/test_webui.sh: the web UI in a real (headless) browser
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "install-deps: installing ${missing[*]}" >&2
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
