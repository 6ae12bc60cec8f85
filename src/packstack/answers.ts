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
import { formatPath, InventoryError, type PathSegment, type PendingIssue } from "../topology/issues";
import { loadTopology, type TopologyOptions } from "../topology/load";
import { locateAll, type TopologyCheck } from "../topology/validate";
import { generatedHexLength, loadAnswers, resolveTemplate, type HostFacts, type LoadResult } from "./load";
import { isPythonFloat } from "./pyrepr";
import { DeterministicSecretSource, type SecretSource } from "./secrets";
import { renderAnswerFile } from "./writer";

/**
 * Topology → complete Packstack answer file for one release: every parameter of the release's
 * catalog, in Packstack's order and layout; values from the topology where the model covers
 * them, secrets from a {@link SecretSource} (passwords Packstack will not read stay
 * PW_PLACEHOLDER), `packstack:` overrides last, catalog defaults elsewhere, host-derived defaults
 * from the topology's hosts (never from the machine running rdoctl). What would make the file
 * wrong is refused first, as issues at the fields to change ({@link answerIssues}: the same
 * checks `rdoctl validate` runs), and the file is loaded as `answers check` loads it.
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

/** A key the model decides: the field it comes from, and its value when the model sets one. */
interface Binding {
  readonly path: readonly PathSegment[];
  readonly value?: string;
}

/**
 * Every key the model owns, by parameter name, with the field it comes from; only parameters the
 * release has are kept. A key is owned even when this topology leaves it to its default (a
 * certificate field not given): a `packstack:` override of it would bypass the model's rules.
 */
function topologyBindings(topology: Topology, catalog: LoadedCatalog): Map<string, Binding> {
  const bindings = new Map<string, Binding>();
  const has = (name: string): boolean => catalog.byName.has(name);
  const bind = (name: string, path: readonly PathSegment[], value?: string): void => {
    if (!has(name)) return;
    const previous = bindings.get(name);
    if (value === undefined && previous) return;
    bindings.set(name, value === undefined ? { path } : { path, value });
  };
  const services = topology.services;
  const release = catalog.release;
  const HOSTS = ["hosts"];

  // Services: the model's switches. A service the release no longer has may not be enabled.
  for (const [service, parameter] of Object.entries(SERVICE_INSTALL_PARAMETERS) as [ServiceName, string][]) {
    // Neutron has no switch in the model: Packstack rejects CONFIG_NEUTRON_INSTALL=n.
    const enabled = service === "neutron" ? true : services[service].enabled;
    if (!has(parameter)) {
      if (enabled) throw new RdoctlError(`${topology.name}: service ${service} is enabled, but Packstack ${release} has no ${parameter} (dropped from that release)`);
      continue;
    }
    bind(parameter, service === "neutron" ? ["services", "neutron"] : ["services", service, "enabled"], yn(enabled));
  }
  // Packstack turns Heat on by itself when Sahara is installed (its process_heat): say so in the file.
  if (services.sahara.enabled && has("CONFIG_SAHARA_INSTALL")) bind("CONFIG_HEAT_INSTALL", ["services", "sahara", "enabled"], "y");

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
  bind("CONFIG_CONTROLLER_HOST", HOSTS, controller.address);
  bind("CONFIG_COMPUTE_HOSTS", HOSTS, computes.map((h) => h.address).join(","));
  bind("CONFIG_NETWORK_HOSTS", HOSTS, (networks.length > 0 ? networks : [controller]).map((h) => h.address).join(","));
  bind("CONFIG_STORAGE_HOST", HOSTS, storage.address);
  // Packstack reads CONFIG_STORAGE_HOST only with CONFIG_UNSUPPORTED=y; otherwise storage lands on the controller.
  if (storage.address !== controller.address) bind("CONFIG_UNSUPPORTED", HOSTS, "y");
  bind("CONFIG_AMQP_HOST", HOSTS, hostForRole(topology, "amqp").address);
  bind("CONFIG_MARIADB_HOST", HOSTS, hostForRole(topology, "database").address);
  bind("CONFIG_REDIS_HOST", HOSTS, hostForRole(topology, "redis").address);
  bind("CONFIG_TEMPEST_HOST", HOSTS, services.tempest.enabled ? (networks[0] ?? controller).address : undefined);

  // Nova, Glance, Cinder, Swift, Horizon.
  // auto: Packstack's own default (a Puppet fact picks qemu or kvm per host).
  bind("CONFIG_NOVA_LIBVIRT_VIRT_TYPE", ["services", "nova", "libvirtType"], services.nova.libvirtType === "auto" ? undefined : services.nova.libvirtType);
  bind("CONFIG_GLANCE_BACKEND", ["services", "glance", "backend"], services.glance.backend);
  bind("CONFIG_CINDER_BACKEND", ["services", "cinder", "backends"], services.cinder.backends.join(","));
  bind("CONFIG_CINDER_VOLUMES_SIZE", ["services", "cinder", "lvmVolumeSize"], services.cinder.lvmVolumeSize);
  bind("CONFIG_CINDER_NFS_MOUNTS", ["services", "cinder", "nfsMounts"], services.cinder.nfsMounts.join(","));
  bind("CONFIG_SWIFT_STORAGES", ["services", "swift", "devices"], services.swift.devices.join(","));
  bind("CONFIG_SWIFT_STORAGE_REPLICAS", ["services", "swift", "replicas"], String(services.swift.replicas));
  bind("CONFIG_SWIFT_STORAGE_SIZE", ["services", "swift", "storageSize"], services.swift.storageSize);
  bind("CONFIG_HORIZON_SSL", ["services", "horizon", "ssl"], yn(services.horizon.ssl));

  // Neutron: ML2 settings, then the agent's own keys (OVN_ or OVS_ variant, LB for linuxbridge).
  const neutron = services.neutron;
  const NEUTRON = ["services", "neutron"];
  bind("CONFIG_NEUTRON_L2_AGENT", [...NEUTRON, "l2Agent"], neutron.l2Agent);
  bind("CONFIG_NEUTRON_ML2_MECHANISM_DRIVERS", [...NEUTRON, "l2Agent"], neutron.l2Agent);
  bind("CONFIG_NEUTRON_ML2_TYPE_DRIVERS", [...NEUTRON, "typeDrivers"], neutron.typeDrivers.join(","));
  bind("CONFIG_NEUTRON_ML2_TENANT_NETWORK_TYPES", [...NEUTRON, "tenantNetworkTypes"], neutron.tenantNetworkTypes.join(","));
  bind("CONFIG_NEUTRON_ML2_VLAN_RANGES", [...NEUTRON, "vlanRanges"], neutron.vlanRanges.join(","));
  const mappings = Object.entries(neutron.bridgeMappings);
  const bridgeMappings = mappings.map(([physnet, bridge]) => `${physnet}:${bridge}`).join(",");
  const bridgeIfaces = Object.entries(neutron.bridgeInterfaces)
    .map(([bridge, iface]) => `${bridge}:${iface}`)
    .join(",");
  const agentPrefix = neutron.l2Agent === "ovn" ? "CONFIG_NEUTRON_OVN_" : neutron.l2Agent === "openvswitch" ? "CONFIG_NEUTRON_OVS_" : undefined;
  if (agentPrefix) {
    bind(`${agentPrefix}BRIDGE_MAPPINGS`, [...NEUTRON, "bridgeMappings"], bridgeMappings);
    bind(`${agentPrefix}BRIDGE_IFACES`, [...NEUTRON, "bridgeInterfaces"], bridgeIfaces);
    bind(`${agentPrefix}TUNNEL_IF`, [...NEUTRON, "tunnelInterface"], neutron.tunnelInterface ?? "");
    bind(`${agentPrefix}BRIDGES_COMPUTE`, [...NEUTRON, "computeBridges"], neutron.computeBridges.join(","));
    bind(`${agentPrefix}EXTERNAL_PHYSNET`, ["externalNetwork", "physicalNetwork"], topology.externalNetwork?.physicalNetwork);
  } else {
    const interfaceMappings = mappings
      .map(([physnet, bridge]) => [physnet, neutron.bridgeInterfaces[bridge]] as const)
      .filter(([, iface]) => iface !== undefined)
      .map(([physnet, iface]) => `${physnet}:${iface}`)
      .join(",");
    bind("CONFIG_NEUTRON_LB_INTERFACE_MAPPINGS", ["externalNetwork", "interface"], interfaceMappings);
  }

  // External network: the demo project's floating-IP subnet and Tempest's.
  const external = topology.externalNetwork;
  const pool = external?.allocationPool;
  bind("CONFIG_NEUTRON_L3_EXT_BRIDGE", ["externalNetwork", "bridge"], external?.bridge);
  bind("CONFIG_PROVISION_DEMO_FLOATRANGE", ["externalNetwork", "cidr"], external?.cidr);
  bind("CONFIG_PROVISION_TEMPEST_FLOATRANGE", ["externalNetwork", "cidr"], external?.cidr);
  bind(
    "CONFIG_PROVISION_DEMO_ALLOCATION_POOLS",
    ["externalNetwork", "allocationPool"],
    pool ? (pool.start && pool.end ? JSON.stringify([`start=${pool.start},end=${pool.end}`]) : "[]") : undefined,
  );

  // Time, TLS.
  bind("CONFIG_NTP_SERVERS", ["ntpServers"], topology.ntpServers.join(","));
  bind("CONFIG_AMQP_ENABLE_SSL", ["ssl", "amqp"], yn(topology.ssl.amqp ?? false));
  const subject = topology.ssl.certSubject ?? {};
  const SUBJECT = ["ssl", "certSubject"];
  bind("CONFIG_SSL_CERT_SUBJECT_C", [...SUBJECT, "country"], subject.country);
  bind("CONFIG_SSL_CERT_SUBJECT_ST", [...SUBJECT, "state"], subject.state);
  bind("CONFIG_SSL_CERT_SUBJECT_L", [...SUBJECT, "locality"], subject.locality);
  bind("CONFIG_SSL_CERT_SUBJECT_O", [...SUBJECT, "organization"], subject.organization);
  bind("CONFIG_SSL_CERT_SUBJECT_OU", [...SUBJECT, "organizationalUnit"], subject.organizationalUnit);
  bind("CONFIG_SSL_CERT_SUBJECT_CN", [...SUBJECT, "commonName"], subject.commonName ?? controller.fqdn);
  bind("CONFIG_SSL_CERT_SUBJECT_MAIL", [...SUBJECT, "email"], subject.email ?? `admin@${controller.fqdn}`);
  return bindings;
}

const notAFloat = (value: string): boolean => !isPythonFloat(value);

/** Rule names of the answer-file checks, as `rdoctl validate --json` shows them. */
export const ANSWER_RULES = {
  overrideNames: "packstack-override-names",
  overrideOwned: "packstack-override-owned",
  overrideSecret: "packstack-override-secret",
  overrideSkipped: "packstack-override-skipped",
  value: "packstack-value",
  rewritten: "packstack-rewritten",
} as const;

/**
 * A user-supplied secret the source keeps (`rdoctl secrets set`), e.g. an LDAP bind password.
 * Sources that keep nothing (the deterministic one) have none.
 */
function storedSecret(secrets: SecretSource, key: string): string | undefined {
  const get = (secrets as { get?: unknown }).get;
  return typeof get === "function" ? (get.call(secrets, key) as string | undefined) : undefined;
}

interface Assembled {
  readonly values: Record<string, string>;
  readonly secretKeys: string[];
  readonly result: LoadResult;
}

const PLACEHOLDER = "PW_PLACEHOLDER";

/**
 * Every value of the answer file: the model's bindings, host-derived defaults from the
 * topology's hosts, secrets from the source, the given overrides last; then loaded as Packstack
 * would. No check of the overrides themselves: that is {@link answerIssues}.
 *
 * A password of a group Packstack skips with this topology (a service not installed) stays
 * PW_PLACEHOLDER, as in Packstack's own files, unless the source already keeps a value for it:
 * nothing is drawn that nothing reads, and a file Packstack wrote imports back to the same values.
 * `strict`: a value left for Packstack to draw at random is a bug (the answer writer); off for
 * import's comparison, where the file may carry PW_PLACEHOLDER anywhere.
 */
function assemble(topology: Topology, catalog: LoadedCatalog, secrets: SecretSource, overrides: ReadonlyMap<string, string>, strict = true): Assembled {
  const facts = topologyHostFacts(topology);
  const bindings = topologyBindings(topology, catalog);
  const values: Record<string, string> = {};
  const secretKeys: string[] = [];
  const deferred: CatalogParam[] = [];
  const draw = (param: CatalogParam): string => {
    // Packstack replaces a CONFIG_HEAT_AUTH_ENC_KEY that parses as a float: never hand it one.
    const acceptable = param.processors.includes("process_string_nofloat") ? notAFloat : undefined;
    return secrets.secret(param.name, generatedHexLength(param), acceptable);
  };
  for (const param of catalog.orderedParams) {
    const bound = bindings.get(param.name)?.value;
    let value: string;
    if (bound !== undefined) value = bound;
    else if (param.default_kind === "host-derived") value = resolveTemplate(param.default_template ?? "", facts);
    else if (isDrawnSecret(param) && param.raw_default === PLACEHOLDER && !overrides.has(param.name)) {
      const kept = storedSecret(secrets, param.name);
      if (kept !== undefined && kept !== PLACEHOLDER) value = kept;
      else {
        value = PLACEHOLDER;
        deferred.push(param);
      }
    } else if (isDrawnSecret(param)) value = draw(param);
    else if (isSecretParam(param)) value = storedSecret(secrets, param.name) ?? param.default ?? param.raw_default ?? "";
    else value = param.default ?? param.raw_default ?? "";
    if (overrides.has(param.name)) value = overrides.get(param.name)!;
    if (isSecretParam(param)) secretKeys.push(param.name);
    values[param.name] = value;
  }
  const troveNovaPassword = (): void => {
    // Trove's Nova user is Trove's Keystone user by default: Packstack then uses that password.
    for (const param of catalog.orderedParams) {
      if (param.processors.includes("process_trove_nova_pw") && !overrides.has(param.name) && values.CONFIG_TROVE_NOVA_USER === "trove") {
        values[param.name] = values.CONFIG_TROVE_KS_PW ?? values[param.name]!;
      }
    }
  };
  troveNovaPassword();
  const load = (randomHex: (length: number) => string): LoadResult => loadAnswers(catalog, (key) => values[key], { hostFacts: facts, randomHex });
  if (deferred.length > 0) {
    // Which passwords does Packstack read with this topology? Those get a value.
    const probe = load((length) => "0".repeat(length));
    const read = deferred.filter((param) => probe.config.has(param.name));
    for (const param of read) values[param.name] = draw(param);
    if (read.length > 0) troveNovaPassword();
  }
  const result = load((length) => {
    if (strict) throw new Error("generated answers left a value Packstack would draw at random");
    return "0".repeat(length);
  });
  return { values, secretKeys, result };
}

/**
 * What `rdoctl answers` would refuse in a topology, as issues at the field to change: the one
 * implementation behind both `generateAnswers` and `rdoctl validate` (through
 * {@link answerFileCheck}), so the two can never disagree. It refuses `packstack:` overrides of
 * keys the model owns (pointing at the model field) and of secrets (they belong in the secrets
 * store), runs the release's own loader, validators and setup-step checks on the file the
 * topology gives, and reports overrides Packstack would silently skip under the chosen options.
 */
export function answerIssues(topology: Topology, release: Release = topology.release): PendingIssue[] {
  const catalog = loadCatalog(release);
  const bindings = topologyBindings(topology, catalog);
  const issues: PendingIssue[] = [];
  const overrides = new Map<string, string>();
  const replacements = new Map(catalog.params.flatMap((p) => p.deprecates.map((old) => [old.toUpperCase(), p.name] as const)));
  for (const [key, raw] of Object.entries(topology.packstack)) {
    const value = String(raw);
    const path = ["packstack", key];
    const param = catalog.byName.get(key);
    if (!param) {
      const replacement = replacements.get(key.toUpperCase());
      const suggestion = closest(key, catalog.byName.keys());
      issues.push(
        replacement
          ? { rule: ANSWER_RULES.overrideNames, path, message: `${key} is a deprecated name; use ${replacement}`, expected: replacement }
          : { rule: ANSWER_RULES.overrideNames, path, message: `Packstack ${release} has no parameter ${key}${suggestion ? `; did you mean "${suggestion}"?` : ""}`, expected: `a parameter of the ${release} catalog` },
      );
      continue;
    }
    const owner = bindings.get(key);
    if (owner) {
      const field = formatPath(owner.path);
      issues.push({
        rule: ANSWER_RULES.overrideOwned,
        path,
        message: `${key} is written from ${field}; an override would bypass the checks that keep it consistent with the rest of the model`,
        expected: `${field} instead of packstack.${key}`,
      });
      continue;
    }
    // PW_PLACEHOLDER too: rdoctl keeps every password in the store; Packstack would redraw it on each run.
    if (isSecretParam(param) && value !== "") {
      issues.push({
        rule: ANSWER_RULES.overrideSecret,
        path,
        message: `${key} is a password or key: in packstack: it would sit in plain text in the inventory (and in git)`,
        expected: `no value here; store it with \`rdoctl secrets set INVENTORY ${key}\` (the cloud's secrets store, mode 0600)`,
      });
      continue;
    }
    overrides.set(key, value);
  }

  // Secrets do not change whether a file loads: a source that keeps nothing will do.
  const { values, result } = assemble(topology, catalog, new DeterministicSecretSource(topology.name), overrides);
  const secrets = catalog.orderedParams.filter((p) => (isSecretParam(p) || p.masked) && (values[p.name] ?? "").length >= 4).map((p) => values[p.name]!);
  const redact = (text: string): string => secrets.reduce((out, secret) => out.split(secret).join("********"), text);
  for (const failure of result.failures) {
    const key = failure.key;
    const path: readonly PathSegment[] =
      key === undefined ? (/host format/.test(failure.message) ? ["hosts"] : []) : (bindings.get(key)?.path ?? (overrides.has(key) ? ["packstack", key] : []));
    issues.push({ rule: ANSWER_RULES.value, path, message: `Packstack ${release} would refuse the answer file: ${redact(failure.message)}` });
  }
  for (const rewrite of result.rewrites) {
    const path = bindings.get(rewrite.key)?.path ?? (overrides.has(rewrite.key) ? ["packstack", rewrite.key] : undefined);
    if (!path) continue;
    issues.push({
      rule: ANSWER_RULES.rewritten,
      path,
      message: `Packstack ${release} would not use ${rewrite.key}=${rewrite.from}: ${rewrite.why}`,
      expected: `what Packstack keeps ("${rewrite.to}")`,
    });
  }
  for (const key of overrides.keys()) {
    if (result.config.has(key)) continue;
    const param = catalog.byName.get(key)!;
    const condition = catalog.groupByName.get(param.group)?.pre_condition;
    const when = condition && condition.kind !== "always" ? ` (it reads it only when ${condition.expression})` : "";
    issues.push({
      rule: ANSWER_RULES.overrideSkipped,
      path: ["packstack", key],
      message: `Packstack ${release} silently skips ${key} with this topology${when}`,
      expected: "no override, or the settings that make Packstack read it",
    });
  }
  return issues;
}

/** {@link answerIssues} as a check `validateTopologySpec`/`loadTopology` run after the rules. */
export const answerFileCheck: TopologyCheck = (_spec, topology) => answerIssues(topology);

/**
 * A cloud for the answer writer and `rdoctl validate`: `loadTopology` plus the answer-file
 * checks, every issue at its file position.
 */
export function loadCloud(file: string, options: Omit<TopologyOptions, "checks"> = {}): Topology {
  return loadTopology(file, { ...options, checks: [answerFileCheck] });
}

/** The answer file's values without any check, for `answers import`'s comparison (the file may carry anything). */
export function assembleAnswerValues(topology: Topology, release: Release, secrets: SecretSource, overrides: Readonly<Record<string, string>>): Record<string, string> {
  return assemble(topology, loadCatalog(release), secrets, new Map(Object.entries(overrides)), false).values;
}

export function generateAnswers(topology: Topology, options: GenerateOptions): AnswerFile {
  const release = options.release ?? topology.release;
  const catalog = loadCatalog(release);
  const issues = answerIssues(topology, release);
  if (issues.length > 0) throw new InventoryError(locateAll(issues, { file: topology.name }));
  const overrides = new Map(Object.entries(topology.packstack).map(([k, v]) => [k, String(v)] as const));
  const { values, secretKeys, result } = assemble(topology, catalog, options.secrets, overrides);
  options.secrets.save();
  if (result.failure) {
    throw new RdoctlError(`${topology.name}: Packstack ${release} would reject the generated answer file: ${result.failure.message}`);
  }

  const header = [
    `Packstack answer file for cloud "${topology.name}", RDO ${release} (${RELEASE_CODENAMES[release]})`,
    "Generated by rdoctl: change the inventory and regenerate, do not edit.",
    `Secrets: ${options.secrets.description}`,
  ];
  const text = renderAnswerFile(catalog, values, { header });
  return { cloud: topology.name, release, text, values, secretKeys };
}
