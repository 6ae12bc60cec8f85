import { TerraformStack, type Construct } from "rdoctl/cdktf";
import { Flavor, Image, OpenStackCloud, Project, SecurityGroup, Server, TenantNetwork, runApp } from "rdoctl";

/**
 * A web server in a project and on a network that exist already (made by rdoctl's lab-basics
 * stack, or by hand): everything it uses is imported by name, and only the server and its
 * security group are created here. The credentials are the clouds.yaml entry `lab`, scoped to
 * project `demo`; synth checks that the network and group belong to that project.
 */
class WebStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    const demo = Project.fromName(this, "demo", "demo");
    new OpenStackCloud(this, "cloud", { cloud: "lab", project: demo });
    const network = TenantNetwork.fromName(this, "private", "private", { project: demo, subnet: "private-subnet" });
    const web = new SecurityGroup(this, "web", { name: "web-own", presets: ["ssh", "http"], project: demo });
    new Server(this, "web-1", {
      name: "web-1",
      image: Image.fromName(this, "cirros", "cirros"),
      flavor: Flavor.fromName(this, "tiny", "m1.tiny"),
      ports: [{ network, securityGroups: [web] }],
    });
  }
}

runApp((app) => {
  new WebStack(app, "web");
});
