import * as fs from "node:fs";
import * as path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { isLabSupported, reportLabSkipped, startLab, type Lab } from "../lab/lab";
import type { InstallEvent } from "../../src/install/events";
import { labCloud as makeLabCloud, type CliResult, type LabCloud } from "./lab-cloud";

const support = isLabSupported();
if (!support.ok) reportLabSkipped(support.reason ?? "unknown", "install end-to-end tests");

const AIO = [["controller", "network", "compute"]] as const;

/** What an install may change on a host: a rerun that changes nothing leaves this identical. */
function hostState(lab: Lab, host: string): string {
  const stat = (p: string) => {
    const full = path.join(lab.host(host).rootDir, p);
    return fs.existsSync(full) ? `${p}@${fs.statSync(full).mtimeMs}` : `${p}@none`;
  };
  return [
    lab.readFile(host, "/var/lib/fake-rpm/installed"),
    stat("var/lib/fake-rpm/installed"),
    stat("etc/hosts"),
    stat("etc/locale.conf"),
    stat("etc/selinux/config"),
    stat("root/.ssh/authorized_keys"),
    stat("root/.ssh/known_hosts"),
    stat("root/rdoctl-answers.txt"),
    lab.fileExists(host, "/var/lib/rdoctl/current") ? lab.readFile(host, "/var/lib/rdoctl/current") : "no run",
  ].join("\n");
}

function runDirs(lab: Lab, host: string): string[] {
  const dir = path.join(lab.host(host).rootDir, "var/lib/rdoctl/runs");
  return fs.existsSync(dir) ? fs.readdirSync(dir).sort() : [];
}

function packstackLogDirs(lab: Lab, host: string): string[] {
  const dir = path.join(lab.host(host).rootDir, "var/tmp/packstack");
  return fs.existsSync(dir) ? fs.readdirSync(dir).filter((d) => /^\d{8}-\d{6}-/.test(d)) : [];
}

function adminPassword(cloud: LabCloud): string {
  const answers = fs.readFileSync(path.join(cloud.home, "clouds", cloud.name, "answers.txt"), "utf8");
  const pw = /^CONFIG_KEYSTONE_ADMIN_PW=(.+)$/m.exec(answers)?.[1];
  if (!pw) throw new Error("no admin password in the local answer file");
  return pw;
}

function stepEvents(events: InstallEvent[]) {
  return events.filter((e): e is Extract<InstallEvent, { type: "step" }> => e.type === "step");
}

/** Resolves once stdout (NDJSON) shows a Packstack step finishing. */
function whenPackstackStep(title: string): { onStdout: (t: string) => void; reached: Promise<void> } {
  let seen = "";
  let resolve!: () => void;
  const reached = new Promise<void>((r) => (resolve = r));
  return {
    reached,
    onStdout: (t) => {
      seen += t;
      if (seen.includes(`"title":"${title}","status":"done"`)) resolve();
    },
  };
}

function explain(r: CliResult): string {
  return `exit ${r.code}\nstderr:\n${r.stderr.slice(-3000)}\nstdout tail:\n${r.stdout.slice(-3000)}`;
}

describe.runIf(support.ok)("rdoctl install over the lab", () => {
  let lab: Lab | undefined;
  const clouds: LabCloud[] = [];
  const labCloud = (...args: Parameters<typeof makeLabCloud>): LabCloud => {
    const cloud = makeLabCloud(...args);
    clouds.push(cloud);
    return cloud;
  };
  afterEach(async () => {
    await lab?.stop();
    lab = undefined;
    for (const c of clouds.splice(0)) c.dispose();
  });

  it("installs an all-in-one cloud end to end; a rerun changes nothing; no secret is ever printed", async () => {
    lab = await startLab({ hosts: 1 });
    const cloud = labCloud(lab, "aio", AIO);
    const first = await cloud.rdoctl(["install", cloud.inventory, "--json"]);
    expect(first.code, explain(first)).toBe(0);
    const steps = stepEvents(first.events);
    for (const phase of ["prepare", "deployer", "answers", "run", "collect", "verify"]) {
      expect(steps.some((s) => s.phase === phase && s.status === "done"), phase).toBe(true);
    }
    expect(first.events.filter((e) => e.type === "check" && e.level === "error")).toEqual([]);
    expect(first.events.some((e) => e.type === "packstack" && e.event.kind === "success")).toBe(true);
    // the last install event (the CLI's result envelope follows it)
    expect(first.events.filter((e) => e.type !== ("result" as string)).at(-1)).toMatchObject({ type: "finished", ok: true });

    const state = path.join(cloud.home, "clouds", "aio");
    for (const f of ["answers.txt", "keystonerc_admin", "admin-openrc.sh", "clouds.yaml", "journal.json", "secrets.json"]) {
      expect(fs.statSync(path.join(state, f)).mode & 0o777, f).toBe(0o600);
    }
    expect(fs.readFileSync(path.join(state, "clouds.yaml"), "utf8")).toMatch(/clouds:\n {2}aio:\n {4}auth:\n {6}auth_url: http:\/\/127\.42\.\d+\.\d+:5000\/v3/);
    const artifacts = fs.readdirSync(path.join(state, "artifacts"));
    expect(artifacts).toHaveLength(1);
    expect(fs.existsSync(path.join(state, "artifacts", artifacts[0]!, "openstack-setup.log"))).toBe(true);
    const remoteAnswers = fs.statSync(path.join(lab.host("node1").rootDir, "root/rdoctl-answers.txt"));
    expect(remoteAnswers.mode & 0o777).toBe(0o600);
    expect(lab.readFile("node1", "/etc/hosts")).toContain(`# BEGIN rdoctl aio`);
    expect((await lab.run("node1", "hostname")).stdout.trim()).toBe(lab.host("node1").fqdn);

    const before = hostState(lab, "node1");
    const second = await cloud.rdoctl(["install", cloud.inventory, "--json"]);
    expect(second.code, explain(second)).toBe(0);
    const rerunSteps = stepEvents(second.events);
    expect(rerunSteps.length).toBeGreaterThan(0);
    expect(rerunSteps.filter((s) => s.status !== "skipped")).toEqual([]);
    expect(second.events.some((e) => e.type === "check")).toBe(false);
    expect(hostState(lab, "node1")).toBe(before);
    expect(runDirs(lab, "node1")).toHaveLength(1);

    const status = await cloud.rdoctl(["install", "status", cloud.inventory]);
    expect(status.code, explain(status)).toBe(0);
    expect(status.stdout).toMatch(/verify\s+node1\s+done/);
    expect(status.stdout).toMatch(/packstack: run \S+ \(pid \d+\) finished, exit 0/);

    const dry = await cloud.rdoctl(["install", cloud.inventory, "--from", "collect", "--dry-run"]);
    expect(dry.code, explain(dry)).toBe(0);
    expect(dry.stdout).toMatch(/run\s+collect\s+node1\s+forced/);
    expect(dry.stdout).toMatch(/skip run\s+node1\s+done, inputs unchanged/);
    expect(dry.stdout).toContain(`answer file: unchanged since the last upload (${path.join(cloud.home, "clouds", "aio", "answers.txt")})`);
    expect(dry.stdout).toMatch(/ {2}collect on node1: \/root\/keystonerc_admin → /);
    expect(dry.stdout).not.toMatch(/ {2}run on node1:/);
    expect(hostState(lab, "node1")).toBe(before);

    // --from run runs Packstack again (a new run), then collects and verifies again
    const again = await cloud.rdoctl(["install", cloud.inventory, "--from", "run", "--json"]);
    expect(again.code, explain(again)).toBe(0);
    expect(stepEvents(again.events).filter((s) => s.status === "done").map((s) => s.phase)).toEqual(["preflight", "run", "collect", "verify"]);
    expect(runDirs(lab, "node1")).toHaveLength(2);

    const password = adminPassword(cloud);
    expect(password.length).toBeGreaterThan(6);
    for (const r of [first, second, status, dry, again]) {
      expect(r.stdout).not.toContain(password);
      expect(r.stderr).not.toContain(password);
    }
  });

  it("installs a 3-node cloud (plain output), with the deployer's SSH to every host verified", async () => {
    lab = await startLab({ hosts: 3 });
    const cloud = labCloud(lab, "three", [["controller", "network"], ["compute"], ["compute"]]);
    const r = await cloud.rdoctl(["install", cloud.inventory, "--parallel", "3"]);
    expect(r.code, explain(r)).toBe(0);
    expect(r.stdout).toMatch(/\[node2\] prepare: done/);
    expect(r.stdout).toMatch(/packstack: applied 127\.42\.\d+\.\d+_compute\.pp/);
    expect(r.stdout).toContain("verified: ");
    expect(r.stdout).toContain("2 compute services up".replace("2", "4"));
    // every node knows every other by name; the deployer's known_hosts holds each verified key
    for (const h of lab.hosts) expect(lab.readFile("node3", "/etc/hosts")).toContain(`${h.address} ${h.fqdn} ${h.name}`);
    const deployerKnown = lab.readFile("node1", "/root/.ssh/known_hosts");
    for (const h of lab.hosts) expect(deployerKnown).toContain(h.hostPublicKey.split(" ")[1]);
    const ssh = await lab.run("node1", `ssh -o BatchMode=yes -o StrictHostKeyChecking=yes root@${lab.host("node3").address} hostname`);
    expect(ssh.stdout.trim()).toBe(lab.host("node3").fqdn);
    expect(r.stdout).not.toContain(adminPassword(cloud));
  });

  it("installs through a non-root user with passwordless sudo, and names a sudo that wants a password", async () => {
    lab = await startLab({ hosts: 1 });
    await lab.addUser("node1", "deploy", { sudo: true });
    await lab.addUser("node1", "asker", { sudo: true, sudoNeedsPassword: true, password: "Pw-for-sudo-1" });
    const cloud = labCloud(lab, "sudo", AIO);
    const asUser = (user: string) => ({ ...cloud.spec, hosts: cloud.spec.hosts.map((h) => ({ ...h, ssh: { ...h.ssh, user } })) });
    const YAML = await import("yaml");
    fs.writeFileSync(cloud.inventory, YAML.stringify(asUser("asker")));
    const refused = await cloud.rdoctl(["install", cloud.inventory, "--only", "preflight"]);
    expect(refused.code, explain(refused)).toBe(1);
    expect(refused.stderr).toContain("user asker needs a password for sudo; rdoctl runs `sudo -n`");

    fs.writeFileSync(cloud.inventory, YAML.stringify(asUser("deploy")));
    const r = await cloud.rdoctl(["install", cloud.inventory]);
    expect(r.code, explain(r)).toBe(0);
    const answers = fs.statSync(path.join(lab.host("node1").rootDir, "root/rdoctl-answers.txt"));
    expect([answers.mode & 0o777, answers.uid]).toEqual([0o600, 0]);
    expect(fs.statSync(path.join(cloud.home, "clouds", "sudo", "keystonerc_admin")).mode & 0o777).toBe(0o600);
    expect(r.stdout).not.toContain(adminPassword(cloud));
  });

  it("installs through a jump host and a ~/.ssh/config alias, with hosts addressed by name", async () => {
    lab = await startLab({ hosts: 2 });
    const [n1, n2] = [lab.host("node1"), lab.host("node2")];
    const cloud = labCloud(lab, "jump", [["controller", "network", "compute"], ["compute"]]);
    // node1 through an alias whose HostName is its IP; node2 only by a name that resolves on node1
    // (its /etc/hosts), not here: a direct connection cannot work, so the tunnel must.
    // a Match block (which OpenSSH applies and a hand-written parser used to skip) gives the address
    fs.writeFileSync(
      path.join(cloud.sshDir, "config"),
      `Match originalhost lab-node1 exec true\n  HostName ${n1.address}\nHost lab-node1\n  HostName wrong.invalid\n  User root\n  IdentityFile ${lab.clientKeyFile}\n`,
    );
    const spec = {
      ...cloud.spec,
      hosts: [
        { ...cloud.spec.hosts[0]!, address: n1.fqdn, ssh: { configAlias: "lab-node1", hostKeys: [n1.hostKeyFingerprint] } },
        { ...cloud.spec.hosts[1]!, address: n2.fqdn, ssh: { ...cloud.spec.hosts[1]!.ssh, jump: "node1" } },
      ],
    };
    fs.writeFileSync(cloud.inventory, (await import("yaml")).stringify(spec));
    const r = await cloud.rdoctl(["install", cloud.inventory]);
    expect(r.code, explain(r)).toBe(0);
    expect(r.stdout).toContain(`packstack: applied ${n2.fqdn}_compute.pp`);
    expect(r.stdout).toMatch(/\[node2\] prepare: done/);
  });

  it("reaches a host through its alias's ProxyCommand, where a direct connection could not go", async () => {
    lab = await startLab({ hosts: 2 });
    const [n1, n2] = [lab.host("node1"), lab.host("node2")];
    const cloud = labCloud(lab, "proxied", [["controller", "network", "compute"], ["compute"]]);
    // the alias's HostName, node2's FQDN, resolves on node1 only: the ProxyCommand's `ssh -W` from node1 is the one way there
    const proxy = `ssh -F /dev/null -i ${lab.clientKeyFile} -o BatchMode=yes -o UserKnownHostsFile=${lab.knownHostsFile} -W %h:%p root@${n1.address}`;
    fs.writeFileSync(path.join(cloud.sshDir, "config"), `Host lab-node2\n  HostName ${n2.fqdn}\n  IdentityFile ${lab.clientKeyFile}\n  ProxyCommand ${proxy}\n`);
    const spec = { ...cloud.spec, hosts: [cloud.spec.hosts[0]!, { ...cloud.spec.hosts[1]!, ssh: { ...cloud.spec.hosts[1]!.ssh, configAlias: "lab-node2" } }] };
    fs.writeFileSync(cloud.inventory, (await import("yaml")).stringify(spec));
    const r = await cloud.rdoctl(["install", cloud.inventory, "--only", "preflight"]);
    expect(r.code, explain(r)).toBe(0);
    expect(r.stdout).toContain(`[node2] ok   ssh: host key ${n2.hostKeyFingerprint} verified`);
    const dry = await cloud.rdoctl(["install", cloud.inventory, "--dry-run"]);
    expect(dry.stdout).toContain(`root@${n2.fqdn}:22 via ProxyCommand \`${proxy.replace("%h:%p", `${n2.fqdn}:22`)}\``);
  });

  it("reports every preflight failure at once and changes nothing when a host is down", async () => {
    lab = await startLab({ hosts: [{ memoryMiB: 1024 }, {}] });
    const cloud = labCloud(lab, "down", [["controller", "network"], ["compute"]]);
    const before = hostState(lab, "node1");
    const hostnameBefore = (await lab.run("node1", "hostname")).stdout;
    await lab.crash("node2");
    const r = await cloud.rdoctl(["install", cloud.inventory]);
    expect(r.code, explain(r)).toBe(1);
    expect(r.stderr).toContain("preflight failed (nothing was changed on any host)");
    expect(r.stderr).toMatch(/\[node2\] ssh \(unreachable\)/);
    expect(r.stderr).toMatch(/\[node1\] memory: 1024 MiB RAM, roles controller,network need at least/);
    expect(hostState(lab, "node1")).toBe(before);
    expect((await lab.run("node1", "hostname")).stdout).toBe(hostnameBefore);
    const steps = Object.values(cloud.journal().steps);
    expect(steps.filter((s) => s.phase !== "preflight")).toEqual([]);
    expect(steps.find((s) => s.host === "node2")?.status).toBe("failed");
  });

  it("gives up on a silent host after --connect-timeout", async () => {
    lab = await startLab({ hosts: 1 });
    const cloud = labCloud(lab, "silent", AIO);
    await lab.dropPort("node1", 22);
    const r = await cloud.rdoctl(["install", cloud.inventory, "--only", "preflight", "--connect-timeout", "3", "--keepalive", "2"]);
    expect(r.code, explain(r)).toBe(1);
    expect(r.stderr).toMatch(/\[node1\] ssh \(unreachable\): root@127\.42\.\d+\.\d+:22 did not answer within 3000 ms \(ready timeout\)/);
    // progress while waiting, not silence until the timeout
    const progress = r.stdout.split("\n").filter((l) => l.includes("[node1]")).map((l) => l.replace(/^\S+Z /, ""));
    expect(progress.slice(0, 4)).toEqual([
      expect.stringMatching(/^\[node1\] preflight: running \(connecting to root@127\.42\.\d+\.\d+:22\)$/),
      "[node1] still connecting after 2 s (gives up after 3 s: --connect-timeout)",
      expect.stringMatching(/^\[node1\] cannot connect \(unreachable\) after 3\.\d s$/),
      expect.stringMatching(/^\[node1\] FAIL ssh \(unreachable\)/),
    ]);
    const usage = await cloud.rdoctl(["install", cloud.inventory, "--keepalive", "0"]);
    expect(usage.code, explain(usage)).toBe(2);
    expect(usage.stderr).toContain("--keepalive 0: expected a whole number ≥ 1");
  });

  it("stops on a changed host key, showing the pinned and the presented fingerprint", async () => {
    lab = await startLab({ hosts: 1 });
    const cloud = labCloud(lab, "rekey", AIO);
    const before = hostState(lab, "node1");
    const { oldFingerprint, newFingerprint } = await lab.rotateHostKey("node1");
    const r = await cloud.rdoctl(["install", cloud.inventory, "--accept-new-host-keys"]);
    expect(r.code, explain(r)).toBe(1);
    expect(r.stderr).toContain("HOST KEY CHANGED");
    expect(r.stderr).toContain(oldFingerprint);
    expect(r.stderr).toContain(newFingerprint);
    expect(hostState(lab, "node1")).toBe(before);
  });

  it("accepts an unknown host key only with --accept-new-host-keys, recording it for the cloud", async () => {
    lab = await startLab({ hosts: 1 });
    const pinned = labCloud(lab, "tofu", AIO);
    const spec = { ...pinned.spec, hosts: pinned.spec.hosts.map((h) => ({ ...h, ssh: { ...h.ssh, hostKeys: undefined } })) };
    fs.writeFileSync(pinned.inventory, (await import("yaml")).stringify(spec));
    const refused = await pinned.rdoctl(["install", pinned.inventory, "--only", "preflight"]);
    expect(refused.code, explain(refused)).toBe(1);
    expect(refused.stderr).toContain("--accept-new-host-keys");
    const accepted = await pinned.rdoctl(["install", pinned.inventory, "--only", "preflight", "--accept-new-host-keys"]);
    expect(accepted.code, explain(accepted)).toBe(0);
    expect(fs.readFileSync(path.join(pinned.home, "clouds", "tofu", "known_hosts"), "utf8")).toContain(lab.host("node1").hostPublicKey.split(" ")[1]);
    const again = await pinned.rdoctl(["install", pinned.inventory, "--only", "preflight"]);
    expect(again.code, explain(again)).toBe(0);
  });

  it("fails clearly on bad authentication", async () => {
    lab = await startLab({ hosts: 1 });
    const cloud = labCloud(lab, "badauth", AIO);
    const wrongKey = path.join(path.dirname(cloud.inventory), "not-authorized");
    (await import("node:child_process")).execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", wrongKey]);
    const spec = { ...cloud.spec, hosts: cloud.spec.hosts.map((h) => ({ ...h, ssh: { ...h.ssh, keyFile: wrongKey } })) };
    fs.writeFileSync(cloud.inventory, (await import("yaml")).stringify(spec));
    // a dry run connects to nothing and writes nothing, not even the secrets file
    const dry = await cloud.rdoctl(["install", cloud.inventory, "--dry-run"]);
    expect(dry.code, explain(dry)).toBe(0);
    expect(dry.stdout).toMatch(/plan: 7 step\(s\) to run, 0 done/);
    expect(fs.existsSync(cloud.home)).toBe(false);
    const r = await cloud.rdoctl(["install", cloud.inventory]);
    expect(r.code, explain(r)).toBe(1);
    expect(r.stderr).toMatch(/\[node1\] ssh \(auth\): authentication as root on root@127\.42\.\d+\.\d+:22 failed \(tried key .*not-authorized\)/);
  });

  it("re-attaches after the connection drops during Packstack, with exactly one Packstack run", async () => {
    lab = await startLab({ hosts: [{ delayScale: 0.3 }] });
    const cloud = labCloud(lab, "drop", AIO);
    const watch = whenPackstackStep("Preparing servers");
    const running = cloud.rdoctl(["install", cloud.inventory, "--json"], { onStdout: watch.onStdout });
    await watch.reached;
    await lab.linkDown("node1");
    await new Promise((r) => setTimeout(r, 5000));
    await lab.linkUp("node1");
    const r = await running;
    expect(r.code, explain(r)).toBe(0);
    expect(r.events.some((e) => e.type === "warning" && /lost the connection during Packstack run/.test(e.message))).toBe(true);
    expect(r.events.some((e) => e.type === "info" && /re-attaching to Packstack run/.test(e.message))).toBe(true);
    expect(runDirs(lab, "node1")).toHaveLength(1);
    expect(packstackLogDirs(lab, "node1")).toHaveLength(1);
    // the step list was rebuilt without repeating what was already shown
    const done = r.events.filter((e) => e.type === "packstack" && e.event.kind === "step" && e.event.status === "done" && e.event.title === "Preparing servers");
    expect(done).toHaveLength(1);
  });

  it("a second rdoctl install while Packstack runs attaches instead of starting another", async () => {
    lab = await startLab({ hosts: [{ delayScale: 0.3 }] });
    const cloud = labCloud(lab, "twice", AIO);
    const watch = whenPackstackStep("Preparing servers");
    let firstPid: number | undefined;
    const first = cloud.rdoctl(["install", cloud.inventory, "--json"], { onStdout: watch.onStdout, onSpawn: (c) => (firstPid = c.pid) });
    await watch.reached;
    const second = await cloud.rdoctl(["install", cloud.inventory, "--json"]);
    const one = await first;
    expect(one.code, explain(one)).toBe(0);
    expect(second.code, explain(second)).toBe(0);
    expect(second.events.some((e) => e.type === "info" && /attaching to the Packstack run already going/.test(e.message))).toBe(true);
    expect(runDirs(lab, "node1")).toHaveLength(1);
    expect(packstackLogDirs(lab, "node1")).toHaveLength(1);
    // The second one only followed: the local state is the first one's alone.
    expect(second.events.some((e) => e.type === "info" && e.message.includes(`install.lock (pid ${firstPid} on `))).toBe(true);
    expect(second.events.filter((e) => e.type === "step")).toEqual([]);
    expect(cloud.journal().steps["verify/node1"]?.status).toBe("done");
    expect(fs.existsSync(path.join(cloud.home, "clouds", "twice", "install.lock"))).toBe(false);
  });

  it("a second rdoctl install while the first prepares hosts says who holds the cloud and changes nothing", async () => {
    lab = await startLab({ hosts: 1 });
    const cloud = labCloud(lab, "busy", AIO);
    lab.writeFile("node1", "etc/fake-host/dnf-hang", "");
    let firstPid: number | undefined;
    let prepareRunning!: () => void;
    const preparing = new Promise<void>((r) => (prepareRunning = r));
    const first = cloud.rdoctl(["install", cloud.inventory, "--json"], {
      onSpawn: (c) => (firstPid = c.pid),
      onStdout: (t) => t.includes('"phase":"prepare","host":"node1","status":"running"') && prepareRunning(),
    });
    await preparing;
    const journalBefore = fs.readFileSync(path.join(cloud.home, "clouds", "busy", "journal.json"), "utf8");
    const second = await cloud.rdoctl(["install", cloud.inventory]);
    expect(second.code, explain(second)).toBe(1);
    expect(second.stderr).toMatch(
      new RegExp(`another rdoctl install of cloud busy is running \\(pid ${firstPid} on .*install\\.lock\\) and no Packstack run is going on node1 to follow`),
    );
    expect(fs.readFileSync(path.join(cloud.home, "clouds", "busy", "journal.json"), "utf8")).toBe(journalBefore);
    const status = await cloud.rdoctl(["install", "status", cloud.inventory]);
    expect(status.stdout).toMatch(new RegExp(`rdoctl install: running \\(pid ${firstPid} on `));
    process.kill(firstPid!, "SIGINT");
    const one = await first;
    expect(one.code, explain(one)).toBe(130);
    expect(fs.existsSync(path.join(cloud.home, "clouds", "busy", "install.lock"))).toBe(false);
  });

  it("says so clearly when the deployer crashes mid-run, and a rerun after its restart resumes", async () => {
    lab = await startLab({ hosts: [{ delayScale: 0.3 }] });
    const cloud = labCloud(lab, "crash", AIO);
    const watch = whenPackstackStep("Preparing servers");
    const running = cloud.rdoctl(["install", cloud.inventory, "--json", "--reconnect-timeout", "3"], { onStdout: watch.onStdout });
    await watch.reached;
    await lab.crash("node1");
    const r = await running;
    expect(r.code, explain(r)).toBe(1);
    expect(r.stderr).toMatch(/\[node1\] phase run: could not reconnect within 3 s while following Packstack run \S+; if the deployer went down, Packstack went with it: rerun `rdoctl install`/);
    const journal = cloud.journal().steps;
    expect(journal["prepare/node1"]?.status).toBe("done");
    expect(journal["run/node1"]?.status).toBe("failed");

    await lab.restart("node1");
    const rerun = await cloud.rdoctl(["install", cloud.inventory, "--json"]);
    expect(rerun.code, explain(rerun)).toBe(0);
    const steps = stepEvents(rerun.events);
    expect(steps.find((s) => s.phase === "prepare")?.status).toBe("skipped");
    expect(steps.find((s) => s.phase === "run" && s.status === "done")).toBeDefined();
    const runs = runDirs(lab, "node1");
    expect(runs).toHaveLength(2);
    expect(lab.fileExists("node1", `/var/lib/rdoctl/runs/${runs[0]}/exit`)).toBe(false);
    expect(lab.readFile("node1", `/var/lib/rdoctl/runs/${runs[1]}/exit`).trim()).toBe("0");
  });

  it("diagnoses Packstack failing at a Puppet step, and a rerun after the fix completes", async () => {
    lab = await startLab({ hosts: 2 });
    const cloud = labCloud(lab, "puppet", [["controller", "network"], ["compute"]]);
    lab.writeFile("node1", "/etc/fake-packstack/fail-at", "_compute.pp\n");
    const r = await cloud.rdoctl(["install", cloud.inventory]);
    expect(r.code, explain(r)).toBe(1);
    const manifest = `${lab.host("node2").address}_compute.pp`;
    expect(r.stderr).toContain("Packstack failed.");
    expect(r.stderr).toContain("failing step:  Applying Puppet manifests");
    expect(r.stderr).toContain(`manifest:      ${manifest} (host ${lab.host("node2").address}, role compute)`);
    expect(r.stderr).toContain("Error: Execution of '/usr/bin/dnf -d 0 -e 0 -y install openstack-nova-compute' returned 1: Error: Unable to find a match: openstack-nova-compute");
    expect(r.stderr).toMatch(/RDO release repository or CRB may be off/);
    const logLine = /manifest log: {2}(\S+)/.exec(r.stderr)?.[1];
    expect(logLine && fs.existsSync(logLine)).toBe(true);
    expect(r.stderr).toMatch(/all logs: {6}\S+artifacts\/\d{8}T\d{6}Z/);

    lab.writeFile("node1", "/etc/fake-packstack/fail-at", "");
    const rerun = await cloud.rdoctl(["install", cloud.inventory]);
    expect(rerun.code, explain(rerun)).toBe(0);
    expect(rerun.stdout).toMatch(/\[node2\] prepare: skipped/);
    expect(rerun.stdout).toContain("packstack: installation completed successfully");
  });

  it("still diagnoses a failed Packstack run when its logs cannot be fetched (one warning, no crash after the message)", async () => {
    lab = await startLab({ hosts: 1 });
    const cloud = labCloud(lab, "notar", AIO);
    lab.writeFile("node1", "/etc/fake-packstack/fail-at", "_compute.pp\n");
    // the deployer's tar fails, as on a host where Packstack's log directory is unreadable
    lab.writeFile("node1", "/usr/local/bin/tar", "#!/bin/sh\necho 'tar: /var/tmp/packstack/latest/: Cannot open: Permission denied' >&2\nexit 2\n");
    await lab.run("node1", "chmod 755 /usr/local/bin/tar");
    const r = await cloud.rdoctl(["install", cloud.inventory]);
    expect(r.code, explain(r)).toBe(1);
    expect(r.stdout).toMatch(/\[node1\] warning: could not fetch Packstack's logs: .*Cannot open: Permission denied/);
    expect(r.stderr).toContain("Packstack failed.");
    expect(r.stderr).not.toMatch(/internal error|Unhandled|local tar exited|^\s+at /m);
    expect(fs.readdirSync(path.join(cloud.home, "clouds", "notar", "artifacts"))).toEqual([]);
  });

  it("on Ctrl-C exits 130 with the journal saved and Packstack left running; a rerun attaches and finishes", async () => {
    lab = await startLab({ hosts: [{ delayScale: 0.3 }] });
    const cloud = labCloud(lab, "ctrlc", AIO);
    const watch = whenPackstackStep("Preparing servers");
    let pid: number | undefined;
    const running = cloud.rdoctl(["install", cloud.inventory, "--json"], {
      onStdout: watch.onStdout,
      onSpawn: (child) => (pid = child.pid),
    });
    await watch.reached;
    process.kill(pid!, "SIGINT");
    const r = await running;
    expect(r.code, explain(r)).toBe(130);
    expect(r.stderr).toMatch(/interrupted; journal saved to \S+journal\.json\. A Packstack run started on node1 keeps running/);
    const journal = cloud.journal().steps;
    expect(journal["deployer/node1"]?.status).toBe("done");
    expect(journal["run/node1"]?.status).toBe("failed");
    const runs = runDirs(lab, "node1");
    expect(runs).toHaveLength(1);

    const rerun = await cloud.rdoctl(["install", cloud.inventory, "--json"]);
    expect(rerun.code, explain(rerun)).toBe(0);
    expect(
      rerun.events.some((e) => e.type === "info" && /attaching to the Packstack run already going|already finished with these answers/.test(e.message)),
    ).toBe(true);
    expect(runDirs(lab, "node1")).toEqual(runs);
    expect(packstackLogDirs(lab, "node1")).toHaveLength(1);
  });
});
