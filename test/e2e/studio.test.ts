/**
 * The studio in real Chromium, through server mode, against the real engine and the bundled demo
 * model. Screenshots land in test-artifacts/.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { A1111_TEXT, makePng, withTextChunk } from '../main/app/fakes/png.ts';
import { ARTIFACTS, dropFile, startE2E, type E2E } from './harness.ts';

let e2e: E2E;

beforeAll(async () => {
  e2e = await startE2E();
  e2e.page.on('pageerror', (err) => {
    throw err;
  });
});
afterAll(async () => {
  await e2e?.close();
});

const shot = (name: string) => e2e.page.screenshot({ path: path.join(ARTIFACTS, name) });
const resultImages = () => e2e.page.locator('nav[aria-label="Results of this session"] img');
const meta = (key: string) => e2e.page.locator(`[data-testid="result-meta"] dd[data-key="${key}"]`);
/** Image files in the output folder (the gallery's own .emulsion folder left out). */
const outputs = async () =>
  (await fs.readdir((await e2e.server.studio.handlers.getSettings()).outputFolder)).filter(
    (name) => !name.startsWith('.'),
  );

async function setSteps(n: number) {
  await e2e.page.getByLabel('Steps value').fill(String(n));
}

describe('studio (server mode, real Chromium, real engine)', () => {
  it('refuses a request without the token: HTTP 401 for the page, no WebSocket', async () => {
    const bare = `http://127.0.0.1:${e2e.server.port}/`;
    const res = await e2e.page.goto(bare);
    expect(res?.status()).toBe(401);
    const outcome = await e2e.page.evaluate(
      (url) =>
        new Promise<string>((resolve) => {
          const ws = new WebSocket(url);
          ws.onopen = () => resolve('open');
          ws.onclose = (e) => resolve(`closed ${e.code}`);
        }),
      `ws://127.0.0.1:${e2e.server.port}/ws`,
    );
    expect(outcome).toBe('closed 1006');
  });

  it('opens the empty studio from the printed URL', async () => {
    await e2e.page.goto(e2e.server.url);
    await e2e.page.getByText('Your images appear here').waitFor();
    await expect
      .poll(() => e2e.page.getByLabel('Model', { exact: true }).inputValue())
      .toMatch(/emulsion-shapes$/);
    // The token left the address bar; the cookie keeps access.
    expect(e2e.page.url()).toBe(`http://127.0.0.1:${e2e.server.port}/`);
    await shot('studio-empty.png');
  });

  it('moves focus in reading order with a visible focus ring', async () => {
    const page = e2e.page;
    await page.getByLabel('Prompt', { exact: true }).focus();
    const focused = () =>
      page.evaluate(() => {
        const el = document.activeElement as HTMLElement;
        const label = el.id ? document.querySelector(`label[for="${el.id}"]`)?.textContent : null;
        const style = getComputedStyle(el);
        return {
          name: label ?? el.textContent?.trim() ?? '',
          outline: `${style.outlineStyle} ${style.outlineWidth}`,
        };
      });
    const order: string[] = [];
    for (let i = 0; i < 4; i++) {
      await page.keyboard.press('Tab');
      order.push((await focused()).name);
    }
    expect(order).toEqual(['Negative prompt', 'Reload', 'Model', 'Sampler']);
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Shift+Tab');
    expect(await focused()).toEqual({ name: 'Reload', outline: 'solid 2px' });
  });

  it('generates from a typed prompt, moving the progress bar, and shows the image', async () => {
    const page = e2e.page;
    await page
      .getByLabel('Prompt', { exact: true })
      .fill('a (red circle:1.2) on a blue background');
    await setSteps(60);
    await page.keyboard.press('Control+Enter');
    const bar = page.getByRole('progressbar', { name: 'Generation progress' });
    await bar.waitFor();
    // Sample the bar in the page itself: a locator would wait for it once it is gone.
    const sample = () =>
      page.evaluate(
        () => document.querySelector('[role="progressbar"]')?.getAttribute('aria-valuenow') ?? null,
      );
    const seen = new Set<number>();
    for (let value = await sample(); value !== null; value = await sample()) {
      if (Number(value) > 0) seen.add(Number(value));
      if (seen.size === 3) await shot('studio-progress.png');
      await page.waitForTimeout(30);
    }
    expect(seen.size).toBeGreaterThanOrEqual(3);
    await page.getByAltText(/^Result, seed \d+$/).waitFor();
    await expect.poll(() => resultImages().count()).toBe(1);
    expect(await meta('steps').textContent()).toBe('60');
    expect(await outputs()).toHaveLength(1);
    await shot('studio-finished.png');
  });

  it('cancels a run with Esc and shows no new image', async () => {
    const page = e2e.page;
    await setSteps(1000);
    await page.getByRole('button', { name: /^Generate/ }).click();
    const bar = page.getByRole('progressbar', { name: 'Generation progress' });
    // Generous: on a loaded two-core machine the first steps can take seconds.
    await expect
      .poll(async () => Number(await bar.getAttribute('aria-valuenow')), { timeout: 30_000 })
      .toBeGreaterThan(2);
    await page.keyboard.press('Escape');
    await page.getByText('Generation cancelled.').waitFor();
    await expect(bar.isVisible()).resolves.toBe(false);
    expect(await resultImages().count()).toBe(1);
    expect(await outputs()).toHaveLength(1);
  });

  it('takes an image dropped on the canvas as the init image and runs img2img', async () => {
    const page = e2e.page;
    await setSteps(12);
    await dropFile(page, '[data-testid="canvas"]', {
      name: 'blue.png',
      type: 'image/png',
      data: makePng(96, 96, [30, 60, 200]),
    });
    await page.getByAltText('Init image blue.png').waitFor();
    const strength = page.getByLabel('Strength', { exact: true });
    expect(await strength.inputValue()).toBe('0.75');
    await strength.fill('0.6');
    await shot('studio-img2img.png');
    await page.keyboard.press('Control+Enter');
    await expect.poll(() => resultImages().count(), { timeout: 60_000 }).toBe(2);
    expect(await page.getByRole('alert').count()).toBe(0);
    // The engine's result echoes the request it ran: the init image was part of it.
    expect(await meta('init').textContent()).toBe('60% strength');
  });

  it('uses the chosen scheduler, CFG and steps, and reports them with the result', async () => {
    const page = e2e.page;
    await page.getByRole('button', { name: 'Remove', exact: true }).click();
    await page.getByLabel('Sampler').selectOption('DPM++ 2M Karras');
    await page.getByLabel('CFG scale value').fill('9.5');
    await setSteps(14);
    await page.keyboard.press('Control+Enter');
    await expect.poll(() => resultImages().count(), { timeout: 60_000 }).toBe(3);
    expect(await meta('sampler').textContent()).toBe('DPM++ 2M Karras');
    expect(await meta('cfg').textContent()).toBe('9.5');
    expect(await meta('steps').textContent()).toBe('14');
    expect(await meta('provider').textContent()).toBe('cpu');
    expect(await meta('init').count()).toBe(0);
  });
});

describe('gallery (server mode, real Chromium, real engine)', () => {
  const count = () => e2e.page.getByTestId('gallery-count').textContent();
  const detailValue = (label: string) =>
    e2e.page.locator(`[data-testid="detail-settings"] dd[data-key="${label}"]`).textContent();

  it('saves every generated image in the gallery and shows its settings in the detail view', async () => {
    const page = e2e.page;
    // A batch with its own prompt and settings, so the gallery has something to search.
    await page.getByLabel('Prompt', { exact: true }).fill('a lighthouse at dusk');
    await page.getByLabel('Batch', { exact: true }).fill('5');
    await page.getByLabel('Sampler').selectOption('Euler');
    await page.getByLabel('CFG scale value').fill('4.5');
    await setSteps(6);
    await page.keyboard.press('Control+Enter');
    await expect.poll(() => resultImages().count(), { timeout: 60_000 }).toBe(8);

    await page.getByRole('button', { name: 'Gallery', exact: true }).click();
    await expect.poll(count).toBe('8 images');
    await expect.poll(() => page.getByRole('gridcell').count()).toBe(8);
    await page.getByLabel('Search prompts').fill('lighthouse');
    await expect.poll(count).toBe('5 images');
    await page.getByLabel('Search prompts').fill('');
    await expect.poll(count).toBe('8 images');
    // Wait for the thumbnails themselves before the screenshot.
    await expect
      .poll(() =>
        page.evaluate(() =>
          [...document.querySelectorAll('.gallery-cell img')].every(
            (img) =>
              (img as HTMLImageElement).complete && (img as HTMLImageElement).naturalWidth > 0,
          ),
        ),
      )
      .toBe(true);
    await shot('gallery.png');

    await page.getByRole('gridcell').first().getByRole('button').click();
    const dialog = page.getByRole('dialog', { name: 'Image details' });
    await dialog.waitFor();
    expect(await page.getByTestId('detail-prompt').textContent()).toBe('a lighthouse at dusk');
    expect(await detailValue('Source')).toBe('Emulsion');
    expect(await detailValue('Steps')).toBe('6');
    expect(await detailValue('Sampler')).toBe('Euler');
    expect(await detailValue('CFG scale')).toBe('4.5');
    expect(await detailValue('Model')).toMatch(/^emulsion-shapes \[[0-9a-f]{10}\]$/);
    await page
      .locator('[data-testid="gallery-detail"] img')
      .first()
      .evaluate((img: HTMLImageElement) =>
        img.complete ? undefined : new Promise((r) => img.addEventListener('load', r)),
      );
    await shot('detail.png');
  });

  it('moves an image to the trash from the detail view and restores it from the trash', async () => {
    const page = e2e.page;
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    await page.getByText('Moved to the trash.').waitFor();
    await expect.poll(count).toBe('7 images');
    expect(await outputs()).toHaveLength(7);
    await page.getByRole('button', { name: 'Trash', exact: true }).click();
    const restore = page.getByRole('button', { name: /^Restore / });
    await expect.poll(() => restore.count()).toBe(1);
    // The trashed file is still shown (a thumbnail from inside the trash folder).
    await expect
      .poll(() =>
        page.evaluate(() => {
          const img = document.querySelector('.trash__item img') as HTMLImageElement | null;
          return img !== null && img.complete && img.naturalWidth > 0;
        }),
      )
      .toBe(true);
    await shot('trash.png');
    await restore.click();
    await page.getByText('Image restored.').waitFor();
    await page.getByTestId('trash-empty').waitFor();
    await page.getByRole('button', { name: 'Images', exact: true }).click();
    await expect.poll(count).toBe('8 images');
    expect(await outputs()).toHaveLength(8);
  });

  it('reads the settings of a dropped A1111 PNG and restores them into the Create view', async () => {
    const page = e2e.page;
    const png = withTextChunk(makePng(32, 48, [120, 90, 60]), 'parameters', A1111_TEXT);
    await dropFile(page, '.gallery', { name: 'castle.png', type: 'image/png', data: png });
    const bar = page.getByTestId('dropped-bar');
    await bar.getByText('Settings found (A1111 format).').waitFor();
    await shot('dropped.png');
    await bar.getByRole('button', { name: 'Restore settings' }).click();
    await page.getByLabel('Prompt', { exact: true }).waitFor();
    expect(await page.getByLabel('Prompt', { exact: true }).inputValue()).toBe(
      'a castle on a hill, (golden hour:1.2)',
    );
    expect(await page.getByLabel('Negative prompt').inputValue()).toBe('blurry, lowres');
    expect(await page.getByLabel('Steps value').inputValue()).toBe('28');
    expect(await page.getByLabel('CFG scale value').inputValue()).toBe('6.5');
    expect(await page.getByLabel('Sampler').inputValue()).toBe('DPM++ 2M Karras');
    expect(await page.getByLabel('Seed value').inputValue()).toBe('1234567');
    expect(await page.getByLabel('Size').inputValue()).toBe('512x768');
    // What could not be carried over is said, not hidden.
    await page
      .getByText('The model v1-5-pruned-emaonly is not installed; the current model was kept.')
      .waitFor();
    // The same image still works as an init image.
    await bar.getByRole('button', { name: 'Use as init image' }).click();
    await page.getByAltText('Init image castle.png').waitFor();
  });

  it('says "no settings found" for a dropped PNG without metadata, and still offers it as input', async () => {
    const page = e2e.page;
    await dropFile(page, 'main', {
      name: 'plain.png',
      type: 'image/png',
      data: makePng(16, 16, [0, 0, 0]),
    });
    const bar = page.getByTestId('dropped-bar');
    await bar.getByText(/No settings found/).waitFor();
    expect(await bar.getByRole('button', { name: 'Restore settings' }).count()).toBe(0);
    await bar.getByRole('button', { name: 'Use as control image' }).click();
    await page.getByAltText('Control image of unit 1').waitFor();
    // The hint preview runs before any generation: canny on a flat image is all black.
    await page.getByTestId('hint-0').waitFor();
  });
});
