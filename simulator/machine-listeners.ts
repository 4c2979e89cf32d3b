// How the listeners a model's machines reach (the tool server's and the machine proxy's) come into
// this process from the fabric's network namespace (simulator/machines.ts): a short-lived Node
// process started there makes the listening sockets and hands them over through Node's
// child-process handle passing; a socket stays in the namespace it was made in.
//
// The handover is a conversation, not a fire-and-forget: the process in the fabric stays until this
// process has every listener and disconnects. When it left on its own right after sending, Node
// could report its exit before the last listener (a listener arrives asynchronously, after its
// message is read); the handover then failed, and the listeners that arrived anyway were servers
// of this process that nobody closed, each keeping it alive: a `tscharm` command that never exited.
// So every listener is unref'd the moment it arrives, and closed when the handover has failed.

import type { ChildProcess } from "node:child_process";
import { Server } from "node:net";

/** One listener handed over: the server in this process and the port it listens on. */
export interface ReceivedListener {
  readonly server: Server;
  readonly port: number;
}

/**
 * The script of the process in the fabric: it listens at `address` (`tools` on any port, `proxy`
 * on `proxyPort`, or any when that is taken), sends each listener, then waits until the parent
 * disconnects. Run with `node -e` and an IPC channel.
 */
export function listenerScript(address: string, proxyPort: number): string {
  return [
    'const net = require("node:net");',
    "const open = (port, fallback) => new Promise((done, failed) => {",
    "  const s = net.createServer();",
    '  s.once("error", (e) => (e.code === "EADDRINUSE" && fallback ? open(0, false).then(done, failed) : failed(e)));',
    `  s.listen(port, ${JSON.stringify(address)}, () => done(s));`,
    "});",
    // Gone as soon as the parent has what it needs (or is gone itself).
    'process.on("disconnect", () => process.exit(0));',
    "(async () => {",
    `  for (const [what, port] of [["tools", 0], ["proxy", ${String(proxyPort)}]]) {`,
    "    const s = await open(port, port !== 0);",
    "    await new Promise((sent) => process.send({ what, port: s.address().port }, s, sent));",
    "  }",
    "})().catch((e) => { console.error(e.message); process.exit(1); });",
  ].join("\n");
}

/**
 * Receives the listeners named `names` from `child` (running `listenerScript`), then disconnects
 * from it, which ends it. Rejects when the child ends first, sends something else, or takes longer
 * than `timeoutMs`; then the child is killed and every listener that arrived, or arrives later, is
 * closed. A listener never keeps this process alive: each is unref'd as it arrives.
 */
export function receiveListeners(
  child: ChildProcess,
  names: readonly string[],
  timeoutMs: number,
  stderr: () => string = () => "",
): Promise<Map<string, ReceivedListener>> {
  const got = new Map<string, ReceivedListener>();
  let settled = false;
  return new Promise((done, reject) => {
    const fail = (why: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      for (const { server } of got.values()) server.close();
      got.clear();
      child.kill("SIGKILL");
      reject(new Error(why));
    };
    const timer = setTimeout(() => {
      fail("the listeners in the fabric did not start");
    }, timeoutMs);
    child.on("message", (message: { what?: unknown; port?: unknown }, handle: unknown) => {
      const server = handle instanceof Server ? handle : undefined;
      server?.unref();
      if (settled) {
        // Too late: the handover failed (or is complete), and nobody would close it.
        server?.close();
        return;
      }
      if (typeof message.what !== "string" || typeof message.port !== "number" || server === undefined) {
        server?.close();
        fail("no listener came from the fabric");
        return;
      }
      got.set(message.what, { server, port: message.port });
      if (names.every((name) => got.has(name))) {
        settled = true;
        clearTimeout(timer);
        if (child.connected) child.disconnect();
        done(got);
      }
    });
    child.on("error", (error) => {
      fail(`the listeners in the fabric failed: ${error.message}`);
    });
    child.on("exit", (code, signal) => {
      fail(`the listeners in the fabric failed (exit ${String(code ?? signal)}): ${stderr().trim()}`);
    });
  });
}
