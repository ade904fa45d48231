/* Tideline console: the outreach desk (flagged customers, their journey and a draft a person
 * approves, edits, dismisses with a reason or snoozes). Shares `TL` with console.js; talks to
 * /api/outreach (docs/proactive.md). */
(function () {
  "use strict";
  var TL = window.TidelineConsole = window.TidelineConsole || {};
  function el() { return TL.el.apply(null, arguments); }
  var TIERS = {
    tag_and_prioritise: "Tag and prioritise",
    draft_checkin: "Check-in to approve",
    alert_account_manager: "Alert the account manager",
    recommend_retention: "Retention step"
  };
  var desk = { status: "open", items: [], selected: null };

  function when(seconds) { return seconds ? new Date(seconds * 1000).toLocaleString() : "–"; }
  function words(name) { return String(name || "").replace(/_/g, " "); }

  TL.showOutreach = function (holder) {
    var status = el("select", { id: "outreach-status" }, ["open", "snoozed", "approved", "sent", "dismissed", "applied"].map(function (s) {
      var option = el("option", { value: s, text: s });
      if (s === desk.status) option.selected = true;
      return option;
    }));
    status.addEventListener("change", function () { desk.status = status.value; load(); });
    holder.appendChild(el("div", { class: "layout" }, [
      el("aside", { class: "queue", id: "outreach-queue", "aria-label": "Flagged customers" }, [
        el("div", { class: "history-filters" }, [el("label", { for: "outreach-status", text: "Show" }), status]),
        el("h2", { text: "Flagged customers" }),
        el("ul", { id: "outreach-list", "aria-label": "Flagged customers" })
      ]),
      el("main", { class: "detail", id: "outreach-detail" }, [el("p", { class: "empty", text: "Choose a flagged customer from the list." })])
    ]));
    load();
    if (TL.state.me && TL.state.me.role === "supervisor") showReport();
  };

  // Supervisors: what followed for customers who got outreach against flagged ones who did not.
  function showReport() {
    TL.api("GET", "/api/outreach/report").then(function (report) {
      var holder = document.getElementById("outreach-detail");
      if (!holder || desk.selected) return;
      function pct(x) { return x === null ? "–" : (x * 100).toFixed(0) + " %"; }
      function arc(x) { return x === null ? "–" : x.toFixed(2); }
      var rows = [["got_outreach", "Got outreach"], ["no_outreach", "Flagged, no outreach"]].map(function (g) {
        var r = report[g[0]];
        return el("tr", {}, [el("th", { scope: "row", text: g[1] }), el("td", { text: String(r.customers) }),
          el("td", { text: String(r.came_back) }), el("td", { text: arc(r.next_contact_mean_arc) }),
          el("td", { text: pct(r.next_contact_resolved_share) }), el("td", { text: pct(r.cancellation_rate) })]);
      });
      holder.appendChild(el("section", { class: "card", id: "outreach-report", "aria-labelledby": "outreach-report-title" }, [
        el("h3", { id: "outreach-report-title", text: "What followed the flags (" + report.flags + ")" }),
        el("table", { class: "journey" }, [
          el("thead", {}, [el("tr", {}, ["Group", "Customers", "Came back", "Next arc", "Resolved", "Cancelled"].map(function (h) { return el("th", { scope: "col", text: h }); }))]),
          el("tbody", {}, rows)
        ]),
        el("p", { class: "small", text: report.note })
      ]));
    }, function () {});
  }

  function load() {
    TL.api("GET", "/api/outreach?status=" + encodeURIComponent(desk.status)).then(function (items) {
      desk.items = items;
      drawList();
    }, function (error) { TL.toast(error.message); });
  }

  function drawList() {
    var list = document.getElementById("outreach-list");
    if (!list) return;
    list.textContent = "";
    if (!desk.items.length) { list.appendChild(el("li", { class: "empty", text: "Nobody is flagged." })); return; }
    desk.items.forEach(function (item) {
      var button = el("button", {
        "data-item": item.id, "aria-current": String(item.id === desk.selected),
        onclick: function () { open(item.id); }
      }, [
        el("div", { class: "row1" }, [
          el("span", { class: "sev " + item.severity, text: item.severity }),
          el("span", { class: "who", text: item.customer_id }),
          el("span", { class: "wait", text: "risk " + item.risk.toFixed(2) })
        ]),
        el("div", { class: "topic", text: words(item.rule) + " · " + (TIERS[item.tier] || item.tier) }),
        el("div", { class: "sum", text: item.draft_subject })
      ]);
      list.appendChild(el("li", {}, [button]));
    });
  }

  function open(id) {
    desk.selected = id;
    drawList();
    TL.api("GET", "/api/outreach/" + encodeURIComponent(id)).then(drawDetail, function (error) { TL.toast(error.message); });
  }

  function timelineTable(timeline) {
    var rows = timeline.conversations.map(function (c) {
      var outcome = c.resolved === null ? "not labelled" : c.resolved ? "resolved" : "not resolved";
      return el("tr", {}, [
        el("td", { text: new Date(c.started_at * 1000).toLocaleDateString() }), el("td", { text: c.channel }),
        el("td", { text: c.arc === null ? "–" : c.arc.toFixed(2) }), el("td", { text: outcome }),
        el("td", { text: c.rating === null ? "–" : String(c.rating) }), el("td", { text: c.topic })
      ]);
    });
    var events = timeline.events.map(function (e) {
      return el("li", { text: when(e.at) + " · " + e.type + (e.channel ? " (" + e.channel + ")" : "") });
    });
    return [
      timeline.tag ? el("p", { class: "tag", "data-customer-tag": "", text: "Tagged " + timeline.tag + " by the outreach policy" }) : null,
      el("table", { class: "journey" }, [
        el("caption", { class: "sr-only", text: "Conversations, oldest first" }),
        el("colgroup", {}, ["17%", "12%", "10%", "15%", "10%", "36%"].map(function (w) { return el("col", { style: "width:" + w }); })),
        el("thead", {}, [el("tr", {}, ["When", "Channel", "Arc", "Outcome", "Rating", "Topic"].map(function (h) { return el("th", { scope: "col", text: h }); }))]),
        el("tbody", {}, rows)
      ]),
      events.length ? el("h4", { text: "From the host system" }) : null,
      events.length ? el("ul", { class: "small" }, events) : null
    ];
  }

  function drawDetail(item) {
    var holder = document.getElementById("outreach-detail");
    if (!holder || item.id !== desk.selected) return;
    holder.textContent = "";
    var signals = Object.keys((item.evidence && item.evidence.signals) || {});
    holder.appendChild(el("h2", { text: item.customer_id }));
    holder.appendChild(el("p", { class: "meta", text: words(item.rule) + " · " + (TIERS[item.tier] || item.tier) + " · risk " + item.risk.toFixed(2) + " · contact by " + when(item.contact_by) + " · " + item.status }));
    holder.appendChild(el("section", { class: "card", "aria-labelledby": "outreach-why" }, [
      el("h3", { id: "outreach-why", text: "Why flagged" }),
      el("p", { text: item.rationale }),
      el("p", { class: "small", text: "Signals: " + (signals.map(words).join(", ") || "none") })
    ]));
    holder.appendChild(el("section", { class: "card", "aria-labelledby": "outreach-journey" }, [el("h3", { id: "outreach-journey", text: "Journey" })].concat(timelineTable(item.timeline))));
    var subject = el("input", { id: "outreach-subject", type: "text", value: item.sent_subject || item.draft_subject });
    var body = el("textarea", { id: "outreach-body", rows: "8" });
    body.value = item.sent_body || item.draft_body;
    var reason = el("input", { id: "outreach-reason", type: "text", placeholder: "e.g. spoke to them by phone" });
    var hours = el("select", { id: "outreach-snooze" }, [["24", "a day"], ["72", "three days"], ["168", "a week"]].map(function (h) { return el("option", { value: h[0], text: h[1] }); }));
    var closed = item.status !== "open" && item.status !== "snoozed";
    var allowed = item.may_act && !closed;
    function act(path, payload, done) {
      TL.api("POST", "/api/outreach/" + encodeURIComponent(item.id) + "/" + path, payload).then(function (view) {
        TL.toast(done);
        desk.selected = view.status === "open" ? view.id : null;
        load();
        open(item.id);
      }, function (error) { TL.toast(error.message); });
    }
    holder.appendChild(el("section", { class: "card reply-form", "aria-labelledby": "outreach-draft" }, [
      el("h3", { id: "outreach-draft", text: "Draft" }),
      el("label", { class: "field", for: "outreach-subject", text: "Subject" }), subject,
      el("label", { class: "field", for: "outreach-body", text: "Message" }), body,
      el("div", { class: "actions" }, [
        el("button", { type: "button", disabled: !allowed, text: "Approve and send", onclick: function () {
          act("approve", { subject: subject.value.trim() || null, body: body.value.trim() || null }, "Approved: the message is on its way.");
        } })
      ]),
      el("label", { class: "field", for: "outreach-reason", text: "Reason to dismiss" }), reason,
      el("div", { class: "actions" }, [
        el("button", { type: "button", class: "secondary", disabled: !allowed, text: "Dismiss", onclick: function () {
          if (!reason.value.trim()) { TL.toast("Say why it is dismissed."); reason.focus(); return; }
          act("dismiss", { reason: reason.value.trim() }, "Dismissed.");
        } })
      ]),
      el("label", { class: "field", for: "outreach-snooze", text: "Snooze for" }), hours,
      el("div", { class: "actions" }, [
        el("button", { type: "button", class: "secondary", disabled: !allowed, text: "Snooze", onclick: function () {
          act("snooze", { hours: Number(hours.value) }, "Snoozed.");
        } })
      ]),
      item.may_act ? null : el("p", { class: "small", text: "A supervisor decides on this tier." }),
      item.delivery_status !== "none" ? el("p", { class: "small", id: "outreach-delivery", text: "Delivery: " + item.delivery_status + (item.delivery_attempts ? " after " + item.delivery_attempts + " tries" : "") }) : null
    ]));
  }
})();
