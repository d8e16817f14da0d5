// The scenario editor's live parts: the lists of steps to "go to" follow the steps' names as the
// tutor types, and "Paths through the scenario" is redrawn from the form at each change, with the
// same flags the server gives on save (course/questions/scenario_graph.py: dead ends, loops,
// unreachable steps; the messages are word for word the same). Without this script the server
// draws both when the form reloads. The drawn graph (#graph-drawing) is redrawn the same way as
// course/questions/scenario_drawing.py draws it: same boxes, arrows, flags and layout constants.
(function () {
  "use strict";
  var form = document.querySelector("form.scenario-editor");
  var body = document.getElementById("graph-body");
  var drawingBox = document.getElementById("graph-drawing");
  if (!form || !body) return;
  var MAX_PATHS = 50, LABEL_CHARS = 50;

  function value(name) {
    var el = form.elements[name];
    return el && typeof el.value === "string" ? el.value : "";
  }
  function short(text, limit) {
    text = text.replace(/\s+/g, " ").trim();
    return text.length <= limit ? text : text.slice(0, limit - 1).replace(/\s+$/, "") + "…";
  }

  // The steps as the form holds them: id, name, summary, and each way on (answers first).
  function readSteps() {
    var steps = [];
    form.querySelectorAll("fieldset.step-card").forEach(function (card, index) {
      var p = card.id.replace(/^f-/, "") + "-";
      var step = { id: value(p + "id").trim(), name: "Step " + (index + 1), index: index, choices: [],
                   summary: short(value(p + "question-title") || value(p + "question-stem"), LABEL_CHARS) };
      var rows = parseInt(value(p + "question-options-rows") || "0", 10);
      for (var k = 0; k < rows; k++) {
        var o = p + "question-options-" + k + "-";
        var target = value(o + "goto").trim(), text = value(o + "text").trim(), key = value(o + "id").trim();
        if (form.elements[o + "goto"] && target && key && text) {
          step.choices.push({ key: key, text: text, target: target, input: o + "goto" });
        }
      }
      ["true", "false"].forEach(function (key) {
        var name = p + "question-goto_" + key, target = value(name).trim();
        if (form.elements[name] && target) step.choices.push({ key: key, text: "", target: target, input: name });
      });
      step.next = value(p + "next").trim();
      steps.push(step);
    });
    steps.forEach(function (step, i) {
      var target = step.next || (i + 1 < steps.length ? steps[i + 1].id : "end");
      step.choices.push({ key: null, text: "", target: target, input: "steps-" + i + "-next" });
    });
    return steps;
  }

  function answer(choice) {
    if (choice.key === null) return "“After this step”";
    if (choice.text) return "the answer “" + short(choice.text, 40) + "”";
    return "the answer " + choice.key;
  }

  // The same walk as scenario_graph.analyse: depth first from step 1.
  function analyse(steps) {
    var ids = steps.map(function (s) { return s.id; });
    var byId = {};
    steps.forEach(function (s) { if (!(s.id in byId)) byId[s.id] = s; });
    var graph = { paths: [], more: 0, problems: [], reached: {}, ok: false };
    steps.forEach(function (s) { s.choices.forEach(function (c) { c.flag = ""; }); });
    var unique = ids.every(function (id, i) { return id && ids.indexOf(id) === i; });
    if (!steps.length || !unique) return graph;
    var name = function (id) { return byId[id] ? byId[id].name : "step '" + id + "'"; };
    steps.forEach(function (s) {
      s.choices.forEach(function (c) {
        if (c.target !== "end" && !(c.target in byId)) {
          c.flag = "dead-end";
          graph.problems.push(s.name + ": " + answer(c) + " leads to a step that no longer exists ('" + c.target +
                              "'). Choose another step, or End.");
        }
      });
    });
    var reached = {}, trail = [], loops = [];
    (function walk(id) {
      reached[id] = true;
      trail.push(id);
      byId[id].choices.forEach(function (c) {
        var at = trail.indexOf(c.target);
        if (at >= 0) {
          c.flag = "loop";
          var route = trail.slice(at).concat([c.target]).map(name).join(" → ");
          loops.push(name(id) + ": " + answer(c) + " leads back to " + name(c.target) + ", making a loop (" + route +
                     "). A scenario cannot go back: choose a later step, or End.");
        } else if (c.target in byId && !reached[c.target]) {
          walk(c.target);
        }
      });
      trail.pop();
    })(ids[0]);
    graph.problems = graph.problems.concat(loops);
    graph.reached = reached;
    graph.ok = true;
    steps.forEach(function (s) {
      if (!reached[s.id]) {
        graph.problems.push(s.name + " cannot be reached: no answer or step leads to it. Choose it under “If " +
                            "chosen, go to” or “After this step” of an earlier step, or remove it.");
      }
    });
    // every distinct path (answers to the same step make one path), in step order
    var stack = [[ids[0]]], budget = 20 * MAX_PATHS * ids.length;
    while (stack.length && budget-- > 0) {
      var path = stack.pop(), here = byId[path[path.length - 1]], targets = [];
      here.choices.forEach(function (c) { if (targets.indexOf(c.target) < 0) targets.push(c.target); });
      for (var t = targets.length - 1; t >= 0; t--) {
        var target = targets[t], ending = null;
        if (target === "end") ending = path.concat(["end"]);
        else if (!(target in byId)) ending = path.concat(["missing"]);
        else if (path.indexOf(target) >= 0) ending = path.concat(["loop"]);
        else { stack.push(path.concat([target])); continue; }
        if (graph.paths.length < MAX_PATHS) graph.paths.push(ending); else graph.more++;
      }
    }
    var order = function (p) { return p.map(function (id) { var i = ids.indexOf(id); return i < 0 ? ids.length : i; }); };
    graph.paths.sort(function (a, b) {
      var x = order(a), y = order(b);
      for (var i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] - y[i];
      return x.length - y.length;
    });
    var ends = { end: "End", missing: "a step that no longer exists", loop: "back to an earlier step (a loop)" };
    graph.paths = graph.paths.map(function (p) {
      return p.map(function (id) { return byId[id] ? byId[id].name : ends[id] || id; });
    });
    return graph;
  }

  function draw() {
    var steps = readSteps(), graph = analyse(steps);
    body.textContent = "";
    var list = document.createElement("ol");
    list.className = "paths";
    graph.paths.forEach(function (p) {
      var item = document.createElement("li");
      item.textContent = p.join(" → ");
      list.appendChild(item);
    });
    body.appendChild(list);
    if (graph.more) {
      var more = document.createElement("p");
      more.className = "hint";
      more.textContent = "and " + graph.more + " more paths";
      body.appendChild(more);
    }
    if (graph.problems.length) {
      var problems = document.createElement("ul");
      problems.className = "graph-problems";
      graph.problems.forEach(function (message) {
        var item = document.createElement("li");
        item.textContent = message;
        problems.appendChild(item);
      });
      body.appendChild(problems);
    }
    relabel(steps);
    if (drawingBox) drawing(steps, graph);
  }

  // The drawn graph: a column of boxes (steps, then End, then "A step that no longer exists" when
  // an arrow needs it) and the arrows curving on the right.
  var NODE_W = 300, NODE_H = 48, ROW = 72, PAD = 8, SVG_LABEL = 40;
  var FLAG_WORDS = { "unreachable": "Cannot be reached", "dead-end": "Dead end", "loop": "Loop" };
  var SVG = "http://www.w3.org/2000/svg";
  function svgEl(tag, attrs, text) {
    var el = document.createElementNS(SVG, tag);
    Object.keys(attrs).forEach(function (k) { el.setAttribute(k, attrs[k]); });
    if (text !== undefined) el.textContent = text;
    return el;
  }
  function drawing(steps, graph) {
    drawingBox.textContent = "";
    if (!graph.ok) return;
    var nodes = steps.map(function (s) {
      return { id: s.id, label: short(s.name + (s.summary ? ": " + s.summary : ""), SVG_LABEL),
               flags: graph.reached[s.id] ? [] : ["unreachable"] };
    });
    var edges = [];
    steps.forEach(function (s, i) {
      s.choices.forEach(function (c) {
        edges.push({ source: s.id, target: c.flag === "dead-end" ? "missing" : c.target,
                     key: c.key === null ? "next" : c.key, flag: c.flag });
        if (c.flag && nodes[i].flags.indexOf(c.flag) < 0) nodes[i].flags.push(c.flag);
      });
    });
    nodes.push({ id: "end", label: "End", flags: [] });
    if (edges.some(function (e) { return e.target === "missing"; })) {
      nodes.push({ id: "missing", label: "A step that no longer exists", flags: ["dead-end"] });
    }
    var index = {};
    nodes.forEach(function (n, i) { index[n.id] = i; });
    var svg = svgEl("svg", { "class": "scenario-drawing", role: "img", "aria-labelledby": "graph-drawing-title" });
    var count = steps.length;
    svg.appendChild(svgEl("title", { id: "graph-drawing-title" }, "Drawing of the scenario: " + count + " step" +
      (count !== 1 ? "s" : "") + " and End, an arrow for each answer; the list of paths below says the same in words"));
    var marker = svgEl("marker", { id: "graph-arrow", viewBox: "0 0 10 10", refX: "9", refY: "5", markerWidth: "7",
                                   markerHeight: "7", orient: "auto" });
    marker.appendChild(svgEl("path", { d: "M0 0L10 5L0 10z" }));
    svg.appendChild(svgEl("defs", {})).appendChild(marker);
    var ordinals = {}, right = PAD + NODE_W;
    edges.forEach(function (e) {
      var k = ordinals[e.source] = (e.source in ordinals ? ordinals[e.source] : -1) + 1;
      var a = index[e.source], b = index[e.target], x1 = PAD + NODE_W;
      var y1 = PAD + a * ROW + 12 + Math.min(k, 3) * 8, y2 = PAD + b * ROW + NODE_H / 2;
      var cx = x1 + 30 + 22 * Math.abs(b - a) + 8 * k, mid = Math.floor(9 * (cx - x1) / 16);
      right = Math.max(right, cx);
      var g = svgEl("g", { "class": e.flag ? "edge " + e.flag : "edge", "data-from": e.source, "data-to": e.target,
                           "data-key": e.key });
      g.appendChild(svgEl("path", { d: "M" + x1 + " " + y1 + " C" + cx + " " + y1 + " " + cx + " " + y2 + " " + x1 +
                                       " " + y2, "marker-end": "url(#graph-arrow)" }));
      g.appendChild(svgEl("text", { x: x1 + mid + 3, y: Math.floor((27 * y1 + 5 * y2) / 32) + 4 }, e.key));
      svg.appendChild(g);
    });
    nodes.forEach(function (n, i) {
      var y = PAD + i * ROW, classes = ["node"].concat(n.flags, n.id === "end" ? ["end"] : []).join(" ");
      var g = svgEl("g", { "class": classes, "data-step": n.id });
      g.appendChild(svgEl("rect", { x: PAD, y: y, width: NODE_W, height: NODE_H, rx: 6 }));
      g.appendChild(svgEl("text", { x: PAD + 10, y: y + 20 }, n.label));
      if (n.flags.length) {
        var words = n.flags.map(function (f) { return FLAG_WORDS[f]; }).join(" · ");
        g.appendChild(svgEl("text", { "class": "flag", x: PAD + 10, y: y + 38 }, "⚠ " + words));
      }
      svg.appendChild(g);
    });
    var width = right + 40, height = 2 * PAD + nodes.length * ROW - (ROW - NODE_H);
    svg.setAttribute("viewBox", "0 0 " + width + " " + height);
    svg.setAttribute("width", width);
    svg.setAttribute("height", height);
    drawingBox.appendChild(svg);
  }

  // Each "go to" list offers the steps by their current names; what was chosen stays chosen.
  function relabel(steps) {
    var wanted = steps.filter(function (s) { return s.id; }).map(function (s) {
      return [s.id, s.name + (s.summary ? ": " + s.summary : "")];
    });
    form.querySelectorAll("select.step-select").forEach(function (select) {
      var chosen = select.value;
      var have = Array.prototype.slice.call(select.options, 1, wanted.length + 1).map(function (o) {
        return [o.value, o.textContent];
      });
      if (JSON.stringify(have) === JSON.stringify(wanted) && select.options.length === wanted.length + 2) return;
      var first = select.options[0].cloneNode(true);
      select.textContent = "";
      select.appendChild(first);
      var known = false;
      steps.forEach(function (s) {
        if (!s.id) return;
        var option = document.createElement("option");
        option.value = s.id;
        option.textContent = s.name + (s.summary ? ": " + s.summary : "");
        select.appendChild(option);
        if (s.id === chosen) known = true;
      });
      var end = document.createElement("option");
      end.value = "end";
      end.textContent = "End of the scenario";
      select.appendChild(end);
      if (chosen && chosen !== "end" && !known) {
        var gone = document.createElement("option");
        gone.value = chosen;
        gone.textContent = "A step that no longer exists (" + chosen + ")";
        select.appendChild(gone);
      }
      select.value = chosen;
    });
  }

  var timer = null;
  function later() { clearTimeout(timer); timer = setTimeout(draw, 150); }
  form.addEventListener("input", function (event) {
    // typing in a list of steps' own box would lose the tutor's place if the list were rebuilt
    if (event.target.tagName !== "SELECT") later();
  });
  form.addEventListener("change", function (event) { if (event.target.tagName === "SELECT") draw(); });
  document.addEventListener("rows-changed", draw);
  draw();
})();
