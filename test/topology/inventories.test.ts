import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { CloudBuilder, hostsWithRole, loadInventory, parseInventory, type TopologySpec } from "../../src/topology";
import threeNode from "../../stacks/topologies/three-node";

const INVENTORIES = join(__dirname, "..", "..", "inventories");
const examples = ["all-in-one", "three-node", "six-node"] as const;

describe("example inventories", () => {
  it.each(examples)("%s validates, with the schema comment editors need", (name) => {
    const file = join(INVENTORIES, `${name}.yaml`);
    expect(readFileSync(file, "utf8").split("\n", 1)[0]).toBe("# yaml-language-server: $schema=../schema/inventory.schema.json");
    const topology = loadInventory(file);
    expect(topology.name).toBe(name);
    expect(hostsWithRole(topology, "controller")).toHaveLength(1);
    expect(topology.externalNetwork?.interface).toBeDefined();
  });

  it("all-in-one puts every role on 192.168.122.10 with OVN and a flat external network on br-ex/eth1", () => {
    const t = loadInventory(join(INVENTORIES, "all-in-one.yaml"));
    expect(t.hosts.map((h) => h.address)).toEqual(["192.168.122.10"]);
    expect(t.hosts[0]!.roles).toEqual(expect.arrayContaining(["controller", "network", "compute"]));
    expect(t.services.neutron.l2Agent).toBe("ovn");
    expect(t.services.neutron.bridgeMappings).toEqual({ extnet: "br-ex" });
    expect(t.services.neutron.bridgeInterfaces).toEqual({ "br-ex": "eth1" });
    expect(t.externalNetwork).toMatchObject({ type: "flat", cidr: "203.0.113.0/24", bridge: "br-ex" });
  });

  it("three-node has a controller, a network node and a compute node", () => {
    const t = loadInventory(join(INVENTORIES, "three-node.yaml"));
    expect(["controller", "network", "compute"].map((role) => hostsWithRole(t, role as "controller").map((h) => h.name))).toEqual([
      ["controller"],
      ["network"],
      ["compute1"],
    ]);
  });

  it("six-node has 1 controller, 1 network and 4 compute hosts with Cinder LVM, Swift, Heat and Trove", () => {
    const t = loadInventory(join(INVENTORIES, "six-node.yaml"));
    expect(hostsWithRole(t, "controller")).toHaveLength(1);
    expect(hostsWithRole(t, "network")).toHaveLength(1);
    expect(hostsWithRole(t, "compute")).toHaveLength(4);
    expect(t.services.cinder).toMatchObject({ enabled: true, backends: ["lvm"] });
    expect(t.services.swift.enabled).toBe(true);
    expect(t.services.heat.enabled).toBe(true);
    expect(t.services.trove.enabled).toBe(true);
  });
});

describe("builder and YAML give the same topology", () => {
  it("for the three-node example", () => {
    const fromYaml = loadInventory(join(INVENTORIES, "three-node.yaml"));
    // The same builder chain the project ships as stacks/topologies/three-node.ts.
    const fromBuilder = threeNode.build();
    expect(fromBuilder).toEqual(fromYaml);
  });

  it("for every example, when the builder is fed the YAML's spec", () => {
    for (const name of examples) {
      const text = readFileSync(join(INVENTORIES, `${name}.yaml`), "utf8");
      const spec = parse(text) as TopologySpec;
      const builder = new CloudBuilder(spec.name).release(spec.release!);
      if (spec.domain) builder.domain(spec.domain);
      for (const host of spec.hosts) builder.host(host);
      for (const [service, options] of Object.entries(spec.services ?? {})) builder.service(service as "heat", options as object);
      if (spec.ntpServers) builder.ntpServers(...spec.ntpServers);
      if (spec.ssl) builder.ssl(spec.ssl);
      if (spec.externalNetwork) builder.externalNetwork(spec.externalNetwork);
      expect(builder.build()).toEqual(parseInventory(text, `${name}.yaml`));
    }
  });

  it("toSpec returns a copy the caller cannot use to change the builder", () => {
    const builder = new CloudBuilder("lab").host({ name: "aio", address: "10.0.0.10", roles: ["controller", "compute"] }).enable("heat");
    const spec = builder.toSpec() as unknown as { hosts: unknown[] };
    spec.hosts.push({ name: "extra" });
    expect(builder.toSpec().hosts).toHaveLength(1);
    expect(builder.toSpec().services).toEqual({ heat: { enabled: true } });
  });

  it("enable and service options merge", () => {
    const t = new CloudBuilder("lab")
      .host({ name: "aio", address: "10.0.0.10", roles: ["controller", "compute"] })
      .service("swift", { devices: ["/dev/vdb"] })
      .enable("swift", "ceilometer", "aodh")
      .disable("horizon")
      .packstack({ CONFIG_DEBUG_MODE: "y" })
      .packstack({ CONFIG_SERVICE_WORKERS: "4" })
      .build();
    expect(t.services.swift).toMatchObject({ enabled: true, devices: ["/dev/vdb"] });
    expect(t.services.aodh.enabled).toBe(true);
    expect(t.services.horizon.enabled).toBe(false);
    expect(t.packstack).toEqual({ CONFIG_DEBUG_MODE: "y", CONFIG_SERVICE_WORKERS: "4" });
  });
});

describe("YAML details", () => {
  const base = "name: lab\nhosts:\n  - {name: aio, address: 10.0.0.10, roles: [controller, compute]}\n";

  it("can be resolved for another release than its own", () => {
    const text = `${base}release: "2024.2"\nservices: {neutron: {l2Agent: linuxbridge}}\n`;
    expect(parseInventory(text, "x.yaml").release).toBe("2024.2");
    expect(() => parseInventory(text, "x.yaml", { release: "2025.1" })).toThrow(
      'x.yaml:5:31: services.neutron.l2Agent: L2 agent "linuxbridge" is not available in release 2025.1',
    );
  });

  it("takes a release codename as an alias of its version", () => {
    expect(parseInventory(`${base}release: epoxy\n`, "x.yaml").release).toBe("2025.1");
    expect(parseInventory(`${base}release: caracal\n`, "x.yaml").release).toBe("2024.1");
  });

  it("reports a list used as a key, and shows an infinite number as written", () => {
    expect(() => parseInventory(`${base}? [a, b]\n: 1\n`, "x.yaml")).toThrow(/^x\.yaml:4:3: <yaml>: a key is a list or mapping \(expected a plain key such as name:\)$/);
    expect(() => parseInventory("name: lab\nhosts:\n  - {name: aio, address: 10.0.0.10, roles: [controller, compute], ssh: {port: .inf}}\n", "x.yaml")).toThrow(
      "hosts[0].ssh.port: Infinity is a number (expected an integer)",
    );
  });

  it("reads an unquoted release as written", () => {
    expect(parseInventory(`${base}release: 2023.2\n`, "x.yaml").release).toBe("2023.2");
  });

  it("accepts anchors, aliases and merge keys, with x- keys to hold shared settings", () => {
    const t = parseInventory(
      [
        "name: lab",
        "x-compute: &compute",
        "  roles: [compute]",
        "  ssh: &ssh {user: cloud-user, port: 2222}",
        "hosts:",
        "  - {name: ctl, address: 10.0.0.1, roles: [controller], ssh: *ssh}",
        "  - <<: *compute",
        "    name: c1",
        "    address: 10.0.0.2",
        "",
      ].join("\n"),
      "x.yaml",
    );
    expect(t.hosts.map((h) => [h.name, h.roles, h.ssh.user, h.ssh.port])).toEqual([
      ["ctl", ["controller"], "cloud-user", 2222],
      ["c1", ["compute"], "cloud-user", 2222],
    ]);
    expect(() => parseInventory("name: lab\ndefaults: {}\nhosts: [{name: a, address: 10.0.0.1, roles: [controller, compute]}]\n", "x.yaml")).toThrow(
      'x.yaml:2:1: defaults: unknown key "defaults"',
    );
  });

  it("locates a problem brought in by a merge key where the anchored map wrote it, unless the host overrides it", () => {
    const inventory = (hostSsh: string) =>
      [
        "name: lab",
        "x-compute: &compute",
        "  roles: [compute]",
        "  ssh: {user: cloud-user, prot: 22}",
        "hosts:",
        "  - {name: ctl, address: 10.0.0.1, roles: [controller]}",
        "  - <<: *compute",
        "    name: c1",
        "    address: 10.0.0.2",
        hostSsh,
        "",
      ].join("\n");
    expect(() => parseInventory(inventory(""), "x.yaml")).toThrow('x.yaml:4:27: hosts[1].ssh.prot: unknown key "prot"; did you mean "port"?');
    expect(() => parseInventory(inventory("    ssh: {port: 0}"), "x.yaml")).toThrow("x.yaml:10:17: hosts[1].ssh.port: 0 is out of range");
  });
});
