#!/usr/bin/env node
// Emulsion's command line. The sources are TypeScript; tsx's loader runs them directly in Node,
// so there is no separate build step between `npm install` and the first command.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../main/cli/index.ts');
process.exitCode = await main(process.argv.slice(2));
