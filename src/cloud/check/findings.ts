/** What a check found wrong, or suspicious, in one synthesized stack. */
export interface SchemaFinding {
  /** `error`: Terraform would reject the configuration. `warning`: it would accept it, but it is very likely a mistake or was not checked. */
  readonly severity: "error" | "warning";
  /** The file the stack came from, as given to the checker (`cdk.tf.json` when it came from a string). */
  readonly file: string;
  /** Stack name, from cdktf's `//` metadata. */
  readonly stack: string;
  /** `openstack_networking_router_v2.router_1A2B`, `data.openstack_images_image_v2.cirros`, `provider.openstack`, `output.id`, `terraform`. */
  readonly address: string;
  /** Construct path cdktf records for the resource (`lab-basics/net/router`), when it recorded one. */
  readonly constructPath?: string;
  /** Path inside the resource: `external_fixed_ip[0].subnet_id`; empty for the resource itself. */
  readonly attributePath: string;
  readonly message: string;
  /** Which check raised it, for filtering and tests. */
  readonly rule: FindingRule;
}

export type FindingRule =
  | "unknown-type"
  | "unknown-attribute"
  | "unknown-block"
  | "computed-only"
  | "deprecated"
  | "missing-required"
  | "block-count"
  | "block-shape"
  | "type"
  | "reference"
  | "depends-on"
  | "meta-argument"
  | "provider"
  | "required-providers"
  | "sensitive-output"
  | "unchecked";

/** `FILE: STACK ADDRESS (CONSTRUCT PATH): ATTRIBUTE PATH: MESSAGE`, parts left out when empty. */
export function formatFinding(finding: SchemaFinding): string {
  const construct = finding.constructPath ? ` (${finding.constructPath})` : "";
  const attribute = finding.attributePath ? `${finding.attributePath}: ` : "";
  const warning = finding.severity === "warning" ? "warning: " : "";
  return `${finding.file}: ${finding.stack} ${finding.address}${construct}: ${attribute}${warning}${finding.message}`;
}

export function countBySeverity(findings: readonly SchemaFinding[]): { errors: number; warnings: number } {
  let errors = 0;
  for (const f of findings) if (f.severity === "error") errors++;
  return { errors, warnings: findings.length - errors };
}
