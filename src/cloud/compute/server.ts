import { Construct } from "../../cdktf";
import { FloatingIp } from "../network/floating-ip";
import { ImportedPort, ImportedServerGroup, type Lookup, type ScopedLookupOptions } from "../imported";
import type { IFlavor, IResource, IImage, IKeypair, INetwork, IPort, IProject, ISecurityGroup, IServerGroup, IVolume } from "../interfaces";
import type { IExternalNetwork } from "../network/external-network-ref";
import { ownershipProblems, owningProject, type Use } from "../ownership";
import { ComputeInstanceV2, ComputeVolumeAttachV2, NetworkingPortV2 } from "../provider";
import { addProblem, identifierFrom, readableName, validateAtSynth } from "../validation";
import { linkId } from "../link-ids";

/** One network interface of a server, made as a Neutron port the stack owns. */
export interface PortSpec {
  /** A network of the stack or an imported one ({@link TenantNetwork.fromName}). */
  readonly network: INetwork;
  /** @default an address Neutron picks from the network's subnet (needs a network with a subnet) */
  readonly fixedIp?: string;
  /** Security groups of this port. @default [] (Neutron applies the project's `default` group) */
  readonly securityGroups?: readonly ISecurityGroup[];
}

/** A port made outside the stack for the server to boot on ({@link Server.existingPort}); its security groups and addresses are its own. */
export interface ExistingPortSpec {
  /** The port, from {@link Server.existingPort}. */
  readonly existing: IPort;
}

/** A Nova block device mapping. */
export interface BlockDeviceSpec {
  /** What the device is made from. */
  readonly source: { readonly image: IImage } | { readonly volume: IVolume } | { readonly blank: true } | { readonly uuid: string; readonly type: "image" | "volume" | "snapshot" };
  /** Size of the volume Nova creates; required for images copied to volumes and blank devices. */
  readonly sizeGb?: number;
  /** A Cinder volume, or local disk on the hypervisor. @default "volume" */
  readonly destination?: "volume" | "local";
  /** 0 boots from it; -1 or none for a data disk. @default none */
  readonly bootIndex?: number;
  /** @default true for volumes Nova creates, false for an existing {@link Volume} */
  readonly deleteOnTermination?: boolean;
  /** @default the cloud's default volume type */
  readonly volumeType?: string;
}

/** Everything that describes a server except its name: what a {@link VmGroup} repeats. */
export interface ServerSpec {
  /** Boot image; omit when a block device with bootIndex 0 boots the server. */
  readonly image?: IImage | { readonly id: string } | { readonly name: string };
  /** Flavor: one of the stack, an imported one, or `{ name }` of one the cloud has. */
  readonly flavor: IFlavor | { readonly name: string };
  /** At least one: new ports on networks, or ports that exist already. */
  readonly ports: readonly (PortSpec | ExistingPortSpec)[];
  /** @default no key (console or user data only) */
  readonly keypair?: IKeypair | string;
  /** cloud-init user data. @default none */
  readonly userData?: string;
  /** @default [] */
  readonly blockDevices?: readonly BlockDeviceSpec[];
  /** Server group id (scheduler hint). @default none */
  readonly serverGroupId?: string;
  /** Server group (scheduler hint), made here or imported; wins over serverGroupId. @default none */
  readonly serverGroup?: IServerGroup;
  /** Volumes attached after boot (compute_volume_attach_v2); more with {@link Server.attachVolume}. @default [] */
  readonly volumes?: readonly IVolume[];
  /**
   * The project the server lands in. Nova creates it in the project of the credentials, so this
   * declares that project (for the ownership checks at synth: its networks, security groups and
   * volumes must belong to it or be shared). @default the stack's OpenStackCloud `project`, else unknown
   */
  readonly project?: IProject;
  /** @default {} */
  readonly metadata?: Readonly<Record<string, string>>;
  /** @default the cloud's default zone */
  readonly availabilityZone?: string;
  /** Give the first port a floating IP from this network. @default none */
  readonly floatingIp?: { readonly pool: IExternalNetwork };
  /** @default false */
  readonly configDrive?: boolean;
}

export interface ServerProps extends ServerSpec {
  /** Name as the cloud knows it. */
  readonly name: string;
}

/** A Nova server on ports the stack owns, with optional block devices and floating IP. */
export class Server extends Construct implements IResource {
  /** A port the cloud has, by name or id, for `ports: [{ existing: … }]`. */
  static existingPort(scope: Construct, id: string, by: Lookup, options: ScopedLookupOptions = {}): IPort {
    return new ImportedPort(scope, id, by, options);
  }

  /** A server group the cloud has, by name, for `serverGroup`. */
  static serverGroupFromName(scope: Construct, id: string, name: string): IServerGroup {
    return new ImportedServerGroup(scope, id, { name });
  }

  /** The Nova instance resource: the escape hatch for arguments the props do not cover. */
  readonly instance: ComputeInstanceV2;
  /** The project the server lands in, when declared (its own or the stack cloud's). */
  readonly project?: IProject;
  private readonly uses: Use[] = [];
  /** The ports this server made (not the existing ones it joined). */
  readonly ports: NetworkingPortV2[];
  /** The floating IP of the first port, when asked for. */
  readonly floatingIp?: FloatingIp;
  /** Name as the cloud knows it. */
  readonly name: string;

  constructor(scope: Construct, id: string, props: ServerProps) {
    super(scope, id);
    this.name = props.name;
    this.project = owningProject(this, props.project);
    validateAtSynth(this, () => ownershipProblems({ what: `server ${this.name}`, owner: this.project }, this.uses));
    if (props.ports.length === 0) addProblem(this, "a server needs at least one port");
    const blockDevices = props.blockDevices ?? [];
    const bootsFromDevice = blockDevices.some((d) => d.bootIndex === 0);
    if (!props.image && !bootsFromDevice) {
      addProblem(this, "no image and no block device with bootIndex 0: nothing to boot from");
    }
    if (blockDevices.filter((d) => d.bootIndex === 0).length > 1) {
      addProblem(this, "more than one block device has bootIndex 0");
    }

    // Ports of our own rather than `network { uuid }`: security groups belong to ports, fixed
    // addresses are declared, and floating IPs can point at a port id known before boot.
    const portIds: string[] = [];
    this.ports = props.ports.flatMap((spec, index) => {
      if ("existing" in spec) {
        this.uses.push({ kind: "port", resource: spec.existing });
        portIds.push(spec.existing.id);
        return [];
      }
      const port = spec;
      this.uses.push({ kind: "network", resource: port.network });
      for (const group of port.securityGroups ?? []) this.uses.push({ kind: "security group", resource: group });
      const subnet = port.network.subnet;
      if (!subnet && port.fixedIp !== undefined) {
        addProblem(this, `port ${index}: fixedIp ${port.fixedIp} needs the network's subnet; import ${readableName(port.network)} with its subnet`);
      }
      const made = new NetworkingPortV2(this, `port-${index}`, {
        name: `${props.name}-${readableName(port.network, "id")}`,
        networkId: port.network.id,
        adminStateUp: true,
        fixedIp: subnet ? [{ subnetId: subnet.id, ipAddress: port.fixedIp }] : undefined,
        securityGroupIds: port.securityGroups && port.securityGroups.length > 0 ? port.securityGroups.map((g) => g.id) : undefined,
      });
      portIds.push(made.id);
      return [made];
    });

    const image = props.image;
    this.instance = new ComputeInstanceV2(this, "instance", {
      name: props.name,
      imageId: image !== undefined && "id" in image ? image.id : undefined,
      imageName: image !== undefined && !("id" in image) ? image.name : undefined,
      flavorId: "id" in props.flavor ? props.flavor.id : undefined,
      flavorName: "id" in props.flavor ? undefined : props.flavor.name,
      keyPair: props.keypair === undefined ? undefined : typeof props.keypair === "string" ? props.keypair : keypairName(props.keypair),
      userData: props.userData,
      availabilityZone: props.availabilityZone,
      metadata: props.metadata ? { ...props.metadata } : undefined,
      configDrive: props.configDrive,
      network: portIds.map((port) => ({ port })),
      blockDevice: blockDevices.length > 0 ? blockDevices.map((d, i) => this.blockDevice(d, i)) : undefined,
      schedulerHints: props.serverGroup ? [{ group: props.serverGroup.id }] : props.serverGroupId ? [{ group: props.serverGroupId }] : undefined,
    });
    for (const volume of props.volumes ?? []) this.attachVolume(volume);

    if (props.floatingIp) {
      const first = props.ports[0];
      const firstPortId = portIds[0];
      if (first && firstPortId) {
        this.floatingIp = new FloatingIp(this, "floating-ip", {
          pool: props.floatingIp.pool,
          attachTo: { portId: firstPortId, network: "existing" in first ? undefined : first.network },
          description: `${props.name}`,
        });
      }
    }
  }

  get id(): string {
    return this.instance.id;
  }

  /** Attaches a volume after boot (compute_volume_attach_v2); the volume must live in the server's project. */
  attachVolume(volume: IVolume): ComputeVolumeAttachV2 {
    const link = linkId(this, `attach-${identifierFrom(readableName(volume, "id"))}`, volume);
    if (link.exists) {
      addProblem(this, `volume ${readableName(volume)} is attached twice`);
      return this.node.findChild(link.id) as ComputeVolumeAttachV2;
    }
    this.uses.push({ kind: "volume", resource: volume });
    return new ComputeVolumeAttachV2(this, link.id, { instanceId: this.id, volumeId: volume.id });
  }

  private blockDevice(spec: BlockDeviceSpec, index: number) {
    const src = spec.source;
    let sourceType: string;
    let uuid: string | undefined;
    let createsVolume = true;
    if ("image" in src) {
      sourceType = "image";
      uuid = src.image.id;
    } else if ("volume" in src) {
      sourceType = "volume";
      uuid = src.volume.id;
      createsVolume = false;
    } else if ("blank" in src) {
      sourceType = "blank";
    } else {
      sourceType = src.type;
      uuid = src.uuid;
      createsVolume = src.type !== "volume";
    }
    const destination = spec.destination ?? "volume";
    if (createsVolume && destination === "volume" && spec.sizeGb === undefined) {
      addProblem(this, `block device ${index} (${sourceType} → volume) needs sizeGb`);
    }
    return {
      sourceType,
      uuid,
      destinationType: destination,
      volumeSize: createsVolume ? spec.sizeGb : undefined,
      bootIndex: spec.bootIndex,
      deleteOnTermination: spec.deleteOnTermination ?? createsVolume,
      volumeType: spec.volumeType,
    };
  }
}

/** A keypair's name as a reference when the stack makes it, so the server waits for it. */
function keypairName(keypair: IKeypair): string {
  const made = (keypair as { readonly resource?: { readonly name: string } }).resource;
  return made ? made.name : keypair.name;
}
