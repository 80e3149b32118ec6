/* The big screen: join QR, participants by group, proposals arriving, results moving.
   Rows are kept and updated in place: bars glide, numbers count, rows slide to their new rank
   (no flicker, no full re-render per update). */
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
  var measured = false; // the first rows are measured once drawn, to know how many fit
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
      item.name.textContent = group.name;
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

  function trackName(id) {
    for (var i = 0; i < state.tracks.length; i += 1) {
      if (state.tracks[i].id === id) return state.tracks[i].name;
    }
    return "";
  }

  function renderProposals() {
    var list = A.byId("proposals");
    var keep = {};
    var newest = state.activities.slice().reverse();
    newest.forEach(function (activity, index) {
      keep[activity.id] = true;
      var item = proposalItems[activity.id];
      if (!item) {
        item = { li: el("li", { className: "proposal" }), title: el("span", { className: "proposal-title", dir: "auto" }), track: el("span", { className: "proposal-track", dir: "auto" }) };
        item.li.appendChild(item.title);
        item.li.appendChild(item.track);
        if (state && Object.keys(proposalItems).length) {
          item.li.classList.add("new"); // a new proposal glows, then settles
          setTimeout(function () { item.li.classList.remove("new"); }, 2500);
        }
        proposalItems[activity.id] = item;
      }
      item.title.textContent = activity.title;
      item.track.textContent = activity.track_id ? trackName(activity.track_id) : "";
      item.li.classList.toggle("by-participant", !!activity.proposed_by_participant);
      if (list.children[index] !== item.li) list.insertBefore(item.li, list.children[index] || null);
    });
    Object.keys(proposalItems).forEach(function (id) {
      if (!keep[id]) {
        proposalItems[id].li.remove();
        delete proposalItems[id];
      }
    });
    A.byId("proposal-count").textContent = String(state.activities.length);
    A.byId("proposals-empty").hidden = state.activities.length > 0;
  }

  function titleOf(activityId) {
    for (var i = 0; i < state.activities.length; i += 1) {
      if (state.activities[i].id === activityId) return state.activities[i].title;
    }
    return null;
  }

  function renderLegend() {
    var legend = A.byId("legend");
    legend.textContent = "";
    legend.hidden = !state.show_group_split;
    state.groups.forEach(function (group, index) {
      legend.appendChild(el("li", {}, [swatch(index), el("span", { dir: "auto", text: group.name })]));
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

  /** How many rows fit above the bottom of the window (at least 3), from the first row drawn. */
  function rowsThatFit() {
    var list = A.byId("results");
    var first = list.firstElementChild;
    if (!first || !first.offsetHeight) return 10;
    var gap = parseFloat(getComputedStyle(list).rowGap) || 0;
    var more = A.byId("results-more");
    var moreHeight = parseFloat(getComputedStyle(more).fontSize) * 2;
    var main = document.querySelector(".screen-main");
    var bottom = parseFloat(getComputedStyle(main).paddingBlockEnd) + document.querySelector(".screen-foot").offsetHeight;
    var room = window.innerHeight - list.getBoundingClientRect().top - moreHeight - bottom;
    return Math.max(3, Math.floor((room + gap) / (first.offsetHeight + gap)));
  }

  /** The big screen never scrolls: drop the last rows while the page is taller than the window. */
  function trimToFit(shownCount) {
    var list = A.byId("results");
    var more = A.byId("results-more");
    var root = document.documentElement;
    while (list.children.length > 3 && root.scrollHeight > window.innerHeight) {
      var last = list.lastElementChild;
      delete resultRows[last.getAttribute("data-activity")];
      last.remove();
      more.hidden = false;
      more.textContent = A.fmt(t.more_activities, { count: shownCount - list.children.length });
    }
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
    var shown = results.activities.filter(function (r) { return titleOf(r.activity_id) !== null; });
    list.classList.toggle("is-few", shown.length <= 5);
    list.classList.toggle("is-many", shown.length > 5);
    var limit = Math.min(shown.length, rowsThatFit());
    shown.slice(0, limit).forEach(function (r, index) {
      keep[r.activity_id] = true;
      var row = resultRow(r.activity_id);
      row.rank.textContent = String(r.rank);
      row.title.textContent = titleOf(r.activity_id);
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
    if (!still) {
      Object.keys(keep).forEach(function (id) {
        if (before[id] === undefined) return;
        var li = resultRows[id].li;
        var moved = before[id] - li.getBoundingClientRect().top;
        if (!moved) return;
        li.style.transition = "none";
        li.style.transform = "translateY(" + moved + "px)";
        li.getBoundingClientRect(); // apply the old position before gliding to the new one
        li.style.transition = "";
        li.style.transform = "";
      });
    }
    var more = A.byId("results-more");
    more.hidden = shown.length <= limit;
    more.textContent = A.fmt(t.more_activities, { count: shown.length - limit });
    trimToFit(shown.length);
    A.byId("results-empty").hidden = results.voters > 0 || shown.length === 0;
    if (!measured && list.firstElementChild && list.firstElementChild.offsetHeight) {
      measured = true;
      requestAnimationFrame(renderResults);
    }
  }

  function render() {
    if (!state) return;
    A.byId("phase").textContent = t.phases[state.phase];
    A.byId("phase").className = "phase phase-" + state.phase;
    document.body.setAttribute("data-phase", state.phase);
    var voting = state.phase === "voting" || state.phase === "closed";
    A.byId("results-section").hidden = !voting;
    A.byId("proposals-section").hidden = voting || (state.phase === "setup" && state.activities.length === 0);
    renderGroups();
    renderProposals();
    renderLegend();
    renderResults();
    A.run("screenRender", state, results);
  }

  A.connect({ code: A.config.code, screen_key: A.config.screen_key }, {
    workshop_state: function (data) {
      state = data;
      A.showTimer(A.byId("timer"), data);
      render();
    },
    results: function (data) {
      results = data;
      renderResults();
      if (state) A.run("screenRender", state, results);
    },
  });

  var resizing = null;
  window.addEventListener("resize", function () {
    clearTimeout(resizing);
    resizing = setTimeout(renderResults, 200);
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
