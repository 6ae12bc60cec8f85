import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { Duplex } from "node:stream";
import { Client, type ClientChannel, type SFTPWrapper } from "ssh2";
import { authHandlerFor, type AuthAttempts } from "./auth";
import { describeEndpoint, type Endpoint } from "./endpoint";
import {
  AuthenticationError,
  ChangedHostKeyError,
  ConnectionLostError,
  HostUnreachableError,
  RemoteCommandError,
  SshError,
  UnknownHostKeyError,
  type SshErrorContext,
} from "./errors";
import type { PresentedKey } from "./fingerprint";
import type { HostKeyPolicy, HostKeyVerdict } from "./host-key-policy";
import { knownHostsName } from "./known-hosts";
import type { PasswordSource } from "./password-prompt";
import { shQuote } from "./shell";

/** Transport settings shared by every connection of an install. */
export interface ConnectionOptions {
  readonly hostKeys: HostKeyPolicy;
  /** SSH keepalive period. @default 1000 (ms) */
  readonly keepaliveIntervalMs?: number;
  /** Unanswered keepalives before the connection counts as dead. @default 3 */
  readonly keepaliveCountMax?: number;
  /** Time allowed for TCP connect + handshake + auth, not counting time spent waiting for a password. @default 10000 (ms) */
  readonly readyTimeoutMs?: number;
  /** ssh-agent socket. @default $SSH_AUTH_SOCK */
  readonly agentSocket?: string;
  /** Asked only for endpoints with passwordAuth. @default none (password auth then fails) */
  readonly passwordSource?: PasswordSource;
}

export interface ExecOptions {
  /** Sent on the command's stdin (how secrets travel: never on the command line). */
  readonly stdin?: string | Buffer;
  readonly onStdout?: (chunk: string) => void;
  readonly onStderr?: (chunk: string) => void;
  /** Run as root: through `sudo -n` when the login user is not root. @default true */
  readonly asRoot?: boolean;
  /** Throw {@link RemoteCommandError} on a non-zero exit. @default true */
  readonly check?: boolean;
  /** Phase name, for error context. */
  readonly phase?: string;
  /** How the command appears in errors, when the real one is long. @default the command */
  readonly label?: string;
}

export interface ExecResult {
  /** Exit status; null when the command died by a signal. */
  readonly code: number | null;
  readonly signal: string | null;
  readonly stdout: string;
  readonly stderr: string;
}

const SUDO_NEEDS_PASSWORD = /sudo: (a password is required|a terminal is required|no tty present)/;
const SUDO_NOT_ALLOWED = /is not in the sudoers file|is not allowed to run sudo|sudo: command not found|sudo: not found/;

/**
 * One SSH connection to one host (through its jump host when it has one). Host keys are
 * verified before authentication; commands run as root, through `sudo -n` for other users.
 */
export class HostConnection {
  private closedReason: string | undefined;
  private sftpSession: Promise<SFTPWrapper> | undefined;
  private readonly closeListeners: Array<(reason: string) => void> = [];

  private constructor(
    readonly endpoint: Endpoint,
    private readonly client: Client,
    /** The host key as presented and verified. */
    readonly hostKey: PresentedKey,
    readonly hostKeyVerdict: HostKeyVerdict,
    private readonly jump: HostConnection | undefined,
    private readonly proxy: ProxyCommandStream | undefined,
  ) {
    client.on("close", () => this.markClosed("connection closed"));
    client.on("error", (err: Error & { level?: string }) => {
      this.markClosed(err.level === "client-timeout" ? "keepalive timed out (host or link down)" : err.message);
    });
  }

  /** Opens a connection; the jump chain first, each hop verified like any host. */
  static async open(ep: Endpoint, options: ConnectionOptions): Promise<HostConnection> {
    const jump = ep.jump ? await HostConnection.open(ep.jump, options) : undefined;
    const proxy = !jump && ep.proxyCommand ? new ProxyCommandStream(ep.proxyCommand) : undefined;
    try {
      const sock = jump ? await jump.forward(ep) : proxy?.stream;
      return await HostConnection.handshake(ep, options, jump, sock, proxy);
    } catch (err) {
      jump?.close();
      proxy?.kill();
      throw err;
    }
  }

  private static handshake(
    ep: Endpoint,
    options: ConnectionOptions,
    jump: HostConnection | undefined,
    sock: ClientChannel | Duplex | undefined,
    proxy: ProxyCommandStream | undefined,
  ): Promise<HostConnection> {
    const ctx: SshErrorContext = { host: ep.label };
    const where = describeEndpoint(ep);
    // OpenSSH checks the key under HostKeyAlias when one is set, else under the host name.
    const target = { names: [ep.hostKeyAlias ?? knownHostsName(ep.hostname, ep.port)], pinned: ep.pinnedHostKeys };
    const preferred = options.hostKeys.preferredAlgorithms(target);
    const attempts: AuthAttempts = { tried: [], notTried: [] };
    const readyTimeoutMs = options.readyTimeoutMs ?? 10_000;
    let verdict: HostKeyVerdict | undefined;
    const client = new Client();
    return new Promise<HostConnection>((resolve, reject) => {
      let settled = false;
      let readyTimer: NodeJS.Timeout | undefined;
      const fail = (err: SshError): void => {
        if (settled) return;
        settled = true;
        clearTimeout(readyTimer);
        client.end();
        reject(err);
      };
      // Our own ready timeout rather than ssh2's: ssh2's keeps running while a person types a
      // password, so a password prompt (one host after another) would time the login out.
      const armReadyTimer = (): void => {
        clearTimeout(readyTimer);
        readyTimer = setTimeout(() => {
          // Destroyed first: after fail()'s end() the socket no longer counts as writable and
          // ssh2 would not destroy it, leaving a TCP connect pending that keeps rdoctl alive.
          client.destroy();
          fail(new HostUnreachableError(ctx, `${where} did not answer within ${readyTimeoutMs} ms (ready timeout)`));
        }, readyTimeoutMs);
      };
      const passwordSource: PasswordSource | undefined =
        options.passwordSource &&
        ((user, host) => {
          clearTimeout(readyTimer);
          return options.passwordSource!(user, host).finally(() => {
            if (!settled) armReadyTimer();
          });
        });
      client.on("ready", () => {
        if (settled) return;
        settled = true;
        clearTimeout(readyTimer);
        resolve(new HostConnection(ep, client, verdict!.key, verdict!, jump, proxy));
      });
      client.on("error", (err: Error & { level?: string; code?: string }) => {
        if (verdict && verdict.status === "changed") {
          return fail(new ChangedHostKeyError(ctx, where, verdict.expected, `${verdict.key.type} ${verdict.key.fingerprint}`, verdict.source));
        }
        if (verdict && verdict.status === "unknown") {
          return fail(new UnknownHostKeyError(ctx, where, `${verdict.key.type} ${verdict.key.fingerprint}`));
        }
        if (verdict && verdict.status === "revoked") {
          return fail(new ChangedHostKeyError(ctx, where, ["(revoked)"], `${verdict.key.type} ${verdict.key.fingerprint}`, verdict.source));
        }
        if (err.level === "client-authentication") {
          const tried = attempts.tried.length ? attempts.tried.join(", ") : "nothing";
          const skipped = attempts.notTried.length ? `; skipped ${attempts.notTried.join(", ")}` : "";
          return fail(new AuthenticationError(ctx, `authentication as ${ep.user} on ${where} failed (tried ${tried}${skipped})`));
        }
        const unreachable = (): void => fail(new HostUnreachableError(ctx, `cannot connect to ${where}: ${proxy?.said() || err.code || err.message}`));
        // A ProxyCommand that failed explains why in its exit status and last words: wait for them.
        if (proxy) proxy.ended(500).then(unreachable, unreachable);
        else unreachable();
      });
      client.on("close", () => {
        const closed = (): void => {
          const said = proxy?.said();
          fail(new HostUnreachableError(ctx, said ? `cannot connect to ${where}: ${said}` : `${where} closed the connection during the handshake`));
        };
        if (proxy) proxy.ended(500).then(closed, closed);
        else closed();
      });
      const algorithms = preferred.length
        ? { serverHostKey: [...new Set([...preferred, ...DEFAULT_HOST_KEY_ALGORITHMS])] as never }
        : undefined;
      client.connect({
        host: ep.hostname,
        port: ep.port,
        username: ep.user,
        sock,
        readyTimeout: 0,
        keepaliveInterval: options.keepaliveIntervalMs ?? 1000,
        keepaliveCountMax: options.keepaliveCountMax ?? 3,
        algorithms,
        hostVerifier: (key: Buffer) => {
          verdict = options.hostKeys.check(target, key);
          return verdict.status === "known" || verdict.status === "accepted-new";
        },
        authHandler: authHandlerFor(ep, attempts, {
          agentSocket: options.agentSocket ?? process.env.SSH_AUTH_SOCK,
          passwordSource,
        }),
      });
      armReadyTimer();
      // Through a jump host the socket is a channel: when the target goes, the channel only ends
      // (half-closed), ssh2 never sees a close and its keepalives stop counting. Close it fully.
      sock?.once("end", () => sock.destroy());
      // Many small request/reply exchanges: Nagle + delayed ACK would add ~40 ms to each command.
      client.setNoDelay(true);
    });
  }

  /** A TCP channel from this host to the next hop. */
  private forward(next: Endpoint): Promise<ClientChannel> {
    return new Promise((resolve, reject) => {
      this.client.forwardOut("127.0.0.1", 0, next.hostname, next.port, (err, channel) => {
        if (err) {
          reject(new HostUnreachableError({ host: next.label }, `jump host ${this.endpoint.label} cannot reach ${next.hostname}:${next.port}: ${err.message}`));
        } else resolve(channel);
      });
    });
  }

  get alive(): boolean {
    return this.closedReason === undefined;
  }

  get user(): string {
    return this.endpoint.user;
  }

  /** Called once when the connection ends, with the reason. */
  onClose(listener: (reason: string) => void): void {
    if (this.closedReason !== undefined) listener(this.closedReason);
    else this.closeListeners.push(listener);
  }

  private markClosed(reason: string): void {
    if (this.closedReason !== undefined) return;
    this.closedReason = reason;
    this.proxy?.kill();
    // The jump connection was opened for this one alone: the pool drops dead connections
    // without closing them, so it would otherwise stay open, one more per reconnect.
    this.jump?.close();
    for (const l of this.closeListeners.splice(0)) l(reason);
  }

  /** The command line actually sent: wrapped in `sudo -n` for a non-root login. */
  wrap(command: string, asRoot = true): string {
    if (!asRoot || this.endpoint.user === "root") return command;
    return `sudo -n -- sh -c ${shQuote(command)}`;
  }

  exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    const ctx: SshErrorContext = { host: this.endpoint.label, phase: options.phase, command: options.label ?? command };
    if (this.closedReason !== undefined) {
      return Promise.reject(new ConnectionLostError(ctx, `connection lost (${this.closedReason})`));
    }
    const wrapped = this.wrap(command, options.asRoot ?? true);
    return new Promise<ExecResult>((resolve, reject) => {
      this.client.exec(wrapped, (err, channel) => {
        if (err) {
          reject(new ConnectionLostError(ctx, `cannot start command: ${err.message}`));
          return;
        }
        const out: Buffer[] = [];
        const errOut: Buffer[] = [];
        let code: number | null | undefined;
        let signal: string | null = null;
        channel.on("data", (d: Buffer) => {
          out.push(d);
          options.onStdout?.(d.toString("utf8"));
        });
        channel.stderr.on("data", (d: Buffer) => {
          errOut.push(d);
          options.onStderr?.(d.toString("utf8"));
        });
        channel.on("exit", (c: number | null, s?: string) => {
          code = c;
          signal = s ?? null;
        });
        channel.on("close", () => {
          const stdout = Buffer.concat(out).toString("utf8");
          const stderr = Buffer.concat(errOut).toString("utf8");
          if (code === undefined) {
            // No exit status: the channel died with the connection (crash, link down, kill).
            const why = this.closedReason ?? "the stream closed without an exit status";
            reject(new ConnectionLostError(ctx, `connection lost while running \`${ctx.command}\` (${why})`));
            return;
          }
          const result: ExecResult = { code, signal, stdout, stderr };
          if (code !== 0 && wrapped !== command && code === 1 && SUDO_NEEDS_PASSWORD.test(stderr)) {
            reject(new SshError(ctx, `user ${this.endpoint.user} needs a password for sudo; rdoctl runs \`sudo -n\` and needs NOPASSWD sudo (e.g. \`${this.endpoint.user} ALL=(ALL) NOPASSWD: ALL\` in /etc/sudoers.d/)`, "sudo"));
            return;
          }
          if (code !== 0 && wrapped !== command && SUDO_NOT_ALLOWED.test(stderr)) {
            reject(new SshError(ctx, `user ${this.endpoint.user} cannot use sudo: ${stderr.trim()}`, "sudo"));
            return;
          }
          if ((options.check ?? true) && code !== 0) {
            reject(new RemoteCommandError(ctx, code, signal, tail(stderr || stdout, 12)));
            return;
          }
          resolve(result);
        });
        if (options.stdin !== undefined) channel.end(options.stdin);
        else channel.end();
      });
    });
  }

  private sftp(): Promise<SFTPWrapper> {
    if (!this.sftpSession) {
      this.sftpSession = new Promise((resolve, reject) => {
        this.client.sftp((err, sftp) => (err ? reject(err) : resolve(sftp)));
      });
      this.sftpSession.catch(() => (this.sftpSession = undefined));
    }
    return this.sftpSession;
  }

  /**
   * Writes a file atomically: a fresh temporary file created with `mode` (so a secret is never
   * readable by others, not even for a moment), then renamed over the target. As root over
   * SFTP; for other users through `sudo -n` with a 077 umask.
   */
  async upload(remotePath: string, content: string | Buffer, options: { mode?: number; phase?: string } = {}): Promise<void> {
    const mode = options.mode ?? 0o600;
    const tmp = `${remotePath}.rdoctl-${randomBytes(6).toString("hex")}`;
    const ctx: SshErrorContext = { host: this.endpoint.label, phase: options.phase, command: `upload ${remotePath}` };
    if (this.endpoint.user !== "root") {
      const script = `umask 077 && cat > ${shQuote(tmp)} && chmod ${mode.toString(8)} ${shQuote(tmp)} && mv -f ${shQuote(tmp)} ${shQuote(remotePath)}`;
      await this.exec(script, { stdin: content, phase: options.phase, label: `upload ${remotePath}` });
      return;
    }
    const sftp = await this.sftp().catch((err: Error) => {
      throw new SshError(ctx, `cannot open SFTP: ${err.message}`, "transfer");
    });
    const data = typeof content === "string" ? Buffer.from(content, "utf8") : content;
    const step = <T>(what: string, fn: (cb: (err: Error | null | undefined, v?: T) => void) => void): Promise<T> =>
      new Promise<T>((resolve, reject) =>
        fn((err, v) => (err ? reject(new SshError(ctx, `${what}: ${err.message}`, "transfer")) : resolve(v as T))),
      );
    const handle = await step<Buffer>(`create ${tmp}`, (cb) => sftp.open(tmp, "wx", { mode }, cb));
    try {
      let offset = 0;
      while (offset < data.length) {
        const n = Math.min(32 * 1024, data.length - offset);
        await step(`write ${tmp}`, (cb) => sftp.write(handle, data, offset, n, offset, (e) => cb(e)));
        offset += n;
      }
    } finally {
      await step(`close ${tmp}`, (cb) => sftp.close(handle, (e) => cb(e)));
    }
    await step(`rename ${tmp} to ${remotePath}`, (cb) => sftp.ext_openssh_rename(tmp, remotePath, (e) => cb(e)));
  }

  /** Reads a remote file as root. */
  async download(remotePath: string, options: { phase?: string } = {}): Promise<Buffer> {
    const ctx: SshErrorContext = { host: this.endpoint.label, phase: options.phase, command: `download ${remotePath}` };
    if (this.endpoint.user !== "root") {
      const chunks: Buffer[] = [];
      await this.execRaw(`cat ${shQuote(remotePath)}`, (d) => chunks.push(d), options);
      return Buffer.concat(chunks);
    }
    const sftp = await this.sftp();
    return new Promise((resolve, reject) =>
      sftp.readFile(remotePath, (err, data) =>
        err ? reject(new SshError(ctx, `cannot read ${remotePath}: ${err.message}`, "transfer")) : resolve(data),
      ),
    );
  }

  /** Runs a command and hands its raw stdout bytes to `onData` (for tar streams). */
  execRaw(command: string, onData: (chunk: Buffer) => void, options: { phase?: string } = {}): Promise<void> {
    const ctx: SshErrorContext = { host: this.endpoint.label, phase: options.phase, command };
    return new Promise((resolve, reject) => {
      this.client.exec(this.wrap(command), (err, channel) => {
        if (err) return reject(new ConnectionLostError(ctx, `cannot start command: ${err.message}`));
        let code: number | null | undefined;
        let signal: string | null = null;
        const errOut: Buffer[] = [];
        channel.on("data", onData);
        channel.stderr.on("data", (d: Buffer) => errOut.push(d));
        channel.on("exit", (c: number | null, s?: string) => {
          code = c;
          signal = s ?? null;
        });
        channel.on("close", () => {
          if (code === undefined) reject(new ConnectionLostError(ctx, "connection lost during transfer"));
          else if (code !== 0) reject(new RemoteCommandError(ctx, code, signal, tail(Buffer.concat(errOut).toString("utf8"), 12)));
          else resolve();
        });
        channel.end();
      });
    });
  }

  close(): void {
    this.markClosed("closed by rdoctl");
    this.client.end();
    this.jump?.close();
  }
}

/**
 * A ProxyCommand (`ssh -W %h:%p bastion`, `nc …`): run by the shell as OpenSSH runs it, its
 * stdin/stdout are the connection's byte stream; its stderr is kept for error messages.
 */
class ProxyCommandStream {
  private readonly child: ChildProcess;
  private stderr = "";
  private exit: string | undefined;
  /** Exited and every stdio stream closed: its stderr is read to the end. */
  private closed = false;
  readonly stream: Duplex;

  constructor(readonly command: string) {
    this.child = spawn("/bin/sh", ["-c", `exec ${command}`], { stdio: ["pipe", "pipe", "pipe"] });
    this.child.stderr!.setEncoding("utf8").on("data", (d: string) => (this.stderr = (this.stderr + d).slice(-2000)));
    this.child.on("exit", (code, signal) => (this.exit = signal ? `killed by ${signal}` : `exited ${code}`));
    this.child.on("close", () => (this.closed = true));
    // Writes after the command died fail with EPIPE: the close that follows reports it.
    this.child.stdin!.on("error", () => undefined);
    this.stream = Duplex.from({ readable: this.child.stdout!, writable: this.child.stdin! });
    this.stream.on("error", () => undefined);
    this.child.on("error", (err) => {
      this.exit = err.message;
      this.stream.destroy();
    });
  }

  /** Resolves when the command has exited and its output is read (or after `ms`). */
  ended(ms: number): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.child.once("close", () => (clearTimeout(timer), resolve()));
    });
  }

  /** How the command ended and its last words, for the error message ("" while it runs silently). */
  said(): string {
    const lines = this.stderr.trim().split(/\r?\n/).filter(Boolean).slice(-3).join("; ");
    if (!this.exit && !lines) return "";
    return `the ProxyCommand ${this.exit ?? "said"}${lines ? `: ${lines}` : ""}`;
  }

  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill("SIGTERM");
  }
}

/** ssh2's host key algorithms, in its default order; known types are moved to the front. */
const DEFAULT_HOST_KEY_ALGORITHMS = [
  "ssh-ed25519",
  "ecdsa-sha2-nistp256",
  "ecdsa-sha2-nistp384",
  "ecdsa-sha2-nistp521",
  "rsa-sha2-512",
  "rsa-sha2-256",
  "ssh-rsa",
];

function tail(text: string, lines: number): string {
  return text.trimEnd().split("\n").slice(-lines).join("\n");
}
