// Variant (a): no validator; config-changed reads and checks `slug` itself.

import { main } from "tscharm";

import { plainSlugCharm } from "./slug.js";

main(plainSlugCharm());
