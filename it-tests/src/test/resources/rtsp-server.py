#!/usr/bin/python3
"""Test RTSP server for Estuary's it-tests (GstRtspServer via python3-gi), loopback only.

Serves PATH as H.264 or H.265 (test pattern; h264b/h265b: High/Main profile with two B-frames
per mini-GOP, as many cameras send) + audio (a sine tone in AAC, PCMA, PCMU, Opus or none) over RTP/UDP and
RTP/TCP interleaved; RTP/RTCP UDP ports come from --rtp-ports on 127.0.0.1. With --auth digest
the server demands Digest credentials (--user/--password). Runs in the foreground and prints
"READY" once it listens; SIGTERM stops it.

usage: rtsp-server.py --port N [--path /test] [--video h264|h265|h264b|h265b] [--audio aac|pcma|pcmu|g722|opus|none] [--freq 440] [--size 640x360]
                      [--fps 25] [--rtp-ports 40000-40099] [--auth none|digest|basic]
                      [--user u --password p] [--session-timeout SECONDS]
Prints OPTIONS / GET_PARAMETER for each such request (keepalive checks).
"""
import argparse
import signal
import sys

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtsp", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtsp, GstRtspServer  # noqa: E402


def parse():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--path", default="/test")
    ap.add_argument("--audio", default="aac", choices=["aac", "pcma", "pcmu", "g722", "opus", "none"])
    ap.add_argument("--freq", type=int, default=440, help="frequency of the audio sine tone, Hz")
    ap.add_argument("--video", default="h264", choices=["h264", "h265", "h264b", "h265b"])
    ap.add_argument("--size", default="640x360")
    ap.add_argument("--fps", type=int, default=25)
    ap.add_argument("--rtp-ports", default="40000-40099")
    ap.add_argument("--auth", default="none", choices=["none", "digest", "basic"])
    ap.add_argument("--user", default="user")
    ap.add_argument("--password", default="secret")
    ap.add_argument("--session-timeout", type=int, default=0,
                    help="RTSP session timeout in seconds (0: GStreamer's default, 60)")
    return ap.parse_args()


def launch_line(args):
    def have(el):
        return Gst.ElementFactory.find(el) is not None

    w, h = args.size.split("x")
    raw = ("videotestsrc is-live=true pattern=smpte ! video/x-raw,width=%s,height=%s,framerate=%d/1 "
           "! videoconvert ! video/x-raw,format=I420 ! " % (w, h, args.fps))
    if args.video == "h264b":
        video = raw + ("x264enc speed-preset=ultrafast bframes=2 b-adapt=false cabac=true dct8x8=true bitrate=600 key-int-max=%d "
                       "! video/x-h264,profile=high ! h264parse ! rtph264pay name=pay0 pt=96 config-interval=1"
                       % (args.fps * 2))
    elif args.video == "h265b":
        video = raw + ("x265enc speed-preset=ultrafast option-string=bframes=2:b-adapt=0 bitrate=600 key-int-max=%d "
                       "! h265parse ! rtph265pay name=pay0 pt=96 config-interval=1" % (args.fps * 2))
    elif args.video == "h265":
        if not have("x265enc"):
            sys.exit("no H.265 encoder (x265enc, gstreamer1.0-plugins-bad)")
        video = raw + ("x265enc tune=zerolatency speed-preset=ultrafast bitrate=600 key-int-max=%d ! h265parse "
                       "! rtph265pay name=pay0 pt=96 config-interval=1" % (args.fps * 2))
    elif have("x264enc"):
        video = raw + ("x264enc tune=zerolatency speed-preset=ultrafast bitrate=600 key-int-max=%d "
                       "! video/x-h264,profile=baseline ! h264parse ! rtph264pay name=pay0 pt=96 config-interval=1"
                       % (args.fps * 2))
    elif have("openh264enc"):
        video = raw + ("openh264enc complexity=low gop-size=%d bitrate=600000 "
                       "! video/x-h264,profile=constrained-baseline ! h264parse "
                       "! rtph264pay name=pay0 pt=96 config-interval=1" % (args.fps * 2))
    else:
        sys.exit("no H.264 encoder (x264enc/openh264enc)")
    src = "audiotestsrc is-live=true wave=sine freq=%d volume=0.3 ! audioconvert ! audioresample " % args.freq
    audio = ""
    if args.audio == "aac":
        aenc = "avenc_aac" if have("avenc_aac") else "voaacenc"
        audio = (src + "! audio/x-raw,rate=48000,channels=2 ! %s bitrate=128000 ! aacparse "
                 "! rtpmp4gpay name=pay1 pt=97" % aenc)
    elif args.audio in ("pcma", "pcmu"):
        enc, pay, pt = ("alawenc", "rtppcmapay", 8) if args.audio == "pcma" else ("mulawenc", "rtppcmupay", 0)
        audio = src + "! audio/x-raw,rate=8000,channels=1 ! %s ! %s name=pay1 pt=%d" % (enc, pay, pt)
    elif args.audio == "g722":  # avenc_g722 (gstreamer1.0-libav); 16 kHz audio, RTP clock 8000, static pt 9
        audio = src + "! audio/x-raw,rate=16000,channels=1 ! avenc_g722 ! rtpg722pay name=pay1 pt=9"
    elif args.audio == "opus":
        audio = src + "! audio/x-raw,rate=48000,channels=2 ! opusenc bitrate=64000 ! rtpopuspay name=pay1 pt=97"
    return "( %s %s )" % (video, audio)


def main():
    args = parse()
    Gst.init(None)
    server = GstRtspServer.RTSPServer()
    server.set_address("127.0.0.1")
    server.set_service(str(args.port))

    lo, hi = (int(x) for x in args.rtp_ports.split("-"))
    pool = GstRtspServer.RTSPAddressPool()
    pool.add_range("127.0.0.1", "127.0.0.1", lo, hi, 0)

    factory = GstRtspServer.RTSPMediaFactory()
    factory.set_launch(launch_line(args))
    factory.set_shared(True)
    factory.set_address_pool(pool)
    factory.set_protocols(GstRtsp.RTSPLowerTrans.UDP | GstRtsp.RTSPLowerTrans.TCP)

    if args.auth != "none":
        auth = GstRtspServer.RTSPAuth()
        token = GstRtspServer.RTSPToken()
        token.set_string("media.factory.role", args.user)
        if args.auth == "digest":
            auth.set_supported_methods(GstRtsp.RTSPAuthMethod.DIGEST)
            auth.add_digest(args.user, args.password, token)
        else:
            auth.set_supported_methods(GstRtsp.RTSPAuthMethod.BASIC)
            auth.add_basic(GstRtspServer.RTSPAuth.make_basic(args.user, args.password), token)
        server.set_auth(auth)
        factory.add_role_from_structure(Gst.Structure.new_from_string(
            "%s, media.factory.access=(boolean)true, media.factory.construct=(boolean)true" % args.user))

    server.get_mount_points().add_factory(args.path, factory)

    def on_client(_srv, client):
        if args.session_timeout > 0:
            client.connect("new-session", lambda _c, session: session.set_timeout(args.session_timeout))
        client.connect("options-request", lambda _c, _ctx: print("OPTIONS", flush=True))
        client.connect("get-parameter-request", lambda _c, _ctx: print("GET_PARAMETER", flush=True))

    server.connect("client-connected", on_client)
    if server.attach(None) == 0:
        sys.exit("could not bind 127.0.0.1:%d" % args.port)
    print("READY rtsp://127.0.0.1:%d%s" % (args.port, args.path), flush=True)

    loop = GLib.MainLoop()
    GLib.timeout_add_seconds(2, lambda: (server.get_session_pool().cleanup(), True)[1])
    GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGTERM, loop.quit)
    GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGINT, loop.quit)
    loop.run()


if __name__ == "__main__":
    main()
