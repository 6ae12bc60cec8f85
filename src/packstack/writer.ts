import type { LoadedCatalog } from "./catalog";
import { fill } from "./textwrap";

/**
 * Writes an answer file in the layout Packstack's `--gen-answer-file` uses: `[general]`, then
 * per parameter in catalog order a blank line, the description wrapped at 70 columns as `# `
 * lines, and `KEY=value`. Values stand alone on their line: configparser would make any text
 * after a value part of it, so nothing is ever written after one.
 */

export interface RenderOptions {
  /** Comment lines written above `[general]` (without the `# `); configparser skips them. */
  readonly header?: readonly string[];
}

function comment(description: string | null): string {
  // Packstack's initial indent is "\n# ": three characters of the 70 go to it on the first line.
  return fill(description ?? "", { initialIndent: "\n# ", subsequentIndent: "# ", width: 70 });
}

export function renderAnswerFile(
  catalog: LoadedCatalog,
  values: Readonly<Record<string, string>>,
  options: RenderOptions = {},
): string {
  const out: string[] = [];
  for (const line of options.header ?? []) out.push(line === "" ? "#\n" : `# ${line}\n`);
  out.push("[general]\n");
  for (const param of catalog.orderedParams) {
    const value = values[param.name];
    if (value === undefined) throw new Error(`no value for ${param.name} (Packstack ${catalog.release})`);
    if (/[\r\n]/.test(value)) throw new Error(`value of ${param.name} spans lines; an answer file value must fit on one line`);
    out.push(`${comment(param.description)}\n${param.name}=${value}\n`);
  }
  return out.join("");
}

/** `KEY=value` pairs of a file rendered by {@link renderAnswerFile} or by Packstack, in order. */
export function valuesOfRenderedFile(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const match = /^([A-Za-z0-9_]+)=(.*)$/.exec(line);
    if (match) values[match[1]!] = match[2]!;
  }
  return values;
}
