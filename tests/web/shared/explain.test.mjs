// web/shared/explain.js: every layer kind and every field the engine knows (Module.layerSchema())
// has its explanation in English and in Korean. Needs public/wasm (npm run build:wasm).

import test from 'node:test';
import assert from 'node:assert/strict';
import { loadModule } from '../../../wasm/node.mjs';
import { layerText, paramText } from '../../../web/shared/explain.js';

test('explains every layer kind and field of the engine, in English and Korean', async () => {
  const schema = JSON.parse((await loadModule('simd')).layerSchema());
  assert.ok(schema.length >= 16);
  const hangul = /[\uAC00-\uD7A3]/;
  for (const { class_name: type, fields } of schema) {
    for (const lang of ['en', 'ko']) {
      const layer = layerText(lang, type);
      assert.ok(layer.length > 40, `${lang} ${type}`);
      assert.equal(hangul.test(layer), lang === 'ko', `${lang} ${type} is in its language`);
      for (const { name } of fields) {
        const help = paramText(lang, type, name);
        assert.ok(help.length > 20, `${lang} ${type}.${name}`);
        assert.equal(hangul.test(help), lang === 'ko', `${lang} ${type}.${name} is in its language`);
      }
    }
  }
  // Where a field means something else in another kind, that kind has its own text.
  assert.notEqual(paramText('en', 'ZeroPadding2D', 'padding'), paramText('en', 'Conv2D', 'padding'));
  assert.notEqual(paramText('en', 'MaxPooling2D', 'strides'), paramText('en', 'Conv2D', 'strides'));
  assert.equal(paramText('en', 'LSTM', 'units'), paramText('en', 'Dense', 'units'));
  assert.equal(layerText('en', 'LSTM'), '');
});
