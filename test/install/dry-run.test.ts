import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import YAML from "yaml";
import { answersChange } from "../../src/install/dry-run";
import { invalidEvents } from "../pipeline/events-schema";

const ENTRY = path.join(__dirname, "rdoctl-entry.ts");

/** `rdoctl install --dry-run` connects nowhere: these run without any host. */
describe("rdoctl install --dry-run", () => {
  let dir: string;
  let inventory: string;
  let env: NodeJS.ProcessEnv;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "rdoctl-dry-"));
    const key = path.join(dir, "id_lab");
    fs.writeFileSync(key, "not really a key\n", { mode: 0o600 });
    const sshConfig = path.join(dir, "ssh_config");
    fs.writeFileSync(sshConfig, `Host ctl-alias\n  HostName 10.20.0.11\n  User ops\n  Port 2222\n  IdentityFile ${key}\n  ProxyCommand ssh -W %h:%p bastion.example\n`);
    inventory = path.join(dir, "dry.yaml");
    fs.writeFileSync(
      inventory,
      YAML.stringify({
        name: "dry",
        hosts: [
          { name: "ctl", address: "10.20.0.11", roles: ["controller", "network"], ssh: { configAlias: "ctl-alias", hostKeys: ["SHA256:" + "A".repeat(43)] } },
          { name: "cmp", address: "10.20.0.21", roles: ["compute"], ssh: { jump: "ctl", keyFile: key, passwordAuth: true } },
        ],
      }),
    );
    env = { ...process.env, RDOCTL_HOME: path.join(dir, "home"), RDOCTL_SSH_CONFIG: sshConfig, SSH_AUTH_SOCK: "" };
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const rdoctl = (...args: string[]) => spawnSync(process.execPath, ["--import", "tsx", ENTRY, "install", inventory, "--dry-run", ...args], { cwd: path.resolve(__dirname, "../.."), env, encoding: "utf8" });

  it("shows user, port, key and route per host, the release's repositories and packages, and what would run where", () => {
    const r = rdoctl();
    expect(r.status, r.stderr).toBe(0);
    const out = r.stdout.replace(/^\S+Z /gm, "");
    expect(out).toContain("  ctl  ops@10.20.0.11:2222 via ProxyCommand `ssh -W 10.20.0.11:2222 bastion.example` [controller,network]");
    expect(out).toContain(`auth: key ${path.join(dir, "id_lab")}; host key: pinned SHA256:${"A".repeat(43)}`);
    expect(out).toContain("  cmp  root@10.20.0.21:22 via ops@10.20.0.11:2222 via ProxyCommand `ssh -W 10.20.0.11:2222 bastion.example` [compute]");
    expect(out).toContain(`auth: key ${path.join(dir, "id_lab")}, password (asked); host key: known_hosts (yours and ${path.join(dir, "home", "clouds", "dry", "known_hosts")})`);
    expect(out).toMatch(/^release 2025\.1 \(epoxy\): repositories CRB, centos-release-openstack-epoxy .*; packages glibc-langpack-en \(every host, if missing\), openstack-packstack \(deployer\)/m);
    expect(out).toContain("answer file: not uploaded yet");
    expect(out).toMatch(/^ {2}prepare on ctl, cmp: hostnamectl set-hostname .*dnf install -y centos-release-openstack-epoxy .*dnf update -y$/m);
    expect(out).toMatch(/^ {2}run on ctl: packstack --answer-file=\/root\/rdoctl-answers\.txt, detached/m);
    // nothing written: no state, no secrets drawn and saved
    expect(fs.existsSync(path.join(dir, "home"))).toBe(false);
  });

  it("says which answer-file keys changed since the last upload (names only), in --json too", () => {
    const first = rdoctl("--json");
    expect(first.status, first.stderr).toBe(0);
    expect(invalidEvents(first.stdout)).toEqual([]);
    const details = first.stdout
      .split("\n")
      .filter((l) => l.startsWith('{"type":"dry-run"'))
      .map((l) => JSON.parse(l).details)[0];
    expect(details.answers).toEqual({ status: "not uploaded yet", added: [], removed: [], changed: [] });
    expect(details.hosts.map((h: { host: string; route: string }) => h.route)).toEqual([
      "ops@10.20.0.11:2222 via ProxyCommand `ssh -W 10.20.0.11:2222 bastion.example`",
      "root@10.20.0.21:22 via ops@10.20.0.11:2222 via ProxyCommand `ssh -W 10.20.0.11:2222 bastion.example`",
    ]);
  });

  it("refuses an ssh config OpenSSH itself refuses, in one line, leaving the cloud unlocked", () => {
    const broken = path.join(dir, "broken_ssh_config");
    fs.writeFileSync(broken, "Host ctl-alias\n  HostName 10.20.0.11\n  BogusOption yes\n");
    const r = spawnSync(process.execPath, ["--import", "tsx", ENTRY, "install", inventory], {
      cwd: path.resolve(__dirname, "../.."),
      env: { ...env, RDOCTL_SSH_CONFIG: broken },
      encoding: "utf8",
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^rdoctl: host ctl: ssh\.configAlias: OpenSSH cannot resolve ctl-alias \(`ssh -G -F \S+ ctl-alias`: .*Bad configuration option: bogusoption.*\)\n/);
    expect(r.stderr.trim().split("\n").filter((l) => !/^\d+ problems?$|^1 problem$/.test(l))).toHaveLength(1);
    expect(fs.existsSync(path.join(dir, "home", "clouds", "dry", "install.lock"))).toBe(false);
  });

  it("compares with the local copy of the last upload", () => {
    const copy = path.join(dir, "answers.txt");
    expect(answersChange("[general]\nCONFIG_A=1\n", copy).status).toBe("not uploaded yet");
    fs.writeFileSync(copy, "[general]\nCONFIG_A=1\nCONFIG_B=secret-old\nCONFIG_GONE=x\n");
    expect(answersChange("[general]\nCONFIG_A=1\nCONFIG_B=secret-old\nCONFIG_GONE=x\n", copy)).toMatchObject({ status: "unchanged" });
    const change = answersChange("[general]\nCONFIG_A=1\nCONFIG_B=secret-new\nCONFIG_NEW=y\n", copy);
    expect(change).toEqual({ status: "changed", lastUpload: copy, added: ["CONFIG_NEW"], removed: ["CONFIG_GONE"], changed: ["CONFIG_B"] });
    expect(JSON.stringify(change)).not.toContain("secret");
  });
});
