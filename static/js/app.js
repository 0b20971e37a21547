/*
 * Boothlead — app.js, loaded (deferred) on every staff page.
 *
 * 1. Outbox: forms marked data-outbox are written to IndexedDB before any
 *    network call, then sent; what cannot be sent now is retried later.
 * 2. Sync state: pending count, status messages, the outbox panel, the
 *    sign-out guard.
 * 3. Live board glue for htmx's SSE extension (#board-rows).
 * 4. Service worker registration.
 *
 * Plain ES2020, no build step, no imports. Works without htmx (every form
 * still posts natively when this file fails to load).
 *
 * Global API (window.Boothlead) — small and stable, for scanner.js and for
 * browser tests; scanner.js does NOT require it (it only calls
 * form.requestSubmit(), which runs the outbox handler below):
 *   Boothlead.uuid()       -> a v4 UUID string (works on plain-http LAN hosts)
 *   Boothlead.flush()      -> Promise: try to send every pending capture now
 *   Boothlead.counts()     -> Promise<{total, failed}> of the outbox
 *   Boothlead.setStatus(t) -> show a message in every [data-sync-status]
 *
 * Markup this file reads (static/js/README.md has the full contract):
 *   meta[name=csrf-token] content, meta[name=sw] content,
 *   form[data-outbox] (+ data-outbox-label, input[name=client_id],
 *   input[name=captured_at] set to the device time, _csrf),
 *   [data-sync-status], [data-testid=pending-count] inside [data-sync],
 *   [data-outbox-panel], form[data-signout],
 *   #board-rows, [data-board-count], [data-board-empty], [data-live-status].
 */
(function () {
  'use strict';

  // ---------------------------------------------------------------------
  // Constants
  // ---------------------------------------------------------------------
  const DB_NAME = 'boothlead';
  const DB_VERSION = 1;
  const STORE = 'outbox';
  const CHANNEL = 'boothlead-outbox';
  const RETRY_EVERY_MS = 15000;
  // A person is waiting on a live send: give up sooner and keep the capture.
  const LIVE_TIMEOUT_MS = 10000;
  const BACKGROUND_TIMEOUT_MS = 20000;
  // While one page sends an entry, no other sender (other tab, timer) may
  // send it too: the lease is written in the same IndexedDB transaction that
  // reads it, so it also works where Web Locks are missing (Safari < 15.4).
  const LEASE_MS = 30000;
  const USED_IDS_KEY = 'boothlead-used-client-ids';
  const USED_IDS_MAX = 300;
  const PERSIST_ASKED_KEY = 'boothlead-persist-asked';
  const ABANDONED_KEY = 'boothlead-abandoned-sends';
  const SIGNOUT_ARM_MS = 5000;
  const ROW_NEW_MS = 3000;

  // ---------------------------------------------------------------------
  // Small helpers
  // ---------------------------------------------------------------------

  // crypto.randomUUID only exists in secure contexts; booth tablets often
  // reach the app on a plain-http LAN address, so fall back to
  // getRandomValues (available everywhere) and set the v4 bits by hand.
  function uuid() {
    if (window.crypto && typeof window.crypto.randomUUID === 'function') {
      try { return window.crypto.randomUUID(); } catch (_) { /* fall through */ }
    }
    const b = new Uint8Array(16);
    window.crypto.getRandomValues(b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
    return h.slice(0, 8) + '-' + h.slice(8, 12) + '-' + h.slice(12, 16) + '-' +
      h.slice(16, 20) + '-' + h.slice(20);
  }

  function meta(name) {
    const m = document.querySelector('meta[name="' + name + '"]');
    return m ? m.getAttribute('content') || '' : '';
  }

  function plural(n, one, many) {
    return n + ' ' + (n === 1 ? one : many);
  }

  function lsGet(key) {
    try { return window.localStorage.getItem(key); } catch (_) { return null; }
  }
  function lsSet(key, value) {
    try { window.localStorage.setItem(key, value); } catch (_) { /* private mode: fine */ }
  }

  // outboxWaitingShown: the status line currently says captures are
  // waiting, so it must be updated when they are all sent (here or in
  // another tab).
  let outboxWaitingShown = false;

  // state: 'ok' (green ✓), 'warn' (amber: saved here, waiting), 'error' (red) or '' (plain).
  function setStatus(text, aboutWaiting, state) {
    outboxWaitingShown = !!aboutWaiting;
    document.querySelectorAll('[data-sync-status]').forEach((el) => {
      el.textContent = text;
      if (state) el.setAttribute('data-state', state); else el.removeAttribute('data-state');
    });
  }

  // ---------------------------------------------------------------------
  // Feedback for a noisy hall: a short sound and a vibration per result
  // (ok, warn, error), switchable in the header menu; the words go to
  // screen readers through a live region.
  // ---------------------------------------------------------------------
  const FEEDBACK_KEY = 'boothlead-feedback';
  const TONES = {
    ok: [[880, 0, 0.12]],
    warn: [[587, 0, 0.12], [587, 0.18, 0.12]],
    error: [[220, 0, 0.35]],
  };
  const BUZZ = { ok: [60], warn: [60, 80, 60], error: [200, 100, 200] };
  let audio = null;

  function feedbackOn() { return lsGet(FEEDBACK_KEY) !== 'off'; }

  // Called synchronously inside the person's tap or key press: browsers only
  // let a page start sound from a user gesture, and the answer comes later.
  function primeAudio() {
    if (!feedbackOn()) return;
    const Ctx = window.AudioContext || window.webkitAudioContext;
    if (!Ctx) return;
    try {
      if (!audio) audio = new Ctx();
      if (audio.state === 'suspended') audio.resume().catch(() => {});
    } catch (_) { audio = null; }
  }

  function play(state) {
    if (!feedbackOn() || !TONES[state]) return;
    if (typeof navigator.vibrate === 'function') { try { navigator.vibrate(BUZZ[state]); } catch (_) { /* not allowed */ } }
    primeAudio();
    if (!audio || audio.state !== 'running') return;
    const t0 = audio.currentTime + 0.01;
    TONES[state].forEach(([freq, at, len]) => {
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      osc.type = state === 'error' ? 'square' : 'sine';
      osc.frequency.value = freq;
      gain.gain.setValueAtTime(0.0001, t0 + at);
      gain.gain.exponentialRampToValueAtTime(0.25, t0 + at + 0.015);
      gain.gain.exponentialRampToValueAtTime(0.0001, t0 + at + len);
      osc.connect(gain).connect(audio.destination);
      osc.start(t0 + at);
      osc.stop(t0 + at + len + 0.02);
    });
  }

  function announce(text) {
    let el = document.querySelector('[data-announce]');
    if (!el) {
      el = document.createElement('p');
      el.className = 'sr-only';
      el.setAttribute('aria-live', 'assertive');
      el.setAttribute('data-announce', '');
      document.body.appendChild(el);
    }
    el.textContent = '';
    setTimeout(() => { el.textContent = text; }, 120);
  }

  // A result the server rendered (saved, found, new badge, not saved): say it and sound it.
  function pageResult() {
    const r = document.querySelector('[data-result]');
    if (!r) return;
    announce(r.textContent.replace(/\s+/g, ' ').trim());
    play(r.getAttribute('data-result'));
  }

  function setupFeedbackToggle() {
    document.querySelectorAll('[data-feedback-toggle]').forEach((box) => {
      box.checked = feedbackOn();
      box.addEventListener('change', () => {
        lsSet(FEEDBACK_KEY, box.checked ? 'on' : 'off');
        if (box.checked) { primeAudio(); play('ok'); }
      });
    });
  }

  // ---------------------------------------------------------------------
  // Last successful sync, shown beside the pending count
  // ---------------------------------------------------------------------
  const LAST_SYNC_KEY = 'boothlead-last-sync';

  function markSynced() {
    lsSet(LAST_SYNC_KEY, String(Date.now()));
    renderLastSync();
  }

  function renderLastSync() {
    const at = Number(lsGet(LAST_SYNC_KEY) || 0);
    const text = at ? 'synced ' + new Date(at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }) : '';
    document.querySelectorAll('[data-sync-last]').forEach((el) => {
      el.textContent = text;
      el.title = at ? 'Last successful sync with the server: ' + new Date(at).toLocaleString() : '';
    });
  }

  // ---------------------------------------------------------------------
  // IndexedDB: one object store, key = client_id
  // ---------------------------------------------------------------------
  let dbPromise = null;

  function openDb() {
    if (dbPromise) return dbPromise;
    dbPromise = new Promise((resolve, reject) => {
      if (!window.indexedDB) { reject(new Error('IndexedDB is not available')); return; }
      // Some Safari versions never answer indexedDB.open on the first try;
      // do not leave a person waiting on it (the caller falls back to a
      // native submit, which loses nothing).
      const timer = setTimeout(() => reject(new Error('IndexedDB did not open')), 4000);
      let req;
      try { req = window.indexedDB.open(DB_NAME, DB_VERSION); } catch (e) { clearTimeout(timer); reject(e); return; }
      req.onupgradeneeded = () => {
        const db = req.result;
        if (!db.objectStoreNames.contains(STORE)) db.createObjectStore(STORE, { keyPath: 'id' });
      };
      req.onsuccess = () => {
        clearTimeout(timer);
        const db = req.result;
        // Another tab with a newer version wants to upgrade: let it.
        db.onversionchange = () => { db.close(); dbPromise = null; };
        resolve(db);
      };
      req.onerror = () => { clearTimeout(timer); reject(req.error || new Error('IndexedDB error')); };
    });
    dbPromise.catch(() => { dbPromise = null; });
    return dbPromise;
  }

  // Runs fn(store) in one transaction and resolves when it has committed
  // (not merely when the request succeeded: a capture counts as stored only
  // once it is on disk).
  function withStore(mode, fn) {
    return openDb().then((db) => new Promise((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      let result;
      fn(tx.objectStore(STORE), (v) => { result = v; });
      tx.oncomplete = () => resolve(result);
      tx.onerror = () => reject(tx.error || new Error('IndexedDB transaction failed'));
      tx.onabort = () => reject(tx.error || new Error('IndexedDB transaction aborted'));
    }));
  }

  function putEntry(entry) {
    return withStore('readwrite', (s) => { s.put(entry); });
  }

  function deleteEntry(id) {
    return withStore('readwrite', (s) => { s.delete(id); });
  }

  function allEntries() {
    return withStore('readonly', (s, set) => {
      const r = s.getAll();
      r.onsuccess = () => set(r.result || []);
    }).then((list) => list.sort((a, b) => (a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : 0)));
  }

  // Read-modify-write in one transaction. fn(entry) returns the new entry,
  // or null to leave it alone. Resolves to the new entry or null.
  function updateEntry(id, fn) {
    return withStore('readwrite', (s, set) => {
      const r = s.get(id);
      r.onsuccess = () => {
        if (!r.result) { set(null); return; }
        const next = fn(r.result);
        if (next) { s.put(next); set(next); } else { set(null); }
      };
    });
  }

  // The store BoothleadOutbox (outbox.js) works on.
  // It also tracks the entries whose lease this page holds (held): an id is
  // added before the write that may lease it, so a page that goes away in
  // the middle still knows it (see pagehide), and dropped once its lease is
  // given back or the entry deleted.
  const held = new Set();
  const idbStore = {
    all: allEntries,
    update(id, fn) {
      held.add(id);
      return updateEntry(id, fn).then((e) => {
        if (!e || !(e.lease_until > Date.now())) held.delete(id);
        return e;
      });
    },
    remove(id) {
      held.add(id);
      return deleteEntry(id).then(() => { held.delete(id); });
    },
  };
  const rules = window.BoothleadOutbox;

  // ---------------------------------------------------------------------
  // Client ids already used for a capture. A page restored from the
  // back/forward cache or served offline by the service worker still holds
  // the client_id the server rendered, which may already belong to a sent
  // capture: reusing it would make the server drop the new capture as a
  // duplicate. So remember the ids we used and never reuse one.
  // ---------------------------------------------------------------------
  function usedIds() {
    try { return JSON.parse(lsGet(USED_IDS_KEY) || '[]'); } catch (_) { return []; }
  }
  function rememberUsedId(id) {
    const list = usedIds().filter((x) => x !== id);
    list.push(id);
    lsSet(USED_IDS_KEY, JSON.stringify(list.slice(-USED_IDS_MAX)));
  }

  function clientIdInput(form) {
    let input = form.querySelector('input[name="client_id"]');
    if (!input) {
      input = document.createElement('input');
      input.type = 'hidden';
      input.name = 'client_id';
      form.appendChild(input);
    }
    return input;
  }

  function ensureClientId(form) {
    const input = clientIdInput(form);
    const id = input.value.trim();
    if (!id || usedIds().includes(id)) input.value = uuid();
    return input.value;
  }

  function freshClientId(form) {
    clientIdInput(form).value = uuid();
  }

  // ---------------------------------------------------------------------
  // Serialising and sending
  // ---------------------------------------------------------------------
  function serialize(form, submitter) {
    const fd = new FormData(form);
    // FormData(form, submitter) is too new for Safari 15: add the clicked
    // button's name=value by hand, as a native submit would.
    if (submitter && submitter.name && !submitter.disabled) fd.append(submitter.name, submitter.value);
    const params = new URLSearchParams();
    fd.forEach((v, k) => { if (typeof v === 'string') params.append(k, v); });
    return params.toString();
  }

  // Field values only, without the per-request tokens: used to tell whether
  // the person typed something new while a send was in flight.
  function fieldsOnly(body) {
    const p = new URLSearchParams(body);
    p.delete('_csrf');
    p.delete('client_id');
    return p.toString();
  }

  // A stored capture can outlive its page's CSRF token: send the current one.
  function withFreshCsrf(body) {
    const token = meta('csrf-token');
    if (!token) return body;
    const p = new URLSearchParams(body);
    if (!p.has('_csrf')) return body;
    p.set('_csrf', token);
    return p.toString();
  }

  // Resolves to outbox.js's classify() result: {kind: 'ok'|'retry'|'auth'|'rejected', error, url}.
  async function send(entry, timeoutMs) {
    const ctrl = typeof AbortController === 'function' ? new AbortController() : null;
    // The timeout covers the whole exchange, body included: on venue Wi-Fi
    // a request can hang for minutes without failing.
    const timer = ctrl ? setTimeout(() => ctrl.abort(), timeoutMs) : 0;
    try {
      let res;
      try {
        res = await fetch(entry.url, {
          method: 'POST',
          body: withFreshCsrf(entry.body),
          headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Outbox': '1' },
          credentials: 'same-origin',
          redirect: 'follow',
          cache: 'no-store',
          signal: ctrl ? ctrl.signal : undefined,
        });
      } catch (err) {
        return rules.networkFailure(err);
      }
      return rules.classify({ ok: res.ok, status: res.status, saved: res.headers.get('X-Outbox-Saved') });
    } finally {
      clearTimeout(timer);
    }
  }

  // ---------------------------------------------------------------------
  // Change notification: this tab and the others
  // ---------------------------------------------------------------------
  const channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel(CHANNEL) : null;
  if (channel) channel.onmessage = () => { refresh(); };

  function changed() {
    if (channel) { try { channel.postMessage({ type: 'changed' }); } catch (_) { /* closed */ } }
    return refresh();
  }

  // ---------------------------------------------------------------------
  // Pending count, sync classes, the panel
  // ---------------------------------------------------------------------
  let last = { total: 0, failed: 0, entries: [] };
  let retryTimer = 0;

  async function refresh() {
    let entries;
    try { entries = await allEntries(); } catch (_) { return last; }
    const failed = entries.filter((e) => e.failed).length;
    last = { total: entries.length, failed, entries };
    renderCount(last);
    renderPanel(last);
    scheduleRetry(last.total - last.failed > 0);
    if (last.total === 0 && outboxWaitingShown) setStatus('All captures are sent.', false, 'ok');
    return last;
  }

  function renderCount(state) {
    document.querySelectorAll('[data-testid="pending-count"]').forEach((el) => {
      el.textContent = String(state.total);
      el.title = state.total === 0 ? 'Everything is sent'
        : plural(state.total, 'capture', 'captures') + ' waiting to be sent' +
          (state.failed ? ' (' + state.failed + ' refused by the server)' : '');
      const box = el.closest('[data-sync]');
      if (!box) return;
      box.classList.toggle('sync-pending', state.total > 0);
      box.classList.toggle('sync-failed', state.failed > 0);
      box.classList.toggle('sync-ok', state.total === 0);
    });
  }

  function scheduleRetry(needed) {
    if (!needed) { clearTimeout(retryTimer); retryTimer = 0; return; }
    if (retryTimer) return;
    retryTimer = setTimeout(() => { retryTimer = 0; flush(); }, RETRY_EVERY_MS);
  }

  // A short, recognisable summary of a capture for the panel.
  function summary(entry) {
    const p = new URLSearchParams(entry.body);
    for (const k of ['name', 'email', 'code', 'notes']) {
      const v = (p.get(k) || '').replace(/\s+/g, ' ').trim();
      if (v) return v.length > 60 ? v.slice(0, 59) + '…' : v;
    }
    return '';
  }

  function panelBody(panel) {
    let body = panel.querySelector('[data-outbox-body]');
    if (!body) {
      body = document.createElement('div');
      body.setAttribute('data-outbox-body', '');
      body.className = 'outbox-body';
      panel.appendChild(body);
    }
    return body;
  }

  // Rebuilt only when what it shows changed, so a periodic retry does not
  // steal focus from its buttons or make the list flicker.
  function panelKey(state) {
    return state.entries.map((e) => e.id + (e.failed ? '!' : '') + e.last_error).join('|');
  }

  const panelKeys = new WeakMap();

  function renderPanel(state) {
    const key = panelKey(state);
    document.querySelectorAll('[data-outbox-panel]').forEach((panel) => {
      // The page renders the panel hidden; it is shown while there is
      // something in it.
      panel.hidden = state.total === 0;
      const body = panelBody(panel);
      if (panelKeys.get(body) === key && body.childElementCount) return;
      panelKeys.set(body, key);
      body.textContent = '';
      if (state.total === 0) {
        const p = document.createElement('p');
        p.className = 'outbox-empty';
        p.textContent = 'Nothing waiting — every capture is sent.';
        body.appendChild(p);
        return;
      }
      const ul = document.createElement('ul');
      ul.className = 'outbox-list';
      state.entries.forEach((e) => ul.appendChild(panelItem(e)));
      body.appendChild(ul);
      const actions = document.createElement('div');
      actions.className = 'outbox-actions';
      actions.appendChild(button('Retry now', 'data-outbox-retry'));
      actions.appendChild(button('Download as file', 'data-outbox-download'));
      body.appendChild(actions);
    });
  }

  function panelItem(e) {
    const li = document.createElement('li');
    li.className = 'outbox-item' + (e.failed ? ' outbox-item-failed' : '');
    const label = document.createElement('strong');
    label.className = 'outbox-label';
    label.textContent = e.label || 'Capture';
    li.appendChild(label);
    const s = summary(e);
    if (s) li.appendChild(span('outbox-summary', ' ' + s));
    const time = document.createElement('time');
    time.className = 'outbox-time';
    time.dateTime = e.created_at;
    time.textContent = ' ' + new Date(e.created_at).toLocaleString([], { weekday: 'short', hour: '2-digit', minute: '2-digit' });
    li.appendChild(time);
    const state = e.failed ? 'Not accepted: ' + (e.last_error || 'refused by the server')
      : e.last_error ? 'Waiting — last try: ' + e.last_error : 'Waiting';
    li.appendChild(span('outbox-error', ' — ' + state));
    return li;
  }

  function span(cls, text) {
    const s = document.createElement('span');
    s.className = cls;
    s.textContent = text;
    return s;
  }

  function button(text, attr) {
    const b = document.createElement('button');
    b.type = 'button';
    b.setAttribute(attr, '');
    b.textContent = text;
    return b;
  }

  document.addEventListener('click', (ev) => {
    const t = ev.target instanceof Element ? ev.target : null;
    if (!t) return;
    if (t.closest('[data-outbox-retry]')) { ev.preventDefault(); retryNow(); }
    if (t.closest('[data-outbox-download]')) { ev.preventDefault(); download(); }
  });

  // "Retry now" also retries the captures the server refused once: the
  // person may have fixed the cause (signed in again, event reopened).
  async function retryNow() {
    setStatus('Sending…');
    try {
      const entries = await allEntries();
      for (const e of entries) {
        if (e.failed) await updateEntry(e.id, (x) => { x.failed = false; return x; });
      }
    } catch (_) { /* the flush below reports */ }
    await flush();
    const s = await refresh();
    if (s.total > 0) setStatus(waitingMessage(s), true, s.failed ? 'error' : 'warn');
  }

  // The escape hatch: every capture as a JSON file, readable by a person
  // and re-postable by an admin. The CSRF token is left out on purpose.
  async function download() {
    let entries;
    try { entries = await allEntries(); } catch (_) { setStatus('The outbox could not be read on this browser.'); return; }
    const out = entries.map((e) => {
      const p = new URLSearchParams(e.body);
      p.delete('_csrf');
      const fields = {};
      p.forEach((v, k) => {
        if (!(k in fields)) fields[k] = v;
        else if (Array.isArray(fields[k])) fields[k].push(v);
        else fields[k] = [fields[k], v];
      });
      return {
        id: e.id, label: e.label, url: e.url, created_at: e.created_at,
        attempts: e.attempts, last_error: e.last_error, failed: !!e.failed,
        fields, body: p.toString(),
      };
    });
    const doc = { app: 'boothlead', kind: 'outbox', exported_at: new Date().toISOString(), page: location.href, entries: out };
    const blob = new Blob([JSON.stringify(doc, null, 2)], { type: 'application/json' });
    const url = URL.createObjectURL(blob);
    const a = document.createElement('a');
    a.href = url;
    a.download = 'boothlead-outbox-' + new Date().toISOString().slice(0, 16).replace(/[-:T]/g, '') + '.json';
    a.hidden = true;
    document.body.appendChild(a);
    a.click();
    // Firefox and Safari need the URL a little while after the click.
    setTimeout(() => { URL.revokeObjectURL(url); a.remove(); }, 30000);
  }

  function waitingMessage(s) {
    if (s.failed > 0) {
      return plural(s.failed, 'capture was', 'captures were') + ' not accepted by the server — open the outbox to see ' +
        (s.failed === 1 ? 'it' : 'them') + ' (' + s.total + ' waiting in all).';
    }
    return 'Saved on this tablet — it will be sent when the connection is back (' + s.total + ' waiting).';
  }

  // ---------------------------------------------------------------------
  // Flushing the outbox: one at a time, oldest first, one flush at a time
  // in this tab. Other tabs may flush too: each entry is claimed with a lease
  // written in the same IndexedDB transaction that reads it (outbox.js claim), so
  // no entry is ever sent by two senders at once. (No Web Lock: a lock held
  // by a frozen or cached page would stop this tab from ever sending.)
  // ---------------------------------------------------------------------
  let flushing = null;

  function flush() {
    if (flushing) return flushing;
    flushing = (async () => {
      try {
        await flushLocked();
      } catch (_) {
        /* IndexedDB unavailable: nothing can be pending here */
      } finally {
        flushing = null;
      }
      return refresh();
    })();
    return flushing;
  }

  function abandonedIds() {
    try { return JSON.parse(lsGet(ABANDONED_KEY) || '[]'); } catch (_) { return []; }
  }

  // Gives back the leases of sends a closed page left behind (see pagehide).
  async function releaseAbandoned() {
    const ids = abandonedIds();
    if (ids.length === 0) return;
    lsSet(ABANDONED_KEY, '[]');
    for (const id of ids) {
      await updateEntry(id, (e) => { e.lease_until = 0; return e; });
    }
  }

  async function flushLocked() {
    if (!rules) return;
    await releaseAbandoned();
    if (navigator.onLine === false) return;
    const { sent, refused, stop } = await rules.flush({
      store: idbStore,
      send: (e) => send(e, BACKGROUND_TIMEOUT_MS),
      leaseMs: LEASE_MS,
      changed,
    });
    if (stop && stop.kind === 'auth') {
      // Kept, not failed: they go out on the first page after signing in again.
      const now = await refresh();
      setStatus('You are signed out. ' + plural(now.total, 'capture waits', 'captures wait') +
        ' on this tablet and will be sent after you sign in again.', true, 'warn');
    }
    if (sent > 0) markSynced();
    if (sent > 0 || refused > 0) {
      const s = await refresh();
      if (s.total === 0) {
        setStatus('All captures are sent.', false, 'ok');
        play('ok');
      } else {
        setStatus((sent ? plural(sent, 'capture', 'captures') + ' sent. ' : '') + waitingMessage(s), true, s.failed ? 'error' : 'warn');
      }
    }
  }

  // ---------------------------------------------------------------------
  // Capturing a form
  // ---------------------------------------------------------------------
  function isSameOrigin(url) {
    try { return new URL(url, location.href).origin === location.origin; } catch (_) { return false; }
  }

  function formAction(form) {
    // getAttribute, not form.action: an input named "action" would shadow it.
    return new URL(form.getAttribute('action') || location.href, location.href).href;
  }

  function nativeSubmit(form, submitter) {
    if (submitter && submitter.name && !submitter.disabled) {
      const h = document.createElement('input');
      h.type = 'hidden';
      h.name = submitter.name;
      h.value = submitter.value;
      form.appendChild(h);
    }
    HTMLFormElement.prototype.submit.call(form);
  }

  function askPersistOnce() {
    if (lsGet(PERSIST_ASKED_KEY)) return;
    lsSet(PERSIST_ASKED_KEY, '1');
    const sm = navigator.storage;
    if (!sm || typeof sm.persist !== 'function') return;
    // Without this, Safari and Chrome may evict the outbox under storage
    // pressure. Asked during a submit, so it counts as a user gesture where
    // a browser asks the person (Firefox).
    Promise.resolve(sm.persisted ? sm.persisted() : false)
      .then((already) => (already ? true : sm.persist()))
      .catch(() => {});
  }

  function setSending(form, on) {
    if (on) {
      form.setAttribute('aria-busy', 'true');
      form.setAttribute('data-outbox-sending', '');
    } else {
      form.removeAttribute('aria-busy');
      form.removeAttribute('data-outbox-sending');
    }
  }

  // After a queued capture: the element the form names in data-outbox-focus (the capture screen
  // names its scan-next field, so the next badge can be scanned at once), else its own first field.
  function focusFirst(form) {
    const next = form.getAttribute('data-outbox-focus');
    const el = (next && document.getElementById(next)) || form.querySelector('[autofocus], [data-scan-input]');
    if (el && typeof el.focus === 'function') el.focus();
  }

  // form.reset() goes back to what the server rendered, which after a 422
  // re-render is the previous attempt's text: empty the text fields too.
  // Choices (radios, checkboxes, selects) keep the server's defaults.
  const TEXT_TYPES = ['', 'text', 'email', 'tel', 'url', 'search', 'number'];
  function emptyTextFields(form) {
    form.querySelectorAll('textarea, input').forEach((el) => {
      if (el.hasAttribute('data-outbox-keep')) return;
      if (el.tagName === 'TEXTAREA' || TEXT_TYPES.includes((el.getAttribute('type') || '').toLowerCase())) el.value = '';
    });
  }

  // The capture is safe in IndexedDB: clear the form for the next person,
  // unless they already started typing into it while we were sending.
  function afterQueued(form, submitter, capturedFields, message) {
    setStatus(message, true, 'warn');
    announce(message);
    play('warn');
    // A queued correction is done: the form goes back to a new entry.
    form.querySelectorAll('input[name="corrects"], .correcting').forEach((el) => el.remove());
    if (form.isConnected) {
      if (fieldsOnly(serialize(form, submitter)) === capturedFields) {
        form.reset();
        emptyTextFields(form);
        freshClientId(form);
        focusFirst(form);
      } else {
        freshClientId(form);
      }
    }
  }

  async function onOutboxSubmit(ev, form) {
    const url = formAction(form);
    ev.preventDefault();
    const submitter = ev.submitter || null;
    if (form.hasAttribute('data-outbox-sending')) {
      setStatus('Still sending the previous capture — one moment…');
      return;
    }
    primeAudio();
    const id = ensureClientId(form);
    // The device time of the capture (the server's happened_at); a retry
    // hours later still carries it, because it is part of the stored body.
    const capturedAt = form.querySelector('input[name="captured_at"]');
    if (capturedAt) capturedAt.value = new Date().toISOString();
    const body = serialize(form, submitter);
    const captured = fieldsOnly(body);
    const entry = {
      id, url, body,
      label: form.dataset.outboxLabel || '',
      created_at: new Date().toISOString(),
      attempts: 1,
      last_error: '',
      failed: false,
      lease_until: Date.now() + LIVE_TIMEOUT_MS + 5000,
    };
    askPersistOnce();
    setSending(form, true);
    try {
      held.add(id);
      await putEntry(entry);
    } catch (_) {
      // No IndexedDB (private mode, broken storage): send it the classic
      // way. Nothing is lost, it is just not offline-safe.
      held.delete(id);
      setSending(form, false);
      nativeSubmit(form, submitter);
      return;
    }
    rememberUsedId(id);
    await changed();

    const result = navigator.onLine === false
      ? { kind: 'retry', network: true, error: 'No connection' }
      : (setStatus('Sending…'), await send(entry, LIVE_TIMEOUT_MS));
    setSending(form, false);

    if (result.kind === 'ok') {
      await idbStore.remove(id).catch(() => {});
      await changed();
      markSynced();
      if (form.isConnected) {
        // Show the saved capture on the page the server named (it says
        // and sounds its result when it loads).
        location.assign(result.url);
      } else {
        play('ok');
        setStatus('Saved.');
      }
      return;
    }
    if (result.kind === 'rejected' && form.isConnected) {
      // A validation error (422) or similar: the server saved nothing and
      // its answer (the page with the field errors) is what the person
      // needs to see. Post the form the classic way to get it.
      await idbStore.remove(id).catch(() => {});
      await changed();
      play('error');
      nativeSubmit(form, submitter);
      return;
    }
    await rules.release(idbStore, id, result).catch(() => {});
    const s = await changed();
    if (result.kind === 'auth') {
      afterQueued(form, submitter, captured, 'You are signed out. This capture is saved on this tablet and will be sent after you sign in again (' +
        s.total + ' waiting).');
    } else {
      afterQueued(form, submitter, captured, waitingMessage(s));
    }
  }

  // ---------------------------------------------------------------------
  // Sign-out guard
  // ---------------------------------------------------------------------
  let signoutArmedUntil = 0;
  let signoutTimer = 0;

  function signoutButton(form, submitter) {
    return submitter || form.querySelector('button[type="submit"], button:not([type]), input[type="submit"]');
  }

  function setButtonText(btn, text) {
    if (!btn) return;
    if (btn.tagName === 'INPUT') btn.value = text; else btn.textContent = text;
  }

  async function clearCaches() {
    if (!('caches' in window)) return;
    const keys = await window.caches.keys();
    await Promise.all(keys.map((k) => window.caches.delete(k)));
  }

  async function onSignoutSubmit(ev, form) {
    ev.preventDefault();
    let s = last;
    try { s = await refresh(); } catch (_) { /* use the last known count */ }
    const btn = signoutButton(form, ev.submitter);
    if (s.total > 0 && Date.now() > signoutArmedUntil) {
      setStatus(plural(s.total, 'capture is', 'captures are') +
        ' not sent yet. Connect to the network and wait, or download them first. ' +
        'Press “Sign out anyway” within 5 seconds to sign out regardless.', true);
      signoutArmedUntil = Date.now() + SIGNOUT_ARM_MS;
      if (btn && !btn.dataset.originalText) btn.dataset.originalText = btn.tagName === 'INPUT' ? btn.value : btn.textContent;
      setButtonText(btn, 'Sign out anyway');
      clearTimeout(signoutTimer);
      signoutTimer = setTimeout(() => {
        signoutArmedUntil = 0;
        if (btn && btn.dataset.originalText) setButtonText(btn, btn.dataset.originalText);
      }, SIGNOUT_ARM_MS);
      return;
    }
    // Pages of a signed-in person must not stay readable offline on a
    // shared tablet. Do not let a slow cache API block the sign-out.
    await Promise.race([clearCaches().catch(() => {}), new Promise((r) => setTimeout(r, 1500))]);
    HTMLFormElement.prototype.submit.call(form);
  }

  // One delegated listener: it also covers forms that htmx swaps in later.
  // Capture phase + stopPropagation: these forms belong to the outbox (or
  // the sign-out guard) even if a page boosts them with hx-boost, whose own
  // listener on the form would otherwise post them first.
  document.addEventListener('submit', (ev) => {
    const form = ev.target;
    if (!(form instanceof HTMLFormElement) || ev.defaultPrevented) return;
    if (form.hasAttribute('data-signout')) {
      ev.stopPropagation();
      onSignoutSubmit(ev, form);
    } else if (form.hasAttribute('data-outbox')) {
      const method = (form.getAttribute('method') || 'get').toLowerCase();
      if (method !== 'post' || !isSameOrigin(formAction(form))) return; // not ours to queue
      if (!rules) return; // outbox.js did not load: the form posts the classic way
      ev.stopPropagation();
      onOutboxSubmit(ev, form);
    }
  }, true);

  // ---------------------------------------------------------------------
  // Live board glue (htmx SSE extension swapping rows into #board-rows)
  // ---------------------------------------------------------------------
  const seenRows = new WeakSet();
  const knownIds = new Set(); // lead ids seen on this board since load
  let scrollAnchor = null;
  let sseSwap = false;        // between htmx:sseBeforeMessage and htmx:sseMessage

  function boardRows() {
    return document.getElementById('board-rows');
  }

  function leadRows(board) {
    return Array.from(board.children).filter((el) => el.id && el.id.startsWith('lead-'));
  }

  function markSeen() {
    const board = boardRows();
    if (board) leadRows(board).forEach((r) => { seenRows.add(r); knownIds.add(r.id); });
  }

  // Before a swap: remember a row on screen so that, if the person scrolled
  // down the board, what they were about to tap does not move under their
  // thumb (Safari has no CSS scroll anchoring).
  function rememberAnchor() {
    scrollAnchor = null;
    const board = boardRows();
    if (!board || window.scrollY <= 0) return;
    for (const r of leadRows(board)) {
      const top = r.getBoundingClientRect().top;
      if (top >= 0) { scrollAnchor = { row: r, top }; return; }
    }
  }

  function restoreAnchor() {
    const a = scrollAnchor;
    scrollAnchor = null;
    if (!a || !a.row.isConnected) return;
    const delta = a.row.getBoundingClientRect().top - a.top;
    if (Math.abs(delta) >= 1) window.scrollBy(0, delta);
  }

  // fromSse: rows that came over the live stream are arrivals (highlight,
  // count them); rows from any other swap (the search box replaces the
  // whole tbody) are just a new list.
  function boardUpdated(fromSse) {
    const board = boardRows();
    if (!board) return;
    const rows = leadRows(board);
    const fresh = rows.filter((r) => !seenRows.has(r));
    let added = 0;
    // Keep the first row of each id (the newest, swapped in at the top)
    // and drop the older copies: an updated lead moves to the top.
    const firstById = new Map();
    rows.forEach((r) => {
      if (!firstById.has(r.id)) firstById.set(r.id, r);
      else if (firstById.get(r.id) !== r) r.remove();
    });
    // Also drop same-id elements elsewhere on the page, never the new row.
    firstById.forEach((row, id) => {
      document.querySelectorAll('[id="' + CSS.escape(id) + '"]').forEach((el) => { if (el !== row) el.remove(); });
    });
    fresh.forEach((r) => {
      if (fromSse) {
        highlight(r);
        if (!knownIds.has(r.id)) added++;
      }
      seenRows.add(r);
      knownIds.add(r.id);
    });
    restoreAnchor();
    updateBoardCount(board, added);
  }

  function highlight(row) {
    row.classList.add('row-new');
    row.dataset.rowNewUntil = String(Date.now() + ROW_NEW_MS);
    setTimeout(() => {
      if (Number(row.dataset.rowNewUntil || 0) <= Date.now()) {
        row.classList.remove('row-new');
        delete row.dataset.rowNewUntil;
      }
    }, ROW_NEW_MS);
  }

  // htmx "settles" a swapped row whose id already existed by copying the
  // old row's class attribute onto it and restoring the new one ~20 ms
  // later, which wipes a class added right after the swap. Put it back.
  function reapplyHighlights() {
    const board = boardRows();
    if (!board) return;
    leadRows(board).forEach((r) => {
      if (Number(r.dataset.rowNewUntil || 0) > Date.now()) r.classList.add('row-new');
    });
  }

  // [data-board-count] holds the server's total (the board may show only the
  // latest rows): add the leads that arrived live; an updated lead that
  // moved to the top is not a new one. Without a number there, count rows.
  function updateBoardCount(board, added) {
    const n = leadRows(board).length;
    document.querySelectorAll('[data-board-count]').forEach((el) => {
      const current = parseInt(el.textContent.replace(/\D/g, ''), 10);
      el.textContent = String(Number.isFinite(current) ? current + added : n);
    });
    document.querySelectorAll('[data-board-empty]').forEach((el) => { el.hidden = n > 0; });
  }

  function setLiveStatus(text) {
    document.querySelectorAll('[data-live-status]').forEach((el) => {
      el.textContent = text;
      el.classList.toggle('live-paused', !!text);
    });
  }

  function isBoardEvent(ev) {
    const board = boardRows();
    const t = ev.target;
    return !!board && t instanceof Node && (board === t || board.contains(t) || t.contains(board));
  }

  // The SSE extension swaps synchronously between these two events, and
  // htmx:afterSwap fires on the new rows in between.
  document.addEventListener('htmx:sseBeforeMessage', () => { sseSwap = true; rememberAnchor(); });
  document.addEventListener('htmx:sseMessage', () => { boardUpdated(true); sseSwap = false; });
  document.addEventListener('htmx:beforeSwap', (ev) => { if (isBoardEvent(ev)) rememberAnchor(); });
  document.addEventListener('htmx:afterSwap', (ev) => { if (sseSwap || isBoardEvent(ev)) boardUpdated(sseSwap); });
  document.addEventListener('htmx:afterSettle', (ev) => { if (isBoardEvent(ev)) reapplyHighlights(); });
  document.addEventListener('htmx:sseError', () => { if (boardRows()) setLiveStatus('Live updates paused — reconnecting…'); });
  document.addEventListener('htmx:sseOpen', (ev) => {
    setLiveStatus('');
    const source = ev.detail && ev.detail.source;
    if (source) {
      // the same functions each time: a reconnecting source does not get them twice
      source.addEventListener('revoked', onRevoked);
      source.addEventListener('reload', onReload);
    }
  });

  // Each row carries the number of the change it shows (the SSE id). The browser sends the last
  // one back when it reconnects by itself (Last-Event-ID); when htmx opens a new stream after an
  // error, it reads sse-connect again: keep the number there too, so the server replays what the
  // board missed either way.
  function rememberCursor(msg) {
    const id = msg && msg.lastEventId;
    if (!id || !/^\d+$/.test(id)) return;
    document.querySelectorAll('[sse-connect]').forEach((el) => {
      const u = new URL(el.getAttribute('sse-connect'), location.href);
      u.searchParams.set('after', id);
      el.setAttribute('sse-connect', u.pathname + u.search);
    });
  }
  document.addEventListener('htmx:sseBeforeMessage', (ev) => { rememberCursor(ev.detail); });

  // This browser's session was ended (signed out elsewhere, device ended, account deactivated):
  // reload, which leads to the sign-in page and takes the names off the screen.
  // If this page is already being left (a staff member just opened kiosk mode, which ends this
  // session), the timer dies with it and the new page is not interrupted.
  function onRevoked() { setTimeout(() => location.reload(), 400); }

  // The board missed more than the server replays: load the rows afresh.
  function onReload() {
    const board = boardRows();
    if (!board || !window.htmx) { location.reload(); return; }
    window.htmx.ajax('GET', location.pathname + location.search, { target: '#board-rows', select: '#board-rows', swap: 'outerHTML' });
  }

  // ---------------------------------------------------------------------
  // htmx settings that the CSP needs (a <meta name="htmx-config"> from the
  // server is merged later by htmx and wins). Without includeIndicatorStyles
  // = false, htmx injects an inline <style> that style-src 'self' blocks.
  // ---------------------------------------------------------------------
  function configureHtmx() {
    const h = window.htmx;
    if (!h || !h.config) return;
    h.config.includeIndicatorStyles = false;
    h.config.allowEval = false;
    h.config.allowScriptTags = false;
  }

  // htmx requests that change state carry the CSRF token in a header.
  document.addEventListener('htmx:configRequest', (ev) => {
    const d = ev.detail;
    const token = meta('csrf-token');
    if (!d || !token || (d.verb || 'get').toLowerCase() === 'get') return;
    if (d.headers) d.headers['X-CSRF-Token'] = token;
  });

  // ---------------------------------------------------------------------
  // Service worker
  // ---------------------------------------------------------------------
  function registerServiceWorker() {
    const url = meta('sw');
    if (!url || !('serviceWorker' in navigator)) return;
    navigator.serviceWorker.register(url, { scope: '/', updateViaCache: 'none' }).catch(() => {
      /* no service worker (private mode, http LAN address): the outbox still works */
    });
  }

  // ---------------------------------------------------------------------
  // Start
  // ---------------------------------------------------------------------
  function setOnlineClass() {
    document.documentElement.classList.toggle('is-offline', navigator.onLine === false);
  }

  // Menus (details[data-menu]) close on a tap elsewhere and on Escape.
  function setupMenus() {
    document.addEventListener('click', (ev) => {
      document.querySelectorAll('details[data-menu][open]').forEach((d) => {
        if (!(ev.target instanceof Node) || !d.contains(ev.target)) d.open = false;
      });
    });
    document.addEventListener('keydown', (ev) => {
      if (ev.key !== 'Escape') return;
      document.querySelectorAll('details[data-menu][open]').forEach((d) => {
        d.open = false;
        const s = d.querySelector('summary');
        if (s) s.focus();
      });
    });
  }

  // The server answers: with nothing waiting, this tablet is in sync.
  function checkInSync() {
    if (navigator.onLine === false) return;
    fetch('/healthz', { cache: 'no-store', credentials: 'same-origin' }).then((res) => {
      if (res.ok && last.total === 0) markSynced();
    }).catch(() => {});
  }

  function start() {
    configureHtmx();
    setOnlineClass();
    markSeen();
    setupFeedbackToggle();
    setupMenus();
    renderLastSync();
    pageResult();
    refresh().then(() => flush()).then(checkInSync);
    registerServiceWorker();
  }

  window.addEventListener('online', () => { setOnlineClass(); flush(); });
  window.addEventListener('offline', setOnlineClass);
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') flush();
  });
  // Back/forward cache: the page comes back as it was left, including a
  // client_id that may have been used meanwhile; and the outbox may have
  // changed.
  // Leaving the page (staff tap the next person while a send hangs on bad
  // Wi-Fi) ends its sends, but their leases would hold the entries back for
  // LEASE_MS. An IndexedDB write may not finish while the page goes away, so
  // the ids go to localStorage (synchronous) and the next flush, on this
  // page's successor or any tab, gives their leases back first. If the server
  // did store one, its client_id makes the re-send a no-op.
  window.addEventListener('pagehide', () => {
    if (held.size === 0) return;
    const ids = abandonedIds().concat([...held]);
    lsSet(ABANDONED_KEY, JSON.stringify(ids.slice(-USED_IDS_MAX)));
  });
  window.addEventListener('pageshow', (ev) => {
    if (!ev.persisted) return;
    document.querySelectorAll('form[data-outbox]').forEach((f) => { ensureClientId(f); });
    flush();
  });

  window.Boothlead = Object.freeze({
    uuid,
    flush,
    play,
    counts: () => refresh().then((s) => ({ total: s.total, failed: s.failed })),
    setStatus,
  });

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
  // htmx settings must be in place before htmx starts on DOMContentLoaded.
  configureHtmx();
})();

/*
 * 5. Small form helpers: <html class="js"> (the leads table's Apply button, needed only
 *    without JavaScript, hides: its filters apply as they change, through htmx); a time zone
 *    <select data-browser-zone> (the new-event form) starts at the browser's own zone.
 */
(function () {
  'use strict';
  document.documentElement.classList.add('js');
  function browserZone() {
    let zone = '';
    try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || ''; } catch (_) { return; }
    if (!zone) return;
    document.querySelectorAll('select[data-browser-zone]').forEach((sel) => {
      const known = Array.prototype.some.call(sel.options, (o) => o.value === zone);
      if (known) sel.value = zone;
    });
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', browserZone);
  else browserZone();
})();
