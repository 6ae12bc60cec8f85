import { createHash } from "node:crypto";
import * as path from "node:path";
import { DataResource, TerraformStack, type Construct } from "../src/cdktf";
import { generateAnswers, openSecretStore } from "../src/packstack";
import type { Topology } from "../src/topology";
import { cloudPaths, workspaceRoot } from "../src/workspace";

export interface InstallStackProps {
  readonly topology: Topology;
  /** The inventory (YAML or topology module) `rdoctl install` is run on; made absolute. */
  readonly inventory: string;
  /**
   * How to run rdoctl, as a shell command prefix. @default `$RDOCTL_COMMAND`, else this
   * checkout's `bin/rdoctl.js` under the Node that runs synth
   */
  readonly rdoctl?: string;
}

const sha256 = (text: string): string => createHash("sha256").update(text).digest("hex");
const shellQuote = (word: string): string => (/^[A-Za-z0-9_./:=@%+-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`);

/**
 * Installs the cloud as part of `cdktf deploy`: one `terraform_data` whose local-exec runs
 * `rdoctl install --json` non-interactively (resumable: a rerun skips what is done), replaced
 * (so run again) when the topology or the answer file changes. `cdktf diff` shows that as a
 * replacement of `terraform_data.install`.
 *
 * The triggers are hashes, never the answer file itself; the credentials go from the install
 * to the day-1 stacks through the clouds.yaml rdoctl writes (0600, outside the state), which
 * their provider reads at plan time (OpenStackCloud.installed). Day-1 stacks depend on this one.
 */
export class InstallStack extends TerraformStack {
  readonly install: DataResource;
  readonly cloudsYaml: string;

  constructor(scope: Construct, id: string, props: InstallStackProps) {
    super(scope, id);
    const { topology } = props;
    const home = workspaceRoot();
    // The answer file exactly as `rdoctl install` will write it: same secret store (drawn once
    // per cloud, so the hash is stable), same generator.
    const answers = generateAnswers(topology, { secrets: openSecretStore(topology.name, home) });
    // The resolved topology rather than the file's bytes: comments and formatting do not
    // reinstall, and a TypeScript topology module hashes the same way as a YAML inventory.
    const topologyHash = sha256(JSON.stringify(topology));
    const rdoctl = props.rdoctl ?? process.env.RDOCTL_COMMAND ?? `${shellQuote(process.execPath)} ${shellQuote(path.resolve(__dirname, "..", "bin", "rdoctl.js"))}`;
    this.cloudsYaml = cloudPaths(topology.name, home).cloudsYaml;

    this.install = new DataResource(this, "install", {
      // Nothing machine-specific in what is stored: a second clone (other paths) plans no change.
      input: { cloud: topology.name },
      triggersReplace: { topology_sha256: topologyHash, answers_sha256: sha256(answers.text) },
      provisioners: [
        {
          type: "local-exec",
          command: `${rdoctl} install --json ${shellQuote(path.resolve(props.inventory))}`,
          // Non-interactive: no TTY prompts (a password login fails with its message instead).
          environment: { RDOCTL_HOME: home, CI: "true" },
        },
      ],
    });
    this.install.overrideLogicalId("install");
  }
}
