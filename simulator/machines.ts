// Machines of their own: when the simulator runs as root, each machine of the model gets its own
// mount namespace (the host's system directories underneath, the machine's writes in an overlay of
// its own) and its own network namespace, wired to a bridge at 10.1.0.1/16 with the address the
// model gives the machine (`machineAddress`, engine/records.ts): what network-get, unit-get, the
// relation bags and `juju status` report. Hooks, actions and exec commands are started inside it
// with nsenter, so what a charm leaves running lives there too; removing the machine ends them.
// Without root, or where namespaces cannot be made, every unit runs on the shared host as before,
// and the simulator says so once. docs/simulator.md, "Machines of their own", tells the whole story.
//
// The namespaces are made and entered with util-linux's `unshare` and `nsenter` and iproute2's
// `ip`, not with syscalls of our own: Node has no setns/unshare, an addon would be a native
// dependency to build, and these tools are on every Debian and Ubuntu machine, kept by the people
// who keep the kernel interfaces they use (mount propagation, overlay options, veth peers across
// namespaces), and easy to read in a debug log and to repeat by hand.
//
// A namespace lives as long as a process in it: each machine has a holder (`sleep infinity`
// started detached inside the new namespaces) whose pid and start time are kept in
// `<model>/machine-ns/<machine>/holder`, so a later `tscharm sim` command finds the machine again.
// When the holder is gone (the host restarted, or someone killed it), the next hook makes the
// namespaces again over the machine's kept overlay, and the debug log says so. The bridge lives in
// a namespace of the model's own (the fabric, `<model>/machine-ns/fabric`), not on the host: every
// model numbers its machines from 10.1.0.10, so two models on one host (the test suite runs many at
// once) would otherwise claim the same addresses; the host's network is never changed.

import { spawn, spawnSync } from "node:child_process";
import { existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, readlinkSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import type { Server } from "node:net";
import { join, sep } from "node:path";

import { machineAddress } from "../engine/records.js";
import { SimulatorError } from "./types.js";

/** Whether each machine gets namespaces of its own (`isolated`), all share the host (`shared`), or isolated when possible (`auto`). */
export type MachineIsolation = "isolated" | "shared" | "auto";

export const MACHINE_ISOLATIONS: readonly MachineIsolation[] = ["isolated", "shared", "auto"];

/** The environment variable that chooses the isolation when SimulatorOptions.machines does not. */
export const MACHINES_ENV = "TSCHARM_MACHINES";

/** The bridge's own address in the fabric: the machines' gateway, and where the hook tools reach the simulator. */
export const BRIDGE_ADDRESS = "10.1.0.1";
const BRIDGE = "tscharm0";
/** The bridge's MAC: locally administered (02:…), and 10.1.0.1 in its last four bytes. */
const BRIDGE_MAC = "02:00:0a:01:00:01";

/**
 * The system directories each machine overlays (those that are real directories here: with a
 * merged /usr, /bin and /lib are links into /usr). Everything else (/tmp, /work, /mnt, /dev, /proc,
 * /sys) is the host's, shared by every machine, and so is the model directory wherever it is.
 */
const OVERLAID = ["etc", "var", "usr", "opt", "srv", "home", "root", "run", "bin", "sbin", "lib", "lib32", "lib64", "libx32"];

const SYSTEM_PATH = "/usr/sbin:/usr/bin:/sbin:/bin";
const START_TIMEOUT_MS = 10_000;

/** How a unit's process is started in its machine. */
export interface MachineEntry {
  /** The command to run instead: nsenter into the machine, then the command. */
  readonly argv: readonly string[];
  /** Environment to add: where the hook tools reach the simulator from inside the machine. */
  readonly env: Readonly<Record<string, string>>;
}

interface Holder {
  readonly pid: number;
  /** The process's start time (field 22 of /proc/<pid>/stat), so a reused pid is not taken for it. */
  readonly start: string;
  /** A machine's: the fabric holder it was linked to. */
  readonly fabric?: number;
  /** A machine's: its network namespace (`net:[inode]`), to find what still runs there once the holder is gone. */
  readonly net?: string;
}

interface Tools {
  readonly unshare: string;
  readonly nsenter: string;
  readonly ip: string;
}

/** Where util-linux's and iproute2's tools are, or undefined when one is missing. */
function findTools(): Tools | undefined {
  const find = (name: string): string | undefined =>
    ["/usr/bin", "/bin", "/usr/sbin", "/sbin"].map((dir) => join(dir, name)).find((path) => existsSync(path));
  const unshare = find("unshare");
  const nsenter = find("nsenter");
  const ip = find("ip");
  return unshare === undefined || nsenter === undefined || ip === undefined ? undefined : { unshare, nsenter, ip };
}

/**
 * Why machines cannot have namespaces of their own here, or undefined when they can: the
 * simulator must run as root, with util-linux and iproute2 installed, and allowed to make mount
 * and network namespaces (a container without CAP_SYS_ADMIN is not).
 */
export function isolationBlocker(): string | undefined {
  if (process.platform !== "linux") return `namespaces are Linux's, and this is ${process.platform}`;
  const uid = process.getuid?.();
  if (uid !== 0) return `the simulator is not running as root (uid ${String(uid)})`;
  const tools = findTools();
  if (tools === undefined) return "util-linux's unshare and nsenter, or iproute2's ip, are not installed";
  const probe = spawnSync(tools.unshare, ["--mount", "--net", "--", "/bin/true"], { encoding: "utf8", timeout: START_TIMEOUT_MS });
  if (probe.status !== 0) return `mount and network namespaces cannot be made here (${(probe.stderr || String(probe.error)).trim()})`;
  return undefined;
}

/** What the simulator says, once, when it falls back to the shared host. */
export function sharedHostMessage(reason: string): string {
  return (
    `machines share this host: ${reason}. Every unit runs directly on this host, with its /etc, /var ` +
    `and network: two units cannot listen on one port, and what one installs or writes the others see. ` +
    `Run the simulator as root to give each machine namespaces of its own, or choose machines: "shared" ` +
    `(${MACHINES_ENV}=shared) to say this is what you want`
  );
}

/** The isolation asked for: the option, else the environment variable, else auto. */
export function requestedIsolation(option: MachineIsolation | undefined, env: NodeJS.ProcessEnv = process.env): MachineIsolation {
  if (option !== undefined) return checkIsolation(option, "machines");
  const value = env[MACHINES_ENV];
  return value === undefined || value === "" ? "auto" : checkIsolation(value, MACHINES_ENV);
}

export function checkIsolation(value: string, what: string): MachineIsolation {
  if (!(MACHINE_ISOLATIONS as readonly string[]).includes(value))
    throw new SimulatorError(`${what} must be one of ${MACHINE_ISOLATIONS.join(", ")}, not "${value}"`);
  return value as MachineIsolation;
}

/** The model's machines as namespaces: made on a machine's first process, entered by every later one, removed with the machine. */
export class Machines {
  private mode: "isolated" | "shared" | undefined;
  private tools: Tools | undefined;
  /** The tool server's listener in the fabric, and the fabric holder it was made in. */
  private listener: { server: Server; port: number; fabric: number } | undefined;
  /** Machines whose link to the bridge this process has checked, with the fabric holder it was checked against. */
  private readonly wired = new Map<string, number>();
  /** While the model is destroyed, machines are removed at the end (teardown.ts), after their processes are reported. */
  deferRemoval = false;

  constructor(
    /** The model directory. */
    private readonly dir: string,
    private readonly requested: MachineIsolation,
    /** Writes to the model's debug log. */
    private readonly note: (what: string) => void,
    /** Makes the tool server answer on a listener of the fabric. */
    private readonly serveOn: (listener: Server) => void,
    private readonly blocker: () => string | undefined = isolationBlocker,
  ) {}

  /** `<model>/machine-ns`: each machine's holder, overlay upper and work directories, and the fabric's holder. */
  get stateDir(): string {
    return join(this.dir, "machine-ns");
  }

  /**
   * Whether machines are isolated in this model: decided on first use (or now), and kept in the
   * model directory. Throws when `isolated` was asked for and cannot be.
   */
  get isolated(): boolean {
    return this.resolve() === "isolated";
  }

  /** Where machine `machine` keeps its namespaces' files. */
  machineStateDir(machine: string): string {
    return join(this.stateDir, safeName(machine));
  }

  /** The holder of machine `machine`'s namespaces, when it runs. */
  holderPid(machine: string): number | undefined {
    const holder = readHolder(join(this.machineStateDir(machine), "holder"));
    return holder !== undefined && alive(holder) ? holder.pid : undefined;
  }

  /** The fabric's holder (the bridge's namespace), when it runs. */
  fabricPid(): number | undefined {
    const holder = readHolder(join(this.stateDir, "fabric"));
    return holder !== undefined && alive(holder) ? holder.pid : undefined;
  }

  /**
   * How to start `argv` in `cwd` on `machine`: nsenter into its namespaces (made now when they are
   * not there), or undefined when machines share the host.
   */
  async enter(machine: string, cwd: string, argv: readonly string[]): Promise<MachineEntry | undefined> {
    if (this.resolve() === "shared") return undefined;
    let holder: Holder;
    let port: number;
    try {
      const fabric = this.fabric();
      // The listener's Node process starts while the machine is made.
      const listening = this.toolListener(fabric);
      listening.catch(() => undefined);
      holder = this.machine(machine, fabric);
      port = await listening;
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      if (this.requested === "isolated") throw new SimulatorError(`cannot make machine ${machine}'s namespaces: ${reason}`);
      this.choose("shared", `machine ${machine}'s namespaces could not be made (${reason})`);
      return undefined;
    }
    const tools = this.tools ?? fail("no tools");
    return {
      argv: [tools.nsenter, `--target=${String(holder.pid)}`, "--mount", "--net", `--wdns=${cwd}`, "--", ...argv],
      env: { JUJU_AGENT_SOCKET_ADDRESS: `${BRIDGE_ADDRESS}:${String(port)}` },
    };
  }

  /**
   * The machine is gone (its last unit was removed: juju/juju 3.6 state/unit.go, Unit.destroyHostOps,
   * makes a unit's host dying with its only principal): every process in it is stopped, then its
   * namespaces, its link to the bridge and its overlay are removed.
   */
  release(machine: string): void {
    if (this.deferRemoval) return;
    const dir = this.machineStateDir(machine);
    if (!existsSync(dir)) return;
    this.tools ??= findTools();
    const holder = readHolder(join(dir, "holder"));
    const ended = holder !== undefined && alive(holder) ? this.endMachine(machine, holder) : 0;
    rmSync(dir, { recursive: true, force: true });
    this.wired.delete(machine);
    this.note(
      `machine ${machine} removed: ${ended === 0 ? "no process was left in it" : `${String(ended)} process(es) in it stopped`}; ` +
        "its namespaces, network link and overlay are gone",
    );
  }

  /** Every machine is removed, and the fabric with its bridge (the model is destroyed or thrown away). */
  removeAll(): void {
    this.deferRemoval = false;
    if (existsSync(this.stateDir)) {
      for (const entry of readdirSync(this.stateDir, { withFileTypes: true })) {
        if (entry.isDirectory()) this.release(unsafeName(entry.name));
      }
    }
    const fabric = readHolder(join(this.stateDir, "fabric"));
    if (fabric !== undefined && alive(fabric)) stopAll([-fabric.pid]);
    this.close();
    rmSync(this.stateDir, { recursive: true, force: true });
  }

  /** Stops answering hook tools in the fabric; the machines stay (a persistent model carries on). */
  close(): void {
    this.listener?.server.close();
    this.listener = undefined;
  }

  private resolve(): "isolated" | "shared" {
    if (this.mode !== undefined) return this.mode;
    const file = join(this.stateDir, "isolation");
    const saved = existsSync(file) ? readFileSync(file, "utf8").trim() : undefined;
    const wanted = saved === "isolated" || saved === "shared" ? saved : this.requested;
    if (wanted === "shared") {
      this.choose("shared");
      return "shared";
    }
    const reason = this.blocker();
    if (reason === undefined) {
      this.tools = findTools();
      this.choose("isolated");
      return "isolated";
    }
    if (wanted === "isolated" && saved === undefined) throw new SimulatorError(`machines: "isolated" was asked for, but ${reason}`);
    this.choose("shared", saved === "isolated" ? `this model's machines were isolated, but now ${reason}` : reason);
    return "shared";
  }

  /** Decides, and when it is the shared host for a reason, says so in the debug log (once: the decision is kept). */
  private choose(mode: "isolated" | "shared", reason?: string): void {
    this.mode = mode;
    if (reason !== undefined) this.note(sharedHostMessage(reason));
    if (!existsSync(this.dir)) return;
    mkdirSync(this.stateDir, { recursive: true });
    writeFileSync(join(this.stateDir, "isolation"), `${mode}\n`);
  }

  /** The fabric: a network namespace holding the bridge, made when it is not running. */
  private fabric(): Holder {
    const file = join(this.stateDir, "fabric");
    const kept = readHolder(file);
    if (kept !== undefined && alive(kept)) return kept;
    const tools = this.tools ?? fail("util-linux and iproute2 were not found");
    mkdirSync(this.stateDir, { recursive: true });
    const script = [
      // A fixed MAC: a bridge without one takes the lowest of its ports' and changes it as machines come and
      // go, while the machines' ARP caches keep the old one (their tool calls would then hang in SYN-SENT).
      `ip link set lo up && ip link add ${BRIDGE} address ${BRIDGE_MAC} type bridge && ip addr add ${BRIDGE_ADDRESS}/16 dev ${BRIDGE} &&`,
      `ip link set ${BRIDGE} up || exit 1`,
    ].join(" ");
    const holder = startHolder(tools, ["--net"], script, this.stateDir, join(this.stateDir, "fabric.log"));
    writeHolder(file, holder);
    if (kept !== undefined)
      this.note(`the model's bridge was gone (the host restarted, or its holder ${String(kept.pid)} ended): made again`);
    return holder;
  }

  /** Machine `machine`'s namespaces, made (and wired to the bridge) when they are not running. */
  private machine(machine: string, fabric: Holder): Holder {
    const dir = this.machineStateDir(machine);
    const file = join(dir, "holder");
    const kept = readHolder(file);
    if (kept !== undefined && alive(kept)) {
      // Wired when it was made, to this fabric; or wired again now (the fabric was made again since).
      if (kept.fabric !== fabric.pid && this.wired.get(machine) !== fabric.pid) {
        this.wire(machine, kept, fabric);
        writeHolder(file, { ...kept, fabric: fabric.pid });
      }
      this.wired.set(machine, fabric.pid);
      return kept;
    }
    const tools = this.tools ?? fail("util-linux was not found");
    // Its holder is gone, and the machine with it: whatever still runs in its old namespaces goes too.
    const oldNet = kept?.net;
    if (oldNet !== undefined && oldNet !== nsOf(process.pid, "net")) stopAll(allPids().filter((pid) => nsOf(pid, "net") === oldNet));
    // Every upper and work directory exists before the first overlay hides the model directory's parent.
    const overlaid = OVERLAID.filter((name) => isRealDirectory(`/${name}`));
    for (const name of overlaid) {
      mkdirSync(join(dir, "upper", name), { recursive: true });
      mkdirSync(join(dir, "work", name), { recursive: true });
    }
    // The directory that holds the model is overlaid last, its paths read before it is hidden;
    // then the model directory is bound back over it from a descriptor opened before any overlay.
    const model = realpathSync(this.dir);
    const order = [...overlaid.filter((name) => !inside(model, `/${name}`)), ...overlaid.filter((name) => inside(model, `/${name}`))];
    const script = [
      'exec 9<"$MODEL" || exit 1',
      ...order.map(
        (name) =>
          `mount -t overlay tscharm-machine -o "lowerdir=/${name},upperdir=$STATE/upper/${name},workdir=$STATE/work/${name}" /${name} || exit 1`,
      ),
      // -c: the descriptor's own directory, not the path it names (the overlay's copy of it).
      'mount -c --bind /proc/self/fd/9 "$MODEL" || exit 1',
      "exec 9<&-",
      // Its end of a veth pair, the other end on the bridge in the fabric (in place of an old one).
      '"$NSENTER" --target="$FABRIC" --net -- ip link del "$VETH" >/dev/null 2>&1',
      'ip link add "$VETH" netns "$FABRIC" type veth peer name eth0 || exit 1',
      `"$NSENTER" --target="$FABRIC" --net -- ip link set "$VETH" master ${BRIDGE} up || exit 1`,
      `printf '%s\n' "link set lo up" "link set eth0 address $MAC" "addr add $ADDRESS/16 dev eth0" "link set eth0 up" "route add default via ${BRIDGE_ADDRESS}" | ip -batch - || exit 1`,
    ].join("\n");
    const started = startHolder(tools, ["--mount", "--net", "--propagation", "private"], script, dir, join(dir, "holder.log"), {
      MODEL: model,
      STATE: dir,
      NSENTER: tools.nsenter,
      FABRIC: String(fabric.pid),
      VETH: vethName(machine),
      ADDRESS: machineAddress(machine),
      MAC: macOf(machineAddress(machine)),
    });
    const holder = { ...started, fabric: fabric.pid, net: nsOf(started.pid, "net") ?? "" };
    writeHolder(file, holder);
    this.wired.set(machine, fabric.pid);
    if (kept !== undefined)
      this.note(
        `machine ${machine}'s namespaces were gone (the host restarted, or their holder ${String(kept.pid)} ended): ` +
          "made again over its kept overlay; what ran on it is gone",
      );
    return holder;
  }

  /** Links a running machine to a new fabric's bridge with a veth pair, at the model's address for it. */
  private wire(machine: string, holder: Holder, fabric: Holder): void {
    const tools = this.tools ?? fail("iproute2 was not found");
    const script = [
      'in_fabric() { "$NSENTER" --target="$FABRIC" --net -- "$@"; }',
      'in_machine() { "$NSENTER" --target="$HOLDER" --net -- "$@"; }',
      "in_machine ip link del eth0 >/dev/null 2>&1",
      'in_fabric ip link add "$VETH" type veth peer name eth0 netns "$HOLDER" || exit 1',
      `in_fabric ip link set "$VETH" master ${BRIDGE} up || exit 1`,
      `printf '%s\n' "link set lo up" "link set eth0 address $MAC" "addr add $ADDRESS/16 dev eth0" "link set eth0 up" "route add default via ${BRIDGE_ADDRESS}" |`,
      "  in_machine ip -batch - || exit 1",
    ].join("\n");
    const result = spawnSync("/bin/bash", ["-c", script], {
      encoding: "utf8",
      cwd: "/",
      timeout: START_TIMEOUT_MS,
      env: {
        PATH: SYSTEM_PATH,
        NSENTER: tools.nsenter,
        FABRIC: String(fabric.pid),
        HOLDER: String(holder.pid),
        VETH: vethName(machine),
        ADDRESS: machineAddress(machine),
        MAC: macOf(machineAddress(machine)),
      },
    });
    if (result.status !== 0)
      throw new Error(`cannot link machine ${machine} to the bridge: ${(result.stderr || String(result.error)).trim()}`);
  }

  /**
   * A listener of the tool server inside the fabric, at the bridge's address: a hook in a machine
   * cannot reach this process's loopback. A short-lived Node process started in the fabric's
   * network namespace makes the listening socket and hands it over (Node's child-process handle
   * passing); the socket stays in the namespace it was made in.
   */
  private async toolListener(fabric: Holder): Promise<number> {
    if (this.listener?.fabric === fabric.pid) return this.listener.port;
    this.close();
    const tools = this.tools ?? fail("util-linux was not found");
    const script =
      'const s = require("node:net").createServer(); s.on("error", (e) => { console.error(e.message); process.exit(1); });' +
      `s.listen(0, ${JSON.stringify(BRIDGE_ADDRESS)}, () => process.send({ port: s.address().port }, s, () => process.exit(0)));`;
    const child = spawn(tools.nsenter, [`--target=${String(fabric.pid)}`, "--net", "--", process.execPath, "-e", script], {
      cwd: "/",
      env: { PATH: SYSTEM_PATH },
      stdio: ["ignore", "ignore", "pipe", "ipc"],
    });
    let stderr = "";
    child.stderr?.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    const { server, port } = await new Promise<{ server: Server; port: number }>((done, reject) => {
      const timer = setTimeout(() => {
        child.kill("SIGKILL");
        reject(new Error("the tool server's listener in the fabric did not start"));
      }, START_TIMEOUT_MS);
      child.on("message", (message: { port?: unknown }, handle: unknown) => {
        clearTimeout(timer);
        if (typeof message.port !== "number" || handle === undefined) reject(new Error("no listener came from the fabric"));
        else done({ server: handle as Server, port: message.port });
      });
      child.on("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`the tool server's listener in the fabric failed (exit ${String(code)}): ${stderr.trim()}`));
      });
    });
    server.unref();
    this.serveOn(server);
    this.listener = { server, port, fabric: fabric.pid };
    return port;
  }

  /** Stops every process in the machine, its link to the bridge, then its holder; returns how many processes there were. */
  private endMachine(machine: string, holder: Holder): number {
    const net = machineNs(holder.pid, "net");
    const mnt = machineNs(holder.pid, "mnt");
    // The holder's own group (it and its sleep) goes last, with the namespaces.
    const inMachine = allPids().filter(
      (pid) =>
        groupOf(pid) !== holder.pid && ((net !== undefined && nsOf(pid, "net") === net) || (mnt !== undefined && nsOf(pid, "mnt") === mnt)),
    );
    stopAll(inMachine);
    const fabric = this.fabricPid();
    if (fabric !== undefined && this.tools !== undefined) {
      // Deleting the bridge's end of the pair deletes the machine's end too.
      spawnSync(this.tools.nsenter, [`--target=${String(fabric)}`, "--net", "--", this.tools.ip, "link", "del", vethName(machine)], {
        cwd: "/",
        env: { PATH: SYSTEM_PATH },
        stdio: "ignore",
        timeout: START_TIMEOUT_MS,
      });
    }
    stopAll([-holder.pid]);
    return inMachine.length;
  }
}

/**
 * Starts `script` in new namespaces (`unshare` with `flags`) as a detached holder, and waits until
 * it is ready. The holder then waits for as long as `keep` (a directory of the model's) exists, so
 * deleting a model directory under a running machine does not leave its namespaces behind. Its
 * environment is PATH and `vars` only and its working directory `/`, so it is never taken for a
 * process of the model's hooks (leftover-processes.ts).
 */
function startHolder(
  tools: Tools,
  flags: readonly string[],
  script: string,
  keep: string,
  log: string,
  vars: Readonly<Record<string, string>> = {},
): { pid: number; start: string } {
  const holderScript = `${script}\necho "$$ ready"\nexec 1>/dev/null 2>&1\nwhile [ -d "$KEEP" ]; do sleep 5; done\n`;
  const launcher = [
    // No job control here: the background job is not a group leader, so setsid does not fork and $! is the holder.
    'setsid "$@" </dev/null >"$LOG" 2>&1 &',
    "holder=$!",
    `for _ in $(seq 1 ${String(START_TIMEOUT_MS / 10)}); do`,
    '  if grep -q " ready$" "$LOG" 2>/dev/null; then echo "$holder"; exit 0; fi',
    '  if ! kill -0 "$holder" 2>/dev/null; then cat "$LOG" >&2; exit 1; fi',
    "  sleep 0.01",
    "done",
    'kill -9 "$holder"; echo "it did not get ready" >&2; exit 1',
  ].join("\n");
  const result = spawnSync(
    "/bin/bash",
    ["-c", launcher, "tscharm-holder", tools.unshare, ...flags, "--", "/bin/bash", "-c", holderScript],
    {
      encoding: "utf8",
      cwd: "/",
      env: { ...vars, PATH: SYSTEM_PATH, LOG: log, KEEP: keep },
      timeout: START_TIMEOUT_MS * 2,
    },
  );
  const pid = Number(result.stdout.trim());
  if (result.status !== 0 || !Number.isInteger(pid) || pid <= 0) throw new Error((result.stderr || String(result.error)).trim());
  const start = startTime(pid);
  if (start === undefined) throw new Error(`the namespace holder ${String(pid)} ended at once`);
  return { pid, start };
}

/**
 * A machine's MAC, fixed by its address (02:00 then the address's four bytes), so a machine made
 * again over its kept overlay is the same neighbour to the others (their ARP caches stay right).
 */
function macOf(address: string): string {
  const bytes = address.split(".").map((part) => Number(part).toString(16).padStart(2, "0"));
  return ["02", "00", ...bytes].join(":");
}

function vethName(machine: string): string {
  return `m-${safeName(machine)}`.slice(0, 15);
}

function readHolder(file: string): Holder | undefined {
  try {
    const [pid = "", start = "", fabric = "", net = ""] = readFileSync(file, "utf8").trim().split(" ");
    if (!/^\d+$/.test(pid) || start === "") return undefined;
    return {
      pid: Number(pid),
      start,
      ...(/^\d+$/.test(fabric) ? { fabric: Number(fabric) } : {}),
      ...(net.startsWith("net:") ? { net } : {}),
    };
  } catch {
    return undefined;
  }
}

function writeHolder(file: string, holder: Holder): void {
  writeFileSync(file, `${[String(holder.pid), holder.start, String(holder.fabric ?? "-"), holder.net ?? "-"].join(" ")}\n`);
}

/** The holder still runs: its pid is there, with the same start time, and not a zombie. */
function alive(holder: Holder): boolean {
  return startTime(holder.pid) === holder.start;
}

function startTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${String(pid)}/stat`, "utf8");
    // The fields after the command name, which is in parentheses and may itself hold ") ".
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return fields[0] === "Z" || fields[0] === "X" ? undefined : fields[19];
  } catch {
    return undefined;
  }
}

/** A machine holder's namespace, never this process's own (so nothing of the host's is taken for the machine's). */
function machineNs(pid: number, kind: "net" | "mnt"): string | undefined {
  const ns = nsOf(pid, kind);
  return ns === undefined || ns === nsOf(process.pid, kind) ? undefined : ns;
}

function groupOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${String(pid)}/stat`, "utf8");
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[2]);
  } catch {
    return undefined;
  }
}

function nsOf(pid: number, kind: "net" | "mnt"): string | undefined {
  try {
    return readlinkSync(`/proc/${String(pid)}/ns/${kind}`);
  } catch {
    return undefined;
  }
}

function allPids(): number[] {
  try {
    return readdirSync("/proc")
      .filter((entry) => /^\d+$/.test(entry))
      .map(Number)
      .filter((pid) => pid !== process.pid);
  } catch {
    return [];
  }
}

/**
 * SIGTERM, then SIGKILL for whatever still runs a moment later (a machine going away does not wait
 * long). A negative pid is a holder's process group (the holder and its sleep).
 */
function stopAll(pids: readonly number[]): void {
  const signal = (pid: number, name: NodeJS.Signals): void => {
    try {
      process.kill(pid, name);
    } catch {
      // Gone meanwhile.
    }
  };
  const runs = (pid: number): boolean => startTime(Math.abs(pid)) !== undefined;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  const waitWhile = (ms: number, pending: () => boolean): void => {
    const deadline = Date.now() + ms;
    while (pending() && Date.now() < deadline) Atomics.wait(pause, 0, 0, 5);
  };
  for (const pid of pids) signal(pid, "SIGTERM");
  waitWhile(500, () => pids.some(runs));
  const remaining = pids.filter(runs);
  for (const pid of remaining) signal(pid, "SIGKILL");
  // A killed process goes at once; wait a little for it to be gone, so its namespaces go with it.
  waitWhile(1000, () => remaining.some(runs));
}

/** A directory, not a link to one. */
function isRealDirectory(path: string): boolean {
  try {
    return lstatSync(path).isDirectory();
  } catch {
    return false;
  }
}

function inside(path: string, dir: string): boolean {
  return path === dir || path.startsWith(`${dir}${sep}`);
}

/** Machine ids hold "/" for containers (`0/lxd/1`): a file name of them. */
function safeName(machine: string): string {
  return machine.replaceAll("/", "-");
}

function unsafeName(name: string): string {
  return name.replaceAll("-", "/");
}

function fail(why: string): never {
  throw new Error(why);
}
