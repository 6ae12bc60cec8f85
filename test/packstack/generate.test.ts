import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { generateAnswers, isSecretParam } from "../../src/packstack/answers";
import { loadCatalog } from "../../src/packstack/catalog";
import { exampleAnswerFiles } from "../../src/packstack/examples";
import { writeAnswerFile } from "../../src/packstack/files";
import { loadAnswers } from "../../src/packstack/load";
import { PROCESSORS } from "../../src/packstack/processors";
import type { PackstackValue } from "../../src/packstack/pyrepr";
import { VALIDATORS } from "../../src/packstack/validators";
import { DeterministicSecretSource } from "../../src/packstack/secrets";
import { resolveTopology } from "../../src/topology/resolve";
import { RELEASES, type TopologySpec } from "../../src/topology/model";
import { hasPython, INVENTORIES, inventory, pythonRead, ROOT } from "./helpers";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "rdoctl-answers-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const cases = INVENTORIES.flatMap((name) => RELEASES.map((release) => [name, release] as const));

describe.each(cases)("%s × Packstack %s", (name, release) => {
  const topology = inventory(name);
  const file = generateAnswers(topology, { release, secrets: new DeterministicSecretSource(topology.name) });
  const catalog = loadCatalog(release);

  it("has every parameter of the release, in Packstack's order, and nothing else", () => {
    expect(Object.keys(file.values)).toEqual(catalog.orderedParams.map((p) => p.name));
  });

  it("passes every processor, validator and post-load check of that release", () => {
    const result = loadAnswers(catalog, (k) => file.values[k], { randomHex: () => "0" });
    expect(result.failure).toBeUndefined();
    expect(result.defaulted).toEqual([]);
  });

  it("every value passes its validators; the only exceptions are Packstack's own defaults in groups it skips", () => {
    const loaded = loadAnswers(catalog, (k) => file.values[k], { randomHex: () => "0" });
    const failing: string[] = [];
    for (const param of catalog.orderedParams) {
      let value: PackstackValue = file.values[param.name]!;
      for (const name of param.processors) value = PROCESSORS[name]!(value, param.name, { config: loaded.config, home: "/root", randomHex: () => "0" });
      for (const name of param.validators) {
        try {
          VALIDATORS[name]!(value, param.option_list);
        } catch {
          failing.push(param.name);
        }
      }
    }
    for (const key of failing) {
      const param = catalog.byName.get(key)!;
      expect(loaded.skippedGroups, key).toContain(param.group);
      expect(file.values[key], key).toBe(param.default);
    }
  });

  it("never writes text after a value, and names its secret source in the header", () => {
    expect(file.text.split("\n").filter((l) => /^CONFIG_|^EXCLUDE_/.test(l) && /\s[#;]/.test(l))).toEqual([]);
    expect(file.text.split("[general]")[0]).toContain("# Secrets: deterministic test source (NOT for real clouds)");
  });

  it("equals the committed file in answer-files/", () => {
    const committed = fs.readFileSync(path.join(ROOT, "answer-files", `${name}-${release}.txt`), "utf8");
    expect(file.text).toBe(committed);
  });

  it.runIf(hasPython())("is read by Python's configparser.RawConfigParser with the same values", () => {
    const target = path.join(tmp, `${name}-${release}.txt`);
    writeAnswerFile(target, file.text);
    const read = pythonRead(target);
    expect(read.sections).toEqual(["general"]);
    expect(read.general).toEqual(file.values);
  });
});

describe("values from the topology", () => {
  const six = generateAnswers(inventory("six-node"), { release: "2025.1", secrets: new DeterministicSecretSource("six-node") }).values;
  const aio = generateAnswers(inventory("all-in-one"), { release: "2025.1", secrets: new DeterministicSecretSource("all-in-one") }).values;

  it("places hosts by role and resolves host-derived defaults from the topology, not this machine", () => {
    expect(six.CONFIG_CONTROLLER_HOST).toBe("10.20.0.10");
    expect(six.CONFIG_NETWORK_HOSTS).toBe("10.20.0.11");
    expect(six.CONFIG_COMPUTE_HOSTS).toBe("10.20.0.21,10.20.0.22,10.20.0.23,10.20.0.24");
    expect([six.CONFIG_STORAGE_HOST, six.CONFIG_AMQP_HOST, six.CONFIG_MARIADB_HOST, six.CONFIG_REDIS_HOST]).toEqual(Array(4).fill("10.20.0.10"));
    expect(six.CONFIG_KEYSTONE_LDAP_URL).toBe("ldap://10.20.0.10");
    expect(six.CONFIG_SSL_CERT_SUBJECT_CN).toBe("controller.cloud.example.com");
    expect(six.CONFIG_SSL_CERT_SUBJECT_MAIL).toBe("admin@controller.cloud.example.com");
    expect(six.CONFIG_SSL_CERT_SUBJECT_C).toBe("DE");
    expect(six.CONFIG_SSH_KEY).toBe("/root/.ssh/id_rsa.pub");
    expect(Object.values(aio).filter((v) => v.includes(os.hostname()) && os.hostname().length > 3)).toEqual([]);
  });

  it("maps services, Neutron (OVN), Cinder, Swift, Horizon, NTP and the external network", () => {
    expect(six).toMatchObject({
      CONFIG_HEAT_INSTALL: "y",
      CONFIG_TROVE_INSTALL: "y",
      CONFIG_SWIFT_INSTALL: "y",
      CONFIG_CEILOMETER_INSTALL: "n",
      CONFIG_NEUTRON_L2_AGENT: "ovn",
      CONFIG_NEUTRON_ML2_MECHANISM_DRIVERS: "ovn",
      CONFIG_NEUTRON_ML2_TYPE_DRIVERS: "geneve,flat,vlan",
      CONFIG_NEUTRON_ML2_VLAN_RANGES: "extnet",
      CONFIG_NEUTRON_OVN_BRIDGE_MAPPINGS: "extnet:br-ex",
      CONFIG_NEUTRON_OVN_BRIDGE_IFACES: "br-ex:eth1",
      CONFIG_NEUTRON_OVN_TUNNEL_IF: "eth3",
      CONFIG_CINDER_VOLUMES_SIZE: "100G",
      CONFIG_SWIFT_STORAGES: "/dev/vdb",
      CONFIG_GLANCE_BACKEND: "swift",
      CONFIG_HORIZON_SSL: "y",
      CONFIG_NTP_SERVERS: "ntp1.example.com,ntp2.example.com",
      CONFIG_PROVISION_DEMO_FLOATRANGE: "192.0.2.0/24",
      CONFIG_PROVISION_DEMO_ALLOCATION_POOLS: '["start=192.0.2.50,end=192.0.2.250"]',
      CONFIG_NOVA_LIBVIRT_VIRT_TYPE: "kvm",
    });
    expect(six.CONFIG_TROVE_NOVA_PW).toBe(six.CONFIG_TROVE_KS_PW);
  });

  const spec = (extra: Partial<TopologySpec>): TopologySpec => ({
    name: "t",
    release: "2024.2",
    hosts: [
      { name: "ctl", address: "10.0.0.1", roles: ["controller", "network"] },
      { name: "cmp", address: "10.0.0.2", roles: ["compute"] },
      { name: "sto", address: "10.0.0.3", roles: ["storage"] },
    ],
    ...extra,
  });

  it("uses the OVS variant of the agent keys, and CONFIG_UNSUPPORTED=y for a separate storage host", () => {
    const values = generateAnswers(
      resolveTopology(
        spec({
          services: { neutron: { l2Agent: "openvswitch", bridgeMappings: { physnet1: "br-eth1" }, bridgeInterfaces: { "br-eth1": "eth1" }, tunnelInterface: "eth2" } },
        }),
      ),
      { secrets: new DeterministicSecretSource("t") },
    ).values;
    expect(values).toMatchObject({
      CONFIG_NEUTRON_L2_AGENT: "openvswitch",
      CONFIG_NEUTRON_ML2_TYPE_DRIVERS: "vxlan,flat",
      CONFIG_NEUTRON_OVS_BRIDGE_MAPPINGS: "physnet1:br-eth1",
      CONFIG_NEUTRON_OVS_BRIDGE_IFACES: "br-eth1:eth1",
      CONFIG_NEUTRON_OVS_TUNNEL_IF: "eth2",
      CONFIG_STORAGE_HOST: "10.0.0.3",
      CONFIG_UNSUPPORTED: "y",
    });
  });

  it("applies packstack overrides last and rejects unknown keys with a did-you-mean", () => {
    const ok = generateAnswers(resolveTopology(spec({ packstack: { CONFIG_KEYSTONE_REGION: "Lab" } })), { secrets: new DeterministicSecretSource("t") });
    expect(ok.values.CONFIG_KEYSTONE_REGION).toBe("Lab");
    expect(() =>
      generateAnswers(resolveTopology(spec({ packstack: { CONFIG_KEYSTONE_REGON: "Lab" } })), { secrets: new DeterministicSecretSource("t") }),
    ).toThrow('t: packstack.CONFIG_KEYSTONE_REGON: Packstack 2024.2 has no parameter CONFIG_KEYSTONE_REGON; did you mean "CONFIG_KEYSTONE_REGION"?');
    expect(() =>
      generateAnswers(resolveTopology(spec({ packstack: { CONFIG_NOVA_SCHED_CPU_ALLOC_RATIO: "lots" } })), { secrets: new DeterministicSecretSource("t") }),
    ).toThrow(
      "t: packstack.CONFIG_NOVA_SCHED_CPU_ALLOC_RATIO: Packstack 2024.2 would refuse the answer file: Parameter CONFIG_NOVA_SCHED_CPU_ALLOC_RATIO failed validation: Given value is not a float: lots",
    );
  });

  it("refuses what the release cannot do: linuxbridge and vmdk on 2025.1, sahara after 2023.2", () => {
    const secrets = new DeterministicSecretSource("t");
    expect(() => generateAnswers(resolveTopology(spec({ release: "2025.1", services: { neutron: { l2Agent: "linuxbridge" } } })), { secrets })).toThrow(
      "t: services.neutron.l2Agent: Packstack 2025.1 would refuse the answer file: Parameter CONFIG_NEUTRON_ML2_MECHANISM_DRIVERS failed validation: Given value is not member of allowed values ['logger', 'test', 'openvswitch', 'arista', 'mlnx', 'l2population', 'sriovnicswitch', 'ovn']: linuxbridge",
    );
    expect(() => generateAnswers(resolveTopology(spec({ release: "2025.1", services: { cinder: { backends: ["vmdk"] } } })), { secrets })).toThrow(
      "Given value is not member of allowed values ['lvm', 'nfs', 'netapp', 'solidfire']: vmdk",
    );
    expect(() => generateAnswers(resolveTopology(spec({ release: "2024.1", services: { sahara: { enabled: true } } })), { secrets })).toThrow(
      "t: service sahara is enabled, but Packstack 2024.1 has no CONFIG_SAHARA_INSTALL (dropped from that release)",
    );
    const lb = generateAnswers(resolveTopology(spec({ release: "2024.2", services: { neutron: { l2Agent: "linuxbridge", bridgeMappings: { ext: "br-ex" }, bridgeInterfaces: { "br-ex": "eth1" } } } })), { secrets });
    expect(lb.values.CONFIG_NEUTRON_LB_INTERFACE_MAPPINGS).toBe("ext:eth1");
  });

  it("reports every secret key and draws every generated value and every password Packstack reads", () => {
    const file = generateAnswers(inventory("all-in-one"), { release: "2023.1", secrets: new DeterministicSecretSource("x") });
    const catalog = loadCatalog("2023.1");
    expect(file.secretKeys).toEqual(catalog.orderedParams.filter(isSecretParam).map((p) => p.name));
    // Passwords of services not installed stay PW_PLACEHOLDER, as in Packstack's own files: Packstack never reads them.
    const loaded = loadAnswers(catalog, (k) => file.values[k], { randomHex: () => { throw new Error("drawn at random"); } });
    const placeholders = Object.entries(file.values).filter(([, v]) => v === "PW_PLACEHOLDER").map(([k]) => k);
    expect(placeholders).toContain("CONFIG_IRONIC_KS_PW");
    expect(placeholders.filter((k) => loaded.config.has(k))).toEqual([]);
    expect(file.values.CONFIG_HORIZON_SECRET_KEY).toMatch(/^[0-9a-f]{32}$/);
    for (const key of ["CONFIG_SWIFT_HASH", "CONFIG_HEAT_AUTH_ENC_KEY", "CONFIG_CEILOMETER_SECRET", "CONFIG_MARIADB_PW", "CONFIG_KEYSTONE_ADMIN_PW"]) {
      expect(file.values[key], key).toMatch(/^[0-9a-f]{16}$/);
    }
    expect(file.values.CONFIG_DEFAULT_PASSWORD).toBe("");
  });
});

describe("answer-files/", () => {
  it("holds exactly the regenerated examples (npm run answers:regen)", () => {
    const examples = exampleAnswerFiles(ROOT);
    const committed = fs.readdirSync(path.join(ROOT, "answer-files")).filter((f) => f.endsWith(".txt")).sort();
    expect(committed).toEqual(examples.map((e) => path.basename(e.file)).sort());
    const stale = examples.filter((e) => fs.readFileSync(path.join(ROOT, e.file), "utf8") !== e.text).map((e) => e.file);
    expect(stale).toEqual([]);
  });
});
