import { TerraformOutput, TerraformStack, type Construct } from "../src/cdktf";
import { DataOpenstackComputeFlavorV2 } from "../src/cloud/provider";
import type { Topology } from "../src/topology";
import {
  ExternalNetwork,
  Flavor,
  Image,
  Project,
  Router,
  SecurityGroup,
  TenantNetwork,
  User,
  type ExternalNetworkProps,
  type ImageSource,
} from "../src/cloud";
import cirros from "./data/cirros.json";
import m1 from "./data/m1-flavors.json";
import { requireTopologyServices } from "../src/cloud/required-services";
import { addCloud, type CloudStackProps } from "./common";

/** Lab network used when no topology says otherwise (TEST-NET-3, RFC 5737). */
const DEFAULT_EXTERNAL: ExternalNetworkProps = {
  cidr: "203.0.113.0/24",
  gateway: "203.0.113.1",
  allocationPool: { start: "203.0.113.100", end: "203.0.113.200" },
};

export interface LabBasicsProps extends CloudStackProps {
  /**
   * Where the CirrOS image comes from.
   * @default `$RDOCTL_CIRROS_IMAGE` (an http(s) URL Glance fetches, or a file on this machine the
   * provider uploads), else the download URL in stacks/data/cirros.json
   */
  readonly cirrosSource?: ImageSource;
  /**
   * `create` the m1 flavors, or `lookup` the ones the installer made (data sources: the deploy
   * fails, naming the flavor, when one is missing).
   * @default lookup when the topology's Packstack makes them (CONFIG_NOVA_MANAGE_FLAVORS, y unless
   * the inventory says n), create otherwise
   */
  readonly flavors?: "create" | "lookup";
}

/**
 * Whether Packstack itself makes m1.tiny … m1.xlarge: it does while CONFIG_NOVA_MANAGE_FLAVORS=y,
 * its default, which rdoctl's answer files keep. Creating them again would fail with 409 Conflict,
 * and owning them in Terraform would delete flavors Packstack made on `cdktf destroy`.
 */
export function packstackMakesFlavors(topology: Topology | undefined): boolean {
  if (!topology || !topology.services.nova.enabled) return false;
  return (topology.packstack.CONFIG_NOVA_MANAGE_FLAVORS ?? "y").toLowerCase() !== "n";
}

/** `$RDOCTL_CIRROS_IMAGE` as an image source: a URL, or a path on this machine. */
export function cirrosSourceFromEnv(env: NodeJS.ProcessEnv = process.env): ImageSource | undefined {
  const value = env.RDOCTL_CIRROS_IMAGE;
  if (!value) return undefined;
  return /^https?:\/\//.test(value) ? { url: value } : { file: value };
}

/**
 * What a fresh lab cloud needs before anyone can boot a VM: the external network and a router
 * onto it, a tenant network, CirrOS, the m1 flavors (looked up where Packstack makes them), a demo
 * project and user, and security groups for the usual protocols.
 */
export class LabBasicsStack extends TerraformStack {
  readonly external: ExternalNetwork;
  readonly demoProject: Project;
  readonly demoUser: User;

  constructor(scope: Construct, id: string, props: LabBasicsProps = {}) {
    super(scope, id);
    addCloud(this, props);
    const topology = props.topology;
    requireTopologyServices(this, props.topology);

    this.external = new ExternalNetwork(
      this,
      "external",
      topology?.externalNetwork
        ? ExternalNetwork.propsFromTopology(topology, { name: "public" })
        : { ...DEFAULT_EXTERNAL, name: "public", topology },
    );

    this.demoProject = new Project(this, "demo-project", {
      name: "demo",
      description: "Project for first steps on the lab cloud",
      quotas: { compute: { instances: 10, cores: 20, ram: 40960 }, network: { floatingip: 10 }, volume: { gigabytes: 200 } },
    });
    this.demoUser = new User(this, "demo-user", { name: "demo", defaultProject: this.demoProject });
    this.demoProject.grant(this.demoUser, "member");

    const network = new TenantNetwork(this, "private", {
      name: "private",
      cidr: "192.168.100.0/24",
      gateway: "192.168.100.1",
      dnsNameservers: ["1.1.1.1", "9.9.9.9"],
      project: this.demoProject,
    });
    new Router(this, "router", {
      name: "router1",
      externalNetwork: this.external,
      interfaces: [network],
      project: this.demoProject,
    });

    new Image(this, "cirros", {
      name: cirros.name,
      source: props.cirrosSource ?? cirrosSourceFromEnv() ?? { url: cirros.url },
      diskFormat: "qcow2",
      containerFormat: "bare",
      visibility: "public",
      properties: cirros.properties,
    });
    const flavors = props.flavors ?? (packstackMakesFlavors(topology) ? "lookup" : "create");
    for (const flavor of m1.flavors) {
      const id = `flavor-${flavor.name.replace(".", "-")}`;
      if (flavors === "create") new Flavor(this, id, { ...flavor, isPublic: true });
      else new DataOpenstackComputeFlavorV2(this, id, { name: flavor.name });
    }

    for (const [id, presets] of [
      ["ssh", ["ssh", "icmp"]],
      ["web", ["http", "https"]],
    ] as const) {
      new SecurityGroup(this, `secgroup-${id}`, {
        name: id,
        description: `Ingress: ${presets.join(", ")}`,
        presets,
        project: this.demoProject,
      });
    }

    new TerraformOutput(this, "external_network_id", { value: this.external.id });
    new TerraformOutput(this, "private_network_id", { value: network.id });
  }
}
