#!/usr/bin/env bash
# Idle and ingest cost (issue 14 item 4): the server as users run it (the jar of ./scripts/run.sh,
# default settings but for ports, no JVM flags of our own) with N RTMP publishers and no player,
# next to nginx-rtmp (one worker) receiving the same N publishers in the same run.
#
#   ./scripts/bench-idle.sh [N=1] [SECONDS=60] [WARMUP_SECONDS=30]
#
# The publishers are `ffmpeg -re -c copy` of one pre-encoded clip (640x360 25 fps H.264 500 kbit/s,
# AAC 64 kbit/s), so they cost little themselves. Each server is warmed up for WARMUP_SECONDS (30 by
# default; the JIT is still compiling then: a few minutes show the cost of a server that has been
# up a while) before its window. Prints, per server, CPU seconds (user + sys) over the window as a share of one
# core, and for Estuary the busiest threads with their wake-ups per second
# (voluntary + involuntary context switches): a thread that wakes with nothing to do shows up there.
# Needs: java 17, ffmpeg, nginx + libnginx-mod-rtmp, jstack. Builds the jar if missing.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-1}
SECS=${2:-60}
WARM=${3:-30}
jar=$PWD/verticles/target/estuary.jar
[ -f "$jar" ] || mvn -B -q package -DskipTests
work=$(mktemp -d /tmp/estuary-bench-idle.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
hz=$(getconf CLK_TCK)

ffmpeg -nostdin -loglevel error -y -f lavfi -i testsrc2=size=640x360:rate=25 -f lavfi -i sine=f=440:sample_rate=48000 \
    -t 20 -c:v libx264 -preset veryfast -g 50 -bf 0 -b:v 500k -c:a aac -b:a 64k "$work/clip.flv"

publish() { # url-prefix
    for i in $(seq 1 "$N"); do
        ffmpeg -nostdin -loglevel error -re -stream_loop -1 -i "$work/clip.flv" -c copy -f flv "$1/s$i" >/dev/null 2>&1 &
        pids+=($!)
    done
}

thread_snapshot() { # pid -> "tid ticks switches" sorted
    for t in /proc/"$1"/task/*; do
        s=($(sed 's/.*) //' "$t/stat"))
        c=$(awk '/ctxt_switches/{x+=$2} END{print x}' "$t/status")
        echo "$(basename "$t") $((s[11] + s[12])) $c"
    done | sort
}

echo "== conditions: $(nproc) cores, $(java -version 2>&1 | head -1), $(nginx -v 2>&1), load average $(cut -d' ' -f1-3 /proc/loadavg), $N publisher(s), warm-up ${WARM} s, window ${SECS} s"

# ---- Estuary, with the JVM flags of scripts/run.sh (conf/jvm.options)
jvm_opts=()
while IFS= read -r line; do
    line="${line#"${line%%[![:space:]]*}"}"
    [ -z "$line" ] || [ "${line:0:1}" = "#" ] || jvm_opts+=("$line")
done < conf/jvm.options
echo "== Estuary JVM flags (conf/jvm.options): ${jvm_opts[*]}"
rtmp=$(free_port)
: >"$work/estuary.log"
(cd "$work" && exec java "${jvm_opts[@]}" -jar "$jar" --set rtmp.port="$rtmp" --set rest.port="$(free_port)" --set hls.port="$(free_port)" \
    --set websocket.port="$(free_port)" --set sip.port="$(free_port)" --set webrtc.port="$(free_port)" \
    --set cluster.port="$(free_port)" >"$work/estuary.log" 2>&1) &
server=$!
pids+=($server)
for _ in $(seq 1 120); do grep -q ESTUARY_READY "$work/estuary.log" && break; sleep 1; done
grep -q ESTUARY_READY "$work/estuary.log" || { echo "Estuary did not start:"; tail -20 "$work/estuary.log"; exit 1; }
grep -o "network on [^)]*" "$work/estuary.log" | head -1 || true
publish "rtmp://127.0.0.1:$rtmp/live"
sleep "$WARM"
thread_snapshot "$server" >"$work/a"; e0=$(ticks "$server")
sleep "$SECS"
thread_snapshot "$server" >"$work/b"; e1=$(ticks "$server")
jstack "$server" 2>/dev/null | sed -nE 's/^"([^"]*)".*nid=0x([0-9a-f]+).*/\2 \1/p' | while read -r h n; do echo "$((16#$h)) ${n// /_}"; done | sort >"$work/names"
estuary=$(echo "scale=4; ($e1 - $e0) / $hz / $SECS" | bc)
echo "Estuary: $estuary core (process CPU over the window)"
join "$work/a" "$work/b" | awk '{print $1, $4 - $2, $5 - $3}' | join -a1 - "$work/names" \
    | awk -v n="$SECS" -v hz="$hz" '$2 > 0 || $3 > 2 * n {printf "  %-40s %.4f core %7.1f wake-ups/s\n", $4, $2 / hz / n, $3 / n}' | sort -k2 -rn | head -12
kill "$server"; wait "$server" 2>/dev/null || true
for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
pids=()

# ---- nginx-rtmp, same publishers
ng=$work/nginx; mkdir -p "$ng/logs"
nrtmp=$(free_port)
cat >"$ng/nginx.conf" <<EOF
load_module /usr/lib/nginx/modules/ngx_rtmp_module.so;
daemon off;
master_process on;
worker_processes 1;
pid $ng/nginx.pid;
error_log $ng/logs/error.log warn;
events { worker_connections 4096; }
rtmp { server { listen 127.0.0.1:$nrtmp; chunk_size 4096; application live { live on; record off; } } }
EOF
nginx -p "$ng" -c "$ng/nginx.conf" &
pids+=($!)
sleep 1
publish "rtmp://127.0.0.1:$nrtmp/live"
sleep "$WARM"
worker=$(pgrep -f "nginx: worker process" -P "$(cat "$ng/nginx.pid")")
n0=$(ticks "$worker"); sleep "$SECS"; n1=$(ticks "$worker")
nginx=$(echo "scale=4; ($n1 - $n0) / $hz / $SECS" | bc)
echo "nginx-rtmp: $nginx core (worker CPU over the window)"
awk -v e="$estuary" -v n="$nginx" 'BEGIN { if (n > 0) printf "ratio Estuary/nginx: %.1f\n", e / n; else print "ratio Estuary/nginx: n/a (nginx used no measurable CPU)" }' 
