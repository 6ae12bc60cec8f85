import {
  DEFAULT_RELEASE,
  releaseNamed,
  type ExternalNetwork,
  type ExternalNetworkSpec,
  type Host,
  type HostSpec,
  type Neutron,
  type NeutronSpec,
  type NetworkType,
  type Services,
  type ServicesSpec,
  type Toggle,
  type ToggleSpec,
  type Topology,
  type TopologySpec,
} from "./model";
import { defaultAllocationPool, parseCidr } from "./net";

/**
 * Applies every default documented in model.ts. Pure and total: it does not validate (a CIDR
 * that does not parse leaves an empty allocation pool), so call it through `loadInventory`,
 * `parseInventory`, `validateTopologySpec` or the builder, which report problems first.
 */
export function resolveTopology(spec: TopologySpec): Topology {
  const domain = spec.domain ?? "localdomain";
  const hosts = spec.hosts.map((h) => resolveHost(h, domain));
  const controller = hosts.find((h) => h.roles.includes("controller")) ?? hosts[0];
  const externalNetwork = spec.externalNetwork && resolveExternalNetwork(spec.externalNetwork);
  return {
    name: spec.name,
    release: (spec.release !== undefined ? releaseNamed(spec.release) : undefined) ?? DEFAULT_RELEASE,
    domain,
    hosts,
    deployer: spec.deployer ?? controller?.name ?? "",
    services: resolveServices(spec.services ?? {}, externalNetwork, hosts),
    ntpServers: [...(spec.ntpServers ?? [])],
    ssl: { amqp: false, ...spec.ssl },
    ...(externalNetwork ? { externalNetwork } : {}),
    packstack: { ...spec.packstack },
  };
}

function resolveHost(spec: HostSpec, domain: string): Host {
  const ssh = spec.ssh ?? {};
  return {
    name: spec.name,
    address: spec.address,
    fqdn: spec.fqdn ?? `${spec.name}.${domain}`,
    roles: [...spec.roles],
    ssh: {
      user: ssh.user ?? "root",
      port: ssh.port ?? 22,
      passwordAuth: ssh.passwordAuth ?? false,
      hostKeys: [...(ssh.hostKeys ?? [])],
      ...(ssh.keyFile !== undefined ? { keyFile: ssh.keyFile } : {}),
      ...(ssh.jump !== undefined ? { jump: ssh.jump } : {}),
      ...(ssh.configAlias !== undefined ? { configAlias: ssh.configAlias } : {}),
    },
    interfaces: (spec.interfaces ?? []).map((i) => ({ ...i, purpose: i.purpose ?? "management" })),
  };
}

export function resolveExternalNetwork(spec: ExternalNetworkSpec): ExternalNetwork {
  const cidr = parseCidr(spec.cidr);
  const pool = spec.allocationPool ?? (typeof cidr === "string" ? undefined : defaultAllocationPool(cidr, spec.gateway));
  return {
    physicalNetwork: spec.physicalNetwork ?? "extnet",
    bridge: spec.bridge ?? "br-ex",
    type: spec.type ?? "flat",
    cidr: spec.cidr,
    gateway: spec.gateway,
    allocationPool: pool ?? { start: "", end: "" },
    ...(spec.interface !== undefined ? { interface: spec.interface } : {}),
    ...(spec.segmentationId !== undefined ? { segmentationId: spec.segmentationId } : {}),
  };
}

/** Type drivers and tenant network types Packstack configures for each L2 agent by default. */
const NEUTRON_TYPE_DEFAULTS = {
  ovn: { typeDrivers: ["geneve", "flat"], tenantNetworkTypes: ["geneve"] },
  openvswitch: { typeDrivers: ["vxlan", "flat"], tenantNetworkTypes: ["vxlan"] },
  linuxbridge: { typeDrivers: ["vxlan", "flat"], tenantNetworkTypes: ["vxlan"] },
} as const satisfies Record<string, { typeDrivers: readonly NetworkType[]; tenantNetworkTypes: readonly NetworkType[] }>;

export function resolveNeutron(spec: NeutronSpec, externalNetwork?: ExternalNetwork, hosts: readonly Host[] = []): Neutron {
  const l2Agent = spec.l2Agent ?? "ovn";
  const defaults = NEUTRON_TYPE_DEFAULTS[l2Agent];
  const derivedMappings: Record<string, string> = externalNetwork ? { [externalNetwork.physicalNetwork]: externalNetwork.bridge } : {};
  const derivedInterfaces: Record<string, string> =
    externalNetwork?.interface !== undefined ? { [externalNetwork.bridge]: externalNetwork.interface } : {};
  const bridgeInterfaces = { ...derivedInterfaces, ...spec.bridgeInterfaces };
  return {
    l2Agent,
    typeDrivers: [...(spec.typeDrivers ?? defaults.typeDrivers)],
    tenantNetworkTypes: [...(spec.tenantNetworkTypes ?? defaults.tenantNetworkTypes)],
    bridgeMappings: { ...derivedMappings, ...spec.bridgeMappings },
    bridgeInterfaces,
    vlanRanges: [...(spec.vlanRanges ?? [])],
    computeBridges: [...(spec.computeBridges ?? (l2Agent === "linuxbridge" ? [] : providerBridges(bridgeInterfaces, hosts)))],
    ...(spec.tunnelInterface !== undefined ? { tunnelInterface: spec.tunnelInterface } : {}),
  };
}

/** Bridges plugged into an interface that some compute host lists with purpose `provider`, in bridgeInterfaces order. */
export function providerBridges(bridgeInterfaces: Readonly<Record<string, string>>, hosts: readonly Host[]): string[] {
  const providerInterfaces = new Set(
    hosts.filter((h) => h.roles.includes("compute")).flatMap((h) => h.interfaces.filter((i) => i.purpose === "provider").map((i) => i.name)),
  );
  return Object.entries(bridgeInterfaces)
    .filter(([, iface]) => providerInterfaces.has(iface))
    .map(([bridge]) => bridge);
}

function toggle(spec: ToggleSpec | undefined, enabled: boolean): Toggle {
  return { enabled: spec?.enabled ?? enabled };
}

export function resolveServices(spec: ServicesSpec, externalNetwork?: ExternalNetwork, hosts: readonly Host[] = []): Services {
  return {
    nova: { enabled: spec.nova?.enabled ?? true, libvirtType: spec.nova?.libvirtType ?? "kvm" },
    neutron: resolveNeutron(spec.neutron ?? {}, externalNetwork, hosts),
    glance: { enabled: spec.glance?.enabled ?? true, backend: spec.glance?.backend ?? "file" },
    cinder: {
      enabled: spec.cinder?.enabled ?? true,
      backends: [...(spec.cinder?.backends ?? ["lvm"])],
      lvmVolumeSize: spec.cinder?.lvmVolumeSize ?? "20G",
      nfsMounts: [...(spec.cinder?.nfsMounts ?? [])],
    },
    swift: {
      enabled: spec.swift?.enabled ?? false,
      devices: [...(spec.swift?.devices ?? [])],
      replicas: spec.swift?.replicas ?? 1,
      storageSize: spec.swift?.storageSize ?? "2G",
    },
    heat: toggle(spec.heat, false),
    horizon: { enabled: spec.horizon?.enabled ?? true, ssl: spec.horizon?.ssl ?? false },
    ceilometer: toggle(spec.ceilometer, false),
    aodh: toggle(spec.aodh, false),
    manila: toggle(spec.manila, false),
    trove: toggle(spec.trove, false),
    sahara: toggle(spec.sahara, false),
    magnum: toggle(spec.magnum, false),
    ironic: toggle(spec.ironic, false),
    demo: toggle(spec.demo, false),
    tempest: toggle(spec.tempest, false),
  };
}
