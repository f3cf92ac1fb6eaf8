// A stock automerge-repo client: logs in, takes a one-time websocket ticket, syncs a document
// it may read and is refused one it may not. Prints one JSON line with what it saw.
// Usage: node client.mjs BASE_URL USERNAME PASSWORD ALLOWED_DOC_ID DENIED_DOC_ID
import { Repo } from "@automerge/automerge-repo";
import { BrowserWebSocketClientAdapter } from "@automerge/automerge-repo-network-websocket";

const [base, username, password, allowedId, deniedId] = process.argv.slice(2);

async function post(path, body, token) {
  const headers = { "content-type": "application/json" };
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await fetch(base + path, { method: "POST", headers, body: JSON.stringify(body ?? {}) });
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
  return response.json();
}

function within(ms, promise, what) {
  return Promise.race([
    promise,
    new Promise((_, reject) => setTimeout(() => reject(new Error(`timeout: ${what}`)), ms)),
  ]);
}

const result = {};
try {
  const { token } = await post("/api/login", { username, password, device: "js-client" });
  const { ticket, peer_id } = await post("/api/ws-ticket", {}, token);
  const url = base.replace(/^http/, "ws") + "/sync?ticket=" + encodeURIComponent(ticket);
  const repo = new Repo({ network: [new BrowserWebSocketClientAdapter(url)], peerId: peer_id });
  const allowed = await within(15000, repo.find(allowedId), "allowed document");
  const doc = allowed.doc();
  result.allowed = { schema: doc.schema ?? null, keys: Object.keys(doc).sort() };
  try {
    await within(15000, repo.find(deniedId), "denied document");
    result.denied = "received";
  } catch (error) {
    result.denied = String(error.message ?? error);
  }
  await repo.shutdown?.();
} catch (error) {
  result.error = String(error.message ?? error);
}
console.log(JSON.stringify(result));
process.exit(0);
