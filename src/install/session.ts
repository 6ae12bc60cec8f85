import * as os from "node:os";
import * as path from "node:path";
import type { Topology } from "../topology/model";
import { cloudPaths, type CloudPaths } from "../workspace";
import type { AnswerInput, InstallContext, ScaleContext } from "./context";
import { Redactor, type EventSink } from "./events";
import { Journal } from "./journal";
import { HostKeyPolicy, resolveEndpoints, SshConfig, SshPool, terminalPasswordSource, type PasswordSource } from "./ssh";

export interface SessionProps {
  readonly topology: Topology;
  readonly emit: EventSink;
  /** Produces the answer file; called at most once. */
  readonly answers: () => AnswerInput;
  readonly signal?: AbortSignal;
  /** @default false */
  readonly acceptNewHostKeys?: boolean;
  /** @default 10 */
  readonly parallel?: number;
  /** @default 600000 (10 minutes) */
  readonly reconnectTimeoutMs?: number;
  /** @default 1000 */
  readonly keepaliveIntervalMs?: number;
  /** @default 3 */
  readonly keepaliveCountMax?: number;
  /** @default 10000 */
  readonly readyTimeoutMs?: number;
  /** OpenSSH client config, as `ssh -F FILE`. @default $RDOCTL_SSH_CONFIG, else what `ssh` reads (~/.ssh/config, /etc/ssh/ssh_config) */
  readonly sshConfigFile?: string;
  /** The user's known_hosts. @default ~/.ssh/known_hosts */
  readonly userKnownHosts?: string;
  /** @default asks on the terminal */
  readonly passwordSource?: PasswordSource;
  /** @default cloudPaths(topology.name) */
  readonly paths?: CloudPaths;
  /** Installed hosts against the inventory; see scale.ts. */
  readonly scale?: (journal: Journal, paths: CloudPaths) => ScaleContext;
}

/** An install context plus what must be closed afterwards. */
export interface Session {
  readonly ctx: InstallContext;
  close(): void;
}

export function openSession(props: SessionProps): Session {
  const paths = props.paths ?? cloudPaths(props.topology.name);
  const redactor = new Redactor();
  const emit = redactor.wrap(props.emit);
  const pool = new SshPool(resolveEndpoints(props.topology, SshConfig.load(props.sshConfigFile ?? (process.env.RDOCTL_SSH_CONFIG || undefined))), {
    hostKeys: new HostKeyPolicy({
      knownHostsFiles: [props.userKnownHosts ?? path.join(os.homedir(), ".ssh", "known_hosts"), paths.knownHosts],
      recordFile: paths.knownHosts,
      acceptNew: props.acceptNewHostKeys ?? false,
    }),
    keepaliveIntervalMs: props.keepaliveIntervalMs,
    keepaliveCountMax: props.keepaliveCountMax,
    readyTimeoutMs: props.readyTimeoutMs,
    passwordSource: props.passwordSource ?? terminalPasswordSource(),
  });
  let answers: AnswerInput | undefined;
  const journal = Journal.load(paths.journal, props.topology.name);
  const scale = props.scale?.(journal, paths);
  const ctx: InstallContext = {
    scale,
    topology: props.topology,
    paths,
    pool,
    journal,
    emit,
    redactor,
    signal: props.signal ?? new AbortController().signal,
    parallel: props.parallel ?? 10,
    reconnectTimeoutMs: props.reconnectTimeoutMs ?? 600_000,
    answers: () => {
      if (!answers) {
        answers = props.answers();
        redactor.add(answers.secretValues);
      }
      return answers;
    },
  };
  return { ctx, close: () => pool.closeAll() };
}
