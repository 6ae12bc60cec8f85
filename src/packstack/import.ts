import * as path from "node:path";
import { stringify } from "yaml";
import { RdoctlError } from "../errors";
import {
  CINDER_BACKENDS,
  NEUTRON_L2_AGENTS,
  NETWORK_TYPES,
  RELEASES,
  type CinderBackend,
  type ExternalNetworkSpec,
  type HostSpec,
  type NetworkType,
  type Release,
  type Role,
  type ServiceName,
  type ServicesSpec,
  type SslSpec,
  type TopologySpec,
} from "../topology/model";
import { SERVICE_INSTALL_PARAMETERS } from "../topology/release-facts";
import { resolveTopology } from "../topology/resolve";
import { InventoryError, formatIssue } from "../topology/issues";
import { validateTopologySpec } from "../topology/validate";
import { parseCidr, bigIntToIp } from "../topology/net";
import { answerFileCheck, assembleAnswerValues, isSecretParam } from "./answers";
import { loadCatalog, packstackDataDir, type LoadedCatalog } from "./catalog";
import { checkAnswerFile } from "./check";
import { iniGet, parseIni } from "./ini";
import { packstackDefault } from "./load";
import type { SecretSource } from "./secrets";

/**
 * `rdoctl answers import`: an existing answer file → a TopologySpec (inventory). What the model
 * covers (hosts and roles, services, Neutron, Cinder, Swift, external network, NTP, TLS subject)
 * is mapped to model fields; every other value that the model would not reproduce is carried in
 * `packstack:` overrides, found by generating from the imported spec and comparing. Secrets are
 * never written into the inventory; they are returned so the caller can seed the cloud's store.
 */

export interface ImportOptions {
  /** Cloud name. @default derived from the file name */
  readonly name?: string;
  /** @default the release named in an rdoctl header, else the release whose keys fit best */
  readonly release?: Release;
  /** Names the file in messages. */
  readonly source?: string;
  /**
   * Where the inventory will be written, so its `$schema` comment finds the schema from there.
   * @default a file in the current directory (the inventory is printed)
   */
  readonly outFile?: string;
}

export interface ImportResult {
  readonly spec: TopologySpec;
  /** The inventory as YAML, with a comment header. */
  readonly yaml: string;
  readonly release: Release;
  /** Passwords and keys of the file (PW_PLACEHOLDER ones left out), for the cloud's secrets store. */
  readonly secrets: Readonly<Record<string, string>>;
  /** Keys carried as `packstack:` overrides. */
  readonly overrideKeys: readonly string[];
  /**
   * What `rdoctl validate` says about the inventory: rdoctl's rules go past Packstack's (e.g. an
   * external bridge with no interface), so an accepted answer file can still draw findings.
   */
  readonly issues: readonly string[];
}

/** The release an answer file was written for: an rdoctl header, else the catalog it fits best. */
export function detectRelease(text: string): Release {
  const header = /^# Packstack answer file for cloud .*, RDO (\S+) /m.exec(text);
  if (header && (RELEASES as readonly string[]).includes(header[1]!)) return header[1] as Release;
  const keys = [...text.matchAll(/^([A-Za-z][A-Za-z0-9_]*)\s*[=:]/gm)].map((m) => m[1]!.toUpperCase());
  let best: Release = RELEASES[RELEASES.length - 1]!;
  let bestScore = -Infinity;
  for (const release of RELEASES) {
    const catalog = loadCatalog(release);
    const known = keys.filter((k) => catalog.byUpperName.has(k)).length;
    const score = known * 2 - (keys.length - known) - (catalog.params.length - known);
    // Ties go to the newer general release, which is what a user is most likely running;
    // master (in development) only when it fits strictly better.
    if (score > bestScore || (score === bestScore && release !== "master")) {
      best = release;
      bestScore = score;
    }
  }
  return best;
}

const split = (value: string): string[] =>
  value
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);

function pairs(value: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of split(value)) {
    const at = item.indexOf(":");
    if (at > 0) out[item.slice(0, at)] = item.slice(at + 1);
  }
  return out;
}

function cloudNameFrom(file: string): string {
  const base = path.basename(file).replace(/\.[^.]*$/, "").replace(/[^A-Za-z0-9_.-]+/g, "-").replace(/^[^A-Za-z0-9]+/, "");
  return base || "imported";
}

/** A secret source answering with the file's own values, so the comparison ignores secrets. */
class FixedSecrets implements SecretSource {
  readonly description = "imported answer file";
  constructor(private readonly values: Readonly<Record<string, string>>) {}
  secret(key: string): string {
    return this.values[key] ?? "";
  }
  /** User-supplied secrets (an LDAP bind password) come back too, as a secrets store would give them. */
  get(key: string): string | undefined {
    return this.values[key];
  }
  save(): void {}
}

function buildSpec(catalog: LoadedCatalog, get: (key: string) => string, name: string): TopologySpec {
  const has = (key: string): boolean => catalog.byName.has(key);
  const controllerAddress = get("CONFIG_CONTROLLER_HOST");
  const computes = split(get("CONFIG_COMPUTE_HOSTS"));
  const networks = split(get("CONFIG_NETWORK_HOSTS"));
  const storage = get("CONFIG_UNSUPPORTED") === "y" ? get("CONFIG_STORAGE_HOST") : controllerAddress;

  // Hosts by address, roles in the model's order; amqp/database/redis only where not the controller.
  const roles = new Map<string, Role[]>();
  const addRole = (address: string, role: Role): void => {
    if (!address) return;
    const list = roles.get(address) ?? [];
    if (!list.includes(role)) list.push(role);
    roles.set(address, list);
  };
  addRole(controllerAddress, "controller");
  for (const a of networks) addRole(a, "network");
  for (const a of computes) addRole(a, "compute");
  addRole(storage, "storage");
  for (const [key, role] of [["CONFIG_AMQP_HOST", "amqp"], ["CONFIG_MARIADB_HOST", "database"], ["CONFIG_REDIS_HOST", "redis"]] as const) {
    const address = get(key);
    if (address && address !== controllerAddress) addRole(address, role);
  }

  // The controller is named after the certificate's CN when that is a FQDN, so the defaults agree.
  const commonName = get("CONFIG_SSL_CERT_SUBJECT_CN");
  const cnParts = commonName.split(".");
  const cnIsFqdn = cnParts.length > 1 && /^[A-Za-z][A-Za-z0-9-]*$/.test(cnParts[0]!);
  const domain = cnIsFqdn ? cnParts.slice(1).join(".") : undefined;
  const used = new Set<string>();
  const counters = new Map<string, number>();
  const hosts: HostSpec[] = [...roles.entries()].map(([address, hostRoles]) => {
    let hostName: string;
    if (hostRoles.includes("controller") && cnIsFqdn) hostName = cnParts[0]!;
    else if (!/^[0-9.:[\]]+$/.test(address)) hostName = address.split(".")[0]!;
    else {
      const role = hostRoles[0]!;
      const count = (counters.get(role) ?? 0) + 1;
      counters.set(role, count);
      hostName = role === "compute" || role === "network" ? `${role}${count}` : role;
    }
    let unique = hostName;
    for (let n = 2; used.has(unique); n++) unique = `${hostName}-${n}`;
    used.add(unique);
    return { name: unique, address, roles: hostRoles };
  });

  const services: Record<string, unknown> = {};
  for (const [service, parameter] of Object.entries(SERVICE_INSTALL_PARAMETERS) as [ServiceName, string][]) {
    if (service === "neutron" || !has(parameter)) continue;
    services[service] = { enabled: get(parameter) === "y" };
  }
  const virtType = get("CONFIG_NOVA_LIBVIRT_VIRT_TYPE");
  if (virtType === "kvm" || virtType === "qemu") services.nova = { ...(services.nova as object), libvirtType: virtType };
  else if (virtType === catalog.byName.get("CONFIG_NOVA_LIBVIRT_VIRT_TYPE")?.default) services.nova = { ...(services.nova as object), libvirtType: "auto" };
  const glanceBackend = get("CONFIG_GLANCE_BACKEND");
  if (glanceBackend === "file" || glanceBackend === "swift") services.glance = { ...(services.glance as object), backend: glanceBackend };
  const cinderBackends = split(get("CONFIG_CINDER_BACKEND")).filter((b): b is CinderBackend => (CINDER_BACKENDS as readonly string[]).includes(b));
  services.cinder = {
    ...(services.cinder as object),
    ...(cinderBackends.length > 0 ? { backends: cinderBackends } : {}),
    lvmVolumeSize: get("CONFIG_CINDER_VOLUMES_SIZE"),
    nfsMounts: split(get("CONFIG_CINDER_NFS_MOUNTS")),
  };
  const replicas = Number(get("CONFIG_SWIFT_STORAGE_REPLICAS"));
  services.swift = {
    ...(services.swift as object),
    devices: split(get("CONFIG_SWIFT_STORAGES")),
    ...(Number.isInteger(replicas) && replicas > 0 ? { replicas } : {}),
    storageSize: get("CONFIG_SWIFT_STORAGE_SIZE"),
  };
  services.horizon = { ...(services.horizon as object), ssl: get("CONFIG_HORIZON_SSL") === "y" };

  const l2Agent = get("CONFIG_NEUTRON_L2_AGENT");
  const agent = (NEUTRON_L2_AGENTS as readonly string[]).includes(l2Agent) ? (l2Agent as (typeof NEUTRON_L2_AGENTS)[number]) : "ovn";
  const prefix = agent === "ovn" ? "CONFIG_NEUTRON_OVN_" : "CONFIG_NEUTRON_OVS_";
  const networkTypes = (key: string): NetworkType[] =>
    split(get(key)).filter((t): t is NetworkType => (NETWORK_TYPES as readonly string[]).includes(t));
  const bridgeMappings = agent === "linuxbridge" ? {} : pairs(get(`${prefix}BRIDGE_MAPPINGS`));
  const bridgeInterfaces = agent === "linuxbridge" ? {} : pairs(get(`${prefix}BRIDGE_IFACES`));
  const tunnel = agent === "linuxbridge" ? "" : get(`${prefix}TUNNEL_IF`);
  const computeBridges = agent === "linuxbridge" ? [] : split(get(`${prefix}BRIDGES_COMPUTE`));
  services.neutron = {
    l2Agent: agent,
    typeDrivers: networkTypes("CONFIG_NEUTRON_ML2_TYPE_DRIVERS"),
    tenantNetworkTypes: networkTypes("CONFIG_NEUTRON_ML2_TENANT_NETWORK_TYPES"),
    bridgeMappings,
    bridgeInterfaces,
    vlanRanges: split(get("CONFIG_NEUTRON_ML2_VLAN_RANGES")),
    ...(tunnel ? { tunnelInterface: tunnel } : {}),
    ...(computeBridges.length > 0 ? { computeBridges } : {}),
  };

  // An external network is imported when the file sets one up for the demo project.
  let externalNetwork: ExternalNetworkSpec | undefined;
  const floatRange = get("CONFIG_PROVISION_DEMO_FLOATRANGE");
  const floatDefault = catalog.byName.get("CONFIG_PROVISION_DEMO_FLOATRANGE")?.default;
  let pools: unknown;
  try {
    pools = JSON.parse(get("CONFIG_PROVISION_DEMO_ALLOCATION_POOLS") || "[]");
  } catch {
    pools = [];
  }
  const poolMatch = Array.isArray(pools) && pools.length === 1 ? /^start=([^,]+),end=(.+)$/.exec(String(pools[0])) : null;
  const cidr = parseCidr(floatRange);
  if (typeof cidr !== "string" && (floatRange !== floatDefault || poolMatch)) {
    const bridge = get("CONFIG_NEUTRON_L3_EXT_BRIDGE") || "br-ex";
    externalNetwork = {
      physicalNetwork: get(`${prefix}EXTERNAL_PHYSNET`) || "extnet",
      bridge,
      ...(bridgeInterfaces[bridge] ? { interface: bridgeInterfaces[bridge] } : {}),
      cidr: floatRange,
      gateway: bigIntToIp(cidr.network + 1n, cidr.version),
      ...(poolMatch ? { allocationPool: { start: poolMatch[1]!, end: poolMatch[2]! } } : {}),
    };
  }

  const subject: Record<string, string> = {};
  const subjectFields = [
    ["CONFIG_SSL_CERT_SUBJECT_C", "country"],
    ["CONFIG_SSL_CERT_SUBJECT_ST", "state"],
    ["CONFIG_SSL_CERT_SUBJECT_L", "locality"],
    ["CONFIG_SSL_CERT_SUBJECT_O", "organization"],
    ["CONFIG_SSL_CERT_SUBJECT_OU", "organizationalUnit"],
  ] as const;
  for (const [key, field] of subjectFields) {
    if (has(key) && get(key) !== catalog.byName.get(key)!.default) subject[field] = get(key);
  }
  if (!cnIsFqdn) subject.commonName = commonName;
  const fqdn = cnIsFqdn ? commonName : `controller.${domain ?? "localdomain"}`;
  if (get("CONFIG_SSL_CERT_SUBJECT_MAIL") !== `admin@${fqdn}`) subject.email = get("CONFIG_SSL_CERT_SUBJECT_MAIL");
  const ssl: SslSpec = {
    ...(get("CONFIG_AMQP_ENABLE_SSL") === "y" ? { amqp: true } : {}),
    ...(Object.keys(subject).length > 0 ? { certSubject: subject } : {}),
  };

  return {
    name,
    release: catalog.release,
    ...(domain ? { domain } : {}),
    hosts,
    services: services as ServicesSpec,
    ...(split(get("CONFIG_NTP_SERVERS")).length > 0 ? { ntpServers: split(get("CONFIG_NTP_SERVERS")) } : {}),
    ...(Object.keys(ssl).length > 0 ? { ssl } : {}),
    ...(externalNetwork ? { externalNetwork } : {}),
  };
}

export function importAnswerFile(text: string, options: ImportOptions = {}): ImportResult {
  const source = options.source ?? "<answer file>";
  const doc = parseIni(text, source);
  // configparser's message spans lines (file, line, the raw text): one line for the operator.
  if (doc.fatal) throw new RdoctlError(`${source}: Packstack cannot read this file: ${doc.fatal.replace(/\s*\n\s*/g, " ")}`);
  const release = options.release ?? detectRelease(text);
  const verdict = checkAnswerFile(text, release, { source, allowUnknown: true });
  if (!verdict.accepted) {
    throw new RdoctlError(`${source}: Packstack ${release} would reject this file (${verdict.packstackError}); fix it first (rdoctl answers check)`);
  }
  const catalog = loadCatalog(release);
  const controller = iniGet(doc, "general", "CONFIG_CONTROLLER_HOST");
  const facts = { ...catalog.pins, ...(controller ? { deployer_ip: controller } : {}) };
  const fileValues: Record<string, string> = {};
  for (const param of catalog.orderedParams) {
    fileValues[param.name] = iniGet(doc, "general", param.name) ?? packstackDefault(param, facts, () => "PW_PLACEHOLDER");
  }
  const get = (key: string): string => fileValues[key] ?? "";
  const secrets: Record<string, string> = {};
  for (const param of catalog.orderedParams) {
    const value = fileValues[param.name]!;
    if (isSecretParam(param) && value !== "" && value !== "PW_PLACEHOLDER") secrets[param.name] = value;
  }

  const name = options.name ?? cloudNameFrom(source);
  const base = buildSpec(catalog, get, name);
  const fixed = new FixedSecrets(fileValues);
  const generated = valuesWithoutCheck(base, release, fixed);
  // Secrets never become overrides (they go to the cloud's store); a secret that still does not
  // come back is one Packstack derives from another (CONFIG_TROVE_NOVA_PW from CONFIG_TROVE_KS_PW).
  const secretKeys = new Set(catalog.orderedParams.filter(isSecretParam).map((p) => p.name));
  const overrides: Record<string, string> = {};
  for (const param of catalog.orderedParams) {
    if (generated[param.name] !== fileValues[param.name] && !secretKeys.has(param.name)) overrides[param.name] = fileValues[param.name]!;
  }
  const spec: TopologySpec = Object.keys(overrides).length > 0 ? { ...base, packstack: overrides } : base;
  // The promise of import: generating from the spec gives the file's values back (what
  // `rdoctl validate` then says about the overrides is in `issues`).
  const again = assembleAnswerValues(resolveTopology(spec), release, fixed, spec.packstack ?? {});
  const lost = catalog.orderedParams.filter((p) => again[p.name] !== fileValues[p.name]).map((p) => p.name);
  const lostValues = lost.filter((key) => !secretKeys.has(key));
  if (lostValues.length > 0) throw new Error(`import of ${source} does not round-trip: ${lostValues.join(", ")}`);
  const derivedSecrets = lost.filter((key) => secretKeys.has(key));
  const overrideKeys = Object.keys(overrides);
  const yaml =
    `# yaml-language-server: $schema=${schemaReference(options.outFile)}\n` +
    `# Imported by rdoctl from ${path.basename(source)} (Packstack ${release}). Passwords and keys are not in this file.\n` +
    stringify(spec, { lineWidth: 0 });
  const issues: string[] = derivedSecrets.map(
    (key) => `${key}: the file's value is not kept; the inventory gives the value Packstack itself uses (${key === "CONFIG_TROVE_NOVA_PW" ? "CONFIG_TROVE_KS_PW, as the Nova user is trove" : "derived from another key"})`,
  );
  try {
    validateTopologySpec(spec, { file: "<imported inventory>" }, [answerFileCheck]);
  } catch (err) {
    if (!(err instanceof InventoryError)) throw err;
    issues.push(...err.issues.map(formatIssue));
  }
  return { spec, yaml, release, secrets, overrideKeys, issues };
}

/** Values generated from a spec, without any check (the file may carry anything). */
function valuesWithoutCheck(spec: TopologySpec, release: Release, secrets: SecretSource): Record<string, string> {
  try {
    return assembleAnswerValues(resolveTopology(spec), release, secrets, {});
  } catch (err) {
    if (!(err instanceof RdoctlError)) throw err;
    // The model's values alone can fail where the file's overrides would fix them; compare anyway.
    return {};
  }
}

/** schema/inventory.schema.json shipped with rdoctl, as a path from the inventory's directory (editors resolve it from there). */
export function schemaReference(outFile: string | undefined): string {
  const root = path.resolve(packstackDataDir(), "..", "..");
  const schema = path.join(root, "schema", "inventory.schema.json");
  const from = path.dirname(path.resolve(outFile ?? "inventory.yaml"));
  // Outside rdoctl's tree a relative path would climb to / and break when either moves.
  if (path.relative(root, from).startsWith("..")) return schema;
  const relative = path.relative(from, schema).split(path.sep).join("/");
  return relative.startsWith(".") ? relative : `./${relative}`;
}
