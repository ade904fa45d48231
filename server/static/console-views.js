/* Tideline console: the History view (finished handoffs, searchable, to label later) and the
 * supervisor's view (figures, answer ratings, saved replies). Shares `TL` with console.js. */
(function () {
  "use strict";
  var TL = window.TidelineConsole = window.TidelineConsole || {};
  function el() { return TL.el.apply(null, arguments); }

  // --- history ------------------------------------------------------------------------------
  var filters = { q: "", unlabelled: false, customer: "" };
  var rows = [];
  TL.showHistory = function (holder) {
    var search = el("input", { id: "history-q", type: "search", value: filters.q, placeholder: "Words, customer id or rule" });
    var customer = el("input", { id: "history-customer", type: "text", value: filters.customer, placeholder: "e.g. cust-4711" });
    var unlabelled = el("input", { id: "history-unlabelled", type: "checkbox" });
    unlabelled.checked = filters.unlabelled;
    var results = el("ul", { id: "history-list", "aria-label": "Finished handoffs" });
    function run() {
      filters = { q: search.value.trim(), unlabelled: unlabelled.checked, customer: customer.value.trim() };
      var query = "?q=" + encodeURIComponent(filters.q) + (filters.unlabelled ? "&unlabelled=true" : "") +
        (filters.customer ? "&customer=" + encodeURIComponent(filters.customer) : "");
      TL.api("GET", "/api/history" + query).then(function (found) { rows = found; draw(results); }, function (error) { TL.toast(error.message); });
    }
    holder.appendChild(el("form", { class: "history-filters", role: "search", onsubmit: function (e) { e.preventDefault(); run(); } }, [
      el("label", { for: "history-q", text: "Search history" }), search,
      el("label", { for: "history-customer", text: "Customer" }), customer,
      el("label", { class: "check" }, [unlabelled, " Only unlabelled"]),
      el("button", { type: "submit", text: "Search" })
    ]));
    unlabelled.addEventListener("change", run);
    holder.appendChild(el("h2", { text: "Handed back and closed" }));
    holder.appendChild(results);
    run();
  };
  function outcome(item) {
    var parts = [];
    parts.push(item.warranted === null ? "warranted?" : item.warranted ? "warranted" : "not warranted");
    parts.push(item.resolved === null ? "resolved?" : item.resolved ? "resolved" : "not resolved");
    return parts.join(" · ");
  }
  function draw(list) {
    list.textContent = "";
    if (!rows.length) { list.appendChild(el("li", { class: "empty", text: "Nothing matches." })); return; }
    rows.forEach(function (item) {
      var when = item.ended_at ? new Date(item.ended_at * 1000).toLocaleString() : "";
      var ended = item.status === "returned" ? "handed back" : "closed";
      // Nobody on the team ended it: say who did ("customer left the queue", "customer left").
      if (item.status === "closed" && /^customer left/.test(item.ended_reason || "")) ended = "closed: " + item.ended_reason;
      var right = el("span", { class: "wait", text: ended });
      var button = TL.row(item, right);
      button.appendChild(el("div", { class: "outcome", text: when + " · " + outcome(item) }));
      list.appendChild(el("li", {}, [button]));
    });
  }
  TL.markHistory = function () {
    document.querySelectorAll("#history-list [data-handoff]").forEach(function (b) {
      b.setAttribute("aria-current", String(b.getAttribute("data-handoff") === TL.state.selected));
    });
  };

  // --- supervisor view ----------------------------------------------------------------------
  TL.showStats = function (holder) {
    holder.appendChild(el("main", { class: "stats", id: "stats" }, [el("p", { text: "Loading…" })]));
    Promise.all([TL.api("GET", "/api/stats?days=7"), TL.api("GET", "/api/feedback?days=7")]).then(function (both) {
      renderStats(both[0], both[1]);
    }, function (error) {
      var stats = document.getElementById("stats");
      if (stats) { stats.textContent = ""; stats.appendChild(el("p", { class: "problem", text: error.message })); }
    });
  };
  function tile(big, label, small, cls) {
    return el("div", { class: "tile" }, [el("div", { class: "big " + (cls || ""), text: big }), el("div", { text: label }), small ? el("div", { class: "small", text: small }) : null]);
  }
  function renderStats(s, ratings) {
    var holder = document.getElementById("stats");
    if (!holder) return;
    holder.textContent = "";
    var fmtWait = TL.fmtWait, fmt = TL.fmt;
    var rate = s.escalation_rate === null ? "–" : (s.escalation_rate * 100).toFixed(1) + " %";
    var band = (s.healthy_band[0] * 100) + "–" + (s.healthy_band[1] * 100) + " %";
    holder.appendChild(el("h2", { text: "Last " + s.window_days + " days" }));
    holder.appendChild(el("div", { class: "tiles", "aria-label": "Key figures", role: "group" }, [
      tile(rate, "escalation rate", s.escalation_rate === null ? "no conversations yet" : (s.in_band ? "inside" : "outside") + " the healthy band " + band, s.escalation_rate === null ? "" : (s.in_band ? "ok" : "off")),
      tile(String(s.conversations), "conversations", s.escalated + " handed to a person"),
      tile(s.median_wait_s === null ? "–" : fmtWait(s.median_wait_s), "median wait for an agent", s.claimed + " claimed"),
      tile(String(s.waiting_now), "waiting now", s.longest_wait_now_s === null ? "" : "longest " + fmtWait(s.longest_wait_now_s)),
      tile(s.labels.labelled ? s.labels.warranted + " / " + s.labels.labelled : "–", "escalations labelled warranted", s.labels.resolved + " resolved, " + s.labels.unresolved + " not"),
      tile("👍 " + ratings.up + " · 👎 " + ratings.down, "answers rated by customers", ratings.up + ratings.down ? Math.round(100 * ratings.up / (ratings.up + ratings.down)) + " % found helpful" : "no ratings yet")
    ]));
    holder.appendChild(el("section", { class: "card", "aria-label": "Answers customers found unhelpful" }, [
      el("h3", { text: "Latest answers customers found unhelpful" }),
      ratings.latest_unhelpful.length ? el("ul", {}, ratings.latest_unhelpful.map(function (r) {
        return el("li", { text: new Date(r.at * 1000).toLocaleString() + ": “" + r.text.slice(0, 200) + (r.text.length > 200 ? "…" : "") + "”" });
      })) : el("p", { class: "empty", text: "None in this window." })
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
    holder.appendChild(repliesCard());
  }

  // Saved replies: supervisors add and remove them; agents insert them with "/" + shortcut.
  function repliesCard() {
    var list = el("ul", { id: "saved-replies", "aria-label": "Saved replies" });
    function draw() {
      list.textContent = "";
      if (!TL.state.replies.length) list.appendChild(el("li", { class: "empty", text: "No saved replies yet." }));
      TL.state.replies.forEach(function (r) {
        list.appendChild(el("li", {}, [
          el("strong", { text: "/" + r.shortcut }), " " + r.title + ": ", el("span", { class: "small", text: r.text }), " ",
          el("button", { class: "secondary", "aria-label": "Delete /" + r.shortcut, onclick: function () {
            TL.api("DELETE", "/api/replies/" + encodeURIComponent(r.id)).then(function () { return TL.loadReplies(); }).then(draw, function (error) { TL.toast(error.message); });
          }, text: "Delete" })
        ]));
      });
    }
    var shortcut = el("input", { id: "reply-shortcut", placeholder: "refund" });
    var title = el("input", { id: "reply-title", placeholder: "Refund on its way" });
    var text = el("textarea", { id: "reply-text", placeholder: "The text inserted into the reply box" });
    var form = el("form", { class: "reply-form", onsubmit: function (event) {
      event.preventDefault();
      TL.api("POST", "/api/replies", { shortcut: shortcut.value.trim(), title: title.value.trim(), text: text.value.trim() }).then(function () {
        shortcut.value = title.value = text.value = "";
        TL.toast("Saved reply added.");
        return TL.loadReplies();
      }).then(draw, function (error) { TL.toast(error.message); });
    } }, [
      el("label", { for: "reply-shortcut", text: "Shortcut" }), shortcut,
      el("label", { for: "reply-title", text: "Title" }), title,
      el("label", { for: "reply-text", text: "Reply text" }), text,
      el("button", { type: "submit", text: "Add saved reply" })
    ]);
    draw();
    return el("section", { class: "card", "aria-labelledby": "replies-title" }, [el("h3", { id: "replies-title", text: "Saved replies" }), list, form]);
  }
})();
