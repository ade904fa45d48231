/* Tideline chat widget: one <script> tag, no build step. Talks the /ws/chat protocol (docs/protocol.md).
 *
 * <script src="https://support.example.com/widget.js" data-title="Help" async></script>
 * Options (data- attributes on the tag): data-title, data-open="true" (start open),
 * data-target="#css-selector" (render inline in that element instead of a floating launcher),
 * data-greeting="Hi! …" and data-suggestions="First question|Second question" (the greeting and
 * the suggested questions shown before the first message),
 * data-customer-id + data-customer-signature (a signed-in customer: hex HMAC-SHA256 of the id with
 * TIDELINE_CUSTOMER_SECRET, computed by the host site's server; see docs/protocol.md).
 *
 * Every text from the server is set with textContent; bot and agent messages get a small Markdown
 * subset (lists, **bold**, http(s) links) built as DOM nodes, never as HTML.
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
  var greeting = script.getAttribute("data-greeting") || "Hi! Ask us anything: we answer from our help centre, and a person from our team can join when you need one.";
  var suggestions = (script.getAttribute("data-suggestions") || "").split("|")
    .map(function (s) { return s.trim(); }).filter(Boolean).slice(0, 4);
  // A signed-in customer: the host site signs the id with the secret it shares with Tideline.
  var customerId = script.getAttribute("data-customer-id");
  var customerSignature = script.getAttribute("data-customer-signature");
  var agentTypingTimer = null;

  // Colours keep text at 4.5:1 or more against its background (WCAG AA), checked by axe-core.
  var CSS = [
    ":host{all:initial;font:15px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#1d2330}",
    "*{box-sizing:border-box}",
    ".launcher{position:fixed;right:20px;bottom:20px;border:0;border-radius:24px;padding:12px 20px;z-index:2147483000;",
    "background:#1f5fbf;color:#fff;font:inherit;font-weight:600;cursor:pointer;box-shadow:0 4px 14px rgba(0,0,0,.2)}",
    "button:focus-visible,textarea:focus-visible,a:focus-visible,.log:focus-visible{outline:3px solid #b35900;outline-offset:2px}",
    ".panel{display:flex;flex-direction:column;width:370px;max-width:100%;height:540px;",
    "max-height:calc(100vh - 100px);background:#fff;border:1px solid #d5d9e0;border-radius:12px;overflow:hidden;",
    "box-shadow:0 8px 30px rgba(0,0,0,.18)}",
    ".inline{width:100%;max-height:min(540px,calc(100vh - 24px))}",
    ".floating{position:fixed;right:20px;bottom:80px;max-width:calc(100vw - 24px);z-index:2147483000}",
    // On a phone the floating chat takes the whole screen, as native chat apps do.
    "@media (max-width:520px){.floating{inset:0;width:100%;max-width:none;height:100%;max-height:none;border-radius:0;border:0}",
    ".launcher[aria-expanded=true]{display:none}}",
    ".panel[hidden]{display:none}",
    "header{display:flex;align-items:center;justify-content:space-between;padding:10px 14px;background:#1f5fbf;color:#fff}",
    "header h2{font-size:16px;margin:0}",
    "header button{background:transparent;border:0;color:#fff;font-size:22px;cursor:pointer;line-height:1;min-width:32px;min-height:32px}",
    ".status{padding:6px 14px;font-size:13px;background:#eef3fb;color:#23446f;min-height:1.2em}",
    ".status.queued{background:#fff4dd;color:#5c3b00}.status.offline{background:#fde8e8;color:#7a1d1d}",
    ".log{position:relative;flex:1;overflow-y:auto;padding:12px;display:flex;flex-direction:column;gap:8px}",
    ".msg{max-width:85%;padding:8px 11px;border-radius:12px;word-wrap:break-word;overflow-wrap:anywhere}",
    ".msg .text{white-space:pre-wrap}.msg .rich{white-space:normal}",
    ".rich p{margin:0 0 6px}.rich p:last-child{margin-bottom:0}.rich ul,.rich ol{margin:4px 0 6px;padding-left:20px}",
    ".rich a,.sources a{color:#1a4f9e}",
    ".customer{align-self:flex-end;background:#1f5fbf;color:#fff}",
    ".customer.pending{background:#fff;color:#1d2330;border:1px dashed #1f5fbf}",
    ".customer.failed{background:#fff;color:#7a1d1d;border:1px solid #a33}",
    ".bot,.agent{align-self:flex-start;background:#f0f2f5}",
    ".agent{background:#e6f4ea}",
    ".system{align-self:center;background:#fff4dd;font-size:13px;text-align:center}",
    ".meta{display:flex;gap:8px;align-items:baseline;font-size:11.5px;margin-bottom:2px;color:#444b57}",
    ".customer .meta{color:#fff;justify-content:flex-end}.customer.pending .meta,.customer.failed .meta{color:#444b57}",
    ".who{font-weight:600}",
    ".note{align-self:flex-end;font-size:12px;color:#444b57;margin-top:-4px}",
    ".marker{align-self:center;font-size:12px;color:#444b57;padding:2px 10px;border-top:1px solid #e3e6eb}",
    ".sources{margin:6px 0 0;padding-left:18px;font-size:13px}",
    ".rate{display:flex;gap:6px;margin-top:6px}",
    ".rate button{background:#fff;border:1px solid #c3c8d0;border-radius:14px;padding:2px 10px;font:inherit;font-size:13px;cursor:pointer;color:#1d2330}",
    ".rate button[aria-pressed=true]{background:#1f5fbf;border-color:#1f5fbf;color:#fff}",
    ".greeting{align-self:flex-start;max-width:90%;background:#f0f2f5}",
    ".survey{align-self:stretch;border:1px solid #d5d9e0;border-radius:10px;padding:10px;background:#fafbfc}",
    ".survey h3{font-size:14px;margin:0 0 6px}.survey .rate{flex-wrap:wrap}",
    ".survey label{display:block;font-size:13px;margin:8px 0 4px}",
    ".survey textarea{width:100%;height:56px}.survey .send-comment{margin-top:6px;background:#1f5fbf;color:#fff;border:0;border-radius:8px;padding:6px 12px;font:inherit;cursor:pointer}",
    ".survey .thanks{font-size:13px;margin:6px 0 0}",
    "header .end{font-size:13px;border:1px solid #fff;border-radius:8px;padding:3px 10px;margin-left:auto;margin-right:6px}",
    "header .end[hidden]{display:none}",
    ".suggest{display:flex;flex-wrap:wrap;gap:6px}",
    ".suggest button{background:#fff;border:1px solid #1f5fbf;color:#1a4f9e;border-radius:16px;padding:5px 12px;font:inherit;font-size:13.5px;cursor:pointer;text-align:left}",
    ".error{align-self:center;color:#7a1d1d;font-size:13px}",
    ".typing{padding:0 14px 4px;font-size:12px;color:#444b57;min-height:1.2em}",
    ".restart{display:flex;justify-content:center;padding:8px 10px 0}",
    ".restart[hidden]{display:none}",
    ".restart button{background:#1f5fbf;color:#fff;border:0;border-radius:8px;padding:8px 14px;font:inherit;cursor:pointer}",
    "form{display:flex;gap:8px;padding:10px;border-top:1px solid #e3e6eb}",
    "textarea{flex:1;min-width:0;resize:none;font:inherit;padding:8px;border:1px solid #6b7280;border-radius:8px;height:40px;color:#1d2330}",
    "textarea::placeholder{color:#5a6270}",
    "form button{background:#1f5fbf;color:#fff;border:0;border-radius:8px;padding:0 16px;font:inherit;cursor:pointer}",
    "form button:disabled{background:#5a6270;cursor:not-allowed}",
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
    transcript: saved.transcript || [],  // entries shown, so a reload redraws the conversation
    owner: saved.owner || "bot",  // bot | queued | human | closed, as the server last said
    agentName: saved.agentName || null,  // the person who joined, named on their messages
    survey: saved.survey || null,  // {asked, score, comment}: the rating of the conversation that ended
    pendingRating: null  // a rating frame waiting for the socket to reconnect
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
        pending: state.pending, transcript: state.transcript.slice(-200), owner: state.owner,
        agentName: state.agentName, survey: state.survey
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
    '<section id="tl-panel" class="panel' + (mount ? " inline" : " floating") + '" role="region" aria-label="">' +
    '<header><h2></h2><button type="button" class="end" hidden>End chat</button>' + (mount ? "" : '<button type="button" class="close" aria-label="Close chat">×</button>') + "</header>" +
    '<div class="status" role="status" aria-live="polite"></div>' +
    '<div class="log" role="log" aria-live="polite" aria-relevant="additions" aria-label="Conversation" tabindex="0"></div>' +
    '<div class="typing" aria-live="polite"></div>' +
    '<div class="restart" hidden><button type="button">Start a new conversation</button></div>' +
    '<form><label class="sr-only" for="tl-input">Your message</label>' +
    '<textarea id="tl-input" placeholder="Type your question…" maxlength="8000" aria-describedby="tl-hint"></textarea>' +
    '<span id="tl-hint" class="sr-only">Press Enter to send, Shift+Enter for a new line.</span>' +
    '<button type="submit">Send</button></form></section>';

  var panel = root.querySelector(".panel");
  var launcher = root.querySelector(".launcher");
  var closeButton = root.querySelector(".close");
  var endButton = root.querySelector(".end");
  var statusEl = root.querySelector(".status");
  var log = root.querySelector(".log");
  var typingEl = root.querySelector(".typing");
  var restart = root.querySelector(".restart");
  var form = root.querySelector("form");
  var input = root.querySelector("textarea");
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
    launcher.setAttribute("aria-expanded", String(startOpen));
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

  // --- a safe Markdown subset: paragraphs, - and 1. lists, **bold**, [text](https://…), bare URLs
  var SAFE_URL = /^(https?:\/\/|mailto:)/i;
  function inline(parent, text) {
    var pattern = /\*\*([^*\n]+)\*\*|\[([^\]\n]+)\]\(([^)\s]+)\)|(https?:\/\/[^\s<>()]+[^\s<>().,;:!?'"])/g;
    var at = 0, match;
    while ((match = pattern.exec(text))) {
      if (match.index > at) parent.appendChild(document.createTextNode(text.slice(at, match.index)));
      if (match[1]) {
        var strong = document.createElement("strong");
        strong.textContent = match[1];
        parent.appendChild(strong);
      } else {
        var url = match[3] || match[4];
        var label = match[2] || match[4];
        if (SAFE_URL.test(url)) {
          var a = document.createElement("a");
          a.href = url;
          a.target = "_blank";
          a.rel = "noopener noreferrer";
          a.textContent = label;
          parent.appendChild(a);
        } else {
          parent.appendChild(document.createTextNode(match[0]));  // javascript: and friends stay text
        }
      }
      at = pattern.lastIndex;
    }
    if (at < text.length) parent.appendChild(document.createTextNode(text.slice(at)));
  }
  function rich(container, text) {
    container.textContent = "";
    var list = null, listKind = null, paragraph = [];
    function flush() {
      if (!paragraph.length) return;
      var p = document.createElement("p");
      paragraph.forEach(function (line, i) {
        if (i) p.appendChild(document.createElement("br"));
        inline(p, line);
      });
      container.appendChild(p);
      paragraph = [];
    }
    String(text).split("\n").forEach(function (line) {
      var bullet = /^\s*[-*•]\s+(.*)$/.exec(line);
      var number = /^\s*\d+[.)]\s+(.*)$/.exec(line);
      var item = bullet || number;
      if (item) {
        flush();
        var kind = bullet ? "ul" : "ol";
        if (!list || listKind !== kind) {
          list = document.createElement(kind);
          listKind = kind;
          container.appendChild(list);
        }
        var li = document.createElement("li");
        inline(li, item[1]);
        list.appendChild(li);
        return;
      }
      list = listKind = null;
      if (line.trim()) paragraph.push(line); else flush();
    });
    flush();
  }

  // --- rendering
  var drafts = {};  // reply_to -> bubble being streamed
  var pendingBubbles = {};  // client message id -> bubble awaiting its seq
  var bubblesBySeq = {};  // seq -> bubble (for the thumbs)

  function clock(at) {
    if (!at) return "";
    return new Date(at * 1000).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  }

  function whoIs(entry) {
    if (entry.role === "bot") return "Assistant";
    if (entry.role === "agent") return entry.agent || "Support agent";
    if (entry.role === "customer") return "You";
    return "";
  }

  // Scroll so a new answer starts in view: its beginning, not its end, when it is long.
  function reveal(el) {
    var top = el.offsetTop - 8;
    log.scrollTop = Math.min(top, log.scrollHeight - log.clientHeight);
  }
  function toEnd() { log.scrollTop = log.scrollHeight; }

  function bubble(entry) {
    var el = document.createElement("div");
    el.className = "msg " + entry.role;
    if (entry.role !== "system") {
      var meta = document.createElement("div");
      meta.className = "meta";
      var who = document.createElement("span");
      who.className = "who";
      who.textContent = whoIs(entry);
      meta.appendChild(who);
      var time = document.createElement("time");
      time.className = "at";
      if (entry.at) {
        time.dateTime = new Date(entry.at * 1000).toISOString();
        time.textContent = clock(entry.at);
      }
      meta.appendChild(time);
      el.appendChild(meta);
    }
    var body = document.createElement("div");
    body.className = "text";
    if (entry.role === "bot" || entry.role === "agent") {
      body.className = "text rich";
      rich(body, entry.text);
    } else {
      body.textContent = entry.text;
    }
    el.appendChild(body);
    log.appendChild(el);
    if (entry.role === "customer") toEnd(); else reveal(el);
    return el;
  }

  function marker(text) {
    var el = document.createElement("div");
    el.className = "marker";
    el.textContent = text;
    log.appendChild(el);
    toEnd();
  }
  function waitingNote(after) {
    var el = document.createElement("div");
    el.className = "note";
    el.textContent = "A person will see this when they join.";
    after.insertAdjacentElement("afterend", el);
    toEnd();
  }

  function addSources(el, citations) {
    // A relative URL (the sample help centre's /help/<doc_id>) is a page of this Tideline server.
    var links = (citations || []).map(function (c) {
      var url = "";
      try { url = c.url ? new URL(c.url, base).href : ""; } catch (e) { url = ""; }
      return { title: c.title, url: url };
    }).filter(function (c) { return /^https?:\/\//.test(c.url); });
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
  }

  // Thumbs up / down under each answer of the bot: stored with the message (docs/protocol.md).
  function addRating(el, entry) {
    var group = document.createElement("div");
    group.className = "rate";
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", "Was this answer helpful?");
    [["up", "👍 Helpful"], ["down", "👎 Not helpful"]].forEach(function (choice) {
      var b = document.createElement("button");
      b.type = "button";
      b.setAttribute("data-rating", choice[0]);
      b.setAttribute("aria-pressed", String(entry.feedback === choice[0]));
      b.textContent = choice[1];
      b.addEventListener("click", function () {
        if (send({ type: "feedback", seq: entry.seq, rating: choice[0] })) showFeedback(entry.seq, choice[0]);
      });
      group.appendChild(b);
    });
    el.appendChild(group);
    bubblesBySeq[entry.seq] = el;
  }
  function showFeedback(seq, rating) {
    state.transcript.forEach(function (e) { if (e.seq === seq) e.feedback = rating; });
    save();
    var el = bubblesBySeq[seq];
    if (!el) return;
    el.querySelectorAll(".rate button").forEach(function (b) {
      b.setAttribute("aria-pressed", String(b.getAttribute("data-rating") === rating));
    });
  }

  function draw(entry) {
    if (entry.kind === "marker") { marker(entry.text); return null; }
    var el = bubble(entry);
    addSources(el, entry.citations);
    if (entry.role === "bot" && entry.seq) addRating(el, entry);
    if (entry.role === "customer" && entry.waiting) waitingNote(el);
    if (entry.role !== "customer") reveal(el);
    return el;
  }

  function clearDrafts() {
    Object.keys(drafts).forEach(function (k) { drafts[k].remove(); });
    drafts = {};
  }

  function showMessage(entry) {
    if (entry.role === "customer") {
      var mine = pendingBubbles[entry.client_message_id];
      if (mine) {
        mine.classList.remove("pending");
        mine.removeAttribute("aria-label");
        var time = mine.querySelector("time");
        time.dateTime = new Date(entry.at * 1000).toISOString();
        time.textContent = clock(entry.at);
        delete pendingBubbles[entry.client_message_id];
        if (entry.waiting) waitingNote(mine);
      } else {
        draw(entry);
      }
      return;
    }
    clearDrafts();
    draw(entry);
  }

  function showError(text) {
    var el = document.createElement("div");
    el.className = "error";
    el.setAttribute("role", "alert");
    el.textContent = text;
    log.appendChild(el);
    toEnd();
  }

  function showQueue(frame) {
    var minutes = Math.max(1, Math.round((frame.estimated_wait_s || 0) / 60));
    var place = frame.position === 1 ? "next in line" : "number " + frame.position + " in the queue";
    setStatus("Waiting for a person: you're " + place + " (about " + minutes + " min).", "queued");
  }

  function greet() {
    if (state.transcript.length || state.pending.length) return;
    var hello = document.createElement("div");
    hello.className = "msg greeting";
    var text = document.createElement("div");
    text.className = "text";
    text.textContent = greeting;
    hello.appendChild(text);
    log.appendChild(hello);
    if (!suggestions.length) return;
    var box = document.createElement("div");
    box.className = "suggest";
    box.setAttribute("role", "group");
    box.setAttribute("aria-label", "Suggested questions");
    suggestions.forEach(function (question) {
      var b = document.createElement("button");
      b.type = "button";
      b.textContent = question;
      b.addEventListener("click", function () { box.remove(); ask(question); });
      box.appendChild(b);
    });
    log.appendChild(box);
  }

  // --- the rating of a conversation that ended: one tap (1-5), then an optional comment
  var SCORES = ["Very poor", "Poor", "OK", "Good", "Very good"];
  var surveyEl = null;
  function showSurvey(question) {
    state.survey = state.survey || { asked: true, score: null, comment: null };
    state.survey.question = question || state.survey.question || "How was this conversation?";
    save();
    if (surveyEl) return;
    surveyEl = document.createElement("section");
    surveyEl.className = "survey";
    surveyEl.setAttribute("aria-labelledby", "tl-survey-q");
    var heading = document.createElement("h3");
    heading.id = "tl-survey-q";
    heading.textContent = state.survey.question;
    surveyEl.appendChild(heading);
    var group = document.createElement("div");
    group.className = "rate";
    group.setAttribute("role", "group");
    group.setAttribute("aria-labelledby", "tl-survey-q");
    SCORES.forEach(function (words, i) {
      var b = document.createElement("button");
      b.type = "button";
      b.setAttribute("data-score", String(i + 1));
      b.setAttribute("aria-pressed", "false");
      b.textContent = (i + 1) + " – " + words;
      b.addEventListener("click", function () { rate(i + 1, null); });
      group.appendChild(b);
    });
    surveyEl.appendChild(group);
    log.appendChild(surveyEl);
    if (state.survey.score) showRated(state.survey.score, state.survey.comment);
    toEnd();
  }
  function sendQuality(frame) {
    if (send(frame)) return;
    state.pendingRating = frame;  // sent once the socket is back (a closed chat reconnects for it)
    connect(true);
  }
  function rate(score, comment) {
    var frame = { type: "rating", score: score };
    if (comment) frame.comment = comment;
    sendQuality(frame);
    showRated(score, comment);
  }
  function showRated(score, comment) {
    state.survey.score = score;
    if (comment !== null && comment !== undefined) state.survey.comment = comment;
    save();
    if (!surveyEl) return;
    surveyEl.querySelectorAll(".rate button").forEach(function (b) {
      b.setAttribute("aria-pressed", String(b.getAttribute("data-score") === String(score)));
    });
    var thanks = surveyEl.querySelector(".thanks");
    if (!thanks) {
      var label = document.createElement("label");
      label.setAttribute("for", "tl-comment");
      label.textContent = "Anything to add? (optional)";
      var box = document.createElement("textarea");
      box.id = "tl-comment";
      box.maxLength = 2000;
      var more = document.createElement("button");
      more.type = "button";
      more.className = "send-comment";
      more.textContent = "Send comment";
      more.addEventListener("click", function () {
        var text = box.value.trim();
        if (text) rate(state.survey.score, text);
      });
      thanks = document.createElement("p");
      thanks.className = "thanks";
      thanks.setAttribute("role", "status");
      surveyEl.appendChild(label);
      surveyEl.appendChild(box);
      surveyEl.appendChild(more);
      surveyEl.appendChild(thanks);
    }
    thanks.textContent = state.survey.comment
      ? "Thank you: your rating and comment were sent."
      : "Thank you for rating this conversation (" + score + " of 5).";
  }
  function showEndButton() {
    // With the bot or waiting in the queue the customer can end it (leaving the queue); while a
    // person is chatting the server answers that only they can, and the widget shows that answer.
    endButton.hidden = !(state.conversationId && ["bot", "queued", "human"].indexOf(state.owner) >= 0);
  }
  endButton.addEventListener("click", function () { send({ type: "end" }); });

  // --- a conversation that ended: offer a new one (and a message written now starts one)
  function showClosed(reason) {
    state.owner = "closed";
    setStatus(reason || "This conversation has ended.");
    restart.hidden = false;
    input.placeholder = "Write to start a new conversation…";
    showEndButton();
    save();
  }
  function startNew() {
    if (socket) { socket.onclose = null; socket.close(); socket = null; }
    clearTimeout(reconnectTimer);
    state.conversationId = state.token = state.agentName = null;
    state.lastSeq = 0;
    state.pending = [];
    state.transcript = [];
    state.owner = "bot";
    state.survey = state.pendingRating = null;
    surveyEl = null;
    save();
    log.textContent = "";
    drafts = {}; pendingBubbles = {}; bubblesBySeq = {};
    restart.hidden = true;
    typingEl.textContent = "";
    input.placeholder = "Type your question…";
    greet();
    connect();
    input.focus();
  }
  restart.querySelector("button").addEventListener("click", startNew);

  // --- the socket
  var socket = null;
  var attempts = 0;
  var reconnectTimer = null;

  function send(frame) {
    if (socket && socket.readyState === WebSocket.OPEN) { socket.send(JSON.stringify(frame)); return true; }
    return false;
  }

  function connect(force) {
    if ((state.owner === "closed" && !force) || (socket && socket.readyState <= WebSocket.OPEN)) return;
    clearTimeout(reconnectTimer);
    var ws = socket = new WebSocket(wsUrl);
    socket.onopen = function () {
      attempts = 0;
      setStatus(state.token ? "Reconnected." : "Connected. Ask us anything.");
      if (state.token) {
        send({ type: "resume", token: state.token, last_seq: state.lastSeq, conversation_id: state.conversationId });
      } else if (customerId && customerSignature && !state.pending.length) {
        // A signed-in customer with no conversation: a message support approved may be waiting.
        send({ type: "hello", customer: { id: customerId, signature: customerSignature } });
      }
      // Messages written while offline (or unacknowledged before a drop) go now, with their ids:
      // the server drops any it already has.
      state.pending.forEach(function (m) { send(messageFrame(m)); });
    };
    socket.onmessage = function (event) {
      if (ws !== socket) return;  // a socket left behind by "Start a new conversation"
      var frame;
      try { frame = JSON.parse(event.data); } catch (e) { return; }
      handle(frame);
    };
    socket.onclose = function () {
      if (ws !== socket) return;
      socket = null;
      typingEl.textContent = "";
      if (state.owner === "closed") return;
      // Exponential backoff with jitter, so a restarted server is not hit by every widget at once.
      var delay = Math.min(15000, 500 * Math.pow(2, attempts)) * (0.75 + Math.random() * 0.5);
      attempts += 1;
      setStatus("Connection lost. Reconnecting…", "offline");
      reconnectTimer = setTimeout(connect, delay);
    };
  }

  function agentJoined(frame) {
    var name = frame.agent && frame.agent.name;
    // A resume repeats agent_joined without a name: the person is already in the conversation.
    if (name && !(state.owner === "human" && state.agentName === name)) {
      state.agentName = name;
      remember({ kind: "marker", text: name + " joined the conversation" });
    }
    state.owner = "human";
    showEndButton();
    setStatus(state.agentName
      ? state.agentName + " from support has joined the conversation."
      : "A support agent has joined the conversation.");
    save();
  }
  function agentLeft() {
    if (state.owner === "human") {
      remember({ kind: "marker", text: (state.agentName || "The support agent") + " left the conversation" });
    }
  }
  function remember(entry) {
    state.transcript.push(entry);
    draw(entry);
  }

  function handle(frame) {
    switch (frame.type) {
      case "session":
        state.conversationId = frame.conversation_id;
        state.token = frame.resume_token;
        if (frame.resumed) clearDrafts();  // the server resends any reply still being written
        if (frame.owner === "bot") setStatus(frame.resumed ? "Reconnected." : "Connected.");
        if (frame.owner === "bot" || frame.owner === "queued") state.owner = frame.owner;
        if (state.pendingRating) { send(state.pendingRating); state.pendingRating = null; }
        showEndButton();
        save();
        break;
      case "token": {
        var draft = drafts[frame.reply_to];
        if (!draft) {
          draft = drafts[frame.reply_to] = bubble({ role: "bot", text: "" });
          draft.setAttribute("aria-busy", "true");
          reveal(draft);
        }
        var body = draft.querySelector(".text");
        var have = body.textContent.length;
        if (frame.offset === 0 && have > 0 && frame.delta.length >= have) body.textContent = frame.delta;
        else if (frame.offset <= have) body.textContent += frame.delta.slice(have - frame.offset);
        reveal(draft);
        break;
      }
      case "message": {
        if (frame.seq <= state.lastSeq) break;  // already shown: never twice
        state.lastSeq = frame.seq;
        var entry = {
          role: frame.role, text: frame.text, citations: frame.citations, seq: frame.seq,
          at: frame.created_at, client_message_id: frame.client_message_id
        };
        if (frame.role === "customer") {
          state.pending = state.pending.filter(function (m) { return m.id !== frame.client_message_id; });
          entry.waiting = state.owner === "queued";
        }
        if (frame.role === "agent") {
          entry.agent = frame.agent_name || state.agentName;
          typingEl.textContent = "";  // the message the agent was typing has arrived
          clearTimeout(agentTypingTimer);
        }
        if (frame.feedback) entry.feedback = frame.feedback;
        state.transcript.push(entry);
        showMessage(entry);
        save();
        break;
      }
      case "typing":
        if (frame.role === "agent") {
          typingEl.textContent = frame.active ? (state.agentName || "The support agent") + " is typing…" : "";
          clearTimeout(agentTypingTimer);  // an agent's typing has no "stopped" frame: let it lapse
          agentTypingTimer = setTimeout(function () { typingEl.textContent = ""; }, 6000);
        } else {
          typingEl.textContent = frame.active ? "Assistant is typing…" : "";
        }
        break;
      case "feedback":
        showFeedback(frame.seq, frame.rating);
        break;
      case "rating_request":
        showSurvey(frame.question);
        break;
      case "rated":
        if (state.survey) showRated(frame.score, frame.comment);
        break;
      case "handoff":
        state.owner = "queued";
        save();
        showEndButton();
        showQueue(frame);
        break;
      case "agent_joined":
        agentJoined(frame);
        break;
      case "returned_to_bot":
        agentLeft();
        state.owner = "bot";
        showEndButton();
        save();
        setStatus("You're chatting with the assistant again.");
        break;
      case "closed":
        if (state.owner !== "closed") agentLeft();
        showClosed(frame.reason);
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
        if (frame.code === "conversation_closed" && frame.ref) {
          // Written just as the conversation closed: it goes to a new conversation instead.
          var kept = state.pending.filter(function (m) { return m.id === frame.ref; })[0];
          if (kept) { showClosed(); startNew(); ask(kept.text); break; }
        }
        if (frame.code === "rate_limited" && frame.ref) {
          var retry = state.pending.filter(function (m) { return m.id === frame.ref; })[0];
          if (retry) { setTimeout(function () { send(messageFrame(retry)); }, 1500); break; }
        }
        if (frame.ref && pendingBubbles[frame.ref]) {
          pendingBubbles[frame.ref].classList.remove("pending");
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

  function ask(text) {
    // After a close, writing again starts a new conversation rather than hitting a dead end.
    if (state.owner === "closed") startNew();
    var suggest = log.querySelector(".suggest");
    if (suggest) suggest.remove();
    var message = { id: newId(), text: text };
    state.pending.push(message);
    save();
    var el = bubble({ role: "customer", text: text });
    el.classList.add("pending");
    el.setAttribute("aria-label", "Sending: " + text);
    pendingBubbles[message.id] = el;
    if (!send(messageFrame(message))) connect();
  }

  function submit() {
    var text = input.value.trim();
    if (!text) return;
    input.value = "";
    typingSent = 0;  // the next message's first keystroke is relayed at once
    ask(text);
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
  greet();
  state.transcript.forEach(function (entry) { draw(entry); });
  state.pending.forEach(function (m) {
    var el = bubble({ role: "customer", text: m.text });
    el.classList.add("pending");
    pendingBubbles[m.id] = el;
  });
  if (state.owner === "closed") showClosed();
  if (state.survey && state.survey.asked) showSurvey();
  showEndButton();
  toEnd();
  if (mount || startOpen || state.token) connect();

  window.TidelineWidget = {
    open: function () { setOpen(true); },
    close: function () { setOpen(false); },
    conversationId: function () { return state.conversationId; },
    startNewConversation: startNew
  };
})();
