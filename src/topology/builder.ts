import type {
  ExternalNetworkSpec,
  HostSpec,
  NeutronSpec,
  PackstackOverrides,
  Release,
  ReleaseCodename,
  ServiceName,
  ServicesSpec,
  SslSpec,
  Topology,
  TopologySpec,
} from "./model";
import { BUILDER_SOURCE, validateTopologySpec } from "./validate";

/** Services that can be switched on and off (Neutron is always installed). */
export type ToggleableService = Exclude<ServiceName, "neutron">;

type Writable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * A fluent, typed way to write a {@link TopologySpec} in TypeScript (for stacks/). `build()`
 * goes through the same schema, defaults and rules as a YAML inventory; errors name the field
 * path and `<builder>` as location.
 *
 * @example
 * const cloud = new CloudBuilder("lab")
 *   .release("2025.1")
 *   .host({ name: "aio", address: "192.168.122.10", roles: ["controller", "network", "compute"] })
 *   .enable("heat")
 *   .externalNetwork({ cidr: "203.0.113.0/24", gateway: "203.0.113.1", interface: "eth1" })
 *   .build();
 */
export class CloudBuilder {
  private readonly spec: Writable<Omit<TopologySpec, "hosts" | "services">> & { hosts: HostSpec[] };
  private readonly services: Writable<ServicesSpec> = {};

  constructor(name: string) {
    this.spec = { name, hosts: [] };
  }

  /** A version or its codename (`epoxy`). @default DEFAULT_RELEASE */
  release(release: Release | ReleaseCodename): this {
    this.spec.release = release;
    return this;
  }

  /** DNS domain for host FQDNs. @default "localdomain" */
  domain(domain: string): this {
    this.spec.domain = domain;
    return this;
  }

  /** Adds a host; hosts keep the order they are added in. */
  host(host: HostSpec): this {
    this.spec.hosts.push(host);
    return this;
  }

  /** Host that runs Packstack. @default the controller */
  deployer(hostName: string): this {
    this.spec.deployer = hostName;
    return this;
  }

  enable(...services: ToggleableService[]): this {
    return this.toggle(services, true);
  }

  disable(...services: ToggleableService[]): this {
    return this.toggle(services, false);
  }

  /** Sets a service's options, merged over what was set before (enable/disable included). */
  service<K extends keyof ServicesSpec>(name: K, options: NonNullable<ServicesSpec[K]>): this {
    this.services[name] = { ...(this.services[name] ?? {}), ...options } as ServicesSpec[K];
    return this;
  }

  /** Shorthand for `service("neutron", options)`. */
  neutron(options: NeutronSpec): this {
    return this.service("neutron", options);
  }

  externalNetwork(network: ExternalNetworkSpec): this {
    this.spec.externalNetwork = network;
    return this;
  }

  ntpServers(...servers: string[]): this {
    this.spec.ntpServers = servers;
    return this;
  }

  ssl(ssl: SslSpec): this {
    this.spec.ssl = ssl;
    return this;
  }

  /** Packstack parameters the model does not cover; merged over earlier calls. */
  packstack(overrides: PackstackOverrides): this {
    this.spec.packstack = { ...this.spec.packstack, ...overrides };
    return this;
  }

  /** The description written so far, as a YAML inventory would hold it. */
  toSpec(): TopologySpec {
    const services = Object.keys(this.services).length > 0 ? { services: structuredClone(this.services) } : {};
    return { ...structuredClone(this.spec), ...services };
  }

  /** Validates and resolves; throws InventoryError listing every problem. */
  build(): Topology {
    return validateTopologySpec(this.toSpec(), BUILDER_SOURCE);
  }

  private toggle(services: readonly ToggleableService[], enabled: boolean): this {
    for (const name of services) this.service(name, { enabled });
    return this;
  }
}
