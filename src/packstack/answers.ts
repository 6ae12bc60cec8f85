import { RdoctlError } from "../errors";
import { closest } from "../topology/did-you-mean";
import {
  RELEASE_CODENAMES,
  hostByName,
  hostForRole,
  hostsWithRole,
  type Release,
  type ServiceName,
  type Topology,
} from "../topology/model";
import { SERVICE_INSTALL_PARAMETERS } from "../topology/release-facts";
import { loadCatalog, type CatalogParam, type LoadedCatalog } from "./catalog";
import { generatedHexLength, loadAnswers, resolveTemplate, type HostFacts } from "./load";
import { isPythonFloat } from "./pyrepr";
import type { SecretSource } from "./secrets";
import { renderAnswerFile } from "./writer";

/**
 * Topology → complete Packstack answer file for one release: every parameter of the release's
 * catalog, in Packstack's order and layout; values from the topology where the model covers
 * them, secrets from a {@link SecretSource}, `packstack:` overrides last, catalog defaults
 * elsewhere, host-derived defaults from the topology's hosts (never from the machine running
 * rdoctl). The result is checked with the same loader `answers check` uses before it is returned.
 */

export interface GenerateOptions {
  /** @default the topology's release */
  readonly release?: Release;
  /** Where passwords and keys come from; saved (if it keeps anything) after generation. */
  readonly secrets: SecretSource;
}

export interface AnswerFile {
  readonly cloud: string;
  readonly release: Release;
  /** The file as written, header included. */
  readonly text: string;
  /** Every parameter → value, in answer-file order. */
  readonly values: Readonly<Record<string, string>>;
  /** Parameters whose value is a password or key (never print these). */
  readonly secretKeys: readonly string[];
}

const yn = (flag: boolean): string => (flag ? "y" : "n");

/** What Packstack would read from the deployer, taken from the topology instead. */
export function topologyHostFacts(topology: Topology): HostFacts {
  const deployer = hostByName(topology, topology.deployer);
  return {
    deployer_ip: deployer.address,
    deployer_hostname: hostForRole(topology, "controller").fqdn,
    // Packstack runs as root on the deployer (it needs root SSH to every host anyway).
    home: "/root",
  };
}

/** Whether Packstack treats this parameter's value as a password or key. */
export function isSecretParam(param: CatalogParam): boolean {
  return (
    param.default_kind === "generated" ||
    param.default_kind === "generated-secret" ||
    param.raw_default === "PW_PLACEHOLDER" ||
    param.processors.includes("process_password")
  );
}

/** Whether rdoctl draws the value (a password left empty, e.g. an LDAP bind password, stays the user's). */
function isDrawnSecret(param: CatalogParam): boolean {
  return param.default_kind === "generated" || param.default_kind === "generated-secret" || param.raw_default === "PW_PLACEHOLDER";
}

/** Values the topology decides, by parameter name; only parameters the release has are kept. */
function topologyValues(topology: Topology, catalog: LoadedCatalog): Map<string, string> {
  const values = new Map<string, string>();
  const has = (name: string): boolean => catalog.byName.has(name);
  const set = (name: string, value: string): void => {
    if (has(name)) values.set(name, value);
  };
  const services = topology.services;
  const release = catalog.release;

  // Services: the model's switches. A service the release no longer has may not be enabled.
  for (const [service, parameter] of Object.entries(SERVICE_INSTALL_PARAMETERS) as [ServiceName, string][]) {
    // Neutron has no switch in the model: Packstack rejects CONFIG_NEUTRON_INSTALL=n.
    const enabled = service === "neutron" ? true : services[service].enabled;
    if (!has(parameter)) {
      if (enabled) throw new RdoctlError(`${topology.name}: service ${service} is enabled, but Packstack ${release} has no ${parameter} (dropped from that release)`);
      continue;
    }
    set(parameter, yn(enabled));
  }
  // Packstack turns Heat on by itself when Sahara is installed (its process_heat): say so in the file.
  if (services.sahara.enabled && has("CONFIG_SAHARA_INSTALL")) set("CONFIG_HEAT_INSTALL", "y");

  // Hosts.
  const controller = hostForRole(topology, "controller");
  const computes = hostsWithRole(topology, "compute");
  if (services.nova.enabled && computes.length === 0) {
    throw new RdoctlError(`${topology.name}: Nova is enabled but no host has the compute role`);
  }
  const networks = hostsWithRole(topology, "network");
  const storageHosts = hostsWithRole(topology, "storage");
  if (storageHosts.length > 1) {
    throw new RdoctlError(
      `${topology.name}: hosts ${storageHosts.map((h) => h.name).join(", ")} all have the storage role; Packstack puts Cinder volumes and Swift storage on one host (CONFIG_STORAGE_HOST)`,
    );
  }
  const storage = storageHosts[0] ?? controller;
  set("CONFIG_CONTROLLER_HOST", controller.address);
  set("CONFIG_COMPUTE_HOSTS", computes.map((h) => h.address).join(","));
  set("CONFIG_NETWORK_HOSTS", (networks.length > 0 ? networks : [controller]).map((h) => h.address).join(","));
  set("CONFIG_STORAGE_HOST", storage.address);
  // Packstack reads CONFIG_STORAGE_HOST only with CONFIG_UNSUPPORTED=y; otherwise storage lands on the controller.
  if (storage.address !== controller.address) set("CONFIG_UNSUPPORTED", "y");
  set("CONFIG_AMQP_HOST", hostForRole(topology, "amqp").address);
  set("CONFIG_MARIADB_HOST", hostForRole(topology, "database").address);
  set("CONFIG_REDIS_HOST", hostForRole(topology, "redis").address);
  if (services.tempest.enabled) set("CONFIG_TEMPEST_HOST", (networks[0] ?? controller).address);

  // Nova, Glance, Cinder, Swift, Horizon.
  set("CONFIG_NOVA_LIBVIRT_VIRT_TYPE", services.nova.libvirtType);
  set("CONFIG_GLANCE_BACKEND", services.glance.backend);
  set("CONFIG_CINDER_BACKEND", services.cinder.backends.join(","));
  set("CONFIG_CINDER_VOLUMES_SIZE", services.cinder.lvmVolumeSize);
  set("CONFIG_CINDER_NFS_MOUNTS", services.cinder.nfsMounts.join(","));
  set("CONFIG_SWIFT_STORAGES", services.swift.devices.join(","));
  set("CONFIG_SWIFT_STORAGE_REPLICAS", String(services.swift.replicas));
  set("CONFIG_SWIFT_STORAGE_SIZE", services.swift.storageSize);
  set("CONFIG_HORIZON_SSL", yn(services.horizon.ssl));

  // Neutron: ML2 settings, then the agent's own keys (OVN_ or OVS_ variant, LB for linuxbridge).
  const neutron = services.neutron;
  set("CONFIG_NEUTRON_L2_AGENT", neutron.l2Agent);
  set("CONFIG_NEUTRON_ML2_MECHANISM_DRIVERS", neutron.l2Agent);
  set("CONFIG_NEUTRON_ML2_TYPE_DRIVERS", neutron.typeDrivers.join(","));
  set("CONFIG_NEUTRON_ML2_TENANT_NETWORK_TYPES", neutron.tenantNetworkTypes.join(","));
  set("CONFIG_NEUTRON_ML2_VLAN_RANGES", neutron.vlanRanges.join(","));
  const mappings = Object.entries(neutron.bridgeMappings);
  const bridgeMappings = mappings.map(([physnet, bridge]) => `${physnet}:${bridge}`).join(",");
  const bridgeIfaces = Object.entries(neutron.bridgeInterfaces)
    .map(([bridge, iface]) => `${bridge}:${iface}`)
    .join(",");
  const agentPrefix = neutron.l2Agent === "ovn" ? "CONFIG_NEUTRON_OVN_" : neutron.l2Agent === "openvswitch" ? "CONFIG_NEUTRON_OVS_" : undefined;
  if (agentPrefix) {
    set(`${agentPrefix}BRIDGE_MAPPINGS`, bridgeMappings);
    set(`${agentPrefix}BRIDGE_IFACES`, bridgeIfaces);
    set(`${agentPrefix}TUNNEL_IF`, neutron.tunnelInterface ?? "");
    set(`${agentPrefix}BRIDGES_COMPUTE`, neutron.computeBridges.join(","));
    if (topology.externalNetwork) set(`${agentPrefix}EXTERNAL_PHYSNET`, topology.externalNetwork.physicalNetwork);
  } else {
    const interfaceMappings = mappings
      .map(([physnet, bridge]) => [physnet, neutron.bridgeInterfaces[bridge]] as const)
      .filter(([, iface]) => iface !== undefined)
      .map(([physnet, iface]) => `${physnet}:${iface}`)
      .join(",");
    set("CONFIG_NEUTRON_LB_INTERFACE_MAPPINGS", interfaceMappings);
  }

  // External network: the demo project's floating-IP subnet and Tempest's.
  const external = topology.externalNetwork;
  if (external) {
    set("CONFIG_NEUTRON_L3_EXT_BRIDGE", external.bridge);
    set("CONFIG_PROVISION_DEMO_FLOATRANGE", external.cidr);
    set("CONFIG_PROVISION_TEMPEST_FLOATRANGE", external.cidr);
    const pool = external.allocationPool;
    set("CONFIG_PROVISION_DEMO_ALLOCATION_POOLS", pool.start && pool.end ? JSON.stringify([`start=${pool.start},end=${pool.end}`]) : "[]");
  }

  // Time, TLS.
  set("CONFIG_NTP_SERVERS", topology.ntpServers.join(","));
  set("CONFIG_AMQP_ENABLE_SSL", yn(topology.ssl.amqp ?? false));
  const subject = topology.ssl.certSubject ?? {};
  const commonName = subject.commonName ?? controller.fqdn;
  if (subject.country !== undefined) set("CONFIG_SSL_CERT_SUBJECT_C", subject.country);
  if (subject.state !== undefined) set("CONFIG_SSL_CERT_SUBJECT_ST", subject.state);
  if (subject.locality !== undefined) set("CONFIG_SSL_CERT_SUBJECT_L", subject.locality);
  if (subject.organization !== undefined) set("CONFIG_SSL_CERT_SUBJECT_O", subject.organization);
  if (subject.organizationalUnit !== undefined) set("CONFIG_SSL_CERT_SUBJECT_OU", subject.organizationalUnit);
  set("CONFIG_SSL_CERT_SUBJECT_CN", commonName);
  set("CONFIG_SSL_CERT_SUBJECT_MAIL", subject.email ?? `admin@${controller.fqdn}`);
  return values;
}

/** `packstack:` overrides, checked against the release's catalog. */
function overrideValues(topology: Topology, catalog: LoadedCatalog): Map<string, string> {
  const values = new Map<string, string>();
  const replacements = new Map(catalog.params.flatMap((p) => p.deprecates.map((old) => [old.toUpperCase(), p.name] as const)));
  for (const [key, value] of Object.entries(topology.packstack)) {
    const param = catalog.byName.get(key) ?? catalog.byUpperName.get(key.toUpperCase());
    if (!param) {
      const replacement = replacements.get(key.toUpperCase());
      if (replacement) throw new RdoctlError(`${topology.name}: packstack.${key} is a deprecated name; write packstack.${replacement}`);
      const suggestion = closest(key, catalog.byName.keys());
      throw new RdoctlError(
        `${topology.name}: packstack.${key} is not a parameter of Packstack ${catalog.release}${suggestion ? `; did you mean "${suggestion}"?` : ""}`,
      );
    }
    values.set(param.name, String(value));
  }
  return values;
}

const notAFloat = (value: string): boolean => !isPythonFloat(value);

export function generateAnswers(topology: Topology, options: GenerateOptions): AnswerFile {
  const release = options.release ?? topology.release;
  const catalog = loadCatalog(release);
  const facts = topologyHostFacts(topology);
  const fromTopology = topologyValues(topology, catalog);
  const overrides = overrideValues(topology, catalog);
  const values: Record<string, string> = {};
  const secretKeys: string[] = [];
  for (const param of catalog.orderedParams) {
    let value: string;
    if (fromTopology.has(param.name)) value = fromTopology.get(param.name)!;
    else if (param.default_kind === "host-derived") value = resolveTemplate(param.default_template ?? "", facts);
    else if (isDrawnSecret(param)) {
      // Packstack replaces a CONFIG_HEAT_AUTH_ENC_KEY that parses as a float: never hand it one.
      const acceptable = param.processors.includes("process_string_nofloat") ? notAFloat : undefined;
      value = options.secrets.secret(param.name, generatedHexLength(param), acceptable);
    } else value = param.default ?? param.raw_default ?? "";
    if (overrides.has(param.name)) value = overrides.get(param.name)!;
    if (isSecretParam(param)) secretKeys.push(param.name);
    values[param.name] = value;
  }
  // Trove's Nova user is Trove's Keystone user by default: Packstack then uses that password.
  for (const param of catalog.orderedParams) {
    if (param.processors.includes("process_trove_nova_pw") && !overrides.has(param.name) && values.CONFIG_TROVE_NOVA_USER === "trove") {
      values[param.name] = values.CONFIG_TROVE_KS_PW ?? values[param.name]!;
    }
  }
  options.secrets.save();

  const result = loadAnswers(catalog, (key) => values[key], {
    hostFacts: facts,
    randomHex: () => {
      throw new Error("generated answers left a value Packstack would draw at random");
    },
  });
  if (result.failure) {
    const origin = result.failure.key && overrides.has(result.failure.key) ? ` (set by packstack.${result.failure.key})` : "";
    throw new RdoctlError(
      `${topology.name}: Packstack ${release} would reject the generated answer file${origin}: ${result.failure.message}`,
    );
  }

  const header = [
    `Packstack answer file for cloud "${topology.name}", RDO ${release} (${RELEASE_CODENAMES[release]})`,
    "Generated by rdoctl: change the inventory and regenerate, do not edit.",
    `Secrets: ${options.secrets.description}`,
  ];
  const text = renderAnswerFile(catalog, values, { header });
  return { cloud: topology.name, release, text, values, secretKeys };
}
