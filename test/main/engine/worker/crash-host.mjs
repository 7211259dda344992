// A worker entry that dies on start, standing in for a crashed engine worker.
throw new Error('the engine worker failed to start (test double)');
