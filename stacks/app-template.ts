import { TerraformOutput, TerraformStack, type Construct } from "../src/cdktf";
import {
  ExistingExternalNetwork,
  HeatStack,
  Router,
  SecurityGroup,
  TenantNetwork,
  VmGroup,
  getAttr,
  getParam,
  getResource,
  type HotTemplate,
} from "../src/cloud";
import { requireTopologyServices } from "../src/cloud/required-services";
import { addCloud, type CloudStackProps } from "./common";

/** Answers HTTP with the server's name; CirrOS has busybox nc and no package manager. */
const WEB_USER_DATA = `#!/bin/sh
while true; do
  printf 'HTTP/1.0 200 OK\\r\\nContent-Type: text/plain\\r\\n\\r\\n%s\\n' "$(hostname)" | nc -l -p 80
done &
`;

export interface AppTemplateProps extends CloudStackProps {
  /** Web servers in each form. @default 3 */
  readonly count?: number;
  /** @default "cirros" (lab-basics uploads it) */
  readonly imageName?: string;
  /** @default "m1.tiny" */
  readonly flavorName?: string;
  /** External network made by lab-basics. @default "public" */
  readonly externalNetworkName?: string;
}

/**
 * "Template a VM once, apply at any count", twice: as native resources (a VmGroup of web
 * servers behind a security group, each with a floating IP) and as the same shape in a Heat
 * stack (an OS::Heat::ResourceGroup of servers behind an OS::Neutron::SecurityGroup).
 */
export class AppTemplateStack extends TerraformStack {
  readonly web: VmGroup;
  readonly heat: HeatStack;

  constructor(scope: Construct, id: string, props: AppTemplateProps = {}) {
    super(scope, id);
    addCloud(this, props);
    requireTopologyServices(this, props.topology);
    const count = props.count ?? 3;
    const imageName = props.imageName ?? "cirros";
    const flavorName = props.flavorName ?? "m1.tiny";

    const external = new ExistingExternalNetwork(this, "external", { name: props.externalNetworkName ?? "public" });
    const network = new TenantNetwork(this, "app-net", { name: "app-net", cidr: "192.168.50.0/24", dnsNameservers: ["1.1.1.1"] });
    new Router(this, "app-router", { name: "app-router", externalNetwork: external, interfaces: [network] });
    const web = new SecurityGroup(this, "web-secgroup", { name: "web", presets: ["ssh", "icmp", "http", "https"] });

    this.web = new VmGroup(this, "web", {
      namePrefix: "web",
      count,
      image: { name: imageName },
      flavor: { name: flavorName },
      ports: [{ network, securityGroups: [web] }],
      userData: WEB_USER_DATA,
      floatingIp: { pool: external },
      serverGroupPolicy: "soft-anti-affinity",
      metadata: { role: "web" },
    });

    const template: HotTemplate = {
      heat_template_version: "2018-08-31",
      description: "N identical web servers behind one security group",
      parameters: {
        count: { type: "number", default: count, constraints: [{ range: { min: 0 } }] },
        image: { type: "string", default: imageName },
        flavor: { type: "string", default: flavorName },
        network: { type: "string", description: "Network id or name for the servers" },
      },
      resources: {
        web_secgroup: {
          type: "OS::Neutron::SecurityGroup",
          properties: {
            name: "web-heat",
            rules: [
              { protocol: "tcp", port_range_min: 22, port_range_max: 22, remote_ip_prefix: "0.0.0.0/0" },
              { protocol: "icmp", remote_ip_prefix: "0.0.0.0/0" },
              { protocol: "tcp", port_range_min: 80, port_range_max: 80, remote_ip_prefix: "0.0.0.0/0" },
              { protocol: "tcp", port_range_min: 443, port_range_max: 443, remote_ip_prefix: "0.0.0.0/0" },
            ],
          },
        },
        web_group: {
          type: "OS::Heat::ResourceGroup",
          properties: {
            count: getParam("count"),
            resource_def: {
              type: "OS::Nova::Server",
              properties: {
                name: "web-heat-%index%",
                image: getParam("image"),
                flavor: getParam("flavor"),
                networks: [{ network: getParam("network") }],
                security_groups: [getResource("web_secgroup")],
                user_data: WEB_USER_DATA,
                user_data_format: "RAW",
                metadata: { role: "web" },
              },
            },
          },
        },
      },
      outputs: {
        server_ids: { description: "Nova ids of the web servers", value: getAttr("web_group", "refs") },
      },
    };
    this.heat = new HeatStack(this, "web-heat", {
      name: "web-heat",
      template,
      parameters: { network: network.id },
    });

    new TerraformOutput(this, "web_floating_ips", {
      value: this.web.servers.map((s) => s.floatingIp?.address),
    });
  }
}
