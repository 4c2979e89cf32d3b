// Variant (d): loadConfig with zod's classic API, imported as zod's documentation shows
// (`import * as z from "zod"`), which lets esbuild leave out what the charm does not use.

import { main } from "tscharm";
import * as z from "zod";

import { SLUG, validatedSlugCharm } from "./slug.js";

main(validatedSlugCharm(z.object({ slug: z.string().regex(SLUG) })));
