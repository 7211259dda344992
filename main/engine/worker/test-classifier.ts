/**
 * TEST ONLY: a stand-in for the bundled classifier that flags every image (Porn 1.0, every other
 * class 0), so the end-to-end tests can see the blur and block paths on the demo model, whose
 * drawn shapes the real classifier rightly passes. The worker installs it only when the host asks
 * for `testClassifier: 'flag-all'` (WorkerSafetyOptions), which only the local server does, and
 * only when EMULSION_TEST_FLAG_ALL=1 is set at its start.
 */
import type { ClassScores, ImageClassifier } from '../../safety/classifier.ts';

export function flagAllClassifier(): ImageClassifier {
  return {
    name: 'test stub: flags every image (EMULSION_TEST_FLAG_ALL)',
    async classify(): Promise<ClassScores> {
      return { Drawing: 0, Hentai: 0, Neutral: 0, Porn: 1, Sexy: 0 };
    },
    async release() {},
  };
}
