#!/usr/bin/env bash
# Builds Estuary if needed and starts one node in the foreground (Ctrl-C stops it).
#
#   ./scripts/run.sh                              # defaults: conf/server.yaml settings
#   ./scripts/run.sh --build                      # rebuild first
#   ./scripts/run.sh --set rtmp.port=1936         # any server option: --conf FILE, --set k=v, --print-config, --help
#
# JVM flags: conf/jvm.options (why each: README.md, "JVM flags"); JAVA_OPTS, when set,
# replaces them (e.g. JAVA_OPTS="-Xmx4g -XX:+UseG1GC").
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

jvm_opts=()
if [ -n "${JAVA_OPTS:-}" ]; then
    read -ra jvm_opts <<< "$JAVA_OPTS"
elif [ -f conf/jvm.options ]; then
    while IFS= read -r line; do
        line="${line#"${line%%[![:space:]]*}"}"
        [ -z "$line" ] || [ "${line:0:1}" = "#" ] || jvm_opts+=("$line")
    done < conf/jvm.options
fi

# exec: the server gets Ctrl-C/SIGTERM directly and stops cleanly (exit 0).
exec java "${jvm_opts[@]}" -jar "$jar" "${args[@]}"
