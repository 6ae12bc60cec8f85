import { didYouMean } from "../../topology/did-you-mean";

/**
 * `; did you mean "x"?` for a misspelt name, or the empty string. Beyond typos it also
 * suggests the one name that extends or shortens the word at an underscore, the usual slip with
 * provider attributes (`subnet` for `subnet_id`, `fixed_ip` for `fixed_ip_v4`).
 */
export function suggest(word: string, candidates: Iterable<string>): string {
  const list = [...candidates];
  const typo = didYouMean(word, list);
  if (typo) return typo;
  const extended = list.filter((c) => c.startsWith(`${word}_`) || word.startsWith(`${c}_`));
  return extended.length === 1 ? `; did you mean "${extended[0]}"?` : "";
}
