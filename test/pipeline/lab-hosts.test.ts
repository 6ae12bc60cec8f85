import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import YAML from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { App } from "../../src/cdktf";
import { locateEngine } from "../../src/cloud/engine";
import { findEngine } from "../../src/pipeline/engine";
import { labHostsInventory, type LabHostOutput } from "../../src/pipeline/lab-hosts";
import { loadTopology } from "../../src/topology/load";
import { LabHostsStack } from "../../stacks/lab-hosts";
import { isLabSupported, reportLabSkipped } from "../lab/lab";
import { startOpenStackCloud, type OpenStackCloud } from "../lab/openstack-cloud";
import { explain, run } from "./helpers";

const support = isLabSupported();
if (!support.ok) reportLabSkipped(support.reason ?? "unknown", "test/pipeline/lab-hosts.test.ts");
const engineMissing = locateEngine().problems.length > 0 ? "engine not ready (npm run engine)" : undefined;
if (support.ok && engineMissing) reportLabSkipped(engineMissing, "test/pipeline/lab-hosts.test.ts");

function synthLabHosts(outdir: string, publicKey: string, cloud: { cloud: string; cloudsYaml: string }): string {
  const app = new App({ outdir });
  new LabHostsStack(app, "lab-hosts", {
    count: 3,
    imageUrl: "http://127.0.0.1:8090/cirros.qcow2",
    flavor: "m1.tiny",
    publicKey,
    cloud: { cloud: cloud.cloud, cloudsYaml: { from: "variable", defaultPath: cloud.cloudsYaml } },
  });
  app.synth();
  return path.join(outdir, "stacks", "lab-hosts");
}

describe.runIf(!engineMissing)("lab-hosts stack: what it asks of the cloud, checked by terraform validate", () => {
  it("provider ports without port security and with an address from their subnet, one soft anti-affinity group, cloud-init with the key; an inventory from its output", async () => {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "rdoctl-lab-hosts-synth-"));
    try {
      const publicKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBkq7x0cPXxQ2yN6rN0nGzvV0kQ5yF8Kq0b0mZ8m0Xy0 rdoctl";
      const dir = synthLabHosts(path.join(work, "out"), publicKey, { cloud: "lab", cloudsYaml: path.join(work, "clouds.yaml") });
      const tf = JSON.parse(fs.readFileSync(path.join(dir, "cdk.tf.json"), "utf8"));
      const ports = Object.values(tf.resource.openstack_networking_port_v2) as Array<Record<string, unknown>>;
      const providerPorts = ports.filter((p) => String(p.name).endsWith("-provider"));
      expect(providerPorts).toHaveLength(3);
      for (const p of providerPorts) {
        expect(p.port_security_enabled).toBe(false);
        expect(JSON.stringify(p.fixed_ip)).toMatch(/openstack_networking_subnet_v2\.\S+\.id/);
      }
      expect(Object.values(tf.resource.openstack_compute_servergroup_v2)).toEqual([expect.objectContaining({ policies: ["soft-anti-affinity"] })]);
      const servers = Object.values(tf.resource.openstack_compute_instance_v2) as Array<{ user_data: string; scheduler_hints?: unknown }>;
      expect(servers).toHaveLength(3);
      expect(servers[0]!.user_data).toMatch(/^#cloud-config\n/);
      expect(servers[0]!.user_data).toContain(publicKey);
      const engine = findEngine();
      for (const args of [["init", "-input=false", "-no-color", "-backend=false"], ["validate", "-no-color"]]) {
        const r = await run(engine.binary, args, { cwd: dir, env: engine.env });
        expect(r.code, explain(r)).toBe(0);
      }

      const inventory = path.join(work, "hosts.yaml");
      const hosts: LabHostOutput[] = [1, 2, 3].map((i) => ({ name: `rdoctl-host-${i}`, address: `10.42.0.${10 + i}`, provider_address: `10.43.0.${10 + i}`, server_id: `id-${i}` }));
      fs.writeFileSync(inventory, YAML.stringify(labHostsInventory(hosts, { name: "from-cloud", keyFile: path.join(work, "id_ed25519") })));
      expect(loadTopology(inventory).hosts.map((h) => `${h.name} ${h.address} ${h.roles.join("+")}`)).toEqual([
        "rdoctl-host-1 10.42.0.11 controller",
        "rdoctl-host-2 10.42.0.12 network",
        "rdoctl-host-3 10.42.0.13 compute",
      ]);
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
    }
  }, 120_000);
});

/**
 * Lab hosts from an existing cloud, as far as the lab's real OpenStack goes: the servers (fake
 * hypervisor: ACTIVE, nothing boots), their ports and server group, read back through the API,
 * and the inventory made from the stack's output. SSH into such servers needs a real hypervisor;
 * the install over SSH is proven on the lab's own hosts.
 */
describe.runIf(support.ok && !engineMissing)("lab hosts as servers of the lab's real OpenStack", () => {
  let cloud: OpenStackCloud;
  let work: string;
  beforeAll(async () => {
    cloud = await startOpenStackCloud();
    work = fs.mkdtempSync(path.join(os.tmpdir(), "rdoctl-lab-hosts-"));
  }, 900_000);
  afterAll(async () => {
    await cloud?.stop();
    if (work) fs.rmSync(work, { recursive: true, force: true });
  }, 300_000);

  it(
    "three servers with a management port and a provider port without port security, in one server group; their inventory loads",
    async () => {
      const keyFile = path.join(work, "id_ed25519");
      execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", keyFile]);
      const dir = synthLabHosts(path.join(work, "out"), fs.readFileSync(`${keyFile}.pub`, "utf8"), { cloud: cloud.cloudName, cloudsYaml: cloud.cloudsYaml });
      // The image from the lab's own image server.
      const tfFile = path.join(dir, "cdk.tf.json");
      fs.writeFileSync(tfFile, fs.readFileSync(tfFile, "utf8").replace("http://127.0.0.1:8090/", cloud.imageBaseUrl));
      expect(fs.readFileSync(path.join(dir, "cdk.tf.json"), "utf8")).not.toContain(cloud.password);

      const engine = findEngine();
      const env = { ...engine.env, TF_VAR_clouds_yaml: cloud.cloudsYaml };
      const tf = (args: string[]) => run(engine.binary, args, { cwd: dir, env });
      for (const args of [["init", "-input=false", "-no-color"], ["apply", "-auto-approve", "-input=false", "-no-color"]]) {
        const r = await tf(args);
        expect(r.code, explain(r)).toBe(0);
      }
      const hosts = JSON.parse((await tf(["output", "-json", "hosts"])).stdout) as LabHostOutput[];
      expect(hosts.map((h) => h.name)).toEqual(["rdoctl-host-1", "rdoctl-host-2", "rdoctl-host-3"]);

      // Through the API, not the state.
      const groups = (await cloud.api.get("compute", "/os-server-groups")).server_groups as Array<{ name: string; members: string[]; policies?: string[]; policy?: string }>;
      const group = groups.find((g) => g.name === "rdoctl-host-group")!;
      expect(group.policy ?? group.policies?.[0]).toBe("soft-anti-affinity");
      expect([...group.members].sort()).toEqual(hosts.map((h) => h.server_id).sort());
      for (const host of hosts) {
        const server = (await cloud.api.get("compute", `/servers/${host.server_id}`)).server as { status: string; addresses: Record<string, Array<{ addr: string }>> };
        expect(server.status).toBe("ACTIVE");
        expect(server.addresses["rdoctl-host-mgmt"]?.map((a) => a.addr)).toEqual([host.address]);
        const ports = (await cloud.api.get("network", `/v2.0/ports?name=${host.name}-provider`)).ports as Array<{ port_security_enabled: boolean; device_id: string; fixed_ips: Array<{ ip_address: string }> }>;
        expect(ports).toHaveLength(1);
        expect(ports[0]).toMatchObject({ port_security_enabled: false, device_id: host.server_id });
        expect(ports[0]!.fixed_ips[0]!.ip_address).toBe(host.provider_address);
      }

      // The inventory rdoctl installs on: it loads, with the roles of a three-node cloud.
      const inventory = path.join(work, "lab-hosts.yaml");
      fs.writeFileSync(inventory, YAML.stringify(labHostsInventory(hosts, { name: "from-cloud", keyFile })));
      const topology = loadTopology(inventory);
      expect(topology.hosts.map((h) => [h.address, h.roles.join("+")])).toEqual([
        [hosts[0]!.address, "controller"],
        [hosts[1]!.address, "network"],
        [hosts[2]!.address, "compute"],
      ]);

      const destroy = await tf(["destroy", "-auto-approve", "-input=false", "-no-color"]);
      expect(destroy.code, explain(destroy)).toBe(0);
      // The provider stops waiting at status DELETED; Nova lists a server until it has removed its row.
      const leftServers = async () => (await cloud.api.get("compute", "/servers?name=rdoctl-host")).servers as unknown[];
      const gone = Date.now() + 60_000;
      while ((await leftServers()).length > 0 && Date.now() < gone) await new Promise((resolve) => setTimeout(resolve, 1000));
      expect(await leftServers()).toEqual([]);
      const ports = (await cloud.api.get("network", "/v2.0/ports")).ports as Array<{ name: string }>;
      expect(ports.filter((p) => p.name.startsWith("rdoctl-host"))).toEqual([]);
    },
    900_000,
  );
});
