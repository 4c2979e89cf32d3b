// Variant (c): loadConfig with valibot (imported function by function, as valibot is meant to be).

import { main } from "tscharm";
import { object, pipe, regex, string } from "valibot";

import { SLUG, validatedSlugCharm } from "./slug.js";

main(validatedSlugCharm(object({ slug: pipe(string(), regex(SLUG)) })));
