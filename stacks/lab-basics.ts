import { TerraformOutput, TerraformStack, type Construct } from "../src/cdktf";
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
} from "../src/cloud";
import cirros from "./data/cirros.json";
import m1 from "./data/m1-flavors.json";
import { addCloud, type CloudStackProps } from "./common";

/** Lab network used when no topology says otherwise (TEST-NET-3, RFC 5737). */
const DEFAULT_EXTERNAL: ExternalNetworkProps = {
  cidr: "203.0.113.0/24",
  gateway: "203.0.113.1",
  allocationPool: { start: "203.0.113.100", end: "203.0.113.200" },
};

/**
 * What a fresh lab cloud needs before anyone can boot a VM: the external network and a router
 * onto it, a tenant network, CirrOS, the m1 flavors, a demo project and user, and security
 * groups for the usual protocols.
 */
export class LabBasicsStack extends TerraformStack {
  readonly external: ExternalNetwork;
  readonly demoProject: Project;
  readonly demoUser: User;

  constructor(scope: Construct, id: string, props: CloudStackProps = {}) {
    super(scope, id);
    addCloud(this, props);
    const topology = props.topology;

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
      source: { url: cirros.url },
      diskFormat: "qcow2",
      containerFormat: "bare",
      visibility: "public",
      properties: cirros.properties,
    });
    for (const flavor of m1.flavors) new Flavor(this, `flavor-${flavor.name.replace(".", "-")}`, { ...flavor, isPublic: true });

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
