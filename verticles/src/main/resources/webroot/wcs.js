// A small client of Estuary's WCS WebSocket API (message shapes of WCS's Raw WebSocket API):
// one session per page, streams published or played over WebRTC. Written for this page.
"use strict";

class WcsSession {
  constructor(ws) {
    this.ws = ws;
    this.streams = new Map();          // mediaSessionId -> {pc, onStatus}
    this.onData = () => {};
    this.onStreamEvent = () => {};
    this.onClose = () => {};
  }

  /** Opens ws://host:port/ and completes 'connection'; resolves with the session. */
  static open(url, appKey) {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      const session = new WcsSession(ws);
      const timer = setTimeout(() => { reject(new Error("no answer from " + url)); ws.close(); }, 10000);
      ws.onopen = () => session.send("connection", {
        appKey: appKey || "webPage", mediaProviders: ["WebRTC"], clientVersion: "estuary-page-1",
        clientOSVersion: navigator.platform || "", clientBrowserVersion: navigator.userAgent
      });
      ws.onerror = () => { clearTimeout(timer); reject(new Error("WebSocket error")); };
      ws.onclose = () => { clearTimeout(timer); session.closed(); };
      ws.onmessage = (e) => {
        let m;
        try { m = JSON.parse(e.data); } catch (x) { return; }
        const first = Array.isArray(m.data) ? m.data[0] : undefined;
        if (m.message === "getUserData") {
          clearTimeout(timer);
          session.sessionId = first.sessionId;
          resolve(session);
        } else {
          session.handle(m.message, m.data || [], first || {});
        }
      };
    });
  }

  send(message, obj) {
    if (this.ws.readyState === WebSocket.OPEN) {
      this.ws.send(JSON.stringify({ message: message, data: [obj] }));
    }
  }

  handle(message, data, obj) {
    switch (message) {
      case "ping": this.send("pong", null); break;
      case "setRemoteSDP": {
        const s = this.streams.get(data[0]);
        if (s) s.pc.setRemoteDescription({ type: "answer", sdp: data[1] }).catch(e => s.onStatus("FAILED", String(e)));
        break;
      }
      case "notifyStreamStatusEvent": {
        const s = this.streams.get(obj.mediaSessionId);
        if (s) {
          // the server has ended it: forget it first, so that a stop() from the callback sends nothing
          if (["FAILED", "STOPPED", "UNPUBLISHED"].includes(obj.status)) this.drop(obj.mediaSessionId);
          s.onStatus(obj.status, obj.info || "");
        }
        break;
      }
      case "OnDataEvent": this.onData(obj); break;
      case "notifyStreamEvent": {
        const s = this.streams.get(obj.mediaSessionId);
        this.onStreamEvent(obj, s ? s.name : obj.name);
        break;
      }
      case "fail": {
        const s = obj.id && this.streams.get(obj.id);
        if (s) s.onStatus("FAILED", obj.info || "");
        break;
      }
    }
  }

  /** Plays stream `name` into `video`; onStatus(status, info) hears PENDING/PLAYING/STOPPED/FAILED. */
  async play(name, video, onStatus) {
    const pc = new RTCPeerConnection();
    pc.addTransceiver("video", { direction: "recvonly" });
    pc.addTransceiver("audio", { direction: "recvonly" });
    const ms = new MediaStream();
    pc.ontrack = (e) => { ms.addTrack(e.track); video.srcObject = ms; };
    return this.negotiate(pc, name, "playStream", onStatus);
  }

  /** Publishes `mediaStream` as stream `name`. */
  async publish(name, mediaStream, onStatus) {
    const pc = new RTCPeerConnection();
    mediaStream.getTracks().forEach(t => pc.addTransceiver(t, { direction: "sendonly", streams: [mediaStream] }));
    return this.negotiate(pc, name, "publishStream", onStatus);
  }

  async negotiate(pc, name, message, onStatus) {
    const id = (crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random());
    this.streams.set(id, { pc: pc, onStatus: onStatus || (() => {}), published: message === "publishStream", name: name });
    const offer = await pc.createOffer();
    await pc.setLocalDescription(offer);
    this.send(message, { mediaSessionId: id, name: name, published: message === "publishStream",
                         hasVideo: true, hasAudio: true, sdp: offer.sdp, mediaProvider: "WebRTC" });
    return id;
  }

  stop(id) {
    const s = this.streams.get(id);
    if (!s) return;
    this.send(s.published ? "unPublishStream" : "stopStream", { mediaSessionId: id, name: s.name, published: s.published });
    this.drop(id);
  }

  drop(id) {
    const s = this.streams.get(id);
    if (s) { s.pc.close(); this.streams.delete(id); }
  }

  closed() {
    for (const [id, s] of this.streams) { s.onStatus("FAILED", "WebSocket closed"); s.pc.close(); }
    this.streams.clear();
    this.onClose();
  }

  close() { this.ws.close(); }
}
