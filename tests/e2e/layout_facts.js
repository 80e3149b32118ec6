/* Read by tests/e2e/layout.py: the panels, every shown text a person must read, the scroll
   extent and the page indicators of the big screen (one arrow function, evaluated by Playwright). */
() => {
  const vw = innerWidth, vh = innerHeight;
  const box = (n) => {
    const r = n.getBoundingClientRect();
    return {x: r.left, y: r.top, w: r.width, h: r.height, r: r.right, b: r.bottom};
  };
  const shown = (n) => !!n && n.getClientRects().length > 0 && getComputedStyle(n).visibility !== 'hidden';
  const panels = [];
  for (const sel of ['.screen-bar', '#joining', '#proposals-section', '#results-section', '#screen-comments', '#workplan-section', '#rollup-section', '.screen-foot', '#scene-empty']) {
    const n = document.querySelector(sel);
    if (shown(n)) panels.push({sel, ...box(n)});
  }
  const texts = [];
  // every one of these is read whole, never ellipsised nor clamped: the pages turn instead
  const kinds = [['.result-title', 'result'], ['.proposal-title', 'text'], ['.equal-title', 'text'], ['.plan-card h4', 'text'], ['.screen-comments-list p', 'text'], ['.rollup-head h3', 'text'], ['.rollup-title', 'text'], ['.provenance', 'text']];
  for (const [sel, kind] of kinds) {
    for (const n of document.querySelectorAll(sel)) {
      if (!shown(n)) continue;
      const panel = n.closest('section, aside');
      const cut = (n.scrollWidth > n.clientWidth + 1 || n.scrollHeight > n.clientHeight + 1);
      texts.push({sel, kind, cut, text: n.textContent.slice(0, 40), font: parseFloat(getComputedStyle(n).fontSize), ...box(n), panel: panel ? box(panel) : null, panelSel: panel ? (panel.id || panel.className) : ''});
    }
  }
  const se = document.scrollingElement;
  const pagers = [...document.querySelectorAll('[data-pager]')].filter(shown).map(n => ({id: n.id, text: n.textContent, total: Number(n.dataset.total), first: Number(n.dataset.first), last: Number(n.dataset.last)}));
  const header = document.querySelector('.screen-bar');
  const h1 = document.querySelector('.screen-bar h1');
  return {vw, vh, panels, texts, pagers, scrollW: se.scrollWidth, scrollH: se.scrollHeight,
          header: header ? box(header) : null, h1Font: h1 ? parseFloat(getComputedStyle(h1).fontSize) : 0,
          pageable: !!(window.Atelier && window.Atelier.screen && window.Atelier.screen.nextPage)};
}
