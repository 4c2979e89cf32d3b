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
//
// The machines' only way out is the model's HTTP proxy (machine-proxy.ts), served at 10.1.0.1:3128
// in the fabric: each machine's apt is pointed at it as Juju points a machine at the model's
// `apt-http-proxy`, and its hooks get it in JUJU_CHARM_HTTP_PROXY as Juju passes `juju-http-proxy`.

import { spawn, spawnSync } from "node:child_process";
import { existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import type { Server } from "node:net";
import { join, sep } from "node:path";

import { machineAddress } from "../engine/records.js";
import { TOOLS_ADDRESS_VARIABLE } from "../fake-tools/server.js";
import { type MachineIsolation, isolationBlocker, sharedHostMessage } from "./machine-isolation.js";
import {
  APT_PROXY_FILE,
  MachineProxy,
  PROXY_PORT,
  type ProxySettings,
  aptProxyConfig,
  hookProxyEnvironment,
  simulatorProxySettings,
} from "./machine-proxy.js";
import {
  type Holder,
  SYSTEM_PATH,
  START_TIMEOUT_MS,
  type Tools,
  allPids,
  alive,
  findTools,
  groupOf,
  machineNs,
  nsOf,
  readHolder,
  startHolder,
  stopAll,
  writeHolder,
} from "./machine-processes.js";
import { SimulatorError } from "./types.js";

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

/** How a unit's process is started in its machine. */
export interface MachineEntry {
  /** The command to run instead: nsenter into the machine, then the command. */
  readonly argv: readonly string[];
  /**
   * Environment to add: where the bash client of the hook tools reaches the simulator from inside
   * the machine. (The agent socket is a file: the unit reaches it at the same path as here.)
   */
  readonly env: Readonly<Record<string, string>>;
}

/** The model's machines as namespaces: made on a machine's first process, entered by every later one, removed with the machine. */
export class Machines {
  private mode: "isolated" | "shared" | undefined;
  private tools: Tools | undefined;
  /** The listeners in the fabric (the tool server's, the machine proxy's), and the fabric holder they were made in. */
  private listener: FabricListeners | undefined;
  /** Machines whose apt proxy settings this process has checked, with the holder and the contents checked. */
  private readonly aptChecked = new Map<string, string>();
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
    let listeners: FabricListeners;
    try {
      const fabric = this.fabric();
      // The listeners' Node process starts while the machine is made.
      const listening = this.fabricListeners(fabric);
      listening.catch(() => undefined);
      holder = this.machine(machine, fabric);
      listeners = await listening;
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      if (this.requested === "isolated") throw new SimulatorError(`cannot make machine ${machine}'s namespaces: ${reason}`);
      this.choose("shared", `machine ${machine}'s namespaces could not be made (${reason})`);
      return undefined;
    }
    const tools = this.tools ?? fail("no tools");
    const proxy = simulatorProxySettings(BRIDGE_ADDRESS, listeners.proxyPort);
    this.configureApt(machine, holder, proxy);
    return {
      argv: [tools.nsenter, `--target=${String(holder.pid)}`, "--mount", "--net", `--wdns=${cwd}`, "--", ...argv],
      env: { [TOOLS_ADDRESS_VARIABLE]: `${BRIDGE_ADDRESS}:${String(listeners.toolPort)}`, ...hookProxyEnvironment(proxy) },
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
    this.aptChecked.delete(machine);
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

  /** Stops answering hook tools and proxying in the fabric; the machines stay (a persistent model carries on). */
  close(): void {
    this.listener?.tools.close();
    this.listener?.proxyListener.close();
    this.listener?.proxy.close();
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
   * The listeners inside the fabric, at the bridge's address, that a machine reaches (it cannot
   * reach this process's loopback): the tool server's (any port) and the machine proxy's (port
   * 3128, or any when that is taken). A short-lived Node process started in the fabric's network
   * namespace makes the listening sockets and hands them over (Node's child-process handle passing);
   * a socket stays in the namespace it was made in.
   */
  private async fabricListeners(fabric: Holder): Promise<FabricListeners> {
    if (this.listener?.fabric === fabric.pid) return this.listener;
    this.close();
    const tools = this.tools ?? fail("util-linux was not found");
    const script = [
      'const net = require("node:net");',
      "const open = (port, fallback) => new Promise((done, failed) => {",
      "  const s = net.createServer();",
      '  s.once("error", (e) => (e.code === "EADDRINUSE" && fallback ? open(0, false).then(done, failed) : failed(e)));',
      `  s.listen(port, ${JSON.stringify(BRIDGE_ADDRESS)}, () => done(s));`,
      "});",
      "(async () => {",
      `  for (const [what, port] of [["tools", 0], ["proxy", ${String(PROXY_PORT)}]]) {`,
      "    const s = await open(port, port !== 0);",
      "    await new Promise((sent) => process.send({ what, port: s.address().port }, s, sent));",
      "  }",
      "  process.exit(0);",
      "})().catch((e) => { console.error(e.message); process.exit(1); });",
    ].join("\n");
    const child = spawn(tools.nsenter, [`--target=${String(fabric.pid)}`, "--net", "--", process.execPath, "-e", script], {
      cwd: "/",
      env: { PATH: SYSTEM_PATH },
      stdio: ["ignore", "ignore", "pipe", "ipc"],
    });
    let stderr = "";
    child.stderr?.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    const got = new Map<string, { server: Server; port: number }>();
    await new Promise<void>((done, reject) => {
      const timer = setTimeout(() => {
        child.kill("SIGKILL");
        reject(new Error("the listeners in the fabric did not start"));
      }, START_TIMEOUT_MS);
      child.on("message", (message: { what?: unknown; port?: unknown }, handle: unknown) => {
        if (typeof message.what !== "string" || typeof message.port !== "number" || handle === undefined) {
          clearTimeout(timer);
          reject(new Error("no listener came from the fabric"));
          return;
        }
        got.set(message.what, { server: handle as Server, port: message.port });
        if (got.has("tools") && got.has("proxy")) {
          clearTimeout(timer);
          done();
        }
      });
      child.on("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`the listeners in the fabric failed (exit ${String(code)}): ${stderr.trim()}`));
      });
    });
    const toolListener = got.get("tools") ?? fail("no tool listener");
    const proxyListener = got.get("proxy") ?? fail("no proxy listener");
    toolListener.server.unref();
    proxyListener.server.unref();
    this.serveOn(toolListener.server);
    const proxy = new MachineProxy(this.note);
    proxy.serveOn(proxyListener.server);
    if (proxyListener.port !== PROXY_PORT)
      this.note(`machine proxy: port ${String(PROXY_PORT)} of the bridge was taken; it listens on ${String(proxyListener.port)}`);
    this.listener = {
      fabric: fabric.pid,
      tools: toolListener.server,
      toolPort: toolListener.port,
      proxyListener: proxyListener.server,
      proxyPort: proxyListener.port,
      proxy,
    };
    return this.listener;
  }

  /**
   * Points the machine's apt at the model's proxy: 95-juju-proxy-settings in the machine's /etc (its
   * overlay; never the host's), as Juju's machine agent writes it when it starts and whenever the
   * model's proxy settings change. Checked once per process; written only when it differs. A
   * machine without /etc/apt/apt.conf.d (a host without apt) is left alone. Like Juju, a failure
   * to write is logged, not fatal.
   */
  private configureApt(machine: string, holder: Holder, proxy: ProxySettings): void {
    const contents = aptProxyConfig(proxy);
    const key = `${String(holder.pid)} ${contents}`;
    if (this.aptChecked.get(machine) === key) return;
    this.aptChecked.set(machine, key);
    // The machine's files as its own processes see them (proc(5), /proc/<pid>/root): read only,
    // and only a regular file, so nothing a charm links there is followed out of the machine.
    const root = `/proc/${String(holder.pid)}/root`;
    if (!isRealDirectory(join(root, "etc", "apt", "apt.conf.d"))) return;
    if (readRegularFile(join(root, APT_PROXY_FILE)) === contents) return;
    // Written from inside the machine, and renamed into place (over a link too, never through it).
    const tools = this.tools ?? fail("util-linux was not found");
    const write = 'umask 022 && cat > "$1.tscharm-new" && chmod 0644 "$1.tscharm-new" && mv -fT "$1.tscharm-new" "$1"';
    const result = spawnSync(
      tools.nsenter,
      [`--target=${String(holder.pid)}`, "--mount", "--", "/bin/sh", "-c", write, "sh", APT_PROXY_FILE],
      {
        input: contents,
        encoding: "utf8",
        cwd: "/",
        env: { PATH: SYSTEM_PATH },
        timeout: START_TIMEOUT_MS,
      },
    );
    if (result.status !== 0)
      this.note(`machine ${machine}: cannot write ${APT_PROXY_FILE}: ${(result.stderr || String(result.error)).trim()}`);
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

/** The listeners a model's machines reach in its fabric, and what serves them. */
interface FabricListeners {
  /** The fabric holder they were made in. */
  readonly fabric: number;
  readonly tools: Server;
  readonly toolPort: number;
  readonly proxyListener: Server;
  readonly proxyPort: number;
  readonly proxy: MachineProxy;
}

/** A regular file's text; undefined for anything else (missing, a link, a directory, a fifo). */
function readRegularFile(path: string): string | undefined {
  try {
    return lstatSync(path).isFile() ? readFileSync(path, "utf8") : undefined;
  } catch {
    return undefined;
  }
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
