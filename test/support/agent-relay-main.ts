// A stand-in unit agent for black-box runs of a built dispatch: serves jujuc's protocol on a unix
// socket and answers each call by running the recording fake tool of the same name (so a suite's
// rules and recorded calls are the same on both paths), or injects a transport fault at a chosen
// call. Bundled and started in its own process by agent-relay.ts: the dispatch's client blocks, so
// its agent must not share a thread with anything the test waits on.
//
// argv: <socket path> <control file> <log file>. The control file holds the directory of the tools
// to run (rewritten by the test between runs) and, on its second line, the fault as JSON, if any:
// it applies to the first call of its tool after the control file last changed.

import { spawnSync } from "node:child_process";
import { appendFileSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";

import { GobDecoder } from "../../runtime/hook-tools/gob.js";
import { JujucReplies, NO_STDIN, type ReceivedCall, namesStdin, readJujucRequest } from "../../runtime/hook-tools/jujuc.js";
import type { RelayFault } from "./agent-relay.js";

const [socketPath = "", controlFile = "", logFile = ""] = process.argv.slice(2);
let callNumber = 0;
let lastControl = "";
let faultDone = false;

function control(): { binDir: string; fault: RelayFault | undefined } {
  const text = readFileSync(controlFile, "utf8");
  if (text !== lastControl) {
    lastControl = text;
    faultDone = false;
  }
  const [binDir = "", fault = ""] = text.split("\n");
  return { binDir, fault: fault === "" || faultDone ? undefined : (JSON.parse(fault) as RelayFault) };
}

const server = createServer((socket) => {
  const decoder = new GobDecoder();
  const replies = new JujucReplies();
  const pending = {};
  let silent = false;
  socket.on("error", () => undefined);
  socket.on("data", (chunk: Buffer) => {
    if (silent) return;
    try {
      decoder.push(chunk);
      for (let call = readJujucRequest(decoder, pending); call !== undefined; call = readJujucRequest(decoder, pending)) {
        const n = callNumber++;
        const { binDir, fault } = control();
        const faulted = fault !== undefined && fault.tool === call.request.commandName;
        appendFileSync(logFile, `${JSON.stringify({ n, tool: call.request.commandName, fault: faulted ? fault.kind : undefined })}\n`);
        if (faulted) {
          faultDone = true;
          silent = injectFault(fault, call, replies, socket);
          if (silent) return;
          continue;
        }
        socket.write(answer(call, binDir, replies));
      }
    } catch (error) {
      appendFileSync(logFile, `${JSON.stringify({ error: String(error) })}\n`);
      socket.destroy();
    }
  });
});

/** Writes the fault; returns true when the connection must answer nothing more. */
function injectFault(fault: RelayFault, call: ReceivedCall, replies: JujucReplies, socket: import("node:net").Socket): boolean {
  switch (fault.kind) {
    case "close-mid-reply": {
      const reply = replies.response(call, { code: 0, stdout: Buffer.from("half"), stderr: Buffer.alloc(0) });
      socket.end(reply.subarray(0, Math.floor(reply.length / 2)));
      return true;
    }
    case "close":
      socket.destroy();
      return true;
    case "garbage":
      // A whole message of 5 bytes that defines the reserved type id 1: malformed at once.
      socket.write(Buffer.from([5, 1, 2, 3, 4, 5]));
      return true;
    case "rpc-error":
      socket.write(replies.error(call, "rpc: can't find service Jujuc.Main"));
      return false;
    case "bad-request":
      socket.write(replies.error(call, `bad request: wrong context ID; got "${call.request.contextId}"`));
      return false;
    case "silent":
      return true;
  }
}

/** Runs the fake tool for the call, as the agent runs the real one. */
function answer(call: ReceivedCall, binDir: string, replies: JujucReplies): Buffer {
  const { commandName, args, stdinSet, stdin, dir } = call.request;
  if (namesStdin(args) && !stdinSet) return replies.error(call, NO_STDIN);
  const result = spawnSync(join(binDir, commandName), args, {
    cwd: dir,
    input: stdin ?? Buffer.alloc(0),
    env: { ...process.env, PATH: `${binDir}:/usr/bin:/bin` },
  });
  if (result.error !== undefined) return replies.error(call, `bad request: unknown command: ${commandName}`);
  const code = result.status ?? 128;
  return replies.response(call, { code, stdout: result.stdout, stderr: result.stderr });
}

server.listen(socketPath, () => {
  process.stdout.write("ready\n");
});
process.on("SIGTERM", () => {
  server.close();
  process.exit(0);
});
