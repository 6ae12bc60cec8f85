import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { resolveTopology } from "../../src/topology";
import {
  entriesFor,
  fingerprintOf,
  hostFieldMatches,
  keyTypeOf,
  knownHostsLine,
  knownHostsName,
  parseJumpSpec,
  parseKnownHosts,
  describeEndpoint,
  resolveEndpoints,
  SshConfig,
  terminalPasswordSource,
} from "../../src/install/ssh";

const BLOB = Buffer.concat([Buffer.from([0, 0, 0, 11]), Buffer.from("ssh-ed25519"), Buffer.from([0, 0, 0, 32]), Buffer.alloc(32, 7)]);

describe("known_hosts", () => {
  it("matches plain, wildcard, negated, [host]:port and hashed host fields", () => {
    expect(knownHostsName("10.0.0.1", 22)).toBe("10.0.0.1");
    expect(knownHostsName("10.0.0.1", 2222)).toBe("[10.0.0.1]:2222");
    expect(hostFieldMatches("ctl,10.0.0.1", "10.0.0.1")).toBe(true);
    expect(hostFieldMatches("*.example.test,!bad.example.test", "ctl.example.test")).toBe(true);
    expect(hostFieldMatches("*.example.test,!bad.example.test", "bad.example.test")).toBe(false);
    expect(hostFieldMatches("[10.0.0.1]:2222", "10.0.0.1")).toBe(false);
    const hashed = knownHostsLine(["[10.0.0.1]:2222"], "ssh-ed25519", BLOB, true);
    const [entry] = parseKnownHosts(hashed);
    expect(entry!.hosts).toMatch(/^\|1\|/);
    expect(entriesFor([entry!], ["[10.0.0.1]:2222"])).toHaveLength(1);
    expect(entriesFor([entry!], ["10.0.0.1"])).toHaveLength(0);
  });

  it("parses markers and skips comments and junk, naming file:line", () => {
    const text = `# comment\n@revoked ctl ssh-ed25519 ${BLOB.toString("base64")}\nbroken-line\nctl ssh-ed25519 ${BLOB.toString("base64")} root@ctl\n`;
    const entries = parseKnownHosts(text, "/k");
    expect(entries.map((e) => [e.marker, e.source])).toEqual([["@revoked", "/k:2"], [undefined, "/k:4"]]);
    expect(keyTypeOf(BLOB)).toBe("ssh-ed25519");
    expect(fingerprintOf(BLOB)).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
  });
});

describe("~/.ssh/config", () => {
  const aio = (ssh: Record<string, unknown>) =>
    resolveTopology({ name: "t", hosts: [{ name: "a", address: "10.0.0.1", roles: ["controller", "network", "compute"], ssh }] });

  it("resolves an alias with OpenSSH's own resolver (`ssh -G`): Match blocks, Include, first value wins, tokens", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rdoctl-sshcfg-"));
    fs.writeFileSync(path.join(dir, "extra.conf"), "Host inc-*\n  Port 2200\n");
    const cfg = SshConfig.parse(
      [
        `Include ${dir}/extra.conf`,
        "Match host ctl exec true",
        "  User matched",
        "Host ctl !ctl-old",
        "  HostName %h.lab.example",
        "  User=ops",
        "  IdentityFile ~/.ssh/lab_%h_%r",
        "Host *",
        "  User nobody",
        '  IdentityFile "/keys/all key"',
        "Match exec false",
        "  Port 9",
      ].join("\n"),
    );
    const home = os.userInfo().homedir;
    const ctl = cfg.lookup("ctl")!;
    expect(ctl).toMatchObject({ hostName: "ctl.lab.example", user: "matched", port: 22 });
    expect(ctl.identityFiles).toEqual([path.join(home, ".ssh/lab_ctl.lab.example_matched"), "/keys/all key"]);
    expect(cfg.lookup("ctl-old")).toMatchObject({ hostName: "ctl-old", user: "nobody" });
    expect(cfg.lookup("inc-1")!.port).toBe(2200);
    // command-line user/port (a jump spec's) win over the config, as with `ssh -l -p`
    expect(cfg.lookup("inc-1", { user: "x", port: 3 })).toMatchObject({ user: "x", port: 3 });
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("goes where `ssh ALIAS` goes: a ProxyCommand or ProxyJump of the alias is kept, never a direct connection", () => {
    const cfg = SshConfig.parse(
      [
        "Host via-cmd",
        "  HostName 10.9.9.9",
        "  User ops",
        "  ProxyCommand ssh -W %h:%p -l %r bastion # %n",
        "Host via-jump",
        "  HostName 10.9.9.8",
        "  ProxyJump admin@bastion:2022",
        "  HostKeyAlias inner-key",
        "Host bastion",
        "  HostName 192.0.2.1",
      ].join("\n"),
    );
    const cmd = resolveEndpoints(aio({ configAlias: "via-cmd" }), cfg).get("a")!;
    expect(cmd).toMatchObject({ hostname: "10.9.9.9", port: 22, user: "ops", proxyCommand: "ssh -W 10.9.9.9:22 -l ops bastion # via-cmd" });
    expect(cmd.jump).toBeUndefined();
    expect(describeEndpoint(cmd)).toBe("ops@10.9.9.9:22 via ProxyCommand `ssh -W 10.9.9.9:22 -l ops bastion # via-cmd`");
    const jump = resolveEndpoints(aio({ configAlias: "via-jump" }), cfg).get("a")!;
    expect(jump).toMatchObject({ hostname: "10.9.9.8", user: "root", hostKeyAlias: "inner-key" });
    expect(jump.proxyCommand).toBeUndefined();
    // the jump host gets its own config (HostName from `Host bastion`), user and port from the spec
    expect(jump.jump).toMatchObject({ label: "admin@bastion:2022", hostname: "192.0.2.1", port: 2022, user: "admin" });
    // an inventory jump replaces the alias's proxy, as `ssh -J JUMP ALIAS` does
    const both = resolveEndpoints(aio({ configAlias: "via-cmd", jump: "root@192.0.2.7" }), cfg).get("a")!;
    expect(both.proxyCommand).toBeUndefined();
    expect(both.jump).toMatchObject({ hostname: "192.0.2.7", user: "root" });
  });

  it("without an OpenSSH client: jump hosts as written (what `ssh -G -F /dev/null` says), an alias refused in one line", () => {
    const none = SshConfig.load("/dev/null", "/nonexistent/ssh");
    const topo = resolveTopology({
      name: "t",
      hosts: [{ name: "a", address: "10.0.0.1", roles: ["controller", "network", "compute"], ssh: { jump: "ops@bastion.example:2022" } }],
    });
    const offline = resolveEndpoints(topo, none).get("a")!.jump!;
    const real = SshConfig.load("/dev/null").lookup("bastion.example", { user: "ops", port: 2022 })!;
    expect({ hostname: offline.hostname, user: offline.user, port: offline.port }).toEqual({ hostname: real.hostName, user: real.user, port: real.port });
    expect(() => resolveEndpoints(aio({ configAlias: "x" }), none)).toThrow(/^host a: ssh\.configAlias x needs the OpenSSH client \(`ssh -G` resolves it as `ssh` would\)/);
    // an alias OpenSSH itself cannot resolve: its message, the field and the alias
    expect(() => resolveEndpoints(aio({ configAlias: "bad alias" }), SshConfig.parse(""))).toThrow(/^host a: ssh\.configAlias: OpenSSH cannot resolve bad alias \(.*hostname contains invalid characters\)$/);
  });

  it("resolves jump chains from the inventory and refuses loops", () => {
    expect(parseJumpSpec("admin@[::1]:2222")).toEqual({ user: "admin", host: "::1", port: 2222 });
    const topo = resolveTopology({
      name: "t",
      hosts: [
        { name: "a", address: "10.0.0.1", roles: ["controller"], ssh: { jump: "b" } },
        { name: "b", address: "10.0.0.2", roles: ["compute"], ssh: { jump: "ops@bastion:2022" } },
      ],
    });
    const eps = resolveEndpoints(topo, SshConfig.parse(""));
    expect(eps.get("a")!.jump!.label).toBe("b");
    expect(eps.get("a")!.jump!.jump).toMatchObject({ hostname: "bastion", port: 2022, user: "ops" });
    const loop = resolveTopology({
      name: "t",
      hosts: [
        { name: "a", address: "10.0.0.1", roles: ["controller"], ssh: { jump: "b" } },
        { name: "b", address: "10.0.0.2", roles: ["compute"], ssh: { jump: "a" } },
      ],
    });
    expect(() => resolveEndpoints(loop, SshConfig.parse(""))).toThrow(/jump hosts loop: a → b → a/);
  });
});

describe("password prompt", () => {
  it("asks one question at a time, once per user@host, even when hosts connect in parallel", async () => {
    const log: string[] = [];
    let open = 0;
    const ask = async (question: string): Promise<string> => {
      open += 1;
      log.push(`${question}(${open} open)`);
      await new Promise((r) => setTimeout(r, 20));
      open -= 1;
      return `pw for ${question}`;
    };
    const source = terminalPasswordSource(ask);
    const answers = await Promise.all([source("root", "a"), source("root", "b"), source("root", "a"), source("ops", "a")]);
    expect(answers).toEqual(["pw for root@a's password: ", "pw for root@b's password: ", "pw for root@a's password: ", "pw for ops@a's password: "]);
    expect(log).toEqual(["root@a's password: (1 open)", "root@b's password: (1 open)", "ops@a's password: (1 open)"]);
  });

  it("goes on to the next question after one is refused", async () => {
    const source = terminalPasswordSource(async (q) => {
      if (q.startsWith("root@a")) throw new Error("no terminal");
      return "ok";
    });
    const [a, b] = await Promise.allSettled([source("root", "a"), source("root", "b")]);
    expect(a).toMatchObject({ status: "rejected", reason: { message: "no terminal" } });
    expect(b).toEqual({ status: "fulfilled", value: "ok" });
  });
});
