// Stock JS automerge-repo clients for the side-by-side convergence benchmark
// (tests/src/bin/js-bench.rs runs this; docs/BENCHMARKS.md has the figures).
//
// Usage: node driver.mjs CONFIG.json
//   {"server": "plansync" | "reference", "base": "http://127.0.0.1:PORT", "password": "...",
//    "office": "USERNAME", "edits": 20, "timeout_s": 120,
//    "units": [{"user": "u001", "doc": "DOCUMENT_ID"}]      (plansync: the unit's records document)
//    "units": [{"user": "u001", "file": "PATH.automerge"}]  (reference: the same document's bytes)}
//
// 1. Setup (not timed): the office's client connects and keeps running. Each unit's client
//    connects and gets its records document: from plansync by id; on the reference server the
//    client creates it from the same bytes (`repo.import`) and uploads it. The office finds every
//    unit's document.
// 2. Each unit edits its document offline: `edits` changes (actual values of four tasks across
//    periods and targets), each its own change.
// 3. Every unit reconnects at once: its repo (holding the edited document) gets a websocket
//    adapter (plansync needs a fresh one-time ticket per connection, bound to a fresh peer id, so
//    the repo was made with that peer id; both servers get the same treatment). Timed until the
//    office's replica holds the heads of every unit's edits.
// Stdout: one JSON line per phase: {"phase":"ready"}, {"phase":"reconnect"} (the harness reads
// the server's CPU time here), then {"phase":"done","seconds":S} or {"phase":"timeout",...}.
import fs from "node:fs";
import * as A from "@automerge/automerge";
import { Repo } from "@automerge/automerge-repo";
import { WebSocketClientAdapter } from "@automerge/automerge-repo-network-websocket";

const config = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const plansync = config.server === "plansync";
const wsBase = config.base.replace(/^http/, "ws");
const say = obj => console.log(JSON.stringify(obj));
const log = text => console.error(`[driver ${config.server}] ${text}`);

async function post(path, body, token) {
  const headers = { "content-type": "application/json" };
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await fetch(config.base + path, {
    method: "POST",
    headers,
    body: JSON.stringify(body ?? {}),
  });
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
  return response.json();
}

function within(ms, promise, what) {
  let timer;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timeout: ${what}`)), ms);
    }),
  ]);
}

/** Runs `work` over `items` with at most `n` at a time. */
async function pool(items, n, work) {
  const results = new Array(items.length);
  let next = 0;
  async function worker() {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i], i);
    }
  }
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
  return results;
}

let nPeers = 0;
/** A websocket URL and peer id for one new connection of `user`. */
async function endpoint(user) {
  if (!plansync) {
    nPeers += 1;
    return { url: wsBase, peerId: `bench-${user.name}-${nPeers}` };
  }
  const { ticket, peer_id } = await post("/api/ws-ticket", {}, user.token);
  return { url: `${wsBase}/sync?ticket=${encodeURIComponent(ticket)}`, peerId: peer_id };
}

/** A repo connected to the server: resolves once the server answered the handshake (a stock
 *  client otherwise counts itself ready after 1 s without a peer, and a `find` then fails). */
async function connectedRepo({ url, peerId }) {
  const adapter = new WebSocketClientAdapter(url);
  const peer = new Promise(resolve => adapter.once("peer-candidate", resolve));
  const repo = new Repo({ network: [adapter], peerId });
  await within(120000, peer, `${peerId} connects`);
  return repo;
}

/** Resolves once the server said (in a sync message) that it has every head of `handle`. */
function serverHas(repo, handle) {
  const want = A.getHeads(handle.doc());
  return new Promise(resolve => {
    const check = ({ documentId, syncState }) => {
      if (documentId !== handle.documentId) return;
      const theirs = new Set(syncState?.theirHeads ?? []);
      if (want.every(h => theirs.has(h))) {
        repo.synchronizer.off("sync-state", check);
        resolve();
      }
    };
    repo.synchronizer.on("sync-state", check);
  });
}

const TIMEOUT = (config.timeout_s ?? 120) * 1000;
const office = { name: config.office };
const units = config.units.map(u => ({ ...u, name: u.user }));

// 1. Setup.
if (plansync) {
  await pool([office, ...units], 4, async u => {
    const { token } = await post("/api/login", {
      username: u.name,
      password: config.password,
      device: `bench-${u.name}`,
    });
    u.token = token;
  });
}
const officeRepo = await connectedRepo(await endpoint(office));
await pool(units, 20, async u => {
  const repo = await connectedRepo(await endpoint(u));
  let handle;
  if (plansync) {
    handle = await within(120000, repo.find(u.doc), `unit ${u.name} finds its records`);
  } else {
    handle = repo.import(new Uint8Array(fs.readFileSync(u.file)));
    await within(120000, serverHas(repo, handle), `unit ${u.name} uploads its records`);
  }
  u.docId = handle.documentId;
  u.bytes = A.save(handle.doc());
  await repo.shutdown();
});
const officeHandles = await pool(units, 20, u =>
  within(120000, officeRepo.find(u.docId), `office finds ${u.name}'s records`),
);
say({ phase: "ready" });
log(`${units.length} units set up`);

// 2. Offline edits, each unit in a repo with no network yet (its peer id is the one its next
//    connection uses: plansync binds a ticket to a fresh peer id).
for (const u of units) {
  u.endpoint = await endpoint(u);
  const repo = new Repo({ network: [], peerId: u.endpoint.peerId });
  const handle = repo.import(u.bytes, { docId: u.docId });
  const doc = handle.doc();
  const taskIds = Object.keys(doc.tasks).sort().slice(0, 4);
  for (let n = 0; n < config.edits; n++) {
    const taskId = taskIds[n % taskIds.length];
    const periods = Object.keys(doc.tasks[taskId].periods).sort();
    const period = periods[Math.floor(n / taskIds.length) % periods.length];
    handle.change(d => {
      d.tasks[taskId].periods[period].actuals[String(n % 3)] = n + 0.5;
    });
  }
  u.heads = A.getHeads(handle.doc());
  u.repo = repo;
  // Let the event loop run (the office answers the server's keepalive pings; a reference
  // server drops a connection that missed one, and the client comes back only 5 s later).
  await new Promise(resolve => setImmediate(resolve));
}
log(`${units.length} units edited offline (${config.edits} changes each)`);

// 3. Every unit goes online at once (its repo gets a websocket adapter); wait for the office to
//    hold every unit's edits.
// BENCH_CPU_PROFILE=FILE: a V8 CPU profile of the clients over the reconnect (for tuning).
let profiler;
if (process.env.BENCH_CPU_PROFILE) {
  const inspector = await import("node:inspector/promises");
  profiler = new inspector.Session();
  profiler.connect();
  await profiler.post("Profiler.enable");
  await profiler.post("Profiler.start");
}
say({ phase: "reconnect" });
const start = performance.now();
const since = () => `${(performance.now() - start).toFixed(0)} ms`;
const pending = new Set(units.map((_, i) => i));
let finished;
const allThere = new Promise(resolve => {
  finished = resolve;
});
const check = i => {
  if (pending.has(i) && A.hasHeads(officeHandles[i].doc(), units[i].heads)) {
    pending.delete(i);
    if (process.env.BENCH_TRACE) log(`office has unit ${i} at ${since()}`);
    if (pending.size === 0) finished();
  }
};
officeHandles.forEach((h, i) => h.on("change", () => check(i)));
// BENCH_TRACE: messages and bytes the clients receive over the reconnect.
const received = { office: [0, 0], units: [0, 0] };
if (process.env.BENCH_TRACE) {
  const count = (repo, who) =>
    repo.networkSubsystem.on("message", m => {
      received[who][0] += 1;
      received[who][1] += m.data?.byteLength ?? 0;
      if (who === "office" && received.office[0] % 10 === 1) log(`office message ${received.office[0]} at ${since()}`);
    });
  officeRepo.networkSubsystem.on("peer-disconnected", () => log(`office disconnected at ${since()}`));
  officeRepo.networkSubsystem.on("peer", () => log(`office (re)connected at ${since()}`));
  count(officeRepo, "office");
  units.forEach(u => count(u.repo, "units"));
}
for (const [i, u] of units.entries()) {
  if (process.env.BENCH_TRACE) {
    u.repo.networkSubsystem.on("peer", () => log(`unit ${i} connected at ${since()}`));
    let acked = false;
    u.repo.synchronizer.on("sync-state", ({ syncState }) => {
      const theirs = new Set(syncState?.theirHeads ?? []);
      if (!acked && u.heads.every(h => theirs.has(h))) {
        acked = true;
        log(`server has unit ${i} at ${since()}`);
      }
    });
  }
  u.repo.networkSubsystem.addNetworkAdapter(new WebSocketClientAdapter(u.endpoint.url));
}
const reconnected = units.map(u => u.repo);
// Change events do the work; a slow poll only as a safety net (polling every unit often would
// take client CPU the measurement needs).
units.forEach((_, i) => check(i));
const poll = setInterval(() => units.forEach((_, i) => check(i)), 250);
let timedOut = false;
await Promise.race([
  allThere,
  new Promise(resolve =>
    setTimeout(() => {
      timedOut = true;
      resolve();
    }, TIMEOUT),
  ),
]);
const seconds = (performance.now() - start) / 1000;
clearInterval(poll);
if (process.env.BENCH_TRACE) {
  log(`received over the reconnect (messages, data bytes): ${JSON.stringify(received)}`);
}
if (profiler) {
  const { profile } = await profiler.post("Profiler.stop");
  fs.writeFileSync(process.env.BENCH_CPU_PROFILE, JSON.stringify(profile));
}
const complete = units.length - pending.size;
say(
  timedOut
    ? { phase: "timeout", seconds, complete, of: units.length }
    : { phase: "done", seconds, complete, of: units.length },
);
await Promise.race([
  Promise.all([...reconnected, officeRepo].map(r => r.shutdown())),
  new Promise(resolve => setTimeout(resolve, 5000)),
]);
process.exit(0);
