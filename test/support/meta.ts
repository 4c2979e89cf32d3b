// Metadata of a test charm that declares one of everything.

import type { CharmMeta } from "../../runtime/meta.js";

export const testMeta: CharmMeta = {
  name: "demo",
  relations: {
    cluster: { role: "peers", interface: "demo-cluster" },
    db: { role: "requires", interface: "postgresql" },
    website: { role: "provides", interface: "http" },
  },
  storage: { data: { type: "filesystem", location: "/srv/data" } },
  config: {
    greeting: { type: "string", default: "hello" },
    port: { type: "int", default: 8080 },
  },
  actions: {
    "rotate-password": {},
    backup: { params: { target: { type: "string" } } },
  },
};
