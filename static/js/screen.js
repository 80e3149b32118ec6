/* The big screen: join QR, participants by group, proposals arriving, results moving.
   One scene at a time, chosen in the console (state.screen_scene; "auto" follows the phase).
   Rows are kept and updated in place: bars glide, numbers count, rows slide to their new rank
   (no flicker, no full re-render per update). A list longer than the screen is never cut and
   never shrunk: it turns its pages ("11–18 of 18"), one every config.page_ms. */
(function () {
  "use strict";

  var A = window.Atelier;
  var t = A.t;
  var el = A.el;
  var state = null;
  var results = null;
  var proposalItems = {};
  var resultRows = {};
  var groupItems = {};
  var proposalsDrawn = false;
  var still = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  function groupIndex(groupId) {
    for (var i = 0; i < state.groups.length; i += 1) {
      if (state.groups[i].group_id === groupId) return i;
    }
    return 0;
  }

  /** Count from the number shown to the new one, in about half a second. */
  function countTo(node, value, decimals) {
    var to = Number(value);
    var from = node._value === undefined ? to : node._value;
    node._value = to;
    cancelAnimationFrame(node._frame);
    if (still || from === to) {
      node.textContent = to.toFixed(decimals);
      return;
    }
    var start = null;
    function step(now) {
      if (start === null) start = now;
      var k = Math.min(1, (now - start) / 600);
      var eased = 1 - Math.pow(1 - k, 3);
      node.textContent = (from + (to - from) * eased).toFixed(decimals);
      if (k < 1) node._frame = requestAnimationFrame(step);
    }
    node._frame = requestAnimationFrame(step);
  }

  function swatch(index) {
    var node = el("span", { className: "swatch", "aria-hidden": "true" });
    node.style.backgroundColor = A.groupColour(index);
    return node;
  }

  function renderGroups() {
    countTo(A.byId("count"), state.participants, 0);
    var list = A.byId("groups");
    var most = Math.max.apply(null, state.groups.map(function (g) { return g.participants; }).concat([1]));
    var keep = {};
    state.groups.forEach(function (group, index) {
      keep[group.group_id] = true;
      var item = groupItems[group.group_id];
      if (!item) {
        item = { li: el("li"), name: el("span", { className: "group-name", dir: "auto" }), n: el("strong"), fill: el("span", { className: "group-fill" }) };
        item.li.appendChild(swatch(index));
        item.li.appendChild(item.name);
        item.li.appendChild(item.n);
        item.li.appendChild(el("span", { className: "group-bar", "aria-hidden": "true" }, [item.fill]));
        item.fill.style.backgroundColor = A.groupColour(index);
        groupItems[group.group_id] = item;
      }
      item.name.textContent = A.word("groups", group, "name");
      countTo(item.n, group.participants, 0);
      item.fill.style.inlineSize = (100 * group.participants / most) + "%";
      list.appendChild(item.li);
    });
    Object.keys(groupItems).forEach(function (id) {
      if (!keep[id]) {
        groupItems[id].li.remove();
        delete groupItems[id];
      }
    });
  }

  function renderProposals() {
    var list = A.byId("proposals");
    var keep = {};
    var newest = state.activities.slice().reverse();
    newest.forEach(function (activity, index) {
      keep[activity.id] = true;
      var item = proposalItems[activity.id];
      if (!item) {
        item = { li: el("li", { className: "proposal", "data-activity-id": String(activity.id) }), title: el("span", { className: "proposal-title", dir: "auto" }), track: el("span", { className: "proposal-track", dir: "auto" }) };
        item.li.appendChild(item.title);
        item.li.appendChild(item.track);
        if (proposalsDrawn) {
          item.li.classList.add("new"); // a new proposal glows, then settles
          setTimeout(function () { item.li.classList.remove("new"); }, 2500);
        }
        proposalItems[activity.id] = item;
      }
      item.title.textContent = A.word("activities", activity, "title");
      item.track.textContent = activity.track_id ? A.trackName(state, activity.track_id) : "";
      item.li.classList.toggle("by-participant", !!activity.proposed_by_participant);
      if (list.children[index] !== item.li) list.insertBefore(item.li, list.children[index] || null);
    });
    Object.keys(proposalItems).forEach(function (id) {
      if (!keep[id]) {
        proposalItems[id].li.remove();
        delete proposalItems[id];
      }
    });
    proposalsDrawn = true; // from now on, a proposal that was not there is new
    A.byId("proposal-count").textContent = String(state.activities.length);
    A.byId("proposals-empty").hidden = state.activities.length > 0;
  }

  function renderLegend() {
    var legend = A.byId("legend");
    legend.textContent = "";
    legend.hidden = !state.show_group_split;
    state.groups.forEach(function (group, index) {
      legend.appendChild(el("li", {}, [swatch(index), el("span", { dir: "auto", text: A.word("groups", group, "name") })]));
    });
  }

  function resultRow(activityId) {
    var row = resultRows[activityId];
    if (row) return row;
    row = {
      li: el("li", { className: "result", "data-activity": String(activityId), "data-activity-id": String(activityId) }),
      rank: el("span", { className: "rank" }),
      title: el("span", { className: "result-title", dir: "auto" }),
      value: el("span", { className: "value" }),
      voters: el("span", { className: "result-voters" }),
      bar: el("div", { className: "fill" }),
      segments: [],
    };
    row.li.appendChild(el("div", { className: "result-head" }, [row.rank, row.title, el("span", { className: "result-figures" }, [row.value, row.voters])]));
    row.li.appendChild(el("div", { className: "track-bar", "aria-hidden": "true" }, [row.bar]));
    resultRows[activityId] = row;
    return row;
  }

  function renderResults() {
    if (!results || !state) return;
    A.byId("voters").textContent = String(results.voters);
    var list = A.byId("results");
    var scoreMode = results.mode === "score";
    var decimals = scoreMode ? 1 : 0;
    var max = scoreMode ? 5 : Math.max(1, Math.max.apply(null, results.activities.map(function (r) { return r.total; }).concat([0])));
    // First, where each row is now (to slide it from there: FLIP).
    var before = {};
    Object.keys(resultRows).forEach(function (id) { before[id] = resultRows[id].li.getBoundingClientRect().top; });
    var keep = {};
    var shown = results.activities.filter(function (r) { return A.titleOf(state, r.activity_id, null) !== null; });
    shown.forEach(function (r, index) {
      keep[r.activity_id] = true;
      var row = resultRow(r.activity_id);
      row.rank.textContent = String(r.rank);
      row.title.textContent = A.titleOf(state, r.activity_id, null);
      countTo(row.value, r.total, decimals);
      row.voters.textContent = r.voters + " " + t.voters;
      row.li.classList.toggle("is-zero", r.total === 0);
      row.bar.style.inlineSize = (100 * r.total / max) + "%";
      var weights = r.by_group.map(function (g) { return scoreMode ? g.total * g.voters : g.total; });
      var sum = weights.reduce(function (a, b) { return a + b; }, 0);
      row.bar.classList.toggle("split", !!state.show_group_split);
      r.by_group.forEach(function (g, i) {
        var segment = row.segments[i];
        if (!segment) {
          segment = el("span", { className: "segment" });
          var colour = A.groupColour(groupIndex(g.group_id));
          segment.style.backgroundColor = colour;
          segment.style.color = A.inkOn(colour);
          row.segments[i] = segment;
          row.bar.appendChild(segment);
        }
        var share = state.show_group_split && sum ? 100 * weights[i] / sum : 0;
        segment.style.inlineSize = share + "%";
        // The number of the group inside its segment, when the segment is wide enough to hold it.
        var wide = share * r.total / max >= 4;
        segment.textContent = wide && g.total ? (scoreMode ? g.total.toFixed(1) : String(g.total)) : "";
      });
      if (list.children[index] !== row.li) list.insertBefore(row.li, list.children[index] || null);
    });
    Object.keys(resultRows).forEach(function (id) {
      if (!keep[id]) {
        resultRows[id].li.remove();
        delete resultRows[id];
      }
    });
    slide = { before: before, keep: keep };
    A.byId("results-empty").hidden = results.voters > 0 || shown.length === 0;
  }

  var slide = null;

  /** Rows that moved slide from where they were to their new rank (FLIP), once laid out. */
  function slideRows() {
    var moves = slide;
    slide = null;
    if (still || !moves) return;
    Object.keys(moves.keep).forEach(function (id) {
      if (!moves.before[id] || !resultRows[id]) return; // on another page before: nothing to slide from
      var li = resultRows[id].li;
      var now = li.getBoundingClientRect().top;
      var moved = moves.before[id] - now;
      if (!moved || !now) return;
      li.style.transition = "none";
      li.style.transform = "translateY(" + moved + "px)";
      li.getBoundingClientRect(); // apply the old position before gliding to the new one
      li.style.transition = "";
      li.style.transform = "";
    });
  }

  // -- pages ------------------------------------------------------------------------------

  /**
   * Pages of a list that may be longer than its box: every item is laid out once to measure
   * where the box ends, then only one page is shown. `items()` gives the nodes in order;
   * `extra` adds pages that are not items (the equal-weight ranking after the results).
   */
  function Pager(box, items, indicator, extra, options) {
    this.box = box;
    this.items = items;
    this.indicator = indicator;
    this.extra = extra || null;
    this.options = options || {};
    this.starts = [0];
    this.total = 0;
    this.index = 0;
  }

  Pager.prototype.count = function () {
    return this.starts.length + (this.extra && this.extra.on() ? 1 : 0);
  };

  Pager.prototype.measure = function () {
    var key = this.options.key ? this.options.key() : null;
    if (key !== this.key) { this.key = key; this.index = 0; } // another list: its first page
    if (this.options.grow) this.grow();
    var nodes = this.items();
    var extraShown = this.extra && this.index >= this.starts.length;
    if (this.extra) this.extra.show(false);
    nodes.forEach(function (n) { n.hidden = false; });
    this.total = nodes.length;
    this.starts = [0];
    // the room below the first item's top (a heading's margin counts): borders are not cut
    var room = this.box.clientHeight - (nodes.length ? nodes[0].getBoundingClientRect().top - this.box.getBoundingClientRect().top : 0) - 1;
    var top = null;
    nodes.forEach(function (n, i) {
      var r = n.getBoundingClientRect();
      if (top === null) top = r.top;
      else if (r.bottom - top > room + 0.5 || (this.options.breakBefore && this.options.breakBefore(n) && i > this.starts[this.starts.length - 1])) {
        var start = i;
        // a heading goes to the next page with what it heads
        var heads = this.options.heading;
        if (heads && start - 1 > this.starts[this.starts.length - 1] && heads(nodes[start - 1])) start -= 1;
        this.starts.push(start);
        top = nodes[start].getBoundingClientRect().top;
      }
    }, this);
    this.index = extraShown && this.extra.on() ? this.starts.length : Math.min(this.index, this.count() - 1);
    this.show(nodes);
  };

  /** A short list takes the room: its type grows (never below the room's size) while every
      row still fits on one page, so that three activities do not leave half the screen empty. */
  Pager.prototype.grow = function () {
    var box = this.box;
    var nodes = this.items();
    var breaks = this.options.breakBefore;
    nodes.forEach(function (n) { n.hidden = false; });
    if (this.extra) this.extra.show(false);
    // the parts that get a page of their own (a list with breakBefore: each its page; else one)
    var parts = [[]];
    nodes.forEach(function (n, i) {
      if (breaks && i && breaks(n)) parts.push([]);
      parts[parts.length - 1].push(n);
    });
    var longest = Math.max.apply(null, parts.map(function (part) { return part.length; }));
    var steps = longest > 15 ? [] : this.options.grow; // a long list pages at the room's size
    function fits() { // each part, from where the list starts in its box (one part: as before)
      var frame = box.getBoundingClientRect();
      var offset = nodes.length ? nodes[0].getBoundingClientRect().top - frame.top : 0;
      return parts.every(function (part) {
        return !part.length || offset + part[part.length - 1].getBoundingClientRect().bottom - part[0].getBoundingClientRect().top <= frame.height + 0.5;
      });
    }
    for (var i = 0; i < steps.length; i += 1) {
      box.style.fontSize = steps[i] + "em";
      if (fits()) return;
    }
    box.style.fontSize = "";
  };

  Pager.prototype.show = function (nodes) {
    nodes = nodes || this.items();
    var onExtra = this.index >= this.starts.length;
    var first = onExtra ? 0 : this.starts[this.index];
    var last = onExtra ? 0 : (this.index + 1 < this.starts.length ? this.starts[this.index + 1] : nodes.length);
    nodes.forEach(function (n, i) { n.hidden = onExtra || i < first || i >= last; });
    if (this.extra) this.extra.show(onExtra);
    var paged = this.starts.length > 1 && !onExtra;
    if (this.indicator) {
      // what the room counts: items, not the headings between them
      var counted = this.options.heading ? nodes.map(function (n) { return !this.options.heading(n); }, this) : nodes.map(function () { return true; });
      var before = counted.slice(0, first).filter(Boolean).length;
      var upTo = counted.slice(0, last).filter(Boolean).length;
      var total = counted.filter(Boolean).length;
      var text = paged ? A.fmt(t.page_of, { first: before + 1, last: upTo, total: total }) : "";
      if (this.options.label) text = onExtra ? "" : this.options.label(nodes, first, last);
      this.indicator.hidden = !text;
      this.indicator.textContent = text;
      this.indicator.setAttribute("data-first", String(before + 1));
      this.indicator.setAttribute("data-last", String(upTo));
      this.indicator.setAttribute("data-total", String(total));
    }
  };

  Pager.prototype.next = function () {
    this.index = (this.index + 1) % Math.max(1, this.count());
    this.show();
    return this.index;
  };

  function childrenOf(id) {
    return function () {
      var node = A.byId(id);
      return node ? Array.prototype.slice.call(node.children) : [];
    };
  }

  var pagers = {
    proposals: new Pager(A.byId("proposals"), childrenOf("proposals"), A.byId("proposals-pages"), null, { grow: [1.5, 1.3, 1.15] }),
    results: new Pager(A.byId("results"), childrenOf("results"), A.byId("results-pages"), {
      on: function () {
        var panel = A.byId("equal-weight");
        return !!(state && state.show_group_split && panel && !panel.hidden);
      },
      show: function (on) { A.byId("results-section").classList.toggle("on-equal-page", on); },
    }, { grow: [1.5, 1.35, 1.2, 1.1] }),
  };

  /** The comments' and the workplan's lists are drawn by comments.js and workplan.js, the
      roll-up's by rollup_screen.js: one group to a page (the rapporteur's), then the next; or,
      while the facilitator shows one group (.is-focused), that group's activities only, paged
      under its heading, which stays. */
  function featurePager(scene) {
    if (pagers[scene]) return pagers[scene];
    if (scene === "rollup") {
      var list = A.byId("rollup-list");
      if (!list) return null;
      var isHead = function (node) { return node.classList.contains("rollup-head"); };
      var all = childrenOf("rollup-list");
      pagers.rollup = new Pager(list, function () {
        var nodes = all();
        return list.classList.contains("is-focused") ? nodes.filter(function (n) { return !isHead(n); }) : nodes;
      }, A.byId("rollup-pages"), null, {
        heading: isHead,
        breakBefore: isHead,
        key: function () { return list.getAttribute("data-focus") || ""; },
        label: function (nodes, first, last) {
          var heads = nodes.filter(isHead);
          if (!heads.length && (first > 0 || last < nodes.length)) { // one group's pages
            return A.fmt(t.page_of, { first: first + 1, last: last, total: nodes.length });
          }
          var mine = heads.filter(function (h) { return nodes.indexOf(h) <= first; }).length || 1;
          return heads.length > 1 ? A.fmt(t.wg.group_of, { index: mine, count: heads.length }) : "";
        },
        grow: [1.5, 1.3, 1.15], // each group's page: a few activities read from the back
      });
      return pagers.rollup;
    }
    if (scene !== "comments" && scene !== "workplan") return null;
    var section = A.byId(scene === "comments" ? "screen-comments" : "workplan-section");
    if (!section) return null;
    var box = section.querySelector(scene === "comments" ? ".screen-comments-list" : ".workplan-grid");
    var indicator = el("p", { className: "pager", "data-pager": "", hidden: true });
    var heading = section.querySelector("h2");
    var head = el("div", { className: "scene-head" });
    heading.parentNode.insertBefore(head, heading);
    head.appendChild(heading);
    head.appendChild(indicator);
    pagers[scene] = new Pager(box, function () {
      return Array.prototype.slice.call(box.querySelectorAll(scene === "comments" ? ":scope > li" : ".track-heading, .plan-card"));
    }, indicator, null, {
      heading: function (node) { return node.classList.contains("track-heading"); },
      grow: [1.4, 1.25, 1.1], // a short plan or a few comments take the room too
    });
    return pagers[scene];
  }

  function sceneOf() {
    var chosen = state.screen_scene || "auto";
    // once the working groups rolled up, "automatic" shows the roll-up until the plenary votes
    var auto = state.ballot && state.ballot.length ? A.config.auto_ballot_scenes : A.config.auto_scenes;
    return chosen === "auto" ? auto[state.phase] || "results" : chosen;
  }

  var scene = null;

  /** Show the scene chosen in the console, and lay its list out in pages. */
  function layoutScene() {
    scene = sceneOf();
    document.body.setAttribute("data-scene", scene);
    var corner = (scene === "proposals" || scene === "results") && state.phase !== "closed";
    document.body.toggleAttribute("data-corner", corner);
    A.byId("results-section").hidden = false; // workplan.js hides them: the scene decides
    A.byId("proposals-section").hidden = false;
    var workplan = A.byId("workplan-section");
    if (workplan) workplan.style.fontSize = ""; // the type stays the room's size: pages instead
    var comments = A.byId("screen-comments");
    A.byId("scene-empty").hidden = !(scene === "comments" && (!comments || comments.hidden));
    var pager = featurePager(scene);
    if (pager) pager.measure();
    if (scene === "results") slideRows();
    else slide = null;
    if (state && (scene !== "results" || results)) document.body.setAttribute("data-drawn", "1");
  }

  function nextPage() {
    var pager = scene && featurePager(scene);
    return pager ? pager.next() : 0;
  }

  /** For rehearsals and tests: turn the page now (the page also turns by itself). */
  A.screen = {
    nextPage: nextPage,
    pageIndex: function () { var p = scene && featurePager(scene); return p ? p.index : 0; },
  };
  setInterval(nextPage, A.config.page_ms || 12000);

  function render() {
    if (!state) return;
    A.byId("phase").textContent = t.phases[state.phase];
    A.byId("phase").className = "phase phase-" + state.phase;
    document.body.setAttribute("data-phase", state.phase);
    renderGroups();
    renderProposals();
    renderLegend();
    renderResults();
    A.run("screenRender", state, results);
    layoutScene();
  }

  A.connect({ code: A.config.code, screen_key: A.config.screen_key }, {
    workshop_state: function (data) {
      state = data;
      A.showTimer(A.byId("timer"), data);
      render();
    },
    results: function (data) {
      results = data;
      render();
    },
    wordings: function () { if (state) render(); },
  });

  var resizing = null;
  window.addEventListener("resize", function () {
    clearTimeout(resizing);
    resizing = setTimeout(function () { if (state) layoutScene(); }, 200);
  });

  // Full screen: a button (hidden once in full screen) and the F key.
  var full = A.byId("fullscreen");
  function toggleFullscreen() {
    if (document.fullscreenElement) document.exitFullscreen();
    else if (document.documentElement.requestFullscreen) document.documentElement.requestFullscreen();
  }
  full.hidden = !document.documentElement.requestFullscreen;
  full.addEventListener("click", toggleFullscreen);
  document.addEventListener("keydown", function (event) {
    if ((event.key === "f" || event.key === "F") && !event.ctrlKey && !event.metaKey && !event.altKey) toggleFullscreen();
  });
  document.addEventListener("fullscreenchange", function () {
    document.body.classList.toggle("is-fullscreen", !!document.fullscreenElement);
  });
})();
