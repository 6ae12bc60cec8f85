// Lab inventories: what `scripts/lab.mjs up` writes must be a cloud rdoctl accepts as it is.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { hostForRole, hostsWithRole, resolveTopology, validateTopologySpec } from "../../src/topology";
import { loadInventory } from "../../src/topology/inventory";
import { LAB_EXTERNAL_NETWORK, labCloudSpec, labRoles, labTopologySpec, writeLabInventory } from "./inventory";
import { isLabSupported, reportLabSkipped, type LabHost } from "./lab";

const REPO = resolve(__dirname, "../..");
const KEY_FILE = "/run/rdoctl-lab/rltest/client/id_ed25519";

/** The lab's description of N hosts as startLab reports it (addresses, FQDNs, fingerprints). */
function labOf(count: number): { hosts: LabHost[]; clientKeyFile: string } {
  const hosts = Array.from({ length: count }, (_, i): LabHost => {
    const name = `node${i + 1}`;
    const digest = createHash("sha256").update(name).digest("base64").replace(/=+$/, "");
    return {
      name,
      fqdn: `${name}.rdoctl-lab.test`,
      address: `127.42.7.${11 + i}`,
      port: 22,
      rootDir: `/run/rdoctl-lab/rltest/hosts/${name}/root`,
      hostKeyFingerprint: `SHA256:${digest}`,
      hostPublicKey: "ssh-ed25519 AAAA",
      knownHostsLine: "",
      netns: `rltest-${name}`,
    };
  });
  return { hosts, clientKeyFile: KEY_FILE };
}

describe("lab inventory", () => {
  const layouts: Array<[number, string[][]]> = [
    [1, [["controller", "network", "compute", "storage"]]],
    [2, [["controller", "network"], ["compute"]]],
    [4, [["controller"], ["network"], ["compute"], ["compute"]]],
  ];

  it.each(layouts)("%i host(s): passes every rule, with the lab's roles, addresses, key and pinned host keys", (count, roles) => {
    const lab = labOf(count);
    const spec = labCloudSpec(lab, "lab");
    const topology = validateTopologySpec(spec);
    expect(resolveTopology(spec)).toEqual(topology);
    expect(topology.release).toBe("2025.1");
    expect(topology.hosts.map((h) => h.roles)).toEqual(roles);
    expect(topology.deployer).toBe("node1");
    expect(hostForRole(topology, "network").name).toBe(count <= 2 ? "node1" : "node2");
    expect(hostsWithRole(topology, "compute").map((h) => h.name)).toEqual(
      count === 1 ? ["node1"] : lab.hosts.slice(count === 2 ? 1 : 2).map((h) => h.name),
    );
    topology.hosts.forEach((host, i) => {
      expect(host.address).toBe(lab.hosts[i]!.address);
      expect(host.fqdn).toBe(lab.hosts[i]!.fqdn);
      expect(host.ssh.keyFile).toBe(KEY_FILE);
      expect(host.ssh.hostKeys).toEqual([lab.hosts[i]!.hostKeyFingerprint]);
      expect(host.ssh.user).toBe("root");
    });
    expect(topology.externalNetwork).toMatchObject({ interface: "eth1", cidr: "203.0.113.0/24", gateway: "203.0.113.1" });
  });

  it("refuses more role sets than the lab has hosts, and zero hosts", () => {
    expect(() => labRoles(0)).toThrow(/at least one host/);
    expect(() => labTopologySpec(labOf(2), "lab", labRoles(3))).toThrow("3 role sets for a lab of 2 host(s)");
  });

  it("writes a YAML inventory that loads to the same cloud, with a schema comment that resolves", () => {
    const dir = mkdtempSync(join(tmpdir(), "rdoctl-lab-inventory-"));
    try {
      const file = join(dir, "inventory.yaml");
      const spec = labCloudSpec(labOf(3), "lab");
      writeLabInventory(file, spec);
      const text = readFileSync(file, "utf8");
      const schema = /^# yaml-language-server: \$schema=(\S+)$/m.exec(text)?.[1];
      expect(schema).toBeDefined();
      expect(resolve(dirname(file), schema!)).toBe(join(REPO, "schema", "inventory.schema.json"));
      expect(loadInventory(file)).toEqual(validateTopologySpec(spec));
      expect(loadInventory(file).externalNetwork?.allocationPool).toEqual(LAB_EXTERNAL_NETWORK.allocationPool);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

const support = isLabSupported();
if (!support.ok) reportLabSkipped(support.reason ?? "unknown", "test/lab/inventory.test.ts");

describe.runIf(support.ok)("lab.mjs up writes an inventory", () => {
  let labId: string | undefined;

  afterAll(() => {
    if (labId) spawnSync(process.execPath, ["scripts/lab.mjs", "down", labId], { cwd: REPO, encoding: "utf8" });
  });

  it("`up 1` prints an inventory that `rdoctl validate` accepts, and the install command for it", () => {
    const up = spawnSync(process.execPath, ["scripts/lab.mjs", "up", "1"], { cwd: REPO, encoding: "utf8", env: { ...process.env, SUDO_USER: "" } });
    labId = /^lab (\S+): 1 host\(s\) up/m.exec(up.stdout)?.[1];
    expect(up.status, up.stderr).toBe(0);
    expect(labId).toBeDefined();
    const inventory = /^\s+inventory\s+(\S+)/m.exec(up.stdout)?.[1];
    expect(inventory).toMatch(new RegExp(`/${labId}/inventory\\.yaml$`));
    expect(up.stdout).toContain(`RDOCTL_HOME=${join(dirname(inventory!), "rdoctl")} npx rdoctl install ${inventory}`);

    const validate = spawnSync(
      process.execPath,
      ["--import", "tsx", "test/install/rdoctl-entry.ts", "validate", inventory!, "--json"],
      { cwd: REPO, encoding: "utf8" },
    );
    expect(validate.status, validate.stdout + validate.stderr).toBe(0);
    const topology = loadInventory(inventory!);
    expect(topology.hosts).toHaveLength(1);
    expect(topology.hosts[0]!.roles).toEqual(["controller", "network", "compute", "storage"]);
    expect(topology.hosts[0]!.ssh.keyFile).toBe(join(dirname(inventory!), "client", "id_ed25519"));
  });
});
