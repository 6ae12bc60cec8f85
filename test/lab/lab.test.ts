// The lab itself: three real OpenSSH hosts, isolated from each other, that fail like machines do.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isLabSupported, reportLabSkipped, startLab, type Lab } from "./lab";
import { sshRun, ssh2Connect, ssh2Exec } from "./lab-ssh";

const support = isLabSupported();
if (!support.ok) reportLabSkipped(support.reason ?? "unknown", "test/lab/lab.test.ts");

describe.runIf(support.ok)("test lab with three hosts", () => {
  let lab: Lab;

  beforeAll(async () => {
    lab = await startLab({ hosts: 3, name: "lab-test" });
  });

  afterAll(async () => {
    await lab?.stop();
  });

  it("accepts root with the lab key and a verified host key, one hostname per host", async () => {
    const names = [];
    for (const host of lab.hosts) {
      const result = await sshRun(lab, host, "hostname; id -u; cat /etc/os-release");
      expect(result.code, result.stderr).toBe(0);
      const [hostname, uid] = result.stdout.split("\n");
      expect(hostname).toBe(host.fqdn);
      expect(uid).toBe("0");
      expect(result.stdout).toContain('PRETTY_NAME="CentOS Stream 9"');
      names.push(hostname);
    }
    expect(new Set(names).size).toBe(3);
  });

  it("publishes host keys whose fingerprints ssh2 verifies, and ssh2 refuses a wrong one", async () => {
    const [first, second] = lab.hosts;
    const client = await ssh2Connect(lab, first!);
    const result = await ssh2Exec(client, "echo $((6 * 7))");
    client.end();
    expect(result).toMatchObject({ stdout: "42\n", code: 0 });
    await expect(ssh2Connect(lab, first!, { expectedFingerprint: second!.hostKeyFingerprint })).rejects.toThrow(
      /verification failed/,
    );
  });

  it("serves SFTP, so uploads land with the mode the client asks for", async () => {
    const host = lab.hosts[2]!;
    const client = await ssh2Connect(lab, host);
    try {
      await new Promise<void>((resolve, reject) => {
        client.sftp((error, sftp) => {
          if (error) return reject(error);
          sftp.writeFile("/root/secret.txt", "s3cret\n", { mode: 0o600 }, (writeError) => (writeError ? reject(writeError) : resolve()));
        });
      });
    } finally {
      client.end();
    }
    const stat = await lab.run(host, "stat -c %a /root/secret.txt && cat /root/secret.txt");
    expect(stat.stdout).toBe("600\ns3cret\n");
  });

  it("gives each host its own filesystem, hiding the machine's private directories", async () => {
    const [first, second] = lab.hosts;
    await sshRun(lab, first!, "echo only-on-first > /root/marker && echo x > /etc/only-first.conf");
    const seen = await sshRun(lab, second!, "cat /root/marker /etc/only-first.conf 2>&1; find /work /home -mindepth 1 | wc -l");
    expect(seen.stdout).toContain("No such file or directory");
    expect(seen.stdout.trim().split("\n").pop()).toBe("0");
    expect(lab.readFile(first!, "root/marker")).toBe("only-on-first\n");
    expect(lab.fileExists(second!, "root/marker")).toBe(false);
  });

  it("shows the configured CPU flags, memory, disk and NICs", async () => {
    const result = await lab.run(lab.hosts[0]!, "grep -c -w vmx /proc/cpuinfo; grep MemTotal /proc/meminfo; df -BG --output=size / | tail -1; ip -o link show eth1 | wc -l");
    const [vmxLines, mem, disk, eth1] = result.stdout.trim().split("\n");
    expect(Number(vmxLines)).toBeGreaterThan(0);
    expect(mem).toMatch(/MemTotal:\s+16777216 kB/);
    expect(disk!.trim()).toBe("100G");
    expect(eth1).toBe("1");
  });

  it("crash() powers a host off (connections refused, sessions cut); restart() brings it back with its disk and key", async () => {
    const host = lab.hosts[2]!;
    await sshRun(lab, host, "echo survives > /root/disk-file && systemctl disable --now firewalld");
    const client = await ssh2Connect(lab, host);
    const running = ssh2Exec(client, "sleep 30; echo never");
    await new Promise((resolve) => setTimeout(resolve, 300));
    await lab.crash(host);
    const cut = await running;
    expect(cut.code).toBeNull();
    expect(cut.stdout).toBe("");
    client.end();
    await expect(ssh2Connect(lab, host)).rejects.toThrow(/ECONNREFUSED/);
    await expect(lab.run(host, "true")).rejects.toThrow(/powered off/);

    await lab.restart(host);
    const after = await sshRun(lab, host, "cat /root/disk-file; systemctl is-active firewalld; systemctl is-active chronyd; getenforce");
    expect(after.stdout.split("\n").slice(0, 4)).toEqual(["survives", "inactive", "active", "Enforcing"]);
  });

  it("linkDown() makes the host silent: new connections time out and keepalive detects a dead session", async () => {
    const host = lab.hosts[1]!;
    const client = await ssh2Connect(lab, host, { keepaliveIntervalMs: 300, keepaliveCountMax: 2 });
    const closed = new Promise<string>((resolve) => {
      client.on("error", (error) => resolve(error.message));
      client.on("close", () => resolve("closed"));
    });
    await lab.linkDown(host);
    try {
      const started = Date.now();
      expect(await closed).toMatch(/Keepalive timeout|closed/);
      expect(Date.now() - started).toBeLessThan(5_000);
      await expect(ssh2Connect(lab, host, { readyTimeoutMs: 1_500 })).rejects.toThrow(/Timed out while waiting for handshake|EHOSTUNREACH/);
    } finally {
      await lab.linkUp(host);
    }
    const back = await sshRun(lab, host, "echo back");
    expect(back.stdout).toBe("back\n");
  });

  it("dropPort() drops SSH silently while the host keeps running; from the machine only, other hosts still get in", async () => {
    const host = lab.hosts[1]!;
    const peer = lab.hosts[0]!;
    await lab.dropPort(host);
    try {
      await expect(ssh2Connect(lab, host, { readyTimeoutMs: 1_000 })).rejects.toThrow(/Timed out while waiting for handshake/);
      expect((await lab.run(host, "echo alive")).stdout).toBe("alive\n");
    } finally {
      await lab.undropPorts(host);
    }
    await lab.dropPort(host, 22, "machine");
    try {
      await expect(ssh2Connect(lab, host, { readyTimeoutMs: 1_000 })).rejects.toThrow(/Timed out while waiting for handshake/);
      const fromPeer = await lab.run(peer, `timeout 3 bash -c "head -c 7 < /dev/tcp/${host.address}/22"`);
      expect(fromPeer.stdout).toBe("SSH-2.0");
    } finally {
      await lab.undropPorts(host);
    }
    expect((await sshRun(lab, host, "echo reachable")).stdout).toBe("reachable\n");
  });

  it("rotateHostKey() makes clients with the old known_hosts refuse the host", async () => {
    const host = lab.hosts[0]!;
    const { oldFingerprint, newFingerprint } = await lab.rotateHostKey(host);
    expect(newFingerprint).not.toBe(oldFingerprint);
    const refused = await sshRun(lab, host, "true");
    expect(refused.code).toBe(255);
    expect(refused.stderr).toMatch(/REMOTE HOST IDENTIFICATION HAS CHANGED|Host key verification failed/);
    const client = await ssh2Connect(lab, host);
    expect((await ssh2Exec(client, "echo new-key")).stdout).toBe("new-key\n");
    client.end();
  });

  it("addUser() creates key-only users, with or without passwordless sudo, and password users", async () => {
    const host = lab.hosts[1]!;
    await lab.addUser(host, "deployer", { sudo: true });
    await lab.addUser(host, "guest");
    await lab.addUser(host, "withpw", { password: "s3cret-pw", authorizeClientKey: false });
    const viaSudo = await sshRun(lab, host, "sudo -n id -u && sudo -n dnf -y install yum-utils | tail -1", { user: "deployer" });
    expect(viaSudo.stdout).toBe("0\nComplete!\n");
    const noSudo = await sshRun(lab, host, "dnf -y install tar", { user: "guest" });
    expect(noSudo.code).toBe(1);
    expect(noSudo.stderr).toContain("This command has to be run with superuser privileges");
    const client = await ssh2Connect(lab, host, { user: "withpw", password: "s3cret-pw" });
    expect((await ssh2Exec(client, "whoami")).stdout).toBe("withpw\n");
    client.end();
  });
});
