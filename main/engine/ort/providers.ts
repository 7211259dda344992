/**
 * Execution-provider choice. onnxruntime-node 1.30 does NOT fall back when a listed provider
 * fails to start (`['cuda','cpu']` throws), so each candidate gets its own create() and we catch
 * (docs/toolchain.md, "ORT execution providers").
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { ExecutionProviderName } from '../../../common/generation.ts';
import { invalidArgument } from '../../../common/errors.ts';

export const PROVIDER_NAMES: readonly ExecutionProviderName[] = [
  'auto',
  'cpu',
  'cuda',
  'dml',
  'coreml',
  'webgpu',
];

/** The provider names onnxruntime-node uses for ours. */
const ORT_NAME: Record<Exclude<ExecutionProviderName, 'auto'>, string> = {
  cpu: 'cpu',
  cuda: 'cuda',
  dml: 'dml',
  coreml: 'coreml',
  webgpu: 'webgpu',
};

export function validateProvider(value: unknown, field = 'provider'): ExecutionProviderName {
  if (typeof value !== 'string' || !(PROVIDER_NAMES as readonly string[]).includes(value)) {
    throw invalidArgument(field, value, PROVIDER_NAMES);
  }
  return value as ExecutionProviderName;
}

/** True when the CUDA provider libraries were installed next to the binding (see README). */
function cudaLibrariesPresent(): boolean {
  try {
    const require = createRequire(import.meta.url);
    const pkg = path.dirname(require.resolve('onnxruntime-node/package.json'));
    const dir = path.join(pkg, 'bin', 'napi-v6', process.platform, process.arch);
    return existsSync(path.join(dir, 'libonnxruntime_providers_cuda.so'));
  } catch {
    return false;
  }
}

/** The accelerated providers this platform's onnxruntime-node build offers, best first. */
export function platformProviders(): Exclude<ExecutionProviderName, 'auto'>[] {
  if (process.platform === 'win32') return ['dml', 'cpu'];
  if (process.platform === 'darwin' && process.arch === 'arm64') return ['coreml', 'cpu'];
  if (process.platform === 'linux' && process.arch === 'x64') {
    return cudaLibrariesPresent() ? ['cuda', 'cpu'] : ['cpu'];
  }
  return ['cpu'];
}

/** The ordered list of providers to try for a request: the asked one (or the best), then CPU. */
export function providerCandidates(
  requested: ExecutionProviderName,
): Exclude<ExecutionProviderName, 'auto'>[] {
  if (requested === 'auto') return platformProviders();
  return requested === 'cpu' ? ['cpu'] : [requested, 'cpu'];
}

export function ortProviderName(name: Exclude<ExecutionProviderName, 'auto'>): string {
  return ORT_NAME[name];
}
