// What every variant of the slug charm shares: the option's rule, and the charm around it. The
// variants differ only in how the option is read (by hand, or through loadConfig with one
// validator) and in what else config-changed does (the machine kit's calls, or node:fs's).

import { ActiveStatus, BlockedStatus, CharmBase, type CharmClass, type Framework, type StandardSchemaV1 } from "tscharm";

/** The rule every variant checks `slug` against. */
export const SLUG = /^[a-z0-9-]+$/;

/** What a variant's validator produces. */
export interface SlugConfig {
  slug: string;
}

/**
 * The charm reading `slug` from its config by hand (no validator). `work`, when given, runs in
 * config-changed too and its answer ends the status message.
 */
export function plainSlugCharm(work?: () => Promise<string>): CharmClass {
  return class PlainSlugCharm extends CharmBase {
    constructor(framework: Framework) {
      super(framework);
      framework.observe(this.on.configChanged, async () => {
        const slug = this.config["slug"];
        if (typeof slug !== "string" || !SLUG.test(slug)) {
          this.unit.status = new BlockedStatus(`Invalid config: slug must match ${SLUG.source}`);
          return;
        }
        const done = work === undefined ? "" : ` (${await work()})`;
        this.unit.status = new ActiveStatus(`serving /${slug}/${done}`);
      });
    }
  };
}

/** The charm validating its config with `schema` through loadConfig (a bad slug: blocked). */
export function validatedSlugCharm(schema: StandardSchemaV1<unknown, SlugConfig>): CharmClass {
  return class ValidatedSlugCharm extends CharmBase {
    constructor(framework: Framework) {
      super(framework);
      framework.observe(this.on.configChanged, () => {
        const { slug } = this.loadConfig(schema, { errors: "blocked" });
        this.unit.status = new ActiveStatus(`serving /${slug}/`);
      });
    }
  };
}
