import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it, beforeAll } from "vitest";
import { answerFileCheck } from "../../src/packstack/answers";
import { InventoryError, loadInventory } from "../../src/topology";

/**
 * Every file in malformed/ must fail validation with exactly these issues, each as
 * `LINE:COL: PATH: MESSAGE (expected …)` (the file name prefix is added by the test).
 */
const EXPECTED: Record<string, readonly string[]> = {
  "alias-bomb.yaml": [
    "4:8: <yaml>: YAML aliases expand too much (Excessive alias count indicates a resource exhaustion attack) (expected at most 1000 alias uses)",
  ],
  "alias-undefined.yaml": [
    "7:10: <yaml>: alias *defaults has no anchor &defaults before it",
  ],
  "aodh-without-ceilometer.yaml": [
    "9:14: services.aodh.enabled: Aodh needs Ceilometer (alarms evaluate telemetry) (expected services.ceilometer.enabled: true, or aodh disabled)",
  ],
  "bad-cidr-prefix.yaml": [
    "9:9: externalNetwork.cidr: \"203.0.113.0/33\" is not a CIDR: prefix length \"33\" is not between 0 and 32 (expected a network such as 203.0.113.0/24)",
  ],
  "bad-hostname.yaml": [
    "5:14: hosts[0].address: \"aio_1.example.com\" is neither an IP address nor a valid host name (expected an IPv4/IPv6 address or a DNS name)",
  ],
  "bad-ipv4.yaml": [
    "5:14: hosts[0].address: \"192.168.122.300\" is not a valid IP address (expected an IPv4/IPv6 address or a DNS name)",
  ],
  "cidr-host-bits.yaml": [
    "9:9: externalNetwork.cidr: \"203.0.113.7/24\" has host bits set; did you mean \"203.0.113.0/24\"? (expected a network address)",
  ],
  "deployer-unknown.yaml": [
    "3:11: deployer: no host is named \"controler\"; did you mean \"controller\"? (expected one of controller)",
  ],
  "duplicate-address.yaml": [
    "8:14: hosts[1].address: duplicate host address \"192.168.122.11\" (also hosts[0]) (expected an address no other host uses)",
  ],
  "duplicate-name.yaml": [
    "7:11: hosts[1].name: duplicate host name \"node\" (also hosts[0]) (expected a name no other host uses)",
  ],
  "empty.yaml": [
    "1:1: <root>: the inventory is empty (expected a mapping with at least name and hosts)",
  ],
  "external-bridge-conflict.yaml": [
    "10:15: services.neutron.bridgeMappings.extnet: physical network \"extnet\" maps to bridge \"br-provider\" but externalNetwork.bridge is \"br-ex\" (expected the same bridge in both places, or no mapping for the external network's physical network)",
  ],
  "external-no-interface.yaml": [
    "8:3: externalNetwork: no physical interface is plugged into the external bridge \"br-ex\", so the external network cannot reach outside (expected externalNetwork.interface (e.g. eth1) or services.neutron.bridgeInterfaces[\"br-ex\"])",
  ],
  "gateway-outside-cidr.yaml": [
    "10:12: externalNetwork.gateway: gateway 198.51.100.1 is outside 203.0.113.0/24 (expected a host address inside 203.0.113.0/24)",
  ],
  "interface-address-invalid.yaml": [
    "9:18: hosts[0].interfaces[0].address: \"192.168.122.10\" is not an address with prefix: missing the /prefix length (expected an address with prefix such as 10.0.0.11/24)",
  ],
  "jump-unknown-host.yaml": [
    "11:13: hosts[1].ssh.jump: no host is named \"bastoin\"; did you mean \"bastion\"? (expected another host of the inventory, or [user@]address[:port])",
  ],
  "linuxbridge-2025.1.yaml": [
    "10:14: services.neutron.l2Agent: L2 agent \"linuxbridge\" is not available in release 2025.1 (Packstack dropped it; releases with it: 2023.1, 2023.2, 2024.1, 2024.2) (expected one of openvswitch, ovn)",
  ],
  "many-problems.yaml": [
    "9:13: hosts[0].ssh.port: 0 is out of range (expected an integer from 1 to 65535)",
    "13:5: hosts[1].fqnd: unknown key \"fqnd\"; did you mean \"fqdn\"?",
  ],
  "many-rule-problems.yaml": [
    "9:14: hosts[1].address: \"10.0.0.256\" is not a valid IP address (expected an IPv4/IPv6 address or a DNS name)",
    "13:14: services.neutron.l2Agent: L2 agent \"linuxbridge\" is not available in release 2025.1 (Packstack dropped it; releases with it: 2023.1, 2023.2, 2024.1, 2024.2) (expected one of openvswitch, ovn)",
    "15:14: services.aodh.enabled: Aodh needs Ceilometer (alarms evaluate telemetry) (expected services.ceilometer.enabled: true, or aodh disabled)",
  ],
  "missing-hosts.yaml": [
    "2:1: <root>: missing required key \"hosts\"",
  ],
  "mixed-ip-and-names.yaml": [
    "11:14: hosts[2].address: \"compute2.lab.example.com\" is a host name but hosts[0] uses an IPv4 address: Packstack accepts or rejects a mix of IP addresses and host names at random (expected an IPv4 address, like the other hosts)",
  ],
  "mixed-ipv4-ipv6.yaml": [
    "8:14: hosts[1].address: \"2001:db8::21\" is an IPv6 address but hosts[0] uses an IPv4 address: Packstack rejects IPv4 mixed with IPv6 (expected an IPv4 address, like the other hosts)",
  ],
  "multiple-documents.yaml": [
    "7:1: <yaml>: an inventory is one YAML document; this is the start of a second one",
  ],
  "nfs-host-name.yaml": [
    "11:16: services.cinder.nfsMounts: Packstack 2025.1 would refuse the answer file: Parameter CONFIG_CINDER_NFS_MOUNTS failed validation: The nfs export [nfs.example.com:/export/cinder] is not a valid export - use squares around ipv6 addresses -.",
  ],
  "nfs-without-mounts.yaml": [
    "9:16: services.cinder.backends[0]: the nfs backend needs at least one export in nfsMounts (expected nfsMounts such as 192.0.2.20:/export/cinder)",
  ],
  "no-controller.yaml": [
    "4:3: hosts: no host has the controller role (expected exactly one host with role controller)",
  ],
  "nova-without-compute.yaml": [
    "4:3: hosts: Nova is enabled but no host has the compute role (expected at least one host with role compute, or services.nova.enabled: false)",
  ],
  "ovn-with-vxlan.yaml": [
    "10:19: services.neutron.typeDrivers[0]: \"vxlan\" does not work with the ovn L2 agent (OVN tunnels with geneve; gre and vxlan need l2Agent openvswitch) (expected network types the ovn agent supports)",
    "11:26: services.neutron.tenantNetworkTypes[0]: \"vxlan\" does not work with the ovn L2 agent (OVN tunnels with geneve; gre and vxlan need l2Agent openvswitch) (expected network types the ovn agent supports)",
  ],
  "ovs-bridge-interface-unmapped.yaml": [
    "11:16: services.neutron.bridgeInterfaces[\"br-vlan\"]: bridge \"br-vlan\" is not the target of any bridge mapping (expected a bridge of bridgeMappings (br-ex))",
  ],
  "packstack-override-owned.yaml": [
    "12:28: packstack.CONFIG_NEUTRON_L2_AGENT: CONFIG_NEUTRON_L2_AGENT is written from services.neutron.l2Agent; an override would bypass the checks that keep it consistent with the rest of the model (expected services.neutron.l2Agent instead of packstack.CONFIG_NEUTRON_L2_AGENT)",
    "13:29: packstack.CONFIG_KEYSTONE_ADMIN_PW: CONFIG_KEYSTONE_ADMIN_PW is a password or key: in packstack: it would sit in plain text in the inventory (and in git) (expected no value here; store it with `rdoctl secrets set INVENTORY CONFIG_KEYSTONE_ADMIN_PW` (the cloud's secrets store, mode 0600))",
  ],
  "packstack-override-not-string.yaml": [
    "8:27: packstack.CONFIG_SERVICE_WORKERS: 4 is an integer (expected a string)",
  ],
  "packstack-override-other-release.yaml": [
    "9:26: packstack.CONFIG_SAHARA_INSTALL: Packstack 2024.1 has no parameter CONFIG_SAHARA_INSTALL (it exists in 2023.1, 2023.2) (expected a parameter of the 2024.1 catalog)",
  ],
  "packstack-override-typo.yaml": [
    "8:21: packstack.CONFIG_DEBUG_MOD: Packstack 2025.1 has no parameter CONFIG_DEBUG_MOD; did you mean \"CONFIG_DEBUG_MODE\"? (expected a parameter of the 2025.1 catalog)",
  ],
  "pool-outside-cidr.yaml": [
    "13:10: externalNetwork.allocationPool.end: allocation pool end 203.0.114.20 is outside 203.0.113.0/24 (expected a host address inside 203.0.113.0/24)",
  ],
  "port-not-integer.yaml": [
    "8:13: hosts[0].ssh.port: \"twenty-two\" is a string (expected an integer)",
  ],
  "port-out-of-range.yaml": [
    "8:13: hosts[0].ssh.port: 70000 is out of range (expected an integer from 1 to 65535)",
  ],
  "role-typo.yaml": [
    "6:13: hosts[0].roles[0]: \"controler\" is not allowed; did you mean \"controller\"? (expected one of controller, network, compute, storage, amqp, database, redis)",
  ],
  "roles-not-list.yaml": [
    "6:12: hosts[0].roles: \"controller\" is a string (expected a list)",
  ],
  "root-is-list.yaml": [
    "2:1: <root>: found a list (expected a mapping)",
  ],
  "sahara-2025.1.yaml": [
    "10:14: services.sahara.enabled: sahara is not available in release 2025.1 (its catalog has no CONFIG_SAHARA_INSTALL) (expected a release that has it (2023.1, 2023.2) or sahara disabled)",
  ],
  "syntax-compact-mapping.yaml": [
    "4:11: <yaml>: YAML syntax error: nested mappings are not allowed in compact mappings",
  ],
  "syntax-duplicate-key.yaml": [
    "7:1: <yaml>: duplicate key \"name\"",
  ],
  "syntax-tab-indent.yaml": [
    "5:1: <yaml>: YAML syntax error: tabs are not allowed as indentation",
    "5:11: <yaml>: YAML syntax error: nested mappings are not allowed in compact mappings",
    "5:11: <yaml>: YAML syntax error: implicit keys need to be on a single line",
  ],
  "syntax-unclosed-flow.yaml": [
    "7:1: <yaml>: YAML syntax error: flow sequence in block collection must be sufficiently indented and end with a ]",
  ],
  "tenant-type-flat.yaml": [
    "9:26: services.neutron.tenantNetworkTypes[0]: \"flat\" is not accepted by Packstack 2025.1 as a tenant network type (expected one of local, vlan, gre, vxlan, geneve)",
  ],
  "two-controllers.yaml": [
    "9:22: hosts[1].roles[1]: a second controller (\"ctl2\"; hosts[0] is the first): Packstack installs one controller (expected exactly one host with role controller)",
  ],
  "typo-and-rules.yaml": [
    "8:7: hosts[0].ssh.usr: unknown key \"usr\"; did you mean \"user\"?",
    "10:14: hosts[1].address: \"cmp1.example.com\" is a host name but hosts[0] uses an IPv4 address: Packstack accepts or rejects a mix of IP addresses and host names at random (expected an IPv4 address, like the other hosts)",
    "14:5: services.neutron.tunnelInterfce: unknown key \"tunnelInterfce\"; did you mean \"tunnelInterface\"?",
    "16:14: services.sahara.enabled: sahara is not available in release 2025.1 (its catalog has no CONFIG_SAHARA_INSTALL) (expected a release that has it (2023.1, 2023.2) or sahara disabled)",
  ],
  "unknown-host-key.yaml": [
    "5:5: hosts[0].adress: unknown key \"adress\"; did you mean \"address\"?",
  ],
  "unknown-release.yaml": [
    "3:10: release: \"2025.2\" is not allowed (expected one of 2023.1, 2023.2, 2024.1, 2024.2, 2025.1, master, antelope, bobcat, caracal, dalmatian, epoxy, flamingo)",
  ],
  "unknown-ssh-key.yaml": [
    "9:7: hosts[0].ssh.prot: unknown key \"prot\"; did you mean \"port\"?",
  ],
  "unknown-top-key.yaml": [
    "3:1: relase: unknown key \"relase\"; did you mean \"release\"?",
  ],
  "vlan-range-unmapped.yaml": [
    "10:18: services.neutron.vlanRanges[0]: physical network \"physnet2\" has no bridge mapping (expected a physical network of bridgeMappings (extnet))",
  ],
  "vmdk-2025.1.yaml": [
    "10:21: services.cinder.backends[1]: Cinder backend \"vmdk\" is not available in release 2025.1 (Packstack dropped it; releases with it: 2023.1, 2023.2, 2024.1, 2024.2) (expected one of lvm, nfs, netapp, solidfire)",
  ],
};

const MALFORMED = join(__dirname, "malformed");
const ROOT = join(__dirname, "..", "..");

/** Whether dist/ lacks, or has an older copy of, any module `rdoctl validate` runs. */
function compiledIsStale(): boolean {
  const sources = ["src/errors.ts", "schema/inventory.schema.json", "package.json"];
  for (const dir of ["src/topology", "src/cli", "src/cli/commands"]) {
    for (const name of readdirSync(join(ROOT, dir))) if (name.endsWith(".ts")) sources.push(`${dir}/${name}`);
  }
  return sources.some((source) => {
    const built = join(ROOT, "dist", source.replace(/\.ts$/, ".js"));
    return !existsSync(built) || statSync(built).mtimeMs < statSync(join(ROOT, source)).mtimeMs;
  });
}

/** As `rdoctl validate` reads a file: the answer writer's checks included. */
function issuesOf(file: string): InventoryError {
  try {
    loadInventory(file, { checks: [answerFileCheck] });
  } catch (err) {
    if (err instanceof InventoryError) return err;
    throw err;
  }
  throw new Error(`${file} validated, but it is malformed`);
}

describe("malformed inventories", () => {
  // Paths in messages are as given on the command line: relative to the project root.
  beforeAll(() => process.chdir(ROOT));
  const files = readdirSync(MALFORMED).filter((f) => f.endsWith(".yaml")).sort();

  it("has at least 30 cases, each with expectations", () => {
    expect(files.length).toBeGreaterThanOrEqual(30);
    expect(Object.keys(EXPECTED).sort()).toEqual(files);
  });

  it.each(files)("%s reports every issue with file:line:column", (name) => {
    const file = join("test/topology/malformed", name);
    const error = issuesOf(file);
    const expected = EXPECTED[name]!.map((line) => `${file}:${line}`);
    expect(error.message.split("\n")).toEqual(expected);
    expect(error.exitCode).toBe(1);
    for (const issue of error.issues) {
      expect(issue.file).toBe(file);
      expect(issue.line).toBeGreaterThanOrEqual(1);
      expect(issue.column).toBeGreaterThanOrEqual(1);
    }
  });
});

describe("rdoctl validate (compiled CLI)", () => {
  const bin = join(ROOT, "bin", "rdoctl.js");
  const run = (...args: string[]) => spawnSync(process.execPath, [bin, "validate", ...args], { cwd: ROOT, encoding: "utf8" });

  beforeAll(() => {
    // Build only when the compiled validate path is missing or older than its sources; tsc emits
    // even when files of other areas do not typecheck.
    if (compiledIsStale()) {
      spawnSync(process.execPath, [join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.json"], { cwd: ROOT, encoding: "utf8" });
    }
    expect(compiledIsStale()).toBe(false);
  });

  it.each([
    "syntax-unclosed-flow.yaml",
    "syntax-duplicate-key.yaml",
    "unknown-host-key.yaml",
    "port-not-integer.yaml",
    "bad-ipv4.yaml",
    "mixed-ip-and-names.yaml",
    "linuxbridge-2025.1.yaml",
    "external-no-interface.yaml",
    "many-problems.yaml",
    "typo-and-rules.yaml",
    "empty.yaml",
    "packstack-override-owned.yaml",
    "nfs-host-name.yaml",
  ])("%s: exit 1, the issues on stderr, no stack trace", (name) => {
    const file = `test/topology/malformed/${name}`;
    const result = run(file);
    expect(result.status).toBe(1);
    expect(result.stdout).toBe("");
    const lines = result.stderr.trimEnd().split("\n");
    const count = EXPECTED[name]!.length;
    expect(lines).toEqual([...EXPECTED[name]!.map((line) => `${file}:${line}`), `rdoctl: ${file}: ${count} problem${count === 1 ? "" : "s"}`]);
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });

  it("--json prints the issues as data and exits 1", () => {
    const file = "test/topology/malformed/unknown-ssh-key.yaml";
    const result = run(file, "--json");
    expect(result.status).toBe(1);
    const report = JSON.parse(result.stdout) as { valid: boolean; issues: unknown[] };
    expect(report.valid).toBe(false);
    expect(report.issues).toEqual([
      { rule: "schema", severity: "error", file, line: 9, column: 7, path: "hosts[0].ssh.prot", message: 'unknown key "prot"; did you mean "port"?' },
    ]);
  });

  it("a valid inventory exits 0 with a one-line summary", () => {
    const result = run("inventories/six-node.yaml");
    expect(result.status).toBe(0);
    expect(result.stdout).toBe(
      "inventories/six-node.yaml: valid: cloud six-node, release 2025.1, 6 hosts, controller controller, ovn, external network 192.0.2.0/24 on br-ex\n",
    );
  });

  it("--release checks against another release", () => {
    const older = run("test/topology/malformed/linuxbridge-2025.1.yaml", "--release", "2024.2");
    expect(older.status).toBe(0);
    expect(older.stdout).toContain("release 2024.2");
    const bad = run("inventories/all-in-one.yaml", "--release", "2026.1");
    expect(bad.status).toBe(2);
    expect(bad.stderr).toBe("rdoctl: --release 2026.1: not a release rdoctl supports (2023.1 (antelope), 2023.2 (bobcat), 2024.1 (caracal), 2024.2 (dalmatian), 2025.1 (epoxy), master (flamingo))\nusage: rdoctl validate [options] <inventory>  (`rdoctl validate --help` lists the options)\n");
  });

  it("a missing file is a clear error with exit 1", () => {
    const result = run("inventories/no-such-file.yaml");
    expect(result.status).toBe(1);
    expect(result.stderr).toBe("rdoctl: inventories/no-such-file.yaml: inventory not found\n");
  });

  it("no argument is a usage error with exit 2", () => {
    const result = spawnSync(process.execPath, [bin, "validate"], { cwd: ROOT, encoding: "utf8" });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("missing required argument 'inventory'");
  });
});
