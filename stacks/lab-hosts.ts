import { Construct, Fn, TerraformOutput, TerraformStack } from "../src/cdktf";
import { Image, Keypair, Server, TenantNetwork } from "../src/cloud";
import type { IPort, IServerGroup } from "../src/cloud/interfaces";
import { ComputeServergroupV2, NetworkingPortV2 } from "../src/cloud/provider";
import { addCloud, type CloudStackProps } from "./common";

export interface LabHostsStackProps extends CloudStackProps {
  /** How many hosts (servers) to make. */
  readonly count: number;
  /** @default "rdoctl-host" */
  readonly namePrefix?: string;
  /** The image the hosts boot: a CentOS Stream (or any cloud-init) image Glance downloads. */
  readonly imageUrl: string;
  /** @default "m1.small" */
  readonly flavor?: string;
  /** The OpenSSH public key rdoctl logs in with (root, as Packstack wants). */
  readonly publicKey: string;
  /** @default "10.42.0.0/24" */
  readonly managementCidr?: string;
  /** Network of the hosts' second NIC (Neutron's provider interface), port security off. @default "10.43.0.0/24" */
  readonly providerCidr?: string;
  /**
   * Where cloud-init posts each host's SSH host keys once it booted (`phone_home`), so the
   * inventory can pin them. @default none: pin them from the console log, or accept new keys once
   */
  readonly phoneHomeUrl?: string;
}

/** A port of the stack on the provider network with port security off (Neutron's flat/VLAN traffic passes it unfiltered). */
class ProviderPort extends Construct implements IPort {
  readonly resource: NetworkingPortV2;
  readonly name: string;
  readonly networkId: string;

  constructor(scope: Construct, id: string, props: { name: string; network: TenantNetwork }) {
    super(scope, id);
    this.name = props.name;
    this.networkId = props.network.id;
    // The address comes from the subnet, named so the port waits for it (Nova refuses a port
    // without a fixed IP: "requires a FixedIP in order to be used").
    this.resource = new NetworkingPortV2(this, "port", {
      name: props.name,
      networkId: props.network.id,
      fixedIp: [{ subnetId: props.network.subnet.id }],
      portSecurityEnabled: false,
      adminStateUp: true,
    });
  }

  get id(): string {
    return this.resource.id;
  }
}

/** The hosts' server group: soft anti-affinity spreads them over the cloud's computes when it can. */
class HostGroup extends Construct implements IServerGroup {
  readonly resource: ComputeServergroupV2;
  readonly name: string;

  constructor(scope: Construct, id: string, name: string) {
    super(scope, id);
    this.name = name;
    this.resource = new ComputeServergroupV2(this, "group", { name, policies: ["soft-anti-affinity"] });
  }

  get id(): string {
    return this.resource.id;
  }
}

/**
 * Lab hosts for a topology as servers of an existing cloud (OpenStack on OpenStack): a
 * management network, a provider network whose ports have port security off, one soft
 * anti-affinity server group, and per host a server with both ports and cloud-init that
 * authorizes rdoctl's key for root. Output `hosts` (name, address, provider port address) is
 * what `labHostsInventory` (src/pipeline/lab-hosts.ts) turns into an inventory.
 */
export class LabHostsStack extends TerraformStack {
  readonly servers: Server[] = [];

  constructor(scope: Construct, id: string, props: LabHostsStackProps) {
    super(scope, id);
    addCloud(this, props);
    const prefix = props.namePrefix ?? "rdoctl-host";
    const management = new TenantNetwork(this, "management", { name: `${prefix}-mgmt`, cidr: props.managementCidr ?? "10.42.0.0/24" });
    const provider = new TenantNetwork(this, "provider", { name: `${prefix}-provider`, cidr: props.providerCidr ?? "10.43.0.0/24", enableDhcp: false });
    const image = new Image(this, "image", { name: `${prefix}-image`, source: { url: props.imageUrl }, diskFormat: "qcow2" });
    const keypair = new Keypair(this, "keypair", { name: `${prefix}-key`, publicKey: props.publicKey });
    const group = new HostGroup(this, "server-group", `${prefix}-group`);

    const cloudConfig: Record<string, unknown> = {
      disable_root: false,
      ssh_pwauth: false,
      users: [{ name: "root", ssh_authorized_keys: [props.publicKey.trim()] }],
    };
    if (props.phoneHomeUrl) cloudConfig.phone_home = { url: props.phoneHomeUrl, post: ["pub_key_ed25519", "hostname", "instance_id"], tries: 10 };
    const userData = `#cloud-config\n${JSON.stringify(cloudConfig, null, 2)}\n`;

    const hosts: Array<Record<string, string>> = [];
    for (let i = 1; i <= props.count; i++) {
      const name = `${prefix}-${i}`;
      const providerPort = new ProviderPort(this, `provider-port-${i}`, { name: `${name}-provider`, network: provider });
      const server = new Server(this, `host-${i}`, {
        name,
        image,
        flavor: { name: props.flavor ?? "m1.small" },
        ports: [{ network: management }, { existing: providerPort }],
        keypair,
        userData,
        serverGroup: group,
      });
      this.servers.push(server);
      hosts.push({
        name,
        address: Fn.element(server.ports[0]!.allFixedIps, 0) as string,
        provider_address: Fn.element(providerPort.resource.allFixedIps, 0) as string,
        server_id: server.id,
      });
    }
    new TerraformOutput(this, "hosts", { value: hosts, description: "The lab hosts: name, management address (SSH), provider address, server id" });
  }
}
