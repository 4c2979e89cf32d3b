import { runInSandbox, MACHINE_KIT } from "/work/wt-apt/test/support/machine-sandbox.ts";
import { readFileSync } from "node:fs";
const r = runInSandbox(readFileSync("/work/wt-apt/test/fixtures/machine/apt-sandbox.mjs", "utf8"), { hostNetwork: true, env: { MACHINE_KIT, STEPS: process.argv[2] ?? "" }, timeoutMs: 300000 });
console.log(r.status, r.stderr.slice(-3000));
const last = r.stdout.trimEnd().split("\n").pop();
try { console.log(JSON.stringify(JSON.parse(last), null, 1)); } catch { console.log(r.stdout.slice(-3000)); }
