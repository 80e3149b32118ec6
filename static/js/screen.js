/* The big screen: join QR, participants by group, proposals arriving, results moving.
   Rows are kept and updated in place, so bars glide instead of flickering. */
(function () {
  "use strict";

  var A = window.Atelier;
  var t = A.t;
  var el = A.el;
  var state = null;
  var results = null;
  var proposalItems = {};
  var resultRows = {};

  function groupIndex(groupId) {
    for (var i = 0; i < state.groups.length; i += 1) {
      if (state.groups[i].group_id === groupId) return i;
    }
    return 0;
  }

  function renderGroups() {
    A.byId("count").textContent = String(state.participants);
    var list = A.byId("groups");
    list.textContent = "";
    state.groups.forEach(function (group, index) {
      var swatch = el("span", { className: "swatch", "aria-hidden": "true" });
      swatch.style.backgroundColor = A.groupColour(index);
      list.appendChild(el("li", {}, [swatch, el("span", { dir: "auto", text: group.name }), el("strong", { text: String(group.participants) })]));
    });
  }

  function renderProposals() {
    var list = A.byId("proposals");
    var keep = {};
    state.activities.slice().reverse().forEach(function (activity) {
      keep[activity.id] = true;
      var li = proposalItems[activity.id];
      if (!li) {
        li = el("li", { className: "proposal new" });
        proposalItems[activity.id] = li;
        setTimeout(function () { li.classList.remove("new"); }, 1200);
      }
      li.textContent = activity.title;
      li.setAttribute("dir", "auto");
      list.appendChild(li);
    });
    Object.keys(proposalItems).forEach(function (id) {
      if (!keep[id]) {
        proposalItems[id].remove();
        delete proposalItems[id];
      }
    });
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
      var swatch = el("span", { className: "swatch", "aria-hidden": "true" });
      swatch.style.backgroundColor = A.groupColour(index);
      legend.appendChild(el("li", {}, [swatch, el("span", { dir: "auto", text: group.name })]));
    });
  }

  function resultRow(activityId) {
    var row = resultRows[activityId];
    if (row) return row;
    row = {
      li: el("li", { className: "result", "data-activity-id": String(activityId) }),
      rank: el("span", { className: "rank" }),
      title: el("span", { className: "result-title", dir: "auto" }),
      value: el("span", { className: "value" }),
      bar: el("div", { className: "fill" }),
      segments: [],
    };
    row.li.appendChild(el("div", { className: "result-head" }, [row.rank, row.title, row.value]));
    row.li.appendChild(el("div", { className: "track-bar" }, [row.bar]));
    resultRows[activityId] = row;
    return row;
  }

  function renderResults() {
    if (!results) return;
    A.byId("voters").textContent = String(results.voters);
    var list = A.byId("results");
    var scoreMode = results.mode === "score";
    var max = scoreMode ? 5 : Math.max(1, Math.max.apply(null, results.activities.map(function (r) { return r.total; }).concat([0])));
    var keep = {};
    results.activities.forEach(function (r) {
      var title = titleOf(r.activity_id);
      if (title === null) return;
      keep[r.activity_id] = true;
      var row = resultRow(r.activity_id);
      row.rank.textContent = String(r.rank);
      row.title.textContent = title;
      row.value.textContent = String(r.total);
      row.bar.style.inlineSize = (100 * r.total / max) + "%";
      var weights = r.by_group.map(function (g) { return scoreMode ? g.total * g.voters : g.total; });
      var sum = weights.reduce(function (a, b) { return a + b; }, 0);
      row.bar.classList.toggle("split", !!state.show_group_split);
      r.by_group.forEach(function (g, index) {
        var segment = row.segments[index];
        if (!segment) {
          segment = el("span", { className: "segment" });
          segment.style.backgroundColor = A.groupColour(groupIndex(g.group_id));
          row.segments[index] = segment;
          row.bar.appendChild(segment);
        }
        segment.style.inlineSize = (state.show_group_split && sum ? (100 * weights[index] / sum) : 0) + "%";
      });
      list.appendChild(row.li); // re-order without re-creating
    });
    Object.keys(resultRows).forEach(function (id) {
      if (!keep[id]) {
        resultRows[id].li.remove();
        delete resultRows[id];
      }
    });
  }

  function render() {
    if (!state) return;
    A.byId("phase").textContent = t.phases[state.phase];
    A.byId("phase").className = "phase phase-" + state.phase;
    var voting = state.phase === "voting" || state.phase === "closed";
    document.body.classList.toggle("is-voting", voting);
    A.byId("results-section").hidden = !voting;
    A.byId("proposals-section").hidden = voting;
    renderGroups();
    renderProposals();
    renderLegend();
    renderResults();
    A.run("screenRender", state, results);
  }

  A.connect({ code: A.config.code, screen_key: A.config.screen_key }, {
    workshop_state: function (data) { state = data; render(); },
    results: function (data) {
      results = data;
      if (state) {
        renderResults();
        A.run("screenRender", state, results);
      }
    },
  });
})();
