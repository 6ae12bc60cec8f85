import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";

/**
 * A real OpenSSH server on 127.0.0.1 for transport tests (the lab gives namespaces; these
 * tests only need one or two sshd processes). Runs as root, so it needs root and sshd.
 */
export function sshdSupported(): { ok: true } | { ok: false; reason: string } {
  if (process.getuid?.() !== 0) return { ok: false, reason: "transport tests start sshd and add users: need root" };
  for (const [bin, pkg] of [["/usr/sbin/sshd", "openssh-server"], ["/usr/bin/ssh-keygen", "openssh-client"], ["/usr/bin/sudo", "sudo"], ["/usr/sbin/useradd", "passwd"]]) {
    if (!fs.existsSync(bin!)) return { ok: false, reason: `${bin} missing (apt-get install ${pkg})` };
  }
  return { ok: true };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address() as net.AddressInfo;
      srv.close(() => resolve(addr.port));
    });
    srv.on("error", reject);
  });
}

export function keygen(file: string, type = "ed25519"): { privateKey: string; publicKey: string; fingerprint: string } {
  execFileSync("ssh-keygen", ["-q", "-t", type, "-N", "", "-C", "rdoctl-test", "-f", file]);
  const fingerprint = execFileSync("ssh-keygen", ["-lf", file + ".pub"], { encoding: "utf8" }).split(" ")[1] ?? "";
  return { privateKey: file, publicKey: fs.readFileSync(file + ".pub", "utf8").trim(), fingerprint };
}

export interface Sshd {
  readonly port: number;
  readonly dir: string;
  readonly hostKey: { publicKey: string; fingerprint: string };
  /** Lines sshd wrote to stderr (-e), for asserting what reached it. */
  readonly log: string[];
  readonly process: ChildProcess;
  /** Authorize a public key for a user. */
  authorize(user: string, publicKey: string): void;
  stop(): Promise<void>;
}

export interface SshdProps {
  readonly dir?: string;
  readonly passwordAuth?: boolean;
  readonly logLevel?: string;
  /** Reuse a host key file (to keep or change the host's identity across restarts). */
  readonly hostKeyFile?: string;
}

export async function startSshd(props: SshdProps = {}): Promise<Sshd> {
  const dir = props.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), "rdoctl-sshd-"));
  fs.mkdirSync("/run/sshd", { recursive: true, mode: 0o755 });
  fs.mkdirSync(path.join(dir, "authorized"), { recursive: true });
  // sshd reads authorized keys as the logging-in user: the path must be traversable by all.
  fs.chmodSync(dir, 0o755);
  fs.chmodSync(path.join(dir, "authorized"), 0o755);
  const hostKeyFile = props.hostKeyFile ?? path.join(dir, "host_ed25519");
  if (!fs.existsSync(hostKeyFile)) keygen(hostKeyFile);
  const fingerprint = execFileSync("ssh-keygen", ["-lf", hostKeyFile + ".pub"], { encoding: "utf8" }).split(" ")[1] ?? "";
  const port = await freePort();
  const config = path.join(dir, "sshd_config");
  fs.writeFileSync(
    config,
    [
      `ListenAddress 127.0.0.1`,
      `HostKey ${hostKeyFile}`,
      `AuthorizedKeysFile ${dir}/authorized/%u`,
      `PermitRootLogin yes`,
      `PasswordAuthentication ${props.passwordAuth ? "yes" : "no"}`,
      `KbdInteractiveAuthentication no`,
      `UsePAM no`,
      `StrictModes no`,
      `AllowTcpForwarding yes`,
      `PidFile none`,
      `LogLevel ${props.logLevel ?? "INFO"}`,
      `Subsystem sftp internal-sftp`,
      "",
    ].join("\n"),
  );
  const log: string[] = [];
  const child = spawn("/usr/sbin/sshd", ["-D", "-e", "-f", config, "-p", String(port)], { stdio: ["ignore", "ignore", "pipe"] });
  child.stderr!.setEncoding("utf8").on("data", (d: string) => log.push(...d.split("\n").filter(Boolean)));
  await waitForPort(port, child, log);
  return {
    port,
    dir,
    hostKey: { publicKey: fs.readFileSync(hostKeyFile + ".pub", "utf8").trim(), fingerprint },
    log,
    process: child,
    authorize(user, publicKey) {
      fs.appendFileSync(path.join(dir, "authorized", user), publicKey + "\n", { mode: 0o644 });
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

async function waitForPort(port: number, child: ChildProcess, log: string[]): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`sshd exited ${child.exitCode}: ${log.join("\n")}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, "127.0.0.1", () => {
        s.destroy();
        resolve(true);
      });
      s.on("error", () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`sshd did not listen on ${port}: ${log.join("\n")}`);
}

/** Creates a local user (idempotent) whose account sshd accepts; optional sudo rule. */
export function ensureUser(name: string, sudo: "nopasswd" | "password" | "none", password?: string): void {
  try {
    execFileSync("id", [name], { stdio: "ignore" });
  } catch {
    execFileSync("useradd", ["-m", "-s", "/bin/sh", name]);
  }
  // "*" (not "!"): a locked account is refused by sshd when PAM is off.
  execFileSync("usermod", ["-p", "*", name]);
  if (password) execFileSync("chpasswd", { input: `${name}:${password}\n` });
  const rule = `/etc/sudoers.d/rdoctl-test-${name}`;
  if (sudo === "nopasswd") fs.writeFileSync(rule, `${name} ALL=(ALL) NOPASSWD: ALL\n`, { mode: 0o440 });
  else if (sudo === "password") fs.writeFileSync(rule, `${name} ALL=(ALL) ALL\n`, { mode: 0o440 });
  else fs.rmSync(rule, { force: true });
}

/** Descendant pids of a process (sshd's per-connection children). */
export function descendants(pid: number): number[] {
  const out: number[] = [];
  let children: number[] = [];
  try {
    children = fs.readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return out;
  }
  for (const c of children) out.push(c, ...descendants(c));
  return out;
}

/** Removes a user made by {@link ensureUser}, with its home and sudo rule. */
export function removeUser(name: string): void {
  fs.rmSync(`/etc/sudoers.d/rdoctl-test-${name}`, { force: true });
  try {
    execFileSync("userdel", ["-r", name], { stdio: "ignore" });
  } catch {
    // already gone
  }
}
