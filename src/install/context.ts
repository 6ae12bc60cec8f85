import type { Topology } from "../topology/model";
import type { CloudPaths } from "../workspace";
import type { EventSink, Redactor } from "./events";
import type { Journal } from "./journal";
import type { PhaseName } from "./phase-names";
import type { ScalePlan } from "./scale";
import type { ExecResult, SshPool } from "./ssh";
import { lineSplitter } from "./ssh";

/** The answer file for this install, and the secret values it holds (for redaction). */
export interface AnswerInput {
  readonly text: string;
  readonly secretValues: readonly string[];
}

/** Everything a phase needs. One per `rdoctl install`. */
export interface InstallContext {
  readonly topology: Topology;
  readonly paths: CloudPaths;
  readonly pool: SshPool;
  readonly journal: Journal;
  readonly emit: EventSink;
  readonly redactor: Redactor;
  /** Set on Ctrl-C: phases stop starting new work. */
  readonly signal: AbortSignal;
  /** Hosts worked on at once in per-host phases. @default 10 */
  readonly parallel: number;
  /** How long to keep reconnecting to the deployer during a Packstack run. @default 600000 */
  readonly reconnectTimeoutMs: number;
  /** The answer file (generated once, on first use). */
  readonly answers: () => AnswerInput;
  /** Installed hosts against the inventory (scale-out); absent: every host is worked on. */
  readonly scale?: ScaleContext;
}

export interface ScaleContext {
  readonly plan: ScalePlan;
  /** Called when a Packstack run succeeded: the inventory's hosts are now the installed ones. */
  readonly recordInstalled: () => void;
}

/** Hosts Packstack leaves alone in this run (EXCLUDE_SERVERS): rdoctl does not prepare them either. */
export function isExcludedHost(ctx: InstallContext, hostName: string): boolean {
  const plan = ctx.scale?.plan;
  if (!plan || plan.excluded.length === 0) return false;
  const host = ctx.topology.hosts.find((h) => h.name === hostName);
  return host !== undefined && plan.excluded.includes(host.address);
}

export interface ShOptions {
  readonly stdin?: string | Buffer;
  /** Don't stream output lines as events. @default false */
  readonly quiet?: boolean;
  /** Throw on non-zero exit. @default true */
  readonly check?: boolean;
  /** How the command shows in errors. */
  readonly label?: string;
}

/** Runs commands on one host inside one phase: output streamed (redacted), errors in context. */
export class HostShell {
  constructor(
    private readonly ctx: InstallContext,
    readonly host: string,
    readonly phase: PhaseName,
  ) {}

  async sh(command: string, options: ShOptions = {}): Promise<ExecResult> {
    const conn = await this.ctx.pool.get(this.host);
    const emitLine = (stream: "stdout" | "stderr") =>
      lineSplitter((line) => this.ctx.emit({ type: "output", host: this.host, stream, line: this.ctx.redactor.redact(line) }));
    const out = emitLine("stdout");
    const err = emitLine("stderr");
    try {
      return await conn.exec(command, {
        phase: this.phase,
        stdin: options.stdin,
        check: options.check,
        label: options.label,
        onStdout: options.quiet ? undefined : (c) => out.push(c),
        onStderr: options.quiet ? undefined : (c) => err.push(c),
      });
    } finally {
      out.flush();
      err.flush();
    }
  }

  /** Exit status 0? For tests like `rpm -q`. */
  async test(command: string): Promise<boolean> {
    return (await this.sh(command, { quiet: true, check: false })).code === 0;
  }

  async upload(remotePath: string, content: string | Buffer, mode = 0o600): Promise<void> {
    const conn = await this.ctx.pool.get(this.host);
    await conn.upload(remotePath, content, { mode, phase: this.phase });
  }

  async download(remotePath: string): Promise<Buffer> {
    const conn = await this.ctx.pool.get(this.host);
    return conn.download(remotePath, { phase: this.phase });
  }
}
