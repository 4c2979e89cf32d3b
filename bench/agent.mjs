// @ts-check
// The bench agent: a unix-socket jujuc server (Go net/rpc over gob, `Jujuc.Main`) that answers every
// hook-tool call at once from memory, as a stand-in for the unit agent in bench/hook-tools.mjs.
//
//   node bench/agent.mjs <socket path> <answers.json>
//
// answers.json maps a tool's name to the stdout it answers (exit 0, no stderr); a tool it does not
// name succeeds with no output, as bench/dispatch.mjs's /bin/sh tools do. A call that sends no stdin
// but reads it (`--file -`) is asked for it (NO_STDIN), as the real agent asks.
//
// It runs in its own process: a dispatch's call blocks its thread until the answer comes, and the
// bench's timed runs block the bench's (spawnSync), so the agent can share a thread with neither.
//
// Control, one line on stdin each: `calls` answers one JSON line on stdout with the calls served
// since the last `calls` ("tool arg arg", in order), which is how the bench checks that a run went
// over the socket; `quit` stops. It prints `ready` once it listens.

import { readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { createInterface } from "node:readline";

import { GobDecoder } from "#compiled/runtime/hook-tools/gob";
import { JUJUC_METHOD, JujucReplies, NO_STDIN, namesStdin, readJujucRequest } from "#compiled/runtime/hook-tools/jujuc";

const [socketPath = "", answersFile = ""] = process.argv.slice(2);
if (socketPath === "" || answersFile === "") {
  process.stderr.write("usage: node bench/agent.mjs <socket path> <answers.json>\n");
  process.exit(2);
}
/** @type {unknown} */
const parsed = JSON.parse(readFileSync(answersFile, "utf8"));
const answers = new Map(Object.entries(/** @type {Record<string, string>} */ (parsed)).map(([tool, out]) => [tool, Buffer.from(out)]));
const EMPTY = Buffer.alloc(0);

/** @type {string[]} */
let calls = [];

const server = createServer((socket) => {
  const decoder = new GobDecoder();
  const replies = new JujucReplies();
  const pending = {};
  socket.on("error", () => undefined);
  socket.on("data", (chunk) => {
    try {
      decoder.push(chunk);
      for (let call = readJujucRequest(decoder, pending); call !== undefined; call = readJujucRequest(decoder, pending)) {
        const { commandName, args, stdinSet } = call.request;
        if (call.serviceMethod !== JUJUC_METHOD) {
          socket.write(replies.error(call, `rpc: can't find service ${call.serviceMethod}`));
          continue;
        }
        if (namesStdin(args) && !stdinSet) {
          socket.write(replies.error(call, NO_STDIN));
          continue;
        }
        calls.push([commandName, ...args].join(" "));
        socket.write(replies.response(call, { code: 0, stdout: answers.get(commandName) ?? EMPTY, stderr: EMPTY }));
      }
    } catch (error) {
      process.stderr.write(`bench agent: ${String(error)}\n`);
      socket.destroy();
    }
  });
});

createInterface({ input: process.stdin }).on("line", (line) => {
  if (line === "calls") {
    process.stdout.write(`${JSON.stringify(calls)}\n`);
    calls = [];
  } else if (line === "quit") {
    server.close();
    rmSync(socketPath, { force: true });
    process.exit(0);
  }
});
process.stdin.on("end", () => {
  rmSync(socketPath, { force: true });
  process.exit(0);
});

server.listen(socketPath, () => {
  process.stdout.write("ready\n");
});
