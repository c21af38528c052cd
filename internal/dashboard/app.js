// chatmock dashboard: reads and drives the admin API under /__admin.
// Hand-written, no framework, no build step. Every data call goes through
// call(), which sends the admin token this tab keeps (sessionStorage) as
// Authorization: Bearer. The journal, the scenarios and the store are polled
// once a second; the journal asks only for entries newer than the last shown.
'use strict';

const TOKEN_KEY = 'chatmock.adminToken';
const POLL_MS = 1000;
const MAX_ENTRIES = 500; // journal entries kept on the page
const MAX_RECORDS = 100; // records shown per kind of the store

const $ = (id) => document.getElementById(id);

const state = {
  apis: [], // GET /__admin/operations
  lastID: 0, // the newest journal entry shown
  filter: null, // the journal query the shown entries answer
  drawn: {}, // path → the answer last drawn from it, see redraw
  timer: 0,
  stopped: true,
  polling: false,
  offline: false,
};

// el builds an element: el('td', {class: 'x', onclick: f}, 'text', child, [more]).
function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') node.className = v;
    else if (k === 'dataset') Object.assign(node.dataset, v);
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    node.append(c instanceof Node ? c : String(c));
  }
  return node;
}

const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;

class AdminError extends Error {
  constructor(status, detail) {
    super(detail);
    this.status = status;
  }
}

// call sends one admin request and returns its JSON answer (null for 204).
async function call(method, path, body) {
  const headers = { Accept: 'application/json', 'X-Chatmock-Admin': '1' };
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (token) headers.Authorization = 'Bearer ' + token;
  const init = { method, headers, cache: 'no-store' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let resp;
  try {
    resp = await fetch('/__admin' + path, init);
  } catch (err) {
    throw new AdminError(0, 'the server does not answer (' + err.message + ')');
  }
  const text = await resp.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    // not JSON: the text is the detail
  }
  if (!resp.ok) throw new AdminError(resp.status, (data && data.detail) || text || resp.statusText);
  return data;
}

// ---- start, poll, stop ----

async function start() {
  stop();
  $('notice').hidden = true;
  $('token-form').hidden = true;
  $('status').textContent = 'Loading…';
  try {
    const [health, catalog] = await Promise.all([call('GET', '/health'), call('GET', '/operations')]);
    state.apis = catalog.apis;
    state.filter = null;
    state.drawn = {};
    renderOperations();
    renderFilterOptions();
    $('status').textContent = `${plural(state.apis.length, 'API')}, ${plural(health.operations, 'operation')}`;
    $('forget-token').hidden = !sessionStorage.getItem(TOKEN_KEY);
    $('main').hidden = false;
    state.stopped = false;
    poll();
  } catch (err) {
    failed(err);
    if (err.status === 0) state.timer = setTimeout(start, POLL_MS);
  }
}

function stop() {
  state.stopped = true;
  clearTimeout(state.timer);
}

async function poll() {
  clearTimeout(state.timer);
  if (state.stopped || state.polling) return;
  state.polling = true;
  try {
    if (!document.hidden) {
      await Promise.all([refreshJournal(), refreshScenarios(), refreshStore()]);
      if (state.offline) {
        state.offline = false;
        $('notice').hidden = true;
      }
      $('updated').textContent = 'Live: updated at ' + new Date().toLocaleTimeString();
    }
  } catch (err) {
    failed(err);
  } finally {
    state.polling = false;
  }
  if (!state.stopped) state.timer = setTimeout(poll, POLL_MS);
}

// failed shows why a call failed: a 401 asks for the token, a 403 says why
// the admin API is off, and nothing else is drawn in either case.
function failed(err) {
  if (!(err instanceof AdminError)) {
    showMessage('The page failed: ' + err.message, true);
    return;
  }
  if (err.status === 401) {
    stop();
    askToken(err.message);
  } else if (err.status === 403) {
    stop();
    showNotice('The admin API is off', err.message);
  } else if (err.status === 0) {
    state.offline = true;
    showNotice('The mock does not answer', err.message + '. The page tries again every second.');
  } else {
    showMessage(err.message, true);
  }
}

function showNotice(title, detail) {
  $('main').hidden = true;
  $('status').textContent = 'Nothing is shown. ' + title + '.';
  $('notice-title').textContent = title;
  $('notice-detail').textContent = detail;
  $('notice').hidden = false;
}

function askToken(detail) {
  $('main').hidden = true;
  const had = sessionStorage.getItem(TOKEN_KEY);
  sessionStorage.removeItem(TOKEN_KEY);
  $('forget-token').hidden = true;
  $('token-why').textContent = (had ? 'The server refused the token given: ' : 'The server answered: ') + detail;
  $('status').textContent = 'Waiting for the admin token.';
  $('token-form').hidden = false;
  $('token').focus();
}

let messageTimer = 0;

function showMessage(text, isError) {
  const m = $('message');
  m.textContent = text;
  m.classList.toggle('error', Boolean(isError));
  m.hidden = false;
  clearTimeout(messageTimer);
  messageTimer = setTimeout(() => { m.hidden = true; }, 8000);
}

// ---- operations ----

function renderOperations() {
  $('operations').replaceChildren(...state.apis.map((api) => el('section', { class: 'api', dataset: { api: api.api } },
    el('h3', {}, api.title || api.api, ' ', el('span', { class: 'tag' }, api.api)),
    api.operations.map(renderOperation))));
}

function renderOperation(op) {
  const times = el('input', { type: 'number', class: 'times', min: 1, step: 1, value: 1, inputmode: 'numeric', required: true });
  const th = (text) => el('th', { scope: 'col' }, text);
  const rows = op.examples.map((ex) => el('tr', { dataset: { example: ex.name } },
    el('td', {}, el('code', {}, ex.name)),
    el('td', {}, String(ex.status)),
    el('td', {}, ex.summary || ''),
    el('td', {}, el('button', {
      type: 'button',
      class: 'arm',
      'aria-label': `Arm example ${ex.name} of ${op.operationId}`,
      onclick: () => arm(op, ex, times),
    }, 'Arm'))));
  const body = op.examples.length === 0
    ? el('p', {}, 'This operation documents no response example.')
    : [
      el('p', { class: 'arm-times' }, el('label', {}, 'Arm for the next ', times, ' calls')),
      el('div', { class: 'scroll' }, el('table', { class: 'examples' },
        el('thead', {}, el('tr', {}, th('Example'), th('Status'), th('Summary'), th(el('span', { class: 'visually-hidden' }, 'Action')))),
        el('tbody', {}, rows))),
    ];
  return el('details', { class: 'operation', dataset: { operation: op.operationId } },
    el('summary', {},
      el('span', { class: 'method' }, op.method), ' ',
      el('code', { class: 'path' }, op.path), ' ',
      el('span', { class: 'opid' }, op.operationId), ' ',
      el('span', { class: 'count' }, plural(op.examples.length, 'example'))),
    op.summary ? el('p', { class: 'hint' }, op.summary) : null,
    body);
}

async function arm(op, ex, input) {
  const n = Number(input.value);
  if (!Number.isInteger(n) || n < 1) {
    showMessage('Choose how many calls to arm for: a whole number from 1.', true);
    input.focus();
    return;
  }
  try {
    const sc = await call('POST', '/scenarios', { operation: op.operationId, example: ex.name, times: n });
    showMessage(`Armed ${sc.id}: the next ${plural(n, 'call')} of ${op.operationId} answer example ${ex.name}.`);
    await refreshScenarios();
  } catch (err) {
    failed(err);
  }
}

// ---- scenarios ----

// redraw asks for path and draws its field, unless it is what was drawn last
// (a redraw would close what the user opened and move the focus).
async function redraw(path, field, render) {
  const data = await call('GET', path);
  const text = JSON.stringify(data[field]);
  if (state.drawn[path] === text) return;
  state.drawn[path] = text;
  render(data[field]);
}

const refreshScenarios = () => redraw('/scenarios', 'scenarios', renderScenarios);

function renderScenarios(list) {
  const focused = document.activeElement && document.activeElement.dataset ? document.activeElement.dataset.scenario : undefined;
  const body = $('scenarios').tBodies[0];
  body.replaceChildren(...list.map((sc) => el('tr', { dataset: { scenario: sc.id } },
    el('td', {}, el('code', {}, sc.id)),
    el('td', {}, sc.operation),
    el('td', {}, describeAnswer(sc)),
    el('td', {}, describeBudget(sc)),
    el('td', {}, sc.source || ''),
    el('td', {}, el('button', {
      type: 'button',
      dataset: { scenario: sc.id },
      'aria-label': 'Remove scenario ' + sc.id,
      onclick: () => removeScenario(sc.id),
    }, 'Remove')))));
  $('scenarios').hidden = list.length === 0;
  $('scenarios-empty').hidden = list.length > 0;
  $('scenarios-clear').hidden = list.length === 0;
  if (focused !== undefined) {
    const again = body.querySelector(`button[data-scenario="${CSS.escape(focused)}"]`);
    if (again) again.focus();
  }
}

function describeAnswer(sc) {
  const parts = [];
  if (sc.example) parts.push('example ' + sc.example);
  if (sc.status) parts.push('status ' + sc.status);
  if (sc.body !== undefined) parts.push('an inline body');
  if (sc.delay_ms) parts.push(`delayed ${sc.delay_ms} ms`);
  if (sc.delay) {
    const d = sc.delay;
    if (d.median_ms) parts.push(`delayed about ${d.median_ms} ms (lognormal, σ ${d.sigma})`);
    else if (d.max_ms) parts.push(`delayed ${d.min_ms || 0}–${d.max_ms} ms`);
    else parts.push(`delayed ${d.fixed_ms || 0} ms`);
  }
  if (sc.fault) parts.push('fault ' + sc.fault);
  if (sc.rate_limit) parts.push(`over ${sc.rate_limit.per_second} calls a second, example ${sc.rate_limit.example}`);
  if (sc.when && sc.when.length) parts.push('when ' + plural(sc.when.length, 'condition') + ' hold');
  return parts.join(', ') || 'as documented';
}

function describeBudget(sc) {
  if (sc.times !== undefined) return `${sc.remaining} of ${sc.times}`;
  if (sc.probability !== undefined) return `each call with probability ${sc.probability}`;
  return 'until removed';
}

async function removeScenario(id) {
  try {
    await call('DELETE', '/scenarios/' + encodeURIComponent(id));
    showMessage(`Removed scenario ${id}.`);
  } catch (err) {
    if (err.status !== 404) {
      failed(err);
      return;
    }
    showMessage(err.message + ' (its budget was spent, or someone removed it)', true);
  }
  try {
    await refreshScenarios();
  } catch (err) {
    failed(err);
    return;
  }
  if (!document.activeElement || document.activeElement === document.body) $('scenarios-heading').focus();
}

async function removeAllScenarios() {
  try {
    await call('DELETE', '/scenarios');
    showMessage('Removed every scenario.');
    await refreshScenarios();
    $('scenarios-heading').focus();
  } catch (err) {
    failed(err);
  }
}

// ---- journal ----

function renderFilterOptions() {
  const apiSelect = $('filter-api');
  const keep = apiSelect.value;
  apiSelect.replaceChildren(el('option', { value: '' }, 'every API'),
    ...state.apis.map((a) => el('option', { value: a.api }, a.api)));
  apiSelect.value = state.apis.some((a) => a.api === keep) ? keep : '';
  renderOperationOptions();
}

function renderOperationOptions() {
  const opSelect = $('filter-operation');
  const keep = opSelect.value;
  const api = $('filter-api').value;
  const ops = state.apis.filter((a) => !api || a.api === api).flatMap((a) => a.operations);
  opSelect.replaceChildren(el('option', { value: '' }, 'every operation'),
    ...ops.map((o) => el('option', { value: o.operationId }, o.operationId)));
  opSelect.value = ops.some((o) => o.operationId === keep) ? keep : '';
}

function journalQuery() {
  const q = new URLSearchParams();
  const api = $('filter-api').value;
  const op = $('filter-operation').value;
  const status = $('filter-status').value.trim();
  if (api) q.set('api', api);
  if (op) q.set('operation', op);
  if (/^[1-5][0-9][0-9]$/.test(status)) q.set('status', status);
  return q;
}

async function refreshJournal() {
  const q = journalQuery();
  const key = q.toString();
  if (key !== state.filter) {
    state.filter = key;
    state.lastID = 0;
    $('journal').replaceChildren();
  }
  if (state.lastID > 0) q.set('since', String(state.lastID));
  const data = await call('GET', '/requests?' + q);
  if (key !== state.filter) return; // the filters changed while this was asked
  const fresh = data.requests.filter((e) => e.id > state.lastID).slice(-MAX_ENTRIES);
  const list = $('journal');
  if (fresh.length > 0) {
    state.lastID = fresh[fresh.length - 1].id;
    for (const e of fresh) list.prepend(renderEntry(e));
    while (list.children.length > MAX_ENTRIES) list.lastElementChild.remove();
  }
  const n = list.children.length;
  $('journal-count').textContent = n > 0
    ? `${plural(n, 'request')}, newest first. Open one to see its bodies and validation messages.`
    : key ? 'No request matches these filters yet.' : 'No request recorded yet.';
}

function renderEntry(e) {
  const status = e.status ? String(e.status) : 'no answer';
  const meta = [
    e.operation ? `${e.api} · ${e.operation}` : 'no operation matched',
    e.scenario && 'scenario ' + e.scenario,
    e.rule && 'rule ' + e.rule,
    e.fault && 'fault ' + e.fault,
    e.failures.length > 0 && plural(e.failures.length, 'validation failure'),
  ].filter(Boolean).join(' · ');
  const details = el('details', { class: e.valid ? 'entry' : 'entry invalid', dataset: { id: e.id } },
    el('summary', {},
      el('span', { class: 'line' },
        el('span', { class: 'id' }, '#' + e.id), ' ',
        el('time', { datetime: e.time }, clock(e.time)), ' ',
        el('span', { class: 'method' }, e.method), ' ',
        el('code', { class: 'path' }, e.path), ' ',
        el('span', { class: 'status s' + status[0] }, status)),
      el('span', { class: 'line meta' }, meta),
      el('span', { class: 'line answer' }, excerpt(e.responseBody))));
  details.addEventListener('toggle', () => {
    if (details.open && !details.querySelector('.entry-body')) details.append(entryBody(e));
  });
  return el('li', {}, details);
}

// clock shows an RFC 3339 time of day as HH:MM:SS.mmm, UTC as recorded.
function clock(time) {
  const m = /T(\d\d:\d\d:\d\d)(?:\.(\d+))?/.exec(time);
  return m ? m[1] + '.' + (m[2] || '').padEnd(3, '0').slice(0, 3) : time;
}

function excerpt(text) {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat === '') return '(empty body)';
  return flat.length > 160 ? flat.slice(0, 160) + '…' : flat;
}

function entryBody(e) {
  return el('div', { class: 'entry-body' },
    el('h4', {}, 'Request'),
    el('p', {}, el('code', { class: 'url' }, e.method + ' ' + e.url)),
    headerBlock(e.requestHeaders),
    bodyBlock(e.requestBody, 'request-body'),
    el('h4', {}, 'Response'),
    el('p', {}, e.status ? `Status ${e.status}` : 'No answer was sent', `, in ${(e.tookNs / 1e6).toFixed(1)} ms`),
    headerBlock(e.responseHeaders),
    bodyBlock(e.responseBody, 'response-body'),
    el('h4', {}, 'Validation'),
    failureBlock(e.failures));
}

function headerBlock(headers) {
  const lines = Object.keys(headers).sort().flatMap((name) => headers[name].map((v) => `${name}: ${v}`));
  return lines.length === 0 ? el('p', { class: 'hint' }, 'No headers.') : el('pre', { class: 'headers' }, lines.join('\n'));
}

function bodyBlock(text, cls) {
  return text === '' ? el('p', { class: 'hint ' + cls }, 'No body.') : el('pre', { class: 'body ' + cls }, indentJSON(text));
}

function failureBlock(failures) {
  if (failures.length === 0) return el('p', { class: 'failures-none' }, 'The request passed validation.');
  const th = (text) => el('th', { scope: 'col' }, text);
  return el('div', { class: 'scroll' }, el('table', { class: 'failures' },
    el('thead', {}, el('tr', {}, th('Field'), th('Keyword'), th('Class'), th('Message'))),
    el('tbody', {}, failures.map((f) => el('tr', {},
      el('td', {}, el('code', {}, f.pointer || [f.in, f.name].filter(Boolean).join(' ') || '—')),
      el('td', {}, f.keyword || '—'),
      el('td', {}, f.class),
      el('td', {}, f.detail))))));
}

// indentJSON lays out JSON text two spaces an indent, token by token, so
// numbers and key order stay exactly as sent; other text is left as it is.
function indentJSON(text) {
  try {
    JSON.parse(text);
  } catch {
    return text;
  }
  const space = ' \t\r\n';
  let out = '';
  let depth = 0;
  const newline = () => '\n' + '  '.repeat(depth);
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      let j = i + 1;
      while (text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j;
    } else if (space.includes(c)) {
      continue;
    } else if (c === '{' || c === '[') {
      let j = i + 1;
      while (space.includes(text[j])) j++;
      if (text[j] === (c === '{' ? '}' : ']')) {
        out += c + text[j];
        i = j;
      } else {
        depth++;
        out += c + newline();
      }
    } else if (c === '}' || c === ']') {
      depth--;
      out += newline() + c;
    } else if (c === ',') {
      out += ',' + newline();
    } else if (c === ':') {
      out += ': ';
    } else {
      out += c;
    }
  }
  return out;
}

async function clearJournal() {
  try {
    await call('DELETE', '/requests');
    $('journal').replaceChildren();
    $('journal-count').textContent = 'No request recorded yet.';
    showMessage('The journal is empty.');
  } catch (err) {
    failed(err);
  }
}

// ---- store ----

const refreshStore = () => redraw('/state', 'apis', renderStore);

function renderStore(apis) {
  const root = $('store');
  const open = new Set([...root.querySelectorAll('details[open]')].map((d) => d.dataset.key));
  root.replaceChildren(...state.apis.map(({ api }) => {
    const kinds = apis[api] || {};
    const names = Object.keys(kinds).sort();
    const total = names.reduce((sum, k) => sum + kinds[k].length, 0);
    return el('section', { class: 'api-store', dataset: { api } },
      el('h3', {}, api, ' ', el('span', { class: 'count' }, plural(total, 'record'))),
      names.length === 0 ? el('p', { class: 'hint' }, 'Nothing stored.') : names.map((kind) => storeKind(api, kind, kinds[kind], open)),
      el('button', { type: 'button', class: 'reset', onclick: () => resetStore(api) }, 'Reset ' + api));
  }));
}

function storeKind(api, kind, records, open) {
  const shown = records.slice(-MAX_RECORDS);
  return el('div', { class: 'kind' },
    el('h4', {}, `${kind}: ${plural(records.length, 'record')}`, records.length > shown.length ? ` (the last ${shown.length} shown)` : ''),
    el('ul', { class: 'records' }, shown.map((rec) => {
      const key = `${api}/${kind}/${rec.key}`;
      return el('li', {}, el('details', { dataset: { key }, open: open.has(key) },
        el('summary', {}, el('code', {}, rec.key), rec.owner ? ' owned by ' + rec.owner : '', ' · ', rec.created.slice(0, 19).replace('T', ' ')),
        el('pre', { class: 'body' }, indentJSON(JSON.stringify(rec.data)))));
    })));
}

async function resetStore(api) {
  try {
    await call('POST', api ? '/reset?api=' + encodeURIComponent(api) : '/reset');
    showMessage(api ? `The store of ${api} is empty.` : 'The store is empty.');
    await refreshStore();
  } catch (err) {
    failed(err);
  }
}

// ---- wiring ----

document.addEventListener('DOMContentLoaded', () => {
  $('token-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const token = $('token').value.trim();
    if (token === '') return;
    sessionStorage.setItem(TOKEN_KEY, token);
    $('token').value = '';
    start();
  });
  $('forget-token').addEventListener('click', () => {
    sessionStorage.removeItem(TOKEN_KEY);
    start();
  });
  $('filter-api').addEventListener('change', () => {
    renderOperationOptions();
    refreshJournal().catch(failed);
  });
  $('filter-operation').addEventListener('change', () => refreshJournal().catch(failed));
  $('filter-status').addEventListener('input', () => refreshJournal().catch(failed));
  $('journal-clear').addEventListener('click', clearJournal);
  $('scenarios-clear').addEventListener('click', removeAllScenarios);
  $('reset-all').addEventListener('click', () => resetStore(''));
  document.addEventListener('visibilitychange', () => {
    if (!document.hidden) poll();
  });
  start();
});
