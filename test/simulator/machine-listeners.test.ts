// The handover of the fabric's listeners (simulator/machine-listeners.ts), on loopback: no root and
// no namespaces needed. The process that makes them stays until it is disconnected, so its exit
// cannot overtake the last listener; and a handover that fails leaves no server keeping this
// process alive (the intermittent hang of `tscharm` commands, docs/simulator.md).

import { type ChildProcess, spawn } from "node:child_process";
import { Server, connect } from "node:net";

import { afterEach, describe, expect, test } from "vitest";

import { listenerScript, receiveListeners } from "../../simulator/machine-listeners.js";

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill("SIGKILL");
});

function start(script: string): ChildProcess {
  const child = spawn(process.execPath, ["-e", script], { stdio: ["ignore", "ignore", "pipe", "ipc"] });
  children.push(child);
  return child;
}

const ended = (child: ChildProcess): Promise<number | null> =>
  child.exitCode !== null ? Promise.resolve(child.exitCode) : new Promise((done) => child.once("exit", (code) => done(code)));

/** Blocks this process's event loop, as making a machine does (spawnSync) while the listeners start. */
function block(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

describe("the fabric's listeners, handed over", () => {
  test("both arrive; the process that made them ends only when disconnected; they answer", async () => {
    const child = start(listenerScript("127.0.0.1", 0));
    block(300);
    const got = await receiveListeners(child, ["tools", "proxy"], 10_000);
    try {
      // Still there when the last listener came: its exit cannot overtake it.
      expect([child.exitCode, child.signalCode]).toEqual([null, null]);
      expect([...got.keys()].sort()).toEqual(["proxy", "tools"]);
      expect(await ended(child)).toBe(0);
      const tools = got.get("tools");
      if (tools === undefined) throw new Error("no tools listener");
      tools.server.on("connection", (socket) => socket.end("hello"));
      const answer = await new Promise<string>((done, failed) => {
        let text = "";
        const socket = connect(tools.port, "127.0.0.1");
        socket.setEncoding("utf8").on("data", (chunk: string) => (text += chunk));
        socket.on("end", () => done(text)).on("error", failed);
      });
      expect(answer).toBe("hello");
    } finally {
      for (const { server } of got.values()) server.close();
    }
  });

  test("a process that ends after one listener: refused, and the listener it sent is closed", async () => {
    // What Node reported in the hang: the exit of the process in the fabric before its last listener.
    const child = start(
      [
        'const s = require("node:net").createServer();',
        's.listen(0, "127.0.0.1", () => process.send({ what: "tools", port: s.address().port }, s, () => process.exit(0)));',
      ].join("\n"),
    );
    const received: Server[] = [];
    child.on("message", (_message: unknown, handle: unknown) => {
      if (handle instanceof Server) received.push(handle);
    });
    await expect(receiveListeners(child, ["tools", "proxy"], 10_000)).rejects.toThrow(/^the listeners in the fabric failed \(exit 0\)/);
    // Whatever was on its way has arrived by the time the channel closes.
    await new Promise((done) => (child.connected ? child.once("disconnect", done) : done(undefined)));
    await new Promise((done) => setTimeout(done, 100));
    expect(received).toHaveLength(1);
    // Left listening, it would be a server of this process that nobody closes: a `tscharm` command that never exits.
    expect(received.map((server) => server.listening)).toEqual([false]);
  });

  test("a process that does not start in time is killed, and the handover refused", async () => {
    const child = start("setTimeout(() => undefined, 60_000);");
    await expect(receiveListeners(child, ["tools", "proxy"], 200)).rejects.toThrow("the listeners in the fabric did not start");
    expect(await ended(child)).toBeNull();
  });
});
