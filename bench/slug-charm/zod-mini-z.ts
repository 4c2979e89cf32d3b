// Variant (e'): zod/mini through its named `z` export (`import { z } from "zod/mini"`): the same
// code as zod-mini.ts, but `z` is one object holding all of zod/mini, so all of it is bundled.

import { main } from "tscharm";
import { z } from "zod/mini";

import { SLUG, validatedSlugCharm } from "./slug.js";

main(validatedSlugCharm(z.object({ slug: z.string().check(z.regex(SLUG)) })));
