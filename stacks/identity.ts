import { TerraformStack, type Construct } from "../src/cdktf";
import { Domain, Project, User } from "../src/cloud";
import { requireTopologyServices } from "../src/cloud/required-services";
import { addCloud, type CloudStackProps } from "./common";

/**
 * The classic role-assignment example: a domain with projects X, Y and Z; ahmed is admin on X
 * and member on Y and has nothing on Z; ali is admin on Z only. Passwords come from the
 * sensitive variables `ahmed_password` and `ali_password`.
 */
export class IdentityStack extends TerraformStack {
  readonly domain: Domain;
  readonly projects: { readonly X: Project; readonly Y: Project; readonly Z: Project };
  readonly users: { readonly ahmed: User; readonly ali: User };

  constructor(scope: Construct, id: string, props: CloudStackProps = {}) {
    super(scope, id);
    addCloud(this, props);
    requireTopologyServices(this, props.topology);
    this.domain = new Domain(this, "domain", { name: "example", description: "Role-assignment example" });
    const project = (name: string) => new Project(this, `project-${name}`, { name, domain: this.domain });
    this.projects = { X: project("X"), Y: project("Y"), Z: project("Z") };
    const user = (name: string) => new User(this, `user-${name}`, { name, domain: this.domain });
    this.users = { ahmed: user("ahmed"), ali: user("ali") };

    const { X, Y, Z } = this.projects;
    const { ahmed, ali } = this.users;
    X.grant(ahmed, "admin");
    Y.grant(ahmed, "member");
    Z.grant(ali, "admin");
  }
}
