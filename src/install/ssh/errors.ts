import { RdoctlError } from "../../errors";

/** Where an SSH failure happened: the inventory host, and what rdoctl was doing there. */
export interface SshErrorContext {
  /** Inventory name of the host. */
  readonly host: string;
  /** Install phase, when the failure happened inside one. */
  readonly phase?: string;
  /** The remote command, when one was running (never contains secrets: they go over stdin). */
  readonly command?: string;
}

function prefix(ctx: SshErrorContext): string {
  const parts = [`[${ctx.host}]`];
  if (ctx.phase) parts.push(`phase ${ctx.phase}:`);
  return parts.join(" ");
}

/** Base of every transport error: carries the host (and phase/command when known). */
export class SshError extends RdoctlError {
  constructor(
    readonly context: SshErrorContext,
    readonly detail: string,
    /** Category, for reporting several hosts' failures together. */
    readonly kind: "unreachable" | "auth" | "host-key" | "connection-lost" | "command" | "sudo" | "transfer",
  ) {
    super(`${prefix(context)} ${detail}`);
    this.name = "SshError";
  }

  /** The same failure, attributed to a phase. */
  inPhase(phase: string): SshError {
    if (this.context.phase) return this;
    const copy = new SshError({ ...this.context, phase }, this.detail, this.kind);
    return copy;
  }
}

export class HostUnreachableError extends SshError {
  constructor(context: SshErrorContext, detail: string) {
    super(context, detail, "unreachable");
  }
}

export class AuthenticationError extends SshError {
  constructor(context: SshErrorContext, detail: string) {
    super(context, detail, "auth");
  }
}

/** The host presented a key rdoctl has not seen: refused unless --accept-new-host-keys. */
export class UnknownHostKeyError extends SshError {
  constructor(
    context: SshErrorContext,
    readonly endpoint: string,
    readonly presented: string,
  ) {
    super(
      context,
      `host key of ${endpoint} is unknown (${presented}); compare it with \`ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub\` on the host, then pin it in the inventory (ssh.hostKeys) or rerun with --accept-new-host-keys`,
      "host-key",
    );
  }
}

/** The host presented a key that differs from the recorded or pinned one: that host stops. */
export class ChangedHostKeyError extends SshError {
  constructor(
    context: SshErrorContext,
    readonly endpoint: string,
    readonly expected: readonly string[],
    readonly presented: string,
    readonly source: string,
  ) {
    super(
      context,
      `HOST KEY CHANGED for ${endpoint}: expected ${expected.join(" or ")} (${source}), presented ${presented}; ` +
        `if the host was reinstalled, remove the old key from ${source} and rerun; otherwise someone may be intercepting the connection`,
      "host-key",
    );
  }
}

export class ConnectionLostError extends SshError {
  constructor(context: SshErrorContext, detail: string) {
    super(context, detail, "connection-lost");
  }
}

/** A remote command exited non-zero (or by a signal) where success was required. */
export class RemoteCommandError extends SshError {
  constructor(
    context: SshErrorContext,
    /** The remote exit status (not the CLI's exit code). */
    readonly status: number | null,
    readonly signal: string | null,
    readonly stderrTail: string,
  ) {
    const how = status !== null ? `exited ${status}` : signal ? `was killed by ${signal}` : "ended without an exit status";
    const tail = stderrTail.trim() ? `: ${stderrTail.trim()}` : "";
    super(context, `command \`${context.command ?? "?"}\` ${how}${tail}`, "command");
  }
}
