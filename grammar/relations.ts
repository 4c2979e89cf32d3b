// Juju's limits on relation data.

/** Juju 4.0's cap on one bag of relation settings; 3.x is bounded by MongoDB's 16 MB document. */
export const MAX_RELATION_SETTINGS_BYTES = 16 * 1024 * 1024;
