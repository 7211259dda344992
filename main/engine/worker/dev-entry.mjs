// Worker entry when running from the TypeScript sources (CLI, tests, server): registers tsx's
// loader inside the worker thread, which Node 20 does not inherit from the parent, then loads
// the real host. Bundled builds start host.js directly.
import { register } from 'tsx/esm/api';

register();
await import('./host.ts');
