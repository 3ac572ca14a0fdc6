#!/usr/bin/env bash
# Builds Estuary if needed and starts one node in the foreground (Ctrl-C stops it).
#
#   ./scripts/run.sh                              # defaults: conf/server.yaml settings
#   ./scripts/run.sh --build                      # rebuild first
#   ./scripts/run.sh --set rtmp.port=1936         # any server option: --conf FILE, --set k=v, --print-config, --help
#
# JAVA_OPTS (e.g. "-Xmx2g") is passed to the JVM.
set -euo pipefail

cd "$(dirname "$0")/.."
jar=verticles/target/estuary.jar

build=false
args=()
for a in "$@"; do
    if [ "$a" = "--build" ]; then
        build=true
    else
        args+=("$a")
    fi
done

if $build || [ ! -f "$jar" ]; then
    command -v mvn >/dev/null || { echo "run.sh: mvn not found; install Maven and JDK 17" >&2; exit 1; }
    echo "run.sh: building $jar (mvn -B -q package -DskipTests)"
    mvn -B -q package -DskipTests
fi

# exec: the server gets Ctrl-C/SIGTERM directly and stops cleanly (exit 0).
# shellcheck disable=SC2086
exec java ${JAVA_OPTS:-} -jar "$jar" "${args[@]}"
