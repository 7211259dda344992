/**
 * Safety and evaluation in real Chromium, through server mode, against the real engine and the
 * demo model. The server starts with EMULSION_TEST_FLAG_ALL=1, so its classifier flags every
 * image: the demo model's drawn shapes would otherwise (rightly) never be flagged. Screenshots
 * land in test-artifacts/.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, startE2E, type E2E } from './harness.ts';

let e2e: E2E;
/** What the page sent and received over the WebSocket, as text frames. */
const sent: string[] = [];
const received: string[] = [];

beforeAll(async () => {
  e2e = await startE2E({ env: { EMULSION_TEST_FLAG_ALL: '1' } });
  e2e.page.on('pageerror', (err) => {
    throw err;
  });
  e2e.page.on('websocket', (ws) => {
    ws.on('framesent', (f) => sent.push(String(f.payload)));
    ws.on('framereceived', (f) => received.push(String(f.payload)));
  });
  await e2e.page.goto(e2e.server.url);
  await e2e.page.getByText('Your images appear here').waitFor();
  // Small and quick: 64 × 64 pixels, few steps.
  await e2e.page.getByLabel('Size', { exact: true }).selectOption('custom');
  await e2e.page.getByLabel('Width', { exact: true }).fill('64');
  await e2e.page.getByLabel('Height', { exact: true }).fill('64');
});
afterAll(async () => {
  await e2e?.close();
});

const page = () => e2e.page;
const shot = (name: string) => page().screenshot({ path: path.join(ARTIFACTS, name) });
const nav = (name: string) => page().getByRole('button', { name, exact: true }).click();
const outputs = async () =>
  (await fs.readdir((await e2e.server.studio.handlers.getSettings()).outputFolder)).filter(
    (name) => !name.startsWith('.') && name.endsWith('.png'),
  );

async function dismissNotice() {
  const dismiss = page().getByRole('button', { name: 'Dismiss message' });
  if (await dismiss.count()) await dismiss.click();
}

async function setPolicy(policy: 'off' | 'warn' | 'blur' | 'block') {
  await nav('Settings');
  await page()
    .getByLabel(new RegExp(`^${policy} —`))
    .check();
  const save = page().getByRole('button', { name: 'Save safety settings' });
  await save.click();
  // The button is also disabled while saving: wait for the host to have the policy.
  await expect
    .poll(async () => (await e2e.server.studio.handlers.getSettings()).safety.policy)
    .toBe(policy);
  await expect.poll(() => save.isDisabled()).toBe(true);
  await nav('Create');
}

async function generate(prompt: string, steps: number) {
  await page().getByLabel('Prompt', { exact: true }).fill(prompt);
  await page().getByLabel('Steps value').fill(String(steps));
  await page().keyboard.press('Control+Enter');
}

describe('safety (server mode, a classifier that flags everything)', () => {
  it('shows the safety settings with the reason for each default and the word lists', async () => {
    await nav('Settings');
    const safety = page().locator('section[aria-labelledby="settings-safety"]');
    await safety.waitFor();
    expect(
      await page()
        .getByLabel(/^blur —/)
        .isChecked(),
    ).toBe(true);
    await safety.getByText(/Blur shows that something was flagged and why/).waitFor();
    expect(await page().getByLabel('Sexy threshold').inputValue()).toBe('0.8');
    expect(await page().getByLabel('Drawing never flags').isChecked()).toBe(true);
    await page().getByTestId('terms-sexual').locator('summary').waitFor();
    expect(await page().getByLabel('Your word-list folder').inputValue()).toBe(
      path.join(e2e.dir, 'data', 'safety-terms'),
    );
    // The section is taller than the window: a tall viewport lets the screenshot hold all of it.
    await page().setViewportSize({ width: 1280, height: 2200 });
    await safety.screenshot({ path: path.join(ARTIFACTS, 'safety-settings.png') });
    await page().setViewportSize({ width: 1280, height: 800 });
    await nav('Create');
  });

  it('refuses a prompt with a listed term under block, naming the term and its category', async () => {
    await setPolicy('block');
    const before = await outputs();
    await generate('a nude figure by the sea', 2);
    const error = page().locator('.field-error[data-field="prompt"]');
    await error.waitFor();
    expect(await error.textContent()).toContain('"nude" matched "nude" (sexual)');
    expect(await outputs()).toEqual(before);
  });

  it('withholds a flagged image under block: reasons, no pixels, nothing saved', async () => {
    const before = await outputs();
    await generate('a red circle', 2);
    const withheld = page().getByTestId('withheld');
    await withheld.waitFor();
    expect(await withheld.textContent()).toContain('classifier: Porn 1.00 ≥ 0.5');
    expect(await page().locator('[data-testid="canvas"] img').count()).toBe(0);
    expect(await outputs()).toEqual(before);
  });

  it('blurs a flagged image with its reasons; Reveal shows the original and Keep original saves it', async () => {
    await setPolicy('blur');
    const before = await outputs();
    sent.length = 0;
    received.length = 0;
    await generate('a blue square', 12);
    const blurred = page().getByAltText(/^Result, seed \d+ \(blurred by the safety filter\)$/);
    await blurred.waitFor();
    // The Create view asks for latent previews, and every preview that came back was filtered.
    expect(sent.find((f) => f.includes('"method":"generate"'))).toContain('"preview":"latent"');
    expect(received.some((f) => f.includes('"status":"step"') && f.includes('"preview"'))).toBe(
      true,
    );
    const panel = page().getByTestId('safety-panel');
    expect(await panel.textContent()).toContain('classifier: Porn 1.00 ≥ 0.5');
    const [file] = (await outputs()).filter((f) => !before.includes(f));
    const folder = (await e2e.server.studio.handlers.getSettings()).outputFolder;
    const savedBlurred = await fs.readFile(path.join(folder, file));
    await shot('blurred.png');

    await panel.getByRole('button', { name: 'Reveal' }).click();
    await page()
      .getByAltText(/^Result, seed \d+ \(original, revealed\)$/)
      .waitFor();
    await panel.getByRole('button', { name: 'Keep original' }).click();
    await page().getByText('The original replaced the blurred image in the gallery.').waitFor();
    expect((await outputs()).filter((f) => !before.includes(f))).toEqual([file]);
    const kept = await fs.readFile(path.join(folder, file));
    const raw = async (png: Buffer) => sharp(png).raw().toBuffer();
    expect((await raw(kept)).equals(await raw(savedBlurred))).toBe(false);
    const page1 = await e2e.server.studio.handlers.galleryQuery({ text: 'blue square' });
    expect(page1.items.map((i) => path.basename(i.path))).toEqual([file]);
  });
});

describe('evaluation (server mode)', () => {
  it('runs a 2×2 XY plot at 64 px and 2 steps and shows the labelled grid', async () => {
    // Evaluation images follow the policy too; under warn they are kept as made.
    await setPolicy('warn');
    await page().getByLabel('Steps value').fill('2');
    await nav('Evaluate');
    await page().getByRole('tab', { name: 'XY/Z plot' }).click();
    expect(await page().getByTestId('xyz-base').textContent()).toContain('steps 2');
    await page().getByLabel('X axis').selectOption('seed');
    await page().getByLabel('X values').fill('1, 2');
    await page().getByLabel('Y axis').selectOption('cfg');
    await page().getByLabel('Y values').fill('4, 8');
    await page().getByRole('button', { name: 'Make grid' }).click();
    const grid = page().getByAltText('XY/Z grid');
    await grid.waitFor({ timeout: 60_000 });
    await expect
      .poll(() => grid.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0))
      .toBe(true);
    const captions = await page().locator('.eval-xyz figcaption').allTextContents();
    expect(captions).toEqual(['1 · 4', '2 · 4', '1 · 8', '2 · 8']);
    await dismissNotice();
    await grid.evaluate((img) => img.scrollIntoView({ block: 'end' }));
    await shot('eval-xyz.png');
  });

  it('runs a small audit and labels its images with the keyboard', async () => {
    await page().getByRole('tab', { name: 'Bias audit' }).click();
    await page().getByLabel('Prompt template').fill('a {colour} shape');
    await page()
      .getByLabel(/Slot values/)
      .fill('colour = red, blue');
    await page().getByLabel('Seeds per cell').fill('2');
    await page().getByLabel('perceived gender presentation').uncheck();
    await page().getByLabel('colour', { exact: true }).check();
    const plan = page().getByRole('status', { name: 'Plan' });
    await expect.poll(() => plan.textContent()).toContain('= 4 images');
    await page().getByRole('button', { name: 'Run audit' }).click();
    await expect
      .poll(() => page().getByLabel('Audit progress').textContent(), { timeout: 60_000 })
      .toContain('4/4 images · done');

    await page().getByRole('tab', { name: 'Label' }).click();
    const audit = page().getByLabel('Audit', { exact: true });
    await expect.poll(() => audit.locator('option').count()).toBe(2);
    await audit.selectOption({ index: 1 });
    await page().getByRole('button', { name: 'Start labelling' }).click();
    await page()
      .getByText(/Cell 1 of 2 · image 1 of 2/)
      .waitFor();
    await page().keyboard.press('1');
    await page()
      .getByText(/Cell 1 of 2 · image 2 of 2/)
      .waitFor();
    await page().keyboard.press('c');
    await page()
      .getByText(/Cell 2 of 2 · image 1 of 2/)
      .waitFor();
    const image = page().locator('.eval-label__image');
    await expect
      .poll(() => image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0))
      .toBe(true);
    await shot('audit-label.png');
    const dir = (await e2e.server.studio.handlers.evalWorkspace()).audits[0].dir;
    const labels = await fs.readFile(path.join(dir, 'labels', 'me.jsonl'), 'utf8');
    expect(
      labels
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).value),
    ).toEqual(['red', "can't tell"]);
  });
});
