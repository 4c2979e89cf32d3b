// Variant (e): loadConfig with zod/mini, zod's functional API for small bundles, imported as its
// documentation shows (`import * as z from "zod/mini"`).

import { main } from "tscharm";
import * as z from "zod/mini";

import { SLUG, validatedSlugCharm } from "./slug.js";

main(validatedSlugCharm(z.object({ slug: z.string().check(z.regex(SLUG)) })));
