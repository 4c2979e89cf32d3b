// The layering of tscharm's source tree, enforced by lint: a module may import only from its own
// folder and from the layers below it (docs/architecture.md draws the picture).
//
//   grammar ← runtime ← engine ← fake-tools, testing ← simulator ← integration ← cmd
//   machine (tscharm/machine, the workload kit) sits on runtime, below testing (whose FakeMachine implements it).
//   interfaces (tscharm/interfaces/*, the relation interfaces) sit on runtime, beside machine.
//   project (the dev-time project layer) sits below engine, testing, simulator, integration and cmd.
//
// `node:` builtins are allowed everywhere but grammar/; npm packages only where a layer lists "npm".
// Tests, benchmarks, scripts and the repository's own build script may import anything.

import { dirname, relative, resolve, sep } from "node:path";

/** What each layer may import besides itself. */
export const LAYERS = {
  grammar: [],
  runtime: ["grammar", "node"],
  // The machine workload kit (tscharm/machine): runs in dispatch, so node: builtins only.
  machine: ["grammar", "runtime", "node"],
  // The relation interfaces (tscharm/interfaces/*): they run in dispatch too, on the public runtime.
  interfaces: ["grammar", "runtime", "node"],
  project: ["grammar", "runtime", "node", "npm"],
  engine: ["grammar", "runtime", "project", "node"],
  "fake-tools": ["grammar", "runtime", "engine", "node", "npm"],
  testing: ["grammar", "runtime", "machine", "interfaces", "project", "engine", "node"],
  simulator: ["grammar", "runtime", "machine", "interfaces", "project", "engine", "fake-tools", "testing", "node", "npm"],
  integration: ["grammar", "runtime", "machine", "interfaces", "project", "engine", "fake-tools", "testing", "simulator", "node", "npm"],
  cmd: [
    "grammar",
    "runtime",
    "machine",
    "interfaces",
    "project",
    "engine",
    "fake-tools",
    "testing",
    "simulator",
    "integration",
    "node",
    "npm",
  ],
  // The demo charm: its handlers see tscharm's public runtime only.
  hooks: ["runtime", "node"],
};

/** The package's own entry points, by the layer they open. */
const SELF = {
  tscharm: "runtime",
  "tscharm/machine": "machine",
  "tscharm/interfaces/cos-agent": "interfaces",
  "tscharm/interfaces/database": "interfaces",
  "tscharm/interfaces/haproxy-route": "interfaces",
  "tscharm/interfaces/ingress": "interfaces",
  "tscharm/interfaces/tls-certificates": "interfaces",
  "tscharm/testing": "testing",
  "tscharm/integration": "integration",
};

/** @param {string} root @param {string} file */
function layerOfFile(root, file) {
  const path = relative(root, file).split(sep);
  if (path[0] === "lib" && path.length > 2) path.shift();
  if (path.length === 1 && /^(dispatch|charm-types)\.(ts|js)$/.test(path[0] ?? "")) return "hooks";
  const top = path[0] ?? "";
  return Object.hasOwn(LAYERS, top) && path.length > 1 ? top : undefined;
}

/** @param {string} root @param {string} file @param {string} specifier */
function layerOfImport(root, file, specifier) {
  if (specifier.startsWith("node:")) return "node";
  if (Object.hasOwn(SELF, specifier)) return SELF[/** @type {keyof typeof SELF} */ (specifier)];
  if (!specifier.startsWith(".")) return "npm";
  return layerOfFile(root, resolve(dirname(file), specifier)) ?? "outside";
}

/** @type {import("eslint").Rule.RuleModule} */
const rule = {
  meta: {
    type: "problem",
    docs: { description: "imports follow tscharm's layering (eslint/layers.js)" },
    messages: {
      upward: '{{from}}/ may not import {{what}} ("{{specifier}}"): {{from}}/ may import only {{allowed}}. See docs/architecture.md.',
    },
    schema: [],
  },
  create(context) {
    const root = context.cwd;
    const from = layerOfFile(root, context.filename);
    if (from === undefined) return {};
    const allowed = /** @type {readonly string[]} */ (LAYERS[/** @type {keyof typeof LAYERS} */ (from)]);
    /** @param {import("estree").Node} node @param {unknown} source */
    const check = (node, source) => {
      if (typeof source !== "string") return;
      const target = layerOfImport(root, context.filename, source);
      if (target === from || allowed.includes(target)) return;
      const what =
        target === "npm"
          ? "an npm package"
          : target === "node"
            ? "a node: builtin"
            : target === "outside"
              ? "a file outside the layers"
              : `${target}/`;
      context.report({
        node,
        messageId: "upward",
        data: { from, what, specifier: source, allowed: allowed.length === 0 ? "nothing" : allowed.join(", ") },
      });
    };
    return {
      ImportDeclaration: (node) => check(node, node.source.value),
      ExportNamedDeclaration: (node) => check(node, node.source?.value),
      ExportAllDeclaration: (node) => check(node, node.source.value),
      ImportExpression: (node) => check(node, node.source.type === "Literal" ? node.source.value : undefined),
    };
  },
};

export const layersPlugin = { rules: { layers: rule } };
