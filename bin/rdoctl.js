#!/usr/bin/env node
"use strict";
// The CLI is compiled by `npm run build` (run by `npm install` through `prepare`).
// main() reports every failure itself; this catch is the last resort for a bug in that reporting.
require("../dist/src/cli/main.js").main(process.argv).then(
  (code) => { process.exitCode = code; },
  (err) => {
    const message = err instanceof Error ? err.message.split("\n", 1)[0] : String(err);
    process.stderr.write(`rdoctl: internal error: ${message} (a bug in rdoctl; RDOCTL_DEBUG=1 shows where)\n`);
    if (process.env.RDOCTL_DEBUG && err instanceof Error) process.stderr.write(`${err.stack}\n`);
    process.exitCode = 70;
  },
);
