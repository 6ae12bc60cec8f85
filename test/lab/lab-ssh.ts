// Reaching lab hosts from the tests the way users do: OpenSSH's `ssh` with strict host-key
// checking against the lab's known_hosts, and ssh2 (rdoctl's transport) with a pinned fingerprint.
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { Client, type ConnectConfig } from "ssh2";
import type { Lab, LabHost } from "./lab";
import type { CommandResult } from "./exec";
import { fingerprintOfBlob } from "./ssh-keys";

export interface SshOptions {
  /** Login user. Default: "root". */
  user?: string;
  /** known_hosts to verify against. Default: lab.knownHostsFile. */
  knownHostsFile?: string;
  /** Private key. Default: lab.clientKeyFile. */
  identityFile?: string;
  /** ConnectTimeout in seconds. Default: 5. */
  connectTimeoutSeconds?: number;
  /** Kill the client after this many ms. Default: 30 000. */
  timeoutMs?: number;
}

/** Runs `command` on the host with the OpenSSH client (BatchMode, StrictHostKeyChecking=yes). */
export function sshRun(lab: Lab, host: LabHost, command: string, options: SshOptions = {}): Promise<CommandResult> {
  const argv = [
    "-o", "BatchMode=yes",
    "-o", "StrictHostKeyChecking=yes",
    "-o", `UserKnownHostsFile=${options.knownHostsFile ?? lab.knownHostsFile}`,
    "-o", "GlobalKnownHostsFile=/dev/null",
    "-o", `ConnectTimeout=${options.connectTimeoutSeconds ?? 5}`,
    "-o", "LogLevel=ERROR",
    "-i", options.identityFile ?? lab.clientKeyFile,
    "-F", "/dev/null",
    `${options.user ?? "root"}@${host.address}`,
    command,
  ];
  return new Promise((resolve) => {
    execFile("ssh", argv, { timeout: options.timeoutMs ?? 30_000, encoding: "utf8" }, (error, stdout, stderr) => {
      const code = error == null ? 0 : typeof (error as { code?: unknown }).code === "number" ? (error as { code: number }).code : null;
      resolve({ stdout, stderr, code });
    });
  });
}


export interface Ssh2Options {
  user?: string;
  /** Default: the host's current fingerprint. */
  expectedFingerprint?: string;
  readyTimeoutMs?: number;
  keepaliveIntervalMs?: number;
  keepaliveCountMax?: number;
  password?: string;
  /** Default: the lab client key (omitted when a password is given). */
  privateKey?: Buffer;
}

/** Opens an ssh2 connection that accepts only the expected host key fingerprint. */
export function ssh2Connect(lab: Lab, host: LabHost, options: Ssh2Options = {}): Promise<Client> {
  const expected = options.expectedFingerprint ?? host.hostKeyFingerprint;
  const config: ConnectConfig = {
    host: host.address,
    port: host.port,
    username: options.user ?? "root",
    readyTimeout: options.readyTimeoutMs ?? 5_000,
    keepaliveInterval: options.keepaliveIntervalMs ?? 0,
    keepaliveCountMax: options.keepaliveCountMax ?? 3,
    hostVerifier: (key: Buffer) => fingerprintOfBlob(key) === expected,
  };
  if (options.password !== undefined) config.password = options.password;
  else config.privateKey = options.privateKey ?? readFileSync(lab.clientKeyFile);
  return new Promise((resolve, reject) => {
    const client = new Client();
    client.once("ready", () => resolve(client));
    client.once("error", reject);
    client.connect(config);
  });
}

/** Runs a command over an open ssh2 connection; resolves with output and exit code (null when the stream died). */
export function ssh2Exec(client: Client, command: string): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    client.exec(command, (error, stream) => {
      if (error) return reject(error);
      let stdout = "";
      let stderr = "";
      let code: number | null = null;
      stream.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
      stream.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
      stream.on("exit", (exitCode: number | null) => (code = exitCode));
      stream.on("close", () => resolve({ stdout, stderr, code }));
    });
  });
}
