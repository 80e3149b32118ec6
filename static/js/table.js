/* A working group's table screen: its name, phase and countdown, the activities of the table
   as they arrive (newest first) and, once it pre-votes, its ranking. The server sends this
   page its group's room only (docs/realtime.md): nothing of the other tables reaches it. */
(function () {
  "use strict";

  var A = window.Atelier;
  var t = A.t;
  var T = t.tables;
  var el = A.el;
  var gid = A.config.working_group_id;
  var state = null;
  var seen = null; // activity ids shown so far: the ones after the first snapshot are new
  var fresh = {}; // activity id -> time it arrived, highlighted for a while
  var NEW_MS = 8000;

  function group() {
    return (state && state.working_group) || null;
  }

  function groupName(record) {
    return (record.names && record.names[A.lang]) || record.name;
  }

  /** The table's activities: the snapshot's own during group work; in plenary the room has
      the whole workshop, of which this table's. */
  function activities() {
    return state.activities.filter(function (a) { return a.working_group_id === gid; });
  }

  function prevoteOf(id) {
    var ranking = (group() && group().prevote) || [];
    for (var i = 0; i < ranking.length; i += 1) {
      if (ranking[i].activity_id === id) return ranking[i];
    }
    return null;
  }

  function onBallot(id) {
    return (state.ballot || []).some(function (b) { return b.activity_id === id; });
  }

  function mode() {
    if (state.phase === "voting" || state.phase === "closed") return "plenary";
    var phase = group() ? group().phase : "proposing";
    return phase === "prevote" || phase === "done" ? phase : "proposing";
  }

  function item(activity, ranked, max) {
    var li = el("li", { className: "table-item" + (fresh[activity.id] ? " new" : ""), "data-id": String(activity.id) });
    var head = el("div", { className: "table-item-head" });
    var result = ranked ? prevoteOf(activity.id) : null;
    if (result) head.appendChild(el("span", { className: "table-rank", text: String(result.rank) }));
    head.appendChild(el("h3", { className: "table-title", dir: "auto", text: A.word("activities", activity, "title") }));
    li.appendChild(head);
    if (result) {
      var fill = el("span", { className: "table-bar-fill" });
      fill.style.inlineSize = (100 * result.total / max) + "%";
      li.appendChild(el("span", { className: "table-bar-track", "aria-hidden": "true" }, [fill]));
      li.appendChild(el("p", { className: "table-figures", text: A.fmt(T.points, { total: result.total, voters: result.voters }) }));
    }
    if (onBallot(activity.id)) li.appendChild(el("span", { className: "table-badge", text: T.on_ballot }));
    else if (!result && fresh[activity.id]) li.appendChild(el("span", { className: "table-badge", text: T["new"] }));
    return li;
  }

  function ordered(list, ranked) {
    if (ranked) {
      return list.slice().sort(function (a, b) {
        var ra = prevoteOf(a.id), rb = prevoteOf(b.id);
        return ((ra && ra.rank) || 1e9) - ((rb && rb.rank) || 1e9) || a.id - b.id;
      });
    }
    return list.slice().sort(function (a, b) { return b.id - a.id; }); // newest first
  }

  /** Show what fits; say how many more (nothing is ever cut in half). */
  function fit(list, total) {
    var more = A.byId("more");
    more.hidden = true;
    var shown = list.children.length;
    while (shown > 1 && list.scrollHeight > list.clientHeight + 1) {
      list.removeChild(list.lastChild);
      shown -= 1;
      more.hidden = false;
      more.textContent = A.fmt(T.more, { count: total - shown });
    }
  }

  function render() {
    if (!state) return;
    var record = group();
    var now = mode();
    if (record) {
      A.byId("group-name").textContent = groupName(record);
      document.title = groupName(record) + " · " + state.title + " · Atelier";
      A.byId("count").textContent = String(record.participants);
    }
    var phase = A.byId("phase");
    phase.textContent = now === "plenary" ? t.phases[state.phase] : t.wg.phases[now] || now;
    phase.className = "phase table-phase phase-" + (now === "plenary" ? state.phase : now);
    document.body.setAttribute("data-mode", now);
    // the table's countdown when it has one, else the room's
    var timer = record && record.timer && record.timer.seconds !== null ? record.timer : state.timer;
    A.showTimer(A.byId("timer"), { timer: timer, server_time: state.server_time });
    A.byId("table-hint").textContent = {
      proposing: T.proposals_hint, prevote: T.prevote_hint, done: T.done_hint, plenary: T.plenary_hint,
    }[now];
    var mine = activities();
    var ranked = now === "prevote" || now === "done";
    var max = 1;
    ((record && record.prevote) || []).forEach(function (r) { max = Math.max(max, r.total); });
    var list = A.byId("activities");
    list.textContent = "";
    ordered(mine, ranked).forEach(function (activity) { list.appendChild(item(activity, ranked, max)); });
    A.byId("activity-count").textContent = String(mine.length);
    A.byId("empty").hidden = mine.length > 0;
    fit(list, mine.length);
  }

  function arrived(data) {
    var ids = data.activities.filter(function (a) { return a.working_group_id === gid; }).map(function (a) { return a.id; });
    if (seen !== null) {
      ids.forEach(function (id) {
        if (!seen[id]) {
          fresh[id] = Date.now();
          setTimeout(function () { delete fresh[id]; render(); }, NEW_MS);
        }
      });
    }
    seen = {};
    ids.forEach(function (id) { seen[id] = true; });
  }

  A.connect({ code: A.config.code, table_key: A.config.table_key }, {
    workshop_state: function (data) {
      arrived(data);
      state = data;
      render();
    },
    wordings: render,
  });
  window.addEventListener("resize", render);
})();
