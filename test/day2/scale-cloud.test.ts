// Scale out and in on the lab's real cloud: `rdoctl install` of 1 controller + 1 compute (real
// Keystone, Nova with the fake driver, Placement, Neutron OVN… started by the lab's Packstack),
// servers booted through the API, 2 computes added (the first attempt with a new host unreachable
// leaves the cloud untouched and the journal resumable), servers spread across the hosts by an
// anti-affinity group, then `rdoctl scale in` refusing a host with servers and removing an empty
// one. Each step is rerun and must change nothing. One cloud, sequential steps.
import * as fs from "node:fs";
import * as path from "node:path";
import YAML from "yaml";
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import { labCloud, type CliResult, type LabCloud } from "../install/lab-cloud";
import { labTopologySpec } from "../lab/inventory";
import { isLabSupported, reportLabSkipped, startLab, type Lab } from "../lab/lab";
import { OpenStackApi } from "../lab/openstack-api";
import { enableRealOpenStack, ensureOpenStackVenv, waitForComputes, waitUntil } from "../lab/openstack-cloud";
import type { Role } from "../../src/topology/model";

const support = isLabSupported();
if (!support.ok) reportLabSkipped(support.reason ?? "unknown", "test/day2/scale-cloud.test.ts");

const NOVA = { "OpenStack-API-Version": "compute 2.64" };
const CONTROLLER: Role[] = ["controller", "network", "storage"];

/** Progress lines for a run by hand: RDOCTL_TEST_TRACE=FILE. */
function trace(line: string): void {
  if (process.env.RDOCTL_TEST_TRACE) fs.appendFileSync(process.env.RDOCTL_TEST_TRACE, `${new Date().toISOString()} ${line}\n`);
}

function explain(r: CliResult): string {
  return `exit ${r.code}\nstderr:\n${r.stderr.slice(-4000)}\nstdout tail:\n${r.stdout.slice(-6000)}`;
}

describe.runIf(support.ok)("scale out and in on the lab's real cloud", () => {
  let lab: Lab;
  let cloud: LabCloud;
  let api: OpenStackApi;
  let flavorId: string;
  let imageId: string;
  const firstServers: string[] = [];

  const writeInventory = (roles: ReadonlyArray<readonly Role[]>, hostIndexes?: number[]): void => {
    const spec = labTopologySpec(lab, "scalecloud", lab.hosts.map(() => ["compute"] as Role[]));
    const hosts = (hostIndexes ?? roles.map((_, i) => i)).map((i, k) => ({ ...spec.hosts[i]!, roles: [...roles[k]!] }));
    fs.writeFileSync(cloud.inventory, YAML.stringify({ ...spec, hosts }));
  };
  const statePath = (file: string) => path.join(cloud.home, "clouds", "scalecloud", file);
  const nodeName = (i: number) => lab.hosts[i]!.fqdn;

  async function bootServer(name: string, hints?: Record<string, string>): Promise<string> {
    const r = await api.call("POST", "compute", "/servers", {
      server: { name, flavorRef: flavorId, imageRef: imageId, networks: "none" },
      ...(hints ? { "os:scheduler_hints": hints } : {}),
    }, NOVA);
    expect(r.status, r.text).toBe(202);
    return r.body.server.id as string;
  }
  async function serverHost(id: string): Promise<string> {
    let server: any;
    await waitUntil(`server ${id} ACTIVE`, async () => {
      server = (await api.get("compute", `/servers/${id}`, NOVA)).server;
      return server.status === "ACTIVE" || server.status === "ERROR" ? true : server.status;
    }, 300_000, 2000);
    expect(server.status, `server ${id}: ${JSON.stringify(server.fault)}`).toBe("ACTIVE");
    return server["OS-EXT-SRV-ATTR:host"] as string;
  }
  async function computeHosts(): Promise<string[]> {
    return (await api.computeServices()).filter((s) => s.binary === "nova-compute").map((s) => s.host).sort();
  }

  beforeAll(async () => {
    const venv = await ensureOpenStackVenv("2025.1");
    lab = await startLab({ hosts: [{ delayScale: 0 }, { delayScale: 0 }, { delayScale: 0 }, { delayScale: 0 }] });
    enableRealOpenStack(lab, venv);
    const plain = labCloud(lab, "scalecloud", [CONTROLLER, ["compute"]]);
    cloud = {
      ...plain,
      rdoctl: async (args, options) => {
        trace(`rdoctl ${args.join(" ")}`);
        const r = await plain.rdoctl(args, options);
        trace(`  exit ${r.code}`);
        return r;
      },
    };
  }, 900_000);
  afterAll(async () => {
    cloud?.dispose();
    await lab?.stop();
  }, 300_000);

  it("install 1 controller + 1 compute, boot servers; a rerun does nothing", async () => {
    trace("start: install 1 controller + 1 compute, boot servers; a rerun does");
    onTestFailed(({ task }) => trace(`FAILED: ${task.result?.errors?.map((e) => e.message).join("; ")}`));
    const first = await cloud.rdoctl(["install", cloud.inventory, "--json"]);
    expect(first.code, explain(first)).toBe(0);
    const members = JSON.parse(fs.readFileSync(statePath("members.json"), "utf8"));
    expect(members.hosts.map((h: { name: string }) => h.name)).toEqual([lab.hosts[0]!.name, lab.hosts[1]!.name]);
    expect(members.excluded).toEqual([]);

    const entry = YAML.parse(fs.readFileSync(statePath("clouds.yaml"), "utf8")).clouds.scalecloud;
    api = new OpenStackApi({ authUrl: entry.auth.auth_url, username: entry.auth.username, password: entry.auth.password, projectName: entry.auth.project_name, region: entry.region_name ?? "RegionOne" });
    await api.login();
    await waitForComputes(api, [nodeName(1)], [], 300_000);
    expect(await computeHosts()).toEqual([nodeName(1)]);

    const flavor = await api.call("POST", "compute", "/flavors", { flavor: { name: "scale.tiny", ram: 64, vcpus: 1, disk: 0 } });
    expect(flavor.status, flavor.text).toBe(200);
    flavorId = flavor.body.flavor.id;
    const image = await api.call("POST", "image", "/v2/images", { name: "scale-raw", disk_format: "raw", container_format: "bare" });
    expect(image.status, image.text).toBe(201);
    imageId = image.body.id;
    const upload = await fetch(`${api.endpoint("image")}/v2/images/${imageId}/file`, {
      method: "PUT",
      headers: { "X-Auth-Token": api.token, "Content-Type": "application/octet-stream", Connection: "close" },
      body: Buffer.alloc(65536, 7),
    });
    expect(upload.status).toBe(204);

    for (const name of ["first-1", "first-2"]) firstServers.push(await bootServer(name));
    for (const id of firstServers) expect(await serverHost(id)).toBe(nodeName(1));

    const again = await cloud.rdoctl(["install", cloud.inventory, "--json"]);
    expect(again.code, explain(again)).toBe(0);
    expect(again.events.filter((e) => e.type === "step" && e.status === "running")).toEqual([]);
    expect(again.events.find((e) => e.type === "finished")).toMatchObject({ ok: true, message: expect.stringContaining("nothing to do") });
  }, 1_800_000);

  it("add 2 computes with one unreachable: refused at preflight, the cloud untouched, the journal resumable", async () => {
    trace("start: add 2 computes with one unreachable: refused at preflight, t");
    onTestFailed(({ task }) => trace(`FAILED: ${task.result?.errors?.map((e) => e.message).join("; ")}`));
    const before = cloud.journal();
    writeInventory([CONTROLLER, ["compute"], ["compute"], ["compute"]]);
    await lab.linkDown(lab.hosts[3]!);
    try {
      const r = await cloud.rdoctl(["install", cloud.inventory, "--json", "--connect-timeout", "3"]);
      expect(r.code, explain(r)).toBe(1);
      expect(r.stderr + r.stdout).toMatch(new RegExp(`${lab.hosts[3]!.name}.*ssh`));
      expect(r.stderr).toMatch(/preflight failed \(nothing was changed on any host\)/);
    } finally {
      await lab.linkUp(lab.hosts[3]!);
    }
    const after = cloud.journal();
    expect(after.steps[`preflight/${lab.hosts[3]!.name}`]?.status).toBe("failed");
    for (const key of Object.keys(before.steps).filter((k) => !k.startsWith("preflight/"))) expect(after.steps[key], key).toEqual(before.steps[key]);
    expect(Object.keys(after.steps).filter((k) => k.startsWith("prepare/"))).toHaveLength(2);
    expect(await computeHosts()).toEqual([nodeName(1)]);
  }, 600_000);

  it("add 2 computes: only they are prepared, Packstack excludes the installed hosts, the scheduler spreads servers; a rerun does nothing", async () => {
    trace("start: add 2 computes: only they are prepared, Packstack excludes t");
    onTestFailed(({ task }) => trace(`FAILED: ${task.result?.errors?.map((e) => e.message).join("; ")}`));
    const before = cloud.journal();
    const r = await cloud.rdoctl(["install", cloud.inventory, "--json"]);
    expect(r.code, explain(r)).toBe(0);
    const infos = r.events.filter((e) => e.type === "info").map((e) => (e as { message: string }).message);
    expect(infos.join("\n")).toContain(`scale-out: new host(s) ${lab.hosts[2]!.name}, ${lab.hosts[3]!.name}`);
    // The lab's answer file names no tunnel subnets: rdoctl says what Packstack cannot do on excluded hosts.
    expect(r.events.filter((e) => e.type === "warning").map((e) => (e as { message: string }).message).join("\n")).toContain("CONFIG_NEUTRON_OVN_TUNNEL_SUBNETS");
    const journal = cloud.journal();
    const [h0, h1, h2, h3] = lab.hosts.map((h) => h.name);
    // What ran where: prepare on the new hosts only; the installed hosts' prepare records unchanged.
    expect(journal.steps[`prepare/${h0}`]).toEqual(before.steps[`prepare/${h0}`]);
    expect(journal.steps[`prepare/${h1}`]).toEqual(before.steps[`prepare/${h1}`]);
    expect(journal.steps[`prepare/${h2}`]?.status).toBe("done");
    expect(journal.steps[`prepare/${h3}`]?.status).toBe("done");
    const excluded = `${lab.hosts[0]!.address},${lab.hosts[1]!.address}`;
    expect(journal.steps[`answers/${h0}`]?.facts?.excludeServers).toBe(excluded);
    expect(journal.steps[`run/${h0}`]?.status).toBe("done");
    const stepsRun = r.events.filter((e) => e.type === "step" && e.status === "running").map((e) => `${(e as { phase: string }).phase}/${(e as { host: string }).host}`);
    expect(stepsRun).not.toContain(`prepare/${h0}`);
    expect(stepsRun).not.toContain(`prepare/${h1}`);

    // Packstack applied manifests of the new hosts only (the lab's Packstack honours EXCLUDE_SERVERS).
    const listing = await lab.run(lab.hosts[0]!, "ls /var/tmp/packstack/latest/manifests");
    const manifests = listing.stdout.split("\n").filter((f) => f.endsWith(".pp"));
    expect(manifests.sort()).toEqual([`${lab.hosts[2]!.address}_compute.pp`, `${lab.hosts[3]!.address}_compute.pp`]);
    const answers = lab.readFile(lab.hosts[0]!, "root/rdoctl-answers.txt");
    expect(answers).toMatch(new RegExp(`^EXCLUDE_SERVERS=${excluded}$`, "m"));

    trace("waiting for 3 computes");
    await waitForComputes(api, [nodeName(1), nodeName(2), nodeName(3)], [], 300_000);
    const group = await api.call("POST", "compute", "/os-server-groups", { server_group: { name: "spread", policy: "anti-affinity" } }, NOVA);
    expect(group.status, group.text).toBe(200);
    // One at a time: servers of one group booted together race for the same host (Nova's
    // late anti-affinity check then reschedules them until the attempts run out).
    const spread: string[] = [];
    const hosts: string[] = [];
    for (const name of ["spread-1", "spread-2", "spread-3"]) {
      const id = await bootServer(name, { group: group.body.server_group.id });
      spread.push(id);
      hosts.push(await serverHost(id));
      trace(`${name} on ${hosts[hosts.length - 1]}`);
    }
    expect([...new Set(hosts)].sort()).toEqual([nodeName(1), nodeName(2), nodeName(3)]);
    // Without a group too: the new hosts take servers (the first two went to the only compute).
    for (const id of spread) expect((await api.call("DELETE", "compute", `/servers/${id}`)).status).toBe(204);
    await waitUntil("spread servers deleted", async () => {
      const left = (await api.get("compute", "/servers?name=spread")).servers.length;
      return left === 0 ? true : `${left} left`;
    }, 300_000, 2000);

    const again = await cloud.rdoctl(["install", cloud.inventory, "--json"]);
    expect(again.code, explain(again)).toBe(0);
    expect(again.events.filter((e) => e.type === "step" && e.status === "running")).toEqual([]);
    expect(again.events.find((e) => e.type === "finished")).toMatchObject({ ok: true, message: expect.stringContaining("nothing to do") });
  }, 1_800_000);

  it("scale in: refuses a compute with servers (listing them); removes an empty one through the API; a rerun does nothing", async () => {
    trace("start: scale in: refuses a compute with servers (listing them); rem");
    onTestFailed(({ task }) => trace(`FAILED: ${task.result?.errors?.map((e) => e.message).join("; ")}`));
    // compute 1 still runs the first servers: refused, nothing deleted.
    writeInventory([CONTROLLER, ["compute"], ["compute"]], [0, 2, 3]);
    const refused = await cloud.rdoctl(["scale", "in", cloud.inventory]);
    expect(refused.code, explain(refused)).toBe(1);
    expect(refused.stderr).toMatch(/scale in refused: 2 server\(s\) still on/);
    for (const id of firstServers) expect(refused.stderr).toContain(id);
    expect(await computeHosts()).toEqual([nodeName(1), nodeName(2), nodeName(3)]);

    // install refuses while an installed host is missing from the inventory.
    const install = await cloud.rdoctl(["install", cloud.inventory]);
    expect(install.code, explain(install)).toBe(1);
    expect(install.stderr).toContain("rdoctl scale in");

    // compute 3 is empty: its service and resource provider go.
    writeInventory([CONTROLLER, ["compute"], ["compute"]], [0, 1, 2]);
    // (Not --json here: the lab helper reads stdout as NDJSON; scale in prints one JSON document.)
    const removed = await cloud.rdoctl(["scale", "in", cloud.inventory]);
    expect(removed.code, explain(removed)).toBe(0);
    const [node4] = [lab.hosts[3]!.name];
    expect(removed.stdout).toContain(`cloud scalecloud: removing ${node4} (${lab.hosts[3]!.address}): nova-compute service disabled and deleted`);
    expect(removed.stdout).toMatch(new RegExp(`${node4}: disabling nova-compute ${nodeName(3).replace(/\./g, "\\.")} `));
    expect(removed.stdout).toMatch(new RegExp(`${node4}: deleting nova-compute `));
    expect(removed.stdout).toContain(`removed ${node4}`);
    trace("scale in done; reading the API");
    expect(await computeHosts()).toEqual([nodeName(1), nodeName(2)]);
    const rps = (await api.get("placement", `/resource_providers?name=${nodeName(3)}`, { "OpenStack-API-Version": "placement 1.14" })).resource_providers;
    expect(rps).toEqual([]);
    const members = JSON.parse(fs.readFileSync(statePath("members.json"), "utf8"));
    expect(members.hosts.map((h: { name: string }) => h.name)).toEqual([lab.hosts[0]!.name, lab.hosts[1]!.name, lab.hosts[2]!.name]);

    const again = await cloud.rdoctl(["scale", "in", cloud.inventory]);
    expect(again.code, explain(again)).toBe(0);
    expect(again.stdout).toContain("nothing to remove");
  }, 900_000);
});
