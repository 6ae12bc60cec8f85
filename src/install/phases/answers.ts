import { hostByName } from "../../topology/model";
import type { InstallContext } from "../context";
import { HostShell } from "../context";
import { hashInputs, writeFileAtomic } from "../journal";
import type { Step } from "../steps";

/** Where the answer file goes on the deployer. */
export const REMOTE_ANSWER_FILE = "/root/rdoctl-answers.txt";

/** Hash of the answer text: an input of this phase and of the Packstack run. */
export function answersHash(ctx: InstallContext): string {
  return hashInputs(ctx.answers().text);
}

/** The answer file, uploaded 0600 to the deployer, with a 0600 local copy. */
export function answersSteps(ctx: InstallContext): Step[] {
  const deployer = hostByName(ctx.topology, ctx.topology.deployer);
  return [
    {
      phase: "answers",
      host: deployer.name,
      inputs: { answers: answersHash(ctx) },
      run: async () => {
        const { text } = ctx.answers();
        await new HostShell(ctx, deployer.name, "answers").upload(REMOTE_ANSWER_FILE, text, 0o600);
        writeFileAtomic(ctx.paths.answerFile, text, 0o600);
        const facts: Record<string, string> = { remote: REMOTE_ANSWER_FILE };
        const excluded = ctx.scale?.plan.excluded ?? [];
        if (excluded.length) facts.excludeServers = excluded.join(",");
        return facts;
      },
    },
  ];
}
