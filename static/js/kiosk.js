// Boothlead kiosk: a tablet at the booth that walk-up candidates check in on, one after another.
// The server already makes sure nothing of a previous person can be opened again (pages are never
// stored, the confirmation shows only the latest check-in and only for a few seconds); this script
// adds what only the browser can do:
//  - the confirmation counts down visibly and then returns to the empty form (a meta refresh does
//    the same without JavaScript);
//  - a form left half-filled is cleared after two idle minutes;
//  - leaving a page clears its form, and a page brought back from the back-forward cache is
//    replaced by the empty form, so the back button shows nothing of anyone;
//  - the staff member's service worker and its saved pages are removed from the tablet.
(function () {
  "use strict";
  var homeMeta = document.querySelector('meta[name="kiosk-home"]');
  var home = homeMeta ? homeMeta.getAttribute("content") : "";
  var lang = document.documentElement.lang || "en";
  var fmt;
  try { fmt = new Intl.NumberFormat(lang); } catch (e) { fmt = { format: String }; }

  function clearForms() {
    document.querySelectorAll("form[data-kiosk-form]").forEach(function (form) {
      form.querySelectorAll("input, textarea").forEach(function (el) {
        if (el.type === "hidden" || el.type === "submit") { return; }
        if (el.type === "checkbox" || el.type === "radio") { el.checked = false; return; }
        el.value = "";
      });
    });
  }

  // The tablet was a staff member's a moment ago: their service worker and its saved copies of
  // staff pages (the board holds candidates' names) must not serve anything here, online or off.
  if ("caches" in window) {
    window.caches.keys().then(function (keys) { keys.forEach(function (k) { window.caches.delete(k); }); });
  }
  if (navigator.serviceWorker && navigator.serviceWorker.getRegistrations) {
    navigator.serviceWorker.getRegistrations().then(function (rs) { rs.forEach(function (r) { r.unregister(); }); });
  }

  window.addEventListener("pagehide", clearForms);
  window.addEventListener("pageshow", function (e) {
    if (e.persisted && home) { window.location.replace(home); }
  });

  var counter = document.querySelector("[data-countdown]");
  if (counter) {
    var left = parseInt(counter.getAttribute("data-countdown"), 10) || 10;
    var next = counter.getAttribute("data-href") || home;
    var tick = window.setInterval(function () {
      left -= 1;
      if (left <= 0) {
        window.clearInterval(tick);
        window.location.replace(next);
        return;
      }
      counter.textContent = fmt.format(left);
    }, 1000);
  }

  var form = document.querySelector("form[data-kiosk-form]");
  if (form && home) {
    var idle;
    var restart = function () {
      window.clearTimeout(idle);
      idle = window.setTimeout(function () {
        var typed = Array.prototype.some.call(form.querySelectorAll("input, textarea"), function (el) {
          if (el.type === "hidden") { return false; }
          return (el.type === "checkbox" || el.type === "radio") ? el.checked : el.value !== "";
        });
        if (typed || document.querySelector("[data-testid=error-summary], [data-testid=form-notice]")) {
          window.location.replace(home);
        } else {
          restart();
        }
      }, 120000);
    };
    ["input", "change", "keydown", "pointerdown", "focusin"].forEach(function (t) {
      form.addEventListener(t, restart, true);
    });
    restart();
  }
}());
