/* tierdesk chat desk: the waiting queue, accept, transcript, composer, typing, end. */
(function () {
  "use strict";
  var wsUrl = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/ws/chat/agent/";
  var $ = function (id) { return document.getElementById(id); };
  var chats = {};        // chat id -> last state frame (without messages)
  var transcripts = {};  // chat id -> [message frames]
  var current = location.hash.slice(1) || null;
  var ws = null, retry = 0, typingSent = 0, typingTimer = null;

  function newId() {
    return (window.crypto && crypto.randomUUID) ? crypto.randomUUID() : Date.now().toString(36) + Math.random().toString(36).slice(2);
  }
  function send(frame) { if (ws && ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(frame)); }
  function showError(text) { var e = $("chat-error"); e.textContent = text || ""; e.hidden = !text; }

  function item(frame, label, onClick) {
    var li = document.createElement("li");
    var a = document.createElement("a");
    a.href = "#" + frame.chat;
    a.textContent = label;
    a.addEventListener("click", function (ev) { ev.preventDefault(); onClick(); });
    li.appendChild(a);
    return li;
  }

  function renderQueue(frame) {
    var ul = $("chat-queue");
    ul.textContent = "";
    frame.chats.forEach(function (c) {
      ul.appendChild(item(c, c.tier + " · " + (c.customer || "visitor") + " · " + c.subject, function () { openChat(c.chat); }));
    });
    if (!frame.chats.length) { var li = document.createElement("li"); li.className = "meta"; li.textContent = "No chats waiting."; ul.appendChild(li); }
  }

  function renderMine() {
    var ul = $("chat-mine");
    ul.textContent = "";
    Object.keys(chats).forEach(function (id) {
      var c = chats[id];
      if (c.state !== "answered") return;
      ul.appendChild(item(c, c.tier + " · " + (c.customer || "visitor"), function () { openChat(id); }));
    });
  }

  function renderPanel() {
    var c = current && chats[current];
    $("chat-panel").hidden = !c;
    if (!c) return;
    $("chat-title").textContent = (c.customer || "Visitor") + " · " + c.tier;
    $("chat-meta").textContent = "Ticket #" + c.ticket + " · " + c.state + (c.agent ? " · " + c.agent : "");
    $("chat-accept").hidden = c.state !== "waiting";
    $("chat-end").hidden = c.state !== "answered";
    $("chat-compose").hidden = c.state !== "answered";
    var ol = $("chat-transcript");
    ol.textContent = "";
    (transcripts[current] || []).forEach(function (m) {
      var li = document.createElement("li");
      li.className = "message " + m.author;
      var who = document.createElement("div");
      who.className = "who";
      who.textContent = m.name + " · " + new Date(m.at).toLocaleTimeString();
      var body = document.createElement("div");
      body.className = "body";
      body.textContent = m.body;
      li.appendChild(who);
      li.appendChild(body);
      ol.appendChild(li);
    });
  }

  function remember(frame) {
    var copy = Object.assign({}, frame);
    if (frame.messages) transcripts[frame.chat] = frame.messages;
    delete copy.messages;
    chats[frame.chat] = Object.assign(chats[frame.chat] || {}, copy);
    renderMine();
    renderPanel();
  }

  function openChat(id) {
    current = id;
    history.replaceState(null, "", "#" + id);
    send({ type: "open", chat: id });
  }

  function onFrame(frame) {
    switch (frame.type) {
      case "hello":
        send({ type: "watch" });
        frame.active.forEach(function (id) { send({ type: "open", chat: id }); });
        if (current) send({ type: "open", chat: current });
        break;
      case "queue": renderQueue(frame); break;
      case "chat": case "accepted": case "joined": remember(frame); break;
      case "abandoned": case "ended": remember(frame); $("chat-typing").textContent = ""; break;
      case "message":
        var list = transcripts[frame.chat] = transcripts[frame.chat] || [];
        if (!list.some(function (m) { return m.id === frame.id; })) list.push(frame);
        renderPanel();
        break;
      case "typing":
        if (frame.chat === current) $("chat-typing").textContent = frame.typing ? "The customer is typing…" : "";
        break;
      case "error": showError(frame.message); break;
    }
  }

  function connect() {
    ws = new WebSocket(wsUrl);
    ws.onopen = function () { retry = 0; showError(""); };
    ws.onmessage = function (event) { onFrame(JSON.parse(event.data)); };
    ws.onclose = function (event) {
      if (event.code === 4403) { showError("Sign in as an agent to use the chat desk."); return; }
      retry = Math.min(retry + 1, 5);
      showError("Reconnecting…");
      setTimeout(connect, 500 * Math.pow(2, retry - 1));
    };
  }

  $("chat-accept").addEventListener("click", function () { showError(""); send({ type: "accept", chat: current }); });
  $("chat-end").addEventListener("click", function () { send({ type: "end", chat: current }); });
  $("chat-compose").addEventListener("submit", function (event) {
    event.preventDefault();
    var input = $("chat-input");
    var body = input.value.trim();
    if (!body) return;
    input.value = "";
    send({ type: "message", chat: current, id: newId(), body: body });
    send({ type: "typing", chat: current, typing: false });
    typingSent = 0;
  });
  $("chat-input").addEventListener("input", function () {
    var now = Date.now();
    if (now - typingSent > 2000) { send({ type: "typing", chat: current, typing: true }); typingSent = now; }
    clearTimeout(typingTimer);
    typingTimer = setTimeout(function () { send({ type: "typing", chat: current, typing: false }); typingSent = 0; }, 3000);
  });
  connect();
})();
