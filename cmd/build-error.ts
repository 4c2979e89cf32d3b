// The error a build step throws when a charm author can act on it (code "build").

import { TscharmError } from "../project/errors.js";

export class BuildError extends TscharmError {
  override name = "BuildError";

  constructor(message: string, options?: ErrorOptions) {
    super("build", message, options);
  }
}
