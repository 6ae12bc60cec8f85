// Runs machine commands for the lab (ip, mount, nsenter, ssh-keygen) with errors that say
// which command failed and what it printed, because a lab that half-starts is hard to debug.
import { execFile, execFileSync } from "node:child_process";

export interface CommandResult {
  stdout: string;
  stderr: string;
  /** Exit status; null when the process was killed by a signal. */
  code: number | null;
}

export class LabCommandError extends Error {
  constructor(
    readonly argv: readonly string[],
    readonly result: CommandResult,
  ) {
    super(
      `lab command failed (exit ${result.code}): ${argv.join(" ")}\n${result.stderr.trim() || result.stdout.trim()}`,
    );
    this.name = "LabCommandError";
  }
}

export interface RunOptions {
  /** Text written to the command's stdin. Default: none. */
  input?: string;
  /** Kill the command after this many ms. Default: 30 000. */
  timeoutMs?: number;
  /** Return a non-zero exit as a result instead of throwing. Default: false. */
  allowFailure?: boolean;
  /** Extra environment. Default: the lab's own process environment. */
  env?: NodeJS.ProcessEnv;
}

/** Runs argv[0] with the remaining arguments (no shell) and resolves with its output. */
export function run(argv: readonly string[], options: RunOptions = {}): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      argv[0]!,
      argv.slice(1),
      {
        timeout: options.timeoutMs ?? 30_000,
        maxBuffer: 64 * 1024 * 1024,
        env: options.env ? { ...process.env, ...options.env } : process.env,
      },
      (error, stdout, stderr) => {
        const code =
          error == null ? 0 : typeof (error as { code?: unknown }).code === "number" ? (error as { code: number }).code : null;
        const result: CommandResult = { stdout: String(stdout), stderr: String(stderr), code };
        if (error && typeof (error as { code?: unknown }).code === "string") {
          // ENOENT and friends: the program itself is missing.
          reject(new LabCommandError(argv, { ...result, stderr: `${error.message}\n${result.stderr}` }));
          return;
        }
        if (code !== 0 && !options.allowFailure) reject(new LabCommandError(argv, result));
        else resolve(result);
      },
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
    else child.stdin?.end();
  });
}

/** Synchronous best-effort variant for process-exit cleanup, where no promise can settle. */
export function runSyncQuiet(argv: readonly string[]): boolean {
  try {
    execFileSync(argv[0]!, argv.slice(1), { stdio: "ignore", timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
