#!/usr/bin/env bash
# Runs every Estuary test: unit tests of all modules and the black-box it-tests, which start the
# real server jar against real peers (ffmpeg/ffprobe; nginx-rtmp for relay tests; a GStreamer RTSP
# server for RTSP ingest).
# hls.js for the browser HLS test, the WCS Web SDK for WebSdkTest, s3rver (the S3-compatible
# server of VodS3Test) and the SockJS event-bus client of CdnTest are installed by those tests (npm ci
# in it-tests/hlsjs, it-tests/websdk, it-tests/s3, it-tests/sockjs) when missing.
# Benchmarks are not run (they are the it-tests "benchmark" group, see it-tests/pom.xml).
#
#   ./scripts/test-all.sh            # installs missing peers with apt-get, then mvn -B verify
#   ./scripts/test-all.sh -o         # extra arguments go to Maven (here: offline)
#
# Exits non-zero if a requirement is missing or any test fails. Server logs of the it-tests are in
# it-tests/target/it-logs/, test reports in */target/surefire-reports/.
set -euo pipefail

cd "$(dirname "$0")/.."
started=$SECONDS

say() { printf '\n== %s\n' "$*"; }
die() { printf 'test-all: %s\n' "$*" >&2; exit 1; }

# ---------------------------------------------------------------- peers (apt-get, only if missing)
NGINX_RTMP_MODULE=/usr/lib/nginx/modules/ngx_rtmp_module.so
missing=()
command -v ffmpeg >/dev/null && command -v ffprobe >/dev/null || missing+=(ffmpeg)
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx)
[ -f "$NGINX_RTMP_MODULE" ] || missing+=(libnginx-mod-rtmp)
# GStreamer RTSP server (python3-gi + GstRtspServer, H.264/AAC encoders) for the RTSP ingest tests
gst_rtsp_ok() {
    [ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import gi; gi.require_version("Gst","1.0"); gi.require_version("GstRtspServer","1.0"); from gi.repository import Gst; Gst.init(None); import sys; sys.exit(0 if (Gst.ElementFactory.find("x264enc") or Gst.ElementFactory.find("openh264enc")) and Gst.ElementFactory.find("avenc_aac") and Gst.ElementFactory.find("rtph264pay") and Gst.ElementFactory.find("x265enc") else 1)' 2>/dev/null
}
gst_rtsp_ok || missing+=(python3 python3-gi gir1.2-gst-rtsp-server-1.0 gstreamer1.0-tools gstreamer1.0-plugins-base
    gstreamer1.0-plugins-good gstreamer1.0-plugins-bad gstreamer1.0-plugins-ugly gstreamer1.0-libav)

# SIP peers (sipp, a softphone, a registrar/proxy) and the browser for the WebRTC and HLS-player tests
command -v sipp >/dev/null || missing+=(sip-tester)
command -v baresip >/dev/null || missing+=(baresip)
command -v kamailio >/dev/null || [ -x /usr/sbin/kamailio ] || missing+=(kamailio)
command -v chromium >/dev/null || missing+=(chromium)
command -v chromedriver >/dev/null || missing+=(chromium-driver)
# npm: HlsJsLatencyTest, WebSdkTest and VodS3Test install their own hls.js / @flashphoner/websdk / s3rver copies (npm ci from the lockfiles)
command -v npm >/dev/null || missing+=(npm)
command -v sox >/dev/null || missing+=(sox)
# TLS terminator in front of nginx-rtmp: the rtmps:// push/pull target of RtmpsClientTest
command -v stunnel4 >/dev/null || missing+=(stunnel4)

if [ ${#missing[@]} -gt 0 ]; then
    say "installing test peers: ${missing[*]}"
    command -v apt-get >/dev/null || die "apt-get not found; install ${missing[*]} yourself (Debian/Ubuntu package names)"
    if [ "$(id -u)" -eq 0 ]; then
        sudo=()
    else
        command -v sudo >/dev/null || die "not root and no sudo; install ${missing[*]} as root"
        sudo=(sudo)
    fi
    "${sudo[@]}" apt-get update
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
fi
command -v ffmpeg >/dev/null || die "ffmpeg still missing"
[ -f "$NGINX_RTMP_MODULE" ] || die "nginx RTMP module still missing ($NGINX_RTMP_MODULE)"
gst_rtsp_ok || die "GStreamer RTSP server peer still unusable (python3-gi, gir1.2-gst-rtsp-server-1.0, gstreamer1.0-plugins-*)"
for tool in sipp baresip chromium chromedriver sox npm; do
    command -v "$tool" >/dev/null || die "$tool still missing"
done
command -v kamailio >/dev/null || [ -x /usr/sbin/kamailio ] || die "kamailio still missing"

# ---------------------------------------------------------------- build tools
command -v java >/dev/null || die "java not found; install JDK 17 (apt-get install openjdk-17-jdk-headless)"
java_major=$(java -version 2>&1 | sed -n 's/.* version "\([0-9]*\).*/\1/p' | head -n 1)
[ -n "$java_major" ] && [ "$java_major" -ge 17 ] \
    || die "Java 17 or newer needed, found: $(java -version 2>&1 | head -n 1)"
command -v javac >/dev/null || die "javac not found: a JDK is needed, not only a JRE (openjdk-17-jdk-headless)"
command -v mvn >/dev/null || die "mvn not found; install Maven 3.8+ (apt-get install maven)"

say "java $(java -version 2>&1 | head -n 1), $(mvn -v 2>/dev/null | head -n 1 | sed 's/\x1b\[[0-9;]*m//g')"
say "ffmpeg $(ffmpeg -version | head -n 1 | cut -d' ' -f3), nginx-rtmp $NGINX_RTMP_MODULE"

# ---------------------------------------------------------------- build and test everything
say "mvn -B verify $*"
status=0
mvn -B verify "$@" || status=$?

elapsed=$((SECONDS - started))
if [ "$status" -eq 0 ]; then
    say "all tests passed in $((elapsed / 60)) min $((elapsed % 60)) s"
else
    say "TESTS FAILED (mvn exit $status) after $((elapsed / 60)) min $((elapsed % 60)) s; server logs: it-tests/target/it-logs/"
fi
exit "$status"
