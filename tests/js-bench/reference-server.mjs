// The reference sync server, set up as automerge-repo-sync-server (its src/server.js) sets it up:
// a `ws` WebSocketServer in noServer mode behind an HTTP server, NodeWSServerAdapter,
// NodeFSStorageAdapter on a data directory, a `storage-server-HOST` peer id and
// `sharePolicy: async () => false` (answer requests, never announce). The only difference is
// plain `http` instead of express, which serves nothing the bench uses.
// Usage: node reference-server.mjs DATA_DIR [PORT]   (prints "listening on http://127.0.0.1:PORT")
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import { WebSocketServer } from "ws";
import { Repo } from "@automerge/automerge-repo";
import { NodeWSServerAdapter } from "@automerge/automerge-repo-network-websocket";
import { NodeFSStorageAdapter } from "@automerge/automerge-repo-storage-nodefs";

const [dir, portArg] = process.argv.slice(2);
if (!dir) {
  console.error("usage: node reference-server.mjs DATA_DIR [PORT]");
  process.exit(2);
}
fs.mkdirSync(dir, { recursive: true });

const socket = new WebSocketServer({ noServer: true });
new Repo({
  network: [new NodeWSServerAdapter(socket)],
  storage: new NodeFSStorageAdapter(dir),
  peerId: `storage-server-${os.hostname()}`,
  sharePolicy: async () => false,
});

const server = http.createServer((_req, res) => {
  res.end("👍 @automerge/automerge-repo-sync-server is running");
});
server.on("upgrade", (request, sock, head) => {
  socket.handleUpgrade(request, sock, head, ws => socket.emit("connection", ws, request));
});
server.listen(Number(portArg ?? 0), "127.0.0.1", () => {
  console.log(`listening on http://127.0.0.1:${server.address().port}`);
});
process.on("SIGTERM", () => process.exit(0));
