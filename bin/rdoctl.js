#!/usr/bin/env node
"use strict";
// The CLI is compiled by `npm run build` (run by `npm install` through `prepare`).
require("../dist/src/cli/main.js").main(process.argv).then(
  (code) => { process.exitCode = code; },
  (err) => { process.stderr.write(`rdoctl: internal error: ${err && err.stack ? err.stack : err}\n`); process.exitCode = 70; },
);
