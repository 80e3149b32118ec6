/* Big screen and console: support by stakeholder group, consensus, equal weight per group and
   the flags. Loaded before screen.js / console.js; uses the A.extend hooks (common.js). */
(function () {
  "use strict";

  var A = window.Atelier;
  var C = A.t.consensus;
  var el = A.el;
  var role = A.config.role;

  function fmt(template, params) {
    return A.fmt(template, params).replace(/%%/g, "%");
  }

  function byId(results) {
    var map = {};
    (results ? results.activities : []).forEach(function (r) { map[r.activity_id] = r; });
    return map;
  }

  function groupVoters(results, groupId) {
    var found = (results.groups || []).filter(function (g) { return g.group_id === groupId; })[0];
    return found ? found.voters : 0;
  }

  /** One small bar per group, filled to the share of its voters who support the activity. */
  function shares(node, state, results, result) {
    node.textContent = "";
    var labels = [];
    (result.support || []).forEach(function (s, index) {
      var name = A.groupName(state, s.group_id);
      var voters = groupVoters(results, s.group_id);
      var label = s.share === null
        ? fmt(C.no_voters, { group: name })
        : fmt(C.share_of, { group: name, share: Math.round(100 * s.share), supporters: s.supporters, voters: voters });
      labels.push(label);
      var fill = el("span", { className: "share-fill" });
      fill.style.blockSize = (s.share === null ? 0 : Math.round(100 * s.share)) + "%";
      fill.style.backgroundColor = A.groupColour(index);
      node.appendChild(el("span", { className: s.share === null ? "share share-none" : "share", title: label }, [fill]));
    });
    node.setAttribute("role", "img");
    node.setAttribute("aria-label", labels.join("; "));
  }

  /** The flags of a result as words: templates from the server (C.flags), group names filled in. */
  function flagWords(state, result) {
    var names = {};
    ((state && state.groups) || []).forEach(function (g) { names[g.group_id] = A.word("groups", g, "name"); });
    var groups = result.flag_groups || {};
    return (result.flags || []).map(function (flag) {
      // messages.name_list's rule, sent by the server: each name isolated, the language's separator
      var named = (groups[flag] || []).map(function (id) {
        return A.fmt(C.list_item, { name: names[id] || "" });
      }).join(C.list_separator);
      return { flag: flag, text: fmt(C.flags[flag] || flag, { groups: named }), hint: C.flag_hints[flag] || "" };
    });
  }
  A.flagWords = flagWords; // for the big screen's scenes: the same words everywhere

  function flags(node, state, result) {
    node.textContent = "";
    flagWords(state, result).forEach(function (f) {
      node.appendChild(el("span", { className: "flag flag-" + f.flag, title: f.hint, dir: "auto", text: f.text }));
    });
  }

  // -- big screen ------------------------------------------------------------------------------

  var panel = null;

  function equalPanel(state, results) {
    var section = A.byId("results-section");
    if (!panel) {
      panel = el("aside", { id: "equal-weight", className: "equal-weight" }, [
        el("h3", { text: C.equal_weight }),
        el("p", { className: "equal-hint", text: C.equal_weight_hint }),
        el("ol", { className: "equal-list" }),
      ]);
      section.appendChild(panel);
    }
    var titles = {};
    state.activities.forEach(function (a) { titles[a.id] = A.word("activities", a, "title"); });
    var ranked = results.activities.filter(function (r) { return titles[r.activity_id] !== undefined; })
      .slice().sort(function (a, b) { return a.equal_rank - b.equal_rank || a.rank - b.rank; }).slice(0, 6);
    var list = panel.querySelector("ol");
    list.textContent = "";
    ranked.forEach(function (r) {
      var move = r.rank - r.equal_rank; // > 0: climbs when every group weighs the same
      list.appendChild(el("li", { className: "equal-item" }, [
        el("span", { className: "rank", text: String(r.equal_rank) }),
        el("span", { className: "equal-title", dir: "auto", text: titles[r.activity_id] }),
        el("span", { className: move > 0 ? "move up" : move < 0 ? "move down" : "move same",
          title: fmt(C.rank_short, { rank: r.rank }), text: move > 0 ? "▲" + move : move < 0 ? "▼" + (-move) : "=" }),
      ]));
    });
  }

  /** A line of the legend saying what the small bars are (the legend is redrawn by screen.js). */
  function legendNote(state) {
    var legend = A.byId("legend");
    if (!legend || legend.querySelector(".legend-note")) return;
    var sample = el("span", { className: "shares", "aria-hidden": "true" });
    [0.9, 0.4, 0.0].forEach(function (share, index) {
      var fill = el("span", { className: "share-fill" });
      fill.style.blockSize = Math.round(100 * share) + "%";
      fill.style.backgroundColor = A.groupColour(index);
      sample.appendChild(el("span", { className: "share" }, [fill]));
    });
    legend.appendChild(el("li", { className: "legend-note" }, [sample, el("span", { text: C.groups_hint })]));
  }

  function screenRender(state, results) {
    var section = A.byId("results-section");
    var on = !!(state && results && state.show_group_split);
    if (on) legendNote(state);
    section.classList.toggle("with-consensus", on);
    if (panel) panel.hidden = !on;
    if (!on) {
      Array.prototype.forEach.call(document.querySelectorAll("#results .consensus"), function (n) { n.remove(); });
      return;
    }
    var map = byId(results);
    Array.prototype.forEach.call(document.querySelectorAll("#results > li[data-activity-id]"), function (li) {
      var result = map[Number(li.getAttribute("data-activity-id"))];
      if (!result) return;
      var box = li.querySelector(".consensus");
      if (!box) {
        box = el("div", { className: "consensus" }, [el("span", { className: "shares" }), el("span", { className: "flags" })]);
        li.appendChild(box);
      }
      shares(box.querySelector(".shares"), state, results, result);
      flags(box.querySelector(".flags"), state, result);
    });
    equalPanel(state, results);
  }

  // -- console --------------------------------------------------------------------------------

  var sortBy = "rank";

  function consoleRow(tr, activity, state, results) {
    var result = byId(results)[activity.id];
    var groupsCell = el("td", { className: "consensus-cell col-flags" });
    var consensusCell = el("td", { className: "num" });
    var equalCell = el("td", { className: "num" });
    if (result) {
      var strip = el("span", { className: "shares" });
      shares(strip, state, results, result);
      var flagBox = el("span", { className: "flags" });
      flags(flagBox, state, result);
      groupsCell.appendChild(strip);
      groupsCell.appendChild(flagBox);
      consensusCell.appendChild(el("span", { text: result.consensus.toFixed(2) }));
      consensusCell.appendChild(el("small", { text: fmt(C.rank_short, { rank: result.consensus_rank }) }));
      equalCell.appendChild(el("span", { text: String(result.equal_total) }));
      equalCell.appendChild(el("small", { text: fmt(C.rank_short, { rank: result.equal_rank }) }));
      tr.setAttribute("data-consensus-rank", String(result.consensus_rank));
      tr.setAttribute("data-equal-rank", String(result.equal_rank));
    }
    var last = tr.lastChild;
    [groupsCell, consensusCell, equalCell].forEach(function (td) { tr.insertBefore(td, last); });
  }

  /** The three columns' headers, in the activities table (by its id), before its last column:
      consoleRow puts the three cells at the same place, so headers and cells stay together. */
  function ensureHeader() {
    var table = A.byId("activities-table");
    var head = table && table.querySelector("thead tr");
    if (!head || head.querySelector(".consensus-head")) return;
    var last = head.lastElementChild;
    [C.groups, C.consensus, C.equal_weight].forEach(function (text) {
      head.insertBefore(el("th", { className: "consensus-head", text: text }), last);
    });
    var picker = el("select", { id: "rank-by", onchange: function (event) { sortBy = event.target.value; reorder(); } }, [
      el("option", { value: "rank", text: C.raw }),
      el("option", { value: "consensus", text: C.consensus }),
      el("option", { value: "equal", text: C.equal_weight }),
    ]);
    var box = el("div", { className: "rank-by" }, [el("label", { for: "rank-by", text: C.rank_by }), picker]);
    var toolbar = A.byId("activities-toolbar");
    if (toolbar) toolbar.appendChild(box);
    else table.parentNode.insertBefore(box, table);
  }

  function reorder() {
    if (sortBy === "rank") return; // console.js already sorted by the raw ranking
    var attr = sortBy === "consensus" ? "data-consensus-rank" : "data-equal-rank";
    var body = A.byId("activities");
    var rows = Array.prototype.slice.call(body.children);
    rows.sort(function (a, b) {
      return (Number(a.getAttribute(attr)) || 1e9) - (Number(b.getAttribute(attr)) || 1e9);
    });
    rows.forEach(function (row) { body.appendChild(row); });
  }

  if (role === "screen") A.extend.screenRender.push(screenRender);
  if (role === "console") {
    A.extend.consoleRow.push(consoleRow);
    A.extend.consoleRender.push(function () { ensureHeader(); reorder(); });
  }
})();
