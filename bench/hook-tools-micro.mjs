// @ts-check
// The micro-benchmark of bench/hook-tools.mjs: `calls` is-leader calls through the runtime's own
// HookToolTransport (the compiled lib/ code), in one process, as a charm's calls run inside dispatch.
// bench/hook-tools.mjs runs it with the Node a charm is built with, in the environment of a hook:
// with the agent's socket in it (JUJU_AGENT_SOCKET_*), or with TSCHARM_HOOK_TOOLS=spawn and the
// /bin/sh tools on PATH. The agent is another process, never this one: a call blocks this thread.
//
//   <node> bench/hook-tools-micro.mjs <socket|spawn> <calls>
//
// Prints one JSON line: the path the calls took, the first call (the connect, and the gob type
// definitions sent once per connection), the mean of the others (wall time, and this process's CPU
// time: the difference is time spent waiting for the agent or the tool), and, for the socket, the share of
// a call that is encoding the request and decoding the reply (the same client over an in-memory
// stream that answers at once: no system call, no agent).

import { GobDecoder } from "#compiled/runtime/hook-tools/gob";
import { JUJUC_METHOD, JujucClient, JujucReplies } from "#compiled/runtime/hook-tools/jujuc";
import { HookToolTransport } from "#compiled/runtime/hook-tools/transport";

const expected = process.argv[2];
const calls = Number(process.argv[3] ?? "1000");
if ((expected !== "socket" && expected !== "spawn") || !Number.isInteger(calls) || calls < 1) {
  process.stderr.write("usage: hook-tools-micro.mjs <socket|spawn> <calls>\n");
  process.exit(2);
}

const now = () => Number(process.hrtime.bigint()) / 1e6;
const transport = new HookToolTransport(process.env);

/** One is-leader call, checked: a wrong answer would mean the bench measures something else. */
function isLeader() {
  const result = transport.run("is-leader", ["--format=json"]);
  if (result.exitCode !== 0 || result.stdout.trim() !== "true") {
    throw new Error(`is-leader answered ${String(result.exitCode)} ${JSON.stringify(result.stdout)} ${JSON.stringify(result.stderr)}`);
  }
}

const started = now();
isLeader();
const firstMs = now() - started;
const path = transport.current?.path;
if (path !== expected) throw new Error(`the calls took the ${String(path)} path (${transport.current?.reason ?? ""}), not ${expected}`);
const loop = now();
const cpu = process.cpuUsage();
for (let n = 0; n < calls; n++) isLeader();
const perCallMs = (now() - loop) / calls;
// This process's CPU time (user + system) per call: the rest of the wall time it waited for the other side.
const spent = process.cpuUsage(cpu);
const cpuPerCallMs = (spent.user + spent.system) / 1000 / calls;

/** The client alone: encode each request, decode a reply already in memory. */
function codecMs() {
  const replies = new JujucReplies();
  const stdout = Buffer.from("true\n");
  const answers = Array.from({ length: calls + 1 }, (_, seq) =>
    replies.response({ serviceMethod: JUJUC_METHOD, seq }, { code: 0, stdout, stderr: Buffer.alloc(0) }),
  );
  let next = 0;
  const stream = {
    write: (/** @type {Uint8Array} */ _bytes) => undefined,
    read: (/** @type {Uint8Array} */ into) => {
      const answer = answers[next++];
      if (answer === undefined) return 0;
      into.set(answer);
      return answer.length;
    },
  };
  const client = new JujucClient(stream, new GobDecoder());
  const request = {
    contextId: process.env["JUJU_CONTEXT_ID"] ?? "",
    dir: process.cwd(),
    commandName: "is-leader",
    args: ["--format=json"],
  };
  client.call(request);
  const start = now();
  for (let n = 0; n < calls; n++) client.call(request);
  return (now() - start) / calls;
}

process.stdout.write(
  `${JSON.stringify({ path, calls, firstMs, perCallMs, cpuPerCallMs, codecMs: path === "socket" ? codecMs() : undefined })}\n`,
);
