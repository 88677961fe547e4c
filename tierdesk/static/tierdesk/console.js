// The agents' console in the browser: nothing typed is lost, every answer is shown by its form.
(function () {
  "use strict";

  var DRAFT_PREFIX = "tierdesk-draft:";

  function alertRegion(elt) {
    var form = elt && (elt.closest ? elt.closest("form") : null);
    return (form || elt || document).querySelector(".form-alert");
  }

  function say(elt, text, kind) {
    var region = alertRegion(elt);
    if (!region) { return; }
    var p = document.createElement("p");
    p.className = "flash " + kind;
    p.setAttribute("role", kind === "error" ? "alert" : "status");
    p.textContent = text;
    region.replaceChildren(p);
  }

  function cookie(name) {
    var found = document.cookie.split("; ").find(function (c) { return c.indexOf(name + "=") === 0; });
    return found ? decodeURIComponent(found.slice(name.length + 1)) : null;
  }

  // Drafts: kept in localStorage on every keystroke, so an expired session, a refused
  // upload or a closed tab never costs the agent what they typed.
  function draftBox(form) {
    return form && form.dataset && form.dataset.draft ? form.querySelector("textarea") : null;
  }

  function restoreDrafts(root) {
    root.querySelectorAll("form[data-draft]").forEach(function (form) {
      var box = draftBox(form);
      var saved = localStorage.getItem(DRAFT_PREFIX + form.dataset.draft);
      if (box && saved && !box.value) {
        box.value = saved;
        say(form, "Your unsent draft was restored.", "ok");
      }
    });
  }

  document.addEventListener("input", function (evt) {
    var form = evt.target.closest && evt.target.closest("form[data-draft]");
    if (form && evt.target === draftBox(form)) {
      var key = DRAFT_PREFIX + form.dataset.draft;
      if (evt.target.value) { localStorage.setItem(key, evt.target.value); } else { localStorage.removeItem(key); }
    }
  });

  // A token rotated by a sign-in in another tab: send the cookie's current one.
  document.addEventListener("htmx:configRequest", function (evt) {
    var token = cookie("csrftoken");
    if (token) { evt.detail.headers["X-CSRFToken"] = token; }
  });

  document.addEventListener("htmx:beforeSwap", function (evt) {
    var xhr = evt.detail.xhr;
    if (xhr.status >= 400 && xhr.getResponseHeader("HX-Retarget")) {
      // The server aimed its refusal at the form's alert region: show it there.
      evt.detail.shouldSwap = true;
      evt.detail.isError = false;
    } else if (xhr.status < 300) {
      var form = evt.detail.requestConfig && evt.detail.requestConfig.elt;
      if (form && form.dataset && form.dataset.draft) {
        localStorage.removeItem(DRAFT_PREFIX + form.dataset.draft);
      }
    }
  });

  document.addEventListener("htmx:responseError", function (evt) {
    var xhr = evt.detail.xhr;
    if (xhr.getResponseHeader("HX-Retarget") || xhr.getResponseHeader("HX-Redirect")) { return; }
    var text = xhr.status === 413
      ? "That is too large to send. Your text is kept; attach a smaller file."
      : "tierdesk could not take this (error " + xhr.status + "). Your text is kept; try again.";
    say(evt.detail.elt, text, "error");
  });

  document.addEventListener("htmx:sendError", function (evt) {
    say(evt.detail.elt, "No connection to tierdesk. Your text is kept; send again when you are back online.", "error");
  });

  // Ctrl+Enter (Cmd+Enter on a Mac) sends the form being typed in.
  document.addEventListener("keydown", function (evt) {
    if (evt.key === "Enter" && (evt.ctrlKey || evt.metaKey) && evt.target.form) {
      evt.preventDefault();
      evt.target.form.requestSubmit();
    }
  });

  document.addEventListener("htmx:load", function (evt) { restoreDrafts(evt.detail.elt); });
  document.addEventListener("DOMContentLoaded", function () { restoreDrafts(document); });
})();

// Parts marked data-refresh (clocks, the queue) are fetched again every 30 seconds, so time
// left moves and new tickets appear without a reload; never while the tab is hidden or
// while the agent has something open inside (an explanation, a folded list, a selection).
(function () {
  "use strict";
  var EVERY_MS = 30000;
  setInterval(function () {
    if (document.hidden || typeof htmx === "undefined") { return; }
    document.querySelectorAll("[data-refresh]").forEach(function (part) {
      var busy = part.querySelector(".explain-slot:not(:empty), details[open], input[type=checkbox]:checked");
      if (busy || part.contains(document.activeElement)) { return; }
      htmx.ajax("GET", part.dataset.refresh, { source: part, target: part, swap: "outerHTML" });
    });
  }, EVERY_MS);
})();

// Keyboard shortcuts, listed on "?": j/k move through the queue, o opens, x selects,
// / searches, n starts a ticket, r replies, a picks the assignee.
(function () {
  "use strict";
  var current = -1;

  function rows() { return Array.prototype.slice.call(document.querySelectorAll("table.queue tbody tr[data-href]")); }

  function move(step) {
    var all = rows();
    if (!all.length) { return; }
    current = Math.min(all.length - 1, Math.max(0, current + step));
    all.forEach(function (row, i) { row.classList.toggle("current", i === current); });
    all[current].querySelector("a").focus();
  }

  function focus(selector) {
    var el = document.querySelector(selector);
    if (el) { el.focus(); }
    return !!el;
  }

  document.addEventListener("keydown", function (evt) {
    if (evt.ctrlKey || evt.metaKey || evt.altKey) { return; }
    var typing = evt.target.closest && evt.target.closest("input, textarea, select, [contenteditable]");
    if (typing) { return; }
    var all = rows(), row = all[current];
    var act = {
      "j": function () { move(1); },
      "k": function () { move(-1); },
      "o": function () { if (row) { location.href = row.dataset.href; } },
      "x": function () { var box = row && row.querySelector("input[type=checkbox]"); if (box) { box.checked = !box.checked; } },
      "/": function () { focus("form.filters input[name=q]"); },
      "n": function () { var link = document.querySelector("a[data-shortcut=new]"); if (link) { location.href = link.href; } },
      "r": function () { focus("form.reply textarea[name=body]"); },
      "a": function () { focus("form.update select[name=assignee_id]"); },
      "?": function () { var help = document.getElementById("shortcuts"); if (help) { help.showModal(); } }
    }[evt.key];
    if (act) { evt.preventDefault(); act(); }
  });

  // A refreshed queue keeps the row the agent had reached.
  document.addEventListener("htmx:afterSwap", function () {
    var all = rows();
    if (all[current]) { all[current].classList.add("current"); }
  });
})();
