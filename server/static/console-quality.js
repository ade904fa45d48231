/* Tideline console: the supervisor's quality view. Every conversation that ended is measured
 * (entry -> exit arc, predicted satisfaction); a few are also rated by the customer. Coverage,
 * arcs, predicted satisfaction by day, the topics and problem types that end worst, and a per-person
 * view by problem type for coaching (GET /api/quality/summary and /api/quality/agents).
 * Shares `TL` with console.js. */
(function () {
  "use strict";
  var TL = window.TidelineConsole = window.TidelineConsole || {};
  function el() { return TL.el.apply(null, arguments); }
  var DAYS = 30;
  var ARC_WORDS = { improved: "left better", steady: "about the same", worsened: "left worse", silent: "no customer message" };

  TL.showQuality = function (holder) {
    holder.appendChild(el("main", { class: "stats", id: "quality" }, [el("p", { text: "Loading…" })]));
    Promise.all([
      TL.api("GET", "/api/quality/summary?days=" + DAYS),
      TL.api("GET", "/api/quality/agents?days=" + DAYS)
    ]).then(function (both) { render(both[0], both[1]); }, function (error) {
      var main = document.getElementById("quality");
      if (main) { main.textContent = ""; main.appendChild(el("p", { class: "problem", text: error.message })); }
    });
  };

  function stars(value) { return value === null ? "–" : value.toFixed(1) + " / 5"; }
  function tile(big, label, small) {
    return el("div", { class: "tile" }, [el("div", { class: "big", text: big }), el("div", { text: label }), small ? el("div", { class: "small", text: small }) : null]);
  }
  function bar(share) {
    return el("div", { class: "bar", style: "width:" + Math.round(Math.max(0, Math.min(1, share)) * 100) + "%" });
  }
  function table(label, heads, rows) {
    // Wide tables scroll sideways on a phone; the keyboard can scroll them too.
    return el("div", { class: "scroll", tabindex: "0", role: "region", "aria-label": label + " (scrolls)" }, [el("table", { "aria-label": label }, [
      el("thead", {}, [el("tr", {}, heads.map(function (h) { return el("th", { scope: "col", text: h }); }))]),
      el("tbody", {}, rows)
    ])]);
  }
  function groupRows(groups, key) {
    return groups.slice(0, 10).map(function (g) {
      return el("tr", {}, [
        el("td", { text: g.problem_words || g[key] }), el("td", { text: String(g.conversations) }),
        el("td", { text: stars(g.predicted_mean) }), el("td", { text: g.rated ? stars(g.rating_mean) + " (" + g.rated + ")" : "–" }),
        el("td", { text: Math.round(g.worsened_share * 100) + " %" })
      ]);
    });
  }
  var GROUP_HEADS = ["Conversations", "Predicted", "Rated (n)", "Left worse"];

  function render(s, people) {
    var main = document.getElementById("quality");
    if (!main) return;
    main.textContent = "";
    var c = s.coverage;
    main.appendChild(el("h2", { text: "Conversation quality, last " + s.days + " days" }));
    main.appendChild(el("div", { class: "tiles", role: "group", "aria-label": "Quality figures" }, [
      tile(String(c.measured), "conversations measured", "every conversation that ended"),
      tile(String(c.surveyed), "rated by the customer", Math.round(c.surveyed_share * 100) + " % of those measured"),
      tile(stars(s.predicted_mean), "predicted satisfaction", "from each conversation's arc and risk"),
      tile(stars(s.rating_mean), "customers' own rating", c.surveyed ? "from " + c.surveyed + " ratings" : "no ratings yet")
    ]));
    var total = Math.max(1, c.measured);
    main.appendChild(el("section", { class: "card", "aria-labelledby": "q-arcs" }, [
      el("h3", { id: "q-arcs", text: "Did customers leave better or worse than they arrived?" }),
      table("Arc of conversations", ["Arc", "Conversations", "Share"], Object.keys(s.arcs).map(function (shape) {
        return el("tr", {}, [el("td", { text: ARC_WORDS[shape] || shape }), el("td", { text: String(s.arcs[shape]) }), el("td", { style: "width:45%" }, [bar(s.arcs[shape] / total)])]);
      }))
    ]));
    main.appendChild(el("section", { class: "card", "aria-labelledby": "q-time" }, [
      el("h3", { id: "q-time", text: "Predicted satisfaction by day" }),
      s.over_time.length ? table("Predicted satisfaction by day", ["Day", "Conversations", "Predicted", "Rated", "Predicted, as a bar"], s.over_time.map(function (d) {
        return el("tr", {}, [el("td", { text: d.day }), el("td", { text: String(d.conversations) }), el("td", { text: stars(d.predicted_mean) }),
          el("td", { text: stars(d.rating_mean) }), el("td", { style: "width:35%" }, [bar(((d.predicted_mean || 1) - 1) / 4)])]);
      })) : el("p", { class: "empty", text: "No conversation has ended in this window." })
    ]));
    main.appendChild(el("section", { class: "card", "aria-labelledby": "q-topics" }, [
      el("h3", { id: "q-topics", text: "Help-centre topics that end worst" }),
      s.topics.length ? table("Topics by predicted satisfaction", ["Article cited most"].concat(GROUP_HEADS), groupRows(s.topics, "topic")) : el("p", { class: "empty", text: "None yet." })
    ]));
    main.appendChild(el("section", { class: "card", "aria-labelledby": "q-problems" }, [
      el("h3", { id: "q-problems", text: "Problem types that end worst" }),
      s.problem_types.length ? table("Problem types by predicted satisfaction", ["Problem type"].concat(GROUP_HEADS), groupRows(s.problem_types, "problem_type")) : el("p", { class: "empty", text: "None yet." }),
      el("p", { class: "small", text: "Problem type: the rule that handed the conversation to a person, else the customer's most repeated sign of trouble (none: no sign)." })
    ]));
    main.appendChild(el("section", { class: "card", "aria-labelledby": "q-people" }, [
      el("h3", { id: "q-people", text: "By person and problem type (for coaching)" }),
      el("p", { class: "note", role: "note", text: people.note }),
      people.rows.length ? table("By person and problem type", ["Person", "Problem type"].concat(GROUP_HEADS), people.rows.map(function (r) {
        return el("tr", {}, [el("td", { text: r.agent }), el("td", { text: r.problem_words }), el("td", { text: String(r.conversations) }),
          el("td", { text: stars(r.predicted_mean) }), el("td", { text: r.rated ? stars(r.rating_mean) + " (" + r.rated + ")" : "–" }),
          el("td", { text: Math.round(r.worsened_share * 100) + " %" })]);
      })) : el("p", { class: "empty", text: "No conversation held by a person has ended in this window." })
    ]));
  }
})();
