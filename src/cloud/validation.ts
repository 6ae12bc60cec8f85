import type { Construct } from "../cdktf";
import { RdoctlError } from "../errors";

/**
 * Construction-time errors: the props themselves are wrong, so fail at once and say which
 * construct (its path in the tree), what is wrong and what would be accepted.
 */
export function invalidProps(scope: Construct, message: string): RdoctlError {
  return new RdoctlError(`${scope.node.path}: ${message}`);
}

/**
 * Synth-time checks for rules that depend on other constructs (added later, or passed in as
 * a topology). cdktf runs them before writing cdk.tf.json and prefixes each message with the
 * construct path.
 */
export function validateAtSynth(scope: Construct, check: () => readonly string[]): void {
  scope.node.addValidation({ validate: () => [...check()] });
}

/** Terraform-safe identifier fragment from a user-facing name (`web-1.lab` → `web_1_lab`). */
export function identifierFrom(name: string): string {
  const cleaned = name.replace(/[^A-Za-z0-9_]/g, "_");
  return /^[A-Za-z_]/.test(cleaned) ? cleaned : `_${cleaned}`;
}
