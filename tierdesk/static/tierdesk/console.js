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

// Parts marked data-refresh (clocks, the queue, a ticket's messages) are fetched again from
// their own views: when the console's socket says their ticket changed, and every 30 seconds
// as the fallback (time left moves; a lost socket loses nothing). Never while the tab is
// hidden or the agent has something open inside (an explanation, a folded list, a selection,
// the focus): such a part is marked stale and fetched once the agent is done.
(function () {
  "use strict";
  var EVERY_MS = 30000, SOON_MS = 250, IDLE_CHECK_MS = 2000;
  // The queue is the costliest part to draw and every agent shows it: on a busy desk it is
  // fetched at most once per QUEUE_GAP_MS (a change in between marks it stale, and the idle
  // check fetches it when the gap has passed), so the server draws each agent's queue at
  // most every 5 s however many tickets change.
  var QUEUE_GAP_MS = 5000, queueFetchedAt = 0;
  var live = { open: false, opened: false };
  window.tierdeskLive = live;

  function busy(part) {
    return !!part.querySelector(".explain-slot:not(:empty), details[open], input[type=checkbox]:checked") ||
      part.contains(document.activeElement);
  }

  function refresh(part) {
    if (document.hidden || typeof htmx === "undefined" || !part.isConnected) { return; }
    if (busy(part)) { part.dataset.stale = "1"; return; }
    if (part.hasAttribute("data-live-queue")) {
      if (Date.now() - queueFetchedAt < QUEUE_GAP_MS) { part.dataset.stale = "1"; return; }
      queueFetchedAt = Date.now();
    }
    delete part.dataset.stale;
    htmx.ajax("GET", part.dataset.refresh, { source: part, target: part, swap: "outerHTML" });
  }

  setInterval(function () {
    document.querySelectorAll("[data-refresh]").forEach(function (part) {
      // A part that only changes with its ticket needs no poll while the socket is up.
      if (live.open && part.hasAttribute("data-poll-offline")) { return; }
      refresh(part);
    });
  }, EVERY_MS);

  setInterval(function () {
    document.querySelectorAll("[data-refresh][data-stale]").forEach(refresh);
  }, IDLE_CHECK_MS);
  document.addEventListener("visibilitychange", function () {
    if (!document.hidden) { document.querySelectorAll("[data-refresh][data-stale]").forEach(refresh); }
  });

  var pending = null;
  function changed(frame) {
    document.querySelectorAll("[data-live-queue], [data-live-ticket='" + frame.ticket + "']").forEach(function (part) {
      part.dataset.stale = "1";
    });
    // Several changes in a moment (a reply and its clocks) make one fetch; a steady stream
    // of changes still fetches every SOON_MS (the first change starts the wait, later ones
    // join it instead of pushing it back).
    if (pending) { return; }
    pending = setTimeout(function () {
      pending = null;
      document.querySelectorAll("[data-refresh][data-stale]").forEach(refresh);
    }, SOON_MS);
  }

  // Presence: "Dana is viewing" / "Dana is typing" on a ticket, for agents only. Each tab says
  // it is there when it opens the ticket and every 25 s; a name unheard of for 70 s, or whose
  // socket closed, is dropped; typing lasts 6 s after the last keystroke.
  var HEARTBEAT_MS = 25000, GONE_MS = 70000, TYPING_MS = 6000, TYPING_EVERY_MS = 3000;
  var others = {}, lastTyped = 0;

  function presenceLine() { return document.getElementById("presence"); }

  function drawPresence() {
    var line = presenceLine();
    if (!line) { return; }
    var now = Date.now(), parts = [];
    Object.keys(others).forEach(function (id) {
      var o = others[id];
      if (now - o.seen > GONE_MS) { delete others[id]; return; }
      parts.push(o.name + (now - o.typed < TYPING_MS ? " is typing" : " is viewing"));
    });
    var text = parts.sort().join(" · ");
    if (line.textContent !== text) { line.textContent = text; }
  }

  function presence(frame) {
    var line = presenceLine();
    if (!line || String(frame.ticket) !== line.dataset.ticket) { return; }
    if (frame.state === "left") { delete others[frame.user]; } else {
      var o = others[frame.user] || { name: frame.name, typed: 0 };
      o.seen = Date.now();
      if (frame.state === "typing") { o.typed = o.seen; }
      others[frame.user] = o;
    }
    drawPresence();
  }

  function connect(url, delay) {
    var socket = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + url);
    var ticket = presenceLine() ? Number(presenceLine().dataset.ticket) : null;
    var say = function (state) {
      if (ticket && socket.readyState === WebSocket.OPEN) { socket.send(JSON.stringify({ type: state, ticket: ticket })); }
    };
    var beat = null;
    socket.addEventListener("open", function () {
      live.open = true;
      delay = 1000;
      document.documentElement.dataset.live = "on";
      say("viewing");
      beat = setInterval(function () { say("viewing"); drawPresence(); }, HEARTBEAT_MS);
      if (live.opened) {
        // Back after a drop: anything missed meanwhile is fetched now.
        document.querySelectorAll("[data-refresh]").forEach(function (part) { part.dataset.stale = "1"; });
      }
      live.opened = true;
    });
    socket.addEventListener("message", function (evt) {
      var frame = JSON.parse(evt.data);
      if (frame.type === "changed") { changed(frame); } else if (frame.type === "presence") { presence(frame); }
    });
    socket.addEventListener("close", function () {
      live.open = false;
      document.documentElement.dataset.live = "off";
      clearInterval(beat);
      others = {};
      drawPresence();
      setTimeout(function () { connect(url, Math.min(delay * 2, 60000)); }, delay);
    });
    live.say = say;
  }

  document.addEventListener("input", function (evt) {
    if (!live.say || !evt.target.closest || !evt.target.closest("form.reply")) { return; }
    var now = Date.now();
    if (now - lastTyped > TYPING_EVERY_MS) { lastTyped = now; live.say("typing"); }
  });
  window.addEventListener("pagehide", function () { if (live.say) { live.say("left"); } });
  setInterval(drawPresence, TYPING_MS / 2);

  document.addEventListener("DOMContentLoaded", function () {
    var meta = document.querySelector("meta[name=tierdesk-live]");
    if (meta && "WebSocket" in window) { connect(meta.content, 1000); }
  });
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

// On a phone a page's filters start folded (their summary says what they are), so what they
// filter comes first; on a wider screen they stay open. The queue and the dashboard use it.
(function () {
  "use strict";
  if (!window.matchMedia("(max-width: 600px)").matches) { return; }
  document.querySelectorAll("details[data-fold-on-phone]").forEach(function (box) {
    box.open = false;
  });
})();
