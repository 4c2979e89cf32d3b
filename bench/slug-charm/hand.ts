// Variant (b): loadConfig with a hand-written Standard Schema object (docs/charm-api.md's example).

import { type StandardSchemaV1, main } from "tscharm";

import { SLUG, type SlugConfig, validatedSlugCharm } from "./slug.js";

const schema: StandardSchemaV1<unknown, SlugConfig> = {
  "~standard": {
    version: 1,
    vendor: "hand-written",
    validate(value) {
      const slug = (value as Record<string, unknown>)["slug"];
      return typeof slug === "string" && SLUG.test(slug)
        ? { value: { slug } }
        : { issues: [{ message: `must match ${SLUG.source}`, path: ["slug"] }] };
    },
  },
};

main(validatedSlugCharm(schema));
