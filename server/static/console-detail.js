/* Tideline console: one conversation. The transcript and the reply box come first (with saved
 * replies on "/" shortcuts), then the actions, the internal notes and the outcome labels; beside
 * them why it escalated, the sentiment chart and the bot's records. Shares `TL` with console.js. */
(function () {
  "use strict";
  var TL = window.TidelineConsole = window.TidelineConsole || {};
  function el() { return TL.el.apply(null, arguments); }

  function mine() {
    var pkg = TL.state.pkg, me = TL.state.me;
    return pkg && pkg.status === "claimed" && pkg.claimed_by === me.id;
  }
  function act(path, body, done) {
    var state = TL.state;
    return TL.api("POST", "/api/handoffs/" + encodeURIComponent(state.selected) + path, body).then(function (result) {
      if (done) done(result);
      return TL.loadPackage(state.selected);
    }, function (error) { TL.toast(error.message); });
  }

  TL.renderDetail = function (first) {
    var state = TL.state;
    var detail = document.getElementById("detail");
    if (!detail) return;
    // Keep what the agent was writing across a reload of the package.
    var draft = document.getElementById("reply");
    var kept = draft && !first ? draft.value : "";
    // ... and where they were writing it: a reload must not take the cursor out of the box.
    var typing = draft && !first && document.activeElement === draft
      ? [draft.selectionStart, draft.selectionEnd] : null;
    detail.textContent = "";
    var pkg = state.pkg;
    if (!pkg) {
      detail.appendChild(el("p", { class: "empty", text: state.selected ? "Loading…" : "Choose a handoff from the list." }));
      return;
    }
    var statusText = pkg.status === "waiting" ? "waiting " + TL.fmtWait(pkg.waiting_s)
      : pkg.status === "claimed" ? (mine() ? "claimed by you" : "claimed by another agent")
      : pkg.status === "returned" ? "handed back to the bot" : pkg.status;
    detail.appendChild(el("h2", {}, [
      el("span", { class: "sev " + pkg.severity, id: "severity-badge", text: pkg.severity }),
      " " + (pkg.customer || "Anonymous customer") + " · " + (pkg.topic || "")
    ]));
    detail.appendChild(el("div", { class: "meta", id: "handoff-status", text: "Status: " + statusText + " · " + (pkg.rule_text || pkg.rule) + " · risk " + TL.fmt(pkg.risk) }));

    var left = el("div", { class: "col-main" }, [
      el("section", { class: "card convo" }, [
        el("h3", { text: "Conversation" }),
        el("div", { class: "log", id: "log", role: "log", "aria-label": "Transcript", "aria-live": "polite", tabindex: "0" }),
        el("div", { class: "typing", id: "typing", "aria-live": "polite" }),
        replyBox(kept),
        actions(pkg)
      ]),
      notesCard(),
      labelsCard(pkg)
    ]);
    var right = el("div", { class: "col-side" }, [
      el("section", { class: "card", "aria-labelledby": "why-title" }, [
        el("h3", { id: "why-title", text: "Why it escalated" }),
        el("dl", { class: "why", id: "rationale" }, [].concat.apply([], (pkg.explanation || []).map(function (p) {
          return [el("dt", { text: p.label }), el("dd", { text: p.text })];
        })))
      ]),
      el("section", { class: "card" }, [el("h3", { text: "Sentiment over the turns" }), el("div", { id: "chart" })]),
      el("section", { class: "card" }, [el("h3", { text: "Bot's summary" }), el("pre", { class: "rationale", text: pkg.summary })]),
      decisionsCard(pkg),
      citedCard(pkg),
      earlierCard(pkg)
    ]);
    detail.appendChild(el("div", { class: "grid" }, [left, right]));
    var box = document.getElementById("reply");
    if (typing && box && !box.disabled) { box.focus(); box.setSelectionRange(typing[0], typing[1]); }
    TL.renderMessages();
    TL.renderTyping();
    TL.renderNotes();
    TL.renderChart();
  };

  // Claim, hand back (with a note only the bot reads) and close (after a confirmation).
  function actions(pkg) {
    var me = TL.state.me;
    var canEnd = mine() || (me.role === "supervisor" && (pkg.status === "claimed" || pkg.status === "waiting"));
    var note = el("textarea", { id: "note", "aria-describedby": "note-help", placeholder: "e.g. Camera moved to the 2.4 GHz band; ticket ZX-4471" });
    var confirmBox = el("div", { class: "confirm", id: "confirm-close", role: "group", "aria-label": "Confirm closing", hidden: true }, [
      el("p", { text: "Close this conversation? The customer can no longer write in it (they can start a new one)." }),
      el("button", { class: "danger", onclick: function () {
        act("/close", { reason: "" }, function () { TL.toast("Conversation closed."); });
      }, text: "Yes, close it" }),
      " ",
      el("button", { class: "secondary", onclick: function () { confirmBox.hidden = true; closeButton.focus(); }, text: "Keep it open" })
    ]);
    var closeButton = el("button", {
      class: "danger", disabled: !canEnd,
      onclick: function () { confirmBox.hidden = false; confirmBox.querySelector("button").focus(); },
      text: "Close conversation…"
    });
    return el("div", { class: "actions-box" }, [
      el("div", { class: "actions" }, [
        el("button", { onclick: function () { act("/claim"); }, disabled: pkg.status !== "waiting", text: "Claim" }),
        el("button", {
          class: "secondary", disabled: !canEnd,
          onclick: function () {
            if (!note.value.trim()) { TL.toast("Write a note for the bot before handing back."); note.focus(); return; }
            act("/return", { note: note.value.trim() }, function () { TL.toast("Handed back to the bot."); });
          },
          text: "Hand back to the bot"
        }),
        closeButton
      ]),
      confirmBox,
      el("label", { for: "note", class: "field", text: "Note for the bot" }),
      note,
      el("p", { id: "note-help", class: "small", text: "Internal: the bot reads it so it does not repeat what you settled. The customer never sees it." })
    ]);
  }

  // --- the reply box, with saved replies: "/" then the shortcut, Tab or Enter inserts it
  function replyBox(kept) {
    var state = TL.state;
    var list = el("ul", { class: "shortcuts", id: "shortcuts", role: "listbox", "aria-label": "Saved replies", hidden: true });
    var box = el("textarea", {
      id: "reply", "aria-label": "Reply to the customer", "aria-describedby": "reply-help", disabled: !mine(),
      placeholder: mine() ? "Write to the customer… (Enter sends, Shift+Enter new line, / for saved replies)" : "Claim the conversation to reply",
      oninput: function () {
        var now = Date.now();
        if (mine() && now - (replyBox.typingSent || 0) > 3000) {
          replyBox.typingSent = now;
          TL.send({ type: "typing", handoff_id: state.selected, active: true });
        }
        showMatches();
      },
      onkeydown: function (event) {
        var first = matches()[0];
        if (first && (event.key === "Tab" || (event.key === "Enter" && !event.shiftKey))) {
          event.preventDefault();
          insert(first);
          return;
        }
        if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); submit(); }
      }
    });
    box.value = kept || "";
    function matches() {
      var typed = /^\/([\w-]*)$/.exec(box.value);
      if (!typed) return [];
      return state.replies.filter(function (r) { return r.shortcut.indexOf(typed[1].toLowerCase()) === 0; });
    }
    function showMatches() {
      var found = matches();
      list.textContent = "";
      list.hidden = !found.length;
      found.forEach(function (r, i) {
        list.appendChild(el("li", { role: "option", "aria-selected": String(i === 0), onmousedown: function (e) { e.preventDefault(); insert(r); } }, [
          el("strong", { text: "/" + r.shortcut }), " " + r.title
        ]));
      });
    }
    function insert(reply) {
      box.value = reply.text;
      list.hidden = true;
      box.focus();
    }
    function submit() {
      var text = box.value.trim();
      if (!text || !mine()) return;
      box.disabled = true;
      act("/messages", { text: text, id: TL.clientId() }, function () { box.value = ""; replyBox.typingSent = 0; })
        .then(function () { var again = document.getElementById("reply"); if (again) { again.value = ""; again.focus(); } });
    }
    return el("div", { class: "reply-wrap" }, [
      list,
      el("div", { class: "reply" }, [box, el("button", { onclick: submit, disabled: !mine(), text: "Send" })]),
      el("p", { id: "reply-help", class: "small", text: state.replies.length ? "Saved replies: type / and a shortcut (" + state.replies.slice(0, 3).map(function (r) { return "/" + r.shortcut; }).join(", ") + "…), then Tab." : "" })
    ]);
  }

  TL.renderMessages = function () {
    var state = TL.state;
    var log = document.getElementById("log");
    if (!log) return;
    log.textContent = "";
    Object.keys(state.messages).map(Number).sort(function (a, b) { return a - b; }).forEach(function (seq) {
      var m = state.messages[seq];
      var who = { customer: "Customer", bot: "Bot", agent: m.agent_name || "Agent", system: "Tideline" }[m.role] || m.role;
      var time = m.created_at ? new Date(m.created_at * 1000).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }) : "";
      var rated = m.feedback ? el("span", { class: "rated " + m.feedback, text: m.feedback === "up" ? "👍 customer found this helpful" : "👎 customer found this unhelpful" }) : null;
      log.appendChild(el("div", { class: "msg " + m.role, "data-seq": String(seq) }, [
        el("span", { class: "who", text: who + (time ? " · " + time : "") }), el("span", { class: "body", text: m.text }), rated
      ]));
    });
    log.scrollTop = log.scrollHeight;
  };
  TL.renderTyping = function () {
    var typing = document.getElementById("typing");
    if (typing) typing.textContent = TL.state.customerTyping ? "Customer is typing…" : "";
  };

  // --- internal notes: for colleagues, never sent to the customer
  function notesCard() {
    var input = el("textarea", { id: "internal-note", "aria-label": "Write an internal note", placeholder: "Visible to agents only" });
    return el("section", { class: "card notes", "aria-labelledby": "notes-title" }, [
      el("h3", { id: "notes-title", text: "Internal notes (agents only)" }),
      el("ul", { id: "notes-list", "aria-label": "Internal notes" }),
      el("form", { class: "note-form", onsubmit: function (event) {
        event.preventDefault();
        var text = input.value.trim();
        if (!text) return;
        TL.api("POST", "/api/handoffs/" + encodeURIComponent(TL.state.selected) + "/notes", { text: text }).then(function (note) {
          input.value = "";
          if (!TL.state.pkg.notes.some(function (n) { return n.id === note.id; })) TL.state.pkg.notes.push(note);
          TL.renderNotes();
        }, function (error) { TL.toast(error.message); });
      } }, [input, el("button", { type: "submit", text: "Add note" })])
    ]);
  }
  TL.renderNotes = function () {
    var list = document.getElementById("notes-list");
    if (!list || !TL.state.pkg) return;
    list.textContent = "";
    var notes = TL.state.pkg.notes || [];
    if (!notes.length) list.appendChild(el("li", { class: "empty", text: "No notes yet." }));
    notes.forEach(function (n) {
      list.appendChild(el("li", {}, [el("span", { class: "who", text: (n.author || "Agent") + " · " + new Date(n.created_at * 1000).toLocaleString() }), n.text]));
    });
  };

  function labelsCard(pkg) {
    var canLabel = pkg.status !== "waiting";
    function choice(field, value, text) {
      return el("button", {
        class: "secondary", "aria-pressed": String(pkg[field] === value), disabled: !canLabel,
        onclick: function () { var body = {}; body[field] = value; act("/label", body, function () { TL.toast("Label saved."); }); },
        text: text
      });
    }
    return el("section", { class: "card labels", "aria-label": "Outcome labels" }, [
      el("fieldset", {}, [el("legend", { text: "Was the escalation warranted?" }), choice("warranted", true, "Warranted"), " ", choice("warranted", false, "Not warranted")]),
      el("fieldset", {}, [el("legend", { text: "Was the issue resolved?" }), choice("resolved", true, "Resolved"), " ", choice("resolved", false, "Not resolved")]),
      el("span", { class: "small", text: canLabel ? "Labels calibrate the escalation policy. Finished handoffs stay in History." : "Claim it before labelling." })
    ]);
  }

  function decisionsCard(pkg) {
    var rows = pkg.decisions.map(function (d, index) {
      var fired = (d.evidence || []).filter(function (e) { return e.fired; }).map(function (e) {
        return e.rule + ": " + e.measure + " = " + TL.fmt(e.value) + " " + e.comparison + " " + TL.fmt(e.threshold);
      });
      return el("tr", { class: d.escalate ? "fired" : "" }, [
        el("td", { text: String(index + 1) }),
        el("td", { text: d.rule || "–" }),
        el("td", { text: d.severity }),
        el("td", { text: TL.fmt(d.risk) }),
        el("td", { text: fired.join("; ") || d.reason })
      ]);
    });
    return el("details", { class: "card" }, [
      el("summary", { text: "Decision records (for audit)" }),
      el("table", { "aria-label": "Decision records" }, [
        el("thead", {}, [el("tr", {}, ["Turn", "Rule", "Severity", "Risk", "Evidence (value against threshold)"].map(function (h) { return el("th", { text: h }); }))]),
        el("tbody", {}, rows)
      ])
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
      var arc = c.entry_score !== null && c.latest_score !== null ? " · mood " + TL.fmt(c.entry_score) + " → " + TL.fmt(c.latest_score) : "";
      var handed = c.handoffs.length ? " · handed over (" + c.handoffs.map(function (h) { return h.rule + (h.resolved === false ? ", unresolved" : h.resolved ? ", resolved" : ""); }).join("; ") + ")" : "";
      return el("li", { text: new Date(c.created_at * 1000).toLocaleString() + ": “" + (c.opening || "") + "”" + arc + handed });
    }));
    return el("section", { class: "card" }, [el("h3", { text: "Earlier conversations" }), body]);
  }
})();
