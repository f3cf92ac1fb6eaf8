// Stock JS automerge-repo clients for the province benchmark (tests/src/bin/province-bench.rs
// runs one or more of these processes; docs/BENCHMARKS.md has the figures).
//
// Usage: node province.mjs CONFIG.json
//   {"base": "http://127.0.0.1:PORT", "password": "...", "every_ms": 5000, "seconds": 60,
//    "drain_s": 15, "login_concurrency": 2, "connect_concurrency": 50,
//    "units": [{"user": "u0001", "doc": "DOCUMENT_ID", "offset_ms": 1234}],   (this process's units)
//    "offices": ["vp01", ...],                                                 (this process's offices)
//    "docs": ["DOCUMENT_ID", ...]}                  (every unit's records document: what an office holds)
//
// The harness and this process talk in lines. Stdout: one JSON object a line, {"phase": ...}.
// Stdin: a word a line, each answering a phase.
//   logged_in   every client of this process has logged in (no websocket open yet);
//      <- "connect"
//   connected   every unit's client holds its records document and every office's client holds
//               every unit's records document, each over its own websocket, kept open;
//      <- "go T0"  (T0: a wall-clock time in ms, the same for every process)
//   result      after T0 + seconds + drain_s: each unit's edits made and last value written (by
//               document), each office's edits seen, latencies (ms) and last value seen of every
//               document (in the order of "docs"), this process's event-loop delay;
//      <- "exit"
//
// From T0 each unit's client writes Date.now() into one actual of its records document (the
// first task's first period, target 0) at T0 + offset_ms, then every every_ms, until T0 +
// seconds. Each office's client, on every change of a unit's document, reads that actual; a
// value it has not seen yet gives one latency, Date.now() - value (same machine, same clock).
// So an office that gets two of a unit's edits in one change counts only the newer (the older is
// "not seen"), and the latency includes this process's own event-loop delay, which is reported.
import fs from "node:fs";
import readline from "node:readline";
import { monitorEventLoopDelay } from "node:perf_hooks";
import * as A from "@automerge/automerge";
import { Repo } from "@automerge/automerge-repo";
import { WebSocketClientAdapter } from "@automerge/automerge-repo-network-websocket";

const config = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const wsBase = config.base.replace(/^http/, "ws");
const say = obj => console.log(JSON.stringify(obj));
const tag = `[province ${process.pid}]`;
const log = text => console.error(`${tag} ${text}`);

const lines = readline.createInterface({ input: process.stdin });
const waiting = [];
lines.on("line", line => waiting.shift()?.(line.trim()));
lines.on("close", () => process.exit(1));
/** The harness's next line. */
const nextLine = () => new Promise(resolve => waiting.push(resolve));

// PROVINCE_TRACE: each client's steps, timed.
const trace = process.env.PROVINCE_TRACE ? log : () => {};
const since = t => `${(performance.now() - t).toFixed(0)} ms`;

const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));

let nRetries = 0;
let nFindRetries = 0;
async function post(path, body, token) {
  const headers = { "content-type": "application/json" };
  if (token) headers.authorization = `Bearer ${token}`;
  for (let attempt = 0; ; attempt++) {
    let response;
    try {
      response = await fetch(config.base + path, {
        method: "POST",
        headers,
        body: JSON.stringify(body ?? {}),
      });
    } catch (err) {
      // A kept-alive connection the server closed as it was reused ("other side closed"):
      // the request is sent again on a fresh one.
      if (attempt < 5) {
        nRetries += 1;
        continue;
      }
      throw err;
    }
    // The server's password checks are bounded; a full queue answers 503 with Retry-After.
    if (response.status === 503 && attempt < 100) {
      const after = Number(response.headers.get("retry-after") ?? "1");
      await response.arrayBuffer();
      await sleep(after * 1000);
      continue;
    }
    if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
    return response.json();
  }
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

let nDisconnects = 0;
let reported = false;
/** A repo with its own websocket to the server (a fresh one-time ticket, bound to a fresh peer
 *  id); resolves once the server answered the handshake. */
async function connectedRepo(client) {
  const t = performance.now();
  const { ticket, peer_id } = await post("/api/ws-ticket", {}, client.token);
  trace(`${client.user} ticket after ${since(t)}`);
  const url = `${wsBase}/sync?ticket=${encodeURIComponent(ticket)}`;
  // A ticket is good for one connection: the stock adapter's retry (a new socket to the same
  // URL after 5 s without an answer) would leave the first socket open on the server and be
  // refused itself, so retries are pushed out of the run; disconnections are counted instead.
  const adapter = new WebSocketClientAdapter(url, 600_000);
  const peer = new Promise(resolve => adapter.once("peer-candidate", resolve));
  const repo = new Repo({ network: [adapter], peerId: peer_id });
  await within(120_000, peer, `${client.user} connects`);
  repo.networkSubsystem.on("peer-disconnected", () => {
    if (reported) return; // the server stops after the reports
    nDisconnects += 1;
    log(`${client.user} disconnected`);
  });
  return repo;
}

/** Where each unit's client writes its timestamps (the same in every records document). */
function field(doc) {
  const task = Object.keys(doc.tasks).sort()[0];
  const period = Object.keys(doc.tasks[task].periods).sort()[0];
  return { task, period, target: "0" };
}
const read = (doc, f) => doc?.tasks?.[f.task]?.periods?.[f.period]?.actuals?.[f.target];

const units = config.units.map(u => ({ ...u }));
const offices = config.offices.map(user => ({ user }));
const clients = [...offices, ...units];

// 1. Logins (each check costs the server one argon2id hash; it runs a bounded number at once).
let started = performance.now();
await pool(clients, config.login_concurrency ?? 2, async c => {
  const { token } = await post("/api/login", {
    username: c.user,
    password: config.password,
    device: `province-${c.user}`,
  });
  c.token = token;
});
log(`${clients.length} logins in ${((performance.now() - started) / 1000).toFixed(1)} s`);
say({ phase: "logged_in" });
await nextLine();

// 2. Every client connects and gets its documents; all stay connected.
started = performance.now();
const connectN = config.connect_concurrency ?? 50;
const unitTimes = [];
await pool(units, connectN, async u => {
  const t = performance.now();
  for (let attempt = 1; ; attempt++) {
    u.repo = await connectedRepo(u);
    trace(`${u.user} connected after ${since(t)}`);
    try {
      // The stock client gives up on a document it asked for after 60 s ("unavailable").
      u.handle = await within(120_000, u.repo.find(u.doc), `${u.user} finds its records`);
      break;
    } catch (err) {
      if (attempt === 3) throw err;
      nFindRetries += 1;
      log(`${u.user}: ${err.message} after ${since(t)}; connecting again`);
      await within(10_000, u.repo.shutdown(), `${u.user} disconnects`).catch(() => {});
    }
  }
  unitTimes.push(performance.now() - t);
  trace(`${u.user} has its records after ${since(t)}`);
  u.field = field(u.handle.doc());
});
unitTimes.sort((a, b) => a - b);
log(
  `${units.length} units connected in ${((performance.now() - started) / 1000).toFixed(1)} s ` +
    `(each: median ${(unitTimes[unitTimes.length >> 1] / 1000).toFixed(1)} s, ` +
    `slowest ${(unitTimes[unitTimes.length - 1] / 1000).toFixed(1)} s)`,
);
for (const o of offices) {
  o.repo = await connectedRepo(o);
  o.handles = await pool(config.docs, connectN, doc =>
    within(300_000, o.repo.find(doc), `${o.user} finds ${doc}`),
  );
  log(`office ${o.user} holds ${o.handles.length} documents`);
}
log(`all connected in ${((performance.now() - started) / 1000).toFixed(1)} s`);
say({ phase: "connected", clients: clients.length });

// 3. The edits.
const go = Number((await nextLine()).split(" ")[1]);
const end = go + config.seconds * 1000;
const delay = monitorEventLoopDelay({ resolution: 10 });
delay.enable();

for (const o of offices) {
  o.latencies = [];
  o.seen = 0;
  // The newest value seen of each unit's actual, in the order of config.docs.
  o.last = o.handles.map(h => read(h.doc(), field(h.doc())) ?? 0);
  o.handles.forEach((h, i) => {
    const f = field(h.doc());
    h.on("change", ({ doc }) => {
      const value = read(doc, f);
      if (typeof value === "number" && value > o.last[i]) {
        o.latencies.push(Date.now() - value);
        o.seen += 1;
        o.last[i] = value;
      }
    });
  });
}

// Each unit's edit until the server said (in a sync message) that it holds it: the server
// confirms a change only once it is durable, so this is the first leg of the propagation.
const acks = [];
for (const u of units) {
  u.pending = null;
  u.repo.synchronizer.on("sync-state", ({ documentId, syncState }) => {
    if (!u.pending || documentId !== u.handle.documentId) return;
    if ((syncState?.theirHeads ?? []).includes(u.pending.head)) {
      acks.push(Date.now() - u.pending.at);
      u.pending = null;
    }
  });
}

for (const u of units) {
  u.made = 0;
  u.last = 0;
  const edit = k => {
    const due = go + u.offset_ms + k * config.every_ms;
    if (due >= end) return;
    setTimeout(() => {
      // A strictly newer value each time, so that every edit is one the offices have not seen.
      const now = Math.max(Date.now(), u.last + 1);
      u.handle.change(d => {
        d.tasks[u.field.task].periods[u.field.period].actuals[u.field.target] = now;
      });
      u.made += 1;
      u.last = now;
      u.pending = { head: A.getHeads(u.handle.doc())[0], at: now };
      edit(k + 1);
    }, due - Date.now());
  };
  edit(0);
}

// A line on stderr every 10 s: edits made, seen, event-loop delay.
const status = setInterval(() => {
  const made = units.reduce((n, u) => n + u.made, 0);
  const seen = offices.reduce((n, o) => n + o.seen, 0);
  log(
    `t=${((Date.now() - go) / 1000).toFixed(0)} s: ${made} edits made, ${seen} (office, edit) seen, ` +
      `${acks.length} acknowledged by the server, event-loop delay p99 ${(delay.percentile(99) / 1e6).toFixed(0)} ms, max ${(delay.max / 1e6).toFixed(0)} ms, ` +
      `${nDisconnects} disconnections`,
  );
}, 10_000);

await sleep(end + config.drain_s * 1000 - Date.now());
clearInterval(status);
delay.disable();
const ms = p => delay.percentile(p) / 1e6;
say({
  phase: "result",
  units: units.map(u => ({ doc: u.doc, made: u.made, last: u.last })),
  offices: offices.map(o => ({ user: o.user, seen: o.seen, last: o.last, latencies: o.latencies })),
  event_loop_delay_ms: { p50: ms(50), p99: ms(99), max: delay.max / 1e6 },
  disconnects: nDisconnects,
  http_retries: nRetries,
  find_retries: nFindRetries,
  acks,
});
reported = true;
// Nothing more on stdout: the stock clients log their failed sends once the server stops.
console.log = () => {};
// The harness stops the server first (so that no connection ends unannounced), then says "exit".
await nextLine();
process.exit(0);
