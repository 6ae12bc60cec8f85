/**
 * The typed model of an RDO cloud. Everything downstream (answer files, the SSH installer,
 * the cdktf stacks) reads a {@link Topology}; YAML inventories and the TypeScript builder
 * both produce one through `resolveTopology`.
 *
 * Two shapes live here:
 * - `*Spec` types are what a user writes: most fields optional, defaults documented.
 * - the plain types (`Topology`, `Host`, …) are resolved: defaults applied, every field set.
 */

/** RDO/Packstack releases rdoctl supports; `master` is the release in development. */
export const RELEASES = ["2023.1", "2023.2", "2024.1", "2024.2", "2025.1", "master"] as const;
export type Release = (typeof RELEASES)[number];

/** The release used when a topology or command names none: the newest general RDO release. */
export const DEFAULT_RELEASE: Release = "2025.1";

export const RELEASE_CODENAMES = {
  "2023.1": "antelope",
  "2023.2": "bobcat",
  "2024.1": "caracal",
  "2024.2": "dalmatian",
  "2025.1": "epoxy",
  master: "flamingo",
} as const satisfies Readonly<Record<Release, string>>;
export type ReleaseCodename = (typeof RELEASE_CODENAMES)[Release];

/**
 * The release a name stands for: a version (`2025.1`, `master`) or its codename (`epoxy`,
 * any case), as operators and RDO's repositories (`centos9-epoxy`) call releases.
 */
export function releaseNamed(name: string): Release | undefined {
  const lower = name.trim().toLowerCase();
  return RELEASES.find((r) => r === lower || RELEASE_CODENAMES[r] === lower);
}

/** `2025.1 (epoxy), …`: the names {@link releaseNamed} accepts, for messages. */
export function releaseNamesList(): string {
  return RELEASES.map((r) => `${r} (${RELEASE_CODENAMES[r]})`).join(", ");
}

export const ROLES = ["controller", "network", "compute", "storage", "amqp", "database", "redis"] as const;
/**
 * What a host does in the cloud. `controller` also carries network, storage, amqp, database
 * and redis unless another host does (see {@link hostForRole}); `storage` hosts Cinder volumes
 * and Swift storage.
 */
export type Role = (typeof ROLES)[number];

/** How rdoctl reaches a host over SSH. */
export interface SshSpec {
  /** Login user; a non-root user must have passwordless sudo. @default "root" */
  readonly user?: string;
  /** @default 22 */
  readonly port?: number;
  /** Private key file (`~` expanded). @default ssh-agent, then ~/.ssh/id_ed25519, ~/.ssh/id_rsa */
  readonly keyFile?: string;
  /** Allow password authentication (the password is asked for, never stored). @default false */
  readonly passwordAuth?: boolean;
  /** Name of another host of the inventory, or `[user@]address[:port]`, to tunnel through. */
  readonly jump?: string;
  /** Host alias in ~/.ssh/config whose HostName/User/Port/IdentityFile/ProxyJump apply. */
  readonly configAlias?: string;
  /** Pinned host key fingerprints (`SHA256:…`, as `ssh-keygen -lf` prints). @default known_hosts */
  readonly hostKeys?: readonly string[];
}
export type Ssh = Required<Omit<SshSpec, "keyFile" | "jump" | "configAlias">> &
  Pick<SshSpec, "keyFile" | "jump" | "configAlias">;

export const INTERFACE_PURPOSES = ["management", "tunnel", "external", "storage", "provider"] as const;
export type InterfacePurpose = (typeof INTERFACE_PURPOSES)[number];

/** A network interface of a host, as the operating system names it. */
export interface NetworkInterface {
  /** e.g. `eth1`, `ens4`. */
  readonly name: string;
  /** What the interface carries. @default "management" */
  readonly purpose?: InterfacePurpose;
  /** Address with prefix, e.g. `10.0.0.11/24`; informative, preflight checks it is present. */
  readonly address?: string;
}

export interface HostSpec {
  /** Short name, unique in the inventory; used in logs and as the key for `jump`. */
  readonly name: string;
  /** Address Packstack and rdoctl use: an IP address or a resolvable name. */
  readonly address: string;
  /** Fully qualified hostname to set on the host. @default `<name>.<cloud domain>` */
  readonly fqdn?: string;
  readonly roles: readonly Role[];
  readonly ssh?: SshSpec;
  /** @default [] (preflight then only checks the management address) */
  readonly interfaces?: readonly NetworkInterface[];
}
export interface Host {
  readonly name: string;
  readonly address: string;
  readonly fqdn: string;
  readonly roles: readonly Role[];
  readonly ssh: Ssh;
  readonly interfaces: readonly NetworkInterface[];
}

// ---------------------------------------------------------------- services

export const NEUTRON_L2_AGENTS = ["ovn", "openvswitch", "linuxbridge"] as const;
export type NeutronL2Agent = (typeof NEUTRON_L2_AGENTS)[number];
export const NETWORK_TYPES = ["local", "flat", "vlan", "gre", "vxlan", "geneve"] as const;
export type NetworkType = (typeof NETWORK_TYPES)[number];

export interface NeutronSpec {
  /** L2 agent; `linuxbridge` is gone from 2025.1. @default "ovn" */
  readonly l2Agent?: NeutronL2Agent;
  /** @default ["geneve", "flat"] for OVN, ["vxlan", "flat"] for Open vSwitch */
  readonly typeDrivers?: readonly NetworkType[];
  /** @default ["geneve"] for OVN, ["vxlan"] for Open vSwitch */
  readonly tenantNetworkTypes?: readonly NetworkType[];
  /**
   * Physical network name → bridge, e.g. `{ extnet: "br-ex" }`. The external network's entry
   * (`physicalNetwork: bridge`) is added when externalNetwork is set.
   * @default from externalNetwork
   */
  readonly bridgeMappings?: Readonly<Record<string, string>>;
  /**
   * Bridge → physical interface on network/compute hosts, e.g. `{ "br-ex": "eth1" }`. The
   * external bridge's entry (`bridge: interface`) is added when externalNetwork.interface is set.
   * @default from externalNetwork
   */
  readonly bridgeInterfaces?: Readonly<Record<string, string>>;
  /** VLAN ranges as `physnet[:min:max]`. @default [] */
  readonly vlanRanges?: readonly string[];
  /** Interface carrying tunnel (Geneve/VXLAN) traffic. @default the management interface */
  readonly tunnelInterface?: string;
  /**
   * Bridges Packstack creates on every compute host, each plugged into its interface of
   * `bridgeInterfaces` (CONFIG_NEUTRON_OVS_BRIDGES_COMPUTE / CONFIG_NEUTRON_OVN_BRIDGES_COMPUTE),
   * so flat and VLAN ports can bind there; network hosts get every bridge anyway. Packstack
   * uses them only with a flat or vlan type driver. No Packstack release has a DVR option
   * (none in data/packstack/catalog-*.json), so there is no DVR switch here.
   * @default the bridges of `bridgeInterfaces` whose interface a compute host lists with purpose `provider`
   */
  readonly computeBridges?: readonly string[];
}
export type Neutron = Required<Omit<NeutronSpec, "tunnelInterface">> & Pick<NeutronSpec, "tunnelInterface">;

export const CINDER_BACKENDS = ["lvm", "nfs", "netapp", "solidfire", "vmdk"] as const;
export type CinderBackend = (typeof CINDER_BACKENDS)[number];
export interface CinderSpec {
  /** @default true */
  readonly enabled?: boolean;
  /** `vmdk` is gone from 2025.1. @default ["lvm"] */
  readonly backends?: readonly CinderBackend[];
  /** Size of the loopback LVM volume group Packstack creates, e.g. `20G`. @default "20G" */
  readonly lvmVolumeSize?: string;
  /** NFS exports for the nfs backend, `address:/path`; Packstack takes IP addresses only (IPv6 in brackets). @default [] */
  readonly nfsMounts?: readonly string[];
}
export type Cinder = Required<CinderSpec>;

export interface SwiftSpec {
  /** @default false */
  readonly enabled?: boolean;
  /** Block devices for storage, e.g. `/dev/vdb`; empty means a loopback file. @default [] */
  readonly devices?: readonly string[];
  /** @default 1 */
  readonly replicas?: number;
  /** Size of the loopback file when no devices are given. @default "2G" */
  readonly storageSize?: string;
}
export type Swift = Required<SwiftSpec>;

export interface HorizonSpec {
  /** @default true */
  readonly enabled?: boolean;
  /** Serve the dashboard over HTTPS. @default false */
  readonly ssl?: boolean;
}
export type Horizon = Required<HorizonSpec>;

export interface ToggleSpec {
  /** @default per service: see {@link ServicesSpec} */
  readonly enabled?: boolean;
}
export type Toggle = Required<ToggleSpec>;

export interface NovaSpec {
  /** @default true */
  readonly enabled?: boolean;
  /**
   * Virtualization type on compute hosts; `qemu` for nested labs without VT-x; `auto` leaves it
   * to Packstack's default (qemu on virtual machines, kvm on bare metal). @default "kvm"
   */
  readonly libvirtType?: "kvm" | "qemu" | "auto";
}
export type Nova = Required<NovaSpec>;

export interface GlanceSpec {
  /** @default true */
  readonly enabled?: boolean;
  /** @default "file" */
  readonly backend?: "file" | "swift";
}
export type Glance = Required<GlanceSpec>;

export interface ServicesSpec {
  readonly nova?: NovaSpec;
  readonly neutron?: NeutronSpec;
  readonly glance?: GlanceSpec;
  readonly cinder?: CinderSpec;
  readonly swift?: SwiftSpec;
  /** @default disabled */
  readonly heat?: ToggleSpec;
  readonly horizon?: HorizonSpec;
  /** Telemetry; Gnocchi comes with it. @default disabled */
  readonly ceilometer?: ToggleSpec;
  /** Alarming; needs ceilometer. @default disabled */
  readonly aodh?: ToggleSpec;
  /** @default disabled */
  readonly manila?: ToggleSpec;
  /** @default disabled */
  readonly trove?: ToggleSpec;
  /** Data processing; Packstack dropped it in 2024.1. @default disabled */
  readonly sahara?: ToggleSpec;
  /** @default disabled */
  readonly magnum?: ToggleSpec;
  /** @default disabled */
  readonly ironic?: ToggleSpec;
  /** Packstack's demo project, network and cirros image. @default disabled */
  readonly demo?: ToggleSpec;
  /** @default disabled */
  readonly tempest?: ToggleSpec;
}
export interface Services {
  readonly nova: Nova;
  readonly neutron: Neutron;
  readonly glance: Glance;
  readonly cinder: Cinder;
  readonly swift: Swift;
  readonly heat: Toggle;
  readonly horizon: Horizon;
  readonly ceilometer: Toggle;
  readonly aodh: Toggle;
  readonly manila: Toggle;
  readonly trove: Toggle;
  readonly sahara: Toggle;
  readonly magnum: Toggle;
  readonly ironic: Toggle;
  readonly demo: Toggle;
  readonly tempest: Toggle;
}
export type ServiceName = keyof Services;
/** Every service of {@link Services}, in the order Packstack's GLOBAL group lists them. */
export const SERVICE_NAMES = [
  "nova", "neutron", "glance", "cinder", "swift", "heat", "horizon", "ceilometer", "aodh",
  "manila", "trove", "sahara", "magnum", "ironic", "demo", "tempest",
] as const satisfies readonly ServiceName[];

/** Whether a service is installed; Neutron always is (Packstack rejects CONFIG_NEUTRON_INSTALL=n). */
export function isServiceEnabled(services: Services, name: ServiceName): boolean {
  const service = services[name];
  return "enabled" in service ? service.enabled : true;
}

// ---------------------------------------------------------------- external network

export interface AllocationPool {
  readonly start: string;
  readonly end: string;
}

export interface ExternalNetworkSpec {
  /** Neutron physical network name. @default "extnet" */
  readonly physicalNetwork?: string;
  /** OVS bridge the physical network maps to. @default "br-ex" */
  readonly bridge?: string;
  /** Physical interface plugged into the bridge on network hosts (e.g. `eth1`). */
  readonly interface?: string;
  /** @default "flat" */
  readonly type?: "flat" | "vlan";
  /** VLAN id when `type` is `vlan`. */
  readonly segmentationId?: number;
  /** e.g. `203.0.113.0/24`. */
  readonly cidr: string;
  readonly gateway: string;
  /** @default the whole CIDR except network, broadcast and gateway addresses */
  readonly allocationPool?: AllocationPool;
}
export type ExternalNetwork = Required<Omit<ExternalNetworkSpec, "interface" | "segmentationId">> &
  Pick<ExternalNetworkSpec, "interface" | "segmentationId">;

export interface SslSpec {
  /** Enable TLS on the AMQP broker. @default false */
  readonly amqp?: boolean;
  /** Subject fields for the self-signed CA Packstack creates. */
  readonly certSubject?: {
    readonly country?: string;
    readonly state?: string;
    readonly locality?: string;
    readonly organization?: string;
    readonly organizationalUnit?: string;
    /** @default the controller's FQDN */
    readonly commonName?: string;
    /** @default `admin@<controller FQDN>` */
    readonly email?: string;
  };
}

/**
 * Packstack parameters the model does not cover, by name (`CONFIG_…`). Checked against the
 * release's catalog: unknown names and invalid values are errors, like everything else.
 */
export type PackstackOverrides = Readonly<Record<string, string>>;

export interface TopologySpec {
  /** Cloud name: names the state directory, the clouds.yaml entry and the secrets file. */
  readonly name: string;
  /** A version or its codename (`epoxy`). @default {@link DEFAULT_RELEASE} */
  readonly release?: Release | ReleaseCodename;
  /** DNS domain for host FQDNs. @default "localdomain" */
  readonly domain?: string;
  readonly hosts: readonly HostSpec[];
  /** Host that runs Packstack. @default the controller */
  readonly deployer?: string;
  readonly services?: ServicesSpec;
  /** @default [] (hosts keep their own time sync) */
  readonly ntpServers?: readonly string[];
  readonly ssl?: SslSpec;
  readonly externalNetwork?: ExternalNetworkSpec;
  readonly packstack?: PackstackOverrides;
}

export interface Topology {
  readonly name: string;
  readonly release: Release;
  readonly domain: string;
  readonly hosts: readonly Host[];
  /** Name of the host that runs Packstack. */
  readonly deployer: string;
  readonly services: Services;
  readonly ntpServers: readonly string[];
  readonly ssl: SslSpec;
  readonly externalNetwork?: ExternalNetwork;
  readonly packstack: PackstackOverrides;
}

/** Hosts carrying a role, in inventory order. */
export function hostsWithRole(topology: Topology, role: Role): Host[] {
  return topology.hosts.filter((h) => h.roles.includes(role));
}

/**
 * The host that serves a role Packstack wants exactly one of. network, storage, amqp,
 * database and redis fall back to the controller when no host carries them, as Packstack
 * places those services on the controller by default.
 */
export function hostForRole(topology: Topology, role: Role): Host {
  const found = hostsWithRole(topology, role)[0];
  if (found) return found;
  if (role === "amqp" || role === "database" || role === "redis" || role === "storage" || role === "network") {
    const controller = hostsWithRole(topology, "controller")[0];
    if (controller) return controller;
  }
  throw new Error(`topology ${topology.name} has no host with role ${role}`);
}

export function hostByName(topology: Topology, name: string): Host {
  const host = topology.hosts.find((h) => h.name === name);
  if (!host) throw new Error(`topology ${topology.name} has no host named ${name}`);
  return host;
}
