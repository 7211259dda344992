/**
 * The studio's EvalApi: each method is one call of the contract (common/ipc.ts `eval*`), over
 * whichever transport the studio runs on (Electron IPC or the local server's WebSocket). Errors
 * come back as EmulsionErrors with their code and field, like every other call.
 */
import type { Transport } from '../transport/types.ts';
import type { EvalApi } from './api.ts';

export function createTransportEvalApi(transport: Transport): EvalApi {
  return {
    imageUrl: (file) => transport.imageUrl(file),
    onJobEvent: (listener) => transport.onEvalJobEvent(listener),
    cancelJob: async (jobId) => {
      await transport.call('evalCancelJob', { jobId });
    },
    planAudit: (definition) => transport.call('evalPlanAudit', definition),
    startAudit: (dir, definition) => transport.call('evalStartAudit', { dir, definition }),
    labellingQueue: (dir, annotator) => transport.call('evalLabellingQueue', { dir, annotator }),
    saveLabel: async (dir, annotator, label) => {
      await transport.call('evalSaveLabel', { dir, annotator, label });
    },
    writeAuditReport: (dir) => transport.call('evalWriteAuditReport', { dir }),
    startXyz: (request) => transport.call('evalStartXyz', request),
    xyzResult: (out) => transport.call('evalXyzResult', { out }),
    benchmarkOptions: () => transport.call('evalBenchmarkOptions'),
    startBenchmark: (request) => transport.call('evalStartBenchmark', request),
    abState: (dir) => transport.call('evalAbState', { dir }),
    vote: (dir, pairId, choice) => transport.call('evalVote', { dir, pairId, choice }),
    abRanking: (dir) => transport.call('evalAbRanking', { dir }),
  };
}
