/*
 * Boothlead — scanner.js, loaded (deferred) on pages with a scan form.
 *
 * - Camera scanning: rear camera, BarcodeDetector where the browser has it
 *   (Chrome on Android, macOS), else the vendored QR decoder (qr-scanner's
 *   worker build, loaded only when the camera is first opened) from the URL
 *   in <meta name="qr-decoder"> or the form's data-qr-decoder attribute.
 * - Keyboard-wedge scanners: keeps the manual field focused when nothing
 *   else is, and keeps multi-line vCards from submitting at their first line.
 *
 * Stands alone: does not need app.js. It submits with form.requestSubmit(),
 * so app.js's outbox (form[data-outbox]) handles the capture when present.
 *
 * Test hook (used by the browser tests; not needed by pages):
 *   window.BoothleadScanner.decode(imageOrCanvasOrVideo, {fallback: true})
 *     -> Promise<string|null>, the same decode path as the camera loop.
 *
 * Markup (inside the scan form):
 *   [data-scan-input] (input or textarea, name="code"), [data-scan-button]
 *   (hidden until JS shows it), [data-scan-area] (hidden) holding
 *   video[data-scan-video] and [data-scan-close], [data-scan-message].
 */
(function () {
  'use strict';

  const SCAN_PAUSE_MS = 90;      // between two decode attempts
  const FRAME_MAX = 720;         // px: bigger frames decode slower, not better
  const HOW_ELSE = 'Type the code or use a handheld scanner in the field above.';
  const MESSAGES = {
    denied: 'Camera access was refused. Allow the camera for this site in the browser settings, or type the code or use a handheld scanner in the field above.',
    nocamera: 'No camera was found on this device. ' + HOW_ELSE,
    busy: 'The camera is in use by another app or could not start. Close the other app and try again, or type the code or use a handheld scanner in the field above.',
    insecure: 'The camera only works when the app is opened over a secure (https) address, and this page is on plain http. ' + HOW_ELSE,
    decoder: 'The QR decoder could not be loaded, so the camera cannot read codes right now. ' + HOW_ELSE,
    other: 'The camera could not be started. ' + HOW_ELSE,
  };

  // ---------------------------------------------------------------------
  // Decoders: native BarcodeDetector, or the vendored worker decoder.
  // ---------------------------------------------------------------------
  let nativePromise = null;
  let workerPromise = null;

  function nativeDetector() {
    if (!nativePromise) {
      nativePromise = (async () => {
        if (!('BarcodeDetector' in window)) return null;
        try {
          const formats = await window.BarcodeDetector.getSupportedFormats();
          if (!formats.includes('qr_code')) return null;
          const d = new window.BarcodeDetector({ formats: ['qr_code'] });
          return {
            async detect(source) {
              const codes = await d.detect(source);
              return codes.length ? codes[0].rawValue : null;
            },
          };
        } catch (_) {
          return null;
        }
      })();
    }
    return nativePromise;
  }

  function decoderUrl(form) {
    if (form && form.dataset.qrDecoder) return form.dataset.qrDecoder;
    const m = document.querySelector('meta[name="qr-decoder"]');
    return m ? m.getAttribute('content') || '' : '';
  }

  // Draws a frame (video, image or canvas) into a canvas and returns its
  // pixels: the central square only, where people hold the code, scaled to
  // at most FRAME_MAX px, which keeps a decode under ~30 ms on a tablet.
  const grabCanvas = document.createElement('canvas');
  function grab(source) {
    const w = source.videoWidth || source.naturalWidth || source.width;
    const h = source.videoHeight || source.naturalHeight || source.height;
    if (!w || !h) return null;
    const isVideo = !!source.videoWidth;
    const side = isVideo ? Math.round(Math.min(w, h) * 0.85) : 0;
    const sx = isVideo ? Math.round((w - side) / 2) : 0;
    const sy = isVideo ? Math.round((h - side) / 2) : 0;
    const sw = isVideo ? side : w;
    const sh = isVideo ? side : h;
    const scale = Math.min(1, FRAME_MAX / Math.max(sw, sh));
    const cw = Math.max(1, Math.round(sw * scale));
    const ch = Math.max(1, Math.round(sh * scale));
    grabCanvas.width = cw;
    grabCanvas.height = ch;
    const ctx = grabCanvas.getContext('2d', { willReadFrequently: true });
    ctx.drawImage(source, sx, sy, sw, sh, 0, 0, cw, ch);
    return ctx.getImageData(0, 0, cw, ch);
  }

  // qr-scanner's worker build is an ES module whose createWorker() starts a
  // Worker from a blob: URL (CSP: worker-src blob:). Its message protocol:
  // {id, type: 'decode', data: ImageData} -> {id, type: 'qrResult', data: string|null}.
  function workerDetector(form) {
    if (!workerPromise) {
      workerPromise = (async () => {
        const url = decoderUrl(form);
        if (!url) throw new Error('no decoder URL on the page');
        const mod = await import(new URL(url, location.href).href);
        const worker = mod.createWorker();
        const pending = new Map();
        let nextId = 0;
        let broken = null;
        worker.onmessage = (ev) => {
          const msg = ev.data || {};
          const p = pending.get(msg.id);
          if (!p) return;
          pending.delete(msg.id);
          p.resolve(msg.type === 'qrResult' ? msg.data || null : null);
        };
        worker.onerror = (ev) => {
          broken = new Error('decoder worker failed' + (ev && ev.message ? ': ' + ev.message : ''));
          pending.forEach((p) => p.reject(broken));
          pending.clear();
        };
        return {
          detect(source) {
            if (broken) return Promise.reject(broken);
            const img = grab(source);
            if (!img) return Promise.resolve(null);
            const id = ++nextId;
            return new Promise((resolve, reject) => {
              pending.set(id, { resolve, reject });
              worker.postMessage({ id, type: 'decode', data: img }, [img.data.buffer]);
            });
          },
        };
      })();
      // A failed load (offline, missing meta) may work on the next try.
      workerPromise.catch(() => { workerPromise = null; });
    }
    return workerPromise;
  }

  async function getDetector(form, forceFallback) {
    const native = forceFallback ? null : await nativeDetector();
    return native || workerDetector(form);
  }

  // ---------------------------------------------------------------------
  // Feedback: beep and vibrate on a camera hit
  // ---------------------------------------------------------------------
  let audio = null;

  // iOS only lets a page make sound from an AudioContext created or resumed
  // during a tap: do it when the Scan button is pressed.
  function unlockAudio() {
    const AC = window.AudioContext || window.webkitAudioContext;
    if (!AC) return;
    try {
      if (!audio) audio = new AC();
      if (audio.state === 'suspended') audio.resume().catch(() => {});
    } catch (_) { audio = null; }
  }

  function beep() {
    if (!audio) return;
    try {
      const t = audio.currentTime;
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      osc.type = 'sine';
      osc.frequency.value = 1175;
      gain.gain.setValueAtTime(0.0001, t);
      gain.gain.exponentialRampToValueAtTime(0.35, t + 0.01);
      gain.gain.exponentialRampToValueAtTime(0.0001, t + 0.12);
      osc.connect(gain);
      gain.connect(audio.destination);
      osc.start(t);
      osc.stop(t + 0.13);
    } catch (_) { /* no sound is fine */ }
  }

  function vibrate() {
    if (typeof navigator.vibrate === 'function') {
      try { navigator.vibrate(80); } catch (_) { /* not allowed */ }
    }
  }

  // ---------------------------------------------------------------------
  // The manual field: <input> or <textarea>
  // ---------------------------------------------------------------------
  function field(form) {
    return form.querySelector('[data-scan-input]');
  }

  // An <input> cannot hold line breaks (its value drops them), but a vCard
  // needs them. Swap in a <textarea> with the same attributes; the original
  // comes back when the form is reset. Called inside a keydown handler, so
  // the scanner's next keystrokes land in the textarea.
  const swapped = new WeakMap(); // textarea -> original input
  function toTextarea(input) {
    if (input.tagName === 'TEXTAREA') return input;
    const ta = document.createElement('textarea');
    Array.from(input.attributes).forEach((a) => {
      if (a.name !== 'type' && a.name !== 'value' && a.name !== 'pattern' && a.name !== 'size') ta.setAttribute(a.name, a.value);
    });
    ta.classList.add('scan-multiline');
    ta.rows = 6;
    ta.value = input.value;
    const hadFocus = document.activeElement === input;
    input.replaceWith(ta);
    swapped.set(ta, input);
    if (hadFocus) {
      ta.focus();
      ta.setSelectionRange(ta.value.length, ta.value.length);
    }
    return ta;
  }

  function restoreInput(form) {
    const ta = field(form);
    const input = ta && swapped.get(ta);
    if (!input) return;
    const hadFocus = document.activeElement === ta;
    input.value = '';
    ta.replaceWith(input);
    swapped.delete(ta);
    if (hadFocus) input.focus();
  }

  function setValue(form, text) {
    let el = field(form);
    if (!el) return;
    if (/[\r\n]/.test(text) && el.tagName === 'INPUT') el = toTextarea(el);
    el.value = text;
  }

  function insertAtCaret(el, text) {
    const start = el.selectionStart == null ? el.value.length : el.selectionStart;
    const end = el.selectionEnd == null ? el.value.length : el.selectionEnd;
    el.setRangeText(text, start, end, 'end');
  }

  function isOpenVcard(value) {
    return /^\s*BEGIN:VCARD/i.test(value) && !/END:VCARD/i.test(value);
  }

  // Text already in the field (a code the server sent back with an error,
  // a half-typed one) is selected, so the next hardware scan replaces it
  // instead of being glued onto it.
  function focusField(form, preventScroll) {
    const el = field(form);
    if (!el) return;
    try { el.focus({ preventScroll: !!preventScroll }); } catch (_) { el.focus(); }
    try { el.select(); } catch (_) { /* not a text field */ }
  }

  function submit(form) {
    if (typeof form.requestSubmit === 'function') { form.requestSubmit(); return; }
    // Safari < 16 has no requestSubmit: clicking the submit button runs
    // validation and the submit event, like a person pressing it.
    const btn = form.querySelector('button[type="submit"], input[type="submit"], button:not([type])');
    if (btn) btn.click(); else HTMLFormElement.prototype.submit.call(form);
  }

  // ---------------------------------------------------------------------
  // One scan form
  // ---------------------------------------------------------------------
  function setup(form) {
    const button = form.querySelector('[data-scan-button]');
    const area = form.querySelector('[data-scan-area]');
    const video = form.querySelector('[data-scan-video]');
    const closeBtn = form.querySelector('[data-scan-close]');
    const message = form.querySelector('[data-scan-message]');
    let stream = null;
    let running = false;
    let timer = 0;
    let session = 0; // guards against a stale start finishing after a close

    function say(text) { if (message) message.textContent = text; }

    function fail(kind) {
      stop();
      say(MESSAGES[kind] || MESSAGES.other);
      focusField(form);
    }

    function classify(err) {
      const name = err && err.name;
      if (name === 'NotAllowedError' || name === 'PermissionDeniedError' || name === 'SecurityError') return 'denied';
      if (name === 'NotFoundError' || name === 'DevicesNotFoundError' || name === 'OverconstrainedError') return 'nocamera';
      if (name === 'NotReadableError' || name === 'TrackStartError' || name === 'AbortError') return 'busy';
      return 'other';
    }

    function stop() {
      session++;
      running = false;
      clearTimeout(timer);
      if (stream) stream.getTracks().forEach((t) => t.stop());
      stream = null;
      if (video) { try { video.pause(); } catch (_) { /* ignore */ } video.srcObject = null; }
      if (area) area.hidden = true;
      if (button) button.setAttribute('aria-expanded', 'false');
    }

    function hit(text) {
      stop();
      setValue(form, text);
      beep();
      vibrate();
      say('Code read — looking it up…');
      submit(form);
    }

    async function loop(detector, mySession) {
      if (!running || mySession !== session) return;
      if (video.readyState >= 2 && video.videoWidth) {
        let text = null;
        try {
          text = await detector.detect(video);
        } catch (_) {
          if (mySession === session) fail('decoder');
          return;
        }
        if (!running || mySession !== session) return;
        if (text) { hit(text); return; }
      }
      timer = setTimeout(() => loop(detector, mySession), SCAN_PAUSE_MS);
    }

    async function start() {
      if (running) return;
      unlockAudio();
      if (window.isSecureContext === false) { fail('insecure'); return; }
      if (!navigator.mediaDevices || typeof navigator.mediaDevices.getUserMedia !== 'function') { fail('nocamera'); return; }
      const mySession = ++session;
      running = true;
      say('Starting the camera…');
      // Ask for the camera first, inside the tap; load the decoder meanwhile.
      const streamP = navigator.mediaDevices.getUserMedia({
        audio: false,
        video: { facingMode: 'environment', width: { ideal: 1280 }, height: { ideal: 720 } },
      });
      const detectorP = getDetector(form, false);
      let s;
      try {
        s = await streamP;
      } catch (err) {
        if (mySession === session) fail(classify(err));
        return;
      }
      if (mySession !== session) { s.getTracks().forEach((t) => t.stop()); return; }
      stream = s;
      video.muted = true;
      video.setAttribute('playsinline', '');
      video.srcObject = s;
      area.hidden = false;
      if (button) button.setAttribute('aria-expanded', 'true');
      try { await video.play(); } catch (_) { /* autoplay of a muted stream is allowed; keep going */ }
      let detector;
      try {
        detector = await detectorP;
      } catch (_) {
        if (mySession === session) fail('decoder');
        return;
      }
      if (mySession !== session) return;
      say('Point the camera at the QR code.');
      loop(detector, mySession);
    }

    if (button && area && video) {
      const hasCamera = !!(navigator.mediaDevices && navigator.mediaDevices.getUserMedia);
      // On plain http the camera API is missing; show the button anyway so a
      // tap explains why the camera cannot work here.
      if (hasCamera || window.isSecureContext === false) button.hidden = false;
      button.setAttribute('aria-expanded', 'false');
      button.addEventListener('click', (ev) => { ev.preventDefault(); start(); });
    }
    if (closeBtn) {
      closeBtn.addEventListener('click', (ev) => {
        ev.preventDefault();
        stop();
        say('');
        focusField(form);
      });
    }

    // Enter in the manual field: inside an open vCard it is a line break
    // (a wedge scanner types the card line by line); otherwise it submits,
    // for a textarea too.
    form.addEventListener('keydown', (ev) => {
      const el = ev.target;
      if (ev.key !== 'Enter' || ev.isComposing || !(el instanceof Element) || !el.matches('[data-scan-input]')) return;
      if (isOpenVcard(el.value)) {
        ev.preventDefault();
        const ta = toTextarea(el);
        // Scanners that send CR LF press Enter twice: one line break is enough.
        if (!/\n$/.test(ta.value)) insertAtCaret(ta, '\n');
        return;
      }
      if (el.tagName === 'TEXTAREA' && !ev.shiftKey) {
        ev.preventDefault();
        submit(form);
      }
    });

    // A code the server sent back (with an error) is selected whenever the
    // field gets focus (autofocus may come after this script ran), so the
    // next scan replaces it. Checked again after the tick: a wedge scanner
    // may already be typing.
    form.addEventListener('focusin', (ev) => {
      const el = ev.target;
      if (!(el instanceof Element) || !el.matches('[data-scan-input]') || !el.value || el.value !== el.defaultValue) return;
      setTimeout(() => {
        if (document.activeElement === el && el.value === el.defaultValue) { try { el.select(); } catch (_) { /* ignore */ } }
      }, 0);
    });

    // "Type": a field that keeps the on-screen keyboard closed (inputmode
    // none, for handheld scanners) opens it on request.
    const typeBtn = form.querySelector('[data-scan-type]');
    if (typeBtn) {
      typeBtn.addEventListener('click', () => {
        const el = field(form);
        if (!el) return;
        el.setAttribute('inputmode', 'text');
        el.focus();
      });
    }

    // After the outbox clears the form for the next person, go back to the
    // single-line field.
    // (app.js resets the form once a capture is safe in the outbox; its own
    // status line then says what happened, so drop "looking it up…".)
    form.addEventListener('reset', () => {
      say('');
      setTimeout(() => restoreInput(form), 0);
    });

    document.addEventListener('visibilitychange', () => { if (document.hidden) stop(); });
    window.addEventListener('pagehide', stop);

    return { form, stop };
  }

  // ---------------------------------------------------------------------
  // Keyboard-wedge focus: keystrokes that arrive while nothing is focused
  // go to the scan field, so a hardware scan "just works". Focus in any
  // other field, button or link is left alone.
  // ---------------------------------------------------------------------
  function nothingFocused() {
    const a = document.activeElement;
    return !a || a === document.body || a === document.documentElement;
  }

  function firstVisibleForm(forms) {
    return forms.find((f) => f.isConnected && field(f) && field(f).offsetParent !== null) || forms[0];
  }

  function init() {
    const forms = Array.from(document.querySelectorAll('form')).filter((f) => field(f));
    if (!forms.length) return;
    forms.forEach(setup);
    const first = firstVisibleForm(forms);
    if (nothingFocused()) focusField(first, true);
    else if (document.activeElement === field(first)) {
      // autofocus got there first: still select a code left in the field
      try { document.activeElement.select(); } catch (_) { /* ignore */ }
    }
    document.addEventListener('keydown', (ev) => {
      if (ev.defaultPrevented || ev.ctrlKey || ev.metaKey || ev.altKey || ev.isComposing) return;
      if (!ev.key || ev.key.length !== 1 || ev.key === ' ') return; // printable only; space still scrolls
      if (!nothingFocused()) return;
      const f = firstVisibleForm(forms.filter((x) => x.isConnected));
      if (f) focusField(f);
      // No preventDefault: the key goes on to the newly focused field.
    }, true);
  }

  window.BoothleadScanner = Object.freeze({
    decode(source, opts) {
      const form = document.querySelector('form [data-scan-input]');
      return getDetector(form ? form.form : null, !!(opts && opts.fallback)).then((d) => d.detect(source));
    },
  });

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
