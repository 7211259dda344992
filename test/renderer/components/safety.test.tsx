// @vitest-environment happy-dom
/**
 * The safety filter in the studio's UI, over a fake transport: the settings section (policy,
 * thresholds, the reason for each default), the word lists, blurred results with Reveal and Keep
 * original, withheld images, the prompt's matches, previews, and the safety-eval report.
 */
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { EmulsionError } from '../../../common/errors.ts';
import type {
  SafetyEvalReport,
  StudioDoneEvent,
  StudioGenerateRequest,
  StudioSettings,
} from '../../../common/ipc.ts';
import type { ImageReason, SafetyDecision } from '../../../common/safety.ts';
import { App } from '../../../renderer/App.tsx';
import { StudioProvider } from '../../../renderer/store/context.tsx';
import { createStudioStore, type StudioStore } from '../../../renderer/store/store.ts';
import { doneEvent } from '../fakes/events.ts';
import {
  createFakeTransport,
  SETTINGS,
  TERMS,
  urlMaker,
  type FakeTransport,
} from '../fakes/transport.ts';

let transport: FakeTransport;
let store: StudioStore;
let made: ReturnType<typeof urlMaker>['made'];

async function renderStudio(options: { desktop?: boolean } = {}) {
  transport = createFakeTransport(options);
  const urls = urlMaker();
  made = urls.made;
  store = createStudioStore({ transport, makeUrl: urls.makeUrl, random: () => 0.25 });
  render(
    <StudioProvider store={store}>
      <App />
    </StudioProvider>,
  );
  await act(() => store.getState().init());
}

afterEach(() => cleanup());

const callsOf = (name: string) => transport.calls.filter((c) => c.name === name);

const PORN: ImageReason = {
  layer: 'classifier',
  class: 'Porn',
  score: 0.97,
  threshold: 0.5,
};

function decision(action: SafetyDecision['action']): SafetyDecision {
  return {
    policy: action === 'pass' ? 'blur' : (action as 'blur'),
    action,
    kind: 'final',
    reasons: action === 'pass' ? [] : [PORN],
    scores: [PORN],
  };
}

/** Runs a job in the UI and finishes it with `done`. */
async function finishJob(change: (done: StudioDoneEvent) => void) {
  await act(() => store.getState().generate());
  const done = doneEvent('job-1');
  change(done);
  act(() => transport.emit(done));
  return done;
}

describe('Safety settings', () => {
  it('shows the policy and thresholds with the reason for each default', async () => {
    await renderStudio();
    fireEvent.click(screen.getByRole('button', { name: 'Settings' }));
    const section = screen.getByRole('region', { name: 'Safety' });
    expect((within(section).getByLabelText(/^blur —/) as HTMLInputElement).checked).toBe(true);
    expect(within(section).getByText(/Blur shows that something was flagged and why/)).toBeTruthy();
    expect((within(section).getByLabelText('Sexy threshold') as HTMLInputElement).value).toBe(
      '0.8',
    );
    const sexy = within(section).getByRole('row', { name: /^Sexy/ });
    expect(sexy.textContent).toContain('0.8. Sexy also covers swimwear and underwear');
    expect(
      (within(section).getByLabelText('Neutral never flags') as HTMLInputElement).checked,
    ).toBe(true);
    expect(section.textContent).toContain('Default: off. The checker is a CLIP ViT-L/14 pass');
  });

  it('saves the whole edited safety settings at once', async () => {
    const user = userEvent.setup();
    await renderStudio();
    await user.click(screen.getByRole('button', { name: 'Settings' }));
    const save = screen.getByRole('button', { name: 'Save safety settings' }) as HTMLButtonElement;
    expect(save.disabled).toBe(true);
    await user.click(screen.getByLabelText(/^block —/));
    const sexy = screen.getByLabelText('Sexy threshold');
    await user.clear(sexy);
    await user.type(sexy, '0.6');
    await user.click(screen.getByLabelText('Drawing never flags'));
    await user.click(screen.getByLabelText('Hate'));
    await user.click(save);
    const expected: StudioSettings['safety'] = {
      policy: 'block',
      promptCategories: { sexual: true, 'violence-gore': true, 'self-harm': true, hate: false },
      classifier: {
        enabled: true,
        // Unticking "never flags" offers 0.5 to start from.
        thresholds: { Drawing: 0.5, Hentai: 0.5, Neutral: null, Porn: 0.5, Sexy: 0.6 },
      },
      modelSafetyChecker: { enabled: true, onPreviews: false },
    };
    expect(callsOf('setSettings').map((c) => c.request)).toEqual([{ safety: expected }]);
  });

  it('refuses to save an emptied threshold, and shows the host’s error under the section', async () => {
    const user = userEvent.setup();
    await renderStudio();
    await user.click(screen.getByRole('button', { name: 'Settings' }));
    await user.clear(screen.getByLabelText('Porn threshold'));
    await user.click(screen.getByRole('button', { name: 'Save safety settings' }));
    expect(screen.getByRole('alert').textContent).toContain('Give Porn a threshold from 0 to 1');
    expect(callsOf('setSettings')).toEqual([]);

    transport.handlers.setSettings = () => {
      throw new EmulsionError('INVALID_ARGUMENT', 'Porn must be at most 1.', {
        field: 'safety.classifier.thresholds.Porn',
      });
    };
    await user.type(screen.getByLabelText('Porn threshold'), '0.4');
    await user.click(screen.getByRole('button', { name: 'Save safety settings' }));
    const section = screen.getByRole('region', { name: 'Safety' });
    expect(within(section).getByRole('alert').textContent).toBe('Porn must be at most 1.');
  });

  it('shows the word lists folded, with their folder, and reloads them', async () => {
    const user = userEvent.setup();
    await renderStudio({ desktop: true });
    await user.click(screen.getByRole('button', { name: 'Settings' }));
    await screen.findByText('Sexual: 2 terms, 1 exceptions');
    const sexual = screen.getByTestId('terms-sexual') as HTMLDetailsElement;
    expect(sexual.open).toBe(false);
    expect(within(sexual).getByText('Explicit sexual terms.')).toBeTruthy();
    expect((screen.getByLabelText('Your word-list folder') as HTMLInputElement).value).toBe(
      TERMS.userTermsDir,
    );
    await user.click(screen.getByRole('button', { name: 'Open folder' }));
    expect(callsOf('openPath').map((c) => c.request)).toEqual([{ path: TERMS.userTermsDir }]);
    await user.click(screen.getByRole('button', { name: 'Reload lists' }));
    expect(callsOf('safetyReloadTerms')).toHaveLength(1);
    expect(screen.getByText('Word lists reloaded.')).toBeTruthy();
  });
});

describe('flagged results', () => {
  it('shows a blurred image with its reasons, reveals the original on request and keeps it', async () => {
    await renderStudio();
    transport.handlers.safetyReveal = () => ({ png: new Uint8Array([137, 80, 78, 71, 99]) });
    transport.handlers.safetyKeepOriginal = () => ({
      ...doneEvent('job-1').items[0],
      id: 100,
    });
    await finishJob((done) => {
      done.result.images[0].safety = decision('blur');
      done.result.safety = [decision('blur')];
    });
    const blurred = screen.getByAltText('Result, seed 1234 (blurred by the safety filter)');
    const panel = screen.getByTestId('safety-panel');
    expect(within(panel).getByText('classifier: Porn 0.97 ≥ 0.5')).toBeTruthy();
    expect(screen.getByRole('button', { name: /Result seed 1234 \(blurred\)/ })).toBeTruthy();

    await act(async () => fireEvent.click(within(panel).getByRole('button', { name: 'Reveal' })));
    expect(callsOf('safetyReveal').map((c) => c.request)).toEqual([{ jobId: 'job-1', index: 0 }]);
    const original = screen.getByAltText('Result, seed 1234 (original, revealed)');
    const revealedUrl = made.find((m) => m.data[4] === 99)!.url;
    expect(original.getAttribute('src')).toBe(revealedUrl);
    expect(blurred.isConnected).toBe(true);

    fireEvent.click(within(panel).getByRole('button', { name: 'Blur again' }));
    expect(screen.getByAltText('Result, seed 1234 (blurred by the safety filter)')).toBeTruthy();
    await act(async () => fireEvent.click(within(panel).getByRole('button', { name: 'Reveal' })));
    // Fetched once: the second reveal reuses it.
    expect(callsOf('safetyReveal')).toHaveLength(1);

    await act(async () =>
      fireEvent.click(within(panel).getByRole('button', { name: 'Keep original' })),
    );
    expect(callsOf('safetyKeepOriginal').map((c) => c.request)).toEqual([
      { jobId: 'job-1', index: 0 },
    ]);
    expect(
      screen.getByText('The original replaced the blurred image in the gallery.'),
    ).toBeTruthy();
    expect(screen.getByAltText('Result, seed 1234').getAttribute('src')).toBe(revealedUrl);
    expect(screen.getByTestId('safety-panel').textContent).toContain('Original kept');
  });

  it('keeps the blurred image when the original is gone from the host', async () => {
    await renderStudio();
    transport.handlers.safetyReveal = () => {
      throw new EmulsionError('INVALID_ARGUMENT', 'Originals are kept in memory only.', {
        field: 'index',
      });
    };
    await finishJob((done) => {
      done.result.images[0].safety = decision('blur');
    });
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Reveal' })));
    expect(screen.getByRole('alert').textContent).toContain('Originals are kept in memory only.');
    expect(screen.getByAltText('Result, seed 1234 (blurred by the safety filter)')).toBeTruthy();
  });

  it('says an image was withheld and why under block, with no pixels', async () => {
    await renderStudio();
    await finishJob((done) => {
      done.result.request.batch = 2;
      // Image 0 was blocked; image 1 passed and is the only one in `images`.
      done.result.images = [
        { ...done.result.images[0], index: 1, seed: 1235, safety: decision('pass') },
      ];
      done.result.safety = [decision('block'), decision('pass')];
      done.files = ['/home/ana/Pictures/Emulsion/out-1.png'];
    });
    const withheld = screen.getByTestId('withheld');
    expect(withheld.textContent).toContain('image 1 of this batch (seed 1234) was flagged');
    expect(within(withheld).getByText('classifier: Porn 0.97 ≥ 0.5')).toBeTruthy();
    expect(within(screen.getByTestId('canvas')).queryByRole('img')).toBeNull();
    const thumbs = within(screen.getByRole('navigation', { name: 'Results of this session' }));
    expect(thumbs.getByRole('button', { name: /seed 1234 \(withheld\)/ }).textContent).toBe(
      'Withheld',
    );
    fireEvent.click(thumbs.getByRole('button', { name: /seed 1235/ }));
    expect(screen.getByAltText('Result, seed 1235')).toBeTruthy();
  });

  it('shows the prompt’s matches under the prompt until the prompt is edited', async () => {
    const user = userEvent.setup();
    await renderStudio();
    await finishJob((done) => {
      done.result.promptSafety = {
        policy: 'warn',
        action: 'warn',
        kind: 'prompt',
        reasons: [
          {
            layer: 'prompt',
            category: 'sexual',
            term: 'nude',
            matched: 'N.u.d.e',
            start: 2,
            end: 9,
          },
        ],
        scores: [],
      };
    });
    const note = screen.getByTestId('prompt-safety');
    expect(note.textContent).toContain('prompt: "N.u.d.e" matched "nude" (sexual)');
    await user.type(screen.getByLabelText('Prompt', { exact: true }), ' x');
    expect(screen.queryByTestId('prompt-safety')).toBeNull();
  });

  it('asks for latent previews and shows each filtered preview on the canvas', async () => {
    await renderStudio();
    await act(() => store.getState().generate());
    expect((callsOf('generate')[0].request as StudioGenerateRequest).preview).toBe('latent');
    act(() =>
      transport.emit({
        status: 'step',
        jobId: 'job-1',
        step: 1,
        totalSteps: 8,
        elapsedMs: 10,
        msPerStep: 10,
        preview: new Uint8Array([137, 80, 78, 71, 7]),
      }),
    );
    const preview = screen.getByTestId('preview-image');
    expect(preview.getAttribute('src')).toBe(made.find((m) => m.data[4] === 7)!.url);
  });
});

describe('safety-eval in the settings view', () => {
  const REPORT: SafetyEvalReport = {
    imagesDir: '/home/ana/Pictures/Emulsion/labelled',
    labelsFile: '/home/ana/Pictures/Emulsion/labelled/labels.csv',
    counts: { images: 6, unsafe: 3, safe: 3 },
    targetRecall: 0.9,
    thresholds: { ...SETTINGS.safety.classifier.thresholds },
    layers: [
      {
        layer: 'classifier',
        confusion: { tp: 2, fp: 1, tn: 2, fn: 1 },
        precision: {
          value: 2 / 3,
          successes: 2,
          total: 3,
          interval: { low: 0.2077, high: 0.9385 },
        },
        recall: { value: 2 / 3, successes: 2, total: 3, interval: { low: 0.2077, high: 0.9385 } },
        falsePositiveRate: {
          value: 1 / 3,
          successes: 1,
          total: 3,
          interval: { low: 0.061498, high: 0.792357 },
        },
        thresholdForTargetRecall: {
          threshold: 0.302,
          target: 0.9,
          recall: 1,
          precision: 0.75,
          flagged: 4,
        },
        byCategory: [],
      },
    ],
    items: [],
    unlabelled: [],
  };

  it('runs over the typed paths and shows the confusion matrix, intervals and threshold', async () => {
    const user = userEvent.setup();
    await renderStudio();
    transport.handlers.safetyEval = () => REPORT;
    await user.click(screen.getByRole('button', { name: 'Settings' }));
    await user.type(screen.getByLabelText('Images folder'), REPORT.imagesDir);
    await user.type(screen.getByLabelText('Labels CSV'), REPORT.labelsFile);
    await user.click(screen.getByRole('button', { name: 'Run safety evaluation' }));
    await user.click(screen.getByLabelText(/Also evaluate the safety checker of emulsion-shapes/));
    await user.click(screen.getByRole('button', { name: 'Run safety evaluation' }));
    expect(callsOf('safetyEval').map((c) => c.request)).toEqual([
      { imagesDir: REPORT.imagesDir, labelsFile: REPORT.labelsFile, targetRecall: 0.9 },
      {
        imagesDir: REPORT.imagesDir,
        labelsFile: REPORT.labelsFile,
        targetRecall: 0.9,
        model: '/models/emulsion-shapes',
      },
    ]);
    const matrix = screen.getByRole('table', { name: 'Confusion matrix: Bundled classifier' });
    const cells = Object.fromEntries(
      [...matrix.querySelectorAll('td')].map((td) => [td.dataset.cell, td.textContent]),
    );
    expect(cells).toEqual({ tp: '2', fn: '1', fp: '1', tn: '2' });
    const layer = screen.getByRole('region', { name: 'Bundled classifier' });
    expect(layer.querySelector('[data-metric="recall"]')!.textContent).toBe('0.667 [0.208, 0.939]');
    expect(layer.querySelector('[data-metric="fpr"]')!.textContent).toBe('0.333 [0.061, 0.792]');
    expect(screen.getByTestId('threshold-classifier').textContent).toBe(
      'Hentai, Porn and Sexy thresholds of 0.302 reach recall ≥ 0.9 (recall 1.000, precision 0.750, 4 of 6 flagged).',
    );
  });

  it('shows a path error next to its field', async () => {
    const user = userEvent.setup();
    await renderStudio();
    transport.handlers.safetyEval = () => {
      throw new EmulsionError(
        'INVALID_ARGUMENT',
        '`labelsFile` must be an existing path inside the output, models or logs folder; received "/etc/passwd".',
        {
          field: 'labelsFile',
        },
      );
    };
    await user.click(screen.getByRole('button', { name: 'Settings' }));
    await user.type(screen.getByLabelText('Images folder'), '/home/ana/x');
    await user.type(screen.getByLabelText('Labels CSV'), '/etc/passwd');
    await user.click(screen.getByRole('button', { name: 'Run safety evaluation' }));
    await waitFor(() =>
      expect(document.querySelector('[data-field="labelsFile"]')?.textContent).toContain(
        '/etc/passwd',
      ),
    );
  });
});
