// Variant (d'): zod's classic API through its named `z` export (`import { z } from "zod"`): the
// same code as zod.ts, but `z` is one object holding all of zod, so all of it is bundled.

import { main } from "tscharm";
import { z } from "zod";

import { SLUG, validatedSlugCharm } from "./slug.js";

main(validatedSlugCharm(z.object({ slug: z.string().regex(SLUG) })));
