// Juju's limits on a unit's state (`state-set`): the controller's defaults.

/** `max-charm-state-size`: the total of one unit's keys and values. */
export const MAX_CHARM_STATE_BYTES = 2 * 1024 * 1024;
/** One key, in bytes. */
export const MAX_STATE_KEY_BYTES = 256;
/** One value, in bytes. */
export const MAX_STATE_VALUE_BYTES = 65536;
