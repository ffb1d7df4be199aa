// @ts-check
// The shared link: the settings and the editor's network live in the address bar (without new
// history entries) and in the share field; a link pasted into an open page takes over. Also the
// language of the explanations, which the link carries.

import { parseHash, serialiseHash } from '../shared/url-state.js';
import { sameArchitecture } from '../shared/keras-form.js';
import { text as explanations } from '../shared/explain.js';
import { watch } from './store.js';
import { byId, inputById, renderExplanation } from './views.js';

/**
 * Takes the state of the page's link; returns whether it named a network.
 * @param {import('./app.js').App} app @param {import('./analyser.js').Analyser} analyser
 */
export function startLink({ store, showError }, analyser) {
  const basicCnn = analyser.basicCnn();
  const takeLink = () => {
    const { settings, layers, archError } = parseHash(location.hash, analyser.settingBounds);
    store.update({ settings, settingProblems: {}, basicCnn, layers: layers?.map(analyser.form.complete) ?? basicCnn });
    if (archError) showError(`${archError} The editor shows Basic_CNN.`);
    return layers !== null;
  };
  const fromLink = takeLink();
  // A link pasted into the address bar of an open page.
  window.addEventListener('hashchange', takeLink);

  const share = inputById('share-link');
  watch(store, (s) => ({ settings: s.settings, layers: s.layers }), (_, s) => {
    const layers = sameArchitecture(s.layers, s.basicCnn) ? null : s.layers;
    history.replaceState(null, '', serialiseHash(s.settings, layers) || location.pathname + location.search);
    share.value = location.href;
  });
  const copy = byId('copy-link');
  copy.addEventListener('click', async () => {
    share.select();
    try {
      await navigator.clipboard.writeText(share.value);
      copy.textContent = 'Copied';
    } catch {
      document.execCommand?.('copy'); // the field is selected: Ctrl+C works too
    }
    setTimeout(() => (copy.textContent = 'Copy'), 1500);
  });

  // The explanations, in the language chosen.
  byId('lang-switch').addEventListener('change', (event) => {
    const lang = /** @type {HTMLInputElement} */ (event.target).value;
    store.update((s) => ({ settings: { ...s.settings, lang } }));
  });
  watch(store, (s) => s.settings.lang, (lang) => {
    byId('explain').lang = lang;
    renderExplanation(byId('explain-title'), byId('explain-body'), explanations(lang).how);
    for (const radio of /** @type {NodeListOf<HTMLInputElement>} */ (document.querySelectorAll('input[name="lang"]'))) radio.checked = radio.value === lang;
  });
  return { fromLink };
}
