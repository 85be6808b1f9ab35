// stepworker-local console: talks to the engine through the Step Functions
// JSON API on POST / and reads the graph (SVG) and the step list from
// /console/ routes. No dependencies; every value is inserted as text.
'use strict';

const STATUSES = ['not-reached', 'running', 'succeeded', 'retried', 'caught', 'failed', 'aborted'];
const PAGE_SIZE = 20;
const POLL_MILLIS = 1000;
const MIN_OPEN_SCALE = 0.8;

// ---- the engine --------------------------------------------------------

async function api(operation, body) {
  const response = await fetch('/', {
    method: 'POST',
    headers: {
      'X-Amz-Target': 'AWSStepFunctions.' + operation,
      'Content-Type': 'application/x-amz-json-1.0',
    },
    body: JSON.stringify(body || {}),
  });
  const text = await response.text();
  let data = {};
  try { data = text ? JSON.parse(text) : {}; } catch (_) { data = { message: text }; }
  if (!response.ok) {
    const name = String(data.__type || 'Error').split('#').pop().split(':')[0];
    throw new Error(name + ': ' + (data.message || data.Message || response.status));
  }
  return data;
}

// Every page of a list operation, up to `limit` items.
async function apiAll(operation, body, key, limit) {
  const items = [];
  let nextToken;
  do {
    const page = await api(operation, Object.assign({}, body, { maxResults: 1000, nextToken }));
    items.push(...(page[key] || []));
    nextToken = page.nextToken;
  } while (nextToken && items.length < limit);
  return items;
}

async function consoleData(path) {
  const response = await fetch(path, { cache: 'no-store' });
  if (!response.ok) {
    let message = response.status + ' ' + response.statusText;
    try {
      const data = await response.json();
      message = data.error + ': ' + data.message;
    } catch (_) { /* keep the status line */ }
    throw new Error(message);
  }
  return response;
}

// ---- DOM helpers -------------------------------------------------------

function el(tag, attributes, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'class') node.className = value;
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children) {
    if (child === undefined || child === null) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function $(selector) { return document.querySelector(selector); }

function fill(tbody, rows, columns, emptyText) {
  tbody.replaceChildren(...(rows.length ? rows : [el('tr', { class: 'empty' }, el('td', { colspan: columns }, emptyText))]));
}

function showError(error) {
  const box = $('#error');
  if (!box) return;
  box.textContent = error instanceof Error ? error.message : String(error);
  box.hidden = false;
}

function clearError() {
  const box = $('#error');
  if (box) box.hidden = true;
}

function pathArn() {
  const parts = location.pathname.split('/').filter(Boolean);
  return decodeURIComponent(parts.slice(1).join('/'));
}

function when(epochSeconds) {
  if (typeof epochSeconds !== 'number') return '';
  const date = new Date(epochSeconds * 1000);
  const pad = (n, width) => String(n).padStart(width || 2, '0');
  return date.getFullYear() + '-' + pad(date.getMonth() + 1) + '-' + pad(date.getDate()) + ' ' +
    pad(date.getHours()) + ':' + pad(date.getMinutes()) + ':' + pad(date.getSeconds()) + '.' +
    pad(date.getMilliseconds(), 3);
}

function duration(millis) {
  if (typeof millis !== 'number' || !isFinite(millis)) return '';
  if (millis < 1000) return Math.round(millis) + ' ms';
  if (millis < 60000) return (millis / 1000).toFixed(millis < 10000 ? 2 : 1) + ' s';
  const minutes = Math.floor(millis / 60000);
  if (minutes < 60) return minutes + ' min ' + Math.round((millis % 60000) / 1000) + ' s';
  return Math.floor(minutes / 60) + ' h ' + (minutes % 60) + ' min';
}

function pretty(text) {
  if (text === undefined || text === null) return '';
  try { return JSON.stringify(JSON.parse(text), null, 2); } catch (_) { return String(text); }
}

function statusPill(status) {
  return el('span', { class: 'status status-' + String(status).toLowerCase() }, status);
}

function executionLink(arn, text) {
  return el('a', { href: '/executions/' + encodeURIComponent(arn) }, text);
}

function machineLink(arn, text) {
  return el('a', { href: '/state-machines/' + encodeURIComponent(arn) }, text);
}

// ---- graph -------------------------------------------------------------

// Loads the SVG drawn by the engine into `container`, with zoom buttons.
async function loadGraph(container, query) {
  const response = await consoleData('/console/graph.svg?' + query);
  container.innerHTML = await response.text();
  const svg = container.querySelector('svg');
  if (!svg) throw new Error('The graph could not be drawn.');
  const width = Number(svg.dataset.width || svg.getAttribute('width'));
  const height = Number(svg.dataset.height || svg.getAttribute('height'));
  let scale = 1;
  const apply = () => {
    svg.setAttribute('width', Math.round(width * scale));
    svg.setAttribute('height', Math.round(height * scale));
  };
  const fit = () => {
    const available = container.clientWidth - 16;
    scale = available > 0 ? Math.min(1, available / width) : 1;
    apply();
  };
  // Large graphs open at a readable size, scrolled to their Start marker.
  const open = () => {
    const available = container.clientWidth - 16;
    scale = available > 0 ? Math.min(1, Math.max(MIN_OPEN_SCALE, available / width)) : 1;
    apply();
    const start = svg.querySelector('.terminal-start');
    if (start && typeof start.getBBox === 'function') {
      const box = start.getBBox();
      container.scrollLeft = Math.max(0, (box.x + box.width / 2) * scale - container.clientWidth / 2);
    }
  };
  const card = container.closest('.card') || document;
  card.querySelectorAll('[data-zoom]').forEach((button) => {
    button.onclick = () => {
      const kind = button.dataset.zoom;
      if (kind === 'fit') fit();
      else {
        scale = Math.max(0.2, Math.min(3, scale * (kind === 'in' ? 1.25 : 0.8)));
        apply();
      }
    };
  });
  open();
  return svg;
}

// Colours each state by its status and marks the transitions taken.
function colourGraph(svg, steps) {
  const latest = new Map();
  for (const step of steps.steps) latest.set(step.name, step);
  svg.querySelectorAll('g.state').forEach((node) => {
    const name = node.getAttribute('data-state');
    const status = steps.states[name] || 'not-reached';
    STATUSES.forEach((s) => node.classList.remove('st-' + s));
    node.classList.add('st-' + status);
    const step = latest.get(name);
    const note = node.querySelector(':scope > .state-note');
    if (note) {
      const visits = steps.steps.filter((s) => s.name === name).length;
      const parts = [];
      if (visits > 1) parts.push(visits + ' visits');
      if (step && step.retries > 0) parts.push(step.retries + (step.retries === 1 ? ' retry' : ' retries'));
      note.textContent = parts.join(' · ');
    }
  });
  const taken = new Set(steps.transitions.map((t) => t.from + '\u0000' + t.to));
  svg.querySelectorAll('g.edge[data-from]').forEach((edge) => {
    const key = edge.getAttribute('data-from') + '\u0000' + edge.getAttribute('data-to');
    edge.classList.toggle('taken', taken.has(key));
  });
}

// ---- executions table (overview and state machine pages) ---------------

function executionsTable(machinesOf) {
  let rows = [];
  let page = 0;
  const render = () => {
    const pages = Math.max(1, Math.ceil(rows.length / PAGE_SIZE));
    page = Math.min(page, pages - 1);
    const shown = rows.slice(page * PAGE_SIZE, (page + 1) * PAGE_SIZE);
    fill($('#executions tbody'), shown.map((e) => {
      const end = typeof e.stopDate === 'number' ? e.stopDate : Date.now() / 1000;
      return el('tr', {},
        el('td', {}, executionLink(e.executionArn, e.name)),
        el('td', {}, machineLink(e.stateMachineArn, e.stateMachineArn.split(':').pop())),
        el('td', {}, statusPill(e.status)),
        el('td', {}, when(e.startDate)),
        el('td', {}, duration((end - e.startDate) * 1000)));
    }), 5, 'No executions.');
    $('#page-info').textContent = rows.length ? 'page ' + (page + 1) + ' of ' + pages + ' · ' + rows.length + ' executions' : '';
    $('#page-newer').disabled = page === 0;
    $('#page-older').disabled = page >= pages - 1;
  };
  $('#page-newer').onclick = () => { page -= 1; render(); };
  $('#page-older').onclick = () => { page += 1; render(); };
  const load = async () => {
    const statusFilter = $('#filter-status').value || undefined;
    const lists = await Promise.all(machinesOf().map((arn) =>
      apiAll('ListExecutions', { stateMachineArn: arn, statusFilter }, 'executions', 5000)));
    rows = lists.flat().sort((a, b) => b.startDate - a.startDate);
    render();
  };
  $('#filter-status').onchange = () => { page = 0; load().catch(showError); };
  return load;
}

// ---- start form --------------------------------------------------------

function startForm(machineArn, initialInput) {
  const form = $('#start-form');
  if (initialInput !== undefined) form.elements.input.value = pretty(initialInput);
  form.onsubmit = async (event) => {
    event.preventDefault();
    const problem = form.querySelector('.form-error');
    problem.textContent = '';
    const input = form.elements.input.value.trim() || '{}';
    try { JSON.parse(input); } catch (e) { problem.textContent = 'Input is not valid JSON: ' + e.message; return; }
    try {
      const started = await api('StartExecution', {
        stateMachineArn: machineArn(),
        name: form.elements.name.value.trim() || undefined,
        input,
      });
      location.href = '/executions/' + encodeURIComponent(started.executionArn);
    } catch (e) { problem.textContent = e.message; }
  };
}

// ---- pages -------------------------------------------------------------

async function overviewPage() {
  let machines = [];
  const machineFilter = $('#filter-machine');
  const executions = executionsTable(() =>
    machineFilter.value ? [machineFilter.value] : machines.map((m) => m.stateMachineArn));
  machineFilter.onchange = () => executions().catch(showError);
  const refresh = async () => {
    machines = await apiAll('ListStateMachines', {}, 'stateMachines', 5000);
    fill($('#machines tbody'), machines.map((m) => el('tr', {},
      el('td', {}, machineLink(m.stateMachineArn, m.name)),
      el('td', {}, m.type),
      el('td', {}, when(m.creationDate)))), 3, 'No state machines yet.');
    const chosen = machineFilter.value;
    machineFilter.replaceChildren(el('option', { value: '' }, 'All'),
      ...machines.map((m) => el('option', { value: m.stateMachineArn, selected: m.stateMachineArn === chosen }, m.name)));
    const activities = await (await consoleData('/console/activities')).json();
    const load = (a, key) => a.load ? a.load[key] : el('span', { class: 'muted', title: 'not reported by this engine' }, '—');
    fill($('#activities tbody'), activities.map((a) => el('tr', {},
      el('td', { title: a.activityArn }, a.name),
      el('td', { class: 'num' }, load(a, 'parkedPolls')),
      el('td', { class: 'num' }, load(a, 'queuedTasks')),
      el('td', {}, when(a.creationDate)))), 4, 'No activities yet.');
    await pressureTable();
    await executions();
    clearError();
  };
  const loop = async () => {
    try { await refresh(); } catch (e) { showError(e); }
    setTimeout(loop, 3 * POLL_MILLIS);
  };
  await loop();
}

// Quotas, injected faults and lost polls, when the engine reports them.
async function pressureTable() {
  const report = await (await consoleData('/console/pressure')).json();
  $('#pressure-card').hidden = !report;
  if (!report) return;
  const kinds = ['quotaThrottled', 'injectedThrottles', 'internalFailures', 'serviceUnavailable',
    'delayed', 'resetsBeforeEffect', 'resetsAfterEffect'];
  fill($('#pressure tbody'), Object.entries(report.operations).map(([name, counts]) => el('tr', {},
    el('td', {}, name),
    ...kinds.map((kind) => el('td', { class: 'num' }, counts[kind])))),
    8, 'No call throttled or faulted (quotas and faults are off unless configured).');
  $('#pressure-lost').textContent = 'Polls kept after their client left: ' + report.closedPollsKept
    + ' · tasks they lost: ' + report.tasksLostToClosedPolls;
}

async function stateMachinePage() {
  const arn = pathArn();
  startForm(() => arn);
  const machine = await api('DescribeStateMachine', { stateMachineArn: arn });
  document.title = machine.name + ' · stepworker-local';
  $('#title').textContent = machine.name;
  const facts = [['Name', machine.name], ['ARN', machine.stateMachineArn], ['Type', machine.type],
    ['Status', machine.status], ['Role', machine.roleArn], ['Created', when(machine.creationDate)]];
  $('#details').replaceChildren(...facts.flatMap(([k, v]) => [el('dt', {}, k), el('dd', {}, v || '')]));
  $('#definition').textContent = pretty(machine.definition);
  await loadGraph($('#graph'), 'stateMachineArn=' + encodeURIComponent(arn));
  await executionsTable(() => [arn])();
}

async function executionPage() {
  const arn = pathArn();
  let machineArn = '';
  startForm(() => machineArn);
  let svg = null;
  let startFormFilled = false;
  $('#stop').onclick = async () => {
    if (!confirm('Stop this execution?')) return;
    try {
      await api('StopExecution', { executionArn: arn, error: 'Console.Stopped', cause: 'Stopped from the stepworker-local console.' });
      await refresh();
    } catch (e) { showError(e); }
  };
  const refresh = async () => {
    const execution = await api('DescribeExecution', { executionArn: arn });
    machineArn = execution.stateMachineArn;
    const running = execution.status === 'RUNNING';
    renderSummary(execution, running);
    if (!startFormFilled) {
      startForm(() => machineArn, execution.input);
      startFormFilled = true;
    }
    if (!svg) svg = await loadGraph($('#graph'), 'executionArn=' + encodeURIComponent(arn));
    const steps = await (await consoleData('/console/steps?executionArn=' + encodeURIComponent(arn))).json();
    colourGraph(svg, steps);
    renderSteps(steps);
    const events = await apiAll('GetExecutionHistory', { executionArn: arn, includeExecutionData: true }, 'events', 25000);
    renderEvents(events);
    clearError();
    return running;
  };
  const loop = async () => {
    let again = true;
    try { again = await refresh(); } catch (e) { showError(e); }
    if (again) setTimeout(loop, POLL_MILLIS);
  };
  await loop();
}

function renderSummary(execution, running) {
  document.title = execution.name + ' · stepworker-local';
  $('#title').textContent = execution.name;
  const link = $('#machine-link');
  link.textContent = execution.stateMachineArn.split(':').pop();
  link.href = '/state-machines/' + encodeURIComponent(execution.stateMachineArn);
  const status = $('#status');
  status.className = 'status status-' + execution.status.toLowerCase();
  status.textContent = execution.status;
  const end = typeof execution.stopDate === 'number' ? execution.stopDate : Date.now() / 1000;
  const facts = [['Started', when(execution.startDate)], ['Stopped', when(execution.stopDate)],
    ['Duration', duration((end - execution.startDate) * 1000)], ['ARN', execution.executionArn]];
  $('#summary').replaceChildren(...facts.filter(([, v]) => v).flatMap(([k, v]) => [el('dt', {}, k), el('dd', {}, v)]));
  $('#stop').hidden = !running;
  $('#live').hidden = !running;
  const outcome = $('#outcome');
  if (execution.error || execution.cause) {
    outcome.hidden = false;
    outcome.replaceChildren(el('strong', {}, execution.error || ''), el('span', {}, execution.cause || ''));
  } else {
    outcome.hidden = true;
  }
  $('#exec-input').textContent = pretty(execution.input);
  $('#exec-output').textContent = execution.output === undefined ? (running ? '(running)' : '') : pretty(execution.output);
}

function renderSteps(steps) {
  const now = Date.now() / 1000;
  const rows = steps.steps.map((step, index) => {
    const millis = typeof step.durationMillis === 'number' ? step.durationMillis : (now - step.enteredAt) * 1000;
    const depth = ancestry(steps.steps, index);
    const data = [];
    if (step.input !== undefined && step.input !== null) data.push(el('div', {}, el('h4', {}, 'Input'), el('pre', { class: 'code' }, pretty(step.input))));
    if (step.output !== undefined && step.output !== null) data.push(el('div', {}, el('h4', {}, 'Output'), el('pre', { class: 'code' }, pretty(step.output))));
    if (step.assignedVariables) {
      const assigned = Object.entries(step.assignedVariables).map(([name, value]) => '$' + name + ' = ' + value).join('\n');
      data.push(el('div', { class: 'step-assigned' }, el('h4', {}, 'Assigned'), el('pre', { class: 'code' }, assigned)));
    }
    const failure = step.error || step.cause
      ? el('div', { class: 'step-error' }, el('span', { class: 'error-name' }, step.error || ''), el('span', { class: 'error-cause' }, step.cause || ''))
      : null;
    const details = data.length ? el('details', {}, el('summary', {}, step.assignedVariables ? 'input / output / variables' : 'input / output'), ...data) : null;
    return el('tr', { class: 'step st-' + step.status, 'data-state': step.name },
      el('td', { class: 'num muted' }, index + 1),
      el('td', { style: 'padding-left:' + (8 + depth * 16) + 'px' },
        el('div', { class: 'step-name' }, step.name, ' ', el('span', { class: 'muted' }, step.stateType)),
        failure, details),
      el('td', {}, el('span', { class: 'badge st-' + step.status }, step.status)),
      el('td', { class: 'num' }, duration(millis)),
      el('td', { class: 'num' }, step.attempts ? step.attempts + (step.retries ? ' (' + step.retries + ' retried)' : '') : ''));
  });
  fill($('#steps tbody'), rows, 5, 'No steps yet.');
}

function ancestry(steps, index) {
  let depth = 0;
  let parent = steps[index].parent;
  while (parent !== undefined && parent !== null && depth < 20) {
    depth += 1;
    parent = steps[parent].parent;
  }
  return depth;
}

function renderEvents(events) {
  const start = events.length ? events[0].timestamp : 0;
  fill($('#events tbody'), events.map((event) => {
    const details = Object.entries(event).filter(([k]) => k.endsWith('EventDetails'));
    const text = details.map(([, v]) => JSON.stringify(v, null, 1)).join('\n');
    return el('tr', { class: /Failed|TimedOut|Aborted/.test(event.type) ? 'bad' : '' },
      el('td', { class: 'num' }, event.id),
      el('td', {}, event.type),
      el('td', { class: 'num muted' }, event.previousEventId === undefined ? '' : event.previousEventId),
      el('td', { title: when(event.timestamp) }, '+' + duration((event.timestamp - start) * 1000)),
      el('td', {}, text ? el('pre', { class: 'code small' }, text) : ''));
  }), 5, 'No events.');
}

const PAGES = { overview: overviewPage, 'state-machine': stateMachinePage, execution: executionPage };

document.addEventListener('DOMContentLoaded', () => {
  const page = PAGES[document.body.dataset.page];
  if (page) page().catch(showError);
});
