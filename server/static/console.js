/* Tideline agent console: the live queue, one conversation's context, the live chat, and the
 * supervisor's figures. Talks to /api (REST, session cookie) and /ws/agent (live events); see
 * docs/agent-api.md. No build step, no framework: every text is set with textContent. */
(function () {
  "use strict";

  var app = document.getElementById("app");
  var toastEl = document.querySelector(".toast");
  var SEVERITY_RANK = { none: 0, low: 1, medium: 2, high: 3, critical: 4 };

  var state = {
    me: null,
    items: {},          // handoff id -> queue row (with _seenAt: local time the row was received)
    selected: null,     // handoff id
    pkg: null,          // the selected handoff's package
    messages: {},       // seq -> message of the selected conversation
    live: [],           // readings of the selected conversation received live
    socket: null,
    retry: 0,
    view: "queue",
    customerTyping: null
  };

  // --- small helpers ------------------------------------------------------------------------
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      var value = attrs[key];
      if (value === null || value === undefined || value === false) return;
      if (key === "text") node.textContent = value;
      else if (key === "onclick") node.addEventListener("click", value);
      else if (key === "oninput") node.addEventListener("input", value);
      else if (key === "onsubmit") node.addEventListener("submit", value);
      else if (key === "onkeydown") node.addEventListener("keydown", value);
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
          var error = new Error((data && data.detail && (typeof data.detail === "string" ? data.detail : "That request was refused.")) || response.statusText);
          error.status = response.status;
          throw error;
        }
        return data;
      });
    });
  }

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
    app.appendChild(el("div", { class: "signin" }, [el("h2", { text: "Sign in to the Tideline console" }), form]));
    input.focus();
  }

  // --- the shell ----------------------------------------------------------------------------
  function start() {
    app.textContent = "";
    var nav = el("nav", { "aria-label": "Views" }, [
      el("button", { "aria-pressed": String(state.view === "queue"), onclick: function () { switchView("queue"); }, text: "Queue" }),
      state.me.role === "supervisor"
        ? el("button", { "aria-pressed": String(state.view === "stats"), onclick: function () { switchView("stats"); }, text: "Supervisor view" })
        : null
    ]);
    var header = el("header", { class: "top" }, [
      el("h1", { text: "Tideline console" }),
      nav,
      el("span", { class: "conn offline", id: "conn", text: "Connecting…" }),
      el("span", { class: "me", text: state.me.name + " · " + state.me.role }),
      el("button", { class: "link", onclick: signOut, text: "Sign out" })
    ]);
    app.appendChild(header);
    app.appendChild(el("div", { id: "view" }));
    switchView(state.view);
    connect();
  }

  function signOut() {
    api("DELETE", "/api/session").then(function () { showSignIn("Signed out."); });
  }

  function switchView(view) {
    state.view = view;
    document.querySelectorAll("header.top nav button").forEach(function (button, index) {
      button.setAttribute("aria-pressed", String((index === 0 && view === "queue") || (index === 1 && view === "stats")));
    });
    var holder = document.getElementById("view");
    holder.textContent = "";
    if (view === "queue") {
      holder.appendChild(el("div", { class: "layout" }, [
        el("aside", { class: "queue", "aria-label": "Handoffs" }, [el("div", { id: "queue-lists" })]),
        el("main", { class: "detail", id: "detail" }, [el("p", { class: "empty", text: "Choose a handoff from the queue." })])
      ]));
      renderQueue();
      if (state.selected) renderDetail();
    } else {
      holder.appendChild(el("div", { class: "stats", id: "stats" }, [el("p", { text: "Loading…" })]));
      loadStats();
    }
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
        if (frame.event === "opened") toast("New handoff: " + item.rule + " (" + item.severity + ")");
        if (item.id === state.selected) {
          if (item.waiting_s === undefined) {
            toast("Another agent claimed this conversation.");
            state.selected = null; state.pkg = null; renderDetail();
          } else {
            loadPackage(item.id);
          }
        }
        break;
      }
      case "message":
        if (isSelected(frame)) {
          state.messages[frame.seq] = frame;
          if (frame.role === "customer") state.customerTyping = null;
          renderMessages();
        }
        break;
      case "typing":
        if (isSelected(frame) && frame.role === "customer") {
          state.customerTyping = frame.active ? Date.now() : null;
          renderTyping();
        }
        break;
      case "reading":
        if (isSelected(frame) && frame.owner !== "bot") { state.live.push(frame.reading); renderChart(); }
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
    var holder = document.getElementById("queue-lists");
    if (!holder) return;
    holder.textContent = "";
    var items = Object.keys(state.items).map(function (id) { return state.items[id]; });
    var waiting = items.filter(function (i) { return i.status === "waiting"; }).sort(function (a, b) {
      return (SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity]) || (a.created_at - b.created_at);
    });
    var held = items.filter(function (i) { return i.status === "claimed"; });
    holder.appendChild(section("Waiting (" + waiting.length + ")", "Waiting handoffs", waiting, "No one is waiting."));
    holder.appendChild(section(state.me.role === "supervisor" ? "With agents" : "Yours", "Claimed handoffs", held, "Nothing claimed."));
  }
  function section(title, label, items, emptyText) {
    var list = el("ul", { "aria-label": label });
    items.forEach(function (item) {
      var firstLine = (item.summary || "").split("\n")[0].replace("Customer's first message: ", "");
      list.appendChild(el("li", {}, [
        el("button", {
          "aria-current": String(item.id === state.selected),
          "data-handoff": item.id,
          onclick: function () { select(item.id); }
        }, [
          el("div", { class: "row1" }, [
            el("span", { class: "sev " + item.severity, text: item.severity }),
            el("strong", { text: item.rule.replace(/_/g, " ") }),
            el("span", { class: "wait", "data-wait": item.id, text: item.status === "waiting" ? fmtWait(waitingNow(item)) : "claimed" })
          ]),
          el("div", { class: "sum", text: firstLine })
        ])
      ]));
    });
    return el("div", {}, [el("h2", { text: title }), items.length ? list : el("p", { class: "empty", text: emptyText })]);
  }
  setInterval(function () {
    document.querySelectorAll("[data-wait]").forEach(function (node) {
      var item = state.items[node.getAttribute("data-wait")];
      if (item && item.status === "waiting") node.textContent = fmtWait(waitingNow(item));
    });
    if (state.customerTyping && Date.now() - state.customerTyping > 6000) { state.customerTyping = null; renderTyping(); }
  }, 1000);

  // --- one conversation ---------------------------------------------------------------------
  function select(id) {
    if (state.selected && state.selected !== id) send({ type: "unwatch", handoff_id: state.selected });
    state.selected = id;
    state.pkg = null;
    send({ type: "watch", handoff_id: id });
    renderQueue();
    loadPackage(id);
  }
  function loadPackage(id) {
    return api("GET", "/api/handoffs/" + encodeURIComponent(id)).then(function (pkg) {
      if (state.selected !== id) return;
      state.pkg = pkg;
      state.messages = {};
      pkg.messages.forEach(function (m) { state.messages[m.seq] = m; });
      state.live = (pkg.live_readings || []).slice();
      renderDetail();
    }, function (error) { toast(error.message); });
  }

  function mine() {
    return state.pkg && state.pkg.status === "claimed" && state.pkg.claimed_by === state.me.id;
  }

  function act(path, body, done) {
    return api("POST", "/api/handoffs/" + encodeURIComponent(state.selected) + path, body).then(function (result) {
      if (done) done(result);
      return loadPackage(state.selected);
    }, function (error) { toast(error.message); });
  }

  function renderDetail() {
    var detail = document.getElementById("detail");
    if (!detail) return;
    detail.textContent = "";
    var pkg = state.pkg;
    if (!pkg) {
      detail.appendChild(el("p", { class: "empty", text: state.selected ? "Loading…" : "Choose a handoff from the queue." }));
      return;
    }
    var statusText = pkg.status === "waiting" ? "waiting " + fmtWait(pkg.waiting_s)
      : pkg.status === "claimed" ? (mine() ? "claimed by you" : "claimed by another agent")
      : pkg.status;
    detail.appendChild(el("h2", {}, [el("span", { class: "sev " + pkg.severity, text: pkg.severity }), " " + pkg.rule.replace(/_/g, " ")]));
    detail.appendChild(el("div", { class: "meta", id: "handoff-status", text: "Status: " + statusText + " · risk " + fmt(pkg.risk) + (pkg.customer_id ? " · customer " + pkg.customer_id : " · anonymous customer") }));

    var note = el("textarea", { id: "note", "aria-label": "What was settled", placeholder: "What was settled (the bot is told)" });
    detail.appendChild(el("div", { class: "actions" }, [
      el("button", { onclick: function () { act("/claim"); }, disabled: pkg.status !== "waiting", text: "Claim" }),
      el("button", {
        class: "secondary", disabled: !(mine() || (state.me.role === "supervisor" && (pkg.status === "claimed" || pkg.status === "waiting"))),
        onclick: function () {
          if (!note.value.trim()) { toast("Write what was settled before handing back."); note.focus(); return; }
          act("/return", { note: note.value.trim() }, function () { toast("Handed back to the bot."); });
        },
        text: "Hand back to the bot"
      }),
      el("button", {
        class: "danger", disabled: !(mine() || (state.me.role === "supervisor" && (pkg.status === "claimed" || pkg.status === "waiting"))),
        onclick: function () { act("/close", { reason: note.value.trim() }, function () { toast("Conversation closed."); }); },
        text: "Close conversation"
      })
    ]));
    detail.appendChild(el("div", { class: "handback" }, [note]));
    detail.appendChild(labelsCard(pkg));

    var left = el("div", {}, [
      el("section", { class: "card" }, [
        el("h3", { text: "Conversation" }),
        el("div", { class: "log", id: "log", role: "log", "aria-label": "Transcript", "aria-live": "polite" }),
        el("div", { class: "typing", id: "typing", "aria-live": "polite" }),
        replyBox()
      ]),
      el("section", { class: "card" }, [el("h3", { text: "Bot's summary" }), el("pre", { class: "rationale", text: pkg.summary })]),
      citedCard(pkg),
      earlierCard(pkg)
    ]);
    var right = el("div", {}, [
      el("section", { class: "card" }, [el("h3", { text: "Sentiment over the turns" }), el("div", { id: "chart" })]),
      el("section", { class: "card" }, [el("h3", { text: "Why it escalated" }), el("pre", { class: "rationale", id: "rationale", text: pkg.rationale })]),
      decisionsCard(pkg)
    ]);
    detail.appendChild(el("div", { class: "grid" }, [left, right]));
    renderMessages();
    renderTyping();
    renderChart();
  }

  function replyBox() {
    var box = el("textarea", {
      id: "reply", "aria-label": "Reply to the customer", disabled: !mine(),
      placeholder: mine() ? "Write to the customer… (Enter sends, Shift+Enter new line)" : "Claim the conversation to reply",
      oninput: function () {
        var now = Date.now();
        if (mine() && now - (replyBox.typingSent || 0) > 3000) {
          replyBox.typingSent = now;
          send({ type: "typing", handoff_id: state.selected, active: true });
        }
      },
      onkeydown: function (event) {
        if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); submit(); }
      }
    });
    function submit() {
      var text = box.value.trim();
      if (!text || !mine()) return;
      box.disabled = true;
      act("/messages", { text: text, id: clientId() }, function () { box.value = ""; replyBox.typingSent = 0; })
        .then(function () { var again = document.getElementById("reply"); if (again) again.focus(); });
    }
    return el("div", { class: "reply" }, [box, el("button", { onclick: submit, disabled: !mine(), text: "Send" })]);
  }

  function renderMessages() {
    var log = document.getElementById("log");
    if (!log) return;
    log.textContent = "";
    Object.keys(state.messages).map(Number).sort(function (a, b) { return a - b; }).forEach(function (seq) {
      var m = state.messages[seq];
      var who = { customer: "Customer", bot: "Bot", agent: "Agent", system: "Tideline" }[m.role] || m.role;
      log.appendChild(el("div", { class: "msg " + m.role, "data-seq": String(seq) }, [el("span", { class: "who", text: who }), m.text]));
    });
    log.scrollTop = log.scrollHeight;
  }
  function renderTyping() {
    var typing = document.getElementById("typing");
    if (typing) typing.textContent = state.customerTyping ? "Customer is typing…" : "";
  }

  function labelsCard(pkg) {
    var closedOrHeld = pkg.status !== "waiting";
    function choice(field, value, text) {
      return el("button", {
        class: "secondary", "aria-pressed": String(pkg[field] === value), disabled: !closedOrHeld,
        onclick: function () { var body = {}; body[field] = value; act("/label", body, function () { toast("Label saved."); }); },
        text: text
      });
    }
    return el("section", { class: "card labels", "aria-label": "Outcome labels" }, [
      el("fieldset", {}, [el("legend", { text: "Was the escalation warranted?" }), choice("warranted", true, "Warranted"), " ", choice("warranted", false, "Not warranted")]),
      el("fieldset", {}, [el("legend", { text: "Was the issue resolved?" }), choice("resolved", true, "Resolved"), " ", choice("resolved", false, "Not resolved")]),
      el("span", { class: "small", text: closedOrHeld ? "Labels calibrate the escalation policy." : "Claim it before labelling." })
    ]);
  }

  function decisionsCard(pkg) {
    var rows = pkg.decisions.map(function (d, index) {
      var fired = (d.evidence || []).filter(function (e) { return e.fired; }).map(function (e) {
        return e.rule + ": " + e.measure + " = " + fmt(e.value) + " " + e.comparison + " " + fmt(e.threshold);
      });
      return el("tr", { class: d.escalate ? "fired" : "" }, [
        el("td", { text: String(index + 1) }),
        el("td", { text: d.rule || "–" }),
        el("td", { text: d.severity }),
        el("td", { text: fmt(d.risk) }),
        el("td", { text: fired.join("; ") || d.reason })
      ]);
    });
    return el("section", { class: "card" }, [
      el("h3", { text: "Decision records" }),
      el("table", { "aria-label": "Decision records" }, [
        el("thead", {}, [el("tr", {}, ["Turn", "Rule", "Severity", "Risk", "Evidence (value against threshold)"].map(function (h) { return el("th", { text: h }); }))]),
        el("tbody", {}, rows)
      ]),
      pkg.priority_log.length ? el("p", { class: "small", text: "Priority: " + pkg.priority_log.map(function (p) { return p.applied + " (" + p.reason + ")"; }).join("; ") }) : null
    ]);
  }

  function citedCard(pkg) {
    var docs = pkg.cited_docs || [];
    return el("section", { class: "card" }, [
      el("h3", { text: "Help-centre articles cited" }),
      docs.length ? el("ul", {}, docs.map(function (d) {
        return el("li", {}, [d.url ? el("a", { href: d.url, target: "_blank", rel: "noopener", text: d.title || d.doc_id }) : (d.title || d.doc_id)]);
      })) : el("p", { class: "empty", text: "The bot cited no article." })
    ]);
  }

  function earlierCard(pkg) {
    var earlier = pkg.earlier_conversations || [];
    var body;
    if (!pkg.customer_id) body = el("p", { class: "empty", text: "Anonymous customer: no history." });
    else if (!earlier.length) body = el("p", { class: "empty", text: "First conversation of this customer." });
    else body = el("ul", { "aria-label": "Earlier conversations" }, earlier.map(function (c) {
      var arc = c.entry_score !== null && c.latest_score !== null ? " · mood " + fmt(c.entry_score) + " → " + fmt(c.latest_score) : "";
      var handed = c.handoffs.length ? " · handed over (" + c.handoffs.map(function (h) { return h.rule + (h.resolved === false ? ", unresolved" : h.resolved ? ", resolved" : ""); }).join("; ") + ")" : "";
      return el("li", { text: new Date(c.created_at * 1000).toLocaleString() + ": “" + (c.opening || "") + "”" + arc + handed });
    }));
    return el("section", { class: "card" }, [el("h3", { text: "Earlier conversations" }), body]);
  }

  // The score (−1…1) and frustration (0…1) of each customer message, on one axis, with the
  // policy's thresholds and the turn where a rule fired.
  function renderChart() {
    var holder = document.getElementById("chart");
    if (!holder || !state.pkg) return;
    holder.textContent = "";
    var pkg = state.pkg;
    var readings = pkg.sentiment_series.concat(state.live);
    var W = 520, H = 230, L = 34, R = 12, T = 12, B = 26;
    var n = Math.max(readings.length, 2);
    function x(i) { return L + (W - L - R) * (n === 1 ? 0.5 : i / (n - 1)); }
    function y(v) { return T + (H - T - B) * (1 - (v + 1) / 2); }
    var chart = svg("svg", { viewBox: "0 0 " + W + " " + H, width: "100%", role: "img", "aria-label": "Score and frustration over the customer's messages" });
    [-1, -0.5, 0, 0.5, 1].forEach(function (v) {
      chart.appendChild(svg("line", { x1: L, x2: W - R, y1: y(v), y2: y(v), stroke: v === 0 ? "#b8bec8" : "#eceff3" }));
      chart.appendChild(svg("text", { x: 4, y: y(v) + 4 }, String(v)));
    });
    var t = pkg.thresholds || {};
    var lines = [
      ["critical_frustration", "#7a1d1d", "critical frustration"],
      ["frustration", "#e07b00", "frustration"],
      ["negative_score", "#1f5fbf", "negative score"]
    ];
    lines.forEach(function (line) {
      if (t[line[0]] === undefined) return;
      chart.appendChild(svg("line", { x1: L, x2: W - R, y1: y(t[line[0]]), y2: y(t[line[0]]), stroke: line[1], "stroke-dasharray": "5 4", "stroke-width": 1, "data-threshold": line[0] }));
      chart.appendChild(svg("text", { x: W - R - 4, y: y(t[line[0]]) - 3, "text-anchor": "end" }, line[2] + " " + t[line[0]]));
    });
    var firedIndex = -1;
    pkg.decisions.forEach(function (d, i) { if (firedIndex < 0 && d.escalate) firedIndex = i; });
    if (firedIndex >= 0 && firedIndex < readings.length) {
      chart.appendChild(svg("line", { x1: x(firedIndex), x2: x(firedIndex), y1: T, y2: H - B, stroke: "#c62828", "stroke-width": 2, "data-fired-turn": String(firedIndex + 1) }));
      var nearRight = x(firedIndex) > W / 2;
      chart.appendChild(svg("text", { x: x(firedIndex) + (nearRight ? -4 : 4), y: H - B - 6, "text-anchor": nearRight ? "end" : "start", fill: "#c62828" }, (pkg.decisions[firedIndex].rule || "").replace(/_/g, " ") + " fired at turn " + (firedIndex + 1)));
    }
    if (state.live.length) {
      var split = pkg.sentiment_series.length - 0.5;
      var xs = L + (W - L - R) * (split / (n - 1));
      chart.appendChild(svg("text", { x: xs + 4, y: H - B - 4 }, "live →"));
    }
    function path(key, colour, name) {
      var d = readings.map(function (r, i) { return (i ? "L" : "M") + x(i).toFixed(1) + " " + y(r[key]).toFixed(1); }).join(" ");
      chart.appendChild(svg("path", { d: d, fill: "none", stroke: colour, "stroke-width": 2.2, "data-series": name }));
      readings.forEach(function (r, i) {
        chart.appendChild(svg("circle", { cx: x(i), cy: y(r[key]), r: 3, fill: colour }));
      });
    }
    path("score", "#1f5fbf", "score");
    path("frustration", "#e07b00", "frustration");
    readings.forEach(function (r, i) { chart.appendChild(svg("text", { x: x(i) - 3, y: H - 8 }, String(i + 1))); });
    holder.appendChild(chart);
    holder.appendChild(el("div", { class: "legend" }, [
      el("span", {}, [el("span", { class: "swatch", style: "background:#1f5fbf" }), "score (−1 … 1)"]),
      el("span", {}, [el("span", { class: "swatch", style: "background:#e07b00" }), "frustration (0 … 1)"]),
      el("span", {}, [el("span", { class: "swatch", style: "background:#c62828" }), "turn where a rule fired"]),
      state.me.live_scores ? null : el("span", { text: "Live scores after the handoff are shown to supervisors." })
    ]));
  }

  // --- supervisor view ----------------------------------------------------------------------
  function loadStats() {
    api("GET", "/api/stats?days=7").then(renderStats, function (error) {
      var holder = document.getElementById("stats");
      if (holder) { holder.textContent = ""; holder.appendChild(el("p", { class: "problem", text: error.message })); }
    });
  }
  function tile(big, label, small, cls) {
    return el("div", { class: "tile" }, [el("div", { class: "big " + (cls || ""), text: big }), el("div", { text: label }), small ? el("div", { class: "small", text: small }) : null]);
  }
  function renderStats(s) {
    var holder = document.getElementById("stats");
    if (!holder) return;
    holder.textContent = "";
    var rate = s.escalation_rate === null ? "–" : (s.escalation_rate * 100).toFixed(1) + " %";
    var band = (s.healthy_band[0] * 100) + "–" + (s.healthy_band[1] * 100) + " %";
    holder.appendChild(el("h2", { text: "Last " + s.window_days + " days" }));
    holder.appendChild(el("div", { class: "tiles", "aria-label": "Key figures" }, [
      tile(rate, "escalation rate", s.escalation_rate === null ? "no conversations yet" : (s.in_band ? "inside" : "outside") + " the healthy band " + band, s.escalation_rate === null ? "" : (s.in_band ? "ok" : "off")),
      tile(String(s.conversations), "conversations", s.escalated + " handed to a person"),
      tile(s.median_wait_s === null ? "–" : fmtWait(s.median_wait_s), "median wait for an agent", s.claimed + " claimed"),
      tile(String(s.waiting_now), "waiting now", s.longest_wait_now_s === null ? "" : "longest " + fmtWait(s.longest_wait_now_s)),
      tile(s.labels.labelled ? s.labels.warranted + " / " + s.labels.labelled : "–", "escalations labelled warranted", s.labels.resolved + " resolved, " + s.labels.unresolved + " not")
    ]));
    var rules = Object.keys(s.escalations_by_rule);
    var most = Math.max.apply(null, rules.map(function (r) { return s.escalations_by_rule[r]; }).concat([1]));
    holder.appendChild(el("section", { class: "card" }, [
      el("h3", { text: "Escalations by rule" }),
      rules.length ? el("table", { "aria-label": "Escalations by rule" }, [el("tbody", {}, rules.map(function (r) {
        return el("tr", {}, [el("td", { text: r }), el("td", { text: String(s.escalations_by_rule[r]) }), el("td", { style: "width:50%" }, [el("div", { class: "bar", style: "width:" + (100 * s.escalations_by_rule[r] / most) + "%" })])]);
      }))]) : el("p", { class: "empty", text: "No escalations in this window." })
    ]));
    var arc = s.arc;
    holder.appendChild(el("section", { class: "card", "aria-label": "Sentiment arc" }, [
      el("h3", { text: "Did customers leave better or worse than they arrived?" }),
      el("p", { text: arc.measured ? ("Of " + arc.measured + " conversations with two or more messages: " + arc.improved + " left better, " + arc.unchanged + " about the same, " + arc.worse + " worse. Mean score on arrival " + fmt(arc.mean_entry) + ", on leaving " + fmt(arc.mean_exit) + ".") : "No conversation has two customer messages yet." }),
      el("p", { class: "small", text: arc.single_message + " conversations had a single message (no arc)." })
    ]));
    holder.appendChild(el("section", { class: "card" }, [
      el("h3", { text: "Articles most often involved in conversations that went badly" }),
      s.articles_in_bad_conversations.length ? el("table", { "aria-label": "Articles in conversations that went badly" }, [
        el("thead", {}, [el("tr", {}, ["Article", "Went badly", "Cited in", "Share"].map(function (h) { return el("th", { text: h }); }))]),
        el("tbody", {}, s.articles_in_bad_conversations.map(function (a) {
          return el("tr", {}, [el("td", { text: a.title || a.doc_id }), el("td", { text: String(a.bad_conversations) }), el("td", { text: String(a.conversations) }), el("td", { text: Math.round(a.bad_share * 100) + " %" })]);
        }))
      ]) : el("p", { class: "empty", text: "None yet." }),
      el("p", { class: "small", text: "Went badly: handed to a person, left worse than it began, or labelled not resolved." })
    ]));
  }

  // --- start --------------------------------------------------------------------------------
  api("GET", "/api/me").then(function (me) { state.me = me; start(); }, function () { showSignIn(); });
})();
