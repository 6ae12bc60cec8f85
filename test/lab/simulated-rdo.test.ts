// The simulated RDO commands on lab hosts, driven over real SSH as rdoctl will drive them.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isLabSupported, reportLabSkipped, startLab, type Lab, type LabHost } from "./lab";
import { sshRun } from "./lab-ssh";

const support = isLabSupported();
if (!support.ok) reportLabSkipped(support.reason ?? "unknown", "test/lab/simulated-rdo.test.ts");

const ANSI = /\x1b\[[0-9;]*m/g;

describe.runIf(support.ok)("simulated RDO commands", () => {
  let lab: Lab;
  let controller: LabHost;
  let computes: LabHost[];

  const root = async (host: LabHost, command: string) => {
    const result = await sshRun(lab, host, command, { timeoutMs: 60_000 });
    return { ...result, stdout: result.stdout.replace(ANSI, "") };
  };

  /** What rdoctl's prepare and deployer phases do, done by hand: repos, update, Packstack, root key. */
  const prepareCloud = async () => {
    for (const host of lab.hosts) {
      const prepared = await root(host, "dnf config-manager --enable crb && dnf install -y centos-release-openstack-caracal >/dev/null && dnf update -y >/dev/null");
      expect(prepared.code, prepared.stderr).toBe(0);
    }
    const deployer = await root(controller, "dnf install -y openstack-packstack >/dev/null && ssh-keygen -q -t ed25519 -N '' -f /root/.ssh/id_ed25519 && cat /root/.ssh/id_ed25519.pub");
    expect(deployer.code, deployer.stderr).toBe(0);
    const key = deployer.stdout.trim();
    lab.writeFile(controller, "root/.ssh/known_hosts", `${lab.hosts.map((h) => h.knownHostsLine).join("\n")}\n`, 0o600);
    for (const host of lab.hosts) await root(host, `echo '${key}' >> /root/.ssh/authorized_keys`);
  };

  const writeAnswers = async () => {
    const compute = computes.map((h) => h.address).join(",");
    const generated = await root(
      controller,
      `packstack --gen-answer-file=/root/answers.txt && sed -i -e 's/^CONFIG_COMPUTE_HOSTS=.*/CONFIG_COMPUTE_HOSTS=${compute}/' -e 's/^CONFIG_KEYSTONE_ADMIN_PW=.*/CONFIG_KEYSTONE_ADMIN_PW=PW_PLACEHOLDER/' -e 's/^CONFIG_NOVA_DB_PURGE_ENABLE=.*/CONFIG_NOVA_DB_PURGE_ENABLE=y/' -e 's/^CONFIG_DEFAULT_PASSWORD=.*/CONFIG_DEFAULT_PASSWORD=/' /root/answers.txt && echo 'CONFIG_NOT_A_PACKSTACK_KEY=1' >> /root/answers.txt`,
    );
    expect(generated.code, generated.stderr).toBe(0);
  };

  beforeAll(async () => {
    lab = await startLab({
      hosts: [{ name: "controller", delayScale: 0 }, { name: "compute1", delayScale: 0 }, { name: "compute2", delayScale: 0 }],
      name: "simulated-rdo-test",
    });
    controller = lab.host("controller");
    computes = [lab.host("compute1"), lab.host("compute2")];
  });

  afterAll(async () => {
    await lab?.stop();
  });

  it("dnf refuses RDO packages until CRB is enabled, like a real CentOS Stream 9 host", async () => {
    const host = computes[1]!;
    await root(host, "dnf install -y centos-release-openstack-caracal");
    const blocked = await root(host, "dnf install -y openstack-packstack");
    expect(blocked.code).toBe(1);
    expect(blocked.stderr).toContain("nothing provides");
    const missing = await root(host, "rpm -q openstack-packstack; command -v packstack");
    expect(missing.stdout).toBe("package openstack-packstack is not installed\n");
    const enabled = await root(host, "dnf config-manager --enable crb && dnf repolist | awk '{print $1}'");
    expect(enabled.stdout.split("\n")).toEqual(expect.arrayContaining(["crb", "centos-openstack-caracal", "extras-common"]));
    const unknown = await root(host, "dnf install -y no-such-package");
    expect(unknown.stderr).toContain("Error: Unable to find a match: no-such-package");
  });

  it("a second dnf waits for the rpm lock held by the first", async () => {
    const host = computes[0]!;
    lab.writeFile(host, "etc/fake-host/dnf-hang", "");
    const first = root(host, "dnf install -y tar");
    await new Promise((resolve) => setTimeout(resolve, 500));
    await lab.run(host, "rm -f /etc/fake-host/dnf-hang");
    const second = root(host, "dnf install -y yum-utils");
    await new Promise((resolve) => setTimeout(resolve, 700));
    const holder = (await lab.run(host, "cat /var/lib/fake-rpm/.dnf.pid")).stdout.trim();
    await lab.run(host, `kill ${holder}`);
    const [firstResult, secondResult] = await Promise.all([first, second]);
    expect(firstResult.code).not.toBe(0);
    expect(secondResult.stdout).toContain(`Waiting for process with pid ${holder} to finish.`);
    expect(secondResult.stdout).toContain("Complete!");
  });

  it("systemctl, hostnamectl, setenforce and timedatectl keep state the way a reboot sees it", async () => {
    const host = computes[1]!;
    const changed = await root(
      host,
      "systemctl mask --now NetworkManager; systemctl start NetworkManager; echo start=$?; hostnamectl set-hostname renamed.rdoctl-lab.test; setenforce 0; getenforce; sed -i 's/^SELINUX=.*/SELINUX=permissive/' /etc/selinux/config",
    );
    expect(changed.stderr).toContain("Unit NetworkManager.service is masked.");
    expect(changed.stdout).toContain("start=1");
    expect(changed.stdout).toContain("Permissive");
    await lab.restart(host);
    const after = await root(host, "hostname; systemctl is-enabled NetworkManager; systemctl is-active chronyd; getenforce; timedatectl show -p NTPSynchronized --value");
    expect(after.stdout.split("\n").slice(0, 5)).toEqual(["renamed.rdoctl-lab.test", "masked", "active", "Permissive", "yes"]);
  });

  describe("packstack", () => {
    beforeAll(async () => {
      await prepareCloud();
    });

    it("runs every step over root SSH, rewrites the answer file and writes keystonerc_admin", async () => {
      await writeAnswers();
      const run = await root(controller, "packstack --answer-file=/root/answers.txt");
      expect(run.code, run.stdout + run.stderr).toBe(0);
      const lines = run.stdout.split("\n");
      expect(lines).toContain("Welcome to the Packstack setup utility");
      expect(lines.find((l) => l.startsWith("Setting up ssh keys"))).toMatch(/^Setting up ssh keys {2,}\[ DONE \]$/);
      for (const compute of computes) expect(lines).toContain(`Applying ${compute.address}_compute.pp`);
      expect(run.stdout).toContain(" **** Installation completed successfully ******");
      expect(run.stdout).toContain(`File /root/keystonerc_admin has been created on OpenStack client host ${controller.address}.`);
      const logDir = /The installation log file is available at: (\/var\/tmp\/packstack\/\d{8}-\d{6}-\w+)\/openstack-setup\.log/.exec(run.stdout)?.[1];
      expect(logDir).toBeDefined();

      const files = await root(
        controller,
        `stat -c '%a %n' ${logDir}/openstack-setup.log /root/keystonerc_admin /root/answers.txt; readlink /var/tmp/packstack/latest; ls ${logDir}/manifests`,
      );
      expect(files.stdout).toContain(`600 ${logDir}/openstack-setup.log`);
      expect(files.stdout).toContain("600 /root/keystonerc_admin");
      expect(files.stdout).toContain("600 /root/answers.txt");
      expect(files.stdout).toContain(`${logDir}\n`);
      expect(files.stdout).toContain(`${controller.address}_controller.pp.log`);

      const answers = lab.readFile(controller, "root/answers.txt");
      const adminPassword = /^CONFIG_KEYSTONE_ADMIN_PW=(.*)$/m.exec(answers)?.[1];
      expect(adminPassword).toMatch(/^[0-9a-f]{16}$/);
      expect(answers).toMatch(/^CONFIG_NOVA_DB_PURGE_ENABLE=True$/m);
      expect(answers).not.toContain("CONFIG_NOT_A_PACKSTACK_KEY");

      const rc = lab.readFile(controller, "root/keystonerc_admin");
      expect(rc).toContain("export OS_USERNAME=admin");
      expect(rc).toContain(`export OS_PASSWORD='${adminPassword}'`);
      expect(rc).toContain(`export OS_AUTH_URL=http://${controller.address}:5000/v3`);
      expect(rc).toContain("export OS_IDENTITY_API_VERSION=3");

      const verify = await root(controller, "source /root/keystonerc_admin && openstack compute service list -f value -c Binary -c Host && openstack service list -f value -c Name");
      expect(verify.stdout).toContain(`nova-compute ${computes[0]!.fqdn}`);
      expect(verify.stdout).toContain("keystone");
      const unauthenticated = await root(controller, "source /root/keystonerc_admin && OS_PASSWORD= openstack service list");
      expect(unauthenticated.code).toBe(1);
      const onCompute = await root(computes[0]!, "rpm -q openstack-nova-compute && systemctl is-active openstack-nova-compute");
      expect(onCompute.code).toBe(0);
    });

    it("fails a Puppet run with Packstack's own error text and log", async () => {
      await writeAnswers();
      lab.writeFile(controller, "etc/fake-packstack/fail-at", "_compute.pp\n");
      try {
        const run = await root(controller, "packstack --answer-file=/root/answers.txt");
        expect(run.code).toBe(1);
        const failing = `${computes[0]!.address}_compute.pp`;
        expect(run.stdout).toMatch(new RegExp(`^${failing.replace(/\./g, "\\.")}: +\\[ ERROR \\]$`, "m"));
        expect(run.stdout).toContain(`ERROR : Error appeared during Puppet run: ${failing}`);
        const logDir = /Please check log file (\S+)\/openstack-setup\.log for more information/.exec(run.stdout)?.[1];
        expect(logDir).toMatch(/^\/var\/tmp\/packstack\//);
        expect(run.stdout).toContain(`You will find full trace in log ${logDir}/manifests/${failing}.log`);
        expect(lab.readFile(controller, `${logDir!.slice(1)}/manifests/${failing}.log`)).toMatch(/^Error: Execution of '\/usr\/bin\/dnf/m);
      } finally {
        await lab.run(controller, "rm -f /etc/fake-packstack/fail-at");
      }
    });

    it("stops at 'Setting up ssh keys' when root SSH to a host fails", async () => {
      await writeAnswers();
      await lab.run(computes[1]!, "sed -i '/root@controller/d' /root/.ssh/authorized_keys");
      try {
        const run = await root(controller, "packstack --answer-file=/root/answers.txt");
        expect(run.code).toBe(1);
        expect(run.stdout).toMatch(/^Setting up ssh keys +\[ ERROR \]$/m);
        expect(run.stdout).toContain("Permission denied");
      } finally {
        const key = lab.readFile(controller, "root/.ssh/id_ed25519.pub").trim();
        await lab.run(computes[1]!, `echo '${key}' >> /root/.ssh/authorized_keys`);
      }
    });

    it("hang-at leaves a detached Packstack running at that step", async () => {
      await writeAnswers();
      lab.writeFile(controller, "etc/fake-packstack/hang-at", "Preparing servers\n");
      try {
        await root(controller, "setsid nohup packstack --answer-file=/root/answers.txt > /root/packstack.out 2>&1 < /dev/null &");
        let output = "";
        for (let i = 0; i < 50 && !output.endsWith("Preparing servers"); i += 1) {
          await new Promise((resolve) => setTimeout(resolve, 100));
          output = lab.readFile(controller, "root/packstack.out");
        }
        expect(output.endsWith("Preparing servers")).toBe(true);
        expect((await lab.run(controller, "pgrep -f 'packstack --answer-file' | wc -l")).stdout.trim()).not.toBe("0");
      } finally {
        await lab.run(controller, "rm -f /etc/fake-packstack/hang-at; pkill -f 'packstack --answer-file'");
      }
    });

    it("rejects option mixes and missing answer files with Packstack's exit codes", async () => {
      const mixed = await root(controller, "packstack --answer-file=/root/answers.txt --allinone");
      expect(mixed.code).toBe(2);
      const missing = await root(controller, "packstack --answer-file=/root/nope.txt");
      expect(missing.code).toBe(1);
      expect(missing.stdout).toContain("ERROR : Failed handling answer file: [Errno 2] No such file or directory: '/root/nope.txt'");
    });
  });
});
