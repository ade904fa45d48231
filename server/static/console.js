/* Tideline agent console: the shell, the live socket and the queue. One conversation's view is in
 * console-detail.js, the history and supervisor views in console-views.js; they share the `TL`
 * object. Talks to /api (REST, session cookie) and /ws/agent (live events); see
 * docs/agent-api.md. No build step, no framework: every text is set with textContent. */
(function () {
  "use strict";
  var TL = window.TidelineConsole = window.TidelineConsole || {};

  var app = document.getElementById("app");
  var toastEl = document.querySelector(".toast");
  var SEVERITY_RANK = { none: 0, low: 1, medium: 2, high: 3, critical: 4 };

  var state = TL.state = {
    me: null,
    items: {},          // handoff id -> queue row (with _seenAt: local time the row was received)
    selected: null,     // handoff id
    pkg: null,          // the selected handoff's package
    messages: {},       // seq -> message of the selected conversation
    live: [],           // readings of the selected conversation received live (after the handoff)
    replies: [],        // saved replies
    socket: null,
    retry: 0,
    // /console/outreach and /console/quality open those views
    view: { "/console/outreach": "outreach", "/console/quality": "quality" }[location.pathname] || "queue",
    queueOpen: false,   // phones: the queue list is folded away while a conversation is open
    customerTyping: null
  };

  // --- small helpers ------------------------------------------------------------------------
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      var value = attrs[key];
      if (value === null || value === undefined || value === false) return;
      if (key === "text") node.textContent = value;
      else if (key.slice(0, 2) === "on") node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? "" : value);
    });
    (children || []).forEach(function (child) {
      if (child === null || child === undefined) return;
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }
  function svg(tag, attrs, text) {
    var node = document.createElementNS("http://www.w3.org/2000/svg", tag);
    Object.keys(attrs).forEach(function (key) { node.setAttribute(key, attrs[key]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function toast(text) {
    toastEl.textContent = text;
    toastEl.hidden = false;
    clearTimeout(toast.timer);
    toast.timer = setTimeout(function () { toastEl.hidden = true; }, 4000);
  }
  function fmtWait(seconds) {
    seconds = Math.max(0, Math.round(seconds));
    if (seconds < 60) return seconds + " s";
    var minutes = Math.floor(seconds / 60);
    if (minutes < 60) return minutes + " min " + (seconds % 60) + " s";
    return Math.floor(minutes / 60) + " h " + (minutes % 60) + " min";
  }
  function fmt(value) {
    return typeof value === "number" ? (Math.round(value * 100) / 100).toString() : String(value);
  }
  function waitingNow(item) {
    return item.waiting_s + (Date.now() - item._seenAt) / 1000;
  }
  function clientId() {
    return "agent-" + Date.now().toString(36) + "-" + Math.random().toString(36).slice(2, 8);
  }
  function api(method, path, body) {
    var options = { method: method, credentials: "same-origin", headers: {} };
    if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    return fetch(path, options).then(function (response) {
      if (response.status === 204) return null;
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (response.status === 401 && path !== "/api/session") { showSignIn(); }
        if (!response.ok) {
          var detail = data && data.detail;
          var text = typeof detail === "string" ? detail
            : Array.isArray(detail) && detail[0] && detail[0].msg ? String(detail[0].msg).replace(/^Value error, /, "")
            : "That request was refused.";
          var error = new Error(text || response.statusText);
          error.status = response.status;
          throw error;
        }
        return data;
      });
    });
  }
  Object.assign(TL, { el: el, svg: svg, toast: toast, fmtWait: fmtWait, fmt: fmt, api: api, clientId: clientId, send: send, select: select, loadPackage: loadPackage });

  // --- sign in ------------------------------------------------------------------------------
  function showSignIn(message) {
    if (state.socket) { state.socket.onclose = null; state.socket.close(); state.socket = null; }
    state.me = null;
    app.textContent = "";
    var input = el("input", { id: "token", type: "password", autocomplete: "off", "aria-describedby": "token-help" });
    var problem = el("p", { class: "err", role: "alert", text: message || "" });
    var form = el("form", {
      onsubmit: function (event) {
        event.preventDefault();
        api("POST", "/api/session", { token: input.value.trim() }).then(function (me) {
          state.me = me;
          start();
        }, function (error) { problem.textContent = error.message; });
      }
    }, [
      el("label", { for: "token", text: "Agent token" }),
      input,
      el("p", { id: "token-help", class: "small", text: "The token `tideline agents add` printed for you." }),
      el("button", { type: "submit", text: "Sign in" }),
      problem
    ]);
    app.appendChild(el("main", { class: "signin" }, [el("h1", { text: "Sign in to the Tideline console" }), form]));
    input.focus();
  }

  // --- the shell ----------------------------------------------------------------------------
  var VIEWS = [["queue", "Queue"], ["history", "History"], ["outreach", "Outreach"], ["stats", "Supervisor view"],
    ["quality", "Quality"]];
  var SUPERVISOR_VIEWS = ["stats", "quality"];
  function start() {
    app.textContent = "";
    var nav = el("nav", { "aria-label": "Views" }, VIEWS.filter(function (v) {
      return SUPERVISOR_VIEWS.indexOf(v[0]) < 0 || state.me.role === "supervisor";
    }).map(function (v) {
      return el("button", { "data-view": v[0], "aria-pressed": String(state.view === v[0]), onclick: function () { switchView(v[0]); }, text: v[1] });
    }));
    app.appendChild(el("header", { class: "top" }, [
      el("h1", { text: "Tideline console" }),
      nav,
      el("span", { class: "conn offline", id: "conn", text: "Connecting…" }),
      el("span", { class: "me", text: state.me.name + " · " + state.me.role }),
      el("button", { class: "link", onclick: signOut, text: "Sign out" })
    ]));
    app.appendChild(el("div", { id: "view" }));
    if (SUPERVISOR_VIEWS.indexOf(state.view) >= 0 && state.me.role !== "supervisor") state.view = "queue";
    switchView(state.view);
    connect();
    loadReplies();
  }
  function loadReplies() {
    return api("GET", "/api/replies").then(function (replies) { state.replies = replies; }, function () {});
  }
  TL.loadReplies = loadReplies;

  function signOut() {
    api("DELETE", "/api/session").then(function () { showSignIn("Signed out."); });
  }

  function switchView(view) {
    state.view = view;
    document.querySelectorAll("header.top nav button").forEach(function (button) {
      button.setAttribute("aria-pressed", String(button.getAttribute("data-view") === view));
    });
    var holder = document.getElementById("view");
    holder.textContent = "";
    if (view === "stats") { TL.showStats(holder); return; }
    if (view === "outreach") { TL.showOutreach(holder); return; }
    if (view === "quality") { TL.showQuality(holder); return; }
    var listLabel = view === "queue" ? "Handoffs" : "History";
    var toggle = el("button", {
      class: "queue-toggle", "aria-expanded": String(state.queueOpen || !state.selected), "aria-controls": "queue-lists",
      onclick: function () { state.queueOpen = !(toggle.getAttribute("aria-expanded") === "true"); layoutQueue(); },
      text: view === "queue" ? "Queue" : "History"
    });
    holder.appendChild(el("div", { class: "layout" }, [
      el("aside", { class: "queue", id: "queue", "aria-label": listLabel }, [toggle, el("div", { id: "queue-lists" })]),
      el("main", { class: "detail", id: "detail" }, [el("p", { class: "empty", text: "Choose a handoff from the list." })])
    ]));
    if (view === "queue") renderQueue(); else TL.showHistory(document.getElementById("queue-lists"));
    layoutQueue();
    if (state.selected) TL.renderDetail();
  }
  // On a phone the list folds into one line while a conversation is open.
  function layoutQueue() {
    var aside = document.getElementById("queue");
    if (!aside) return;
    var open = state.queueOpen || !state.selected;
    aside.classList.toggle("folded", !open);
    aside.querySelector(".queue-toggle").setAttribute("aria-expanded", String(open));
  }

  // --- the live socket ----------------------------------------------------------------------
  function connect() {
    var url = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/ws/agent";
    var socket = new WebSocket(url);
    state.socket = socket;
    socket.onopen = function () {
      state.retry = 0;
      setConn(true);
      if (state.selected) send({ type: "watch", handoff_id: state.selected });
    };
    socket.onmessage = function (event) { onFrame(JSON.parse(event.data)); };
    socket.onclose = function (event) {
      setConn(false);
      if (event.code === 4401) { showSignIn("Your session has ended; sign in again."); return; }
      var delay = Math.min(15000, 500 * Math.pow(2, state.retry++));
      setTimeout(function () { if (state.me) connect(); }, delay);
    };
  }
  function send(frame) {
    if (state.socket && state.socket.readyState === WebSocket.OPEN) state.socket.send(JSON.stringify(frame));
  }
  function setConn(online) {
    var conn = document.getElementById("conn");
    if (!conn) return;
    conn.textContent = online ? "Live" : "Reconnecting…";
    conn.className = online ? "conn" : "conn offline";
  }

  function visible(item) {
    if (item.status === "waiting") return true;
    if (item.status !== "claimed") return false;
    return state.me.role === "supervisor" || item.claimed_by === state.me.id;
  }

  function onFrame(frame) {
    switch (frame.type) {
      case "hello":
        state.me.live_scores = frame.live_scores;
        break;
      case "queue":
        state.items = {};
        frame.items.forEach(function (item) { item._seenAt = Date.now(); state.items[item.id] = item; });
        renderQueue();
        break;
      case "handoff": {
        var item = frame.handoff;
        if (item.waiting_s !== undefined) item._seenAt = Date.now();
        if (item.waiting_s !== undefined && visible(item)) state.items[item.id] = item;
        else delete state.items[item.id];
        renderQueue();
        if (frame.event === "opened") toast("New handoff: " + (item.rule_text || item.rule) + " (" + item.severity + ")");
        if (item.id === state.selected) {
          if (item.waiting_s === undefined) {
            toast("Another agent claimed this conversation.");
            state.selected = null; state.pkg = null; TL.renderDetail();
          } else {
            loadPackage(item.id);
          }
        }
        break;
      }
      case "message":
        if (isSelected(frame)) {
          state.messages[frame.seq] = frame;
          // The message the customer was typing has arrived: the typing line goes.
          if (frame.role === "customer") state.customerTyping = null;
          TL.renderMessages();
          TL.renderTyping();
        }
        break;
      case "typing":
        if (isSelected(frame) && frame.role === "customer") {
          state.customerTyping = frame.active ? Date.now() : null;
          TL.renderTyping();
        }
        break;
      case "feedback":
        if (isSelected(frame) && state.messages[frame.seq]) {
          state.messages[frame.seq].feedback = frame.rating;
          TL.renderMessages();
        }
        break;
      case "note":
        if (isSelected(frame) && !state.pkg.notes.some(function (n) { return n.id === frame.note.id; })) {
          state.pkg.notes.push(frame.note);
          TL.renderNotes();
        }
        break;
      case "reading":
        // The handoff turn's own reading is already the last point of the series: plot it once.
        if (isSelected(frame) && frame.owner !== "bot" && frame.turn > state.pkg.sentiment_series.length &&
            !state.live.some(function (r) { return r.turn === frame.turn; })) {
          state.live.push(Object.assign({ turn: frame.turn }, frame.reading));
          TL.renderChart();
        }
        break;
      case "agent_joined":
      case "returned_to_bot":
      case "closed":
        if (isSelected(frame)) loadPackage(state.selected);
        break;
      case "resync":  // the server may have missed live events: re-read what is open
        if (state.selected) loadPackage(state.selected);
        break;
      case "error":
        toast(frame.message);
        break;
    }
  }
  function isSelected(frame) {
    return state.pkg && frame.conversation_id === state.pkg.conversation_id;
  }

  // --- the queue ----------------------------------------------------------------------------
  function renderQueue() {
    var waitingCount = Object.keys(state.items).filter(function (id) { return state.items[id].status === "waiting"; }).length;
    var toggle = document.querySelector(".queue-toggle");
    if (toggle && state.view === "queue") toggle.textContent = "Queue · " + waitingCount + " waiting";
    var holder = document.getElementById("queue-lists");
    if (!holder || state.view !== "queue") return;
    holder.textContent = "";
    var items = Object.keys(state.items).map(function (id) { return state.items[id]; });
    var waiting = items.filter(function (i) { return i.status === "waiting"; }).sort(function (a, b) {
      return (SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity]) || (a.created_at - b.created_at);
    });
    var held = items.filter(function (i) { return i.status === "claimed"; });
    holder.appendChild(section("Waiting (" + waiting.length + ")", "Waiting handoffs", waiting, "No one is waiting."));
    holder.appendChild(section(state.me.role === "supervisor" ? "With agents" : "Yours", "Claimed handoffs", held, "Nothing claimed."));
  }
  // One row: who, the topic, their latest words, the rule in plain words, and the wait.
  function row(item, right) {
    return el("button", {
      "aria-current": String(item.id === state.selected), "data-handoff": item.id,
      onclick: function () { select(item.id); }
    }, [
      el("div", { class: "row1" }, [
        el("span", { class: "sev " + item.severity, text: item.severity }),
        el("strong", { class: "who", text: item.customer || "Anonymous customer" }),
        item.customer_tag ? el("span", { class: "tag", "data-customer-tag": "", text: item.customer_tag }) : null,
        right
      ]),
      el("div", { class: "topic", text: (item.topic || "") + " · " + (item.rule_text || item.rule) }),
      item.latest_message ? el("div", { class: "sum", text: "“" + item.latest_message + "”" }) : null
    ]);
  }
  TL.row = row;
  function section(title, label, items, emptyText) {
    var list = el("ul", { "aria-label": label });
    items.forEach(function (item) {
      var wait = el("span", { class: "wait", "data-wait": item.id, text: item.status === "waiting" ? fmtWait(waitingNow(item)) : "claimed" });
      list.appendChild(el("li", {}, [row(item, wait)]));
    });
    return el("div", {}, [el("h2", { text: title }), items.length ? list : el("p", { class: "empty", text: emptyText })]);
  }
  setInterval(function () {
    document.querySelectorAll("[data-wait]").forEach(function (node) {
      var item = state.items[node.getAttribute("data-wait")];
      if (item && item.status === "waiting") node.textContent = fmtWait(waitingNow(item));
    });
    if (state.customerTyping && Date.now() - state.customerTyping > 6000) { state.customerTyping = null; TL.renderTyping(); }
  }, 1000);

  // --- one conversation ---------------------------------------------------------------------
  function select(id) {
    if (state.selected && state.selected !== id) send({ type: "unwatch", handoff_id: state.selected });
    state.selected = id;
    state.pkg = null;
    state.queueOpen = false;
    send({ type: "watch", handoff_id: id });
    if (state.view === "queue") renderQueue(); else TL.markHistory();
    layoutQueue();
    loadPackage(id);
  }
  function loadPackage(id) {
    return api("GET", "/api/handoffs/" + encodeURIComponent(id)).then(function (pkg) {
      if (state.selected !== id) return;
      var first = !state.pkg || state.pkg.id !== id;
      state.pkg = pkg;
      state.messages = {};
      pkg.messages.forEach(function (m) { state.messages[m.seq] = m; });
      state.live = (pkg.live_readings || []).slice();
      TL.renderDetail(first);
    }, function (error) { toast(error.message); });
  }

  // --- start --------------------------------------------------------------------------------
  api("GET", "/api/me").then(function (me) { state.me = me; start(); }, function () { showSignIn(); });
})();
