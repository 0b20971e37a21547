// Tests for outbox.js, the rules app.js follows when it sends the captures
// a tablet stored while offline. Run: node --test static/js/ (make test).
// The store is a Map with IndexedDB's one guarantee that matters here: an
// update reads and writes in one step. The server is a fake that records
// what it stored, by client id, as Boothlead's handlers do.
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const outbox = require('./outbox.js');

const LEASE = 30000;

// A Map-backed store; every call yields to the event loop first, as
// IndexedDB does, so concurrent flushers really interleave.
function mapStore(entries) {
  const m = new Map(entries.map((e) => [e.id, { ...e }]));
  const tick = () => new Promise((r) => setImmediate(r));
  return {
    map: m,
    async all() {
      await tick();
      return [...m.values()].map((e) => ({ ...e })).sort((a, b) => a.created_at.localeCompare(b.created_at));
    },
    async update(id, fn) {
      await tick();
      const cur = m.get(id);
      if (!cur) return null;
      const next = fn({ ...cur });
      if (next) m.set(id, { ...next });
      return next ? { ...next } : null;
    },
    async remove(id) {
      await tick();
      m.delete(id);
    },
  };
}

function entries(n) {
  return Array.from({ length: n }, (_, i) => ({
    id: 'c' + i, url: '/events/x/leads/L/conversations', body: 'client_id=c' + i + '&notes=n' + i,
    label: 'Conversation', created_at: '2026-11-29T10:00:0' + i + 'Z',
    attempts: 1, last_error: '', failed: false, lease_until: 0,
  }));
}

// A server that stores each client id once (as the handlers do) and answers
// by a script: answer(entry, n) -> a classify() result or a thrown error for
// "no network". sends lists every request that reached it.
function fakeServer(answer) {
  const stored = new Map();
  const sends = [];
  return {
    stored, sends,
    async send(entry) {
      sends.push(entry.id);
      await new Promise((r) => setTimeout(r, 2));
      let res;
      try {
        res = answer(entry, sends.length);
      } catch (err) {
        return outbox.networkFailure(err);
      }
      if (res.ok && !res.login) stored.set(entry.id, (stored.get(entry.id) || 0) + 1);
      if (res.lost) return outbox.networkFailure(new Error('connection reset'));
      return outbox.classify(res, !!res.login);
    },
  };
}

const ok = () => ({ ok: true, status: 200, url: '/events/x/leads/L', redirected: true });

test('classify: what each answer means', () => {
  assert.equal(outbox.classify({ ok: true, status: 200 }, false).kind, 'ok');
  assert.equal(outbox.classify({ ok: true, status: 200, result: 'warn' }, false).result, 'warn');
  assert.equal(outbox.classify({ ok: true, status: 200 }, true).kind, 'auth');
  for (const status of [500, 502, 503, 504, 408, 429]) {
    assert.equal(outbox.classify({ ok: false, status }, false).kind, 'retry', 'HTTP ' + status);
  }
  for (const status of [400, 403, 404, 409, 413, 422]) {
    assert.equal(outbox.classify({ ok: false, status }, false).kind, 'rejected', 'HTTP ' + status);
  }
  assert.match(outbox.networkFailure(Object.assign(new Error('x'), { name: 'AbortError' })).error, /timed out/);
  assert.equal(outbox.networkFailure(new TypeError('Failed to fetch')).network, true);
});

test('a flush sends everything once, oldest first, and empties the store', async () => {
  const store = mapStore(entries(5).reverse());
  const srv = fakeServer(ok);
  const out = await outbox.flush({ store, send: srv.send, leaseMs: LEASE });
  assert.deepEqual(out, { sent: 5, refused: 0, stop: null });
  assert.deepEqual(srv.sends, ['c0', 'c1', 'c2', 'c3', 'c4']);
  assert.equal(store.map.size, 0);
});

test('a lost answer keeps the entry; the retry re-sends the same client id and the server stores it once', async () => {
  const store = mapStore(entries(2));
  // The first request reaches the server and is stored, but its answer is lost.
  const srv = fakeServer((e, n) => (n === 1 ? { ...ok(), lost: true } : ok()));
  let out = await outbox.flush({ store, send: srv.send, leaseMs: LEASE, now: () => 1000 });
  assert.equal(out.sent, 0);
  assert.equal(out.stop.network, true, 'a lost answer looks like no network: stop');
  assert.deepEqual([...store.map.keys()], ['c0', 'c1']);
  assert.equal(store.map.get('c0').lease_until, 0, 'the lease is given back');
  assert.equal(store.map.get('c0').attempts, 2);
  assert.match(store.map.get('c0').last_error, /No connection/);

  out = await outbox.flush({ store, send: srv.send, leaseMs: LEASE, now: () => 2000 });
  assert.equal(out.sent, 2);
  assert.equal(store.map.size, 0);
  assert.deepEqual(srv.sends, ['c0', 'c0', 'c1'], 'the same client id went twice');
  // The server got c0 twice; a server that keys on client_id keeps one.
  assert.equal(srv.stored.size, 2);
});

test('signed out: entries stay, not failed, and the flush stops at the first', async () => {
  const store = mapStore(entries(3));
  const srv = fakeServer(() => ({ ok: true, status: 200, url: '/login', login: true }));
  const out = await outbox.flush({ store, send: srv.send, leaseMs: LEASE });
  assert.equal(out.stop.kind, 'auth');
  assert.deepEqual(srv.sends, ['c0'], 'no point sending the others');
  assert.equal(store.map.size, 3);
  for (const e of store.map.values()) assert.equal(e.failed, false);
  assert.equal(srv.stored.size, 0);
});

test('no network: stop at the first, keep all', async () => {
  const store = mapStore(entries(3));
  const srv = fakeServer(() => { throw new TypeError('Failed to fetch'); });
  const out = await outbox.flush({ store, send: srv.send, leaseMs: LEASE });
  assert.equal(out.stop.network, true);
  assert.deepEqual(srv.sends, ['c0']);
  assert.equal(store.map.size, 3);
});

test('a 5xx is about one entry: keep it and go on with the next; a 429 stops', async () => {
  const store = mapStore(entries(3));
  const srv = fakeServer((e) => (e.id === 'c1' ? { ok: false, status: 503 } : ok()));
  let out = await outbox.flush({ store, send: srv.send, leaseMs: LEASE });
  assert.deepEqual(out, { sent: 2, refused: 0, stop: null });
  assert.deepEqual([...store.map.keys()], ['c1']);
  assert.equal(store.map.get('c1').failed, false, 'a 5xx is retried, not given up');
  assert.match(store.map.get('c1').last_error, /HTTP 503/);

  const store2 = mapStore(entries(3));
  const srv2 = fakeServer(() => ({ ok: false, status: 429 }));
  out = await outbox.flush({ store: store2, send: srv2.send, leaseMs: LEASE });
  assert.equal(out.stop.status, 429);
  assert.deepEqual(srv2.sends, ['c0']);
});

test('a refusal (4xx) marks that entry failed, is not retried, and the rest still go', async () => {
  const store = mapStore(entries(3));
  const srv = fakeServer((e) => (e.id === 'c0' ? { ok: false, status: 422 } : ok()));
  let out = await outbox.flush({ store, send: srv.send, leaseMs: LEASE });
  assert.deepEqual(out, { sent: 2, refused: 1, stop: null });
  assert.equal(store.map.get('c0').failed, true);
  out = await outbox.flush({ store, send: srv.send, leaseMs: LEASE });
  assert.deepEqual(out, { sent: 0, refused: 0, stop: null });
  assert.deepEqual(srv.sends, ['c0', 'c1', 'c2'], 'a failed entry waits for the person, not the timer');
});

test('two flushers at once (two tabs, or a tab and its timer) send each entry exactly once', async () => {
  for (let round = 0; round < 20; round++) {
    const store = mapStore(entries(8));
    const srv = fakeServer(ok);
    const [a, b] = await Promise.all([
      outbox.flush({ store, send: srv.send, leaseMs: LEASE }),
      outbox.flush({ store, send: srv.send, leaseMs: LEASE }),
    ]);
    assert.equal(a.sent + b.sent, 8, 'round ' + round);
    assert.equal(srv.sends.length, 8, 'round ' + round + ': ' + srv.sends.join(','));
    assert.equal(new Set(srv.sends).size, 8);
    assert.equal(store.map.size, 0);
  }
});

test('a lease held by another sender is respected until it runs out', async () => {
  const store = mapStore(entries(1));
  const claimed = await outbox.claim(store, 'c0', 1000, LEASE);
  assert.ok(claimed);
  assert.equal(await outbox.claim(store, 'c0', 1000 + LEASE - 1, LEASE), null, 'still leased');
  const srv = fakeServer(ok);
  let out = await outbox.flush({ store, send: srv.send, leaseMs: LEASE, now: () => 2000 });
  assert.equal(out.sent, 0);
  // The holder crashed (tab closed mid-send): after the lease the entry goes.
  out = await outbox.flush({ store, send: srv.send, leaseMs: LEASE, now: () => 1000 + LEASE + 1 });
  assert.equal(out.sent, 1);
  assert.equal(store.map.size, 0);
});

test('an entry deleted while a flush walks the list is skipped, not resurrected', async () => {
  const store = mapStore(entries(2));
  const srv = fakeServer(ok);
  const origAll = store.all;
  store.all = async () => {
    const list = await origAll();
    store.map.delete('c1'); // another tab sent it after we listed
    return list;
  };
  const out = await outbox.flush({ store, send: srv.send, leaseMs: LEASE });
  assert.equal(out.sent, 1);
  assert.deepEqual(srv.sends, ['c0']);
  assert.equal(store.map.size, 0);
});
