// Proof that the lab's cloud is real: `rdoctl install` of lab inventories makes the lab's Packstack
// start real OpenStack services (PyPI, the release's versions) on the hosts the answer file names,
// and what the real APIs say matches the answer file. Plus the startOpenStackCloud() helper other
// tests use. One file, run in sequence (each cloud takes most of 2 cores while it starts); cloud
// starts also queue on a machine-wide lock (withOpenStackStartLock) against other files' clouds.
import * as fs from "node:fs";
import * as path from "node:path";
import YAML from "yaml";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { isLabSupported, reportLabSkipped, startLab, type HostRef, type Lab } from "./lab";
import { LAB_EXTERNAL_NETWORK, labRoles } from "./inventory";
import { enableRealOpenStack, ensureOpenStackVenv, keepDbSnapshots, runLauncher, startOpenStackCloud, withOpenStackStartLock, type OpenStackCloud } from "./openstack-cloud";
import { httpCall, OpenStackApi, type Credentials } from "./openstack-api";
import { labCloud, type CliResult, type LabCloud } from "../install/lab-cloud";

const support = isLabSupported();
if (!support.ok) reportLabSkipped(support.reason ?? "unknown", "test/lab/openstack.test.ts");

function explain(r: CliResult): string {
  return `exit ${r.code}\nstderr:\n${r.stderr.slice(-3000)}\nstdout tail:\n${r.stdout.slice(-3000)}`;
}

function localAnswers(cloud: LabCloud): Record<string, string> {
  const text = fs.readFileSync(path.join(cloud.home, "clouds", cloud.name, "answers.txt"), "utf8");
  return Object.fromEntries([...text.matchAll(/^(CONFIG_[A-Z0-9_]+)=(.*)$/gm)].map((m) => [m[1]!, m[2]!]));
}

/** The credentials rdoctl's collect phase handed back (its clouds.yaml). */
function collectedCredentials(cloud: LabCloud): Credentials {
  const doc = YAML.parse(fs.readFileSync(path.join(cloud.home, "clouds", cloud.name, "clouds.yaml"), "utf8"));
  const c = doc.clouds[cloud.name];
  return {
    authUrl: c.auth.auth_url, username: c.auth.username, password: c.auth.password, projectName: c.auth.project_name,
    region: c.region_name, userDomainName: c.auth.user_domain_name ?? "Default", projectDomainName: c.auth.project_domain_name ?? "Default",
  };
}

function endpointHosts(api: OpenStackApi): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const entry of api.catalog) out[entry.type] = [...new Set(entry.endpoints.map((e) => new URL(e.url.replace("%(tenant_id)s", "x")).hostname))];
  return out;
}

/** Every TCP socket listening inside a lab host. */
async function listening(lab: Lab, host: HostRef): Promise<string[]> {
  const r = await lab.run(host, "ss -Htln | awk '{print $4}'");
  return r.stdout.split("\n").map((l) => l.trim()).filter(Boolean);
}

describe.runIf(support.ok).sequential("a real OpenStack in the lab", () => {
  let venv = "";
  let lab: Lab | undefined;
  const clouds: LabCloud[] = [];
  beforeAll(async () => {
    venv = await ensureOpenStackVenv("2025.1");
  }, 1_800_000);
  afterEach(async () => {
    await lab?.stop();
    lab = undefined;
    for (const c of clouds.splice(0)) c.dispose();
  }, 120_000);

  it("rdoctl install of an all-in-one inventory: real APIs on the host, the answer file's admin password, flavors, teardown by id", async () => {
    lab = await startLab({ hosts: [{ delayScale: 0 }], name: "openstack-aio" });
    enableRealOpenStack(lab, venv);
    const cloud = labCloud(lab, "aio", labRoles(1), { externalNetwork: LAB_EXTERNAL_NETWORK, services: { heat: { enabled: true } } });
    clouds.push(cloud);
    const r = await withOpenStackStartLock(() => cloud.rdoctl(["install", cloud.inventory, "--json"]));
    expect(r.code, explain(r)).toBe(0);
    keepDbSnapshots(lab);
    expect(r.events.some((e) => e.type === "step" && e.phase === "verify" && e.status === "done"), explain(r)).toBe(true);

    const answers = localAnswers(cloud);
    const node1 = lab.host("node1");
    const credentials = collectedCredentials(cloud);
    expect(credentials.password).toBe(answers.CONFIG_KEYSTONE_ADMIN_PW);
    const api = new OpenStackApi(credentials);
    expect(await api.login(false)).toBe(201);
    expect((await OpenStackApi.tryLogin({ ...credentials, password: `${credentials.password}x` })).status).toBe(401);

    const hosts = endpointHosts(api);
    for (const type of ["identity", "image", "placement", "compute", "network", "volumev3", "orchestration", "cloudformation"]) {
      expect(hosts[type], type).toEqual([node1.address]);
    }
    expect(api.catalog.every((c) => c.endpoints.every((e) => e.region_id === answers.CONFIG_KEYSTONE_REGION))).toBe(true);
    const compute = (await api.computeServices()).filter((s) => s.binary === "nova-compute");
    expect(compute.map((s) => [s.host, s.state])).toEqual([[node1.fqdn, "up"]]);
    const agents = await api.networkAgents();
    expect(agents.map((a) => [a.host, a.agent_type, a.alive])).toEqual([[node1.fqdn, "OVN Controller Gateway agent", true]]);
    expect((await api.flavors()).map((f) => f.name).sort()).toEqual(["m1.large", "m1.medium", "m1.small", "m1.tiny", "m1.xlarge"]);
    expect((await api.volumeServices()).filter((s) => s.binary === "cinder-volume").map((s) => s.state)).toEqual(["up"]);
    expect(lab.readFile(node1, "/root/keystonerc_admin")).toContain(`export OS_AUTH_URL=http://${node1.address}:5000/v3`);

    // Packstack again (a rerun): every service is already up with the same config, so none restarts.
    const status = async () => (await runLauncher(lab!, node1, "status", 30_000)).stdout.trim().split("\n").sort();
    const pidsBefore = await status();
    expect(pidsBefore.filter((l) => l.includes("\trunning\t")).length).toBeGreaterThan(15);
    const again = await withOpenStackStartLock(() => cloud.rdoctl(["install", cloud.inventory, "--from", "run", "--json"]));
    expect(again.code, explain(again)).toBe(0);
    expect(await status()).toEqual(pidsBefore);

    // Teardown stops every recorded process by id: nothing of the cloud keeps listening.
    const before = await listening(lab, node1);
    expect(before).toContain(`${node1.address}:5000`);
    const stop = await runLauncher(lab, node1, "stop", 120_000);
    expect(stop.code, stop.stdout + stop.stderr).toBe(0);
    expect(await listening(lab, node1)).toEqual(["0.0.0.0:22"].filter((x) => before.includes(x)));
  }, 1_200_000);

  it("rdoctl install of a three-node inventory: services where the answer file puts them, no flavors when not asked, a disabled service absent", async () => {
    lab = await startLab({ hosts: [{ delayScale: 0 }, { delayScale: 0 }, { delayScale: 0 }], name: "openstack-3" });
    enableRealOpenStack(lab, venv);
    const cloud = labCloud(lab, "three", labRoles(3), {
      externalNetwork: LAB_EXTERNAL_NETWORK,
      services: { cinder: { enabled: false } },
      packstack: { CONFIG_NOVA_MANAGE_FLAVORS: "n" },
    });
    clouds.push(cloud);
    const r = await withOpenStackStartLock(() => cloud.rdoctl(["install", cloud.inventory, "--json"]));
    expect(r.code, explain(r)).toBe(0);

    const [controller, network, compute] = lab.hosts as [typeof lab.hosts[0], typeof lab.hosts[0], typeof lab.hosts[0]];
    const api = new OpenStackApi(collectedCredentials(cloud));
    await api.login();
    const hosts = endpointHosts(api);
    for (const type of ["identity", "image", "placement", "compute", "network"]) expect(hosts[type], type).toEqual([controller.address]);
    expect(hosts.volumev3).toBeUndefined();
    expect(api.catalog.map((c) => c.type).sort()).toEqual(["compute", "identity", "image", "network", "placement"]);
    const services = await api.computeServices();
    expect(services.filter((s) => s.binary === "nova-compute").map((s) => [s.host, s.state])).toEqual([[compute.fqdn, "up"]]);
    expect(services.filter((s) => s.binary !== "nova-compute").map((s) => s.host)).toEqual([controller.fqdn, controller.fqdn]);
    const agents = (await api.networkAgents()).map((a) => [a.host, a.agent_type, a.alive]).sort();
    expect(agents).toEqual([
      [compute.fqdn, "OVN Controller agent", true],
      [network.fqdn, "OVN Controller Gateway agent", true],
    ].sort());
    expect(await api.flavors()).toEqual([]);
    // MariaDB and RabbitMQ on the controller (the answer file's CONFIG_MARIADB_HOST/CONFIG_AMQP_HOST), nova-compute only on the compute host.
    expect(await listening(lab, controller)).toEqual(expect.arrayContaining([`${controller.address}:3306`, `${controller.address}:5672`]));
    expect((await listening(lab, compute)).some((l) => l.endsWith(":3306") || l.endsWith(":5672"))).toBe(false);
    expect((await lab.run(compute, "ps -eo args | grep -c '[n]ova-compute'")).stdout.trim()).not.toBe("0");
    expect((await lab.run(network, "ps -eo args | grep -c '[n]ova-compute'")).stdout.trim()).toBe("0");
  }, 1_200_000);

  it("a service that cannot start fails its manifest like a Puppet error, and rdoctl diagnoses it", async () => {
    lab = await startLab({ hosts: [{ delayScale: 0 }], name: "openstack-fault" });
    enableRealOpenStack(lab, "/var/cache/rdoctl/openstack/no-such-venv");
    const cloud = labCloud(lab, "broken", labRoles(1), { externalNetwork: LAB_EXTERNAL_NETWORK });
    clouds.push(cloud);
    const r = await cloud.rdoctl(["install", cloud.inventory]);
    expect(r.code, explain(r)).toBe(1);
    const node1 = lab.host("node1");
    expect(r.stderr).toContain(`Error appeared during Puppet run: ${node1.address}_controller.pp`);
    expect(r.stderr).toContain("no OpenStack venv at /var/cache/rdoctl/openstack/no-such-venv");
  }, 300_000);

  it("startOpenStackCloud(): an all-in-one cloud for other tests, images served inside the lab, clients with keep-alive work", async () => {
    let cloud: OpenStackCloud | undefined;
    try {
      cloud = await startOpenStackCloud({ release: "2025.1" });
      expect(fs.statSync(cloud.cloudsYaml).mode & 0o777).toBe(0o600);
      expect(YAML.parse(fs.readFileSync(cloud.cloudsYaml, "utf8")).clouds[cloud.cloudName].auth.auth_url).toBe(cloud.authUrl);
      expect((await OpenStackApi.tryLogin({ ...cloud.credentials, password: "wrong" })).status).toBe(401);

      // Glance's web-download fetches from the image server inside the lab.
      const url = cloud.putImage("test.raw", Buffer.alloc(65536, 1));
      const glance = cloud.api.endpoint("image")!;
      const created = await cloud.api.call("POST", "image", "/v2/images", { name: "lab-raw", disk_format: "raw", container_format: "bare" });
      expect(created.status, created.text).toBe(201);
      const imported = await cloud.api.call("POST", "image", `/v2/images/${created.body.id}/import`, { method: { name: "web-download", uri: url } });
      expect(imported.status, imported.text).toBe(202);
      let image: any;
      for (let i = 0; i < 60; i++) {
        image = await cloud.api.get("image", `/v2/images/${created.body.id}`);
        if (image.status === "active" || image.status === "killed") break;
        await new Promise((r) => setTimeout(r, 1000));
      }
      expect([image.status, image.size]).toEqual(["active", 65536]);
      expect(glance).toMatch(/^http:\/\/127\.42\./);

      // A kept-alive client (fetch) can GET then POST: the APIs answer `Connection: close`.
      const get = await fetch(`${cloud.api.endpoint("compute")}/flavors`, { headers: { "X-Auth-Token": cloud.api.token } });
      expect(get.status).toBe(200);
      expect(get.headers.get("connection")).toBe("close");
      const post = await fetch(`${cloud.api.endpoint("network")}/v2.0/networks`, {
        method: "POST",
        headers: { "X-Auth-Token": cloud.api.token, "Content-Type": "application/json" },
        body: JSON.stringify({ network: { name: "keepalive-net" } }),
      });
      expect(post.status).toBe(201);
      expect((await httpCall("GET", cloud.imageBaseUrl + "cirros.qcow2")).status).toBe(200);
    } finally {
      await cloud?.stop();
    }
  }, 1_200_000);
});
