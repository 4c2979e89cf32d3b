// The route-charm fixture (test/fixtures/route-charm: an ingress v2 and a haproxy-route requirer in
// TypeScript) built with the real `tscharm build`, as a project the simulator deploys.

import { copyFileSync, linkSync, mkdirSync } from "node:fs";
import { join, resolve } from "node:path";

import { HOST_ARCH } from "../../cmd/node-binary.js";
import { type BuiltFixture, buildFixture } from "./fixture-build.js";

export const ROUTE_CHARM = resolve(import.meta.dirname, "..", "fixtures", "route-charm");

/** Builds the fixture into a temporary directory (`work`; remove it when done). */
export function buildRouteCharm(prefix: string): Promise<BuiltFixture> {
  return buildFixture(ROUTE_CHARM, prefix);
}

/** A project directory holding the fixture's charmcraft.yaml and the built executable, for `sim.deploy`. */
export function routeCharmProject(built: BuiltFixture): string {
  const dir = join(built.work, "project");
  mkdirSync(join(dir, "dist", HOST_ARCH), { recursive: true });
  copyFileSync(join(ROUTE_CHARM, "charmcraft.yaml"), join(dir, "charmcraft.yaml"));
  linkSync(built.dispatch, join(dir, "dist", HOST_ARCH, "dispatch"));
  return dir;
}
