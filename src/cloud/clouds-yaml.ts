import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse } from "yaml";

/**
 * Where openstacksdk (and so the `openstack` CLI) looks for clouds.yaml, in its order: the file
 * `OS_CLIENT_CONFIG_FILE` names, then `clouds.yaml`, `clouds.yml` or `clouds.json` in the
 * current directory, the user's config directory (`$XDG_CONFIG_HOME/openstack`, else
 * `~/.config/openstack`), `/etc/xdg/openstack` and `/etc/openstack`. The first file that exists
 * is the one it reads. Every path is absolute, resolved where synth runs, because Terraform
 * runs elsewhere (`cdktf.out/stacks/<stack>/`).
 */
export function cloudsYamlCandidates(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): { file: string; via: string }[] {
  const names = ["clouds.yaml", "clouds.yml", "clouds.json"];
  const home = env.HOME || os.homedir();
  const userDir = env.XDG_CONFIG_HOME ? path.join(env.XDG_CONFIG_HOME, "openstack") : path.join(home, ".config", "openstack");
  const dirs: [string, string][] = [
    [cwd, "the current directory"],
    [userDir, "the user's config directory"],
    [path.join(home, ".config", "openstack"), "~/.config/openstack"],
    ["/etc/xdg/openstack", "/etc/xdg/openstack"],
    ["/etc/openstack", "/etc/openstack"],
  ];
  const candidates: { file: string; via: string }[] = [];
  if (env.OS_CLIENT_CONFIG_FILE) candidates.push({ file: path.resolve(cwd, env.OS_CLIENT_CONFIG_FILE), via: "OS_CLIENT_CONFIG_FILE" });
  for (const [dir, via] of dirs) for (const name of names) candidates.push({ file: path.join(dir, name), via });
  return candidates.filter((c, i) => candidates.findIndex((d) => d.file === c.file) === i);
}

/** The clouds.yaml openstacksdk would read here, or undefined when there is none. */
export function findCloudsYaml(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): { file: string; via: string } | undefined {
  return cloudsYamlCandidates(env, cwd).find((c) => isFile(c.file));
}

/**
 * The entry names of a clouds.yaml, or why they cannot be read. Only names are read out: no
 * value of the file (passwords) leaves this function.
 */
export function cloudsYamlEntries(file: string): { entries: string[] } | { problem: string } {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { problem: `cannot read ${file} (${code === "EACCES" ? "permission denied" : code ?? "unreadable"})` };
  }
  let document: unknown;
  try {
    document = parse(text);
  } catch {
    return { problem: `${file} is not valid YAML` };
  }
  const clouds = isRecord(document) ? document["clouds"] : undefined;
  if (!isRecord(clouds)) return { problem: `${file} has no clouds: mapping` };
  return { entries: Object.keys(clouds) };
}

function isFile(file: string): boolean {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
