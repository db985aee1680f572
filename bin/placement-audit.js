#!/usr/bin/env node
// The placement-audit command. The sources are TypeScript run through tsx (a runtime
// dependency), so `npx placement-audit` works straight after `npm install`, with no build.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../src/cli/main.ts");
process.exitCode = await main(process.argv.slice(2));
