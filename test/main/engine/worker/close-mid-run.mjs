// Child-process script for client.test.ts: closes engine clients while a job is running and
// prints what the in-flight job settled with. A native abort here kills only this process, so
// the test can report it as a failure instead of losing its own test runner.
//   node close-mid-run.mjs <model folder> <rounds> <image size>
import { register } from 'tsx/esm/api';

register();
const { createEngineClient } = await import('../../../../main/engine/index.ts');
const [model, rounds = '3', size = '64'] = process.argv.slice(2);

for (let round = 0; round < Number(rounds); round++) {
  const client = createEngineClient({ logLevel: 'error', onLog: () => undefined });
  const job = client.generate({
    model,
    prompt: 'a red circle',
    width: Number(size),
    height: Number(size),
    steps: 500,
    scheduler: 'Euler',
    provider: 'cpu',
  });
  const settled = job.result.then(
    () => 'resolved',
    (err) => `rejected ${err.code}`,
  );
  // Close at a different step each round, so the close lands at different points of a step.
  const atStep = 1 + round;
  await new Promise((resolve) => {
    const off = client.onEvent((e) => {
      if (e.jobId === job.jobId && e.status === 'step' && e.step === atStep) {
        off();
        resolve();
      }
    });
  });
  await client.close();
  console.log(`round ${round}: job ${await settled}`);
}
console.log('done');
