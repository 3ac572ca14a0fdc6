// Estuary's page: the stream list (polling /stream/find_all), a preview (WebRTC over the WCS
// WebSocket API, HLS when WebRTC fails), publishing from the camera, and per-stream REST actions.
"use strict";

const $ = (id) => document.getElementById(id);
const state = { cfg: null, rest: "", hls: "", ws: "", session: null, previewId: null, previewName: null,
                publishId: null, camera: null };

/** The Authorization header for rest.auth: "user:password" -> Basic, anything else -> Bearer. */
function authorization() {
  const c = ($("rest-credentials").value || "").trim();
  if (!c) return null;
  if (c.includes(":")) {
    return "Basic " + btoa(String.fromCharCode(...new TextEncoder().encode(c)));
  }
  return "Bearer " + c;
}

async function rest(method, body) {
  const headers = { "Content-Type": "application/json" };
  const auth = authorization();
  if (auth) headers["Authorization"] = auth;
  const r = await fetch(state.rest + method, { method: "POST", headers, body: JSON.stringify(body || {}) });
  if (r.status === 401) throw new Error("the REST API wants credentials (rest.auth): enter them above");
  const text = await r.text();
  const json = text ? JSON.parse(text) : null;
  if (!r.ok) throw new Error((json && json.message) || (r.status + " " + r.statusText));
  return json;
}

function setText(id, text, error) {
  const el = $(id);
  el.textContent = text;
  el.classList.toggle("error", !!error);
}

async function session() {
  if (state.session) return state.session;
  state.session = await WcsSession.open(state.ws, "webPage");
  state.session.onClose = () => { state.session = null; };
  state.session.onStreamEvent = (e, name) =>
    setText("events", `${name}: ${e.type} ${JSON.stringify(e.payload)}`);
  state.session.onData = (d) => setText("events", `data: ${JSON.stringify(d.payload)}`);
  return state.session;
}

// ---- stream list ---------------------------------------------------------------------------

async function refresh() {
  let streams = [];
  try {
    streams = (await rest("/stream/find_all")) || [];
    setText("api-status", "");
  } catch (e) {
    // "not found": no streams at all, which is an answer (and clears a former credentials error)
    setText("api-status", /not found/i.test(e.message) ? "" : "REST: " + e.message, !/not found/i.test(e.message));
  }
  const published = streams.filter(s => s.published);
  const tbody = document.querySelector("#streams tbody");
  const seen = new Set();
  for (const s of published) {
    seen.add(s.name);
    let row = tbody.querySelector(`tr[data-name="${CSS.escape(s.name)}"]`);
    if (!row) {
      row = document.createElement("tr");
      row.dataset.name = s.name;
      row.innerHTML = "<td class=name></td><td class=source></td><td class=video></td><td class=audio></td>" +
        "<td class=players></td><td class=rec></td><td class=actions>" +
        "<button class=preview>Preview</button><button class=record></button>" +
        "<button class=snapshot>Snapshot</button><button class=terminate>Terminate</button></td>";
      row.querySelector(".preview").onclick = () => preview(row.dataset.name);
      row.querySelector(".record").onclick = () => toggleRecord(row.dataset.msid, row.dataset.rec === "true");
      row.querySelector(".snapshot").onclick = () => snapshot(row.dataset.name);
      row.querySelector(".terminate").onclick = () => terminate(row.dataset.msid, row.dataset.name);
      tbody.appendChild(row);
    }
    row.dataset.msid = s.mediaSessionId;
    row.dataset.rec = String(!!s.record);
    row.querySelector(".name").textContent = s.name;
    row.querySelector(".source").textContent = s.mediaProvider || "";
    row.querySelector(".video").textContent = s.hasVideo ? `${s.videoCodec || ""} ${s.width || ""}x${s.height || ""}` : "-";
    row.querySelector(".audio").textContent = s.hasAudio ? (s.audioCodec || "") : "-";
    row.querySelector(".players").textContent = s.stats ? s.stats.readers : "";
    row.querySelector(".rec").textContent = s.record ? "yes" : "no";
    row.querySelector(".record").textContent = s.record ? "Stop recording" : "Record";
  }
  for (const row of [...tbody.rows]) if (!seen.has(row.dataset.name)) row.remove();
  $("no-streams").hidden = published.length > 0;
}

async function act(what, fn) {
  try { await fn(); setText("action-status", what + ": done"); } catch (e) { setText("action-status", what + ": " + e.message, true); }
  refresh();
}

function toggleRecord(msid, recording) {
  return act(recording ? "Stop recording" : "Record", () =>
    rest(recording ? "/stream/stopRecording" : "/stream/startRecording", { mediaSessionId: msid }));
}

function snapshot(name) {
  return act("Snapshot " + name, async () => {
    const r = await rest("/stream/snapshot", { streamName: name });
    $("snapshot").src = "data:image/png;base64," + r.data;
  });
}

function terminate(msid, name) {
  return act("Terminate " + name, () => rest("/stream/terminate", { mediaSessionId: msid }));
}

// ---- preview -------------------------------------------------------------------------------

async function preview(name) {
  stopPreview();
  state.previewName = name;
  setText("preview-name", name);
  setText("preview-status", "connecting (WebRTC)");
  const video = $("preview-video");
  let settled = false;
  const fallback = (why) => {
    if (settled || state.previewName !== name) return;
    settled = true;
    if (state.previewId && state.session) state.session.stop(state.previewId);
    state.previewId = null;
    playHls(name, why);
  };
  const timer = setTimeout(() => fallback("WebRTC timed out"), 10000);
  try {
    const s = await session();
    state.previewId = await s.play(name, video, (status, info) => {
      if (status === "PLAYING") { settled = true; clearTimeout(timer); setText("preview-status", "webrtc playing"); }
      else if (status === "FAILED" || status === "STOPPED") { clearTimeout(timer); fallback("WebRTC " + status + " " + info); }
      else if (!settled) setText("preview-status", "webrtc " + status.toLowerCase());
    });
  } catch (e) {
    clearTimeout(timer);
    fallback("WebRTC: " + e.message);
  }
}

function playHls(name, why) {
  const video = $("preview-video");
  const url = `${state.hls}/${encodeURIComponent(name)}/${encodeURIComponent(name)}.m3u8`;
  video.srcObject = null;
  if (!video.canPlayType("application/vnd.apple.mpegurl")) {
    setText("preview-status", "no HLS player in this browser (" + why + "); open " + url, true);
    return;
  }
  // The HLS agent starts on the first request: its first playlist/segments may not parse yet, so
  // a failed load is retried a few times before giving up.
  let tries = 0;
  const load = () => { video.src = url; video.play().catch(() => {}); };
  video.onerror = () => {
    if (state.previewName !== name) return;
    if (++tries <= 6) { setText("preview-status", "hls loading (retry " + tries + ")"); setTimeout(load, 1500); }
    else setText("preview-status", "hls failed: " + (video.error ? video.error.message : "?"), true);
  };
  video.onplaying = () => { if (state.previewName === name) setText("preview-status", "hls playing (" + why + ")"); };
  setText("preview-status", "hls loading (" + why + ")");
  load();
}

function stopPreview() {
  if (state.previewId && state.session) state.session.stop(state.previewId);
  state.previewId = null;
  state.previewName = null;
  const video = $("preview-video");
  video.onerror = null;
  video.onplaying = null;
  video.srcObject = null;
  video.removeAttribute("src");
  video.load();
  setText("preview-status", "idle");
}

// ---- publish -------------------------------------------------------------------------------

async function publish() {
  const name = $("publish-name").value.trim();
  if (!name) { setText("publish-status", "give a stream name", true); return; }
  stopPublish();
  try {
    setText("publish-status", "opening camera");
    state.camera = await navigator.mediaDevices.getUserMedia({ video: true, audio: true });
    $("publish-video").srcObject = state.camera;
    const s = await session();
    state.publishId = await s.publish(name, state.camera, (status, info) =>
      setText("publish-status", status.toLowerCase() + (info ? " (" + info + ")" : ""), status === "FAILED"));
  } catch (e) {
    setText("publish-status", "failed: " + e.message, true);
  }
}

function stopPublish() {
  if (state.publishId && state.session) state.session.stop(state.publishId);
  state.publishId = null;
  if (state.camera) state.camera.getTracks().forEach(t => t.stop());
  state.camera = null;
  $("publish-video").srcObject = null;
  setText("publish-status", "idle");
}

// ---- start ---------------------------------------------------------------------------------

async function init() {
  const cfg = await (await fetch("config.json")).json();
  const host = location.hostname;
  const scheme = location.protocol === "https:" ? "https:" : "http:";
  state.cfg = cfg;
  state.rest = `${scheme}//${host}:${cfg.restPort}/rest-api`;
  state.hls = `${scheme}//${host}:${cfg.hlsPort}`;
  state.ws = `${scheme === "https:" ? "wss:" : "ws:"}//${location.host}/`;
  setText("node", cfg.nodeId || "");
  const creds = $("rest-credentials");
  creds.value = sessionStorage.getItem("estuary.restCredentials") || "";
  creds.onchange = () => { sessionStorage.setItem("estuary.restCredentials", creds.value); refresh(); };
  $("publish-btn").onclick = publish;
  $("publish-stop").onclick = stopPublish;
  $("preview-stop").onclick = stopPreview;
  refresh();
  setInterval(refresh, 2000);
}

init().catch(e => setText("api-status", "start failed: " + e.message, true));
