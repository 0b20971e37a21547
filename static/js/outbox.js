/*
 * Boothlead outbox rules: which answer means what, who may send an entry,
 * and how a flush walks the queue. No DOM, no IndexedDB, no fetch: app.js
 * passes in its IndexedDB store and its fetch-based send, and the tests in
 * outbox.test.js pass a Map and a fake server (node --test static/js/).
 *
 * A store is {all(), update(id, fn), remove(id)}, all returning promises:
 *   all()          -> entries, oldest first
 *   update(id, fn) -> reads the entry, fn(entry) returns the new one (or
 *                     null to leave it), writes it, resolves to the new one
 *                     or null; read and write in ONE transaction, so two
 *                     senders can never both claim an entry
 *   remove(id)     -> deletes the entry
 * An entry is {id, url, body, label, created_at, attempts, last_error,
 * failed, lease_until}.
 */
(function (root, factory) {
  if (typeof module === 'object' && module.exports) module.exports = factory();
  else root.BoothleadOutbox = factory();
})(typeof self !== 'undefined' ? self : this, function () {
  'use strict';

  // What an answer to a capture POST means. res is {ok, status, url,
  // redirected, result} (result: the X-Result header); login is true when
  // the answer is the login page (a lost session redirects there with 200).
  //   ok       saved: delete the entry
  //   auth     signed out: keep it, not failed, send after sign-in
  //   retry    no answer, timeout, 5xx, 408, 429: keep it, try again later
  //   rejected 4xx: the server will never take it as it is
  function classify(res, login) {
    if (res.ok) {
      if (login) return { kind: 'auth', error: 'Signed out — sign in again to send this' };
      return { kind: 'ok', url: res.url, redirected: !!res.redirected, result: res.result || 'ok' };
    }
    if (res.status >= 500 || res.status === 408 || res.status === 429) {
      return { kind: 'retry', status: res.status, error: 'Server busy (HTTP ' + res.status + ')' };
    }
    return { kind: 'rejected', status: res.status, error: 'Refused by the server (HTTP ' + res.status + ')' };
  }

  // A fetch that threw (no network) or was aborted (timed out).
  function networkFailure(err) {
    const timedOut = !!err && err.name === 'AbortError';
    return { kind: 'retry', network: true, error: timedOut ? 'No answer from the server (timed out)' : 'No connection' };
  }

  // Claims an entry for one send: only when nobody holds a live lease on it
  // and it is not marked failed. Resolves to the claimed entry or null.
  function claim(store, id, now, leaseMs) {
    return store.update(id, (e) => {
      if (e.failed || (e.lease_until || 0) > now) return null;
      e.lease_until = now + leaseMs;
      e.attempts = (e.attempts || 0) + 1;
      return e;
    });
  }

  // Gives a claimed entry back after a send that did not save it.
  function release(store, id, result) {
    return store.update(id, (e) => {
      e.lease_until = 0;
      e.last_error = result.error || '';
      if (result.kind === 'rejected') e.failed = true;
      return e;
    });
  }

  // Sends every waiting entry once, oldest first, one at a time.
  // opts: {store, send(entry) -> Promise<result>, now() -> ms, leaseMs,
  // changed() -> Promise (called after each entry is settled)}.
  // Resolves to {sent, refused, stop}: stop is the result that ended the
  // walk early (no network, signed out, 429), or null.
  async function flush(opts) {
    const now = opts.now || Date.now;
    const changed = opts.changed || (() => Promise.resolve());
    const entries = (await opts.store.all()).filter((e) => !e.failed);
    const out = { sent: 0, refused: 0, stop: null };
    for (const e of entries) {
      const claimed = await claim(opts.store, e.id, now(), opts.leaseMs);
      if (!claimed) continue; // sent or being sent elsewhere, or failed meanwhile
      const result = await opts.send(claimed);
      if (result.kind === 'ok') {
        await opts.store.remove(claimed.id);
        out.sent++;
        await changed(result);
        continue;
      }
      await release(opts.store, claimed.id, result);
      if (result.kind === 'rejected') out.refused++;
      await changed(result);
      // No network, signed out, rate-limited: the next entries would fail
      // the same way, so stop and try again later. A 5xx or a refusal may
      // be about this entry only: go on with the next.
      if (result.network || result.kind === 'auth' || result.status === 429) {
        out.stop = result;
        break;
      }
    }
    return out;
  }

  return { classify, networkFailure, claim, release, flush };
});
