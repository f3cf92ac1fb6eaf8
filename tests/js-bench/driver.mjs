// Stock JS automerge-repo clients for the side-by-side convergence benchmark
// (tests/src/bin/js-bench.rs runs this; docs/BENCHMARKS.md has the figures).
//
// Usage: node driver.mjs CONFIG.json
//   {"server": "plansync" | "reference", "base": "http://127.0.0.1:PORT", "password": "...",
//    "office": "USERNAME", "edits": 20, "timeout_s": 120, "unit_procs": 2,
//    "units": [{"user": "u001", "doc": "DOCUMENT_ID"}]      (plansync: the unit's records document)
//    "units": [{"user": "u001", "file": "PATH.automerge"}]  (reference: the same document's bytes)}
//
// This process runs the office's client. The units' clients run in `unit_procs` child processes
// of their own (this file, forked with "--worker"; units dealt round-robin), so that the units'
// work and the office's are not one node thread's: with every client in one process, that
// process was busy for the whole reconnect and its CPU, not the server, set the time. With
// "unit_procs": 0 the units run in this process too (the first version of the bench).
//
// 1. Setup (not timed): the office's client connects and keeps running. Each unit's client
//    connects and gets its records document: from plansync by id; on the reference server the
//    client creates it from the same bytes (`repo.import`) and uploads it. Then each unit edits
//    its document offline: `edits` changes (actual values of four tasks across periods and
//    targets), each its own change. The office finds every unit's document.
// 2. Every unit reconnects at once: its repo (holding the edited document) gets a websocket
//    adapter (plansync needs a fresh one-time ticket per connection, bound to a fresh peer id, so
//    the repo was made with that peer id; both servers get the same treatment). Timed until the
//    office's replica holds the heads of every unit's edits.
// Stdout: one JSON line per phase: {"phase":"ready"}, {"phase":"reconnect"} (the harness reads
// the server's CPU time here), then {"phase":"done","seconds":S,"clients_cpu_s":C,
// "office_cpu_s":O,"units_cpu_s":U} or {"phase":"timeout",...}: the CPU time over the reconnect
// of every client, of this process (the office) and of the units' processes.
import fs from "node:fs";
import { fork, spawn } from "node:child_process";
import readline from "node:readline";
import * as A from "@automerge/automerge";
import { Repo } from "@automerge/automerge-repo";
import { WebSocketClientAdapter } from "@automerge/automerge-repo-network-websocket";

const worker = process.argv[2] === "--worker";
const config = worker ? null : JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const say = obj => console.log(JSON.stringify(obj));
const log = (server, text) =>
  console.error(`[driver ${server}${worker ? ` worker ${process.pid}` : ""}] ${text}`);
const cpuSeconds = since => {
  const { user, system } = process.cpuUsage(since);
  return (user + system) / 1e6;
};

async function post(base, path, body, token) {
  const headers = { "content-type": "application/json" };
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await fetch(base + path, {
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

/** The clients of one process, against the server `settings` names. */
function clients(settings) {
  const plansync = settings.server === "plansync";
  const wsBase = settings.base.replace(/^http/, "ws");
  let nPeers = 0;
  return {
    plansync,
    async login(user) {
      if (!plansync) return;
      const { token } = await post(settings.base, "/api/login", {
        username: user.name,
        password: settings.password,
        device: `bench-${user.name}`,
      });
      user.token = token;
    },
    /** A websocket URL and peer id for one new connection of `user`. */
    async endpoint(user) {
      if (!plansync) {
        nPeers += 1;
        return { url: wsBase, peerId: `bench-${user.name}-${process.pid}-${nPeers}` };
      }
      const { ticket, peer_id } = await post(settings.base, "/api/ws-ticket", {}, user.token);
      return { url: `${wsBase}/sync?ticket=${encodeURIComponent(ticket)}`, peerId: peer_id };
    },
  };
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

/** Each unit's client gets its records document and edits it offline, in a repo with no network
 *  yet (its peer id is the one its next connection uses: plansync binds a ticket to a fresh peer
 *  id). Sets `docId`, `heads`, `repo` and `endpoint` of every unit. */
async function prepareUnits(settings, units) {
  const c = clients(settings);
  await pool(units, 4, u => c.login(u));
  await pool(units, 20, async u => {
    const repo = await connectedRepo(await c.endpoint(u));
    let handle;
    if (c.plansync) {
      handle = await within(120000, repo.find(u.doc), `unit ${u.name} finds its records`);
    } else {
      handle = repo.import(new Uint8Array(fs.readFileSync(u.file)));
      await within(120000, serverHas(repo, handle), `unit ${u.name} uploads its records`);
    }
    u.docId = handle.documentId;
    u.bytes = A.save(handle.doc());
    await repo.shutdown();
  });
  for (const u of units) {
    u.endpoint = await c.endpoint(u);
    const repo = new Repo({ network: [], peerId: u.endpoint.peerId });
    const handle = repo.import(u.bytes, { docId: u.docId });
    const doc = handle.doc();
    const taskIds = Object.keys(doc.tasks).sort().slice(0, 4);
    for (let n = 0; n < settings.edits; n++) {
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
}

/** BENCH_TRACE: counts the messages and bytes `repo` receives into `tally` ([count, bytes]). */
function countReceived(repo, tally) {
  repo.networkSubsystem.on("message", m => {
    tally[0] += 1;
    tally[1] += m.data?.byteLength ?? 0;
  });
}

/** Every unit goes online at once: its repo gets a websocket adapter. */
function reconnectUnits(settings, units, since) {
  for (const [i, u] of units.entries()) {
    if (process.env.BENCH_TRACE) {
      u.repo.networkSubsystem.on("peer", () =>
        log(settings.server, `unit ${u.name} connected at ${since()}`),
      );
      let acked = false;
      u.repo.synchronizer.on("sync-state", ({ syncState }) => {
        const theirs = new Set(syncState?.theirHeads ?? []);
        if (!acked && u.heads.every(h => theirs.has(h))) {
          acked = true;
          log(settings.server, `server has unit ${u.name} at ${since()}`);
        }
      });
    }
    u.repo.networkSubsystem.addNetworkAdapter(new WebSocketClientAdapter(u.endpoint.url));
  }
}

const shutdown = repos =>
  Promise.race([
    Promise.all(repos.map(r => r.shutdown())),
    new Promise(resolve => setTimeout(resolve, 5000)),
  ]);

/** A child process holding some units' clients; the parent drives it by messages:
 *  {prepare: {settings, units}} -> {prepared: [{docId, heads}]}; {go: true} reconnects them
 *  all; {report: true} -> {cpu_s, received}; {stop: true} shuts them down and exits. */
function runWorker() {
  let settings, units, cpuAtGo, start;
  const received = [0, 0];
  // The office's process is gone (it failed, or the harness stopped it): so are we.
  process.on("disconnect", () => process.exit(1));
  process.on("message", async message => {
    try {
      if (message.prepare) {
        ({ settings, units } = message.prepare);
        units = units.map(u => ({ ...u, name: u.user }));
        await prepareUnits(settings, units);
        if (process.env.BENCH_TRACE) units.forEach(u => countReceived(u.repo, received));
        process.send({ prepared: units.map(u => ({ docId: u.docId, heads: u.heads })) });
      } else if (message.go) {
        cpuAtGo = process.cpuUsage();
        start = performance.now();
        reconnectUnits(settings, units, () => `${(performance.now() - start).toFixed(0)} ms`);
      } else if (message.report) {
        process.send({ cpu_s: cpuSeconds(cpuAtGo), received });
      } else if (message.stop) {
        await shutdown(units.map(u => u.repo));
        process.exit(0);
      }
    } catch (error) {
      log(settings?.server ?? "?", `worker failed: ${error.stack ?? error}`);
      process.exit(1);
    }
  });
}

/** The next message of `child` that has `key`. */
const answer = (child, key) =>
  new Promise((resolve, reject) => {
    const onMessage = m => {
      if (key in m) {
        child.off("message", onMessage);
        child.off("exit", onExit);
        resolve(m);
      }
    };
    const onExit = code => reject(new Error(`a units' process exited (${code})`));
    child.on("message", onMessage);
    child.on("exit", onExit);
  });

/** The office's client as a stock JS repo in this process. */
async function jsOffice(settings, name, since) {
  const c = clients(settings);
  const office = { name };
  await c.login(office);
  const repo = await connectedRepo(await c.endpoint(office));
  let handles, cpuAtStart;
  return {
    received: [0, 0],
    async find(units) {
      handles = await pool(units, 20, u =>
        within(120000, repo.find(u.docId), `office finds ${u.name}'s records`),
      );
    },
    /** Resolves with how many units' edits the office holds, once it holds all or at `timeout`. */
    watch(units, timeout) {
      cpuAtStart = process.cpuUsage();
      if (process.env.BENCH_TRACE) {
        repo.networkSubsystem.on("peer-disconnected", () =>
          log(settings.server, `office disconnected at ${since()}`),
        );
        repo.networkSubsystem.on("peer", () => log(settings.server, `office (re)connected at ${since()}`));
        countReceived(repo, this.received);
      }
      const pending = new Set(units.map((_, i) => i));
      return new Promise(resolve => {
        const finish = timedOut => {
          clearInterval(poll);
          clearTimeout(timer);
          resolve({ complete: units.length - pending.size, timedOut, cpu_s: cpuSeconds(cpuAtStart) });
        };
        const check = i => {
          if (pending.has(i) && A.hasHeads(handles[i].doc(), units[i].heads)) {
            pending.delete(i);
            if (process.env.BENCH_TRACE) log(settings.server, `office has unit ${i} at ${since()}`);
            if (pending.size === 0) finish(false);
          }
        };
        handles.forEach((h, i) => h.on("change", () => check(i)));
        // Change events do the work; a slow poll only as a safety net (polling every unit
        // often would take client CPU the measurement needs).
        const poll = setInterval(() => units.forEach((_, i) => check(i)), 250);
        const timer = setTimeout(() => finish(true), timeout);
        units.forEach((_, i) => check(i));
      });
    },
    shutdown: () => shutdown([repo]),
  };
}

/** The office's client as the office's laptop has it (the app's sync engine, samod), in a child
 *  process (`config.office_command`: js-bench --office-process), spoken to in JSON lines. */
async function samodOffice(settings, name, command) {
  const child = spawn(command[0], command.slice(1), { stdio: ["pipe", "pipe", "inherit"] });
  const lines = readline.createInterface({ input: child.stdout });
  const waiting = [];
  lines.on("line", line => {
    const message = JSON.parse(line);
    waiting.shift()?.(message);
  });
  const exited = new Promise((_, reject) =>
    child.on("exit", code => reject(new Error(`the office's samod client exited (${code})`))),
  );
  exited.catch(() => {});
  const ask = request => {
    const answer = new Promise(resolve => waiting.push(resolve));
    child.stdin.write(`${JSON.stringify(request)}\n`);
    return Promise.race([answer, exited]);
  };
  await ask({ server: settings.server, base: settings.base, office: name, password: settings.password });
  return {
    received: null,
    find: units => ask({ find: units.map(u => u.docId) }),
    async watch(units, timeout) {
      const { phase, complete, cpu_s } = await ask({
        watch: units.map(u => [u.docId, u.heads]),
        timeout_s: Math.ceil(timeout / 1000),
      });
      return { complete, timedOut: phase !== "done", cpu_s };
    },
    async shutdown() {
      child.stdin.end("exit\n");
      await Promise.race([
        new Promise(resolve => child.once("exit", resolve)),
        new Promise(resolve => setTimeout(resolve, 5000)),
      ]);
      child.kill();
    },
  };
}

async function runOffice() {
  const server = config.server;
  const settings = {
    server,
    base: config.base,
    password: config.password,
    edits: config.edits,
  };
  const TIMEOUT = (config.timeout_s ?? 120) * 1000;
  const units = config.units.map(u => ({ ...u, name: u.user }));
  const nProcs = config.unit_procs ?? 2;
  let start;
  const since = () => `${(performance.now() - start).toFixed(0)} ms`;

  // 1. Setup.
  const office =
    (config.office_client ?? "js") === "samod"
      ? await samodOffice(settings, config.office, config.office_command)
      : await jsOffice(settings, config.office, since);
  const workers = [];
  if (nProcs === 0) {
    await prepareUnits(settings, units);
  } else {
    const shares = Array.from({ length: nProcs }, (_, k) =>
      units.filter((_, i) => i % nProcs === k),
    );
    await Promise.all(
      shares.map(async share => {
        const child = fork(new URL(import.meta.url).pathname, ["--worker"], {
          stdio: ["ignore", "inherit", "inherit", "ipc"],
        });
        workers.push(child);
        const done = answer(child, "prepared");
        child.send({ prepare: { settings, units: share } });
        const { prepared: results } = await done;
        share.forEach((u, i) => Object.assign(u, results[i]));
      }),
    );
  }
  log(server, `${units.length} units set up and edited offline (${config.edits} changes each, ${nProcs || "no"} processes of their own)`);
  await office.find(units);
  say({ phase: "ready" });

  // 2. Every unit goes online at once; wait for the office to hold every unit's edits.
  // BENCH_CPU_PROFILE=FILE: a V8 CPU profile of this process over the reconnect.
  let profiler;
  if (process.env.BENCH_CPU_PROFILE) {
    const inspector = await import("node:inspector/promises");
    profiler = new inspector.Session();
    profiler.connect();
    await profiler.post("Profiler.enable");
    await profiler.post("Profiler.start");
  }
  say({ phase: "reconnect" });
  const cpuAtStart = process.cpuUsage();
  start = performance.now();
  const received = { office: office.received, units: [0, 0] };
  if (process.env.BENCH_TRACE && nProcs === 0) units.forEach(u => countReceived(u.repo, received.units));
  const watching = office.watch(units, TIMEOUT);
  if (nProcs === 0) {
    reconnectUnits(settings, units, since);
  } else {
    workers.forEach(w => w.send({ go: true }));
  }
  const { complete, timedOut, cpu_s: officeCpu } = await watching;
  const seconds = (performance.now() - start) / 1000;
  // This process's CPU: the office's when it runs here, the units' too when they do.
  const driverCpu = cpuSeconds(cpuAtStart);
  let unitsCpu = 0;
  for (const w of workers) {
    const reply = answer(w, "cpu_s");
    w.send({ report: true });
    const { cpu_s, received: theirs } = await reply;
    unitsCpu += cpu_s;
    received.units[0] += theirs[0];
    received.units[1] += theirs[1];
  }
  if (process.env.BENCH_TRACE) {
    log(server, `received over the reconnect (messages, data bytes): ${JSON.stringify(received)}`);
  }
  if (profiler) {
    const { profile } = await profiler.post("Profiler.stop");
    fs.writeFileSync(process.env.BENCH_CPU_PROFILE, JSON.stringify(profile));
  }
  const samod = config.office_client === "samod";
  const figures = {
    seconds,
    complete,
    of: units.length,
    // With the units in this process, its CPU is the office's and the units' together.
    clients_cpu_s: nProcs === 0 ? driverCpu + (samod ? officeCpu : 0) : officeCpu + unitsCpu,
    office_cpu_s: nProcs === 0 ? null : officeCpu,
    units_cpu_s: nProcs === 0 ? null : unitsCpu,
    unit_procs: nProcs,
  };
  say({ phase: timedOut ? "timeout" : "done", ...figures });
  workers.forEach(w => w.send({ stop: true }));
  await Promise.all([
    office.shutdown(),
    nProcs === 0 ? shutdown(units.map(u => u.repo)) : null,
    Promise.race([
      Promise.all(workers.map(w => (w.exitCode === null ? new Promise(r => w.once("exit", r)) : null))),
      new Promise(resolve => setTimeout(resolve, 5000)),
    ]),
  ]);
  process.exit(0);
}

if (worker) {
  runWorker();
} else {
  await runOffice();
}
