import * as path from "node:path";
import { LocalBackend, TerraformBackend, TerraformRemoteState, TerraformStack, type Construct } from "../cdktf";
import { RdoctlError } from "../errors";

/**
 * Where the stacks keep their Terraform state, chosen by configuration so a CI runner keeps no
 * local `terraform.tfstate` and a team shares one state with locking.
 *
 * - `local`: cdktf's default, `terraform.<stack>.tfstate` in the folder cdktf runs from, or
 *   `<dir>/<stack>.tfstate`.
 * - `pg`: Terraform's `pg` backend (PostgreSQL, locking through advisory locks); one schema per
 *   stack, `<prefix>_<stack>`. The connection string is never written: Terraform reads it from
 *   `PG_CONN_STR` (or the libpq `PG*` variables) at `terraform init`.
 * - `s3`: an S3-compatible store (Ceph RGW, MinIO, AWS), key `<prefix>/<stack>.tfstate`, locked
 *   by a lock object beside the state (`use_lockfile`, Terraform ≥ 1.10). Keys come from
 *   `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY` (or a profile), never from cdk.tf.json.
 *
 * Either remote backend is a partial configuration: only what is not secret is synthesized.
 */
export type StateBackendConfig =
  | {
      readonly kind: "local";
      /** Directory of the state files (`<dir>/<stack>.tfstate`). @default cdktf's: the folder cdktf runs from */
      readonly dir?: string;
    }
  | { readonly kind: "pg"; readonly prefix: string }
  | {
      readonly kind: "s3";
      readonly prefix: string;
      readonly bucket: string;
      /** @default "us-east-1" (S3-compatible stores usually ignore it, Terraform wants one) */
      readonly region?: string;
      /** Endpoint of an S3-compatible store; path-style addressing and no AWS-only checks then. */
      readonly endpoint?: string;
    };

export const STATE_BACKENDS = ["local", "pg", "s3"] as const;

/**
 * The backend named by the environment:
 * `RDOCTL_STATE` = `local` (default; `RDOCTL_STATE_DIR` moves the files) | `pg` | `s3`; `RDOCTL_STATE_PREFIX` (default `rdoctl`, or
 * `rdoctl_<cloud>` when the cloud is known) separates clouds sharing one database or bucket;
 * for s3, `RDOCTL_STATE_BUCKET` (required), `RDOCTL_STATE_REGION`, `RDOCTL_STATE_ENDPOINT`.
 */
export function stateBackendFromEnv(env: NodeJS.ProcessEnv = process.env, cloud?: string): StateBackendConfig {
  const kind = (env.RDOCTL_STATE ?? "local").trim() || "local";
  const prefix = env.RDOCTL_STATE_PREFIX?.trim() || (cloud ? `rdoctl_${cloud}` : "rdoctl");
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(prefix)) {
    throw new RdoctlError(`RDOCTL_STATE_PREFIX=${JSON.stringify(prefix)}: use letters, digits, . _ - (it names a schema or an object key)`);
  }
  switch (kind) {
    case "local":
      return env.RDOCTL_STATE_DIR ? { kind, dir: path.resolve(env.RDOCTL_STATE_DIR) } : { kind };
    case "pg":
      return { kind, prefix };
    case "s3": {
      const bucket = env.RDOCTL_STATE_BUCKET?.trim();
      if (!bucket) throw new RdoctlError("RDOCTL_STATE=s3 needs RDOCTL_STATE_BUCKET (the bucket that holds the state; keys go in AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY)");
      const endpoint = env.RDOCTL_STATE_ENDPOINT?.trim() || undefined;
      if (endpoint && /\/\/[^/]*@/.test(endpoint)) {
        throw new RdoctlError("RDOCTL_STATE_ENDPOINT holds credentials: give only the URL, keys go in AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY");
      }
      return { kind, prefix, bucket, region: env.RDOCTL_STATE_REGION?.trim() || undefined, endpoint };
    }
    default:
      throw new RdoctlError(`RDOCTL_STATE=${kind}: not a state backend; use one of ${STATE_BACKENDS.join(", ")}`);
  }
}

/** A backend block with only the given (non-secret) arguments; Terraform completes it from its environment. */
class PartialBackend extends TerraformBackend {
  constructor(
    scope: Construct,
    type: string,
    private readonly attributes: Record<string, unknown>,
  ) {
    super(scope, "backend", type);
  }

  protected override synthesizeAttributes(): Record<string, unknown> {
    return { ...this.attributes };
  }

  protected override synthesizeHclAttributes(): Record<string, unknown> {
    return { ...this.attributes };
  }

  override getRemoteStateDataSource(scope: Construct, name: string): TerraformRemoteState {
    return new PartialRemoteState(scope, name, this.name, { ...this.attributes, workspace: "${terraform.workspace}" });
  }
}

/** Another stack's state read through the same partial backend (cross-stack references). */
class PartialRemoteState extends TerraformRemoteState {}

/** PostgreSQL schema names: lower case, digits and `_`. */
function schemaName(prefix: string, stack: string): string {
  return `${prefix}_${stack}`.toLowerCase().replace(/[^a-z0-9_]/g, "_");
}

/** Gives `stack` the configured backend (nothing to do for cdktf's default local one). Call before synth. */
export function useStateBackend(stack: TerraformStack, config: StateBackendConfig): void {
  const name = stack.node.id;
  if (config.kind === "local" && config.dir) {
    new LocalBackend(stack, { path: path.join(config.dir, `${name}.tfstate`) });
  } else if (config.kind === "pg") {
    new PartialBackend(stack, "pg", { schema_name: schemaName(config.prefix, name) });
  } else if (config.kind === "s3") {
    const attributes: Record<string, unknown> = {
      bucket: config.bucket,
      key: `${config.prefix}/${name}.tfstate`,
      region: config.region ?? "us-east-1",
      use_lockfile: true,
    };
    if (config.endpoint) {
      Object.assign(attributes, {
        endpoints: { s3: config.endpoint },
        use_path_style: true,
        skip_credentials_validation: true,
        skip_region_validation: true,
        skip_requesting_account_id: true,
        skip_metadata_api_check: true,
        skip_s3_checksum: true,
      });
    }
    new PartialBackend(stack, "s3", attributes);
  }
}

/** Gives every stack of the app the configured backend. */
export function useStateBackendEverywhere(app: Construct, config: StateBackendConfig): void {
  for (const child of app.node.children) if (TerraformStack.isStack(child)) useStateBackend(child, config);
}
