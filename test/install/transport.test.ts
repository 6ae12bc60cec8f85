import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveTopology, type HostSpec } from "../../src/topology";
import {
  AuthenticationError,
  ChangedHostKeyError,
  ConnectionLostError,
  HostConnection,
  HostKeyPolicy,
  HostUnreachableError,
  RemoteCommandError,
  SshConfig,
  SshError,
  SshPool,
  UnknownHostKeyError,
  knownHostsLine,
  resolveEndpoints,
  type ConnectionOptions,
} from "../../src/install/ssh";
import { reportLabSkipped } from "../lab/support";
import { descendants, ensureUser, keygen, removeUser, sshdSupported, startSshd, type Sshd } from "./sshd-fixture";

const support = sshdSupported();

/** Signals a process we started that may already have exited. */
function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ESRCH") throw err;
  }
}
// Same rule as the lab: CI can run these, so a skip there fails the build (.ci/run).
if (!support.ok) reportLabSkipped(support.reason, "SSH transport tests");

describe.runIf(support.ok)("SSH transport against a real sshd", () => {
  let work: string;
  let sshd: Sshd;
  let jumpSshd: Sshd;
  let clientKey: string;
  let strangerKey: string;
  let knownHosts: string;
  const SUDO_USER = "rdoctl-t-sudo";
  const PW_SUDO_USER = "rdoctl-t-pwsudo";
  const PASSWORD_USER = "rdoctl-t-pass";
  const PASSWORD = "Correct-Horse-42";

  beforeAll(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), "rdoctl-transport-"));
    clientKey = keygen(path.join(work, "id_client")).privateKey;
    strangerKey = keygen(path.join(work, "id_stranger")).privateKey;
    sshd = await startSshd({ passwordAuth: true });
    jumpSshd = await startSshd({ logLevel: "DEBUG1" });
    const pub = fs.readFileSync(clientKey + ".pub", "utf8").trim();
    ensureUser(SUDO_USER, "nopasswd");
    ensureUser(PW_SUDO_USER, "password");
    ensureUser(PASSWORD_USER, "none", PASSWORD);
    for (const s of [sshd, jumpSshd]) for (const u of ["root", SUDO_USER, PW_SUDO_USER]) s.authorize(u, pub);
    knownHosts = path.join(work, "known_hosts");
    fs.writeFileSync(
      knownHosts,
      [
        `[127.0.0.1]:${sshd.port} ${sshd.hostKey.publicKey.split(" ").slice(0, 2).join(" ")}`,
        // the jump host recorded hashed, as HashKnownHosts writes it
        knownHostsLine([`[127.0.0.1]:${jumpSshd.port}`], "ssh-ed25519", Buffer.from(jumpSshd.hostKey.publicKey.split(" ")[1]!, "base64"), true),
        "",
      ].join("\n"),
    );
  });

  afterAll(async () => {
    await sshd?.stop();
    await jumpSshd?.stop();
    for (const dir of [work, sshd?.dir, jumpSshd?.dir]) if (dir) fs.rmSync(dir, { recursive: true, force: true });
    for (const user of [SUDO_USER, PW_SUDO_USER, PASSWORD_USER]) removeUser(user);
  });

  function options(extra: Partial<ConnectionOptions> & { acceptNew?: boolean; knownHostsFiles?: string[] } = {}): ConnectionOptions {
    return {
      hostKeys: new HostKeyPolicy({
        knownHostsFiles: extra.knownHostsFiles ?? [knownHosts],
        recordFile: path.join(work, "cloud_known_hosts"),
        acceptNew: extra.acceptNew,
      }),
      agentSocket: "",
      readyTimeoutMs: 5000,
      ...extra,
    };
  }

  function endpointsFor(hosts: HostSpec[], config = SshConfig.parse("")) {
    return resolveEndpoints(resolveTopology({ name: "t", hosts }), config);
  }

  function host(name: string, port: number, ssh: HostSpec["ssh"] = {}): HostSpec {
    return { name, address: "127.0.0.1", roles: ["controller", "compute"], ssh: { port, keyFile: clientKey, ...ssh } };
  }

  it("runs commands over a verified connection: exit codes, signals, streamed output, stdin", async () => {
    const ep = endpointsFor([host("c1", sshd.port)]).get("c1")!;
    const conn = await HostConnection.open(ep, options());
    try {
      expect(conn.hostKey.fingerprint).toBe(sshd.hostKey.fingerprint);
      const chunks: string[] = [];
      const ok = await conn.exec("echo out; echo err >&2; id -u", { onStdout: (c) => chunks.push(c) });
      expect(ok).toMatchObject({ code: 0, signal: null, stderr: "err\n" });
      expect(ok.stdout).toBe("out\n0\n");
      expect(chunks.join("")).toBe("out\n0\n");
      const failed = await conn.exec("exit 7", { check: false });
      expect(failed.code).toBe(7);
      const err = await conn.exec("echo nope >&2; exit 3", { phase: "prepare" }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RemoteCommandError);
      expect((err as RemoteCommandError).message).toBe("[c1] phase prepare: command `echo nope >&2; exit 3` exited 3: nope");
      const killed = await conn.exec("kill -TERM $$", { check: false });
      expect(killed).toMatchObject({ code: null, signal: "SIGTERM" });
      expect((await conn.exec("cat", { stdin: "via stdin" })).stdout).toBe("via stdin");
    } finally {
      conn.close();
    }
  });

  it("uploads over SFTP with the mode set at creation, atomically replacing the target", async () => {
    const ep = endpointsFor([host("c1", sshd.port)]).get("c1")!;
    const conn = await HostConnection.open(ep, options());
    try {
      const target = path.join(work, "secret-answers.txt");
      fs.writeFileSync(target, "old", { mode: 0o644 });
      await conn.upload(target, "CONFIG_KEYSTONE_ADMIN_PW=s3cret\n", { mode: 0o600 });
      expect(fs.statSync(target).mode & 0o777).toBe(0o600);
      expect(fs.readFileSync(target, "utf8")).toBe("CONFIG_KEYSTONE_ADMIN_PW=s3cret\n");
      expect(fs.readdirSync(work).filter((f) => f.includes(".rdoctl-"))).toEqual([]);
      expect((await conn.download(target)).toString("utf8")).toBe("CONFIG_KEYSTONE_ADMIN_PW=s3cret\n");
    } finally {
      conn.close();
    }
  });

  it("refuses an unknown host key, and records it only with acceptNew", async () => {
    const ep = endpointsFor([host("c1", sshd.port)]).get("c1")!;
    const empty = path.join(work, "empty_known_hosts");
    const refused = await HostConnection.open(ep, options({ knownHostsFiles: [empty] })).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(UnknownHostKeyError);
    expect((refused as Error).message).toContain(sshd.hostKey.fingerprint);
    expect((refused as Error).message).toContain("--accept-new-host-keys");

    const record = path.join(work, "cloud_known_hosts");
    fs.rmSync(record, { force: true });
    const accepted = await HostConnection.open(ep, options({ knownHostsFiles: [empty, record], acceptNew: true }));
    expect(accepted.hostKeyVerdict.status).toBe("accepted-new");
    accepted.close();
    expect(fs.readFileSync(record, "utf8")).toContain(`[127.0.0.1]:${sshd.port} ssh-ed25519 `);
    // the recorded key is now simply known, even without the flag
    const again = await HostConnection.open(ep, options({ knownHostsFiles: [empty, record] }));
    expect(again.hostKeyVerdict.status).toBe("known");
    again.close();
  });

  it("stops on a changed host key, showing expected and presented fingerprints", async () => {
    const other = keygen(path.join(work, "other_host_key"));
    const wrong = path.join(work, "wrong_known_hosts");
    fs.writeFileSync(wrong, `[127.0.0.1]:${sshd.port} ${other.publicKey.split(" ").slice(0, 2).join(" ")}\n`);
    const ep = endpointsFor([host("c1", sshd.port)]).get("c1")!;
    fs.rmSync(path.join(work, "cloud_known_hosts"), { force: true });
    const err = await HostConnection.open(ep, options({ knownHostsFiles: [wrong], acceptNew: true })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ChangedHostKeyError);
    const changed = err as ChangedHostKeyError;
    expect(changed.expected).toEqual([other.fingerprint]);
    expect(changed.presented).toBe(`ssh-ed25519 ${sshd.hostKey.fingerprint}`);
    expect(changed.message).toContain(other.fingerprint);
    expect(changed.message).toContain(sshd.hostKey.fingerprint);
    expect(changed.message).toContain(`${wrong}:1`);
    // --accept-new-host-keys never records over a changed key
    expect(fs.existsSync(path.join(work, "cloud_known_hosts"))).toBe(false);
  });

  it("checks fingerprints pinned in the inventory instead of known_hosts", async () => {
    const pinnedOk = endpointsFor([host("c1", sshd.port, { hostKeys: [sshd.hostKey.fingerprint] })]).get("c1")!;
    const empty = path.join(work, "empty_known_hosts");
    const conn = await HostConnection.open(pinnedOk, options({ knownHostsFiles: [empty] }));
    expect(conn.hostKeyVerdict).toMatchObject({ status: "known", source: "inventory ssh.hostKeys" });
    conn.close();
    const pinnedBad = endpointsFor([host("c1", sshd.port, { hostKeys: ["SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"] })]).get("c1")!;
    const err = await HostConnection.open(pinnedBad, options()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ChangedHostKeyError);
  });

  it("reports an authentication failure with what was tried, and an unreachable port", async () => {
    const ep = endpointsFor([host("c1", sshd.port, { keyFile: strangerKey })]).get("c1")!;
    const err = await HostConnection.open(ep, options()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthenticationError);
    expect((err as Error).message).toContain(`authentication as root on root@127.0.0.1:${sshd.port} failed (tried key ${strangerKey})`);

    const closedPort = endpointsFor([host("gone", 1)]).get("gone")!;
    const down = await HostConnection.open(closedPort, options()).catch((e: unknown) => e);
    expect(down).toBeInstanceOf(HostUnreachableError);
    expect((down as Error).message).toContain("ECONNREFUSED");
  });

  it("uses a password only when the inventory allows it, and never puts it in messages", async () => {
    const noPw = endpointsFor([host("p", sshd.port, { user: PASSWORD_USER, keyFile: strangerKey })]).get("p")!;
    const asked: string[] = [];
    const source = async (user: string, h: string) => {
      asked.push(`${user}@${h}`);
      return PASSWORD;
    };
    const refused = await HostConnection.open(noPw, options({ passwordSource: source })).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AuthenticationError);
    expect(asked).toEqual([]);
    const pw = endpointsFor([host("p", sshd.port, { user: PASSWORD_USER, keyFile: strangerKey, passwordAuth: true })]).get("p")!;
    const conn = await HostConnection.open(pw, options({ passwordSource: source }));
    expect(asked).toEqual([`${PASSWORD_USER}@127.0.0.1`]);
    expect((await conn.exec("id -un", { asRoot: false })).stdout.trim()).toBe(PASSWORD_USER);
    conn.close();
    const wrong = await HostConnection.open(pw, options({ passwordSource: async () => "wrong" })).catch((e: unknown) => e);
    expect(wrong).toBeInstanceOf(AuthenticationError);
    expect((wrong as Error).message).not.toContain("wrong");
    expect((wrong as Error).message).not.toContain(PASSWORD);
  });

  it("does not count the time a person takes to type a password against the ready timeout", async () => {
    const pw = endpointsFor([host("p", sshd.port, { user: PASSWORD_USER, keyFile: strangerKey, passwordAuth: true })]).get("p")!;
    const slowTypist = () => new Promise<string>((resolve) => setTimeout(() => resolve(PASSWORD), 1500));
    const conn = await HostConnection.open(pw, options({ readyTimeoutMs: 500, passwordSource: slowTypist }));
    expect((await conn.exec("id -un", { asRoot: false })).stdout.trim()).toBe(PASSWORD_USER);
    conn.close();
  });

  it("runs as root through sudo -n for a non-root user, and says so when sudo wants a password", async () => {
    const ep = endpointsFor([host("s", sshd.port, { user: SUDO_USER })]).get("s")!;
    const conn = await HostConnection.open(ep, options());
    try {
      expect((await conn.exec("id -u")).stdout.trim()).toBe("0");
      expect((await conn.exec("id -un", { asRoot: false })).stdout.trim()).toBe(SUDO_USER);
      const target = path.join(work, "sudo-upload.txt");
      await conn.upload(target, "secret\n", { mode: 0o600 });
      const st = fs.statSync(target);
      expect(st.mode & 0o777).toBe(0o600);
      expect(st.uid).toBe(0);
      expect((await conn.download(target)).toString()).toBe("secret\n");
    } finally {
      conn.close();
    }
    const pwEp = endpointsFor([host("w", sshd.port, { user: PW_SUDO_USER })]).get("w")!;
    const pwConn = await HostConnection.open(pwEp, options());
    try {
      const err = await pwConn.exec("true", { phase: "prepare" }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SshError);
      expect((err as SshError).kind).toBe("sudo");
      expect((err as Error).message).toContain(`[w] phase prepare: user ${PW_SUDO_USER} needs a password for sudo`);
    } finally {
      pwConn.close();
    }
  });

  it("tunnels through a jump host (itself verified) with forwardOut", async () => {
    const eps = endpointsFor([
      { ...host("bastion", jumpSshd.port), roles: ["storage"] },
      host("inner", sshd.port, { jump: "bastion" }),
    ]);
    const conn = await HostConnection.open(eps.get("inner")!, options());
    try {
      expect((await conn.exec("echo through")).stdout).toBe("through\n");
      expect(conn.hostKey.fingerprint).toBe(sshd.hostKey.fingerprint);
      expect(jumpSshd.log.some((l) => l.includes("direct-tcpip") || l.includes(`port ${sshd.port}`))).toBe(true);
    } finally {
      conn.close();
    }
    // the target going away is noticed (not only by a failing command), and its jump connection goes with it
    const jumpConnections = () =>
      execFileSync("ss", ["-Htn", "state", "established", `( dport = :${jumpSshd.port} )`], { encoding: "utf8" }).split("\n").filter(Boolean).length;
    const dying = await HostConnection.open(eps.get("inner")!, options());
    expect(jumpConnections()).toBe(1);
    for (const pid of descendants(sshd.process.pid!)) signal(pid, "SIGKILL");
    for (let i = 0; i < 40 && (dying.alive || jumpConnections() > 0); i++) await new Promise((r) => setTimeout(r, 50));
    expect(dying.alive).toBe(false);
    expect(jumpConnections()).toBe(0);
    // a jump host whose key is not on record stops the connection before the target
    const jumpUnknown = endpointsFor([host("inner", sshd.port, { jump: `root@127.0.0.1:${jumpSshd.port}` })]).get("inner")!;
    const only = path.join(work, "only_target");
    fs.writeFileSync(only, `[127.0.0.1]:${sshd.port} ${sshd.hostKey.publicKey.split(" ").slice(0, 2).join(" ")}\n`);
    const err = await HostConnection.open(jumpUnknown, options({ knownHostsFiles: [only] })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnknownHostKeyError);
    expect((err as SshError).context.host).toBe(`root@127.0.0.1:${jumpSshd.port}`);
  });

  it("honours a ~/.ssh/config alias (HostName, Port, User, IdentityFile, ProxyJump)", async () => {
    const config = SshConfig.parse(
      [
        `Host lab-*`,
        `  User ${SUDO_USER}`,
        `Host lab-inner`,
        `  HostName 127.0.0.1`,
        `  Port ${sshd.port}`,
        `  IdentityFile ${clientKey}`,
        `  ProxyJump root@127.0.0.1:${jumpSshd.port}`,
        `Host *`,
        `  User nobody-else`,
        `  IdentityFile ${clientKey}`,
        "",
      ].join("\n"),
    );
    const eps = endpointsFor([{ name: "n1", address: "n1.invalid", roles: ["controller"], ssh: { configAlias: "lab-inner" } }], config);
    const ep = eps.get("n1")!;
    expect(ep).toMatchObject({ hostname: "127.0.0.1", port: sshd.port, user: SUDO_USER });
    expect(ep.jump).toMatchObject({ hostname: "127.0.0.1", port: jumpSshd.port, user: "root" });
    const conn = await HostConnection.open(ep, options());
    try {
      expect((await conn.exec("id -un", { asRoot: false })).stdout.trim()).toBe(SUDO_USER);
    } finally {
      conn.close();
    }
  });

  it("connects through an alias's ProxyCommand (OpenSSH's `ssh -W` over the jump host), and says why when it fails", async () => {
    const proxy = `ssh -F /dev/null -i ${clientKey} -o BatchMode=yes -o StrictHostKeyChecking=yes -o UserKnownHostsFile=${knownHosts} -p ${jumpSshd.port} -W %h:%p root@127.0.0.1`;
    const config = SshConfig.parse(
      [`Host lab-proxied`, `  HostName 127.0.0.1`, `  Port ${sshd.port}`, `  IdentityFile ${clientKey}`, `  ProxyCommand ${proxy}`, `Host lab-broken`, `  ProxyCommand sh -c 'echo no route to %h >&2; exit 3'`, ""].join("\n"),
    );
    const eps = endpointsFor(
      [
        { name: "n1", address: "n1.invalid", roles: ["controller"], ssh: { configAlias: "lab-proxied" } },
        { name: "n2", address: "n2.invalid", roles: ["compute"], ssh: { configAlias: "lab-broken" } },
      ],
      config,
    );
    const tunnels = () => jumpSshd.log.filter((l) => /direct-tcpip|port forwarding|connect to 127\.0\.0\.1 port/i.test(l)).length;
    const cmdline = (pid: number) => {
      try {
        return fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ");
      } catch {
        return "";
      }
    };
    const proxies = () => descendants(process.pid).filter((pid) => cmdline(pid).includes(`-W 127.0.0.1:${sshd.port}`)).length;
    const before = tunnels();
    const conn = await HostConnection.open(eps.get("n1")!, options());
    try {
      expect(proxies()).toBe(1);
      expect((await conn.exec("echo proxied")).stdout).toBe("proxied\n");
      expect(conn.hostKey.fingerprint).toBe(sshd.hostKey.fingerprint);
      expect(tunnels()).toBeGreaterThan(before);
    } finally {
      conn.close();
    }
    // the ProxyCommand goes with its connection
    for (let i = 0; i < 40 && proxies() > 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(proxies()).toBe(0);
    const err = await HostConnection.open(eps.get("n2")!, options()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HostUnreachableError);
    expect((err as Error).message).toBe(
      "[n2] cannot connect to root@lab-broken:22 via ProxyCommand `sh -c 'echo no route to lab-broken >&2; exit 3'`: the ProxyCommand exited 3: no route to lab-broken",
    );
  });

  it("keepalive notices a dead link within a few seconds, and the pool reconnects afterwards", async () => {
    const s = await startSshd();
    s.authorize("root", fs.readFileSync(clientKey + ".pub", "utf8").trim());
    const kh = path.join(work, "keepalive_known_hosts");
    fs.writeFileSync(kh, `[127.0.0.1]:${s.port} ${s.hostKey.publicKey.split(" ").slice(0, 2).join(" ")}\n`);
    const eps = endpointsFor([host("k", s.port)]);
    const pool = new SshPool(eps, options({ knownHostsFiles: [kh], keepaliveIntervalMs: 500, keepaliveCountMax: 3 }));
    const conn = await pool.get("k");
    const frozen = [s.process.pid!, ...descendants(s.process.pid!)];
    try {
      const closed = new Promise<string>((resolve) => conn.onClose(resolve));
      const running = conn.exec("sleep 30").catch((e: unknown) => e);
      await new Promise((r) => setTimeout(r, 300));
      for (const pid of frozen) signal(pid, "SIGSTOP");
      // Without keepalive this would wait forever (the test would time out); how fast it is: bench.
      const reason = await closed;
      expect(reason).toMatch(/keepalive/);
      expect(await running).toBeInstanceOf(ConnectionLostError);
      expect(conn.alive).toBe(false);
    } finally {
      for (const pid of frozen) signal(pid, "SIGCONT");
    }
    for (const pid of frozen.slice(1)) signal(pid, "SIGKILL");
    const fresh = await pool.get("k");
    expect(fresh).not.toBe(conn);
    expect((await fresh.exec("echo back")).stdout).toBe("back\n");
    pool.closeAll();
    await s.stop();
    fs.rmSync(s.dir, { recursive: true, force: true });
  });

  it("parses ssh-keygen's hashed known_hosts entries", async () => {
    const hashed = path.join(work, "hashed_known_hosts");
    fs.writeFileSync(hashed, `[127.0.0.1]:${sshd.port} ${sshd.hostKey.publicKey.split(" ").slice(0, 2).join(" ")}\n`);
    execFileSync("ssh-keygen", ["-H", "-f", hashed], { stdio: "ignore" });
    expect(fs.readFileSync(hashed, "utf8")).toMatch(/^\|1\|/);
    const ep = endpointsFor([host("c1", sshd.port)]).get("c1")!;
    const conn = await HostConnection.open(ep, options({ knownHostsFiles: [hashed] }));
    expect(conn.hostKeyVerdict.status).toBe("known");
    conn.close();
  });
});
