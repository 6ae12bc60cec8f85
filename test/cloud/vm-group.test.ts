import { describe, expect, it } from "vitest";
import { Testing, TerraformStack } from "../../src/cdktf";
import { Image, Keypair, OpenStackCloud, SecurityGroup, TenantNetwork, VmGroup, Volume } from "../../src/cloud";
import { Server } from "../../src/cloud/compute/server";
import { resourcesOf, synth, withoutMetadata, problemsAfter } from "./synth";

const PUBLIC_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJ3m2mD8q1m0kq9vC0b0Rn0QmQn2lq7wqfJv3uV0cQeY lab@example";

function group(count: number) {
  const stack = new TerraformStack(Testing.app(), "group");
  new OpenStackCloud(stack, "cloud", { cloud: "lab" });
  const net = new TenantNetwork(stack, "net", { name: "net", cidr: "10.1.0.0/24" });
  const sg = new SecurityGroup(stack, "sg", { name: "web", presets: ["http"] });
  const key = new Keypair(stack, "key", { name: "lab", publicKey: PUBLIC_KEY });
  const vms = new VmGroup(stack, "web", {
    namePrefix: "web",
    count,
    image: { name: "cirros" },
    flavor: { name: "m1.small" },
    ports: [{ network: net, securityGroups: [sg] }],
    keypair: key,
    userData: "#cloud-config\n",
    serverGroupPolicy: "anti-affinity",
  });
  return { out: synth(stack), vms };
}

/** A server's config with what differs by design (its name, its own port) taken out. */
function spec(config: Record<string, unknown>) {
  const { name, network, ...rest } = withoutMetadata(config);
  return { name, portCount: (network as unknown[]).length, rest };
}

describe("VmGroup", () => {
  it.each([1, 3, 7])("makes %i servers with one spec", (count) => {
    const { out, vms } = group(count);
    const servers = resourcesOf(out, "openstack_compute_instance_v2").map(([, c]) => spec(c));
    expect(servers).toHaveLength(count);
    expect(vms.servers).toHaveLength(count);
    expect(servers.map((s) => s.name).sort()).toEqual(Array.from({ length: count }, (_, i) => `web-${i + 1}`).sort());
    for (const server of servers) {
      expect(server.rest).toEqual(servers[0]!.rest);
      expect(server.portCount).toBe(1);
    }
    expect(servers[0]!.rest).toMatchObject({ image_name: "cirros", flavor_name: "m1.small", key_pair: expect.stringMatching(/^\$\{openstack_compute_keypair_v2\.key_keypair_[0-9A-F]+\.name\}$/), user_data: "#cloud-config\n" });
    const ports = resourcesOf(out, "openstack_networking_port_v2").map(([, p]) => withoutMetadata(p));
    expect(ports).toHaveLength(count);
    for (const port of ports) {
      const { name, ...rest } = port;
      expect(name).toMatch(/^web-\d+-net$/);
      const { name: _n, ...first } = ports[0]!;
      void _n;
      expect(rest).toEqual(first);
    }
    expect(Testing.toHaveResourceWithProperties(out.text, "openstack_compute_servergroup_v2", { policies: ["anti-affinity"] })).toBe(true);
  });

  it("refuses a fixed address shared by every server", () => {
    const stack = new TerraformStack(Testing.app(), "fixed");
    new OpenStackCloud(stack, "cloud", { cloud: "lab" });
    const net = new TenantNetwork(stack, "net", { name: "net", cidr: "10.1.0.0/24" });
    expect(problemsAfter(() => new VmGroup(stack, "web", { namePrefix: "web", count: 2, image: { name: "cirros" }, flavor: { name: "m1.small" }, ports: [{ network: net, fixedIp: "10.1.0.5" }] }))).toMatch(
      /fixed\/web: ports of a VmGroup cannot have fixedIp/,
    );
  });
});

describe("Server", () => {
  it("boots from a volume made from an image and attaches an existing data volume", () => {
    const stack = new TerraformStack(Testing.app(), "bfv");
    new OpenStackCloud(stack, "cloud", { cloud: "lab" });
    const net = new TenantNetwork(stack, "net", { name: "net", cidr: "10.2.0.0/24" });
    const image = new Image(stack, "img", { name: "cirros", source: { url: "https://example.org/cirros.img" } });
    const data = new Volume(stack, "data", { name: "data", sizeGb: 10 });
    new Server(stack, "db", {
      name: "db",
      flavor: { name: "m1.small" },
      ports: [{ network: net, fixedIp: "10.2.0.10" }],
      blockDevices: [
        { source: { image }, sizeGb: 20, bootIndex: 0 },
        { source: { volume: data }, bootIndex: -1 },
      ],
    });
    const out = synth(stack);
    const [[, server]] = resourcesOf(out, "openstack_compute_instance_v2") as [[string, Record<string, unknown>]];
    expect(server).not.toHaveProperty("image_id");
    expect(server.block_device).toEqual([
      { source_type: "image", uuid: expect.stringMatching(/^\$\{openstack_images_image_v2\.img_image_[0-9A-F]+\.id\}$/), destination_type: "volume", volume_size: 20, boot_index: 0, delete_on_termination: true },
      { source_type: "volume", uuid: expect.stringMatching(/^\$\{openstack_blockstorage_volume_v3\.data_volume_[0-9A-F]+\.id\}$/), destination_type: "volume", boot_index: -1, delete_on_termination: false },
    ]);
    expect(Testing.toHaveResourceWithProperties(out.text, "openstack_networking_port_v2", { fixed_ip: [{ ip_address: "10.2.0.10" }] })).toBe(true);
  });

  it("needs something to boot from", () => {
    const stack = new TerraformStack(Testing.app(), "noboot");
    const net = new TenantNetwork(stack, "net", { name: "net", cidr: "10.2.0.0/24" });
    expect(problemsAfter(() => new Server(stack, "vm", { name: "vm", flavor: { name: "m1.small" }, ports: [{ network: net }] }))).toMatch(
      /noboot\/vm: no image and no block device with bootIndex 0/,
    );
  });
});
