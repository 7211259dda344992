/**
 * `tsx main/demo-model/build-cli.ts [outDir] [--force]`: builds the demo models (for npm's
 * prepare script and CI) and prints the three folders.
 */
import { ensureDemoModels } from './index.ts';

const args = process.argv.slice(2);
const outDir = args.find((a) => !a.startsWith('--'));
const paths = await ensureDemoModels(outDir, { force: args.includes('--force') });
process.stdout.write(`${Object.values(paths).join('\n')}\n`);
