// A SockJS event-bus bridge subscriber, as a browser page would be written (the same two libraries).
// Usage: node subscribe.js <bridge url, e.g. http://127.0.0.1:7001/eventbus> <stream name> [seconds]
// Prints one line per step: "open <transport>", "denied <message>" (a send the bridge refused),
// "registered", then "<event> <name> <nodeId>" for each stream event of <stream name>; exits 0 after
// "unpublished", 1 on a close or after [seconds] (default 60).
const EventBus = require('@vertx/eventbus-bridge-client.js');

const [url, stream, seconds] = process.argv.slice(2);
// websocket only, with 30 s to connect: on a loaded machine sockjs-client's own timeout (a few round trips of
// its /info request) was seen to expire and fall back to another transport
const eb = new EventBus(url, { transports: ['websocket'], timeout: 30000 });
const out = line => process.stdout.write(line + '\n');
setTimeout(() => { out('timeout'); process.exit(1); }, (Number(seconds) || 60) * 1000);

eb.onerror = err => out('denied ' + (err.message || JSON.stringify(err)));
eb.onclose = () => { out('closed'); process.exit(1); };
eb.onopen = () => {
  out('open ' + eb.sockJSConn.transport);
  // the control plane is not reachable through the bridge: answered access_denied
  eb.send('estuary.api/stream/terminate', { name: stream });
  eb.registerHandler('estuary.events.stream', {}, (err, msg) => {
    if (err) { out('error ' + JSON.stringify(err)); return; }
    const e = msg.body;
    if (e.name !== stream) return;
    out(e.event + ' ' + e.name + ' ' + e.nodeId);
    if (e.event === 'unpublished') { eb.onclose = null; eb.close(); process.exit(0); }
  });
  out('registered');
};
