import { locateEngine } from "../cloud/engine";
import { RdoctlError } from "../errors";

/** The engine the pipeline runs terraform and cdktf with (located by src/cloud/engine.ts). */
export interface Engine {
  readonly binary: string;
  /** Environment for every terraform/cdktf child: the mirror's CLI config, quiet, automation mode. */
  readonly env: NodeJS.ProcessEnv;
}

/**
 * The located engine, or one line saying what is missing (`npm run engine`). The provider need not
 * be in the mirror when `needsProvider` is false (stacks of only `terraform_data`).
 */
export function findEngine(env: NodeJS.ProcessEnv = process.env, needsProvider = true): Engine {
  const status = locateEngine({ env });
  const problems = needsProvider || !status.engine ? status.problems : [];
  if (!status.engine || problems.length > 0) {
    throw new RdoctlError(`Terraform engine not ready: ${problems.map((p) => `${p.what} (${p.fix})`).join("; ")}`);
  }
  return {
    binary: status.engine.path,
    env: { ...env, ...status.env, TERRAFORM_BINARY_NAME: status.engine.path, TF_IN_AUTOMATION: "1", TF_INPUT: "0" },
  };
}
