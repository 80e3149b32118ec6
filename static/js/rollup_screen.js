/* Big screen: the working groups' roll-up (issue 14). The "rollup" scene shows the plenary's
   ballot group by group, as each rapporteur presents it: the group's name, what it brings, its
   pre-vote figures (screen.js turns one group to a page). When the facilitator shows one group
   (the snapshot's "rollup_focus_group_id": its rapporteur speaks), the list holds that group
   only, its heading on every page (the list gets .is-focused and data-focus for screen.js).
   The plenary's results then say which group brought each activity. Drawn from the
   snapshot's "ballot" and "working_groups". */
(function () {
  "use strict";

  var A = window.Atelier;
  var W = A.t.wg;
  var el = A.el;
  var heads = {}; // group id -> li
  var items = {}; // activity id -> {li, ...}
  var drawn = false;

  function groupOf(state, id) {
    var list = state.working_groups || [];
    for (var i = 0; i < list.length; i += 1) if (list[i].id === id) return list[i];
    return null;
  }

  function nameOf(state, id) {
    var group = groupOf(state, id);
    return group ? (group.names && group.names[A.lang]) || group.name : W.no_group_name;
  }

  /** What the room reads of an entry: the activity's title, or (merged since) what it became. */
  function titleOf(state, entry) {
    return A.titleOf(state, entry.activity_id, null) ||
      (entry.merged_into_id ? A.titleOf(state, entry.merged_into_id, "") : "");
  }

  function figures(entry) {
    if (entry.marked) return W.screen_marked;
    if (!entry.prevote_rank) return "";
    return A.fmt(W.screen_prevote, { rank: entry.prevote_rank, total: entry.prevote_total }) +
      " · " + A.fmt(W.screen_voters, { voters: entry.prevote_voters });
  }

  function head(gid) {
    if (!heads[gid]) {
      heads[gid] = el("li", { className: "rollup-head", "data-group-id": String(gid) }, [el("h3")]);
    }
    return heads[gid];
  }

  function item(entry) {
    var it = items[entry.activity_id];
    if (!it) {
      it = {
        li: el("li", { className: "rollup-item", "data-activity-id": String(entry.activity_id) }),
        rank: el("span", { className: "rollup-rank" }),
        // <bdi>: a title in another script keeps its own direction and sits at the list's side
        title: el("bdi"),
        figures: el("span", { className: "rollup-figures" }),
      };
      it.li.appendChild(it.rank);
      it.li.appendChild(el("span", { className: "rollup-body" }, [el("span", { className: "rollup-title" }, [it.title]), it.figures]));
      if (drawn) { // brought while the room watches: it glows, then settles
        it.li.classList.add("new");
        setTimeout(function () { it.li.classList.remove("new"); }, 2500);
      }
      items[entry.activity_id] = it;
    }
    return it;
  }

  function renderRollup(state) {
    var list = A.byId("rollup-list");
    if (!list) return;
    var ballot = (state.ballot || []).slice().sort(function (a, b) { return a.position - b.position; });
    var onBallot = {};
    ballot.forEach(function (entry) { onBallot[entry.activity_id] = true; onBallot["g" + entry.working_group_id] = true; });
    var focus = state.rollup_focus_group_id;
    var focused = ballot.length > 0 && focus !== null && focus !== undefined && !!groupOf(state, focus);
    if (focused) {
      ballot = ballot.filter(function (entry) { return entry.working_group_id === focus; });
      onBallot["g" + focus] = true;
    }
    list.classList.toggle("is-focused", focused);
    list.setAttribute("data-focus", focused ? String(focus) : "");
    var order = [];
    var keepHeads = {};
    var keepItems = {};
    var lastGroup;
    ballot.forEach(function (entry) {
      var gid = entry.working_group_id;
      if (gid !== lastGroup) {
        lastGroup = gid;
        var h = head(gid);
        h.firstChild.textContent = A.fmt(W.brings, { group: nameOf(state, gid) });
        keepHeads[gid] = true;
        order.push(h);
      }
      var it = item(entry);
      keepItems[entry.activity_id] = true;
      it.rank.textContent = entry.marked ? "★" : String(entry.prevote_rank || "");
      it.title.textContent = titleOf(state, entry);
      it.figures.textContent = figures(entry);
      it.li.classList.toggle("is-marked", !!entry.marked);
      order.push(it.li);
    });
    if (focused && !ballot.length) { // the group shown brings nothing: its heading says whose turn
      var own = head(focus);
      own.firstChild.textContent = A.fmt(W.brings, { group: nameOf(state, focus) });
      keepHeads[focus] = true;
      order.push(own);
    }
    if (focused) order[0].hidden = false; // its heading stays on every page of the group
    order.forEach(function (node, index) {
      if (list.children[index] !== node) list.insertBefore(node, list.children[index] || null);
    });
    // what another group brings leaves the list while one group is shown, and comes back
    // without glowing as new; what left the ballot goes for good
    Object.keys(heads).forEach(function (id) {
      if (keepHeads[id]) return;
      heads[id].remove();
      if (!onBallot["g" + id]) delete heads[id];
    });
    Object.keys(items).forEach(function (id) {
      if (keepItems[id]) return;
      items[id].li.remove();
      if (!onBallot[id]) delete items[id];
    });
    var empty = A.byId("rollup-empty");
    empty.textContent = focused ? W.screen_group_none : W.screen_none;
    empty.hidden = ballot.length > 0;
    drawn = true;
  }

  /** Under each result of the plenary: the group(s) that brought it and their pre-vote. */
  function renderProvenance(state) {
    var ballot = state.ballot || [];
    var byActivity = {};
    ballot.forEach(function (entry) {
      var at = entry.merged_into_id || entry.activity_id; // a merged entry counts for its target
      (byActivity[at] = byActivity[at] || []).push(entry);
    });
    Array.prototype.forEach.call(document.querySelectorAll("#results li.result"), function (li) {
      var entries = byActivity[Number(li.getAttribute("data-activity-id"))] || [];
      var node = li.querySelector(".provenance");
      if (!entries.length) {
        if (node) node.remove();
        return;
      }
      if (!node) {
        node = el("p", { className: "provenance" });
        li.appendChild(node);
      }
      var own = entries.filter(function (e) { return !e.merged_into_id; })[0] || entries[0];
      var names = [];
      entries.forEach(function (e) {
        var name = nameOf(state, e.working_group_id);
        if (names.indexOf(name) === -1) names.push(name);
      });
      node.textContent = "";
      node.appendChild(el("bdi", { className: "provenance-groups", text: A.fmt(W.from_group, { groups: names.join(" + ") }) }));
      var more = figures(own);
      if (more) node.appendChild(el("span", { className: "provenance-figures", text: " · " + more }));
    });
  }

  A.extend.screenRender.push(function (state) {
    renderRollup(state);
    renderProvenance(state);
  });
})();
