'use strict';
// The HeapLens page. Every name from a snapshot or profile is outside data: it reaches the page only as
// text nodes (textContent) or attributes, never as markup.

// el('td', {class: 'num'}, 'text', child...): a DOM element; strings become text nodes.
function el(tag, attrs, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null) continue;
    if (k === 'class') e.className = v;
    else if (k === 'style') e.style.cssText = v; // CSSOM: allowed by the page's CSP, unlike a style attribute
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v);
  }
  for (const kid of kids.flat()) {
    if (kid === undefined || kid === null) continue;
    e.append(typeof kid === 'string' || typeof kid === 'number' ? document.createTextNode(String(kid)) : kid);
  }
  return e;
}

const UNITS = ['B', 'KB', 'MB', 'GB', 'TB'];
function bytes(n) { // as the CLI's Sizes.Format prints them
  let v = Math.abs(n), u = 0;
  while (v >= 1024 && u < UNITS.length - 1) { v /= 1024; u++; }
  const s = u === 0 ? v.toFixed(0) : v.toFixed(v < 10 ? 2 : v < 100 ? 1 : 0);
  return (n < 0 ? '-' : '') + s + ' ' + UNITS[u];
}
const count = n => Number(n).toLocaleString('en-US');
const pct = (part, whole) => whole ? (100 * part / whole).toFixed(1) + '%' : '0.0%';
const signed = (n, f) => (n > 0 ? '+' : '') + f(n);
function value(n, unit) { return unit === 'bytes' ? bytes(n) : count(n); }

// A runtime type name as the CLI's text views print it (TypeNames.Pretty): "Dictionary`2[System.Int32,X]"
// reads "Dictionary<System.Int32, X>"; array brackets stay. The API keeps the runtime's names; only the page shows these.
function typeName(name) {
  if (!name || !name.includes('`')) return name;
  let out = '';
  const open = []; // per '[': whether it opened a generic argument list
  for (let i = 0; i < name.length; i++) {
    const c = name[i];
    if (c === '`') {
      let d = i + 1;
      while (d < name.length && name[d] >= '0' && name[d] <= '9') d++;
      if (d < name.length && name[d] === '[' && d > i + 1) { out += '<'; open.push(true); i = d; continue; }
      out += name.slice(i, d); i = d - 1;
    } else if (c === '[') { open.push(false); out += c; }
    else if (c === ']') out += open.length > 0 && open.pop() ? '>' : ']';
    else if (c === ',' && open.length > 0 && open[open.length - 1]) out += ', ';
    else out += c;
  }
  return out;
}

async function api(path, params) {
  const query = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) {
    if (Array.isArray(v)) for (const item of v) query.append(k, item); // a repeated parameter
    else if (v !== undefined && v !== null && v !== '') query.set(k, v);
  }
  const response = await fetch(path + (query.toString() ? '?' + query : ''), { credentials: 'same-origin' });
  const body = await response.json().catch(() => ({ error: response.status + ' ' + response.statusText }));
  if (!response.ok) throw new Error(body.error || response.statusText);
  return body;
}

const main = () => document.getElementById('main');
function render(...nodes) { main().replaceChildren(...nodes.flat(Infinity).filter(n => n !== null && n !== undefined)); }
function failure(e) { return el('p', { class: 'error' }, String(e.message || e)); }

// Views by name; the address bar's hash is "#view" or "#view?key=value", so Back works.
const views = {};
let session;

function go(view, params) {
  const query = new URLSearchParams(params || {}).toString();
  const hash = '#' + view + (query ? '?' + query : '');
  if (location.hash === hash) route(); else location.hash = hash;
}

async function route() {
  const [name, query] = location.hash.slice(1).split('?');
  const view = views[name] ? name : Object.keys(views)[0];
  for (const b of document.querySelectorAll('#tabs button')) b.classList.toggle('active', b.dataset.view === view);
  render(el('p', { class: 'muted' }, 'Loading…'));
  try {
    await views[view].show(Object.fromEntries(new URLSearchParams(query || '')));
  } catch (e) {
    render(failure(e));
  }
}

function tabs(list) {
  for (const [name, title, show] of list) views[name] = { title, show };
  document.getElementById('tabs').replaceChildren(...list.map(([name, title]) =>
    el('button', { 'data-view': name, onclick: () => go(name) }, title)));
}

function table(headers, rows) {
  return el('table', {}, el('thead', {}, el('tr', {}, headers.map(h => el('th', { class: h.num ? 'num' : '' }, h.title || h)))),
    el('tbody', {}, rows));
}

function bar(percent) {
  return el('span', { class: 'barbox' }, el('span', { class: 'bar', style: `width:${Math.min(100, Math.max(0, percent)).toFixed(2)}%` }));
}

function pathsLink(params, text) {
  return el('button', { class: 'link', title: 'paths to GC roots', onclick: () => go('paths', params) }, text || 'paths');
}

/* ---------- snapshot ---------- */

async function showOverview() {
  const [dom, suspects] = await Promise.all([
    api('/api/snapshot/dominators', { depth: 1, minPercent: 1 }), api('/api/snapshot/suspects')]);
  const h = dom.snapshot;
  const cards = el('div', { class: 'cards' },
    card('Process', `${h.processName} (pid ${h.processId})`), card('Captured', new Date(h.captureTime).toLocaleString()),
    card('Objects', count(dom.totalObjects)), card('Heap', bytes(dom.totalBytes)),
    card('Reachable', `${bytes(dom.reachableBytes)} (${count(dom.reachableObjects)} objects)`), card('Runtime', h.runtimeVersion));
  const verdict = suspects.suspects.length === 0
    ? el('div', { class: 'verdict ok' }, `No leak suspect: nothing retains ${(suspects.suspectShare * 100).toFixed(0)}% or more of the reachable heap.`)
    : el('div', { class: 'verdict bad' }, el('strong', {}, `${suspects.suspects.length} leak suspect(s)`),
        el('ul', {}, suspects.suspects.map(s => el('li', {},
          s.root ? el('span', { class: 'rootlabel' }, s.root) : 'no root', ' holds ', el('span', { class: 'type' }, typeName(s.type)),
          s.instances > 1 ? ` (${s.instances} instances)` : '', ` retaining ${bytes(s.retainedBytes)} (${pct(s.retainedBytes, suspects.totalBytes)})`,
          s.accumulates ? [' — accumulates ', count(s.accumulates.count), ' × ', el('span', { class: 'type' }, typeName(s.accumulates.type))] : '',
          allocatedAt(s.allocatedAt), ' ', pathsLink({ type: s.type })))));
  const rows = dom.roots.map(r => el('tr', {},
    el('td', {}, r.root ? el('span', { class: 'rootlabel' }, r.root) : el('span', { class: 'muted' }, '(held by several)')),
    el('td', { class: 'type' }, typeName(r.type), r.count > 1 ? ` × ${r.count}` : ''),
    el('td', { class: 'num' }, bytes(r.retainedBytes)),
    el('td', {}, bar(100 * r.retainedBytes / dom.reachableBytes), pct(r.retainedBytes, dom.reachableBytes)),
    el('td', {}, r.address ? pathsLink({ address: r.address }) : pathsLink({ type: r.type }))));
  render(cards, verdict, el('h2', {}, 'Biggest retainers, by root'),
    table(['Root', 'Type', { title: 'Retained', num: true }, 'Share', ''], rows));
}

function card(title, text) { return el('div', { class: 'card' }, el('div', { class: 'muted' }, title), el('div', { class: 'value' }, text)); }

let typesCache;
async function showTypes() {
  typesCache ??= await api('/api/snapshot/top', { by: 'retained', n: 1000000 });
  const report = typesCache;
  const state = { key: 'retainedBytes', desc: true, filter: null };
  const filter = el('input', { type: 'text', placeholder: 'filter types (regular expression)', id: 'type-filter' });
  const summary = el('span', { class: 'muted' });
  const body = el('tbody');
  const columns = [['type', 'Type'], ['count', 'Count'], ['shallowBytes', 'Shallow'], ['retainedBytes', 'Retained']];
  const head = el('tr', {}, columns.map(([key, title]) => el('th', {
    class: key === 'type' ? '' : 'num', 'data-key': key,
    onclick: () => { state.desc = state.key === key ? !state.desc : key !== 'type'; state.key = key; draw(); },
  }, title)), el('th', {}, ''));
  filter.addEventListener('input', () => {
    try { state.filter = filter.value ? new RegExp(filter.value, 'i') : null; filter.classList.remove('invalid'); draw(); }
    catch { filter.classList.add('invalid'); }
  });
  const LIMIT = 500;
  function draw() {
    const shown = report.types.filter(t => !state.filter || state.filter.test(t.type) || state.filter.test(typeName(t.type)));
    shown.sort((a, b) => {
      const x = a[state.key], y = b[state.key];
      const c = typeof x === 'string' ? typeName(x).localeCompare(typeName(y)) : x - y;
      return state.desc ? -c : c;
    });
    for (const th of head.children) th.textContent = th.textContent.replace(/ [▲▼]$/, '') + (th.dataset.key === state.key ? (state.desc ? ' ▼' : ' ▲') : '');
    body.replaceChildren(...shown.slice(0, LIMIT).map(t => el('tr', {},
      el('td', { class: 'type' }, typeName(t.type)), el('td', { class: 'num' }, count(t.count)),
      el('td', { class: 'num' }, bytes(t.shallowBytes)), el('td', { class: 'num' }, bytes(t.retainedBytes)),
      el('td', {}, pathsLink({ type: t.type })))));
    summary.textContent = `${count(shown.length)} of ${count(report.types.length)} types` + (shown.length > LIMIT ? ` (first ${LIMIT} shown)` : '');
  }
  draw();
  render(el('div', { class: 'toolbar' }, filter, summary), el('table', { class: 'types' }, el('thead', {}, head), body));
}

async function showDominators() {
  const tree = el('div', { class: 'tree' });
  const first = await api('/api/snapshot/groups');
  appendGroups(tree, first, null, 0);
  render(el('p', { class: 'muted' }, `What keeps the ${bytes(first.reachableBytes)} reachable alive: each object owns what only it keeps alive; ` +
    'children of one type are one row, as the dominators command prints them. Click ▸ to expand.'), tree);
}

const PAGE = 100;

// "show N more (M left)": runs load() once, then removes itself.
function moreButton(container, left, load) {
  const more = el('button', { class: 'link more', onclick: async () => {
    more.disabled = true;
    try { await load(); more.remove(); } catch (e) { more.replaceWith(failure(e)); }
  } }, `show ${count(Math.min(left, PAGE))} more (${count(left)} left)`);
  container.append(more);
}

// A node's children grouped by type (the report holds every group): a group of one is the object itself.
function appendGroups(container, report, node, start) {
  for (const g of report.groups.slice(start, start + PAGE)) container.append(g.object ? treeNode(g.object) : groupNode(g, node));
  const shown = Math.min(report.groups.length, start + PAGE);
  if (shown < report.groups.length) moreButton(container, report.groups.length - shown, async () => appendGroups(container, report, node, shown));
}

// Appends one page of children (of one type's group when type is given), with "show N more" when there are more.
function appendChildren(container, page, node, type) {
  const shown = page.offset + page.children.length;
  const at = container.querySelector(':scope > .more');
  for (const c of page.children) container.insertBefore(treeNode(c), at);
  if (shown < page.childCount)
    moreButton(container, page.childCount - shown, async () => appendChildren(container, await api('/api/snapshot/children', { node, type, offset: shown }), node, type));
}

// Expands on the first click, folds and unfolds after; load(kids) fills the children once.
function expandable(row, toggle, load) {
  const kids = el('div', { class: 'kids', hidden: '' });
  let loaded = false;
  toggle.addEventListener('click', async () => {
    if (!kids.hidden) { kids.hidden = true; toggle.textContent = '▸'; return; }
    kids.hidden = false; toggle.textContent = '▾';
    if (loaded) return;
    loaded = true;
    try { await load(kids); } catch (e) { kids.append(failure(e)); }
  });
  return el('div', { class: 'node' }, row, kids);
}

// "N × Type": the same-typed children of one node; expanding pages its members, biggest first.
function groupNode(g, node) {
  const toggle = el('span', { class: 'toggle' }, '▸');
  const row = el('div', { class: 'row group', 'data-type-index': g.typeIndex },
    toggle, el('span', { class: 'size' }, bytes(g.retainedBytes)), el('span', { class: 'pct' }, g.retainedPercent.toFixed(1) + '%'),
    bar(g.retainedPercent), el('span', { class: 'count' }, `${count(g.count)} ×`), el('span', { class: 'type' }, typeName(g.type)),
    el('span', { class: 'muted' }, `${bytes(g.shallowBytes)} shallow`), pathsLink({ type: g.type }));
  return expandable(row, toggle, async kids =>
    appendChildren(kids, await api('/api/snapshot/children', { node, type: g.typeIndex }), node, g.typeIndex));
}

function treeNode(c) {
  const toggle = el('span', { class: 'toggle' }, c.childCount > 0 ? '▸' : '');
  const row = el('div', { class: 'row', 'data-node': c.node },
    toggle, el('span', { class: 'size' }, bytes(c.retainedBytes)), el('span', { class: 'pct' }, c.retainedPercent.toFixed(1) + '%'),
    bar(c.retainedPercent), c.root ? el('span', { class: 'root' }, c.root) : null,
    el('span', { class: 'type' }, typeName(c.type)), el('span', { class: 'addr' }, c.address),
    c.childCount > 0 ? el('span', { class: 'muted' }, `${count(c.childCount)} children`) : null,
    pathsLink({ address: c.address }));
  if (c.childCount === 0) return el('div', { class: 'node' }, row);
  return expandable(row, toggle, async kids => appendGroups(kids, await api('/api/snapshot/groups', { node: c.node }), c.node, 0));
}

async function showPaths(params) {
  const input = el('input', { type: 'text', id: 'paths-query', placeholder: 'an address (0x…) or a type name', value: params.address || params.type || '' });
  const form = el('div', { class: 'toolbar' }, input, el('button', { onclick: () => {
    const q = input.value.trim();
    go('paths', /^0x[0-9a-f]+$/i.test(q) ? { address: q } : { type: q });
  } }, 'Show paths'));
  if (!params.address && !params.type) {
    render(form, el('p', { class: 'muted' }, 'Paths from GC roots: open them from any object or type, or type one here.'));
    return;
  }
  const report = await api('/api/snapshot/paths', params.address ? { address: params.address } : { type: params.type, n: 5 });
  render(form, el('h2', {}, params.address ? `Path to ${params.address}` : `Paths to the biggest instances of ${typeName(report.type)}`),
    report.paths.map(p => el('div', { class: 'path' },
      el('div', {}, el('span', { class: 'type' }, typeName(p.type)), ' ', el('span', { class: 'addr mono' }, p.address),
        ` retains ${bytes(p.retainedBytes)}`, p.reachable ? ` — ${count(p.length)} objects from its root` : ''),
      !p.reachable ? el('p', { class: 'muted' }, 'No strong GC root reaches this object.')
        : el('ol', {}, el('li', { class: 'rootlabel' }, p.root || 'root'),
          p.hops.map(s => el('li', {}, s.elided ? el('span', { class: 'muted' }, `… ${count(s.count)} objects …`)
            : [typeName(s.type), s.count > 1 ? ` × ${count(s.count)}` : '', s.address ? el('span', { class: 'addr' }, '  ' + s.address) : '',
               s.retainedBytes != null ? el('span', { class: 'muted' }, '  ' + bytes(s.retainedBytes)) : '']))))));
}

/* ---------- diff ---------- */

function deltaCell(n, f) { return el('td', { class: 'num ' + (n > 0 ? 'grow' : n < 0 ? 'shrink' : '') }, signed(n, f)); }

async function showDiffTypes() {
  const report = await api('/api/diff/types', { n: 500 });
  render(diffHeader(report), table(['Type', { title: 'Δ Retained', num: true }, { title: 'Δ Count', num: true },
    { title: 'Δ Shallow', num: true }, { title: 'Count (base → new)', num: true }, ''],
  report.types.map(t => el('tr', {},
    el('td', { class: 'type' }, t.status === 'new' || t.status === 'vanished' ? el('span', { class: 'badge ' + t.status }, t.status) : null, typeName(t.type)),
    deltaCell(t.deltaRetainedBytes, bytes), deltaCell(t.deltaCount, count), deltaCell(t.deltaShallowBytes, bytes),
    el('td', { class: 'num' }, `${count(t.baseCount)} → ${count(t.newCount)}`),
    el('td', {}, t.status !== 'vanished' ? pathsLink({ type: t.type }) : null)))));
}

async function showDiffRetainers() {
  const report = await api('/api/diff/retainers', { n: 100 });
  render(diffHeader(report), table(['Retainer', 'Type', { title: 'Base', num: true }, { title: 'New', num: true }, { title: 'Δ Retained', num: true }, 'Accumulates', ''],
    report.retainers.map(r => el('tr', {},
      el('td', {}, el('span', { class: 'rootlabel' }, r.root || r.retainer)),
      el('td', { class: 'type' }, r.baseRetainedBytes === 0 ? el('span', { class: 'badge new' }, 'new') : r.newRetainedBytes === 0 ? el('span', { class: 'badge vanished' }, 'vanished') : null, typeName(r.type)),
      el('td', { class: 'num' }, bytes(r.baseRetainedBytes)), el('td', { class: 'num' }, bytes(r.newRetainedBytes)),
      deltaCell(r.deltaRetainedBytes, bytes),
      el('td', { class: 'type' }, r.accumulates ? `${typeName(r.accumulates.type)} ${count(r.accumulates.baseCount)} → ${count(r.accumulates.newCount)}` : '',
        allocatedAt(r.allocatedAt)),
      el('td', {}, r.newRetainedBytes > 0 ? pathsLink({ type: r.type }) : null)))));
}

// "allocated at Keeper.cs:46 AllocTarget.Keeper.Keep (99.6%)": the top allocation site of a snapshot taken with --allocs.
function allocatedAt(origins) {
  if (!origins || origins.samples === 0 || origins.sites.length === 0)
    return '';
  const top = origins.sites[0];
  const file = top.file ? top.file.split('/').pop() + ':' + top.line + ' ' : '';
  return el('span', { class: 'muted' }, ` — allocated at ${file}${top.function} (${pct(top.objects, origins.objects)})`);
}

function diffHeader(r) {
  return el('div', {}, el('p', {}, `${r.base.processName} (pid ${r.base.processId}): ${bytes(r.base.totalBytes)} → ${bytes(r.new.totalBytes)} `,
    el('span', { class: r.new.totalBytes >= r.base.totalBytes ? 'grow' : 'shrink' }, `(${signed(r.new.totalBytes - r.base.totalBytes, bytes)})`),
    ` in ${r.secondsBetween.toFixed(0)} s`), r.warnings.map(w => el('p', { class: 'error' }, 'warning: ' + w)));
}

/* ---------- profile ---------- */

let sampleType = null;

function sampleSelect(types, current, onchange) {
  return el('select', { id: 'sample-type', onchange: e => onchange(e.target.value) },
    types.map(t => { const o = el('option', { value: t }, t); if (t === current) o.selected = true; return o; }));
}

// A profile's flame graph, or a snapshot's retention (root -> dominator path -> type) drawn the same way.
// The server prunes boxes narrower than 1/2000 of what is shown: clicking a box asks for its sub-tree at
// its own scale, so boxes too narrow for the whole graph appear once their caller fills the width.
async function showFlame(params) {
  sampleType = params.sample || sampleType;
  const ofProfile = session.kind === 'profile' || session.kind === 'profile-diff';
  const route = ofProfile ? '/api/profile/flame' : '/api/snapshot/flame';
  let report = await api(route, { sample: sampleType });
  sampleType = report.sampleType;
  // A profile diff: boxes as wide as both profiles' values (see FlameGraphReport.BaseTotal), coloured by the change.
  const isDiff = report.baseTotal != null;
  const widthOf = f => f.value + (f.baseValue || 0);
  const total = report.total + (report.baseTotal || 0);
  const ROW = 18;
  const CHAR_WIDTH = 5; // at the boxes' 11px font no character is narrower
  const box = el('div', { class: 'flame' });
  const search = el('input', { type: 'text', id: 'flame-search', placeholder: 'search functions (regular expression)' });
  const matched = el('span', { class: 'muted' });
  const pruned = el('span', { class: 'muted', id: 'flame-pruned' });
  const source = el('div', { id: 'flame-source' });
  let x, focus, pattern = null, asked = 0;

  // Lays the boxes out: a box starts where its previous sibling ended (children follow their parent in
  // preorder). A zoomed report starts with the focus's callers, one per depth: the focus starts at 0.
  function layout() {
    const n = report.nodes.length;
    x = new Float64Array(n);
    const next = new Float64Array(n);
    let nextRoot = 0, maxDepth = 0;
    report.nodes.forEach((f, i) => {
      if (f.parent < 0) { x[i] = nextRoot; nextRoot += widthOf(f); } else { x[i] = next[f.parent]; next[f.parent] += widthOf(f); }
      next[i] = x[i];
      maxDepth = Math.max(maxDepth, f.depth);
    });
    focus = report.focus ? report.focus.length - 1 : -1;
    box.style.height = `${(maxDepth + 1) * ROW + 2}px`;
    pruned.textContent = report.prunedNodes ? `${count(report.prunedNodes)} boxes under ${(report.minShare * 100).toFixed(2)}% of ${focus >= 0 ? 'the zoomed box' : 'the total'} left out` : '';
  }

  // Boxes wide enough for a label are elements (text, hover, click); the many narrower ones are painted on a
  // canvas underneath and found by position: thousands of elements cost the browser most of a second.
  const LABEL_MIN = 12; // px: room for a character and the padding
  const canvas = el('canvas', { class: 'flame-narrow' });
  let narrow = []; // per depth: [left, right, index] of the painted boxes, left to right

  function draw() {
    const width = box.clientWidth || 1000, height = parseFloat(box.style.height);
    const lo = focus >= 0 ? x[focus] : 0, span = focus >= 0 ? widthOf(report.nodes[focus]) : total;
    const scale = width / Math.max(1, span);
    const ratio = window.devicePixelRatio || 1;
    canvas.width = Math.round(width * ratio); canvas.height = Math.round(height * ratio);
    canvas.style.width = width + 'px'; canvas.style.height = height + 'px';
    const paint = canvas.getContext('2d');
    paint.scale(ratio, ratio);
    narrow = [];
    // Each element made directly (no el()), given only the characters its width can show (shaping text that
    // is clipped away was most of the drawing); its whole name is in data-name.
    const frames = document.createDocumentFragment();
    frames.append(canvas);
    let hit = 0, painted = 0;
    report.nodes.forEach((f, i) => {
      const left = (x[i] - lo) * scale, w = widthOf(f) * scale;
      if (left + w <= 0 || left >= width || w < 1) return;
      painted++;
      const isMatch = pattern && pattern.test(f.name);
      if (isMatch) hit += f.value;
      const l = Math.max(0, left), shown = Math.min(width, left + w) - l;
      const fill = isDiff ? diffFill(f) : `hsl(${(hash(f.name) % 50) + 10},85%,${62 + (hash(f.name) % 10)}%)`;
      if (shown < LABEL_MIN) {
        paint.globalAlpha = pattern && !isMatch ? 0.25 : 1;
        paint.fillStyle = isMatch ? '#7b1fa2' : fill;
        paint.fillRect(l, f.depth * ROW, Math.max(1, shown - 0.5), ROW - 1);
        (narrow[f.depth] ??= []).push([l, l + shown, i]);
        return;
      }
      const d = document.createElement('div');
      d.className = 'frame' + (pattern ? (isMatch ? ' hit' : ' dim') : '');
      d.dataset.index = i;
      d.dataset.name = f.name;
      if (isDiff) d.dataset.change = String(f.change);
      const s = d.style;
      s.left = l + 'px'; s.width = shown + 'px'; s.top = (f.depth * ROW) + 'px'; s.background = fill;
      const fits = Math.ceil((shown - 6) / CHAR_WIDTH);
      d.textContent = fits >= f.name.length ? f.name : f.name.slice(0, fits);
      frames.append(d);
    });
    box.replaceChildren(frames);
    box.dataset.boxes = painted; // elements and painted boxes: what a benchmark counts
    matched.textContent = pattern ? `matched: ${value(hit, report.unit)} (${pct(hit, report.total)}, counting nested matches once per box)` : '';
    // Once the boxes are painted (the frame after the one that draws them), for benchmarks: performance.getEntriesByName('heaplens-flame-drawn').
    requestAnimationFrame(() => requestAnimationFrame(() => performance.mark('heaplens-flame-drawn')));
  }

  // Zooms to the box at the end of a call path (none: the whole graph); a later click wins over an earlier answer.
  async function zoom(path) {
    const mine = ++asked;
    const zoomed = await api(route, { sample: sampleType, frame: path });
    if (mine !== asked) return;
    report = zoomed;
    layout();
    draw();
  }

  function pathOf(i) {
    const path = [];
    for (let at = i; at >= 0; at = report.nodes[at].parent) path.push(report.nodes[at].name);
    return path.reverse();
  }

  // The box under the pointer: an element, or a narrow box painted on the canvas; -1 for none.
  function boxAt(e) {
    const t = e.target.closest('.frame');
    if (t) return Number(t.dataset.index);
    if (e.target !== canvas) return -1;
    const row = narrow[Math.floor(e.offsetY / ROW)] || [];
    const found = row.find(([left, right]) => e.offsetX >= left && e.offsetX < right);
    return found ? found[2] : -1;
  }

  box.addEventListener('click', async e => {
    const index = boxAt(e);
    if (index < 0) return;
    const clicked = report.nodes[index];
    try { await zoom(pathOf(index)); } catch (err) { source.replaceChildren(failure(err)); return; }
    if (isDiff) showChange(source, report, report.nodes[focus]);
    else if (ofProfile) showSource(source, clicked.name);
    else source.replaceChildren(el('p', {}, 'Zoomed to ', el('span', { class: 'type' }, clicked.name), ' ', clicked.depth > 0 ? pathsLink({ type: clicked.name }) : null));
  });
  const tip = document.getElementById('tooltip');
  box.addEventListener('mousemove', e => {
    const index = boxAt(e);
    if (index < 0) { tip.hidden = true; return; }
    const f = report.nodes[index];
    tip.textContent = isDiff ? `${f.name}: ${changeText(f, report.unit)}`
      : `${f.name}: ${value(f.value, report.unit)} (${pct(f.value, report.total)}), self ${value(f.self, report.unit)}`;
    tip.style.left = (e.clientX + 12) + 'px'; tip.style.top = (e.clientY + 12) + 'px'; tip.hidden = false;
  });
  box.addEventListener('mouseleave', () => { tip.hidden = true; });
  search.addEventListener('input', () => {
    try { pattern = search.value ? new RegExp(search.value, 'i') : null; search.classList.remove('invalid'); draw(); }
    catch { search.classList.add('invalid'); }
  });
  layout();
  render(el('div', { class: 'toolbar' }, sampleSelect(report.sampleTypes, report.sampleType, t => { sampleType = t; go(ofProfile ? 'flame' : 'retention', { sample: t }); }),
    search, el('button', { id: 'flame-reset', onclick: () => zoom(null).catch(err => source.replaceChildren(failure(err))) }, 'Reset zoom'), matched,
    el('span', { class: 'muted' }, isDiff ? `total ${value(report.baseTotal, report.unit)} → ${value(report.total, report.unit)} (${signed(report.total - report.baseTotal, v => value(v, report.unit))}); red grew, blue shrank`
      : `total ${value(report.total, report.unit)}`), pruned),
  box, source);
  draw();
  window.onresize = draw;
}

// Red for growth, blue for shrinkage, deeper the larger the change relative to the frame (new and vanished: deepest).
function diffFill(f) {
  const relative = f.change / Math.max(1, f.value, f.baseValue);
  if (f.change === 0) return 'hsl(210,10%,88%)';
  const lightness = 90 - 40 * Math.min(1, Math.abs(relative));
  return f.change > 0 ? `hsl(0,85%,${lightness}%)` : `hsl(215,85%,${lightness}%)`;
}

function changeText(f, unit) {
  const relative = f.baseValue ? ` (${signed(100 * f.change / f.baseValue, v => v.toFixed(1))}%)` : f.value ? ' (new)' : '';
  return `${value(f.baseValue, unit)} → ${value(f.value, unit)}, change ${signed(f.change, v => value(v, unit))}${relative}`;
}

// A clicked frame of a profile diff: its change, then who calls it and its lines in the difference.
function showChange(container, report, f) {
  const line = el('p', { id: 'flame-change' }, el('span', { class: 'type' }, f.name), ': ',
    el('span', { class: f.change > 0 ? 'grow' : f.change < 0 ? 'shrink' : '' }, changeText(f, report.unit)), ` of ${report.sampleType}`);
  const rest = el('div');
  container.replaceChildren(line, rest);
  showSource(rest, f.name);
}

function hash(s) { let h = 0; for (let i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) >>> 0; return h; }

async function showSource(container, functionName) {
  container.replaceChildren(el('p', { class: 'muted' }, 'Loading the source…'));
  try {
    const [peek, report] = await Promise.all([api('/api/profile/peek', { function: functionName, sample: sampleType }),
      api('/api/profile/list', { function: functionName })]);
    container.replaceChildren(peekOf(container, peek), ...report.functions.map(f => sourceOf(report, f)));
  } catch (e) { container.replaceChildren(failure(e)); }
}

// Who calls the function and whom it calls (a sandwich): click one to move to it.
function peekOf(container, p) {
  const side = (title, edges) => el('div', { class: 'peek' }, el('h2', {}, title),
    edges.length === 0 ? el('p', { class: 'muted' }, 'none')
      : table([{ title: p.sampleType, num: true }, { title: '%', num: true }, 'function'], edges.map(e => el('tr', {},
        el('td', { class: 'num' }, value(e.value, p.unit)), el('td', { class: 'num' }, e.percent.toFixed(2) + '%'),
        el('td', { class: 'type' }, el('button', { class: 'link', onclick: () => showSource(container, e.name) }, e.name))))));
  return el('div', { class: 'sandwich' },
    el('p', {}, el('span', { class: 'type' }, p.function), ` — flat ${value(p.flat, p.unit)}, cum ${value(p.cum, p.unit)} (${pct(p.cum, p.total)}) of ${p.sampleType}`),
    el('div', { class: 'cards' }, side('Callers', p.callers), side('Callees', p.callees)));
}

// What `list` prints: per source line, what it (and what it calls) allocated, one column per sample type.
function sourceOf(report, f) {
  const byLine = new Map(f.lines.map(l => [l.line, l.values]));
  const types = report.sampleTypes;
  const max = Math.max(0, ...f.lines.filter(l => l.line > 0).map(l => l.values[0]));
  const head = el('h2', {}, el('span', { class: 'type' }, f.name), ' ', el('span', { class: 'muted' }, f.sourceFile || '(no source line information)'));
  const totals = el('p', { class: 'muted' }, types.map((t, i) => `${t.type}: ${value(f.totals[i], t.unit)} (${pct(f.totals[i], report.totals[i])})`).join(', '));
  const lines = f.source ?? f.lines.filter(l => l.line > 0).map(l => ({ line: l.line, text: '' }));
  const rows = lines.map(s => {
    const v = byLine.get(s.line);
    return el('tr', { class: v ? 'hot' : '', 'data-line': s.line },
      types.map((t, i) => el('td', { class: 'num' }, v ? value(v[i], t.unit) : '.')),
      el('td', { class: 'num muted' }, String(s.line)), el('td', {}, s.text));
  });
  const note = !f.sourceFound && f.sourceFile ? el('p', { class: 'muted' }, 'The source file is not on this machine: lines without text.') : null;
  return el('div', { class: 'function' }, head, totals, note,
    el('table', { class: 'source' }, el('thead', {}, el('tr', {}, types.map(t => el('th', { class: 'num' }, t.type)), el('th', { class: 'num' }, 'line'), el('th', {}, 'source'))),
      el('tbody', {}, rows)));
}

async function showProfileTop(params) {
  const cum = params.cum === '1';
  const report = await api('/api/profile/top', { sample: sampleType, cum: cum ? 1 : 0, n: 200 });
  sampleType = report.sampleType;
  const source = el('div', { id: 'top-source' });
  const diff = report.base != null;
  const amount = n => diff ? deltaCell(n, v => value(v, report.unit)) : el('td', { class: 'num' }, value(n, report.unit));
  render(el('div', { class: 'toolbar' }, sampleSelect([...new Set([report.sampleType, ...(await sampleTypes())])], report.sampleType, t => { sampleType = t; go('top', { cum: cum ? 1 : 0, sample: t }); }),
    el('button', { onclick: () => go('top', { cum: cum ? 0 : 1 }) }, cum ? 'Sort by flat' : 'Sort by cum'),
    el('span', { class: 'muted' }, `${count(report.functions.length)} of ${count(report.functionCount)} functions, ` +
      (diff ? `change from ${report.base.file}: shares of the total absolute change ${value(report.total, report.unit)}` : `total ${value(report.total, report.unit)}`))),
  table([{ title: 'flat', num: true }, { title: 'flat%', num: true }, { title: 'sum%', num: true }, { title: 'cum', num: true }, { title: 'cum%', num: true }, 'function'],
    report.functions.map(f => el('tr', {}, amount(f.flat), el('td', { class: 'num' }, f.flatPercent.toFixed(2) + '%'),
      el('td', { class: 'num' }, f.sumPercent.toFixed(2) + '%'), amount(f.cum),
      el('td', { class: 'num' }, f.cumPercent.toFixed(2) + '%'),
      el('td', { class: 'type' }, el('button', { class: 'link', onclick: () => showSource(source, f.name) }, f.name))))), source);
}

let sampleTypesCache;
async function sampleTypes() {
  sampleTypesCache ??= (await api('/api/profile/flame', { sample: sampleType, minShare: 0.5 })).sampleTypes;
  return sampleTypesCache;
}

/* ---------- GC timeline ---------- */

async function showTimeline() {
  const r = await api('/api/timeline/trend');
  const t = r.trend;
  const slope = mbPerMinute => (mbPerMinute >= 0 ? '+' : '') + mbPerMinute.toFixed(2) + ' MB/min';
  render(el('div', { class: 'verdict ' + (r.leak ? 'bad' : 'ok') }, el('strong', {}, t.verdict),
      t.reason ? ' — ' + t.reason : ''),
    el('div', { class: 'cards' }, card('Process', `${r.processName} (pid ${r.processId})`), card('GCs', `${count(r.gcs)} (${count(r.fullGcs)} full)`),
      card('Recorded', `${r.seconds.toFixed(0)} s`), card('Floor slope', slope(r.floorSlopeBytesPerSecond * 60 / 1048576))),
    el('h2', {}, 'Heap before and after each GC, the floor and its trend'),
    el('img', { src: '/api/timeline/chart.svg', alt: 'GC timeline chart', id: 'timeline-chart' }));
}

/* ---------- start ---------- */

async function start() {
  session = await api('/api/session');
  document.getElementById('file').textContent = session.files.join(' → ');
  document.title = 'HeapLens: ' + session.files.join(' → ');
  const snapshotTabs = [['overview', 'Overview', showOverview], ['types', 'Types', showTypes],
    ['dominators', 'Dominator tree', showDominators], ['retention', 'Retention flame graph', showFlame], ['paths', 'Paths', showPaths]];
  if (session.kind === 'snapshot') tabs(snapshotTabs);
  else if (session.kind === 'diff') tabs([['diff', 'Diff by type', showDiffTypes], ['retainers', 'Diff by retainer', showDiffRetainers], ...snapshotTabs]);
  else if (session.kind === 'timeline') tabs([['timeline', 'GC timeline', showTimeline]]);
  else tabs([['flame', 'Flame graph', showFlame], ['top', 'Top', showProfileTop]]);
  window.addEventListener('hashchange', route);
  route();
}

start().catch(e => render(failure(e)));
