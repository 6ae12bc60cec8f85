import { Construct, DataResource, Fn, TerraformOutput, TerraformStack, TerraformVariable } from "../../cdktf";
import { IdentityUserV3 } from "../provider";
import { identifierFrom, addProblem } from "../validation";
import { ImportedUser } from "../imported";
import type { IDomain, IProject, IUser } from "../interfaces";
import type { IPrincipal } from "./role";

/**
 * Where a user's password comes from. None of them puts the password in cdk.tf.json.
 *
 * - `variable`: a sensitive Terraform variable the operator sets (`TF_VAR_<name>`), so the
 *   password lives in the operator's secret store.
 * - `generated`: Terraform makes one at the first apply, from `uuid()` (122 random bits) kept in
 *   a built-in `terraform_data` resource whose input changes are ignored, so it stays stable;
 *   it is exported as a sensitive output (`terraform output -raw <name>`). The random provider
 *   would be the usual tool, but rdoctl works with terraform-provider-openstack only.
 *   Like every password Terraform sets, it is also in the state: protect the state.
 * - `none`: no password (federated or application-credential users).
 */
export type UserPassword =
  | { readonly from: "variable"; /** @default `<user>_password` */ readonly variableName?: string }
  | { readonly from: "generated"; /** @default `<user>_password` */ readonly outputName?: string }
  | { readonly from: "none" };

/** Props of {@link User}. */
export interface UserProps {
  /** User name, unique in its domain. */
  readonly name: string;
  /** @default the provider's default domain */
  readonly domain?: IDomain;
  /** Project the user lands in at login; still needs a grant there. @default none */
  readonly defaultProject?: IProject;
  /** @default none */
  readonly description?: string;
  /** Stored in the user's `extra` (Keystone has no email field). @default none */
  readonly email?: string;
  /** @default true */
  readonly enabled?: boolean;
  /** @default { from: "variable" } */
  readonly password?: UserPassword;
}

/** A Keystone user. */
export class User extends Construct implements IPrincipal, IUser {
  /** A user the cloud has, by name (in `domain`, else the default domain). */
  static fromName(scope: Construct, id: string, name: string, options: { readonly domain?: IDomain } = {}): IUser {
    return new ImportedUser(scope, id, { name }, options);
  }

  /** A user the cloud has, by id (taken as is: Keystone's user data source has no id filter). */
  static fromId(scope: Construct, id: string, userId: string): IUser {
    return new ImportedUser(scope, id, { id: userId });
  }

  /** What kind of principal this is, for role assignments. */
  readonly kind = "user" as const;
  /** The provider resource: the escape hatch for arguments the props do not cover. */
  readonly resource: IdentityUserV3;
  /** Name as the cloud knows it. */
  readonly name: string;
  /** The variable the operator sets, when the password comes from one. */
  readonly passwordVariable?: TerraformVariable;
  /** The sensitive output holding a generated password. */
  readonly passwordOutput?: TerraformOutput;

  constructor(scope: Construct, id: string, props: UserProps) {
    super(scope, id);
    if (props.name.trim() === "") addProblem(this, "user name is empty");
    this.name = props.name;
    const source = props.password ?? { from: "variable" };
    const defaultName = `${identifierFrom(props.name)}_password`;

    let password: string | undefined;
    if (source.from === "variable") {
      const name = this.claimStackName(source.variableName ?? defaultName);
      this.passwordVariable = new TerraformVariable(this, "password", {
        type: "string",
        sensitive: true,
        description: `Password of OpenStack user ${props.name}`,
      });
      this.passwordVariable.overrideLogicalId(name);
      password = this.passwordVariable.stringValue;
    } else if (source.from === "generated") {
      const name = this.claimStackName(source.outputName ?? defaultName);
      const seed = new DataResource(this, "password-seed", {
        input: { value: "${uuid()}" },
        lifecycle: { ignoreChanges: ["input"] },
      });
      password = Fn.sensitive(Fn.lookup(seed.output, "value")) as string;
      this.passwordOutput = new TerraformOutput(this, "password-output", {
        value: password,
        sensitive: true,
        description: `Generated password of OpenStack user ${props.name}`,
      });
      this.passwordOutput.overrideLogicalId(name);
    }

    this.resource = new IdentityUserV3(this, "user", {
      name: props.name,
      domainId: props.domain?.id,
      defaultProjectId: props.defaultProject?.id,
      description: props.description,
      enabled: props.enabled ?? true,
      extra: props.email === undefined ? undefined : { email: props.email },
      password,
    });
  }

  get id(): string {
    return this.resource.id;
  }

  /** Variable and output names are stack-global; two users must not share one. */
  private claimStackName(name: string): string {
    if (!/^[A-Za-z_][A-Za-z0-9_-]*$/.test(name)) {
      addProblem(this, `${JSON.stringify(name)} cannot name a Terraform variable or output`);
    }
    const stack = TerraformStack.of(this);
    let claimed = claimedNames.get(stack);
    if (!claimed) claimedNames.set(stack, (claimed = new Map()));
    const owner = claimed.get(name);
    if (owner !== undefined) {
      addProblem(this, `password name ${name} is already used by ${owner}; set password.variableName or password.outputName`);
    }
    claimed.set(name, this.node.path);
    return name;
  }
}

const claimedNames = new WeakMap<TerraformStack, Map<string, string>>();
