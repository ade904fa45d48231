/* Tideline chat widget: one <script> tag, no build step. Talks the /ws/chat protocol (docs/protocol.md).
 *
 * <script src="https://support.example.com/widget.js" data-title="Help" async></script>
 * Options (data- attributes on the tag): data-title, data-open="true" (start open),
 * data-target="#css-selector" (render inline in that element instead of a floating launcher),
 * data-customer-id + data-customer-signature (a signed-in customer: hex HMAC-SHA256 of the id with
 * TIDELINE_CUSTOMER_SECRET, computed by the host site's server; see docs/protocol.md).
 */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || window.TidelineWidget) return;
  var base = new URL(script.src, window.location.href);
  var wsUrl = (base.protocol === "https:" ? "wss://" : "ws://") + base.host + "/ws/chat";
  var storageKey = "tideline:" + base.host;
  var title = script.getAttribute("data-title") || "Support";
  var startOpen = script.getAttribute("data-open") === "true";
  var target = script.getAttribute("data-target");
  // A signed-in customer: the host site signs the id with the secret it shares with Tideline.
  var customerId = script.getAttribute("data-customer-id");
  var customerSignature = script.getAttribute("data-customer-signature");
  var agentTypingTimer = null;

  var CSS = [
    ":host{all:initial;font:15px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#1d2330}",
    ".launcher{position:fixed;right:20px;bottom:20px;border:0;border-radius:24px;padding:12px 20px;",
    "background:#1f5fbf;color:#fff;font:inherit;font-weight:600;cursor:pointer;box-shadow:0 4px 14px rgba(0,0,0,.2)}",
    ".launcher:focus-visible,button:focus-visible,textarea:focus-visible,a:focus-visible{outline:3px solid #f5a623;outline-offset:2px}",
    ".panel{display:flex;flex-direction:column;width:370px;max-width:calc(100vw - 24px);height:540px;",
    "max-height:calc(100vh - 100px);background:#fff;border:1px solid #d5d9e0;border-radius:12px;overflow:hidden;",
    "box-shadow:0 8px 30px rgba(0,0,0,.18)}",
    ".floating{position:fixed;right:20px;bottom:80px}",
    ".panel[hidden]{display:none}",
    "header{display:flex;align-items:center;justify-content:space-between;padding:10px 14px;background:#1f5fbf;color:#fff}",
    "header h2{font-size:16px;margin:0}",
    "header button{background:transparent;border:0;color:#fff;font-size:20px;cursor:pointer;line-height:1}",
    ".status{padding:6px 14px;font-size:13px;background:#eef3fb;color:#23446f;min-height:1.2em}",
    ".status.queued{background:#fff4dd;color:#6b4500}.status.offline{background:#fde8e8;color:#7a1d1d}",
    ".log{flex:1;overflow-y:auto;padding:12px;display:flex;flex-direction:column;gap:8px}",
    ".msg{max-width:85%;padding:8px 11px;border-radius:12px;white-space:pre-wrap;word-wrap:break-word}",
    ".customer{align-self:flex-end;background:#1f5fbf;color:#fff}",
    ".customer.pending{opacity:.65}",
    ".bot,.agent{align-self:flex-start;background:#f0f2f5}",
    ".agent{background:#e6f4ea}",
    ".system{align-self:center;background:#fff4dd;font-size:13px;text-align:center}",
    ".who{display:block;font-size:11px;font-weight:600;opacity:.7;margin-bottom:2px}",
    ".sources{margin:6px 0 0;padding-left:18px;font-size:13px}",
    ".sources a{color:#1f5fbf}",
    ".error{align-self:center;color:#7a1d1d;font-size:13px}",
    ".typing{padding:0 14px 4px;font-size:12px;color:#5a6270;min-height:1.2em}",
    "form{display:flex;gap:8px;padding:10px;border-top:1px solid #e3e6eb}",
    "textarea{flex:1;resize:none;font:inherit;padding:8px;border:1px solid #c3c8d0;border-radius:8px;height:40px}",
    "form button{background:#1f5fbf;color:#fff;border:0;border-radius:8px;padding:0 16px;font:inherit;cursor:pointer}",
    "form button:disabled,textarea:disabled{opacity:.5;cursor:not-allowed}",
    ".sr-only{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}"
  ].join("");

  // --- state kept across reloads: the session, the last seq shown, messages not yet acknowledged
  function load() {
    try { return JSON.parse(localStorage.getItem(storageKey)) || {}; } catch (e) { return {}; }
  }
  var saved = load();
  var state = {
    conversationId: saved.conversationId || null,
    token: saved.token || null,
    lastSeq: saved.lastSeq || 0,
    pending: saved.pending || [],  // [{id, text}] sent but not yet acknowledged with a seq
    transcript: saved.transcript || []  // frames shown, so a reload redraws the conversation
  };
  function messageFrame(message) {
    var frame = { type: "message", id: message.id, text: message.text };
    if (customerId && customerSignature) frame.customer = { id: customerId, signature: customerSignature };
    return frame;
  }
  function save() {
    try {
      localStorage.setItem(storageKey, JSON.stringify({
        conversationId: state.conversationId, token: state.token, lastSeq: state.lastSeq,
        pending: state.pending, transcript: state.transcript.slice(-200)
      }));
    } catch (e) { /* storage full or disabled: the live conversation still works */ }
  }

  // --- the DOM, in a shadow root so the host page's styles cannot break it
  var host = document.createElement("div");
  host.setAttribute("data-tideline", "");
  var mount = target ? document.querySelector(target) : null;
  (mount || document.body).appendChild(host);
  var root = host.attachShadow({ mode: "open" });
  root.innerHTML =
    "<style>" + CSS + "</style>" +
    (mount ? "" : '<button class="launcher" type="button" aria-expanded="false" aria-controls="tl-panel">Chat with us</button>') +
    '<section id="tl-panel" class="panel' + (mount ? "" : " floating") + '" role="region" aria-label="">' +
    '<header><h2></h2>' + (mount ? "" : '<button type="button" class="close" aria-label="Close chat">×</button>') + "</header>" +
    '<div class="status" role="status" aria-live="polite"></div>' +
    '<div class="log" role="log" aria-live="polite" aria-relevant="additions" aria-label="Conversation" tabindex="0"></div>' +
    '<div class="typing" aria-live="polite"></div>' +
    '<form><label class="sr-only" for="tl-input">Your message</label>' +
    '<textarea id="tl-input" placeholder="Type your question…" maxlength="8000" aria-describedby="tl-hint"></textarea>' +
    '<span id="tl-hint" class="sr-only">Press Enter to send, Shift+Enter for a new line.</span>' +
    '<button type="submit">Send</button></form></section>';

  var panel = root.querySelector(".panel");
  var launcher = root.querySelector(".launcher");
  var closeButton = root.querySelector(".close");
  var statusEl = root.querySelector(".status");
  var log = root.querySelector(".log");
  var typingEl = root.querySelector(".typing");
  var form = root.querySelector("form");
  var input = root.querySelector("textarea");
  var sendButton = root.querySelector("form button");
  panel.setAttribute("aria-label", title + " chat");
  root.querySelector("h2").textContent = title;

  function setOpen(open) {
    if (!launcher) return;
    panel.hidden = !open;
    launcher.setAttribute("aria-expanded", String(open));
    launcher.textContent = open ? "Hide chat" : "Chat with us";
    if (open) { input.focus(); connect(); } else { launcher.focus(); }
  }
  if (launcher) {
    panel.hidden = !startOpen;
    launcher.addEventListener("click", function () { setOpen(panel.hidden); });
    closeButton.addEventListener("click", function () { setOpen(false); });
  }
  panel.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && launcher) setOpen(false);
  });

  function setStatus(text, kind) {
    statusEl.textContent = text;
    statusEl.className = "status" + (kind ? " " + kind : "");
  }

  // --- rendering
  var drafts = {};  // reply_to -> bubble being streamed
  var pendingBubbles = {};  // client message id -> bubble awaiting its seq

  function bubble(role, text) {
    var el = document.createElement("div");
    el.className = "msg " + role;
    if (role === "bot" || role === "agent") {
      var who = document.createElement("span");
      who.className = "who";
      who.textContent = role === "bot" ? "Assistant" : "Support agent";
      el.appendChild(who);
    }
    var body = document.createElement("span");
    body.className = "text";
    body.textContent = text;
    el.appendChild(body);
    log.appendChild(el);
    log.scrollTop = log.scrollHeight;
    return el;
  }

  function addSources(el, citations) {
    var links = (citations || []).filter(function (c) { return /^https?:\/\//.test(c.url || ""); });
    if (!links.length) return;
    var list = document.createElement("ol");
    list.className = "sources";
    list.setAttribute("aria-label", "Sources");
    links.forEach(function (c) {
      var item = document.createElement("li");
      var a = document.createElement("a");
      a.href = c.url;
      a.target = "_blank";
      a.rel = "noopener noreferrer";
      a.textContent = c.title || c.url;
      item.appendChild(a);
      list.appendChild(item);
    });
    el.appendChild(list);
    log.scrollTop = log.scrollHeight;
  }

  function clearDrafts() {
    Object.keys(drafts).forEach(function (k) { drafts[k].remove(); });
    drafts = {};
  }

  function showMessage(frame) {
    if (frame.role === "customer") {
      var mine = pendingBubbles[frame.client_message_id];
      if (mine) {
        mine.classList.remove("pending");
        mine.removeAttribute("aria-label");
        delete pendingBubbles[frame.client_message_id];
      } else {
        bubble("customer", frame.text);
      }
      return;
    }
    clearDrafts();
    var el = bubble(frame.role, frame.text);
    addSources(el, frame.citations);
  }

  function showError(text) {
    var el = document.createElement("div");
    el.className = "error";
    el.setAttribute("role", "alert");
    el.textContent = text;
    log.appendChild(el);
    log.scrollTop = log.scrollHeight;
  }

  function showQueue(frame) {
    var minutes = Math.max(1, Math.round((frame.estimated_wait_s || 0) / 60));
    var place = frame.position === 1 ? "next in line" : "number " + frame.position + " in the queue";
    setStatus("Waiting for a person: you're " + place + " (about " + minutes + " min).", "queued");
  }

  // --- the socket
  var socket = null;
  var attempts = 0;
  var reconnectTimer = null;
  var closedForGood = false;

  function send(frame) {
    if (socket && socket.readyState === WebSocket.OPEN) { socket.send(JSON.stringify(frame)); return true; }
    return false;
  }

  function connect() {
    if (closedForGood || (socket && socket.readyState <= WebSocket.OPEN)) return;
    clearTimeout(reconnectTimer);
    socket = new WebSocket(wsUrl);
    socket.onopen = function () {
      attempts = 0;
      setStatus(state.token ? "Reconnected." : "Connected. Ask us anything.");
      if (state.token) {
        send({ type: "resume", token: state.token, last_seq: state.lastSeq, conversation_id: state.conversationId });
      }
      // Messages written while offline (or unacknowledged before a drop) go now, with their ids:
      // the server drops any it already has.
      state.pending.forEach(function (m) { send(messageFrame(m)); });
    };
    socket.onmessage = function (event) {
      var frame;
      try { frame = JSON.parse(event.data); } catch (e) { return; }
      handle(frame);
    };
    socket.onclose = function () {
      socket = null;
      typingEl.textContent = "";
      if (closedForGood) return;
      // Exponential backoff with jitter, so a restarted server is not hit by every widget at once.
      var delay = Math.min(15000, 500 * Math.pow(2, attempts)) * (0.75 + Math.random() * 0.5);
      attempts += 1;
      setStatus("Connection lost. Reconnecting…", "offline");
      reconnectTimer = setTimeout(connect, delay);
    };
  }

  function handle(frame) {
    switch (frame.type) {
      case "session":
        state.conversationId = frame.conversation_id;
        state.token = frame.resume_token;
        if (frame.resumed) clearDrafts();  // the server resends any reply still being written
        if (frame.owner === "bot") setStatus(frame.resumed ? "Reconnected." : "Connected.");
        save();
        break;
      case "token": {
        var draft = drafts[frame.reply_to];
        if (!draft) {
          draft = drafts[frame.reply_to] = bubble("bot", "");
          draft.setAttribute("aria-busy", "true");
        }
        var body = draft.querySelector(".text");
        var have = body.textContent.length;
        if (frame.offset === 0 && have > 0 && frame.delta.length >= have) body.textContent = frame.delta;
        else if (frame.offset <= have) body.textContent += frame.delta.slice(have - frame.offset);
        log.scrollTop = log.scrollHeight;
        break;
      }
      case "message":
        if (frame.seq <= state.lastSeq) break;  // already shown: never twice
        state.lastSeq = frame.seq;
        if (frame.role === "customer") {
          state.pending = state.pending.filter(function (m) { return m.id !== frame.client_message_id; });
        }
        state.transcript.push({ role: frame.role, text: frame.text, citations: frame.citations, client_message_id: frame.client_message_id });
        showMessage(frame);
        save();
        break;
      case "typing":
        if (frame.role === "agent") {
          typingEl.textContent = frame.active ? "The support agent is typing…" : "";
          clearTimeout(agentTypingTimer);  // an agent's typing has no "stopped" frame: let it lapse
          agentTypingTimer = setTimeout(function () { typingEl.textContent = ""; }, 6000);
        } else {
          typingEl.textContent = frame.active ? "Assistant is typing…" : "";
        }
        break;
      case "handoff":
        showQueue(frame);
        break;
      case "agent_joined":
        setStatus(frame.agent && frame.agent.name
          ? frame.agent.name + " from support has joined the conversation."
          : "A support agent has joined the conversation.");
        break;
      case "returned_to_bot":
        setStatus("You're chatting with the assistant again.");
        break;
      case "closed":
        closedForGood = true;
        setStatus(frame.reason || "This conversation has ended.");
        input.disabled = sendButton.disabled = true;
        break;
      case "error":
        if (frame.code === "invalid_resume_token") {
          // The old conversation cannot be reopened: start afresh, keeping unsent messages.
          state.token = state.conversationId = null;
          state.lastSeq = 0;
          save();
          state.pending.forEach(function (m) { send(messageFrame(m)); });
          break;
        }
        if (frame.code === "rate_limited" && frame.ref) {
          var retry = state.pending.filter(function (m) { return m.id === frame.ref; })[0];
          if (retry) { setTimeout(function () { send(messageFrame(retry)); }, 1500); break; }
        }
        if (frame.ref && pendingBubbles[frame.ref]) {
          pendingBubbles[frame.ref].classList.add("failed");
          state.pending = state.pending.filter(function (m) { return m.id !== frame.ref; });
          save();
        }
        showError(frame.message);
        break;
    }
  }

  function newId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return Date.now().toString(36) + Math.random().toString(36).slice(2);
  }

  function submit() {
    var text = input.value.trim();
    if (!text || closedForGood) return;
    var message = { id: newId(), text: text };
    state.pending.push(message);
    save();
    var el = bubble("customer", text);
    el.classList.add("pending");
    el.setAttribute("aria-label", "Sending: " + text);
    pendingBubbles[message.id] = el;
    input.value = "";
    if (!send(messageFrame(message))) connect();
  }

  form.addEventListener("submit", function (event) { event.preventDefault(); submit(); });
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) { event.preventDefault(); submit(); }
  });
  var typingSent = 0;
  input.addEventListener("input", function () {
    var now = Date.now();
    if (now - typingSent > 3000) { typingSent = now; send({ type: "typing", active: true }); }
  });

  // Redraw what this browser already saw, then catch up with the server.
  state.transcript.forEach(function (m) {
    if (m.role === "customer") bubble("customer", m.text);
    else addSources(bubble(m.role, m.text), m.citations);
  });
  state.pending.forEach(function (m) {
    var el = bubble("customer", m.text);
    el.classList.add("pending");
    pendingBubbles[m.id] = el;
  });
  if (mount || startOpen || state.token) connect();

  window.TidelineWidget = {
    open: function () { setOpen(true); },
    close: function () { setOpen(false); },
    conversationId: function () { return state.conversationId; }
  };
})();
