/* The participant's phone: propose, vote, see results. The server judges every rule; this
   script only mirrors them to explain why a button is disabled. */
(function () {
  "use strict";

  var A = window.Atelier;
  var t = A.t;
  var el = A.el;
  var state = null;
  var results = null;
  var me = { votes: [], left: null, my_activity_ids: [] };
  var items = {}; // activity id -> list item, kept between snapshots (no full re-render)
  var notice = A.byId("notice");

  function myVote(activityId) {
    for (var i = 0; i < me.votes.length; i += 1) {
      if (me.votes[i].activity_id === activityId) return me.votes[i].value;
    }
    return 0;
  }

  function resultOf(activityId) {
    if (!results) return null;
    for (var i = 0; i < results.activities.length; i += 1) {
      if (results.activities[i].activity_id === activityId) return results.activities[i];
    }
    return null;
  }

  function applyAck(ack, okMessage) {
    if (ack && ack.ok) {
      if (ack.votes) {
        me.votes = ack.votes;
        me.left = ack.left;
      }
      A.notify(notice, okMessage, "ok");
    } else {
      A.notify(notice, (ack && ack.message) || t.error_generic, "error");
    }
    render();
  }

  function vote(activityId, payload) {
    var data = Object.assign({ activity_id: activityId }, payload);
    A.notify(notice, t.sending);
    A.act("cast_vote", data, function (ack) {
      applyAck(ack, t.vote_saved);
    });
  }

  function withdraw(activityId) {
    A.notify(notice, t.sending);
    A.act("withdraw_vote", { activity_id: activityId }, function (ack) {
      applyAck(ack, t.vote_withdrawn);
    });
  }

  function voteControls(activity) {
    var rule = state.voting;
    var current = myVote(activity.id);
    var open = state.phase === "voting";
    var reason = open ? "" : t.voting_closed;
    var box = el("div", { className: "vote" });
    if (rule.mode === "dots") {
      var spent = rule.budget - (me.left === null ? rule.budget : me.left);
      var full = spent >= rule.budget;
      var atCap = current >= rule.per_activity_cap;
      box.appendChild(el("button", {
        type: "button", className: "dot-btn", "aria-label": t.remove_dot,
        disabled: !open || current === 0,
        onclick: function () { vote(activity.id, { points: current - 1 }); },
      }, ["−"]));
      var dots = el("span", { className: "dots", "aria-label": t.your_vote + ": " + current });
      for (var i = 0; i < rule.per_activity_cap; i += 1) {
        dots.appendChild(el("span", { className: i < current ? "dot on" : "dot", "aria-hidden": "true" }));
      }
      box.appendChild(dots);
      box.appendChild(el("button", {
        type: "button", className: "dot-btn", "aria-label": t.add_dot,
        disabled: !open || full || atCap,
        title: full ? t.budget_spent : reason,
        onclick: function () { vote(activity.id, { points: current + 1 }); },
      }, ["+"]));
    } else if (rule.mode === "approval") {
      var exhausted = me.left !== null && me.left <= 0 && !current;
      box.appendChild(el("button", {
        type: "button", className: current ? "toggle on" : "toggle",
        "aria-pressed": current ? "true" : "false",
        disabled: !open || exhausted,
        onclick: function () {
          if (current) withdraw(activity.id);
          else vote(activity.id, {});
        },
      }, [current ? t.supported : t.support]));
    } else {
      var group = el("div", { className: "scores", role: "group", "aria-label": t.score_label });
      [1, 2, 3, 4, 5].forEach(function (score) {
        group.appendChild(el("button", {
          type: "button", className: current === score ? "score on" : "score",
          "aria-pressed": current === score ? "true" : "false", disabled: !open,
          onclick: function () { vote(activity.id, { score: score }); },
        }, [String(score)]));
      });
      box.appendChild(group);
      if (current) {
        box.appendChild(el("button", {
          type: "button", className: "link", disabled: !open,
          onclick: function () { withdraw(activity.id); },
        }, [t.remove_score]));
      }
    }
    if (!open) box.appendChild(el("p", { className: "why", text: reason }));
    return box;
  }

  function trackName(id) {
    for (var i = 0; i < state.tracks.length; i += 1) {
      if (state.tracks[i].id === id) return state.tracks[i].name;
    }
    return "";
  }

  function renderItem(activity) {
    var li = items[activity.id] || el("li", { className: "activity" });
    items[activity.id] = li;
    li.textContent = "";
    var mine = me.my_activity_ids.indexOf(activity.id) !== -1;
    li.appendChild(el("h3", { dir: "auto", text: activity.title }));
    if (mine) li.appendChild(el("span", { className: "badge", text: t.my_proposal }));
    if (activity.track_id) li.appendChild(el("span", { className: "track", dir: "auto", text: trackName(activity.track_id) }));
    if (activity.description) li.appendChild(el("p", { dir: "auto", className: "desc", text: activity.description }));
    var result = resultOf(activity.id);
    if (result && (state.phase === "voting" || state.phase === "closed")) {
      li.appendChild(el("p", { className: "tally", text: t.total + ": " + result.total + " · " + result.voters + " " + t.voters }));
    }
    if (state.phase === "voting" || state.phase === "closed") li.appendChild(voteControls(activity));
    A.run("phoneActivity", li, activity, state, me, results);
    return li;
  }

  function render() {
    if (!state) return;
    A.byId("phase").textContent = t.phases[state.phase];
    A.byId("phase").className = "phase phase-" + state.phase;
    A.byId("propose").hidden = state.phase !== "proposing";
    var trackRow = A.byId("p-track-row");
    trackRow.hidden = state.tracks.length === 0;
    var select = A.byId("p-track");
    if (select.options.length !== state.tracks.length + 1) {
      select.textContent = "";
      select.appendChild(el("option", { value: "", text: t.no_track }));
      state.tracks.forEach(function (track) {
        select.appendChild(el("option", { value: String(track.id), text: track.name }));
      });
    }
    var rule = state.voting;
    var budget = A.byId("budget");
    budget.textContent = "";
    if (state.phase === "voting" && me.left !== null && rule.budget) {
      budget.textContent = A.fmt(rule.mode === "dots" ? t.dots_left : t.approvals_left, { left: me.left, budget: rule.budget });
    } else if (state.phase !== "voting") {
      budget.textContent = t.phase_hints[state.phase];
    }
    var list = A.byId("activities");
    var activities = state.activities.slice();
    if (state.phase === "closed" && results) {
      var rank = {};
      results.activities.forEach(function (r) { rank[r.activity_id] = r.rank; });
      activities.sort(function (a, b) { return (rank[a.id] || 1e9) - (rank[b.id] || 1e9) || a.id - b.id; });
    }
    var keep = {};
    activities.forEach(function (activity) {
      keep[activity.id] = true;
      list.appendChild(renderItem(activity)); // moves an existing node, creates a new one
    });
    Object.keys(items).forEach(function (id) {
      if (!keep[id]) {
        items[id].remove();
        delete items[id];
      }
    });
    A.byId("empty").hidden = activities.length > 0;
    A.run("phoneRender", state, me, results);
  }

  /** During voting, an activity that comes back (restored) may carry a vote of mine the
      server trimmed: ask for a fresh my_state rather than guess. */
  function needsResync(previous, next) {
    if (!previous || next.phase !== "voting") return false;
    var before = {};
    previous.activities.forEach(function (a) { before[a.id] = true; });
    var gone = Object.keys(before).length !== next.activities.filter(function (a) { return before[a.id]; }).length;
    var back = next.activities.some(function (a) { return !before[a.id]; });
    return gone || back;
  }

  A.connect({ code: A.config.code, role: "phone" }, {
    workshop_state: function (data) {
      var resync = needsResync(state, data);
      state = data;
      render();
      if (resync) A.socket.emit("sync", {});
    },
    results: function (data) { results = data; render(); },
    my_state: function (data) { me = data; render(); },
  });

  var form = A.byId("propose-form");
  var titleInput = A.byId("p-title");
  titleInput.addEventListener("input", function () {
    A.byId("p-title-count").textContent = titleInput.value.length + "/120";
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var button = form.querySelector("button");
    button.disabled = true;
    A.notify(notice, t.sending);
    A.act("propose_activity", {
      title: titleInput.value,
      description: A.byId("p-description").value,
      track: A.byId("p-track").value || null,
    }, function (ack) {
      button.disabled = false;
      if (ack.ok) {
        me.my_activity_ids = me.my_activity_ids.concat([ack.activity_id]);
        form.reset();
        A.byId("p-title-count").textContent = "";
        A.notify(notice, t.proposal_saved, "ok");
      } else {
        A.notify(notice, ack.message || t.error_generic, "error");
      }
      render();
    });
  });
})();
