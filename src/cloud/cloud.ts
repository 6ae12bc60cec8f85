import * as fs from "node:fs";
import * as path from "node:path";
import { Construct, TerraformLocal, TerraformStack, TerraformVariable, Token, type IConstruct } from "../cdktf";
import { cloudPaths } from "../workspace";
import { cloudsYamlEntries, findCloudsYaml } from "./clouds-yaml";
import type { IProject } from "./interfaces";
import { OpenstackProvider } from "./provider";
import { addProblem } from "./validation";

/**
 * Where the clouds.yaml with the credentials is. Whichever way, cdk.tf.json carries the entry's
 * name and at most an absolute file path: never a password. Terraform decodes the file at plan
 * time and fills the provider's arguments from the entry, accepting what openstacksdk accepts
 * (user and project by name or id, domains by name or id, `domain_*` for both, `tenant_*`,
 * application credentials, tokens, `regions`, `interface`, `cacert`, `verify`…).
 *
 * - `environment`: the file openstacksdk would read where synth runs (`OS_CLIENT_CONFIG_FILE`,
 *   `./clouds.yaml`, `~/.config/openstack/clouds.yaml`, `/etc/openstack/clouds.yaml`, see
 *   {@link cloudsYamlCandidates}), else the one rdoctl wrote for a cloud it installed under that
 *   name. Its path is resolved at synth, since Terraform runs in `cdktf.out/stacks/<stack>/`
 *   where a relative `./clouds.yaml` is never found. With no file at synth, the provider looks
 *   itself at plan time (`cloud = "…"`).
 * - `file`: this file (resolved against the directory synth runs in).
 * - `variable`: a Terraform variable holds the file's path. Suits CI, where the path is a
 *   secret file mounted somewhere (`TF_VAR_<name>=/run/secrets/clouds.yaml`).
 */
export type CloudsYamlSource =
  | { readonly from: "environment" }
  | { readonly from: "file"; readonly path: string }
  | {
      readonly from: "variable";
      /** Path used when the variable is not set. @default none: the variable must be set */
      readonly defaultPath?: string;
      /** Terraform variable name. @default "clouds_yaml" */
      readonly variableName?: string;
    };

/** Props of {@link OpenStackCloud}. */
export interface OpenStackCloudProps {
  /** Entry of clouds.yaml (`clouds.<cloud>`). */
  readonly cloud: string;
  /** @default { from: "environment" } */
  readonly cloudsYaml?: CloudsYamlSource;
  /** Region for every resource of the stack. @default the entry's `region_name`, else its first `regions` entry, else the cloud's only region */
  readonly region?: string;
  /** Provider alias, for stacks that talk to two clouds. @default none (the default provider) */
  readonly alias?: string;
  /**
   * The project the entry's credentials are scoped to, when the stack makes resources for it:
   * servers, ports and volumes land there, and synth checks that the networks and security
   * groups they use belong to it or are shared. @default undefined: the entry's project, unknown at synth
   */
  readonly project?: IProject;
}

const ENTRY_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/**
 * The OpenStack provider of a stack, configured from a clouds.yaml entry. Create one per stack
 * before any other construct of src/cloud. {@link credentialsSource} says in one line which
 * file and entry the stack uses; {@link runApp} prints it.
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

  /** Finds every OpenStackCloud of an app (or any scope), in construct order. */
  static all(scope: IConstruct): OpenStackCloud[] {
    return scope.node.findAll().filter((c): c is OpenStackCloud => c instanceof OpenStackCloud);
  }

  /** The provider configuration every resource of the stack uses. */
  readonly provider: OpenstackProvider;
  /** The clouds.yaml path variable, when the file is decoded by Terraform. */
  readonly cloudsYamlVariable?: TerraformVariable;
  /** One line: which clouds.yaml and entry this stack uses, and how the file was found. */
  readonly credentialsSource: string;
  /** See {@link OpenStackCloudProps.project}. */
  readonly project?: IProject;

  constructor(scope: Construct, id: string, props: OpenStackCloudProps) {
    super(scope, id);
    this.project = props.project;
    if (!ENTRY_NAME.test(props.cloud)) {
      addProblem(this, `cloud ${JSON.stringify(props.cloud)} is not a clouds.yaml entry name (letters, digits, . _ -)`);
    }
    const source = props.cloudsYaml ?? { from: "environment" };
    const stack = TerraformStack.of(this).node.id;
    const entry = JSON.stringify(props.cloud);

    let file: { path?: string; via: string; check: boolean };
    if (source.from === "environment") {
      const found = findCloudsYaml();
      const own = ENTRY_NAME.test(props.cloud) ? cloudPaths(props.cloud).cloudsYaml : undefined;
      const hasEntry = (f: string) => {
        const read = cloudsYamlEntries(f);
        return "entries" in read && read.entries.includes(props.cloud);
      };
      if (found && (hasEntry(found.file) || !own || !fs.existsSync(own))) file = { path: found.file, via: `found through ${found.via}`, check: true };
      else if (own && fs.existsSync(own) && hasEntry(own)) file = { path: own, via: "written by rdoctl install", check: true };
      else if (found) file = { path: found.file, via: `found through ${found.via}`, check: true };
      else file = { via: "none found at synth", check: false };
    } else if (source.from === "file") {
      file = { path: path.resolve(source.path), via: "given", check: true };
    } else {
      const defaultPath = source.defaultPath === undefined ? undefined : path.resolve(source.defaultPath);
      // A default that exists at synth is checked now; one that appears only where Terraform runs (CI) is not.
      file = { path: defaultPath, via: "variable", check: defaultPath !== undefined && fs.existsSync(defaultPath) };
    }

    if (file.check && file.path !== undefined) {
      const read = cloudsYamlEntries(file.path);
      if ("problem" in read) addProblem(this, `clouds.yaml: ${read.problem}`);
      else if (!read.entries.includes(props.cloud)) {
        addProblem(this, `clouds.yaml ${file.path} has no entry ${entry} (entries: ${read.entries.join(", ") || "none"}); add it, or point OS_CLIENT_CONFIG_FILE at the file that has it`);
      }
    }

    const common = { region: props.region, alias: props.alias };
    if (source.from === "environment" && file.path === undefined) {
      this.credentialsSource = `${stack}: clouds.yaml entry ${entry}; no clouds.yaml at synth, so Terraform looks at plan time (OS_CLIENT_CONFIG_FILE, ~/.config/openstack, /etc/openstack)`;
      this.provider = new OpenstackProvider(this, "provider", { cloud: props.cloud, ...common });
      return;
    }

    const variableName = source.from === "variable" ? source.variableName ?? "clouds_yaml" : "clouds_yaml";
    this.credentialsSource =
      source.from === "variable"
        ? `${stack}: clouds.yaml entry ${entry} of var.${variableName} (TF_VAR_${variableName}${file.path ? `, default ${file.path}` : ", no default"})`
        : `${stack}: clouds.yaml entry ${entry} of ${file.path} (${file.via})`;
    this.cloudsYamlVariable = new TerraformVariable(this, "clouds-yaml", {
      type: "string",
      description: `Path of the clouds.yaml holding the entry ${props.cloud}`,
      default: file.path,
    });
    this.cloudsYamlVariable.overrideLogicalId(variableName);
    // Decoded by Terraform, not by us: the secrets in the file never pass through synth.
    const local = new TerraformLocal(this, "entry", `\${yamldecode(file(var.${variableName})).clouds[${entry}]}`);
    local.overrideLogicalId(`${variableName}_entry`);
    const ref = `local.${variableName}_entry`;
    this.provider = new OpenstackProvider(this, "provider", { ...providerArguments(ref), alias: props.alias, region: props.region ?? providerArguments(ref).region });
  }
}

/**
 * The provider's arguments from a decoded clouds.yaml entry, as openstacksdk reads one: the
 * first key present among its aliases (`username`/`user_name`, `project_id`/`tenant_id`…), and
 * `domain_id`/`domain_name` standing for the user's and project's domain when the entry is
 * scoped to a project (for a domain-scoped token otherwise).
 */
function providerArguments(ref: string) {
  const first = (...keys: string[]): string => `\${try(${keys.map((k) => `${ref}.${k}`).join(", ")}, null)}`;
  const projectScoped = `length(setintersection(keys(${ref}.auth), ["project_id", "project_name", "tenant_id", "tenant_name"])) > 0`;
  const domainFallback = (own: string, shared: string) => `\${try(${ref}.auth.${own}, ${projectScoped} ? ${ref}.auth.${shared} : null, null)}`;
  const domainScope = (key: string) => `\${${projectScoped} ? null : try(${ref}.auth.${key}, null)}`;
  return {
    authUrl: `\${${ref}.auth.auth_url}`,
    userName: first("auth.username", "auth.user_name"),
    userId: first("auth.user_id"),
    password: first("auth.password"),
    token: first("auth.token"),
    tenantName: first("auth.project_name", "auth.tenant_name"),
    tenantId: first("auth.project_id", "auth.tenant_id"),
    userDomainName: domainFallback("user_domain_name", "domain_name"),
    userDomainId: domainFallback("user_domain_id", "domain_id"),
    projectDomainName: domainFallback("project_domain_name", "domain_name"),
    projectDomainId: domainFallback("project_domain_id", "domain_id"),
    domainName: domainScope("domain_name"),
    domainId: domainScope("domain_id"),
    defaultDomain: first("auth.default_domain_id", "auth.default_domain_name"),
    systemScope: Token.asAny(`\${try(${ref}.auth.system_scope == "all", null)}`),
    applicationCredentialId: first("auth.application_credential_id"),
    applicationCredentialName: first("auth.application_credential_name"),
    applicationCredentialSecret: first("auth.application_credential_secret"),
    cacertFile: first("cacert"),
    cert: first("cert"),
    key: first("key"),
    insecure: Token.asAny(`\${try(!${ref}.verify, null)}`),
    endpointType: first("interface", "endpoint_type"),
    region: first("region_name", "regions[0].name", "regions[0]"),
  };
}
