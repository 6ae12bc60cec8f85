import type { Command } from "commander";

interface ShowOptions {
  readonly reveal?: boolean;
  readonly json?: boolean;
}

interface RotateOptions {
  readonly all?: boolean;
  readonly force?: boolean;
  readonly json?: boolean;
}

/**
 * `rdoctl secrets show | set | rotate`: a cloud's passwords and keys, as kolla-ansible operators
 * handle passwords.yml with kolla-genpwd and kolla-mergepwd. The store stays 0600; set and rotate
 * regenerate every answer file written from it, under the store's lock, so none keeps an old value.
 */
export function registerSecretsCommands(program: Command): void {
  const secrets = program.command("secrets").description("show, set or rotate a cloud's passwords and keys (the secrets store, mode 0600)");

  secrets
    .command("show")
    .description("list the cloud's secrets, values masked unless --reveal")
    .argument("<inventory>", "inventory (YAML) or topology module (.ts/.js)")
    .argument("[keys...]", "only these keys (e.g. CONFIG_KEYSTONE_ADMIN_PW)")
    .option("--reveal", "print the values themselves")
    .option("--json", "print as JSON")
    .action(async (inventory: string, keys: string[], options: ShowOptions) => {
      const { showSecrets } = await import("../secrets-run.js");
      showSecrets(inventory, keys, { reveal: options.reveal === true, json: options.json === true });
    });

  secrets
    .command("set")
    .description("store a value you choose for one secret (typed without echo, or piped on stdin; never on the command line) and regenerate the cloud's answer files")
    .argument("<inventory>", "inventory (YAML) or topology module (.ts/.js)")
    .argument("<key>", "answer-file key, e.g. CONFIG_KEYSTONE_ADMIN_PW")
    .option("--json", "print the result as JSON")
    .action(async (inventory: string, key: string, options: { json?: boolean }) => {
      const { readValueFromStdin, setSecret } = await import("../secrets-run.js");
      setSecret(inventory, key, await readValueFromStdin(key), { json: options.json === true });
    });

  secrets
    .command("rotate")
    .description("draw new values for secrets, regenerate the cloud's answer files, and say which services `rdoctl install` must reconfigure")
    .argument("<inventory>", "inventory (YAML) or topology module (.ts/.js)")
    .argument("[keys...]", "keys to rotate")
    .option("--all", "rotate every stored secret (except those whose change loses data, unless --force)")
    .option("--force", "also rotate secrets whose change loses data (CONFIG_SWIFT_HASH, CONFIG_HEAT_AUTH_ENC_KEY)")
    .option("--json", "print the result as JSON")
    .action(async (inventory: string, keys: string[], options: RotateOptions) => {
      const { rotateSecrets } = await import("../secrets-run.js");
      rotateSecrets(inventory, keys, { all: options.all === true, force: options.force === true, json: options.json === true });
    });
}
