import { randomBytes } from "node:crypto";
import { RdoctlError } from "../../errors";
import { hostByName } from "../../topology/model";
import { fetchLogDir, folderTimestamp, readLogFiles } from "../artifacts";
import type { InstallContext } from "../context";
import { diagnose, formatDiagnosis, type Diagnosis } from "../diagnose";
import { PackstackProgress } from "../packstack-progress";
import { ConnectionLostError, HostUnreachableError, RemoteCommandError, shQuote, SshError } from "../ssh";
import { InterruptedError, type Step } from "../steps";
import { answersHash, REMOTE_ANSWER_FILE } from "./answers";

/** Where detached runs live on the deployer: one folder per run id. */
export const REMOTE_RUNS = "/var/lib/rdoctl";

/** Packstack failed; the diagnosis is in the message. */
export class PackstackFailedError extends RdoctlError {
  constructor(readonly diagnosis: Diagnosis) {
    super(formatDiagnosis(diagnosis));
    this.name = "PackstackFailedError";
  }
}

export interface RunHandle {
  readonly runId: string;
  readonly pid: number;
  /** Another rdoctl (or an earlier one) started it; we only follow. */
  readonly attached: boolean;
}

/**
 * Under a lock on the deployer: if the current run is alive, print ATTACH; if it finished
 * successfully with the same answers (and `reuseFinished`), print FINISHED; otherwise start Packstack detached
 * (setsid nohup; the wrapper records the exit status in `exit`) and print STARTED.
 * The wrapper's argv carries the run id, so the /proc check survives PID reuse after a reboot.
 */
export function startScript(runId: string, answersSha: string, reuseFinished = true): string {
  return `set -e
base=${REMOTE_RUNS}
mkdir -p "$base/runs"
exec 9>"$base/start.lock"
flock -w 60 9
cur=$(cat "$base/current" 2>/dev/null || true)
if [ -n "$cur" ] && [ -f "$base/runs/$cur/pid" ]; then
  pid=$(cat "$base/runs/$cur/pid")
  if [ ! -f "$base/runs/$cur/exit" ] && [ -r "/proc/$pid/cmdline" ] && tr '\\0' ' ' < "/proc/$pid/cmdline" | grep -q "rdoctl-run-$cur"; then
    echo "ATTACH $cur $pid"; exit 0
  fi
  if [ ${reuseFinished ? 1 : 0} = 1 ] && [ -f "$base/runs/$cur/exit" ] && [ "$(cat "$base/runs/$cur/exit")" = 0 ] && [ "$(cat "$base/runs/$cur/answers.sha256" 2>/dev/null)" = ${shQuote(answersSha)} ]; then
    echo "FINISHED $cur $pid"; exit 0
  fi
fi
id=${shQuote(runId)}
dir="$base/runs/$id"
mkdir -p "$dir"
echo ${shQuote(answersSha)} > "$dir/answers.sha256"
cd /root
setsid nohup sh -c 'packstack --answer-file="$1" > "$2/output.log" 2>&1; echo $? > "$2/exit.tmp"; mv "$2/exit.tmp" "$2/exit"' "rdoctl-run-$id" ${shQuote(REMOTE_ANSWER_FILE)} "$dir" > /dev/null 2>&1 < /dev/null 9>&- &
echo $! > "$dir/pid"
echo "$id" > "$base/current.tmp" && mv "$base/current.tmp" "$base/current"
echo "STARTED $id $!"
`;
}

/** Reads a run's state: its exit status if recorded, and whether its wrapper is alive. */
function stateScript(runId: string, pid: number): string {
  const dir = `${REMOTE_RUNS}/runs/${runId}`;
  return `if [ -f ${dir}/exit ]; then echo "exit $(cat ${dir}/exit)"; elif [ -r /proc/${pid}/cmdline ] && tr '\\0' ' ' < /proc/${pid}/cmdline | grep -q rdoctl-run-${runId}; then echo alive; else echo gone; fi`;
}

/** What is running on the deployer now, for `rdoctl install status`. */
export async function liveRun(ctx: InstallContext): Promise<{ runId: string; pid: number; state: string } | undefined> {
  const conn = await ctx.pool.get(ctx.topology.deployer);
  const cur = (await conn.exec(`cat ${REMOTE_RUNS}/current 2>/dev/null; cat ${REMOTE_RUNS}/runs/$(cat ${REMOTE_RUNS}/current 2>/dev/null)/pid 2>/dev/null`, { check: false })).stdout
    .trim()
    .split("\n");
  const [runId, pidText] = cur;
  if (!runId || !pidText) return undefined;
  const pid = Number(pidText);
  const state = (await conn.exec(stateScript(runId, pid), { check: false })).stdout.trim();
  return { runId, pid, state };
}

/**
 * Failures worth retrying while following: the connection went, or the follower was killed
 * (a crashing host kills its processes before its sshd, so `tail` may die by a signal).
 */
function isConnectionProblem(err: unknown): boolean {
  if (err instanceof RemoteCommandError) return err.status === null;
  return err instanceof ConnectionLostError || err instanceof HostUnreachableError || (err instanceof SshError && err.kind === "transfer");
}

async function sleep(ms: number, signal: AbortSignal): Promise<void> {
  await new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => (clearTimeout(t), resolve()), { once: true });
  });
}

/**
 * Follows a detached run to its end: `tail -F --pid` of its output from the last byte seen,
 * parsed into progress events. A dropped connection is retried (without ever starting
 * Packstack again) until `ctx.reconnectTimeoutMs`; Ctrl-C stops following, not Packstack.
 */
export async function followRun(ctx: InstallContext, handle: RunHandle): Promise<{ exitCode: number | null; output: string }> {
  const deployer = ctx.topology.deployer;
  const dir = `${REMOTE_RUNS}/runs/${handle.runId}`;
  const progress = new PackstackProgress();
  const chunks: Buffer[] = [];
  let offset = 0;
  let lostSince: number | undefined;
  for (;;) {
    if (ctx.signal.aborted) throw new InterruptedError();
    try {
      const conn = await ctx.pool.get(deployer);
      if (lostSince !== undefined) {
        ctx.emit({ type: "info", host: deployer, message: `reconnected; re-attaching to Packstack run ${handle.runId} (not starting another)` });
        lostSince = undefined;
      }
      await conn.execRaw(`tail -c +${offset + 1} -F --pid=${handle.pid} ${dir}/output.log 2>/dev/null; true`, (chunk) => {
        offset += chunk.length;
        chunks.push(chunk);
        for (const event of progress.push(ctx.redactor.redact(chunk.toString("utf8")))) {
          ctx.emit({ type: "packstack", runId: handle.runId, event });
        }
      });
      const state = (await conn.exec(stateScript(handle.runId, handle.pid), { phase: "run", check: false })).stdout.trim();
      if (state.startsWith("exit ")) {
        return { exitCode: Number(state.slice(5)), output: Buffer.concat(chunks).toString("utf8") };
      }
      if (state === "gone") return { exitCode: null, output: Buffer.concat(chunks).toString("utf8") };
      // still alive: tail stopped early (it should not); follow again
    } catch (err) {
      if (ctx.signal.aborted) throw new InterruptedError();
      if (!isConnectionProblem(err)) throw err;
      ctx.pool.forget(deployer);
      if (lostSince === undefined) {
        lostSince = Date.now();
        ctx.emit({
          type: "warning",
          host: deployer,
          message: `lost the connection during Packstack run ${handle.runId} (${(err as Error).message}); Packstack keeps running on the deployer, reconnecting`,
        });
      }
      if (Date.now() - lostSince > ctx.reconnectTimeoutMs) {
        throw new ConnectionLostError(
          { host: deployer, phase: "run" },
          `could not reconnect within ${Math.round(ctx.reconnectTimeoutMs / 1000)} s while following Packstack run ${handle.runId}; ` +
            `if the deployer went down, Packstack went with it: rerun \`rdoctl install\` once it is back (it re-attaches to a live run, or starts a new one)`,
        );
      }
      await sleep(1000, ctx.signal);
    }
  }
}

/** Starts Packstack detached, or attaches to the run already going. */
export async function startOrAttach(ctx: InstallContext, forceNew = false): Promise<RunHandle & { finished: boolean }> {
  const conn = await ctx.pool.get(ctx.topology.deployer);
  const runId = `${folderTimestamp()}-${randomBytes(3).toString("hex")}`;
  const res = await conn.exec(startScript(runId, answersHash(ctx), !forceNew), { phase: "run", label: "start packstack (detached)" });
  const m = /^(ATTACH|FINISHED|STARTED) (\S+) (\d+)$/m.exec(res.stdout);
  if (!m) throw new RdoctlError(`[${ctx.topology.deployer}] phase run: unexpected answer from the start script: ${res.stdout.trim()}`);
  return { runId: m[2]!, pid: Number(m[3]), attached: m[1] !== "STARTED", finished: m[1] === "FINISHED" };
}

/** The Packstack run: started detached on the deployer, followed live, diagnosed on failure. */
export function runSteps(ctx: InstallContext): Step[] {
  const deployer = hostByName(ctx.topology, ctx.topology.deployer);
  return [
    {
      phase: "run",
      host: deployer.name,
      inputs: { answers: answersHash(ctx) },
      run: async ({ forced }) => {
        // --from run means "run Packstack again"; otherwise a finished run with these answers counts.
        const handle = await startOrAttach(ctx, forced);
        ctx.emit({
          type: "info",
          host: deployer.name,
          message: handle.finished
            ? `Packstack run ${handle.runId} already finished with these answers; reading its result`
            : handle.attached
              ? `attaching to the Packstack run already going: ${handle.runId} (pid ${handle.pid})`
              : `started Packstack run ${handle.runId} (pid ${handle.pid}) detached on ${deployer.name}; log ${REMOTE_RUNS}/runs/${handle.runId}/output.log`,
        });
        const result = await followRun(ctx, handle);
        if (result.exitCode === 0) return { runId: handle.runId, exitCode: "0" };
        let localLogDir: string | undefined;
        let files: Record<string, string> = {};
        try {
          localLogDir = await fetchLogDir(ctx, deployer.name);
          files = Object.fromEntries(Object.entries(readLogFiles(localLogDir)).map(([k, v]) => [k, ctx.redactor.redact(v)]));
        } catch (err) {
          ctx.emit({ type: "warning", host: deployer.name, message: `could not fetch Packstack's logs: ${(err as Error).message}` });
        }
        const diagnosis = diagnose({ output: ctx.redactor.redact(result.output), exitCode: result.exitCode, files, localLogDir });
        ctx.emit({ type: "diagnosis", diagnosis });
        throw new PackstackFailedError(diagnosis);
      },
    },
  ];
}

