// systemd services, after charmlibs.systemd: systemctl's documented exit codes mapped to results,
// a failing command to SystemdError, and unit files written then daemon-reloaded.

/** A systemctl command that failed (charmlibs.systemd's SystemdError): argv, exit code and output. */
export class SystemdError extends Error {
  override name = "SystemdError";
  constructor(
    message: string,
    readonly argv: readonly string[],
    readonly exitCode: number | undefined,
    readonly stdout: string,
    readonly stderr: string,
  ) {
    super(message);
  }
}

export interface Systemd {
  /** `systemctl --quiet is-active`: exit 0 is true; any other exit (3 inactive, 4 no such unit) false. */
  serviceRunning(service: string): Promise<boolean>;
  /** `systemctl --quiet is-failed`: exit 0 is true. */
  serviceFailed(service: string): Promise<boolean>;
  serviceStart(...services: string[]): Promise<void>;
  serviceStop(...services: string[]): Promise<void>;
  serviceRestart(...services: string[]): Promise<void>;
  /** `systemctl reload`; when it fails and `restartOnFailure`, `systemctl restart` instead. */
  serviceReload(service: string, options?: { readonly restartOnFailure?: boolean }): Promise<void>;
  serviceEnable(...services: string[]): Promise<void>;
  serviceDisable(...services: string[]): Promise<void>;
  /** disable --now, then mask; SystemdError if it still runs after. */
  servicePause(service: string): Promise<void>;
  /** unmask, then enable --now; SystemdError if it does not run after. */
  serviceResume(service: string): Promise<void>;
  daemonReload(): Promise<void>;
  /**
   * Writes /etc/systemd/system/<name> (a `.service`, `.timer`, ... unit) and runs daemon-reload when
   * it changed; returns whether it changed.
   */
  writeUnitFile(name: string, content: string): Promise<boolean>;
  /** Removes the unit file (after stopping and disabling nothing: do that first) and daemon-reloads; false when there was none. */
  removeUnitFile(name: string): Promise<boolean>;
}
