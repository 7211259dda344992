/**
 * Edge limits, shared by the request checks. They match the engine's own limits (main/engine/pipeline/validate.ts) so a request
 * the UI can build is never refused here for a reason the engine would accept, and they keep
 * absurd payloads (a 1e9-step job, a 2 GB "image") from ever reaching the worker.
 */
export const EDGE_LIMITS = {
  maxPromptChars: 20000,
  maxSteps: 1000,
  maxCfg: 100,
  minSize: 64,
  maxSize: 4096,
  maxBatch: 64,
  maxSeed: 4294967295,
  /** 64 MiB: a 8192×8192 RGBA PNG without compression is 256 MiB, real photos are far smaller. */
  maxImageBytes: 64 * 1024 * 1024,
  maxControlUnits: 4,
} as const;
