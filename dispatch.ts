// The demo charm's entry point: `npm run build` compiles this file into the single executable dist/dispatch.

import { main } from "tscharm";

import { DemoCharm } from "./hooks/demo-charm.js";

main(DemoCharm);
