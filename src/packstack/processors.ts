import { isPythonFloat, type PackstackValue } from "./pyrepr";

/**
 * Packstack's value processors, by the names the catalogs use. They run before the validators
 * and may read values loaded earlier (`config`), as Packstack's do.
 */

export interface ProcessorContext {
  /** Values loaded so far, processed (Packstack's `controller.CONF`). */
  readonly config: ReadonlyMap<string, PackstackValue>;
  /** `$HOME` of the user running Packstack on the deployer. */
  readonly home: string;
  /** `uuid.uuid4().hex[:length]`: Packstack's way of drawing a password or key. */
  randomHex(length: number): string;
}

export type Processor = (value: PackstackValue, name: string, context: ProcessorContext) => PackstackValue;

/** Passwords drawn for PW_PLACEHOLDER, per parameter, so asking twice gives the same one. */
const PASSWORD_LENGTH = 16;

function processPassword(value: PackstackValue, name: string, context: ProcessorContext): PackstackValue {
  if (value !== "PW_PLACEHOLDER") return value;
  const fallback = context.config.get("CONFIG_DEFAULT_PASSWORD");
  if (fallback !== undefined && fallback !== "") return fallback;
  void name;
  return context.randomHex(PASSWORD_LENGTH);
}

function processBool(value: PackstackValue): PackstackValue {
  const lower = String(value).toLowerCase();
  if (["y", "yes", "true"].includes(lower)) return true;
  if (["n", "no", "false"].includes(lower)) return false;
  return null;
}

function processAddQuotesAroundValues(value: PackstackValue): PackstackValue {
  return String(value)
    .split(",")
    .map((item) => {
      let quoted = item.startsWith("'") ? item : `'${item}`;
      if (!quoted.endsWith("'")) quoted = `${quoted}'`;
      return quoted;
    })
    .join(",");
}

function processSshKey(value: PackstackValue, _name: string, context: ProcessorContext): PackstackValue {
  // Packstack runs ssh-keygen when the file is missing; the path it ends up with is what counts.
  if (value === "" || value === null) return `${context.home}/.ssh/id_rsa.pub`;
  return value;
}

/**
 * Up to 2023.2, installing Sahara forces Heat on (Sahara needs it); later releases have no
 * CONFIG_SAHARA_INSTALL, so the same code is the identity there.
 */
function processHeat(value: PackstackValue, _name: string, context: ProcessorContext): PackstackValue {
  return context.config.get("CONFIG_SAHARA_INSTALL") === "y" ? "y" : value;
}

function processBackend(value: PackstackValue, _name: string, context: ProcessorContext): PackstackValue {
  if (value === "swift" && context.config.get("CONFIG_SWIFT_INSTALL") !== "y") return "file";
  return value;
}

function processStringNoFloat(value: PackstackValue, _name: string, context: ProcessorContext): PackstackValue {
  let current = value;
  while (typeof current === "string" && isPythonFloat(current)) current = context.randomHex(16);
  return current;
}

function processTempest(value: PackstackValue, _name: string, context: ProcessorContext): PackstackValue {
  if (value !== "") return value;
  const networkHosts = context.config.get("CONFIG_NETWORK_HOSTS");
  if (typeof networkHosts !== "string") throw new KeyError("CONFIG_NETWORK_HOSTS");
  return networkHosts.split(",")[0] ?? "";
}

function processTroveNovaPw(value: PackstackValue, _name: string, context: ProcessorContext): PackstackValue {
  if (value === "PW_PLACEHOLDER" && context.config.get("CONFIG_TROVE_NOVA_USER") === "trove") {
    const password = context.config.get("CONFIG_TROVE_KS_PW");
    if (password === undefined) throw new KeyError("CONFIG_TROVE_KS_PW");
    return password;
  }
  return value;
}

/** Python's KeyError: Packstack reports it as the quoted key name. */
export class KeyError extends Error {
  constructor(readonly key: string) {
    super(`'${key}'`);
    this.name = "KeyError";
  }
}

export const PROCESSORS: Readonly<Record<string, Processor>> = {
  process_password: processPassword,
  process_bool: processBool,
  process_add_quotes_around_values: processAddQuotesAroundValues,
  process_ssh_key: processSshKey,
  process_heat: processHeat,
  process_backend: processBackend,
  process_string_nofloat: processStringNoFloat,
  process_tempest: processTempest,
  process_trove_nova_pw: processTroveNovaPw,
};

export function processorFor(name: string): Processor {
  const processor = PROCESSORS[name];
  if (!processor) throw new Error(`no implementation of Packstack processor ${name}`);
  return processor;
}
