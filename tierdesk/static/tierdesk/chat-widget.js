/* tierdesk chat widget: vanilla JS, no dependencies.
 *
 * Embed:  <script src="https://DESK/static/tierdesk/chat-widget.js" data-identity="TOKEN" defer></script>
 * Portal: data-mount="element-id" renders inline and uses the signed-in session.
 * Every message carries a client id, so a message resent after a reconnect is stored once.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  var base = new URL(script.src, location.href);
  var origin = base.origin;
  var wsUrl = (base.protocol === "https:" ? "wss://" : "ws://") + base.host + "/ws/chat/";
  var identity = script.dataset.identity || "";
  var mountId = script.dataset.mount || "";
  var storeKey = "tierdesk-chat:" + origin;

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text) node.textContent = text;
    return node;
  }
  function newId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return Date.now().toString(36) + Math.random().toString(36).slice(2);
  }

  // --- the panel -----------------------------------------------------------------------
  var root = el("div", { class: "tierdesk-chat", "data-state": "idle" });
  // A stylesheet beside this script, not an inline <style>: pages with a strict
  // Content-Security-Policy accept it when they accept the script.
  var style = el("link", { rel: "stylesheet", href: new URL("chat-widget.css", base).href });
  var header = el("header");
  var title = el("strong", {}, "Chat with us");
  var closeBtn = el("button", { type: "button", class: "tierdesk-leave", title: "End chat" }, "End chat");
  header.appendChild(title);
  header.appendChild(closeBtn);
  var list = el("ol", { class: "tierdesk-transcript", "aria-live": "polite" });
  var status = el("p", { class: "status", "aria-live": "polite" });
  var form = el("form", { class: "tierdesk-compose" });
  var input = el("textarea", { name: "body", rows: "2", "aria-label": "Your message", placeholder: "Type your message" });
  var send = el("button", { type: "submit" }, "Send");
  form.appendChild(input);
  form.appendChild(send);
  root.appendChild(style);
  root.appendChild(header);
  root.appendChild(list);
  root.appendChild(status);
  root.appendChild(form);

  var opener = null;
  function mount() {
    var target = mountId && document.getElementById(mountId);
    if (target) {
      target.appendChild(root);
      return;
    }
    root.classList.add("floating");
    root.hidden = true;
    opener = el("button", { type: "button", class: "tierdesk-chat-open" }, "Chat with us");
    opener.style.cssText = "position:fixed;right:16px;bottom:16px;z-index:2147483000;padding:10px 16px;border-radius:20px;background:#234;color:#fff;border:0";
    opener.addEventListener("click", function () { root.hidden = false; opener.hidden = true; input.focus(); });
    document.body.appendChild(opener);
    document.body.appendChild(root);
  }

  // --- state ---------------------------------------------------------------------------
  var saved = {};
  try { saved = JSON.parse(sessionStorage.getItem(storeKey) || "{}"); } catch (e) { saved = {}; }
  var resume = saved.resume || null;
  var startId = saved.startId || null;   // the client id of the first message: start is idempotent
  var outbox = [];                        // frames sent but not yet confirmed by the server
  var shown = {};                         // stored message id -> true
  var ws = null, retry = 0, finished = false, typingSent = 0, typingTimer = null;

  function persist() {
    sessionStorage.setItem(storeKey, JSON.stringify({ resume: resume, startId: startId }));
  }
  function setStatus(text) { status.textContent = text || ""; }

  function render(frame, pending) {
    var key = pending ? "p:" + frame.client_id : "m:" + frame.id;
    var existing = list.querySelector('[data-client="' + frame.client_id + '"]');
    if (!pending && shown[frame.id]) return;
    var item = existing || el("li");
    item.className = (frame.author || "customer") + (pending ? " pending" : "");
    item.setAttribute("data-client", frame.client_id || "");
    item.setAttribute("data-key", key);
    item.textContent = "";
    var who = el("div", { class: "who" }, (frame.name || "You") + (pending ? " · sending…" : " · " + new Date(frame.at).toLocaleTimeString()));
    item.appendChild(who);
    item.appendChild(el("div", { class: "body" }, frame.body));
    if (!existing) list.appendChild(item);
    if (!pending) shown[frame.id] = true;
    list.scrollTop = list.scrollHeight;
  }

  function showRefusal(frame) {
    finished = true;
    form.hidden = true;
    closeBtn.hidden = true;
    var box = el("div", { class: "refusal", role: "alert" });
    box.appendChild(el("p", {}, frame.message));
    var ticket = el("form", { method: "get", action: origin + frame.ticket_form, target: mountId ? "_self" : "_blank" });
    ticket.appendChild(el("strong", {}, "Write us a ticket instead"));
    var subject = el("input", { name: "subject", "aria-label": "Subject", value: "Chat request" });
    var body = el("textarea", { name: "body", rows: "3", "aria-label": "Your message" });
    body.value = outbox.map(function (f) { return f.body; }).join("\n");
    ticket.appendChild(subject);
    ticket.appendChild(body);
    ticket.appendChild(el("button", { type: "submit" }, "Continue to the ticket form"));
    box.appendChild(ticket);
    root.appendChild(box);
    outbox = [];
    resume = null;
    startId = null;
    persist();
  }

  function ended(frame) {
    finished = true;
    setStatus(frame.state === "abandoned" ? "You left the chat." : "The chat has ended. Thank you!");
    form.hidden = true;
    closeBtn.hidden = true;
    resume = null;
    startId = null;
    persist();
  }

  function onFrame(frame) {
    switch (frame.type) {
      case "started":
      case "resumed":
        if (frame.resume) resume = frame.resume;
        persist();
        // The first message is the ticket's opening message: it comes back without a client id.
        var first = startId && list.querySelector('[data-client="' + startId + '"]');
        if (first && first.classList.contains("pending")) first.remove();
        (frame.messages || []).forEach(function (m) { render(m, false); });
        outbox = outbox.filter(function (f) {
          return !(frame.messages || []).some(function (m) { return m.client_id === f.id; }) && f.type === "message";
        });
        if (frame.state === "abandoned" || frame.state === "ended") return ended(frame);
        setStatus(frame.agent ? frame.agent + " is with you." : "Waiting for an agent…");
        outbox.forEach(function (f) { ws.send(JSON.stringify(f)); });
        break;
      case "joined":
        setStatus(frame.agent + " joined the chat.");
        break;
      case "message":
        outbox = outbox.filter(function (f) { return f.id !== frame.client_id || frame.author !== "customer"; });
        render(frame, false);
        if (frame.author !== "customer") setStatus(frame.name + " is with you.");
        break;
      case "typing":
        setStatus(frame.typing ? (frame.name || "The agent") + " is typing…" : "");
        break;
      case "abandoned":
      case "ended":
        ended(frame);
        break;
      case "refused":
        showRefusal(frame);
        break;
      case "error":
        setStatus(frame.message);
        break;
    }
  }

  function connect() {
    if (finished) return;
    ws = new WebSocket(wsUrl);
    ws.onopen = function () {
      retry = 0;
      if (resume) ws.send(JSON.stringify({ type: "resume", resume: resume }));
      else if (outbox.length) ws.send(JSON.stringify(outbox[0]));
    };
    ws.onmessage = function (event) { onFrame(JSON.parse(event.data)); };
    ws.onclose = function () {
      ws = null;
      if (finished) return;
      retry = Math.min(retry + 1, 5);
      setStatus("Reconnecting…");
      setTimeout(connect, 500 * Math.pow(2, retry - 1));
    };
  }

  function sendFrame(frame) {
    outbox.push(frame);
    if (ws && ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(frame));
    else if (!ws) connect();
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var body = input.value.trim();
    if (!body || finished) return;
    input.value = "";
    var id = newId();
    if (!resume && !startId) {
      startId = id;
      persist();
      sendFrame({ type: "start", id: id, body: body, identity: identity });
    } else {
      sendFrame({ type: "message", id: id, body: body });
    }
    render({ client_id: id, body: body, author: "customer" }, true);
    typingSent = 0;
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  input.addEventListener("input", function () {
    if (!resume || !ws || ws.readyState !== WebSocket.OPEN) return;
    var now = Date.now();
    if (now - typingSent > 2000) {
      ws.send(JSON.stringify({ type: "typing", typing: true }));
      typingSent = now;
    }
    clearTimeout(typingTimer);
    typingTimer = setTimeout(function () {
      if (ws && ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ type: "typing", typing: false }));
      typingSent = 0;
    }, 3000);
  });
  closeBtn.addEventListener("click", function () {
    if (ws && ws.readyState === WebSocket.OPEN && resume) ws.send(JSON.stringify({ type: "leave" }));
    else ended({ state: "abandoned" });
  });

  function start() {
    mount();
    if (resume) connect();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
