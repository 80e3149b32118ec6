/* The participant's phone: propose, vote, see results. The server judges every rule; this
   script only mirrors them to explain why a button is disabled. Each vote shows its own
   state on its card (sending, waiting for the connection, recorded, refused and why). */
(function () {
  "use strict";

  var A = window.Atelier;
  var t = A.t;
  var el = A.el;
  var state = null;
  var results = null;
  var me = { votes: [], left: null, my_activity_ids: [] };
  var items = {}; // activity id -> list item, kept between snapshots (no full re-render)
  var pending = {}; // activity id -> {value, seq}: what the participant asked, not yet acknowledged
  var status = {}; // activity id -> {kind: "sending" | "ok" | "error", text}
  var seq = 0;
  var notice = A.byId("notice");
  var originalOpen = {}; // activity id -> true while its "Original" is unfolded

  /** Whether the phone's working group pre-votes now (its table's vote, during group work):
      the vote buttons then cast pre-votes, with the workshop's rule, on the group's activities. */
  function prevoting() { return prevotingIn(state); }

  function prevotingIn(s) {
    var group = s && s.working_group;
    return !!group && group.phase === "prevote" && (s.phase === "setup" || s.phase === "proposing");
  }

  function myVotes() {
    return prevoting() ? me.prevotes || [] : me.votes;
  }

  function confirmedVote(activityId) {
    var votes = myVotes();
    for (var i = 0; i < votes.length; i += 1) {
      if (votes[i].activity_id === activityId) return votes[i].value;
    }
    return 0;
  }

  /** The vote as the participant sees it: the one on its way, else the server's. */
  function shownVote(activityId) {
    return pending[activityId] ? pending[activityId].value : confirmedVote(activityId);
  }

  function resultOf(activityId) {
    if (!results) return null;
    for (var i = 0; i < results.activities.length; i += 1) {
      if (results.activities[i].activity_id === activityId) return results.activities[i];
    }
    return null;
  }

  /** Dots or supports left, counting the votes still on their way. */
  function leftNow() {
    var left = prevoting() ? (me.prevote_left === undefined ? null : me.prevote_left) : me.left;
    if (left === null) return null;
    var rule = state.voting;
    if (rule.mode === "dots") {
      var spent = 0;
      state.activities.forEach(function (a) { spent += shownVote(a.id); });
      var pendingAny = Object.keys(pending).length > 0;
      return pendingAny ? Math.max(0, rule.budget - spent) : left;
    }
    if (rule.mode === "approval") {
      var delta = 0;
      Object.keys(pending).forEach(function (id) {
        delta += pending[id].value - confirmedVote(Number(id));
      });
      return Math.max(0, left - delta);
    }
    return null;
  }

  function connectedNow() {
    return navigator.onLine !== false && A.socket && A.socket.connected;
  }

  /** Send one vote (or withdrawal) and show its fate on its card and in the toast. */
  function send(event, activityId, payload, value, okText) {
    seq += 1;
    var mine = seq;
    pending[activityId] = { value: value, seq: mine };
    // Only the latest confirmation stays on screen; refusals stay until the next vote.
    Object.keys(status).forEach(function (id) {
      if (status[id].kind === "ok") delete status[id];
    });
    status[activityId] = { kind: "sending", text: connectedNow() ? t.sending : t.waiting_connection };
    render();
    A.act(event, Object.assign({ activity_id: activityId }, payload), function (ack) {
      var latest = pending[activityId] && pending[activityId].seq === mine;
      if (ack && ack.ok) {
        if (ack.votes && !ack.replayed) {
          me.votes = ack.votes;
          me.left = ack.left;
        }
        if (ack.prevotes && !ack.replayed) { // a pre-vote's ack: the table's votes and what is left
          me.prevotes = ack.prevotes;
          me.prevote_left = ack.prevote_left !== undefined ? ack.prevote_left : ack.left;
        }
        if (latest) {
          delete pending[activityId];
          status[activityId] = { kind: "ok", text: okText };
          A.notify(notice, okText, "ok", 2500); // the card keeps the confirmation
        }
        if (ack.replayed) A.socket.emit("sync", {}); // a replay carries the old votes: ask anew
      } else {
        var message = (ack && ack.message) || t.error_generic;
        if (latest) delete pending[activityId];
        status[activityId] = { kind: "error", text: message };
        A.notify(notice, message, "error");
        // Refused because this phone's picture was out of date (another tab, a hidden
        // activity, a phase change): ask the server for the truth.
        A.socket.emit("sync", {});
      }
      render();
    });
  }

  function vote(activityId, payload, value) {
    if (prevoting()) {
      send("cast_prevote", activityId, payload, value, value ? t.tables.prevote_saved : t.vote_withdrawn);
      return;
    }
    send("cast_vote", activityId, payload, value, value ? t.vote_saved : t.vote_withdrawn);
  }

  function withdraw(activityId) {
    if (prevoting()) {
      send("withdraw_prevote", activityId, {}, 0, t.vote_withdrawn);
      return;
    }
    send("withdraw_vote", activityId, {}, 0, t.vote_withdrawn);
  }

  function button(key, attrs, children) {
    attrs["data-focus"] = key;
    attrs.type = "button";
    return el("button", attrs, children);
  }

  function dotsControls(activity, current, open, left) {
    var rule = state.voting;
    var cap = rule.per_activity_cap;
    var box = el("div", { className: "vote vote-dots" });
    var atCap = current >= cap;
    var noneLeft = left !== null && left <= 0;
    var row = el("div", { className: "dots-row" });
    row.appendChild(button("minus-" + activity.id, {
      className: "dot-btn", "aria-label": t.remove_dot + " · " + A.word("activities", activity, "title"),
      disabled: !open || current === 0,
      onclick: function () { vote(activity.id, { points: current - 1 }, current - 1); },
    }, ["−"]));
    var dots = el("span", { className: "dots", role: "img", "aria-label": A.fmt(t.my_dots, { count: current }) });
    for (var i = 0; i < cap; i += 1) {
      dots.appendChild(el("span", { className: i < current ? "dot on" : "dot" }));
    }
    row.appendChild(dots);
    row.appendChild(button("plus-" + activity.id, {
      className: "dot-btn", "aria-label": t.add_dot + " · " + A.word("activities", activity, "title"),
      disabled: !open || atCap || noneLeft,
      "aria-describedby": open && noneLeft && !atCap ? "budget" : null,
      onclick: function () { vote(activity.id, { points: current + 1 }, current + 1); },
    }, ["+"]));
    box.appendChild(row);
    box.appendChild(el("p", { className: "mine-count", text: A.fmt(t.my_dots, { count: current }) }));
    // Why + is disabled. A spent budget is explained once, in the dock at the bottom.
    var why = "";
    if (!open) why = t.voting_closed;
    else if (atCap) why = A.fmt(t.cap_reached, { max: cap });
    if (why) box.appendChild(el("p", { className: "why", text: why }));
    return box;
  }

  function approvalControls(activity, current, open, left) {
    var box = el("div", { className: "vote vote-approval" });
    var exhausted = left !== null && left <= 0 && !current;
    box.appendChild(button("toggle-" + activity.id, {
      className: current ? "toggle on" : "toggle",
      "aria-pressed": current ? "true" : "false",
      disabled: !open || exhausted,
      onclick: function () {
        if (current) withdraw(activity.id);
        else vote(activity.id, {}, 1);
      },
    }, [current ? t.supported : t.support]));
    var why = !open ? t.voting_closed : exhausted ? t.approvals_spent : "";
    if (why) box.appendChild(el("p", { className: "why", text: why }));
    return box;
  }

  function scoreControls(activity, current, open) {
    var box = el("div", { className: "vote vote-score" });
    var group = el("div", { className: "scores", role: "group", "aria-label": t.score_label + " · " + A.word("activities", activity, "title") });
    var scores = [];
    for (var n = A.limits.score_min; n <= A.limits.score_max; n += 1) scores.push(n);
    scores.forEach(function (score) {
      group.appendChild(button("score-" + activity.id + "-" + score, {
        className: current === score ? "score on" : "score",
        "aria-pressed": current === score ? "true" : "false", disabled: !open,
        onclick: function () { vote(activity.id, { score: score }, score); },
      }, [String(score)]));
    });
    box.appendChild(group);
    if (current && open) {
      box.appendChild(button("unscore-" + activity.id, {
        className: "link",
        onclick: function () { withdraw(activity.id); },
      }, [t.remove_score]));
    }
    if (!open) box.appendChild(el("p", { className: "why", text: t.voting_closed }));
    return box;
  }

  function voteControls(activity) {
    var open = state.phase === "voting" || prevoting();
    var current = shownVote(activity.id);
    var left = leftNow();
    var mode = state.voting.mode;
    if (mode === "dots") return dotsControls(activity, current, open, left);
    if (mode === "approval") return approvalControls(activity, current, open, left);
    return scoreControls(activity, current, open);
  }

  function tally(activity) {
    var result = resultOf(activity.id);
    if (!result || !(state.phase === "voting" || state.phase === "closed")) return null;
    var max = 1;
    results.activities.forEach(function (r) { max = Math.max(max, r.total); });
    if (results.mode === "score") max = A.limits.score_max;
    var fill = el("span", { className: "tally-fill" });
    fill.style.inlineSize = (100 * result.total / max) + "%";
    return el("div", { className: "tally" }, [
      el("p", { text: t.total + " " + result.total + " · " + result.voters + " " + t.voters }),
      el("span", { className: "tally-bar", "aria-hidden": "true" }, [fill]),
    ]);
  }

  function renderItem(activity) {
    var li = items[activity.id] || el("li", { className: "activity" });
    items[activity.id] = li;
    var focused = document.activeElement && li.contains(document.activeElement)
      ? document.activeElement.getAttribute("data-focus") : null;
    li.textContent = "";
    var mine = me.my_activity_ids.indexOf(activity.id) !== -1;
    var voted = shownVote(activity.id) > 0;
    li.className = "activity" + (mine ? " is-mine" : "") + (voted ? " has-vote" : "");
    var head = el("div", { className: "activity-head" });
    if (state.phase === "closed" && resultOf(activity.id)) {
      head.appendChild(el("span", { className: "rank-chip", text: String(resultOf(activity.id).rank) }));
    }
    head.appendChild(el("h3", { dir: "auto", text: A.word("activities", activity, "title") }));
    li.appendChild(head);
    var tags = el("p", { className: "tags" });
    if (mine) tags.appendChild(el("span", { className: "badge badge-mine", text: t.my_proposal }));
    if (activity.track_id) tags.appendChild(el("span", { className: "track", dir: "auto", text: A.trackName(state, activity.track_id) }));
    if (tags.childNodes.length) li.appendChild(tags);
    var description = A.word("activities", activity, "description");
    if (description) li.appendChild(el("p", { dir: "auto", className: "desc", text: description }));
    var original = originalOf(activity);
    if (original) li.appendChild(original);
    var bar = tally(activity);
    if (bar) li.appendChild(bar);
    if (state.phase === "voting" || state.phase === "closed" || prevoting()) li.appendChild(voteControls(activity));
    var s = status[activity.id];
    if (s) li.appendChild(el("p", { className: "vote-status vote-status-" + s.kind, text: s.text }));
    A.run("phoneActivity", li, activity, state, me, results);
    if (focused) {
      var again = li.querySelector('[data-focus="' + focused + '"]');
      if (again && !again.disabled) again.focus();
    }
    return li;
  }

  /** The original title and description, one tap away, when this phone shows a wording. */
  function originalOf(activity) {
    if (!A.isWorded("activities", activity, "title") && !A.isWorded("activities", activity, "description")) return null;
    var box = el("details", { className: "original", open: !!originalOpen[activity.id] }, [
      el("summary", { "data-focus": "original-" + activity.id, text: t.original }),
      el("p", { className: "original-title", dir: "auto", text: activity.title }),
      activity.description ? el("p", { className: "original-desc", dir: "auto", text: activity.description }) : null,
    ]);
    box.addEventListener("toggle", function () {
      if (box.open) originalOpen[activity.id] = true;
      else delete originalOpen[activity.id];
    });
    return box;
  }

  function renderBudget() {
    var rule = state.voting;
    var box = A.byId("budget");
    box.textContent = "";
    box.hidden = state.phase !== "voting" && !prevoting();
    if (box.hidden) return;
    var left = leftNow();
    box.className = "budget" + (left === 0 ? " is-spent" : "");
    if (rule.mode === "dots") {
      var dots = el("span", { className: "budget-dots", "aria-hidden": "true" });
      if (rule.budget <= 20) {
        for (var i = 0; i < rule.budget; i += 1) {
          dots.appendChild(el("span", { className: i < left ? "dot on" : "dot" }));
        }
      }
      box.appendChild(dots);
      box.appendChild(el("strong", { text: A.fmt(t.dots_left, { left: left, budget: rule.budget }) }));
      if (left === 0) box.appendChild(el("span", { className: "budget-hint", text: t.budget_spent }));
    } else if (rule.mode === "approval" && left !== null) {
      box.appendChild(el("strong", { text: A.fmt(t.approvals_left, { left: left, budget: rule.budget }) }));
      if (left === 0) box.appendChild(el("span", { className: "budget-hint", text: t.approvals_spent }));
    } else if (rule.mode === "approval") {
      box.appendChild(el("strong", { text: t.approval_rule }));
    } else {
      box.appendChild(el("strong", { text: t.score_rule }));
    }
  }

  /** Keep the end of the page (links, language switcher) clear of the dock at the bottom. */
  function clearDock() {
    document.body.style.paddingBlockEnd = A.byId("budget").hidden ? "" : A.byId("budget").offsetHeight + 16 + "px";
  }

  function renderMe() {
    var who = [me.name, me.organisation, me.group_id ? A.groupName(state, me.group_id) : ""].filter(Boolean);
    A.byId("me").textContent = who.length ? t.you + " · " + who.join(" · ") : "";
  }

  function render() {
    if (!state) return;
    A.byId("phase").textContent = t.phases[state.phase];
    A.byId("phase").className = "phase phase-" + state.phase;
    document.body.setAttribute("data-phase", state.phase);
    A.byId("phase-hint").textContent = t.phase_hints[state.phase];
    // a phone seated at a table proposes while its table does (its proposals go to it)
    var table = state.working_group;
    A.byId("propose").hidden = state.phase !== "proposing" || (!!table && table.phase !== "proposing");
    document.body.setAttribute("data-prevote", prevoting() ? "1" : "0");
    A.byId("p-track-row").hidden = state.tracks.length === 0;
    var select = A.byId("p-track");
    if (select.options.length !== state.tracks.length + 1) {
      select.textContent = "";
      select.appendChild(el("option", { value: "", text: t.no_track }));
      state.tracks.forEach(function (track) {
        select.appendChild(el("option", { value: String(track.id), text: A.word("tracks", track, "name") }));
      });
    }
    renderMe();
    renderBudget();
    clearDock();
    var list = A.byId("activities");
    var activities = state.activities.slice();
    if (state.phase === "closed" && results) {
      var rank = {};
      results.activities.forEach(function (r) { rank[r.activity_id] = r.rank; });
      activities.sort(function (a, b) { return (rank[a.id] || 1e9) - (rank[b.id] || 1e9) || a.id - b.id; });
    }
    var keep = {};
    activities.forEach(function (activity, index) {
      keep[activity.id] = true;
      var li = renderItem(activity);
      if (list.children[index] !== li) list.insertBefore(li, list.children[index] || null);
    });
    Object.keys(items).forEach(function (id) {
      if (!keep[id]) {
        items[id].remove();
        delete items[id];
        delete status[id];
        delete pending[id];
      }
    });
    A.byId("empty").hidden = activities.length > 0;
    A.run("phoneRender", state, me, results);
  }

  /** While the room votes or my table pre-votes, an activity that goes (merged: my support
      moved, the merge's notice waits) or comes back (restored, maybe trimmed) changes my
      votes: ask for a fresh my_state rather than guess. */
  function needsResync(previous, next) {
    if (!previous) return false;
    // moved to another table, or the table's phase changed: my_state (pre-votes) anew
    var was = previous.working_group, now = next.working_group;
    if ((was && was.id) !== (now && now.id) || (was && was.phase) !== (now && now.phase)) return true;
    if (next.phase !== "voting" && !prevotingIn(next)) return false;
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
      A.showTimer(A.byId("timer"), data);
      render();
      if (resync) A.socket.emit("sync", {});
    },
    results: function (data) { results = data; render(); },
    my_state: function (data) { me = data; render(); },
    wordings: function () {
      A.byId("p-track").textContent = ""; // its options are drawn again, in the new words
      render();
    },
  });
  // moved to another table by a server process other than this socket's: sync moves it
  A.socket.on("working_group_changed", function () { A.socket.emit("sync", {}); });
  A.socket.on("disconnect", function () {
    // Votes on their way now wait for the connection: say so on their cards.
    Object.keys(pending).forEach(function (id) {
      status[id] = { kind: "sending", text: t.waiting_connection };
    });
    render();
  });

  var form = A.byId("propose-form");
  var titleInput = A.byId("p-title");
  titleInput.addEventListener("input", function () {
    A.byId("p-title-count").textContent = titleInput.value.length + "/" + A.limits.title_max;
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var submit = form.querySelector("button[type=submit]");
    submit.disabled = true;
    A.notify(notice, connectedNow() ? t.sending : t.waiting_connection);
    A.act("propose_activity", {
      title: titleInput.value,
      description: A.byId("p-description").value,
      track: A.byId("p-track").value || null,
    }, function (ack) {
      submit.disabled = false;
      if (ack.ok) {
        if (me.my_activity_ids.indexOf(ack.activity_id) === -1) {
          me.my_activity_ids = me.my_activity_ids.concat([ack.activity_id]);
        }
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
