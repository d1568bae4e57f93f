import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { SCREENSHOTS, startAppSession } from '../helpers/app-page.js';
import { installDesktopApi } from '../helpers/desktop-stub.js';
import { tempDir } from '../helpers/library.js';
import { redManifest, redModelBytes, writeModelDir } from '../predict/helpers.js';

test(
  'Models: "Choose a manifest…" (native picker over IPC) adds a model; the core refuses a bad one with its reason',
  { timeout: 300_000 },
  async (t) => {
    const app = await startAppSession(t);
    const dir = tempDir('framewise-e2e-model-pick-');
    t.after(() => dir.cleanup());
    const good = writeModelDir(path.join(dir.dir, 'good'), redManifest({ name: 'picked-model' }), redModelBytes());
    const noOnnx = path.join(dir.dir, 'broken', 'manifest.json');
    writeModelDir(path.dirname(noOnnx), redManifest({ name: 'broken-model' }), redModelBytes());
    writeFileSync(noOnnx, JSON.stringify(redManifest({ name: 'broken-model', file: 'missing.onnx' })));

    // Browser mode has no native picker: the path field, and an upload of the manifest with its .onnx file.
    const browser = await app.open();
    const bp = browser.page;
    await bp.getByTestId('nav-models').click();
    await bp.getByTestId('model').first().waitFor();
    assert.equal(await bp.getByTestId('model-choose').count(), 0);
    const uploadInput = bp.getByTestId('model-upload');
    // The manifest alone: the core's reason names the file the user picked, not the bridge's upload folder.
    await uploadInput.setInputFiles([noOnnx]);
    const uploadErr = bp.getByTestId('models-error');
    await uploadErr.waitFor();
    const uploadMessage = await uploadErr.innerText();
    assert.match(uploadMessage, /manifest\.json: the model file "missing\.onnx" does not exist/);
    assert.doesNotMatch(uploadMessage, /uploads/);
    // Manifest and model together: added, listed; the uploaded copies are gone afterwards.
    const uploadedDir = writeModelDir(path.join(dir.dir, 'uploaded'), redManifest({ name: 'uploaded-model' }), redModelBytes());
    await uploadInput.setInputFiles([uploadedDir, path.join(path.dirname(uploadedDir), 'outside.onnx')]);
    const uploaded = bp.locator('[data-testid=model][data-model=uploaded-model]');
    await uploaded.waitFor();
    await uploadErr.waitFor({ state: 'detached' });
    assert.equal(await uploaded.getByTestId('model-labels').innerText(), 'outside, dark');
    const uploadsLeft = readdirSync(path.join(app.libraryDir, 'uploads'), { withFileTypes: true }).filter((e) =>
      e.name.startsWith('group-'),
    );
    assert.deepEqual(uploadsLeft, [], 'no uploaded model file is kept outside the model store');
    await browser.context.close();

    const context = await app.browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    page.setDefaultTimeout(60_000);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await installDesktopApi(page);
    await page.goto(app.server.url);
    await page.getByTestId('nav-models').click();
    await page.getByTestId('model').first().waitFor();
    const choose = page.getByTestId('model-choose');
    await choose.waitFor();
    const setPick = (p: string | null) => page.evaluate((v) => ((window as unknown as { __nextPick: string | null }).__nextPick = v), p);

    // Cancelled: nothing happens.
    await choose.click();
    await page.waitForFunction(() => (window as unknown as { __picks: string[] }).__picks.length === 1);
    assert.deepEqual(await page.evaluate(() => (window as unknown as { __picks: string[] }).__picks), ['file:model-manifest']);
    assert.equal(await page.getByTestId('model-manifest').inputValue(), '');
    assert.equal(await page.getByTestId('models-error').count(), 0);

    // A manifest whose .onnx is missing: the core's reason is shown, the path stays in the field to fix.
    await setPick(noOnnx);
    await choose.click();
    const err = page.getByTestId('models-error');
    await err.waitFor();
    assert.match(await err.innerText(), /The model is not valid: .*missing\.onnx.*does not exist/);
    assert.equal(await page.getByTestId('model-manifest').inputValue(), noOnnx);
    assert.equal(await page.getByTestId('model-manifest').getAttribute('aria-invalid'), 'true');
    assert.equal(await page.locator('[data-testid=model][data-model=broken-model]').count(), 0);

    // A good one is added at once, listed with its labels and input.
    await setPick(good);
    await choose.click();
    const added = page.locator('[data-testid=model][data-model=picked-model]');
    await added.waitFor();
    await err.waitFor({ state: 'detached' });
    assert.equal(await added.getByTestId('model-labels').innerText(), 'outside, dark');
    assert.match(await added.getByTestId('model-input').innerText(), /^32×32, NCHW, RGB/);
    assert.equal(await page.getByTestId('model-manifest').inputValue(), '');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'models-picker.png'), fullPage: true });
    assert.deepEqual(errors, []);
  },
);
