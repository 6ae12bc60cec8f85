import { Construct, TerraformLocal, TerraformVariable, Token } from "../cdktf";
import { cloudPaths } from "../workspace";
import { OpenstackProvider } from "./provider";
import { addProblem } from "./validation";

/**
 * Where Terraform finds the clouds.yaml that holds the credentials.
 *
 * - `environment`: the provider's own lookup — `OS_CLIENT_CONFIG_FILE`, then `./clouds.yaml`,
 *   `~/.config/openstack/clouds.yaml`, `/etc/openstack/clouds.yaml`. The provider block only
 *   names the entry (`cloud = "…"`).
 * - `variable`: a Terraform variable holds the file's path; Terraform reads and decodes the file
 *   at plan time and fills the provider's arguments from the entry. Suits CI, where the path
 *   is a secret file mounted somewhere (`TF_VAR_<name>=/run/secrets/clouds.yaml`).
 *
 * Either way cdk.tf.json carries the entry's name and at most a file path: never a password.
 */
export type CloudsYamlSource =
  | { readonly from: "environment" }
  | {
      readonly from: "variable";
      /** Path used when the variable is not set. @default none: the variable must be set */
      readonly defaultPath?: string;
      /** Terraform variable name. @default "clouds_yaml" */
      readonly variableName?: string;
    };

export interface OpenStackCloudProps {
  /** Entry of clouds.yaml (`clouds.<cloud>`). */
  readonly cloud: string;
  /** @default { from: "environment" } */
  readonly cloudsYaml?: CloudsYamlSource;
  /** Region for every resource of the stack. @default the entry's `region_name`, else the cloud's only region */
  readonly region?: string;
  /** Provider alias, for stacks that talk to two clouds. @default none (the default provider) */
  readonly alias?: string;
}

/**
 * The OpenStack provider of a stack, configured from a clouds.yaml entry. Create one per stack
 * before any other construct of src/cloud.
 */
export class OpenStackCloud extends Construct {
  /**
   * The provider for a cloud rdoctl installed: the entry named after the cloud in the
   * clouds.yaml rdoctl wrote (`.rdoctl/clouds/<name>/clouds.yaml`, or under `$RDOCTL_HOME`).
   * The path is only the variable's default; `TF_VAR_clouds_yaml` overrides it.
   */
  static installed(scope: Construct, id: string, cloudName: string, root?: string): OpenStackCloud {
    const paths = root === undefined ? cloudPaths(cloudName) : cloudPaths(cloudName, root);
    return new OpenStackCloud(scope, id, {
      cloud: cloudName,
      cloudsYaml: { from: "variable", defaultPath: paths.cloudsYaml },
    });
  }

  readonly provider: OpenstackProvider;
  /** The clouds.yaml path variable, when the source is `variable`. */
  readonly cloudsYamlVariable?: TerraformVariable;

  constructor(scope: Construct, id: string, props: OpenStackCloudProps) {
    super(scope, id);
    if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(props.cloud)) {
      addProblem(this, `cloud ${JSON.stringify(props.cloud)} is not a clouds.yaml entry name (letters, digits, . _ -)`);
    }
    const source = props.cloudsYaml ?? { from: "environment" };
    const common = { region: props.region, alias: props.alias };
    if (source.from === "environment") {
      this.provider = new OpenstackProvider(this, "provider", { cloud: props.cloud, ...common });
      return;
    }

    const variableName = source.variableName ?? "clouds_yaml";
    this.cloudsYamlVariable = new TerraformVariable(this, "clouds-yaml", {
      type: "string",
      description: `Path of the clouds.yaml holding the entry ${props.cloud}`,
      default: source.defaultPath,
    });
    this.cloudsYamlVariable.overrideLogicalId(variableName);
    // Decoded by Terraform, not by us: the secrets in the file never pass through synth.
    const entry = new TerraformLocal(
      this,
      "entry",
      `\${yamldecode(file(var.${variableName})).clouds[${JSON.stringify(props.cloud)}]}`,
    );
    entry.overrideLogicalId(`${variableName}_entry`);
    const ref = `local.${variableName}_entry`;
    const optional = (path: string): string => `\${try(${ref}.${path}, null)}`;
    this.provider = new OpenstackProvider(this, "provider", {
      authUrl: `\${${ref}.auth.auth_url}`,
      userName: optional("auth.username"),
      password: optional("auth.password"),
      tenantName: optional("auth.project_name"),
      tenantId: optional("auth.project_id"),
      userDomainName: optional("auth.user_domain_name"),
      projectDomainName: optional("auth.project_domain_name"),
      applicationCredentialId: optional("auth.application_credential_id"),
      applicationCredentialSecret: optional("auth.application_credential_secret"),
      cacertFile: optional("cacert"),
      insecure: Token.asAny(`\${try(!${ref}.verify, null)}`),
      endpointType: optional("interface"),
      alias: props.alias,
      region: props.region ?? optional("region_name"),
    });
  }
}
