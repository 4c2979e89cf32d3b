// The charm's config, validated: ops' `TinyproxyConfig` (a pydantic model with one field) as a
// Standard Schema object written by hand, so the charm depends on no validator library.

import type { StandardSchemaV1 } from "tscharm";

/** What `this.loadConfig(tinyproxyConfig)` returns. */
export interface TinyproxyConfig {
  /** The path the reverse proxy serves: `/<slug>/`. */
  readonly slug: string;
}

/** The slug's pattern, as pydantic's `Field(pattern=r"^[a-z0-9-]+$")`. */
export const SLUG_PATTERN = /^[a-z0-9-]+$/;

/** The issue's message: the charm's blocked status quotes it after the value (`Invalid slug: '<value>'. <message>`). */
export const SLUG_MESSAGE = "Slug must match the regex [a-z0-9-]+";

/** The default, as in charmcraft.yaml and ops' model: used when Juju hands no value. */
const DEFAULT_SLUG = "example";

export const tinyproxyConfig: StandardSchemaV1<unknown, TinyproxyConfig> = {
  "~standard": {
    version: 1,
    vendor: "tinyproxy",
    validate(value) {
      const options = typeof value === "object" && value !== null ? (value as Record<string, unknown>) : {};
      const slug = options["slug"] ?? DEFAULT_SLUG;
      if (typeof slug === "string" && SLUG_PATTERN.test(slug)) return { value: { slug } };
      return { issues: [{ message: SLUG_MESSAGE, path: ["slug"] }] };
    },
  },
};
