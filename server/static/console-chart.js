/* Tideline console: the sentiment chart. Score (−1…1) and frustration (0…1) of each customer
 * message on one axis, with the policy's thresholds and the turn where a rule fired. Each reading
 * is plotted once (the handoff turn belongs to the series, not to the live part), and labels are
 * moved apart until none overlaps another. Shares `TL` with console.js. */
(function () {
  "use strict";
  var TL = window.TidelineConsole = window.TidelineConsole || {};

  function overlaps(a, b) {
    return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
  }
  // Each label keeps its place if it is free, else takes the nearest free row above or below it.
  function spread(labels, height) {
    var placed = [];
    labels.forEach(function (label) {
      var box = label.getBBox();
      var y0 = Number(label.getAttribute("y"));
      var step = box.height + 2;
      for (var k = 0; k < 24; k++) {
        var offset = (k % 2 ? -1 : 1) * Math.ceil(k / 2) * step;
        var moved = { x: box.x, y: box.y + offset, width: box.width, height: box.height };
        if (moved.y < 0 || moved.y + moved.height > height) continue;
        if (!placed.some(function (p) { return overlaps(moved, p); })) {
          label.setAttribute("y", String(y0 + offset));
          placed.push(moved);
          return;
        }
      }
      placed.push(box);
    });
  }

  TL.renderChart = function () {
    var state = TL.state, svg = TL.svg, el = TL.el;
    var holder = document.getElementById("chart");
    if (!holder || !state.pkg) return;
    holder.textContent = "";
    var pkg = state.pkg;
    var readings = pkg.sentiment_series.concat(state.live);
    var W = 520, H = 240, L = 34, R = 12, T = 22, B = 26;
    var n = Math.max(readings.length, 2);
    function x(i) { return L + (W - L - R) * (n === 1 ? 0.5 : i / (n - 1)); }
    function y(v) { return T + (H - T - B) * (1 - (v + 1) / 2); }
    var chart = svg("svg", { viewBox: "0 0 " + W + " " + H, width: "100%", role: "img", "aria-label": "Score and frustration over the customer's messages" });
    holder.appendChild(chart);
    [-1, -0.5, 0, 0.5, 1].forEach(function (v) {
      chart.appendChild(svg("line", { x1: L, x2: W - R, y1: y(v), y2: y(v), stroke: v === 0 ? "#b8bec8" : "#eceff3" }));
      chart.appendChild(svg("text", { x: 4, y: y(v) + 4 }, String(v)));
    });
    var labels = [];
    var firedIndex = -1;
    pkg.decisions.forEach(function (d, i) { if (firedIndex < 0 && d.escalate) firedIndex = i; });
    if (firedIndex >= 0 && firedIndex < readings.length) {
      chart.appendChild(svg("line", { x1: x(firedIndex), x2: x(firedIndex), y1: T, y2: H - B, stroke: "#b3261e", "stroke-width": 2, "data-fired-turn": String(firedIndex + 1) }));
      var nearRight = x(firedIndex) > W / 2;
      var fired = svg("text", { x: x(firedIndex) + (nearRight ? -4 : 4), y: T - 8, "text-anchor": nearRight ? "end" : "start", fill: "#b3261e", "data-label": "fired" }, "handed over at message " + (firedIndex + 1));
      chart.appendChild(fired);
      labels.push(fired);
    }
    var t = pkg.thresholds || {};
    [
      ["critical_frustration", "#7a1d1d", "critical frustration"],
      ["frustration", "#9a5200", "frustration"],
      ["negative_score", "#1f5fbf", "negative score"]
    ].forEach(function (line) {
      if (t[line[0]] === undefined) return;
      chart.appendChild(svg("line", { x1: L, x2: W - R, y1: y(t[line[0]]), y2: y(t[line[0]]), stroke: line[1], "stroke-dasharray": "5 4", "stroke-width": 1, "data-threshold": line[0] }));
      var label = svg("text", { x: W - R - 4, y: y(t[line[0]]) - 3, "text-anchor": "end", "data-label": "threshold" }, line[2] + " " + t[line[0]]);
      chart.appendChild(label);
      labels.push(label);
    });
    if (state.live.length) {
      var split = pkg.sentiment_series.length - 0.5;
      var xs = L + (W - L - R) * (split / (n - 1));
      chart.appendChild(svg("line", { x1: xs, x2: xs, y1: T, y2: H - B, stroke: "#8a929e", "stroke-dasharray": "2 3" }));
      var live = svg("text", { x: xs + 4, y: H - B - 4, "data-label": "live" }, "with a person →");
      chart.appendChild(live);
      labels.push(live);
    }
    function path(key, colour, name) {
      var d = readings.map(function (r, i) { return (i ? "L" : "M") + x(i).toFixed(1) + " " + y(r[key]).toFixed(1); }).join(" ");
      chart.appendChild(svg("path", { d: d, fill: "none", stroke: colour, "stroke-width": 2.2, "data-series": name }));
      readings.forEach(function (r, i) {
        chart.appendChild(svg("circle", { cx: x(i), cy: y(r[key]), r: 3, fill: colour, "data-point": name }));
      });
    }
    path("score", "#1f5fbf", "score");
    path("frustration", "#c25e00", "frustration");
    readings.forEach(function (r, i) { chart.appendChild(svg("text", { x: x(i) - 3, y: H - 8 }, String(i + 1))); });
    spread(labels, H);
    holder.appendChild(el("div", { class: "legend" }, [
      el("span", {}, [el("span", { class: "swatch", style: "background:#1f5fbf" }), "score (−1 … 1)"]),
      el("span", {}, [el("span", { class: "swatch", style: "background:#c25e00" }), "frustration (0 … 1)"]),
      el("span", {}, [el("span", { class: "swatch", style: "background:#b3261e" }), "message where it was handed over"]),
      state.me.live_scores ? null : el("span", { text: "Live scores after the handoff are shown to supervisors." })
    ]));
  };
})();
